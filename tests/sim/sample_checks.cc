#include "tests/sim/sample_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace kervan {
namespace {

constexpr double standard_errors_max = 5;

double mean_of(std::span<const double> samples) {
  double sum = 0;
  for (const double x : samples) sum += x;
  return sum / static_cast<double>(samples.size());
}

double variance_of(std::span<const double> samples, double mean) {
  double sum = 0;
  for (const double x : samples) sum += (x - mean) * (x - mean);
  return sum / static_cast<double>(samples.size() - 1);
}

// The 0.999 quantile of chi-square with df degrees of freedom (Wilson and Hilferty 1931).
double chi_square_999(double df) {
  const double z_999 = 3.0902323061678135;
  const double a = 2 / (9 * df);
  const double root = 1 - a + z_999 * std::sqrt(a);
  return df * root * root * root;
}

}  // namespace

void expect_mean_near(std::span<const double> samples, double mean, double sd) {
  ASSERT_GT(samples.size(), 1u);
  const double n = static_cast<double>(samples.size());
  EXPECT_NEAR(mean_of(samples), mean, standard_errors_max * sd / std::sqrt(n));
}

void expect_moments(std::span<const double> samples, double mean, double variance,
                    double central_fourth_moment) {
  ASSERT_GT(samples.size(), 1u);
  const double n = static_cast<double>(samples.size());
  const double sample_mean = mean_of(samples);
  EXPECT_NEAR(sample_mean, mean, standard_errors_max * std::sqrt(variance / n)) << "mean";
  const double variance_error = std::sqrt((central_fourth_moment - variance * variance) / n);
  EXPECT_NEAR(variance_of(samples, sample_mean), variance, standard_errors_max * variance_error)
      << "variance";
}

double sample_sd(std::span<const double> samples) {
  return std::sqrt(variance_of(samples, mean_of(samples)));
}

double ks_statistic(std::span<const double> samples, const std::function<double(double)>& cdf) {
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  double d = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const double f = cdf(sorted[i]);
    const double below = static_cast<double>(i) / n;
    const double above = static_cast<double>(i + 1) / n;
    d = std::max({d, f - below, above - f});
  }
  return d;
}

double ks_critical_value(size_t n) {
  return 1.9495 / std::sqrt(static_cast<double>(n));
}

void expect_ks_fits(std::span<const double> samples, const std::function<double(double)>& cdf) {
  EXPECT_LT(ks_statistic(samples, cdf), ks_critical_value(samples.size()));
}

void expect_chi_square_fits(std::span<const uint64_t> counts, size_t n,
                            const std::function<double(uint64_t)>& pmf) {
  const double total = static_cast<double>(n);
  std::vector<double> expected_pools;
  std::vector<double> observed_pools;
  double expected = 0;
  double observed = 0;
  double cumulative = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    const double p = pmf(k);
    cumulative += p;
    expected += total * p;
    observed += static_cast<double>(counts[k]);
    // Close a pool only when what remains still expects 5 or more.
    if (expected >= 5 && total * (1 - cumulative) >= 5) {
      expected_pools.push_back(expected);
      observed_pools.push_back(observed);
      expected = 0;
      observed = 0;
    }
  }
  expected += total * std::max(0.0, 1 - cumulative);
  expected_pools.push_back(expected);
  observed_pools.push_back(observed);
  ASSERT_GE(expected_pools.size(), 2u);
  double chi_square = 0;
  for (size_t i = 0; i < expected_pools.size(); ++i) {
    const double difference = observed_pools[i] - expected_pools[i];
    chi_square += difference * difference / expected_pools[i];
  }
  const double df = static_cast<double>(expected_pools.size() - 1);
  EXPECT_LT(chi_square, chi_square_999(df)) << "pools " << expected_pools.size();
}

double gamma_cdf(double shape, double x) {
  if (x <= 0) return 0;
  const double log_prefix = -x + shape * std::log(x) - std::lgamma(shape);
  if (x < shape + 1) {
    double term = 1 / shape;
    double sum = term;
    for (int n = 1; n < 1000 && std::fabs(term) > std::fabs(sum) * 1e-17; ++n) {
      term *= x / (shape + n);
      sum += term;
    }
    return sum * std::exp(log_prefix);
  }
  // Q(shape, x) by the modified Lentz method (Numerical Recipes, gcf).
  constexpr double tiny = 1e-300;
  double b = x + 1 - shape;
  double c = 1 / tiny;
  double d = 1 / b;
  double h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - shape);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-16) break;
  }
  return 1 - std::exp(log_prefix) * h;
}

}  // namespace kervan
