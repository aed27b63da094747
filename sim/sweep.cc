// Planning and running a sweep, and the sensitivity statistics (sim/sweep.h). Planning's errors
// name the sweep file's fields by toml_loading's paths ("parameters[1].path"), hence that header.
#include "sim/sweep.h"

#include "ledger/transit/toml_loading.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "core/assert.h"
#include "sim/runner.h"
#include "sim/summary.h"

namespace kervan {

using toml_loading::quoted;

using sweep_detail::metric_is_known;
using sweep_detail::point_text;
using sweep_detail::Series;
using sweep_detail::series_of;
using toml_loading::child;
using toml_loading::element;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr uint64_t hypercube_stream = stream_id_of("sweep_latin_hypercube");

std::vector<std::string> metrics_of(const SweepSpec& spec) {
  if (!spec.metrics.empty()) return spec.metrics;
  return std::vector<std::string>(sweep_default_metrics.begin(), sweep_default_metrics.end());
}

LoadErrorCode plan_error(const SweepSpec& spec, LoadErrorCode code, std::string path, uint32_t line,
                         uint32_t column, std::string message, LoadError* error) {
  *error = LoadError{.code = code,
                     .source = spec.source,
                     .line = line,
                     .column = column,
                     .path = std::move(path),
                     .message = std::move(message)};
  return code;
}

LoadErrorCode load_code_of(ParameterError error) {
  switch (error) {
    case ParameterError::value_out_of_range:
      return LoadErrorCode::value_out_of_range;
    case ParameterError::name_unknown:
    case ParameterError::field_not_applicable:
      return LoadErrorCode::reference_invalid;
    default:
      return LoadErrorCode::value_invalid;
  }
}

SamplingPlan unchecked_plan(const SweepSpec& spec, PlanError* error) {
  SamplingPlan plan;
  if (spec.method == SweepMethod::grid) {
    std::vector<ParameterValues> grid;
    for (const SweepParameter& p : spec.parameters) grid.push_back({p.path, p.values});
    *error = full_grid(grid, &plan);
    return plan;
  }
  std::vector<ParameterRange> ranges;
  for (const SweepParameter& p : spec.parameters) ranges.push_back({p.path, p.low, p.high});
  RandomStream stream(spec.seed, 0, hypercube_stream);
  *error = latin_hypercube(ranges, spec.points, stream, &plan);
  if (*error != PlanError::ok) return plan;
  for (size_t d = 0; d < spec.parameters.size(); ++d) {
    if (!parameter_is_integer(spec.parameters[d].path)) continue;
    for (std::vector<double>& point : plan.points) point[d] = std::round(point[d]);
  }
  return plan;
}

ConfidenceInterval interval_of(const MetricSummary& metric, size_t scheme, bool difference) {
  return difference ? metric.differences[scheme] : metric.schemes[scheme];
}

SweepRow row_of(const SimulationSummary& summary, const std::vector<std::string>& metrics,
                size_t point, std::span<const double> values) {
  SweepRow row;
  row.point = point;
  row.values.assign(values.begin(), values.end());
  const size_t schemes = summary.schemes.size();
  row.schemes.assign(schemes, std::vector<ConfidenceInterval>(metrics.size()));
  row.differences.assign(schemes, std::vector<ConfidenceInterval>(metrics.size()));
  for (size_t m = 0; m < metrics.size(); ++m) {
    const auto found = std::find_if(summary.metrics.begin(), summary.metrics.end(),
                                    [&](const MetricSummary& s) { return s.name == metrics[m]; });
    KERVAN_ASSERT(found != summary.metrics.end());  // sweep_known_metrics() are all measured.
    for (size_t k = 0; k < schemes; ++k) {
      row.schemes[k][m] = interval_of(*found, k, false);
      row.differences[k][m] = interval_of(*found, k, true);
    }
  }
  row.ledger_agrees = summary.ledger_agrees;
  row.first_disagreement = summary.first_disagreement;
  row.little_relative_error_max = summary.little_relative_error_max;
  return row;
}

// Mean ranks from 1, ties sharing the mean of the ranks they span.
std::vector<double> ranks_of(std::span<const double> values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t t = i; t < j; ++t) ranks[order[t]] = mean_rank;
    i = j;
  }
  return ranks;
}

// (v - mean) / sd with the n - 1 standard deviation; false when v is constant or not finite.
bool standardize(std::span<const double> values, std::vector<double>* out) {
  RunningStats stats;
  for (const double v : values) {
    if (!std::isfinite(v)) return false;
    stats.add(v);
  }
  if (stats.count() < 2) return false;
  const double sd = stats.standard_deviation();
  if (!(sd > 0) || !std::isfinite(sd)) return false;
  out->resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) (*out)[i] = (values[i] - stats.mean()) / sd;
  // A spread within rounding of the mean is no spread.
  return sd > 1e-12 * std::max(1.0, std::fabs(stats.mean()));
}

double dot(std::span<const double> a, std::span<const double> b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Solves a x = b (a is p x p, row-major in rows) by Gaussian elimination with partial
// pivoting; false when a pivot falls below `tiny` (singular for practical purposes).
bool solve(std::vector<std::vector<double>> a, std::vector<double> b, double tiny,
           std::vector<double>* x) {
  const size_t p = b.size();
  for (size_t col = 0; col < p; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < p; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    }
    if (!(std::fabs(a[pivot][col]) > tiny)) return false;
    std::swap(a[pivot], a[col]);
    std::swap(b[pivot], b[col]);
    for (size_t r = col + 1; r < p; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t c = col; c < p; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  x->assign(p, 0);
  for (size_t r = p; r-- > 0;) {
    double sum = b[r];
    for (size_t c = r + 1; c < p; ++c) sum -= a[r][c] * (*x)[c];
    (*x)[r] = sum / a[r][r];
  }
  return true;
}

}  // namespace

namespace sweep_detail {

std::vector<Series> series_of(const std::vector<std::string>& schemes) {
  std::vector<Series> series;
  for (size_t k = 0; k < schemes.size(); ++k) series.push_back({schemes[k], k, false});
  for (size_t k = 1; k < schemes.size(); ++k) {
    series.push_back({schemes[k] + "_minus_" + schemes[0], k, true});
  }
  return series;
}

}  // namespace sweep_detail

namespace {

// Per metric and series: each parameter's Spearman rho and SRC across the points, strongest
// |rho| first (an undefined rho last, ties in parameter order).
std::vector<SensitivityRow> sensitivity_of(const SweepResult& r) {
  const size_t k = r.parameters.size();
  std::vector<std::vector<double>> x(k);
  for (const SweepRow& row : r.rows) {
    for (size_t d = 0; d < k; ++d) x[d].push_back(row.values[d]);
  }
  std::vector<SensitivityRow> table;
  for (size_t m = 0; m < r.metrics.size(); ++m) {
    for (const Series& s : series_of(r.schemes)) {
      std::vector<double> y;
      for (const SweepRow& row : r.rows) {
        y.push_back((s.difference ? row.differences : row.schemes)[s.scheme][m].mean);
      }
      std::vector<double> rho(k);
      for (size_t d = 0; d < k; ++d) rho[d] = spearman_rank_correlation(x[d], y);
      std::vector<double> src;
      double r_squared = nan;
      standardized_regression(x, y, &src, &r_squared);
      std::vector<size_t> order(k);
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const double fa = std::isnan(rho[a]) ? -1 : std::fabs(rho[a]);
        const double fb = std::isnan(rho[b]) ? -1 : std::fabs(rho[b]);
        return fa > fb;
      });
      for (size_t i = 0; i < k; ++i) {
        const size_t d = order[i];
        table.push_back(SensitivityRow{.metric = r.metrics[m],
                                       .series = s.name,
                                       .parameter = r.parameters[d],
                                       .rank = static_cast<uint32_t>(i + 1),
                                       .spearman = rho[d],
                                       .src = src[d],
                                       .r_squared = r_squared});
      }
    }
  }
  return table;
}

}  // namespace

double spearman_rank_correlation(std::span<const double> x, std::span<const double> y) {
  KERVAN_ASSERT(x.size() == y.size());
  if (x.size() < 2) return nan;
  std::vector<double> zx;
  std::vector<double> zy;
  if (!standardize(ranks_of(x), &zx) || !standardize(ranks_of(y), &zy)) return nan;
  const double rho = dot(zx, zy) / static_cast<double>(x.size() - 1);
  return std::clamp(rho, -1.0, 1.0);
}

void standardized_regression(const std::vector<std::vector<double>>& x, std::span<const double> y,
                             std::vector<double>* coefficients, double* r_squared) {
  coefficients->assign(x.size(), nan);
  *r_squared = nan;
  const size_t n = y.size();
  std::vector<double> zy;
  if (n < 2 || !standardize(y, &zy)) return;
  std::vector<size_t> used;
  std::vector<std::vector<double>> zx;
  for (size_t d = 0; d < x.size(); ++d) {
    KERVAN_ASSERT(x[d].size() == n);
    std::vector<double> z;
    if (!standardize(x[d], &z)) continue;
    used.push_back(d);
    zx.push_back(std::move(z));
  }
  const size_t p = used.size();
  if (p == 0 || n < p + 2) return;
  // The normal equations on standardized columns: the correlation matrix times beta equals
  // the correlations with y (both scaled by n - 1).
  std::vector<std::vector<double>> a(p, std::vector<double>(p));
  std::vector<double> b(p);
  for (size_t i = 0; i < p; ++i) {
    for (size_t j = 0; j < p; ++j) a[i][j] = dot(zx[i], zx[j]);
    b[i] = dot(zx[i], zy);
  }
  std::vector<double> beta;
  if (!solve(a, b, 1e-9 * static_cast<double>(n - 1), &beta)) return;
  for (size_t j = 0; j < p; ++j) (*coefficients)[used[j]] = beta[j];
  *r_squared = dot(beta, b) / static_cast<double>(n - 1);
}

LoadErrorCode plan_sweep(const Scenario& base, const SweepSpec& spec, SamplingPlan* out,
                         LoadError* error) {
  const std::vector<std::string> metrics = metrics_of(spec);
  for (size_t m = 0; m < metrics.size(); ++m) {
    if (!metric_is_known(metrics[m])) {
      return plan_error(spec, LoadErrorCode::value_invalid, element("metrics", m), 0, 0,
                        quoted(metrics[m]) + " is not a metric a sweep can summarize", error);
    }
  }
  PlanError planned = PlanError::ok;
  SamplingPlan plan = unchecked_plan(spec, &planned);
  if (planned != PlanError::ok) {
    const bool too_many =
        planned == PlanError::points_too_many || planned == PlanError::parameters_too_many;
    return plan_error(
        spec, too_many ? LoadErrorCode::too_many : LoadErrorCode::value_invalid, "parameters", 0, 0,
        std::string("the sampling plan was refused: ") + plan_error_name(planned), error);
  }
  // Each point on a copy without the reference data (which no parameter touches): the
  // checks cost a copy of a few vectors per point.
  Scenario light = base;
  light.reference = ReferenceData();
  for (size_t i = 0; i < plan.points.size(); ++i) {
    Scenario point = light;
    size_t failed = 0;
    std::string why;
    const ParameterError applied = apply_point(&point, plan.names, plan.points[i], &failed, &why);
    if (applied == ParameterError::ok) continue;
    const SweepParameter& parameter = spec.parameters[failed];
    return plan_error(spec, load_code_of(applied), child(element("parameters", failed), "path"),
                      parameter.line, parameter.column,
                      "point " + std::to_string(i) + " " +
                          point_text(plan.names, plan.points[i], true) + ": " + why + " [" +
                          parameter_error_name(applied) + "]",
                      error);
  }
  *out = std::move(plan);
  return LoadErrorCode::ok;
}

LoadErrorCode run_sweep(const Scenario& base, const SweepSpec& spec, const SweepOptions& options,
                        SweepResult* out, LoadError* error) {
  KERVAN_ASSERT(!base.schemes.empty());
  SamplingPlan plan;
  if (plan_sweep(base, spec, &plan, error) != LoadErrorCode::ok) return error->code;
  SweepResult result;
  result.method = spec.method;
  result.replications = spec.replications != 0 ? spec.replications : base.replications;
  result.parameters = plan.names;
  for (const Scheme& scheme : base.schemes) result.schemes.push_back(scheme.name);
  result.metrics = metrics_of(spec);
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const auto started = std::chrono::steady_clock::now();
    Scenario scenario = base;
    size_t failed = 0;
    std::string why;
    const ParameterError applied =
        apply_point(&scenario, plan.names, plan.points[i], &failed, &why);
    KERVAN_ASSERT(applied == ParameterError::ok);  // plan_sweep() checked every point.
    scenario.replications = result.replications;
    SimulationOptions simulation;
    simulation.threads = options.threads;
    const SimulationSummary summary = summarize(run_replications(scenario, simulation));
    SweepRow row = row_of(summary, result.metrics, i, plan.points[i]);
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.ledger_agrees = result.ledger_agrees && row.ledger_agrees;
    result.rows.push_back(std::move(row));
    if (options.progress) options.progress(result.rows.back(), i + 1, plan.points.size());
  }
  if (spec.method == SweepMethod::latin_hypercube) result.sensitivity = sensitivity_of(result);
  *out = std::move(result);
  return LoadErrorCode::ok;
}

}  // namespace kervan
