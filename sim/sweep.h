// Parameter sweeps (issue 6; docs/simulator_sweeps.md): a scenario run at many points of a
// parameter space, one summary row per point. A sweep names parameters by their path into the
// resolved Scenario ("incidents.correlation", "risk_classes[AEO].share") and gives each either
// a list of values (a full grid: every combination) or a range (a Latin hypercube of n points,
// for sensitivity: which parameter moves which result most, as a tornado table).
//
// Every point runs the scenario's replications with the same random streams (the streams are
// named by the scenario's seed and the replication, never by the point), so points differ only
// by their parameters: common random numbers across points, as across schemes. A difference
// between two points is then mostly the parameters' effect, not noise.
//
// The sweep file is TOML read with toml++ (no exceptions), errors in the scenario file's style:
// LoadError and LoadErrorCode, "file:line:column: path: message". Nothing here throws; the
// loaders catch allocation failure and report it as `internal`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/transit/reference_data.h"
#include "sim/sampling_plan.h"
#include "sim/scenario.h"
#include "sim/statistics.h"

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

// ---- The sweep file -------------------------------------------------------------------------

inline constexpr int64_t sweep_format_version = 1;
inline constexpr size_t sweep_file_bytes_max = size_t{1024} * 1024;
inline constexpr size_t sweep_parameters_max = plan_parameters_max;
inline constexpr size_t sweep_points_max = plan_points_max;  // Hypercube points; grid product.
inline constexpr size_t sweep_metrics_max = 32;

enum class SweepMethod : uint8_t { grid = 1, latin_hypercube = 2 };
std::string_view sweep_method_name(SweepMethod method) noexcept;  // "grid", "latin_hypercube".

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

struct SweepParameter {
  std::string path;
  std::vector<double> values;  // grid: the values, in the order to run them.
  double low = 0;              // latin_hypercube: the range [low, high].
  double high = 0;
  uint32_t line = 0;  // Where `path` stands in the sweep file; 0 when built in code.
  uint32_t column = 0;
};

struct SweepSpec {
  SweepMethod method = SweepMethod::grid;
  std::vector<SweepParameter> parameters;  // In the file's order: the columns of the rows.
  uint32_t points = 0;                     // latin_hypercube: how many points.
  uint32_t replications = 0;               // Per point; 0: the scenario's.
  uint64_t seed = 1;                       // latin_hypercube: names the plan's random stream.
  std::vector<std::string> metrics;        // Headline metrics; empty: sweep_default_metrics.
  std::string source;                      // The file's name, for errors about it ("" in code).
};

// Loads a sweep from TOML text (`source_name` names it in errors). Returns ok and fills *out,
// or the first error, with *error filled and *out unchanged. Never throws. Order: syntax;
// unknown top-level keys; then format_version (optional, 1), method, points, replications,
// seed, metrics, parameters (each: unknown keys, path, then values or low and high, in order);
// then across parameters: the same path twice, two share parameters, too many grid points.
// Codes: syntax; key_unknown (also points or seed with method = "grid", values with
// "latin_hypercube", low or high with "grid"); key_missing; type_wrong (a float for an integer
// path or count); value_invalid (an unknown method, metric or path, a non-finite number);
// value_out_of_range (a value outside its path's range, a count out of bounds); order_invalid
// (high below low); duplicate (a path or metric twice; a second share parameter: each share
// rescales the other classes); too_many (more than sweep_parameters_max parameters,
// sweep_metrics_max metrics or sweep_points_max grid points). Whether a <name> exists is known
// only with the scenario: plan_sweep() checks it.
[[nodiscard]] LoadErrorCode load_sweep_text(std::string_view text, std::string_view source_name,
                                            SweepSpec* out, LoadError* error) noexcept;

// Reads the file at `path` (at most sweep_file_bytes_max bytes), then as above:
// file_unreadable or file_too_large before any of the above.
[[nodiscard]] LoadErrorCode load_sweep_file(const std::string& path, SweepSpec* out,
                                            LoadError* error) noexcept;

// ---- Planning and running -------------------------------------------------------------------

// The sweep's points (sim/sampling_plan.h: full_grid or latin_hypercube with the stream
// (spec.seed, 0, stream_id_of("sweep_latin_hypercube"))), integer paths' draws rounded, each
// point checked by applying it to a copy of `base`. Returns ok, or: value_invalid for an unknown
// metric or a plan the sampling refuses (too_many for too many points or parameters); and for a
// point `base` refuses, reported at "parameters[d].path" (line and column from the spec):
// reference_invalid (name_unknown, field_not_applicable), value_out_of_range, value_invalid (any
// other ParameterError), the message naming the point. On error *out is unchanged.
[[nodiscard]] LoadErrorCode plan_sweep(const Scenario& base, const SweepSpec& spec,
                                       SamplingPlan* out, LoadError* error);

// One point's summary: per scheme and headline metric, the mean over replications with its
// 95 % half-width, and the paired difference from the first scheme.
struct SweepRow {
  size_t point = 0;
  std::vector<double> values;                                // Per parameter, as applied.
  std::vector<std::vector<ConfidenceInterval>> schemes;      // [scheme][metric].
  std::vector<std::vector<ConfidenceInterval>> differences;  // [scheme][metric], minus scheme 0.
  bool ledger_agrees = true;
  std::string first_disagreement;
  double little_relative_error_max = 0;
  double seconds = 0;  // Wall time: printed, never written to a file.
};

// One bar of a tornado: how one metric of one series moves with one parameter across points.
// Series: each scheme by name, then each difference "<scheme>_minus_<first scheme>".
struct SensitivityRow {
  std::string metric;
  std::string series;
  std::string parameter;
  uint32_t rank = 0;     // 1 = the largest |spearman| of this metric and series.
  double spearman = 0;   // Rank correlation in [-1, 1]; NaN when either side is constant.
  double src = 0;        // Standardized regression coefficient; NaN when it cannot be fitted.
  double r_squared = 0;  // Of that linear regression (all parameters); NaN likewise.
};

struct SweepResult {
  SweepMethod method = SweepMethod::grid;
  uint32_t replications = 0;                // Per point.
  std::vector<std::string> parameters;      // Paths, in the spec's order.
  std::vector<std::string> schemes;         // In the scenario's order.
  std::vector<std::string> metrics;         // Headline metrics, in the spec's order.
  std::vector<SweepRow> rows;               // One per point, in plan order.
  std::vector<SensitivityRow> sensitivity;  // latin_hypercube only: metric, series, then rank.
  bool ledger_agrees = true;                // At every point.
};

struct SweepOptions {
  uint32_t threads = 1;  // For each point's replications; 0: one per core.
  // Called from the calling thread after each point, in point order.
  std::function<void(const SweepRow& row, size_t done, size_t total)> progress;
};

// Plans the sweep (plan_sweep(), same errors), then per point: copies `base`, applies the
// point, runs the replications (sim/runner.h; spec.replications if not 0), summarizes, and
// keeps the headline metrics; for a Latin hypercube, the sensitivity table last. Points run
// one after another; the same inputs give the same results bit for bit, whatever `threads`.
[[nodiscard]] LoadErrorCode run_sweep(const Scenario& base, const SweepSpec& spec,
                                      const SweepOptions& options, SweepResult* out,
                                      LoadError* error);

// Spearman's rank correlation of x and y (ties get their mean rank): the Pearson correlation
// of the ranks. NaN when either is constant or size < 2. REQUIRES: x.size() == y.size().
double spearman_rank_correlation(std::span<const double> x, std::span<const double> y);

// Standardized regression coefficients: the least-squares fit of standardized y on the
// standardized columns x[d] (each of y.size() values), and its R^2. A constant column gets NaN
// and is left out of the fit; with fewer points than fitted columns + 2, or a singular system,
// every coefficient and R^2 is NaN. REQUIRES: every x[d].size() == y.size().
void standardized_regression(const std::vector<std::vector<double>>& x, std::span<const double> y,
                             std::vector<double>* coefficients, double* r_squared);

// ---- Outputs --------------------------------------------------------------------------------
//
// write_sweep_outputs() writes into `folder` (created if missing), every file a pure function of
// its inputs (the same sweep gives the same bytes):
//   sweep.csv         one row per point: point, the parameters' values, then per scheme and
//                     metric "<metric>.<scheme>.mean" and ".hw95", then per other scheme and
//                     metric "<metric>.<scheme>_minus_<first>.mean" and ".hw95", then
//                     ledger_agrees (1 or 0); a half-width that cannot be given is empty
//   sweep.json        the sweep as run, the base scenario's name and seed, every row
//   scenario.json     the base scenario, resolved (sim/scenario_echo.h)
//   sensitivity.csv   latin_hypercube: metric,series,parameter,rank,spearman,src,r_squared
//   tornado_<metric>.svg  latin_hypercube: per metric, Spearman's rho per parameter and scheme
std::string sweep_csv(const SweepResult& result);
std::string sweep_json(const Scenario& base, const SweepSpec& spec, const SweepResult& result);
std::string sensitivity_csv(const SweepResult& result);
// The short table printed at the end: the first two metrics per point (at most 40 points),
// and for a Latin hypercube the three strongest parameters per metric and series.
std::string sweep_report(const Scenario& base, const SweepResult& result);

// False, with *error, when the folder cannot be made or a file cannot be written.
[[nodiscard]] bool write_sweep_outputs(const std::string& folder, const Scenario& base,
                                       const SweepSpec& spec, const SweepResult& result,
                                       std::string* error);

// ---- The command ----------------------------------------------------------------------------

// What `kervan simulate --sweep SWEEP.toml [--scenario FILE] [--out DIR] [--threads N]
// [--quiet]` asks for.
struct SweepCommand {
  std::string sweep_path;     // Required.
  std::string scenario_path;  // Empty: the embedded CAREC scenario.
  std::string folder = "var/sweep";
  uint32_t threads = 0;  // Per point's replications; 0: one per core.
  bool quiet = false;    // No progress on `err`.
};

// Loads the sweep and the scenario, plans, prints a header and one progress line per point on
// `err` (unless quiet), runs, writes the outputs to the folder and prints sweep_report() and
// the files written on `out`. Exit status: 0 when the ledger agreed at every point; 1 when it
// did not, or an output could not be written; 2 when the sweep or the scenario does not load
// or the scenario refuses a point (one line on `err`: file:line:column: field: why).
int run_sweep_command(const SweepCommand& command, std::FILE* out, std::FILE* err);

// The same from arguments: argv[0] is the first argument after "simulate", with
// "--sweep FILE" among them; accepts --sweep, --scenario, --out, --threads (0..1024) and
// --quiet in any order. Bad usage: a usage line on `err`, status 2.
int run_sweep_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace kervan
