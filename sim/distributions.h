// Hand-written probability distributions for the simulator: samplers that give the same numbers
// on every standard library (the standard library's distributions are implementation-defined,
// so std::normal_distribution differs between libstdc++, libc++ and MSVC), the normal CDF and
// quantile, lognormal fits from the figures published for border times and cargo values, and
// the one-factor Gaussian copula (Vasicek) for correlated defaults.
//
// Reproducibility: the samplers use only RandomStream draws, IEEE arithmetic (contraction off,
// sim/CMakeLists.txt) and the C library's log, exp, sqrt and erfc. sqrt is exact everywhere;
// log, exp and erfc are glibc's here, faithful to about one ulp, so another C library may change
// a last bit, never a distribution. Each sampler consumes a documented number of draws from the
// stream it is given, and nothing else: no hidden state, no spare values kept between calls.
// Nothing here allocates or throws. docs/simulator_numerics.md lists algorithms and accuracy.
//
// Parameters that come from a scenario file pass through the fit_*() functions, which return
// a FitError; the samplers assert their REQUIRES (a violated one is a programmer error).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sim/random_stream.h"

namespace kervan {

// ---- The standard normal distribution ---------------------------------------------------------

// Phi(x) = P(N(0,1) <= x), as 0.5 erfc(-x / sqrt 2). Relative error (measured against
// 40-digit values): below 4e-15 for x >= -5, 1.2e-14 for x >= -10, and about x^2 2^-53 further
// down the lower tail (the rounding of x / sqrt 2), 2e-13 at x = -37 where Phi is 1e-299.
// REQUIRES: x is not NaN (-inf gives 0, +inf gives 1).
double normal_cdf(double x) noexcept;

// Phi^-1(p): Acklam's rational approximation (relative error 1.15e-9) refined by one Halley
// step on erfc, so that |x - exact| < 1e-15 max(1, |x|) for every p in (0, 1) (measured at
// 7,000 points from 1e-310 to 1 - 2^-53 against 40-digit values: at most 2.7e-16). Exactly
// antisymmetric: normal_quantile(1 - p) == -normal_quantile(p) whenever 1 - p is exact.
// REQUIRES: 0 < p < 1.
double normal_quantile(double p) noexcept;

// ---- Continuous samplers -------------------------------------------------------------------

// Exponential with the given rate (mean 1 / rate), by inversion: -log(u) / rate with one
// uniform01_open() draw. The largest value is 36.7 / rate (u = 2^-53).
// REQUIRES: rate > 0 and finite.
double sample_exponential(RandomStream& stream, double rate) noexcept;

// A standard normal N(0, 1) by Marsaglia's polar method: pairs of uniform01() draws until the
// point falls inside the unit disc (2 draws with probability pi/4, 2.55 on average). Of the
// two normals the method makes, only the first is returned; the other is discarded so that the
// stream stays the sampler's only state.
double sample_standard_normal(RandomStream& stream) noexcept;

// mean + sd * sample_standard_normal(). REQUIRES: sd >= 0, both finite.
double sample_normal(RandomStream& stream, double mean, double sd) noexcept;

// Gamma with shape k and scale theta (mean k theta, variance k theta^2), by Marsaglia and
// Tsang (2000, "A simple method for generating gamma variables"): one normal and one
// uniform01_open() per attempt, accepted with probability above 0.95 for k >= 1. For k < 1,
// Gamma(k + 1) times u^(1/k) with one more uniform01_open() (their section 6); for k below
// about 0.01 that factor underflows to 0 for some draws, which the gamma then returns.
// REQUIRES: shape > 0, scale > 0, both finite.
double sample_gamma(RandomStream& stream, double shape, double scale) noexcept;

// ---- Lognormal, its fits, mixture and truncation ----------------------------------------------

// X = exp(mu + sigma N(0,1)): log X is normal with mean mu and standard deviation sigma.
// sigma = 0 is the constant exp(mu). Median exp(mu), mean exp(mu + sigma^2 / 2).
struct Lognormal {
  double mu = 0;
  double sigma = 0;
};

// Two lognormals: the body with probability 1 - tail_weight, the tail with tail_weight. Border
// times are a body of ordinary crossings and a few trucks stuck for days (CPMM: a mean of
// 9.9 h with 5-10 % of trucks around 50 h).
struct LognormalMixture {
  Lognormal body;
  Lognormal tail;
  double tail_weight = 0;
};

// Why a fit refused its figures: one specific code each, checked in the order listed. Stable
// numbers (reported in scenario errors).
enum class FitError : uint8_t {
  ok = 0,
  mean_not_positive = 1,            // Mean <= 0, or not finite.
  median_not_positive = 2,          // Median <= 0, or not finite.
  sigma_negative = 3,               // A log standard deviation < 0, or not finite.
  quantile_not_above_mean = 4,      // p95 <= mean (or not finite): no right-skewed fit.
  quantile_too_far_above_mean = 5,  // p95 / mean > exp(z95^2 / 2) = 3.8687: no fit exists.
  weight_out_of_range = 6,          // A tail weight outside [0, 1), or not finite.
  tail_too_heavy_for_mean = 7,      // tail_weight x tail mean >= the overall mean.
};
// The enumerator's name ("quantile_too_far_above_mean"), for messages.
const char* fit_error_name(FitError error) noexcept;

// The lognormal with the given mean and 95th percentile: sigma is the smaller root of
// sigma^2 / 2 - z95 sigma + log(p95 / mean) = 0 (z95 = Phi^-1(0.95)), mu = log(mean) - sigma^2/2.
// The larger root (sigma > z95) is never taken: its mean is carried by rare huge values, not
// a border time or a cargo value. Returns, in order: mean_not_positive,
// quantile_not_above_mean, quantile_too_far_above_mean. On error *out is unchanged.
[[nodiscard]] FitError fit_lognormal_mean_p95(double mean, double p95, Lognormal* out) noexcept;

// The lognormal with the given median and log standard deviation: mu = log(median) (cargo
// values: median USD 40,000 and sigma_log 0.9, so a mean of about 60,000).
// Returns, in order: median_not_positive, sigma_negative. On error *out is unchanged.
[[nodiscard]] FitError fit_lognormal_median_sigma(double median, double sigma_log,
                                                  Lognormal* out) noexcept;

// The lognormal with the given mean and log standard deviation: mu = log(mean) - sigma^2 / 2.
// Returns, in order: mean_not_positive, sigma_negative. On error *out is unchanged.
[[nodiscard]] FitError fit_lognormal_mean_sigma(double mean, double sigma_log,
                                                Lognormal* out) noexcept;

// A mixture with the given overall mean whose tail (weight tail_weight) has the given median
// and log standard deviation; the body takes the rest of the mean, (mean - tail_weight x tail
// mean) / (1 - tail_weight), with log standard deviation body_sigma_log. Returns, in order:
// mean_not_positive, sigma_negative (either sigma), weight_out_of_range, median_not_positive,
// tail_too_heavy_for_mean. On error *out is unchanged.
[[nodiscard]] FitError fit_lognormal_mixture(double mean, double body_sigma_log, double tail_weight,
                                             double tail_median, double tail_sigma_log,
                                             LognormalMixture* out) noexcept;

// Moments and distribution functions, for reports and for Little's-law expectations.
// REQUIRES (all): sigma >= 0 and finite, mu finite; tail_weight in [0, 1].
double lognormal_mean(const Lognormal& lognormal) noexcept;
double lognormal_mean(const LognormalMixture& mixture) noexcept;
// P(X <= x); 0 for x <= 0. REQUIRES: x is not NaN.
double lognormal_cdf(const Lognormal& lognormal, double x) noexcept;
double lognormal_cdf(const LognormalMixture& mixture, double x) noexcept;
// The p-quantile exp(mu + sigma Phi^-1(p)). REQUIRES: 0 < p < 1.
double lognormal_quantile(const Lognormal& lognormal, double p) noexcept;

// exp(mu + sigma N(0,1)) with one sample_standard_normal(). REQUIRES: as above.
double sample_lognormal(RandomStream& stream, const Lognormal& lognormal) noexcept;

// The lognormal conditioned on X <= cap (truncated, not clamped: no mass piles up at the cap),
// by inversion with one uniform01_open() draw: exp(mu + sigma Phi^-1(u F(cap))). Monotone in
// u, so a higher cap never lowers a sample drawn from the same u (common random numbers).
// REQUIRES: cap > 0 and lognormal_cdf(lognormal, cap) > 0 (the cap is not absurdly low:
// above exp(mu - 37 sigma)).
double sample_lognormal_truncated(RandomStream& stream, const Lognormal& lognormal,
                                  double cap) noexcept;

// One uniform01() draw picks the component (u < tail_weight: the tail), then
// sample_lognormal() from it.
double sample_lognormal_mixture(RandomStream& stream, const LognormalMixture& mixture) noexcept;

// The mixture conditioned on X <= cap: one uniform01() draw picks the component with the
// weights of the truncated mixture, w_c F_c(cap) / sum, then sample_lognormal_truncated() from
// it. REQUIRES: cap > 0 and lognormal_cdf(mixture, cap) > 0.
double sample_lognormal_mixture_truncated(RandomStream& stream, const LognormalMixture& mixture,
                                          double cap) noexcept;

// ---- Discrete samplers ---------------------------------------------------------------------

// true with probability p: uniform01() < p, one draw (p = 0 never, p = 1 always).
// REQUIRES: 0 <= p <= 1.
bool sample_bernoulli(RandomStream& stream, double p) noexcept;

// The largest Poisson mean accepted: samples stay exact integers in a double.
inline constexpr double poisson_mean_max = 1e12;

// Poisson with the given mean. Below a mean of 10, inversion by sequential search from 0 with
// one uniform01() draw (Devroye 1986, "Non-Uniform Random Variate Generation"); from 10 on,
// Hoermann's transformed rejection with squeeze PTRS (1993, "The transformed rejection method
// for generating Poisson random variables"), two draws per attempt, accepted with probability
// 0.75 at mean 10 rising to 0.89 for large means. Both are exact up to the accuracy of double
// arithmetic. A mean of 0 gives 0 without drawing.
// REQUIRES: 0 <= mean <= poisson_mean_max.
uint64_t sample_poisson(RandomStream& stream, double mean) noexcept;

// The most categories an AliasTable holds (HS chapters: 97; countries: under 256).
inline constexpr size_t categories_max = 256;

// Why a categorical table refused its weights; checked in the order listed. Stable numbers.
enum class CategoricalError : uint8_t {
  ok = 0,
  weights_empty = 1,
  weights_too_many = 2,  // More than categories_max.
  weight_negative = 3,   // A weight < 0, or not finite.
  weights_sum_zero = 4,  // Every weight is 0.
};
const char* categorical_error_name(CategoricalError error) noexcept;

// Draws category i with probability weights[i] / sum(weights), in constant time: Walker's alias
// method, built by Vose's algorithm (1991, "A linear algorithm for generating random numbers
// with a given distribution"). Fixed size (no allocation), so a table is a plain value, about
// 3 KiB; built once from the scenario, then shared read-only by any number of threads.
class AliasTable {
 public:
  AliasTable() = default;  // Empty: build() one before sampling.

  // Builds the table for `weights` (relative; zero weights allowed and never drawn). Returns,
  // in order: weights_empty, weights_too_many, weight_negative, weights_sum_zero. On error
  // *out is unchanged.
  [[nodiscard]] static CategoricalError build(std::span<const double> weights,
                                              AliasTable* out) noexcept;

  // A category in [0, size()): one below(size()) draw and one uniform01() draw.
  // REQUIRES: the table was built.
  uint32_t sample(RandomStream& stream) const noexcept;

  size_t size() const { return size_; }

  // The probability the table gives category i, recomputed from its columns: equals
  // weights[i] / sum(weights) to about 1e-15 (a check of build(), and for reports).
  // REQUIRES: i < size().
  double probability(size_t i) const noexcept;

 private:
  // Column i keeps category i with probability accept_[i], else gives alias_[i].
  std::array<double, categories_max> accept_{};
  std::array<uint16_t, categories_max> alias_{};
  uint16_t size_ = 0;
};

// ---- Correlated defaults: the one-factor Gaussian copula (Vasicek) ---------------------------

// Whether an entity with default probability p defaults in a period: its latent variable
// sqrt(rho) z + sqrt(1 - rho) eps lies below Phi^-1(p). z is the systematic factor shared by
// every entity in the period or corridor (a border closure, a currency crisis), eps the entity's
// own; both are independent standard normal draws (sample_standard_normal()), so each entity
// defaults with probability p and any two with latent correlation rho. p = 0 never defaults,
// p = 1 always does. REQUIRES: 0 <= p <= 1, 0 <= rho <= 1, z and eps finite.
bool copula_defaults(double z_systematic, double eps_idiosyncratic, double rho, double p) noexcept;

// The same test with Phi^-1(p) computed once by the caller (copula_threshold(p)), for loops
// over many entities of one class. REQUIRES: 0 <= rho <= 1, z and eps finite.
bool copula_defaults_below(double z_systematic, double eps_idiosyncratic, double rho,
                           double threshold) noexcept;
// Phi^-1(p), with -inf for p = 0 and +inf for p = 1. REQUIRES: 0 <= p <= 1.
double copula_threshold(double p) noexcept;

// P(default | Z = z) = Phi((Phi^-1(p) - sqrt(rho) z) / sqrt(1 - rho)): the loss fraction of a
// large homogeneous pool given the systematic factor, for conditional-on-Z cross-checks.
// REQUIRES: 0 < p < 1, 0 <= rho < 1, z finite.
double vasicek_conditional_default_probability(double p, double rho, double z) noexcept;

// The alpha-quantile of the default fraction of a large homogeneous pool (Vasicek 2002, "The
// distribution of loan portfolio value"): Phi((Phi^-1(p) + sqrt(rho) Phi^-1(alpha)) /
// sqrt(1 - rho)). Times exposure and loss given default, the pool's VaR at alpha in the limit of
// many small exposures. REQUIRES: 0 < p < 1, 0 <= rho < 1, 0 < alpha < 1.
double vasicek_loss_quantile(double p, double rho, double alpha) noexcept;

// P(default fraction <= x) in the same model: Phi((sqrt(1 - rho) Phi^-1(x) - Phi^-1(p)) /
// sqrt(rho)), the inverse of vasicek_loss_quantile() in alpha.
// REQUIRES: 0 < p < 1, 0 < rho < 1, 0 < x < 1.
double vasicek_loss_cdf(double x, double p, double rho) noexcept;

}  // namespace kervan
