// The reference data of a transit scheme, and its loader: the base currency, the exchange rates,
// each country's currency and dated tariffs, and the parties (guarantee providers, customs
// administrations with their offices, principals, analysts). The file format is TOML, every key
// documented in docs/reference_data.md; the scheme's default data (the CAREC countries with
// Russia and Turkey as transit neighbours) is compiled into the binary.
//
// Loading happens once, at start-up, and may allocate; it never throws (toml++ runs without
// exceptions here, and allocation failure is caught and reported). Money and rates are decimal
// strings in the file ("16", "612.5"), never TOML floats, so they stay exact. Any error names
// the file, line and column, the path of the field ("tariffs.KZ[1].vat_percent", indices from
// 0) and what was expected; keys the format does not define are errors, not ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/transit/exchange_rates.h"
#include "ledger/transit/reference_limits.h"
#include "ledger/transit/tariff.h"
#include "ledger/transit/transit_types.h"

namespace kervan {

// The version of the file format this loader reads (key `format_version`).
inline constexpr int64_t reference_format_version = 1;

// A party as the reference file declares it.
struct PartyEntry {
  Party party;       // Id (> 0, unique), role, country (required for customs, else optional).
  std::string name;  // 1..party_name_bytes_max bytes.
  // Customs only: NCTS office reference numbers an8, "KZ551000", starting with the country.
  std::vector<std::string> customs_offices;
};

struct ReferenceData {
  ExchangeRateTable rates;          // rates.base() is the scheme's base currency.
  TariffTable tariffs;              // Each country's currency, name and tariff versions.
  std::vector<PartyEntry> parties;  // Sorted by id.

  // The party with this id, or nullptr.
  const PartyEntry* find_party(PartyId id) const;
};

// What was wrong with a reference file. DO NOT CHANGE the numbers: reported to operators and
// tests. Append only.
enum class LoadErrorCode : uint8_t {
  ok = 0,
  file_unreadable = 1,     // The file could not be opened or read.
  file_too_large = 2,      // Over reference_file_bytes_max.
  syntax = 3,              // Not TOML (the parser's message and position).
  key_unknown = 4,         // A key the format does not define (typos are caught, not ignored).
  key_missing = 5,         // A required key is absent.
  type_wrong = 6,          // E.g. a TOML float or integer where a decimal string is expected.
  value_invalid = 7,       // The right type with a bad value: "1,5", "EURO", "K1", 0000-01-01.
  value_out_of_range = 8,  // A rate outside [0, 1000] %, an exchange rate <= 0, a version 2.
  duplicate = 9,           // A second rate for one currency and date, party id, office, prefix.
  order_invalid = 10,      // Tariff versions not in increasing date order.
  reference_invalid = 11,  // Tariffs for a country not under [countries], a customs party's
                           // office of another country, a rate for the base currency.
  too_many = 12,           // Over a limit of reference_limits.h.
  internal = 13,           // Out of memory, or another failure inside the loader.
};

std::string_view result_name(LoadErrorCode code);  // E.g. "key_unknown"; "unknown".

struct LoadError {
  LoadErrorCode code = LoadErrorCode::ok;
  std::string source;   // The file name as given, or the name given to a text.
  uint32_t line = 0;    // 1-based; 0 when there is no position (unreadable file).
  uint32_t column = 0;  // 1-based; 0 when there is no position.
  std::string path;     // E.g. "tariffs.KZ[1].vat_percent"; empty for the whole file.
  std::string message;  // E.g. "expected a decimal string like \"16\"".

  // "data/carec.toml:12:1: tariffs.KZ[1].vat_percent: expected a decimal string like \"16\"".
  std::string to_string() const;
};

// Loads reference data from TOML text; `source_name` names it in errors. Returns ok and fills
// *out, or the first error found, with *error filled and *out unchanged. Never throws. Order:
// syntax; unknown top-level keys; then format_version, base_currency, countries, tariffs,
// rates, rate_fixings, parties; the keys of a TOML table in sorted order (countries, tariffs,
// HS prefixes), array elements in file order.
[[nodiscard]] LoadErrorCode load_reference_data_text(std::string_view text,
                                                     std::string_view source_name,
                                                     ReferenceData* out, LoadError* error) noexcept;

// Reads the file at `path` (at most reference_file_bytes_max bytes), then as above.
[[nodiscard]] LoadErrorCode load_reference_data_file(const std::string& path, ReferenceData* out,
                                                     LoadError* error) noexcept;

// The shipped default data, ledger/transit/data/carec.toml, as compiled into the binary (a
// build step turns the file into a byte array, so the binary needs no data file at run time).
std::string_view embedded_carec_toml() noexcept;

// load_reference_data_text(embedded_carec_toml(), "carec.toml (embedded)", out, error).
[[nodiscard]] LoadErrorCode load_default_reference_data(ReferenceData* out,
                                                        LoadError* error) noexcept;

}  // namespace kervan
