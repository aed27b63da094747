#include "sim/sampling_plan.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "core/assert.h"

namespace kervan {
namespace {

// The names so far (before index) do not include names[index]. Quadratic, for at most
// plan_parameters_max names.
template <typename Parameter>
bool name_is_new(std::span<const Parameter> parameters, size_t index) {
  for (size_t i = 0; i < index; ++i) {
    if (parameters[i].name == parameters[index].name) return false;
  }
  return true;
}

template <typename Parameter>
PlanError check_names(std::span<const Parameter> parameters, size_t index) {
  if (parameters[index].name.empty()) return PlanError::name_empty;
  if (!name_is_new(parameters, index)) return PlanError::name_duplicate;
  return PlanError::ok;
}

PlanError check_grid(std::span<const ParameterValues> parameters, size_t* points_out) {
  if (parameters.empty()) return PlanError::parameters_empty;
  if (parameters.size() > plan_parameters_max) return PlanError::parameters_too_many;
  size_t points = 1;
  bool too_many = false;
  for (size_t d = 0; d < parameters.size(); ++d) {
    const PlanError name_error = check_names(parameters, d);
    if (name_error != PlanError::ok) return name_error;
    const std::vector<double>& values = parameters[d].values;
    if (values.empty()) return PlanError::values_empty;
    for (const double value : values) {
      if (!std::isfinite(value)) return PlanError::value_not_finite;
    }
    // Once over the limit, stay over it (and never overflow the product).
    if (too_many || values.size() > plan_points_max / points) {
      too_many = true;
    } else {
      points *= values.size();
    }
  }
  if (too_many || points > plan_points_max) return PlanError::points_too_many;
  *points_out = points;
  return PlanError::ok;
}

PlanError check_hypercube(std::span<const ParameterRange> ranges, size_t points) {
  if (ranges.empty()) return PlanError::parameters_empty;
  if (ranges.size() > plan_parameters_max) return PlanError::parameters_too_many;
  if (points == 0) return PlanError::points_zero;
  if (points > plan_points_max) return PlanError::points_too_many;
  for (size_t d = 0; d < ranges.size(); ++d) {
    const PlanError name_error = check_names(ranges, d);
    if (name_error != PlanError::ok) return name_error;
    const ParameterRange& range = ranges[d];
    if (!std::isfinite(range.low) || !std::isfinite(range.high) ||
        !std::isfinite(range.high - range.low)) {
      return PlanError::range_not_finite;
    }
    if (range.low > range.high) return PlanError::range_reversed;
  }
  return PlanError::ok;
}

// The lower edge of stratum s of n over [low, high]; s = n gives high exactly.
double stratum_edge(const ParameterRange& range, size_t s, size_t n) {
  if (s == n) return range.high;
  return range.low + (range.high - range.low) * (static_cast<double>(s) / static_cast<double>(n));
}

}  // namespace

const char* plan_error_name(PlanError error) noexcept {
  switch (error) {
    case PlanError::ok:
      return "ok";
    case PlanError::parameters_empty:
      return "parameters_empty";
    case PlanError::parameters_too_many:
      return "parameters_too_many";
    case PlanError::name_empty:
      return "name_empty";
    case PlanError::name_duplicate:
      return "name_duplicate";
    case PlanError::values_empty:
      return "values_empty";
    case PlanError::value_not_finite:
      return "value_not_finite";
    case PlanError::range_not_finite:
      return "range_not_finite";
    case PlanError::range_reversed:
      return "range_reversed";
    case PlanError::points_zero:
      return "points_zero";
    case PlanError::points_too_many:
      return "points_too_many";
  }
  return "unknown";
}

PlanError full_grid(std::span<const ParameterValues> parameters, SamplingPlan* out) {
  size_t points = 0;
  const PlanError error = check_grid(parameters, &points);
  if (error != PlanError::ok) return error;

  SamplingPlan plan;
  for (const ParameterValues& parameter : parameters) plan.names.push_back(parameter.name);
  plan.points.assign(points, std::vector<double>(parameters.size()));
  // Point i written in mixed radix: the last parameter is the lowest digit.
  for (size_t i = 0; i < points; ++i) {
    size_t rest = i;
    for (size_t d = parameters.size(); d-- > 0;) {
      const std::vector<double>& values = parameters[d].values;
      plan.points[i][d] = values[rest % values.size()];
      rest /= values.size();
    }
    KERVAN_ASSERT(rest == 0);
  }
  *out = std::move(plan);
  return PlanError::ok;
}

PlanError latin_hypercube(std::span<const ParameterRange> ranges, size_t points,
                          RandomStream& stream, SamplingPlan* out) {
  const PlanError error = check_hypercube(ranges, points);
  if (error != PlanError::ok) return error;

  SamplingPlan plan;
  for (const ParameterRange& range : ranges) plan.names.push_back(range.name);
  plan.points.assign(points, std::vector<double>(ranges.size()));
  std::vector<size_t> strata(points);
  for (size_t d = 0; d < ranges.size(); ++d) {
    const ParameterRange& range = ranges[d];
    std::iota(strata.begin(), strata.end(), size_t{0});
    for (size_t i = points - 1; i > 0; --i) {
      std::swap(strata[i], strata[static_cast<size_t>(stream.below(i + 1))]);
    }
    for (size_t i = 0; i < points; ++i) {
      const double low = stratum_edge(range, strata[i], points);
      const double high = stratum_edge(range, strata[i] + 1, points);
      double value = low + (high - low) * stream.uniform01();
      // Rounding may carry a draw close to 1 onto the next stratum's edge: keep it inside.
      if (value >= high && high > low) value = std::nextafter(high, low);
      KERVAN_ASSERT(low <= value && (value < high || low == high));
      plan.points[i][d] = value;
    }
  }
  *out = std::move(plan);
  return PlanError::ok;
}

}  // namespace kervan
