#include "sim/distributions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "tests/sim/sample_checks.h"

namespace kervan {
namespace {

// Reference values of Phi and Phi^-1 are 20-digit values from mpmath (40-digit arithmetic).
// Golden draws come from an independent Python transcription of each algorithm over the same
// stream (tests/sim/golden_values.py): they pin the algorithms, so any change of method shows
// here (update on purpose only).

TEST(NormalCdf, MatchesReferenceValues) {
  const struct {
    double x;
    double cdf;
    double relative_tolerance;
  } cases[] = {
      {-37, 5.7255712225245768227e-300, 2e-13},  // Deep tail: x / sqrt 2 rounds.
      {-20, 2.7536241186062336951e-89, 5e-14},
      {-10, 7.619853024160526066e-24, 2e-14},
      {-5, 2.8665157187919391167e-7, 4e-15},
      {-1, 0.15865525393145705141, 4e-15},
      {0, 0.5, 0},
      {0.5, 0.69146246127401310364, 4e-15},
      {1, 0.84134474606854294859, 4e-15},
      {5, 0.99999971334842812081, 4e-15},
      {8, 0.9999999999999993779, 4e-15},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(normal_cdf(c.x), c.cdf, c.cdf * c.relative_tolerance) << c.x;
  }
  EXPECT_EQ(normal_cdf(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_EQ(normal_cdf(std::numeric_limits<double>::infinity()), 1.0);
}

TEST(NormalQuantile, MatchesReferenceValuesTo1e15) {
  const struct {
    double p;
    double x;
  } cases[] = {
      {1e-300, -37.047096299361199237},  {1e-20, -9.2623400897984075737},
      {1e-10, -6.3613409024040562047},   {0.001, -3.0902323061678135415},
      {0.02425, -1.9729610513118848503},  // Acklam's region boundary.
      {0.025, -1.9599639845400542355},   {0.05, -1.6448536269514727149},
      {0.3, -0.52440051270804078404},    {0.5, 0.0},
      {0.95, 1.6448536269514727149},     {0.975, 1.9599639845400542355},
      {0.999, 3.0902323061678135415},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(normal_quantile(c.p), c.x, 1e-15 * std::max(1.0, std::fabs(c.x))) << c.p;
  }
}

TEST(NormalQuantile, InvertsTheCdf) {
  // Lower half, where Phi has full relative precision: Phi(Phi^-1(p)) = p, to a relative
  // error that grows like x^2 ulps in the tail (d log Phi / dx is about |x|).
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    const double x = normal_quantile(p);
    EXPECT_NEAR(normal_cdf(x), p, p * std::max(4e-15, 4e-16 * x * x)) << p;
  }
  // And Phi^-1(Phi(x)) = x.
  for (double x = -37; x <= 0; x += 0.37) {
    EXPECT_NEAR(normal_quantile(normal_cdf(x)), x, 1e-14 * std::max(1.0, std::fabs(x))) << x;
  }
}

TEST(NormalQuantile, IsExactlyAntisymmetricAndMonotone) {
  double previous = -std::numeric_limits<double>::infinity();
  for (int k = 1; k < 1024; ++k) {
    const double p = k / 1024.0;
    EXPECT_EQ(normal_quantile(1 - p), -normal_quantile(p)) << p;
    EXPECT_GT(normal_quantile(p), previous) << p;
    previous = normal_quantile(p);
  }
  EXPECT_GT(normal_quantile(1 - 0x1.0p-53), 8.2);
  EXPECT_LT(normal_quantile(1e-310), -37.6);  // Subnormal p: Acklam alone, still finite.
}

TEST(Samplers, FirstDrawsAreGolden) {
  RandomStream exponential(1, 0, 1);
  for (const double x :
       {0.3507004254220778, 0.9517444217793346, 0.22882028397745133, 3.022179726592145}) {
    EXPECT_DOUBLE_EQ(sample_exponential(exponential, 2.0), x);
  }
  RandomStream normal(1, 0, 2);
  for (const double x :
       {0.022432434305597482, -1.6782439156877715, 0.34005934903203205, -0.7272661026967744}) {
    EXPECT_DOUBLE_EQ(sample_standard_normal(normal), x);
  }
  RandomStream gamma(1, 0, 3);
  for (const double x :
       {0.645842192121447, 3.9026247807880634, 1.777852413837628, 1.8221612667111557}) {
    EXPECT_DOUBLE_EQ(sample_gamma(gamma, 2.5, 1.0), x);
  }
  RandomStream gamma_small_shape(1, 0, 4);
  for (const double x :
       {0.5973206543229208, 1.3299124155850455, 0.5281006679651461, 1.0247147622010933}) {
    EXPECT_DOUBLE_EQ(sample_gamma(gamma_small_shape, 0.5, 2.0), x);
  }
  RandomStream poisson_small(1, 0, 5);
  for (const uint64_t k : {1u, 2u, 2u, 5u, 1u, 2u, 2u, 6u}) {
    EXPECT_EQ(sample_poisson(poisson_small, 3.0), k);
  }
  RandomStream poisson_large(1, 0, 6);
  for (const uint64_t k : {43u, 44u, 45u, 40u, 39u, 42u, 52u, 38u}) {
    EXPECT_EQ(sample_poisson(poisson_large, 40.0), k);
  }
  RandomStream lognormal(1, 0, 7);
  const Lognormal cargo{.mu = std::log(40000.0), .sigma = 0.9};
  for (const double x :
       {27073.90577435252, 37610.31650264342, 14119.70132661269, 23330.895433123682}) {
    EXPECT_DOUBLE_EQ(sample_lognormal(lognormal, cargo), x);
  }
}

// ---- Moments: each within 5 standard errors of the exact value --------------------------------

std::vector<double> draw(size_t n, const std::function<double()>& sampler) {
  std::vector<double> samples(n);
  for (double& x : samples) x = sampler();
  return samples;
}

TEST(Samplers, ExponentialHasItsMoments) {
  RandomStream stream(2, 0, 1);
  const double rate = 0.25;
  const auto samples = draw(50000, [&] { return sample_exponential(stream, rate); });
  // Central fourth moment 9 / rate^4.
  expect_moments(samples, 1 / rate, 1 / (rate * rate), 9 / std::pow(rate, 4));
}

TEST(Samplers, NormalHasItsMoments) {
  RandomStream stream(2, 0, 2);
  const auto samples = draw(50000, [&] { return sample_normal(stream, 10.0, 3.0); });
  expect_moments(samples, 10.0, 9.0, 3 * 81.0);
}

TEST(Samplers, GammaHasItsMomentsForLargeAndSmallShapes) {
  for (const double shape : {0.3, 1.0, 2.5, 40.0}) {
    RandomStream stream(2, 0, 3);
    const double scale = 1.5;
    const auto samples = draw(50000, [&] { return sample_gamma(stream, shape, scale); });
    // Central fourth moment 3 k (k + 2) theta^4.
    expect_moments(samples, shape * scale, shape * scale * scale,
                   3 * shape * (shape + 2) * std::pow(scale, 4));
  }
}

TEST(Samplers, PoissonHasItsMomentsOnBothSidesOfTheSwitch) {
  for (const double mean : {0.05, 3.0, 9.99, 10.0, 40.0, 1000.0, 1e6}) {
    RandomStream stream(2, 0, 4);
    const auto samples =
        draw(40000, [&] { return static_cast<double>(sample_poisson(stream, mean)); });
    // Central fourth moment mean (1 + 3 mean).
    expect_moments(samples, mean, mean, mean * (1 + 3 * mean));
  }
}

TEST(Samplers, BernoulliHasItsMean) {
  for (const double p : {0.01, 0.3, 0.9}) {  // Not 0.5: its variance has no spread.
    RandomStream stream(2, 0, 5);
    const auto samples = draw(40000, [&] { return sample_bernoulli(stream, p) ? 1.0 : 0.0; });
    expect_moments(samples, p, p * (1 - p), p * (1 - p) * (1 - 3 * p + 3 * p * p));
  }
  RandomStream stream(2, 0, 6);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(sample_bernoulli(stream, 0.0));
    EXPECT_TRUE(sample_bernoulli(stream, 1.0));
  }
}

TEST(Samplers, LognormalHasTheMomentsOfItsLogAndItsMean) {
  RandomStream stream(2, 0, 7);
  Lognormal cargo;
  ASSERT_EQ(fit_lognormal_median_sigma(40000, 0.9, &cargo), FitError::ok);
  const auto samples = draw(50000, [&] { return sample_lognormal(stream, cargo); });
  std::vector<double> logs(samples.size());
  std::transform(samples.begin(), samples.end(), logs.begin(),
                 [](double x) { return std::log(x); });
  expect_moments(logs, cargo.mu, 0.81, 3 * 0.81 * 0.81);
  // The mean itself: standard error sqrt((e^{s^2} - 1) e^{2 mu + s^2} / n).
  const double mean = lognormal_mean(cargo);
  EXPECT_NEAR(mean, 59972.1, 0.1);  // "median USD 40k, sigma_log 0.9 (mean about 60k)".
  const double variance = (std::exp(0.81) - 1) * mean * mean;
  expect_mean_near(samples, mean, std::sqrt(variance));
}

// ---- Kolmogorov-Smirnov against the exact CDF ---------------------------------------------

TEST(Samplers, PassKolmogorovSmirnovAgainstTheirCdf) {
  constexpr size_t n = 20000;
  RandomStream stream(3, 0, 1);
  expect_ks_fits(draw(n, [&] { return sample_standard_normal(stream); }),
                 [](double x) { return normal_cdf(x); });
  expect_ks_fits(draw(n, [&] { return sample_exponential(stream, 3.0); }),
                 [](double x) { return -std::expm1(-3.0 * x); });
  const Lognormal border{.mu = 2.0, .sigma = 0.6};
  expect_ks_fits(draw(n, [&] { return sample_lognormal(stream, border); }),
                 [&](double x) { return lognormal_cdf(border, x); });
  for (const double shape : {0.2, 0.7, 1.0, 2.5, 9.0}) {
    expect_ks_fits(draw(n, [&] { return sample_gamma(stream, shape, 2.0); }),
                   [&](double x) { return gamma_cdf(shape, x / 2.0); });
  }
}

TEST(Samplers, KolmogorovSmirnovRejectsAWrongDistribution) {
  // The check can fail: normal samples against a normal CDF with sd 1.05.
  RandomStream stream(3, 0, 2);
  const auto samples = draw(20000, [&] { return sample_standard_normal(stream); });
  EXPECT_GT(ks_statistic(samples, [](double x) { return normal_cdf(x / 1.05); }),
            ks_critical_value(samples.size()));
}

// ---- Poisson: chi-square goodness of fit against the exact probabilities -----------------------

TEST(Samplers, PoissonFitsItsProbabilitiesByChiSquare) {
  for (const double mean : {0.7, 3.0, 9.5, 10.0, 12.0, 40.0, 250.0}) {
    RandomStream stream(4, 0, static_cast<uint64_t>(mean * 10));
    constexpr size_t n = 40000;
    std::vector<uint64_t> counts(2000, 0);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t k = sample_poisson(stream, mean);
      ASSERT_LT(k, counts.size());
      ++counts[k];
    }
    expect_chi_square_fits(counts, n, [&](uint64_t k) {
      const double kd = static_cast<double>(k);
      return std::exp(-mean + kd * std::log(mean) - std::lgamma(kd + 1));
    });
  }
  RandomStream stream(4, 0, 0);
  EXPECT_EQ(sample_poisson(stream, 0.0), 0u);
  EXPECT_EQ(stream, RandomStream(4, 0, 0));  // A mean of 0 draws nothing.
}

// ---- Lognormal fits ---------------------------------------------------------------------

TEST(LognormalFit, MeanAndP95AreReproduced) {
  const struct {
    double mean;
    double p95;
  } cases[] = {{9.9, 20.0}, {9.9, 10.0}, {1.0, 3.8}, {40000, 120000}, {9.9, 9.9000001}};
  for (const auto& c : cases) {
    Lognormal fit;
    ASSERT_EQ(fit_lognormal_mean_p95(c.mean, c.p95, &fit), FitError::ok) << c.p95;
    EXPECT_NEAR(lognormal_mean(fit), c.mean, c.mean * 1e-13);
    EXPECT_NEAR(lognormal_quantile(fit, 0.95), c.p95, c.p95 * 1e-13);
    EXPECT_GT(fit.sigma, 0);
    EXPECT_LT(fit.sigma, 1.6448536269514727);  // The smaller root.
  }
}

TEST(LognormalFit, RefusesFiguresWithTheSpecificCode) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const struct {
    double mean;
    double p95;
    FitError error;
  } cases[] = {
      {0, 20, FitError::mean_not_positive},
      {-1, 20, FitError::mean_not_positive},
      {nan, 20, FitError::mean_not_positive},
      {0, 0, FitError::mean_not_positive},  // Precedence: the mean first.
      {10, 10, FitError::quantile_not_above_mean},
      {10, 9, FitError::quantile_not_above_mean},
      {10, nan, FitError::quantile_not_above_mean},
      {10, 40, FitError::quantile_too_far_above_mean},  // 4 > exp(z95^2 / 2) = 3.8687.
      {10, 38.68, FitError::ok},
  };
  for (const auto& c : cases) {
    Lognormal fit{.mu = 123, .sigma = 4};
    EXPECT_EQ(fit_lognormal_mean_p95(c.mean, c.p95, &fit), c.error)
        << c.mean << " " << c.p95 << " " << fit_error_name(c.error);
    if (c.error != FitError::ok) {
      EXPECT_EQ(fit.mu, 123);  // Unchanged on error.
    }
  }
}

TEST(LognormalFit, MedianSigmaAndMeanSigma) {
  Lognormal fit;
  ASSERT_EQ(fit_lognormal_median_sigma(40000, 0.9, &fit), FitError::ok);
  EXPECT_NEAR(lognormal_quantile(fit, 0.5), 40000, 1e-9);
  ASSERT_EQ(fit_lognormal_mean_sigma(9.9, 0.7, &fit), FitError::ok);
  EXPECT_NEAR(lognormal_mean(fit), 9.9, 1e-13);
  EXPECT_EQ(fit.sigma, 0.7);
  ASSERT_EQ(fit_lognormal_mean_sigma(9.9, 0.0, &fit), FitError::ok);  // A constant.
  RandomStream stream(5, 0, 0);
  EXPECT_NEAR(sample_lognormal(stream, fit), 9.9, 1e-13);

  EXPECT_EQ(fit_lognormal_median_sigma(0, 0.9, &fit), FitError::median_not_positive);
  EXPECT_EQ(fit_lognormal_median_sigma(1, -0.1, &fit), FitError::sigma_negative);
  EXPECT_EQ(fit_lognormal_mean_sigma(-1, 0.9, &fit), FitError::mean_not_positive);
  EXPECT_EQ(fit_lognormal_mean_sigma(1, std::numeric_limits<double>::infinity(), &fit),
            FitError::sigma_negative);
}

TEST(LognormalFit, MixtureKeepsTheOverallMean) {
  // CPMM: a mean of 9.9 h, with 7.5 % of trucks around 50 h.
  LognormalMixture border;
  ASSERT_EQ(fit_lognormal_mixture(9.9, 0.6, 0.075, 50, 0.3, &border), FitError::ok);
  EXPECT_NEAR(lognormal_mean(border), 9.9, 1e-12);
  EXPECT_NEAR(lognormal_quantile(border.tail, 0.5), 50, 1e-12);
  EXPECT_EQ(border.tail_weight, 0.075);
  EXPECT_LT(lognormal_mean(border.body), 9.9);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const struct {
    double mean, body_sigma, weight, tail_median, tail_sigma;
    FitError error;
  } cases[] = {
      {0, 0.6, 0.075, 50, 0.3, FitError::mean_not_positive},
      {9.9, -0.6, 0.075, 50, 0.3, FitError::sigma_negative},
      {9.9, 0.6, 0.075, 50, nan, FitError::sigma_negative},
      {9.9, 0.6, 1.0, 50, 0.3, FitError::weight_out_of_range},
      {9.9, 0.6, -0.1, 50, 0.3, FitError::weight_out_of_range},
      {9.9, 0.6, 0.075, 0, 0.3, FitError::median_not_positive},
      {9.9, 0.6, 0.2, 50, 0.3, FitError::tail_too_heavy_for_mean},  // 0.2 x 52.3 > 9.9.
      {9.9, 0.6, 0.0, 50, 0.3, FitError::ok},                       // No tail at all.
  };
  for (const auto& c : cases) {
    LognormalMixture fit = border;
    EXPECT_EQ(
        fit_lognormal_mixture(c.mean, c.body_sigma, c.weight, c.tail_median, c.tail_sigma, &fit),
        c.error)
        << fit_error_name(c.error);
  }
}

// ---- Mixture and truncation -------------------------------------------------------------

TEST(Samplers, MixtureAndTruncatedVariantsFitTheirCdf) {
  LognormalMixture border;
  ASSERT_EQ(fit_lognormal_mixture(9.9, 0.6, 0.075, 50, 0.3, &border), FitError::ok);
  RandomStream stream(6, 0, 0);
  constexpr size_t n = 20000;
  expect_ks_fits(draw(n, [&] { return sample_lognormal_mixture(stream, border); }),
                 [&](double x) { return lognormal_cdf(border, x); });

  const double cap = 40;  // Cuts into the tail component.
  const double mass = lognormal_cdf(border, cap);
  expect_ks_fits(draw(n, [&] { return sample_lognormal_mixture_truncated(stream, border, cap); }),
                 [&](double x) { return std::min(lognormal_cdf(border, x) / mass, 1.0); });

  const Lognormal cargo{.mu = std::log(40000.0), .sigma = 0.9};
  const double value_cap = 100000;
  const double cargo_mass = lognormal_cdf(cargo, value_cap);
  const auto capped = draw(n, [&] { return sample_lognormal_truncated(stream, cargo, value_cap); });
  EXPECT_LE(*std::max_element(capped.begin(), capped.end()), value_cap);
  expect_ks_fits(capped,
                 [&](double x) { return std::min(lognormal_cdf(cargo, x) / cargo_mass, 1.0); });
}

TEST(Samplers, TruncationIsMonotoneInTheCapUnderCommonRandomNumbers) {
  const Lognormal cargo{.mu = std::log(40000.0), .sigma = 0.9};
  RandomStream low(7, 0, 0);
  RandomStream high(7, 0, 0);
  for (int i = 0; i < 1000; ++i) {
    const double at_low_cap = sample_lognormal_truncated(low, cargo, 50000);
    const double at_high_cap = sample_lognormal_truncated(high, cargo, 200000);
    EXPECT_LE(at_low_cap, 50000);
    EXPECT_LE(at_low_cap, at_high_cap);
  }
  // A cap far above the mass leaves the distribution unchanged.
  expect_ks_fits(draw(20000, [&] { return sample_lognormal_truncated(low, cargo, 1e12); }),
                 [&](double x) { return lognormal_cdf(cargo, x); });
}

// ---- Categorical: the alias table -------------------------------------------------------

TEST(AliasTable, RefusesWeightsWithTheSpecificCode) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> too_many(categories_max + 1, 1.0);
  const std::vector<double> most(categories_max, 1.0);
  const struct {
    std::vector<double> weights;
    CategoricalError error;
  } cases[] = {
      {{}, CategoricalError::weights_empty},
      {too_many, CategoricalError::weights_too_many},
      {{1, -1, 3}, CategoricalError::weight_negative},
      {{1, nan}, CategoricalError::weight_negative},
      {{1, std::numeric_limits<double>::infinity()}, CategoricalError::weight_negative},
      {{0, 0, 0}, CategoricalError::weights_sum_zero},
      {most, CategoricalError::ok},
      {{0, 5}, CategoricalError::ok},
  };
  for (const auto& c : cases) {
    AliasTable table;
    EXPECT_EQ(AliasTable::build(c.weights, &table), c.error) << categorical_error_name(c.error);
    if (c.error != CategoricalError::ok) {
      EXPECT_EQ(table.size(), 0u);  // Unchanged.
    }
  }
}

TEST(AliasTable, ColumnsGiveExactlyTheWeights) {
  const std::vector<std::vector<double>> tables = {
      {1},
      {1, 1, 1},
      {85.065, 6.955, 4.86, 1.9, 1.22},
      {0, 3, 0, 1e-12, 7, 0.5},
      {1e-300, 1, 1e300},
  };
  for (const auto& weights : tables) {
    AliasTable table;
    ASSERT_EQ(AliasTable::build(weights, &table), CategoricalError::ok);
    ASSERT_EQ(table.size(), weights.size());
    double total = 0;
    for (const double w : weights) total += w;
    for (size_t i = 0; i < weights.size(); ++i) {
      EXPECT_NEAR(table.probability(i), weights[i] / total, 1e-15) << i;
    }
  }
}

TEST(AliasTable, DrawsFitTheWeightsAndNeverAZeroWeight) {
  const std::vector<double> weights = {0, 3, 0, 1, 7, 0.5, 0, 2.5};
  AliasTable table;
  ASSERT_EQ(AliasTable::build(weights, &table), CategoricalError::ok);
  RandomStream stream(8, 0, 0);
  constexpr size_t n = 50000;
  std::vector<uint64_t> counts(weights.size(), 0);
  for (size_t i = 0; i < n; ++i) ++counts[table.sample(stream)];
  EXPECT_EQ(counts[0] + counts[2] + counts[6], 0u);
  expect_chi_square_fits(counts, n, [&](uint64_t k) { return weights[k] / 14.0; });

  AliasTable single;
  ASSERT_EQ(AliasTable::build(std::vector<double>{2.0}, &single), CategoricalError::ok);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(single.sample(stream), 0u);
}

TEST(AliasTable, FirstDrawsAreGolden) {
  AliasTable table;
  ASSERT_EQ(AliasTable::build(std::vector<double>{85.065, 6.955, 4.86, 1.9, 1.22}, &table),
            CategoricalError::ok);
  RandomStream stream(1, 0, 8);
  std::vector<uint32_t> first(12);
  for (uint32_t& category : first) category = table.sample(stream);
  EXPECT_EQ(first, (std::vector<uint32_t>{0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
}

// ---- One-factor Gaussian copula (Vasicek) ---------------------------------------------------

TEST(Copula, EdgeCasesOfTheDefaultTest) {
  EXPECT_FALSE(copula_defaults(-8, -8, 0.3, 0.0));  // p = 0: never.
  EXPECT_TRUE(copula_defaults(8, 8, 0.3, 1.0));     // p = 1: always.
  // rho = 0: only the entity's own draw counts; rho = 1: only the systematic one.
  EXPECT_TRUE(copula_defaults(5, -2, 0.0, 0.05));
  EXPECT_FALSE(copula_defaults(-5, 2, 0.0, 0.05));
  EXPECT_TRUE(copula_defaults(-2, 5, 1.0, 0.05));
  EXPECT_FALSE(copula_defaults(2, -5, 1.0, 0.05));
  EXPECT_EQ(copula_threshold(0.05), normal_quantile(0.05));
  EXPECT_EQ(copula_threshold(0.0), -std::numeric_limits<double>::infinity());
}

TEST(Copula, EachEntityDefaultsWithItsProbability) {
  // 2,000 periods of 100 entities, rho = 0.3, p = 0.05: the mean default fraction is p within
  // 5 standard errors of the period fractions (which are correlated within a period, not
  // across periods).
  RandomStream systematic(9, 0, 1);
  RandomStream idiosyncratic(9, 0, 2);
  const double p = 0.05;
  const double threshold = copula_threshold(p);
  std::vector<double> fractions(2000);
  for (double& fraction : fractions) {
    const double z = sample_standard_normal(systematic);
    int defaults = 0;
    for (int i = 0; i < 100; ++i) {
      defaults += copula_defaults_below(z, sample_standard_normal(idiosyncratic), 0.3, threshold);
    }
    fraction = defaults / 100.0;
  }
  expect_mean_near(fractions, p, sample_sd(fractions));
}

TEST(Copula, ConditionalDefaultRateMatchesTheVasicekFormula) {
  const double p = 0.05;
  const double rho = 0.3;
  const double z = -1.5;
  EXPECT_NEAR(vasicek_conditional_default_probability(p, rho, z), 0.16255883642742088478, 1e-14);
  RandomStream stream(9, 0, 3);
  constexpr int entities = 100000;
  std::vector<double> defaults(entities);
  for (double& d : defaults) {
    d = copula_defaults(z, sample_standard_normal(stream), rho, p) ? 1.0 : 0.0;
  }
  const double q = 0.16255883642742088478;
  expect_mean_near(defaults, q, std::sqrt(q * (1 - q)));
}

TEST(Copula, LargePoolLossQuantileMatchesReferenceValuesAndTheSimulation) {
  // Basel II IRB: PD 1 %, correlation 0.12, 99.9 %: a conditional PD of 9.03 %.
  EXPECT_NEAR(vasicek_loss_quantile(0.01, 0.12, 0.999), 0.090325831326065272963, 1e-14);
  EXPECT_NEAR(vasicek_loss_quantile(0.05, 0.3, 0.99), 0.32887421008278419862, 1e-14);
  for (const double alpha : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_NEAR(vasicek_loss_cdf(vasicek_loss_quantile(0.05, 0.3, alpha), 0.05, 0.3), alpha, 1e-12);
  }
  // The loss fraction of a large pool given Z exceeds its 99 % quantile in 1 % of periods
  // (a binomial count: within 5 standard errors).
  RandomStream stream(9, 0, 4);
  const double quantile_99 = vasicek_loss_quantile(0.05, 0.3, 0.99);
  constexpr int periods = 40000;
  std::vector<double> exceeds(periods);
  for (double& e : exceeds) {
    const double z = sample_standard_normal(stream);
    e = vasicek_conditional_default_probability(0.05, 0.3, z) > quantile_99 ? 1.0 : 0.0;
  }
  expect_mean_near(exceeds, 0.01, std::sqrt(0.01 * 0.99));
}

// ---- Preconditions ----------------------------------------------------------------------

TEST(DistributionsDeathTest, RefuseInvalidParameters) {
  RandomStream stream(10, 0, 0);
  EXPECT_DEATH(normal_quantile(0.0), "p > 0");
  EXPECT_DEATH(normal_quantile(1.0), "p < 1");
  EXPECT_DEATH(sample_exponential(stream, 0.0), "rate > 0");
  EXPECT_DEATH(sample_gamma(stream, 0.0, 1.0), "shape > 0");
  EXPECT_DEATH(sample_poisson(stream, -1.0), "mean >= 0");
  EXPECT_DEATH(sample_poisson(stream, 2 * poisson_mean_max), "poisson_mean_max");
  EXPECT_DEATH(sample_bernoulli(stream, 1.5), "p <= 1");
  EXPECT_DEATH(AliasTable().sample(stream), "size_ > 0");
  const Lognormal cargo{.mu = std::log(40000.0), .sigma = 0.9};
  EXPECT_DEATH(sample_lognormal_truncated(stream, cargo, 0.0), "cap > 0");
  EXPECT_DEATH(vasicek_loss_quantile(0.05, 1.0, 0.99), "rho < 1");
}

}  // namespace
}  // namespace kervan
