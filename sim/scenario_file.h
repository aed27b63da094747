// The scenario file: a TOML text that describes a simulation (docs/simulator.md, "Scenario
// file"), and its loader, which checks it and resolves it into a Scenario (sim/scenario.h):
// defaults applied, border times, cargo values and the release lag fitted to lognormals
// (sim/distributions.h), closure dates turned into days since the start, and the reference data
// (tariffs, VAT, exchange rates) loaded. The shipped default, sim/data/carec.toml, is compiled in.
//
// Loading happens once, before a run, and may allocate; it never throws (toml++ runs without
// exceptions, and allocation failure is caught and reported). Errors reuse the reference data's
// LoadError and LoadErrorCode (ledger/transit/reference_data.h): the same codes, and the same
// "file:line:column: path: message" text, with the path of the field from the top of the file
// ("corridors[2].crossings[0].mean_h", indices from 0). Keys the format does not define, or that
// do not apply where they stand (tir_cap_eur in a national scheme), are key_unknown, never
// ignored. Figures are TOML numbers (integer or float, finite); counts are TOML integers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/transit/reference_data.h"
#include "sim/scenario.h"

namespace kervan {

// The version of the file format this loader reads (key `format_version`).
inline constexpr int64_t scenario_format_version = 1;

// Limits of a scenario file, checked by the loader (too_many or value_out_of_range).
inline constexpr size_t scenario_file_bytes_max = size_t{4} * 1024 * 1024;
inline constexpr size_t scenario_name_bytes_max = 128;  // Scenario, corridor, class, scheme.
inline constexpr size_t scenario_corridors_max = 256;
inline constexpr size_t scenario_closures_per_crossing_max = 1024;
inline constexpr size_t scenario_cargo_classes_max = categories_max;  // Drawn by an AliasTable.
inline constexpr size_t scenario_risk_classes_max = 64;
inline constexpr size_t scenario_schemes_max = 16;
inline constexpr int64_t scenario_horizon_days_max = 3650;  // Ten years.
inline constexpr int64_t scenario_warmup_days_max = 3650;
inline constexpr int64_t scenario_replications_max = 100'000;
inline constexpr int64_t scenario_principals_max = 10'000'000;
inline constexpr double scenario_movements_per_day_max = 1e6;  // Per corridor.
inline constexpr double scenario_distance_km_max = 20'000;     // Per country of a corridor.
inline constexpr double scenario_border_time_h_max = 8760;     // A year, for every hour figure.
inline constexpr double scenario_sigma_log_max = 5;            // exp(5) = 148 per sd.
inline constexpr double scenario_seasonal_factor_max = 12;     // All of a year in one month.
inline constexpr double scenario_money_eur_max = 1e12;         // Any amount in EUR.
inline constexpr double scenario_days_max = 3650;              // Any lag or wait in days.
// Shares summing to 1 and seasonal factors averaging 1 are accepted within this (absolute).
inline constexpr double scenario_sum_tolerance = 1e-9;

// A corridor has 1 to corridor_countries_max countries (sim/scenario.h; within
// cover_itinerary_countries_max, what one computation of the amount to be covered takes).
static_assert(corridor_countries_max <= cover_itinerary_countries_max);
static_assert(scenario_cargo_classes_max <= categories_max);
static_assert(scenario_risk_classes_max <= categories_max);

// Loads a scenario from TOML text; `source_name` names it in errors and is the place a relative
// `reference` path is resolved from (its folder; the working folder when it has none). Returns
// ok and fills *out, or the first error found, with *error filled and *out unchanged. Never
// throws. Order: syntax; unknown top-level keys; then format_version, name, seed, start_date,
// horizon_days, warmup_days, replications, principals, reference (the data is loaded here),
// release_lag, corridors, cargo, risk_classes, incidents, costs, schemes; within a table its
// unknown keys first, then its keys in the order docs/simulator.md lists them; array elements
// in file order, cross-element checks (shares summing to 1, unique names) after the elements.
// Codes: syntax; key_unknown; key_missing; type_wrong (a string where a number is expected, a
// float where an integer is); value_invalid (a bad country code or HS code, shares not summing
// to 1, a fit that refuses its figures, with the fit's name in the message); value_out_of_range
// (a figure outside its range, a closure before the start date); duplicate (two corridors,
// classes or schemes of one name, a country twice in a row); order_invalid (a closure ending
// before it starts or overlapping the previous one); reference_invalid (a corridor country
// without a tariff in force or an exchange rate on the start date, crossings that do not link
// the corridor's countries, per-country arrays of the wrong length); too_many; and the codes of
// the reference data's own loader when that fails (reported at the `reference` key).
[[nodiscard]] LoadErrorCode load_scenario_text(std::string_view text, std::string_view source_name,
                                               Scenario* out, LoadError* error) noexcept;

// Reads the file at `path` (at most scenario_file_bytes_max bytes), then as above with `path`
// as the source name: file_unreadable or file_too_large before any of the above.
[[nodiscard]] LoadErrorCode load_scenario_file(const std::string& path, Scenario* out,
                                               LoadError* error) noexcept;

// The shipped default CAREC scenario, sim/data/carec.toml, as compiled into the binary (a build
// step turns the file into a byte array, so the binary needs no data file at run time).
std::string_view embedded_carec_scenario_toml() noexcept;

// The source name the embedded default is loaded under, as errors name it.
inline constexpr std::string_view embedded_carec_scenario_name = "sim/data/carec.toml (embedded)";

// load_scenario_text(embedded_carec_scenario_toml(), embedded_carec_scenario_name, out, error).
[[nodiscard]] LoadErrorCode load_default_scenario(Scenario* out, LoadError* error) noexcept;

}  // namespace kervan
