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
// The parts: sim/sweep_parameters.h (paths into the Scenario, metric names), sim/sweep_file.h
// (the sweep file), this header (planning and running, the sensitivity statistics),
// sim/sweep_output.h (the files and the report) and sim/sweep_command.h (`kervan simulate
// --sweep`). This header includes them all. Errors are LoadError (sim/sweep_file.h); nothing
// here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ledger/transit/reference_data.h"
#include "sim/sampling_plan.h"
#include "sim/scenario.h"
#include "sim/statistics.h"
#include "sim/sweep_command.h"
#include "sim/sweep_file.h"
#include "sim/sweep_parameters.h"

namespace kervan {

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

// ---- For the sweep's own files ---------------------------------------------------------------

namespace sweep_detail {

// The series of a sweep's results, in the order of the sensitivity table, sweep.csv and the
// report: each scheme by name, then each difference "<scheme>_minus_<first scheme>".
struct Series {
  std::string name;
  size_t scheme;
  bool difference;
};

std::vector<Series> series_of(const std::vector<std::string>& schemes);

}  // namespace sweep_detail
}  // namespace kervan
