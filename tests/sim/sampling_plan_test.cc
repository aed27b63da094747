#include "sim/sampling_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

namespace kervan {
namespace {

using Points = std::vector<std::vector<double>>;

// "p0", "p1", ... (appended, not "p" + to_string(i): GCC 12 warns falsely on that, -Wrestrict).
std::string parameter_name(size_t i) {
  std::string name(1, 'p');
  name.append(std::to_string(i));
  return name;
}

// ---- Full grid ----------------------------------------------------------------------------

TEST(FullGrid, FirstParameterVariesSlowest) {
  const ParameterValues parameters[] = {{"a", {1, 2}}, {"b", {10, 20, 30}}};
  SamplingPlan plan;
  ASSERT_EQ(full_grid(parameters, &plan), PlanError::ok);
  EXPECT_EQ(plan.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plan.points, (Points{{1, 10}, {1, 20}, {1, 30}, {2, 10}, {2, 20}, {2, 30}}));
}

TEST(FullGrid, HoldsEveryCombinationOnce) {
  const ParameterValues parameters[] = {
      {"tail_weight", {0.05, 0.075}},
      {"reduction", {1.0, 0.5, 0.3}},
      {"release_lag_days", {1, 2, 5, 10}},
  };
  SamplingPlan plan;
  ASSERT_EQ(full_grid(parameters, &plan), PlanError::ok);
  ASSERT_EQ(plan.points.size(), 24u);
  const std::set<std::vector<double>> distinct(plan.points.begin(), plan.points.end());
  EXPECT_EQ(distinct.size(), 24u);
  EXPECT_EQ(plan.points.front(), (std::vector<double>{0.05, 1.0, 1}));
  EXPECT_EQ(plan.points.back(), (std::vector<double>{0.075, 0.3, 10}));
  EXPECT_EQ(plan.points[4], (std::vector<double>{0.05, 0.5, 1}));  // Row-major.

  const ParameterValues single[] = {{"seed_only", {7}}};
  ASSERT_EQ(full_grid(single, &plan), PlanError::ok);
  EXPECT_EQ(plan.points, (Points{{7}}));
}

TEST(FullGrid, RefusesParametersWithTheSpecificCode) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> ten(10, 1.0);
  const std::vector<double> thousand(1000, 1.0);
  std::vector<ParameterValues> too_many(plan_parameters_max + 1);
  for (size_t i = 0; i < too_many.size(); ++i) too_many[i] = {parameter_name(i), {1}};
  std::vector<ParameterValues> at_limit;  // 10^5 points exactly.
  std::vector<ParameterValues> over_limit;
  for (size_t i = 0; i < 5; ++i) at_limit.push_back({parameter_name(i), ten});
  for (size_t i = 0; i < 6; ++i) over_limit.push_back({parameter_name(i), ten});
  std::vector<ParameterValues> would_overflow;  // 1000^64: the product must not wrap.
  for (size_t i = 0; i < plan_parameters_max; ++i) {
    would_overflow.push_back({parameter_name(i), thousand});
  }
  const struct {
    std::vector<ParameterValues> parameters;
    PlanError error;
  } cases[] = {
      {{}, PlanError::parameters_empty},
      {too_many, PlanError::parameters_too_many},
      {{{"", {1}}}, PlanError::name_empty},
      {{{"a", {1}}, {"a", {2}}}, PlanError::name_duplicate},
      {{{"a", {}}}, PlanError::values_empty},
      {{{"a", {1, nan}}}, PlanError::value_not_finite},
      {{{"a", {1}}, {"", {}}}, PlanError::name_empty},  // Per parameter, in order.
      {{{"a", {}}, {"b", {nan}}}, PlanError::values_empty},
      {at_limit, PlanError::ok},
      {over_limit, PlanError::points_too_many},
      {would_overflow, PlanError::points_too_many},
  };
  for (const auto& c : cases) {
    SamplingPlan plan{.names = {"untouched"}, .points = {}};
    EXPECT_EQ(full_grid(c.parameters, &plan), c.error) << plan_error_name(c.error);
    if (c.error != PlanError::ok) {
      EXPECT_EQ(plan.names, std::vector<std::string>{"untouched"});
    }
  }
}

// ---- Latin hypercube ----------------------------------------------------------------------

// The stratum of x among n over the range, by the edges the header defines.
size_t stratum_of(const ParameterRange& range, size_t n, double x) {
  for (size_t s = 0; s < n; ++s) {
    const double low =
        range.low + (range.high - range.low) * (static_cast<double>(s) / static_cast<double>(n));
    const double high = s + 1 == n
                            ? range.high
                            : range.low + (range.high - range.low) *
                                              (static_cast<double>(s + 1) / static_cast<double>(n));
    if (low <= x && x < high) return s;
  }
  ADD_FAILURE() << x << " is in no stratum";
  return n;
}

void expect_stratified(const SamplingPlan& plan, std::span<const ParameterRange> ranges) {
  const size_t n = plan.points.size();
  for (size_t d = 0; d < ranges.size(); ++d) {
    std::vector<int> hits(n + 1, 0);
    for (const std::vector<double>& point : plan.points) {
      ASSERT_EQ(point.size(), ranges.size());
      ++hits[stratum_of(ranges[d], n, point[d])];
    }
    // Exactly one point per stratum, none outside.
    EXPECT_EQ(std::count(hits.begin(), hits.begin() + static_cast<long>(n), 1),
              static_cast<long>(n))
        << ranges[d].name;
  }
}

TEST(LatinHypercube, EachStratumHoldsExactlyOnePointPerDimension) {
  const ParameterRange ranges[] =
      {
          {"tail_weight", 0.05, 0.10},      {"border_time_shift_h", -5, 5},
          {"movements_per_day", 100, 1000}, {"awkward", -0.7, 2.3},
          {"tiny", 1, 1 + 1e-12},  // 4,500 ulps: strata a few ulps wide, rounding must not leak.
      };
  for (const size_t n : {size_t{1}, size_t{2}, size_t{7}, size_t{50}, size_t{1000}}) {
    RandomStream stream(30, 0, n);
    SamplingPlan plan;
    ASSERT_EQ(latin_hypercube(ranges, n, stream, &plan), PlanError::ok);
    ASSERT_EQ(plan.points.size(), n);
    EXPECT_EQ(plan.names.size(), 5u);
    EXPECT_EQ(plan.names[2], "movements_per_day");
    expect_stratified(plan, ranges);
  }
}

TEST(LatinHypercube, FirstPointsAreGolden) {
  // From tests/sim/golden_values.py (Fisher-Yates with below(), then uniform01()).
  const ParameterRange ranges[] = {{"a", 0, 1}, {"b", -5, 5}, {"c", 100, 200}};
  RandomStream stream(1, 0, 9);
  SamplingPlan plan;
  ASSERT_EQ(latin_hypercube(ranges, 4, stream, &plan), PlanError::ok);
  const Points expected = {
      {0.7172012930754319, 2.617839594390019, 162.6974080629524},
      {0.9444464367831621, -1.6383846248637273, 141.22210824627226},
      {0.22033519339353141, 0.884845351572146, 192.7076601280254},
      {0.251003278228881, -4.981378341452485, 110.62327565015465},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    for (size_t d = 0; d < 3; ++d) EXPECT_DOUBLE_EQ(plan.points[i][d], expected[i][d]);
  }
}

TEST(LatinHypercube, IsDeterministicPerStreamAndConstantOnAPointRange) {
  const ParameterRange ranges[] = {{"a", 0, 1}, {"fixed", 3, 3}};
  RandomStream first(31, 0, 0);
  RandomStream again(31, 0, 0);
  RandomStream other(31, 0, 1);
  SamplingPlan a;
  SamplingPlan b;
  SamplingPlan c;
  ASSERT_EQ(latin_hypercube(ranges, 20, first, &a), PlanError::ok);
  ASSERT_EQ(latin_hypercube(ranges, 20, again, &b), PlanError::ok);
  ASSERT_EQ(latin_hypercube(ranges, 20, other, &c), PlanError::ok);
  EXPECT_EQ(a.points, b.points);
  EXPECT_NE(a.points, c.points);
  for (const std::vector<double>& point : a.points) EXPECT_EQ(point[1], 3.0);
}

TEST(LatinHypercube, MarginalsAreEvenAndDimensionsUncorrelated) {
  const ParameterRange ranges[] = {{"x", 0, 1}, {"y", 0, 1}};
  RandomStream stream(32, 0, 0);
  constexpr size_t n = 2000;
  SamplingPlan plan;
  ASSERT_EQ(latin_hypercube(ranges, n, stream, &plan), PlanError::ok);
  double sum_x = 0;
  double sum_y = 0;
  double sum_xy = 0;
  for (const std::vector<double>& point : plan.points) {
    sum_x += point[0];
    sum_y += point[1];
    sum_xy += (point[0] - 0.5) * (point[1] - 0.5);
  }
  // Stratified: the mean is 1/2 + (sum of the n in-stratum uniforms - n/2) / n^2, whose
  // standard error is sqrt(1/12) / n^1.5 (not the sqrt(1/12) / sqrt(n) of plain sampling).
  const double standard_error = std::sqrt(1.0 / 12) / std::pow(static_cast<double>(n), 1.5);
  EXPECT_NEAR(sum_x / n, 0.5, 5 * standard_error);
  EXPECT_NEAR(sum_y / n, 0.5, 5 * standard_error);
  // Correlation of independent permutations: standard error 1 / sqrt(n).
  EXPECT_NEAR(sum_xy / n * 12, 0.0, 5 / std::sqrt(static_cast<double>(n)));
}

TEST(LatinHypercube, RefusesRangesWithTheSpecificCodeAndDrawsNothing) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<ParameterRange> good = {{"a", 0, 1}};
  std::vector<ParameterRange> too_many(plan_parameters_max + 1);
  for (size_t i = 0; i < too_many.size(); ++i) too_many[i] = {parameter_name(i), 0, 1};
  const struct {
    std::vector<ParameterRange> ranges;
    size_t points;
    PlanError error;
  } cases[] = {
      {{}, 10, PlanError::parameters_empty},
      {too_many, 10, PlanError::parameters_too_many},
      {good, 0, PlanError::points_zero},
      {good, plan_points_max + 1, PlanError::points_too_many},
      {{{"", 0, 1}}, 10, PlanError::name_empty},
      {{{"a", 0, 1}, {"a", 0, 2}}, 10, PlanError::name_duplicate},
      {{{"a", 0, inf}}, 10, PlanError::range_not_finite},
      {{{"a", -1e308, 1e308}}, 10, PlanError::range_not_finite},  // Its width overflows.
      {{{"a", 2, 1}}, 10, PlanError::range_reversed},
      {{{"", 2, 1}}, 0, PlanError::points_zero},  // Counts before parameters.
      {good, plan_points_max, PlanError::ok},
  };
  for (const auto& c : cases) {
    RandomStream stream(33, 0, 0);
    SamplingPlan plan{.names = {"untouched"}, .points = {}};
    EXPECT_EQ(latin_hypercube(c.ranges, c.points, stream, &plan), c.error)
        << plan_error_name(c.error);
    if (c.error != PlanError::ok) {
      EXPECT_EQ(plan.names, std::vector<std::string>{"untouched"});
      EXPECT_EQ(stream, RandomStream(33, 0, 0));
    }
  }
}

}  // namespace
}  // namespace kervan
