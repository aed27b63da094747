// Parameter sweeps for the simulator: the points at which a scenario is run, one summary row
// per point. A full grid crosses every listed value of every parameter (for a few parameters
// with a few values each); a Latin hypercube spreads n points over k ranges so that each
// parameter alone is evenly covered whatever n and k (for sensitivity studies, McKay, Beckman
// and Conover 1979). Both return plain vectors, made once before the runs start.
//
// The plans are deterministic: the grid's order is fixed, and the hypercube depends only on the
// RandomStream it is given (name one for it, e.g. stream_id_of("sampling_plan")).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/random_stream.h"

namespace kervan {

// The most parameters and points a plan holds (100,000 points x 64 doubles = 51 MB at most).
inline constexpr size_t plan_parameters_max = 64;
inline constexpr size_t plan_points_max = 100'000;

// One parameter of a grid and the values it takes, in the order to run them.
struct ParameterValues {
  std::string name;
  std::vector<double> values;
};

// One parameter of a Latin hypercube and the interval [low, high] it is drawn from.
struct ParameterRange {
  std::string name;
  double low = 0;
  double high = 0;
};

// points[i][d] is the value of parameter names[d] at point i; parameters keep the order given.
struct SamplingPlan {
  std::vector<std::string> names;
  std::vector<std::vector<double>> points;
};

// Why a plan was refused: one code each, checked in the order listed (per parameter, in the
// order given, after the counts). Stable numbers (reported in scenario errors).
enum class PlanError : uint8_t {
  ok = 0,
  parameters_empty = 1,
  parameters_too_many = 2,  // More than plan_parameters_max.
  name_empty = 3,
  name_duplicate = 4,  // The same name twice: columns of one summary row.
  values_empty = 5,    // A grid parameter without values (the grid would be empty).
  value_not_finite = 6,
  range_not_finite = 7,
  range_reversed = 8,  // low > high (low == high is a constant).
  points_zero = 9,
  points_too_many = 10,  // More than plan_points_max (for a grid: the product of counts).
};
const char* plan_error_name(PlanError error) noexcept;

// Every combination of the parameters' values, the first parameter varying slowest and the last
// fastest (the order of nested loops written in the parameters' order): for a = {1, 2} and
// b = {10, 20, 30}, the points (1, 10) (1, 20) (1, 30) (2, 10) (2, 20) (2, 30). Returns, in
// order: parameters_empty, parameters_too_many, then per parameter name_empty, name_duplicate,
// values_empty, value_not_finite, then points_too_many. On error *out is unchanged.
[[nodiscard]] PlanError full_grid(std::span<const ParameterValues> parameters, SamplingPlan* out);

// `points` points over the ranges, stratified: each range [low, high] is cut into n = points
// strata of equal width, stratum s being [low + (high - low) (s / n), low + (high - low)
// ((s + 1) / n)) (the expressions evaluated as written; the last stratum ends at high itself),
// and for every parameter each stratum holds exactly one point, at a uniform position inside
// it. Which point gets which stratum is an independent random permutation per parameter, so
// the parameters are uncorrelated in expectation. A range with low == high gives that
// constant; strata narrower than the spacing of doubles (a range under n ulps wide) cannot all
// be distinct, and such points share edges. Draws, parameter by parameter in order: n - 1
// below() for the permutation (Fisher-Yates), then n uniform01(), one per point in point order.
// Returns, in order: parameters_empty, parameters_too_many, points_zero, points_too_many, then
// per parameter name_empty, name_duplicate, range_not_finite, range_reversed. On error *out is
// unchanged and nothing is drawn.
[[nodiscard]] PlanError latin_hypercube(std::span<const ParameterRange> ranges, size_t points,
                                        RandomStream& stream, SamplingPlan* out);

}  // namespace kervan
