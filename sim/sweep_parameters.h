// What a sweep varies and what it summarizes (docs/simulator_sweeps.md, "Parameter paths"): the
// parameter paths into a resolved Scenario, applied one value at a time (apply_parameter) or a
// point at a time (apply_point), and the names of the metrics a sweep may summarize. The sweep
// file's loader (sim/sweep_file.h) checks paths, values and metric names without a scenario;
// planning (sim/sweep.h) applies every point to a copy of the scenario before anything runs.
// Nothing here throws or does I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.h"

namespace kervan {

// ---- Parameters: paths into the Scenario ---------------------------------------------------
//
// Paths (docs/simulator_sweeps.md has the table with ranges):
//   seed, principals, horizon_days, warmup_days                      integers
//   traffic_factor                multiplies every corridor's movements_per_day
//   release_lag.median_days, release_lag.sigma_log   the lognormal refitted, the other kept
//   incidents.correlation, incidents.enquiry_after_days, incidents.claim_paid_after_days
//   costs.cost_of_capital_percent, costs.value_of_time_percent_per_day, costs.speed_kmh,
//   costs.time_limit_days
//   risk_classes[<name>].incident_probability | loss_given_incident | share
//   corridors[<name>].movements_per_day
//   schemes[<name>].premium_percent | collateral_percent | sizing_factor | max_wait_days |
//                   tir_cap_eur | given_amount_eur
// <name> is the element's name exactly as in the scenario (it may hold spaces, commas or dots:
// it runs to the last "]." of the path). Ranges are the scenario file's.
//
// risk_classes[<name>].share = v sets that class's share to v and scales every other class's
// share by (1 - v) / (their sum), so the shares still sum to 1 and keep their proportions.

// Why a parameter could not be applied: one code each, checked in the order listed. Stable
// numbers (tests and messages name them).
enum class ParameterError : uint8_t {
  ok = 0,
  path_unknown = 1,          // Not a path of the list above (or an empty <name>).
  value_not_finite = 2,      // NaN or infinite.
  value_not_integer = 3,     // A fraction for seed, principals, horizon_days or warmup_days.
  value_out_of_range = 4,    // Outside the field's range; or the run would end after
                             // 9999-12-31; or traffic_factor takes a corridor past its limit.
  name_unknown = 5,          // No risk class, corridor or scheme of that name in the scenario.
  field_not_applicable = 6,  // sizing_factor of a scheme with sizing = "given", given_amount_eur
                             // of a "reference" one, tir_cap_eur of a scheme not tir_like.
  share_rest_empty = 7,      // A share below 1 for a class whose others all have share 0: no
                             // class can take up the rest.
};
const char* parameter_error_name(ParameterError error) noexcept;

// Sets the field `path` names to `value` in *scenario, refitting what depends on it. Returns
// ok, or the first error in the order of ParameterError with *error set to one line saying
// why (naming the known names for name_unknown); on error *scenario is unchanged.
// REQUIRES: scenario and error are not null; *scenario is a resolved scenario (as loaded).
[[nodiscard]] ParameterError apply_parameter(Scenario* scenario, std::string_view path,
                                             double value, std::string* error);

// Applies the values of one point, names[d] = values[d], in the order given except that
// traffic_factor comes last (so it scales the rates that corridors[<name>].movements_per_day
// set). On error returns it with *failed the index of the parameter refused; *scenario is then
// partly changed: apply to a copy. REQUIRES: names.size() == values.size().
[[nodiscard]] ParameterError apply_point(Scenario* scenario, std::span<const std::string> names,
                                         std::span<const double> values, size_t* failed,
                                         std::string* error);

// True for the paths whose values are integers (seed, principals, horizon_days,
// warmup_days): a Latin hypercube's draws for them are rounded to the nearest integer.
bool parameter_is_integer(std::string_view path) noexcept;

// ---- Metrics: what a sweep summarizes ------------------------------------------------------

// The headline metrics a sweep summarizes when the file names none (sim/scheme_run.h metrics).
inline constexpr std::array<std::string_view, 8> sweep_default_metrics = {
    "guarantee_capacity_eur",
    "cover_mean_eur",
    "guarantee_cost_per_movement_eur",
    "refused",
    "delayed",
    "transit_days_p95",
    "pool_loss_eur",
    "uncovered_eur"};

// The per-scheme metrics a sweep may name: those every scheme run measures (per-corridor and
// per-country metrics are not among them).
std::span<const std::string_view> sweep_known_metrics() noexcept;

// ---- For the sweep's own files ---------------------------------------------------------------
//
// The table of paths and the text of values, shared by the loader (sweep_file.cc), planning
// (sweep.cc) and the command (sweep_command.cc). Not for other callers.
namespace sweep_detail {

// The interval a value must lie in; open ends exclude the bound.
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;
  bool high_open = false;

  bool contains(double x) const {
    return (low_open ? x > low : x >= low) && (high_open ? x < high : x <= high);
  }
};

enum class Collection : uint8_t { none, risk_classes, corridors, schemes };

enum class Field : uint8_t {
  seed,
  principals,
  horizon_days,
  warmup_days,
  traffic_factor,
  release_lag_median,
  release_lag_sigma,
  correlation,
  enquiry_after,
  claim_paid_after,
  cost_of_capital,
  value_of_time,
  speed,
  time_limit,
  incident_probability,
  loss_given_incident,
  share,
  movements_per_day,
  premium,
  collateral,
  sizing_factor,
  max_wait,
  tir_cap,
  given_amount,
};

struct FieldInfo {
  Collection collection;
  std::string_view key;  // The whole path (Collection::none), else what follows "].".
  Field field;
  bool integer;
  Range range;  // The scenario file's range for the field.
};

struct ParsedPath {
  const FieldInfo* info = nullptr;
  std::string_view name;  // The element's name; empty for a top-level path.
};

// "risk_classes[AEO].share": the name runs from the first '[' to the last "].". False for any
// other text; then *out is unchanged.
bool parse_path(std::string_view path, ParsedPath* out);

// Whole numbers as integers ("1000000"), others in the shortest text that reads back.
std::string format_number(double x);
// Six significant digits, for people; files keep every digit.
std::string display_number(double x);
// "[0, 1)": open ends in parentheses.
std::string describe(const Range& range);
// Every path, comma-separated, a collection's as "risk_classes[<name>].share".
std::string known_paths();
// "(a = 1, b = 0.25)": a point's values, exact (for errors) or for display (progress).
// REQUIRES: names.size() == values.size().
std::string point_text(const std::vector<std::string>& names, std::span<const double> values,
                       bool exact);

// Whether `name` is one of sweep_known_metrics(); all of them, comma-separated.
bool metric_is_known(std::string_view name);
std::string known_metrics_text();

}  // namespace sweep_detail
}  // namespace kervan
