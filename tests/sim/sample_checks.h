// Statistical checks shared by the simulator's numeric tests. Each check is a test at a fixed
// level on samples from fixed seeds, so it is deterministic: it passes or fails the same way on
// every run, and a wrong sampler fails it (the thresholds are far from what errors give).
// The checks compute their statistics here, independently of sim/statistics.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace kervan {

// Sample mean within 5 standard errors (sd / sqrt(n)) of `mean`, given the population's sd.
void expect_mean_near(std::span<const double> samples, double mean, double sd);

// Mean and variance each within 5 standard errors of the exact values. The standard error of
// the sample variance is sqrt((mu4 - variance^2) / n), with mu4 the central fourth moment.
void expect_moments(std::span<const double> samples, double mean, double variance,
                    double central_fourth_moment);

// The sample standard deviation (n - 1 in the denominator), two passes.
double sample_sd(std::span<const double> samples);

// Kolmogorov-Smirnov: D = sup |F_n(x) - F(x)| for the samples against the CDF `cdf`.
double ks_statistic(std::span<const double> samples, const std::function<double(double)>& cdf);
// The asymptotic critical value at level 0.001: 1.9495 / sqrt(n).
double ks_critical_value(size_t n);
// D below the critical value.
void expect_ks_fits(std::span<const double> samples, const std::function<double(double)>& cdf);

// Pearson's chi-square of counts[k] (k = 0, 1, ...; n draws in all) against the probabilities
// pmf(k); neighbouring k are pooled until each pool expects at least 5, the mass beyond the
// last count joins the last pool. Below the 0.999 quantile of chi-square (Wilson-Hilferty).
void expect_chi_square_fits(std::span<const uint64_t> counts, size_t n,
                            const std::function<double(uint64_t)>& pmf);

// The regularized lower incomplete gamma P(shape, x): the CDF of Gamma(shape, 1) at x
// (series below shape + 1, Lentz's continued fraction above; relative error about 1e-14).
double gamma_cdf(double shape, double x);

}  // namespace kervan
