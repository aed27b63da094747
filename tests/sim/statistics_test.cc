#include "sim/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <vector>

#include "sim/distributions.h"
#include "sim/random_stream.h"

namespace kervan {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

RunningStats stats_of(std::span<const double> values) {
  RunningStats stats;
  for (const double x : values) stats.add(x);
  return stats;
}

// ---- RunningStats -----------------------------------------------------------------------

TEST(RunningStats, KnownSample) {
  const double values[] = {2, 4, 4, 4, 5, 5, 7, 9};
  const RunningStats stats = stats_of(values);
  EXPECT_EQ(stats.count(), 8u);
  EXPECT_DOUBLE_EQ(stats.mean(), 5.0);
  EXPECT_DOUBLE_EQ(stats.variance(), 32.0 / 7);
  EXPECT_DOUBLE_EQ(stats.standard_deviation(), std::sqrt(32.0 / 7));
  EXPECT_DOUBLE_EQ(stats.standard_error(), std::sqrt(32.0 / 7 / 8));
  EXPECT_EQ(stats.min(), 2.0);
  EXPECT_EQ(stats.max(), 9.0);
}

TEST(RunningStats, StaysAccurateFarFromZero) {
  // A sum of squares would lose every digit here (1e18 + ~100 in doubles).
  const double values[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
  const RunningStats stats = stats_of(values);
  EXPECT_DOUBLE_EQ(stats.mean(), 1e9 + 10);
  EXPECT_NEAR(stats.variance(), 30.0, 1e-6);
}

TEST(RunningStats, MergeEqualsOnePassInAnySplit) {
  RandomStream stream(20, 0, 0);
  std::vector<double> values(1000);
  for (double& x : values) x = sample_lognormal(stream, Lognormal{.mu = 3, .sigma = 1});
  const RunningStats whole = stats_of(values);
  for (const size_t split : {size_t{0}, size_t{1}, size_t{499}, size_t{999}, size_t{1000}}) {
    RunningStats left = stats_of(std::span<const double>(values).first(split));
    const RunningStats right = stats_of(std::span<const double>(values).subspan(split));
    left.merge(right);
    EXPECT_EQ(left.count(), whole.count());
    EXPECT_NEAR(left.mean(), whole.mean(), whole.mean() * 1e-14) << split;
    EXPECT_NEAR(left.variance(), whole.variance(), whole.variance() * 1e-12) << split;
    EXPECT_EQ(left.min(), whole.min());
    EXPECT_EQ(left.max(), whole.max());
  }
}

// ---- Student t ----------------------------------------------------------------------------

TEST(StudentT975, MatchesTextbookAndReferenceValues) {
  // Textbook three-decimal values.
  const struct {
    uint64_t df;
    double t;
  } textbook[] = {{1, 12.706}, {2, 4.303},  {5, 2.571},   {10, 2.228},
                  {20, 2.086}, {30, 2.042}, {120, 1.980}, {1000000, 1.960}};
  for (const auto& c : textbook) EXPECT_NEAR(student_t_975(c.df), c.t, 5e-4) << c.df;

  // 17-digit values from mpmath; the table to rounding, the expansion to its stated error.
  const struct {
    uint64_t df;
    double t;
    double relative_tolerance;
  } reference[] = {
      {1, 12.706204736174704646, 1e-16},  {3, 3.1824463052837095927, 1e-16},
      {17, 2.1098155778333170859, 1e-16}, {30, 2.0422724563012383100, 1e-16},
      {31, 2.0395134463964085, 1.3e-8},   {40, 2.0210753903062734, 4e-9},
      {60, 2.0002978220142605, 5e-10},    {120, 1.9799304050824408, 2e-11},
      {1000, 1.9623390808264085, 1e-15},  {1000000, 1.959966356814107, 1e-15},
  };
  for (const auto& c : reference) {
    EXPECT_NEAR(student_t_975(c.df), c.t, c.t * c.relative_tolerance) << c.df;
  }
}

TEST(StudentT975, DecreasesTowardsTheNormalQuantile) {
  for (uint64_t df = 1; df < 5000; ++df) {
    EXPECT_GT(student_t_975(df), student_t_975(df + 1)) << df;
    EXPECT_GT(student_t_975(df), 1.959963984540054) << df;
  }
}

// ---- Confidence intervals ------------------------------------------------------------------

TEST(ConfidenceInterval, KnownSampleAndOneObservation) {
  const double values[] = {1, 2, 3, 4, 5};
  const ConfidenceInterval ci = confidence_interval_95(values);
  EXPECT_EQ(ci.n, 5u);
  EXPECT_DOUBLE_EQ(ci.mean, 3.0);
  // t_{0.975, 4} x sqrt(2.5) / sqrt(5).
  EXPECT_NEAR(ci.half_width, 2.7764451051977943578 * std::sqrt(0.5), 1e-14);
  EXPECT_TRUE(ci.contains(1.1));
  EXPECT_FALSE(ci.contains(0.9));

  const double single[] = {7};
  const ConfidenceInterval one = confidence_interval_95(single);
  EXPECT_EQ(one.mean, 7.0);
  EXPECT_EQ(one.half_width, infinity);
  EXPECT_TRUE(one.contains(-1e300));
}

// Of many intervals from independent normal samples of size n, 95 % contain the true mean. With
// n = 3 a normal quantile (1.96) instead of t (4.30) would cover only about 81 %.
TEST(ConfidenceInterval, CoversTheMean95PercentOfTheTime) {
  for (const size_t n : {size_t{3}, size_t{10}, size_t{40}}) {
    RandomStream stream(21, 0, n);
    constexpr int experiments = 4000;
    int covered = 0;
    std::vector<double> sample(n);
    for (int e = 0; e < experiments; ++e) {
      for (double& x : sample) x = sample_normal(stream, 100, 15);
      covered += confidence_interval_95(sample).contains(100) ? 1 : 0;
    }
    // A binomial count: 5 standard errors of sqrt(0.95 x 0.05 / 4000) = 0.0034.
    EXPECT_NEAR(covered / static_cast<double>(experiments), 0.95, 5 * 0.0034) << n;
  }
}

TEST(PairedDifference, KnownAnswer) {
  const double a[] = {10, 12, 11, 13, 14};
  const double b[] = {9, 10, 9.5, 10.5, 11};  // Differences 1, 2, 1.5, 2.5, 3.
  const ConfidenceInterval ci = paired_difference_95(a, b);
  EXPECT_EQ(ci.n, 5u);
  EXPECT_DOUBLE_EQ(ci.mean, 2.0);
  // Variance of the differences 2.5 / 4 = 0.625.
  EXPECT_NEAR(ci.half_width, 2.7764451051977943578 * std::sqrt(0.625 / 5), 1e-14);

  // A constant difference is known exactly.
  const double shifted[] = {7, 9, 8, 10, 11};
  const ConfidenceInterval exact = paired_difference_95(a, shifted);
  EXPECT_DOUBLE_EQ(exact.mean, 3.0);
  EXPECT_EQ(exact.half_width, 0.0);
}

TEST(PairedDifference, IsFarNarrowerThanSeparateIntervalsUnderCommonRandomNumbers) {
  // Two schemes see the same replication noise (common random numbers) and differ by 1.
  RandomStream stream(22, 0, 0);
  std::vector<double> national(30);
  std::vector<double> regional(30);
  for (size_t i = 0; i < national.size(); ++i) {
    const double shared = sample_normal(stream, 100, 20);
    national[i] = shared + 1 + sample_normal(stream, 0, 0.5);
    regional[i] = shared + sample_normal(stream, 0, 0.5);
  }
  const ConfidenceInterval paired = paired_difference_95(national, regional);
  EXPECT_TRUE(paired.contains(1.0));
  EXPECT_GT(paired.lower(), 0.0);  // The saving is significant...
  const double separate =
      confidence_interval_95(national).half_width + confidence_interval_95(regional).half_width;
  EXPECT_LT(paired.half_width * 10, separate);  // ...which separate intervals could not show.
}

// ---- Quantiles, VaR and ES -------------------------------------------------------------------

TEST(QuantileSorted, IsHyndmanFanType7) {
  const double four[] = {1, 2, 3, 4};
  const double ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const double numpy[] = {1, 3, 7, 15};
  const double one[] = {42};
  const struct {
    std::span<const double> sorted;
    double p;
    double quantile;
  } cases[] = {
      {four, 0.0, 1.0},  {four, 0.25, 1.75}, {four, 0.5, 2.5},
      {four, 1.0, 4.0},  {ten, 0.9, 9.1},  // R: quantile(1:10, 0.9).
      {numpy, 0.4, 3.8},                   // NumPy: percentile([1, 3, 7, 15], 40).
      {one, 0.0, 42.0},  {one, 0.73, 42.0},  {one, 1.0, 42.0},
  };
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(quantile_sorted(c.sorted, c.p), c.quantile) << c.p;
  }
}

// Selection gives what sorting gives, bit for bit, at every p, ties and all.
TEST(Quantile, SelectEqualsSortedOnShuffledSamples) {
  RandomStream draws(7, 0, 1);
  for (const size_t n : {size_t{1}, size_t{2}, size_t{5}, size_t{1000}}) {
    std::vector<double> values(n);
    for (double& v : values) v = std::floor(draws.uniform01() * 40) / 4;  // Many ties.
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    for (const double p : {0.0, 0.01, 0.25, 0.5, 0.95, 0.99, 1.0}) {
      std::vector<double> scratch = values;
      const double selected = quantile_select(scratch, p);
      EXPECT_EQ(std::bit_cast<uint64_t>(selected), std::bit_cast<uint64_t>(quantile_sorted(sorted, p)))
          << "n " << n << " p " << p;
    }
  }
}

std::vector<double> one_to(int n) {
  std::vector<double> values(static_cast<size_t>(n));
  std::iota(values.begin(), values.end(), 1.0);
  return values;
}

TEST(TailRisk, ConstructedSamples) {
  const std::vector<double> hundred = one_to(100);
  std::vector<double> pool(1000, 0.0);  // 990 quiet periods, then 10 losses.
  for (size_t i = 0; i < 10; ++i) pool[990 + i] = 1000.0 * static_cast<double>(i + 1);
  const struct {
    const std::vector<double>* losses;
    double alpha;
    double value_at_risk;
    double expected_shortfall;
  } cases[] = {
      {&hundred, 0.95, 95, 98},     // (96 + ... + 100) / 5.
      {&hundred, 0.99, 99, 100},    // The single worst loss; 100 x 0.99 counts as 99.
      {&hundred, 0.975, 98, 99.2},  // (99 + 100 + 0.5 x 98) / 2.5.
      {&hundred, 0.999, 100, 100},  // Beyond the sample's resolution: the maximum.
      {&hundred, 0.5, 50, 75.5},    // The mean of 51..100.
      {&pool, 0.99, 0, 5500},       // VaR sees none of the losses; ES sees them all.
      {&pool, 0.995, 5000, 8000},   // The 995th smallest, and the mean of the worst 5.
      {&pool, 0.999, 9000, 10000},  // 1000 x 0.999 counts as 999.
  };
  for (const auto& c : cases) {
    const TailRisk risk = tail_risk_sorted(*c.losses, c.alpha);
    EXPECT_DOUBLE_EQ(risk.value_at_risk, c.value_at_risk) << c.alpha;
    EXPECT_NEAR(risk.expected_shortfall, c.expected_shortfall, 1e-9) << c.alpha;
  }
}

TEST(TailRisk, MatchesTheExponentialDistributionOnALargeSample) {
  // Exponential(1): VaR_a = -log(1 - a), ES_a = VaR_a + 1.
  RandomStream stream(23, 0, 0);
  std::vector<double> losses(200000);
  for (double& x : losses) x = sample_exponential(stream, 1.0);
  std::sort(losses.begin(), losses.end());
  const TailRisk risk = tail_risk_sorted(losses, 0.99);
  // 5 standard errors: the quantile's is sqrt(0.99 x 0.01 / n) / density 0.01 = 0.022; the tail
  // mean's about 0.032 (2,000 values of sd 1 beyond a VaR that itself moves by 0.022).
  EXPECT_NEAR(risk.value_at_risk, std::log(100.0), 5 * 0.022);
  EXPECT_NEAR(risk.expected_shortfall, std::log(100.0) + 1, 5 * 0.032);
}

// ---- Time-weighted average ----------------------------------------------------------------

TEST(TimeWeightedAverage, IntegratesAPiecewiseConstantLevel) {
  TimeWeightedAverage cover(0, 0.0);
  cover.set(10, 5.0);
  cover.set(20, 9.0);  // Replaced at the same instant: counts for the peak only.
  cover.set(20, 2.0);
  EXPECT_DOUBLE_EQ(cover.integral(30), 5.0 * 10 + 2.0 * 10);
  EXPECT_DOUBLE_EQ(cover.mean(30), 70.0 / 30);
  EXPECT_EQ(cover.peak(), 9.0);
  EXPECT_EQ(cover.current(), 2.0);

  // The warm-up ends at 25: a new window with the level held, nothing before it counted.
  cover.restart(25);
  EXPECT_EQ(cover.start_time(), 25);
  EXPECT_EQ(cover.peak(), 2.0);
  cover.set(27, 4.0);
  EXPECT_DOUBLE_EQ(cover.integral(30), 2.0 * 2 + 4.0 * 3);
  EXPECT_DOUBLE_EQ(cover.mean(30), 16.0 / 5);
  EXPECT_EQ(cover.peak(), 4.0);

  TimeWeightedAverage negative(-100, -3.0);  // Any clock origin, any sign of level.
  EXPECT_DOUBLE_EQ(negative.mean(100), -3.0);
}

// Little's law, the simulator's own self-test in miniature: movements arrive as a Poisson
// process (rate 0.02 per minute), hold cover of a lognormal amount for a lognormal time; the
// time-average of cover in use is rate x E[holding time] x E[amount] (amount and time
// independent). 20 replications; the theory lies within 5 standard errors of their mean.
TEST(TimeWeightedAverage, SatisfiesLittlesLaw) {
  const double rate_per_min = 0.02;
  const Lognormal holding_min{.mu = std::log(2000.0), .sigma = 0.5};
  const Lognormal amount{.mu = std::log(40000.0), .sigma = 0.9};
  const int64_t horizon_min = 2'000'000;
  RunningStats averages;
  for (uint64_t replication = 0; replication < 20; ++replication) {
    RandomStream arrivals(24, replication, stream_id_of("arrivals"));
    RandomStream holdings(24, replication, stream_id_of("holdings"));
    RandomStream amounts(24, replication, stream_id_of("amounts"));
    using Release = std::pair<int64_t, double>;  // (time, amount)
    std::priority_queue<Release, std::vector<Release>, std::greater<>> releases;
    TimeWeightedAverage cover(0, 0.0);
    double level = 0;
    double exact_integral = 0;  // The sum over movements of amount x time held in the window.
    double t = 0;
    while (true) {
      t += sample_exponential(arrivals, rate_per_min);
      const int64_t now = static_cast<int64_t>(t);
      while (!releases.empty() && releases.top().first <= std::min(now, horizon_min)) {
        level -= releases.top().second;
        cover.set(releases.top().first, level);
        releases.pop();
      }
      if (now >= horizon_min) break;
      const double a = sample_lognormal(amounts, amount);
      const int64_t until = now + static_cast<int64_t>(sample_lognormal(holdings, holding_min));
      level += a;
      cover.set(now, level);
      releases.push({until, a});
      exact_integral += a * static_cast<double>(std::min(until, horizon_min) - now);
    }
    // The accumulator is exact up to rounding...
    EXPECT_NEAR(cover.integral(horizon_min), exact_integral, exact_integral * 1e-9);
    averages.add(cover.mean(horizon_min));
  }
  // ...and Little's law holds within the replications' noise (truncating times to whole
  // minutes shortens holdings by 0.5 min on average: 0.02 % of their mean, far below the noise).
  const double expected = rate_per_min * lognormal_mean(holding_min) * lognormal_mean(amount);
  EXPECT_NEAR(averages.mean(), expected, 5 * averages.standard_error());
  EXPECT_LT(averages.standard_error(), expected * 0.01);  // The check has teeth: SE < 1 %.
}

// ---- Histogram --------------------------------------------------------------------------

TEST(Histogram, EdgesAreExactAndEdgeValuesGoUp) {
  Histogram histogram(0, 1, 10);
  EXPECT_EQ(histogram.bins(), 10u);
  for (size_t i = 0; i + 1 < histogram.bins(); ++i) {
    EXPECT_EQ(histogram.bin_high(i), histogram.bin_low(i + 1));
  }
  EXPECT_EQ(histogram.bin_low(0), 0.0);
  EXPECT_EQ(histogram.bin_high(9), 1.0);

  histogram.add(0.3);                       // On the edge between bins 2 and 3: bin 3.
  histogram.add(std::nextafter(0.3, 0.0));  // Just below it: bin 2.
  histogram.add(0.0);                       // The lower bound is inside.
  histogram.add(1.0);                       // The upper bound is overflow.
  histogram.add(-0.1, 2.5);                 // Underflow, weighted.
  histogram.add(0.95, 0.0);                 // Zero weight is allowed.
  EXPECT_EQ(histogram.bin_weight(3), 1.0);
  EXPECT_EQ(histogram.bin_weight(2), 1.0);
  EXPECT_EQ(histogram.bin_weight(0), 1.0);
  EXPECT_EQ(histogram.bin_weight(9), 0.0);
  EXPECT_EQ(histogram.overflow(), 1.0);
  EXPECT_EQ(histogram.underflow(), 2.5);
  EXPECT_EQ(histogram.total_weight(), 6.5);

  // Every edge of an awkward range holds its own bin's lower edge.
  Histogram awkward(-0.7, 2.3, 7);
  for (size_t i = 0; i < awkward.bins(); ++i) {
    awkward.add(awkward.bin_low(i));
    EXPECT_EQ(awkward.bin_weight(i), 1.0) << i;
  }
}

TEST(Histogram, QuantileIsWithinOneBinOfTheSampleQuantile) {
  RandomStream stream(25, 0, 0);
  Histogram histogram(0, 200, 400);  // Bins of 0.5.
  std::vector<double> values(50000);
  for (double& x : values) {
    x = sample_gamma(stream, 4.0, 5.0);
    histogram.add(x);
  }
  std::sort(values.begin(), values.end());
  for (const double p : {0.01, 0.25, 0.5, 0.9, 0.99}) {
    EXPECT_NEAR(histogram.quantile(p), quantile_sorted(values, p), 0.5) << p;
  }
  EXPECT_EQ(histogram.quantile(0.0), histogram.bin_low(static_cast<size_t>(values[0] / 0.5)));

  Histogram narrow(10, 20, 10);
  narrow.add(5);
  narrow.add(15);
  narrow.add(25);
  EXPECT_EQ(narrow.quantile(0.2), -infinity);
  EXPECT_EQ(narrow.quantile(0.5), 15.5);  // Halfway through the bin [15, 16).
  EXPECT_EQ(narrow.quantile(0.9), infinity);
}

TEST(Histogram, TimeWeightsGiveTheShareOfTimeAtEachLevel) {
  // Cover in use: 1 for 90 minutes, 10 for 9 minutes, 100 for 1 minute.
  Histogram histogram(0, 128, 128);
  histogram.add(1, 90);
  histogram.add(10, 9);
  histogram.add(100, 1);
  EXPECT_NEAR(histogram.quantile(0.5), 1 + 50.0 / 90, 1e-12);  // 50 of the 90 in [1, 2).
  EXPECT_GE(histogram.quantile(0.95), 10);
  EXPECT_LT(histogram.quantile(0.95), 11);
  EXPECT_GE(histogram.quantile(0.995), 100);
}

TEST(Histogram, MergeEqualsAddingEverything) {
  Histogram all(-5, 5, 20);
  Histogram first(-5, 5, 20);
  Histogram second(-5, 5, 20);
  RandomStream stream(26, 0, 0);
  for (int i = 0; i < 1000; ++i) {
    const double x = sample_normal(stream, 0, 2);
    all.add(x);
    (i % 3 == 0 ? first : second).add(x);
  }
  first.merge(second);
  for (size_t i = 0; i < all.bins(); ++i) EXPECT_EQ(first.bin_weight(i), all.bin_weight(i));
  EXPECT_EQ(first.underflow(), all.underflow());
  EXPECT_EQ(first.overflow(), all.overflow());
  EXPECT_EQ(first.total_weight(), all.total_weight());
}

// ---- Preconditions ----------------------------------------------------------------------

TEST(StatisticsDeathTest, RefuseMisuse) {
  EXPECT_DEATH(RunningStats().mean(), "count_ >= 1");
  RunningStats one;
  one.add(1);
  EXPECT_DEATH(one.variance(), "count_ >= 2");
  EXPECT_DEATH(one.add(std::nan("")), "isfinite");
  EXPECT_DEATH(student_t_975(0), "df >= 1");
  const double unsorted[] = {2, 1};
  EXPECT_DEATH(quantile_sorted(unsorted, 0.5), "is_sorted_without_nan");
  const double sorted[] = {1, 2};
  EXPECT_DEATH(tail_risk_sorted(sorted, 1.0), "alpha < 1");
  const double shorter[] = {1};
  EXPECT_DEATH(paired_difference_95(sorted, shorter), "a.size\\(\\) == b.size\\(\\)");
  TimeWeightedAverage cover(10, 0);
  EXPECT_DEATH(cover.set(9, 1), "time >= last_time_");
  EXPECT_DEATH(cover.mean(10), "end_time > start_time_");
  EXPECT_DEATH(Histogram(1, 1, 10), "low < high");
  Histogram a(0, 1, 10);
  const Histogram b(0, 1, 11);
  EXPECT_DEATH(a.merge(b), "bins\\(\\) == other.bins\\(\\)");
}

}  // namespace
}  // namespace kervan
