#include "sim/distributions.h"

#include <cmath>
#include <limits>

namespace kervan {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double sqrt_2pi = 2.50662827463100050242;      // sqrt(2 pi)
constexpr double sqrt1_2 = 0.70710678118654752440;       // 1 / sqrt(2)
constexpr double half_log_2pi = 0.91893853320467274178;  // log(2 pi) / 2
constexpr double z95 = 1.64485362695147271;              // Phi^-1(0.95)

// Rejection loops: each attempt is accepted with probability at least 0.78 (polar), 0.95
// (gamma, shape >= 1) or 0.75 (PTRS), so these bounds fail only for a broken generator.
constexpr int polar_attempts_max = 256;
constexpr int gamma_attempts_max = 256;
constexpr int ptrs_attempts_max = 256;
// Poisson inversion below mean 10: P(X > 200) < 1e-150. Reached only when rounding leaves the
// cumulative sum just below a u within 1e-16 of 1; the sample is then 200.
constexpr double poisson_inversion_mean_max = 10;
constexpr uint64_t poisson_inversion_count_max = 200;

bool is_finite(double x) {
  return std::isfinite(x);
}

void assert_lognormal(const Lognormal& lognormal) {
  KERVAN_ASSERT(is_finite(lognormal.mu));
  KERVAN_ASSERT(is_finite(lognormal.sigma) && lognormal.sigma >= 0);
}

void assert_mixture(const LognormalMixture& mixture) {
  assert_lognormal(mixture.body);
  assert_lognormal(mixture.tail);
  KERVAN_ASSERT(mixture.tail_weight >= 0 && mixture.tail_weight <= 1);
}

// Acklam's approximation of Phi^-1(p) for 0 < p <= 0.5 (relative error below 1.15e-9).
double acklam_lower_half(double p) {
  constexpr double p_low = 0.02425;
  if (p < p_low) {
    constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                            -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                            3.754408661907416e+00};
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01, -1.328068155288572e+01};
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Phi^-1(p) for 0 < p <= 0.5: Acklam, then one Halley step on f(x) = Phi(x) - p, whose
// relative error Phi(x) has in full in the lower half (erfc of a positive argument).
double quantile_lower_half(double p) {
  double x = acklam_lower_half(p);
  const double error = normal_cdf(x) - p;
  const double step = error * sqrt_2pi * std::exp(0.5 * x * x);
  // For p below about 1e-308 (subnormal) exp() overflows: Acklam's 1e-9 stands alone there.
  if (is_finite(step)) x -= step / (1 + 0.5 * x * step);
  return x;
}

// Marsaglia and Tsang's method for Gamma(shape, 1), shape >= 1.
double gamma_shape_at_least_one(RandomStream& stream, double shape) {
  const double d = shape - 1.0 / 3;
  const double c = 1 / std::sqrt(9 * d);
  for (int attempt = 0; attempt < gamma_attempts_max; ++attempt) {
    const double x = sample_standard_normal(stream);
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = stream.uniform01_open();
    const double x_squared = x * x;
    if (u < 1 - 0.0331 * x_squared * x_squared) return d * v;  // The squeeze.
    if (std::log(u) < 0.5 * x_squared + d * (1 - v + std::log(v))) return d * v;
  }
  KERVAN_UNREACHABLE();
}

// log(k!) for an integer k >= 0 held in a double: exact factorials to 20! (each exactly
// representable), Stirling's series with four correction terms beyond (error below 1e-15).
double log_factorial(double k) {
  constexpr double factorials[] = {1.0,
                                   1.0,
                                   2.0,
                                   6.0,
                                   24.0,
                                   120.0,
                                   720.0,
                                   5040.0,
                                   40320.0,
                                   362880.0,
                                   3628800.0,
                                   39916800.0,
                                   479001600.0,
                                   6227020800.0,
                                   87178291200.0,
                                   1307674368000.0,
                                   20922789888000.0,
                                   355687428096000.0,
                                   6402373705728000.0,
                                   121645100408832000.0,
                                   2432902008176640000.0};
  if (k < static_cast<double>(std::size(factorials))) {
    return std::log(factorials[static_cast<size_t>(k)]);
  }
  const double n = k + 1;  // log(k!) = log Gamma(n).
  const double inverse = 1 / n;
  const double inverse_squared = inverse * inverse;
  const double series =
      inverse *
      (1.0 / 12 -
       inverse_squared * (1.0 / 360 - inverse_squared * (1.0 / 1260 - inverse_squared / 1680)));
  return (n - 0.5) * std::log(n) - n + half_log_2pi + series;
}

uint64_t poisson_by_inversion(RandomStream& stream, double mean) {
  const double u = stream.uniform01();
  double probability = std::exp(-mean);
  double cumulative = probability;
  uint64_t count = 0;
  while (u >= cumulative && count < poisson_inversion_count_max) {
    ++count;
    probability *= mean / static_cast<double>(count);
    cumulative += probability;
  }
  return count;
}

// PTRS, as published (Hoermann 1993, algorithm PTRS, with its constants).
uint64_t poisson_by_ptrs(RandomStream& stream, double mean) {
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inverse_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2);
  for (int attempt = 0; attempt < ptrs_attempts_max; ++attempt) {
    const double u = stream.uniform01() - 0.5;
    const double v = stream.uniform01_open();
    const double u_s = 0.5 - std::fabs(u);
    // u_s = 0 (u = -0.5) makes k -inf, which the k < 0 test below rejects.
    const double k = std::floor((2 * a / u_s + b) * u + mean + 0.43);
    if (u_s >= 0.07 && v <= v_r) return static_cast<uint64_t>(k);
    if (k < 0 || (u_s < 0.013 && v > u_s)) continue;
    const double log_left = std::log(v * inverse_alpha / (a / (u_s * u_s) + b));
    const double log_right = -mean + k * log_mean - log_factorial(k);
    if (log_left <= log_right) return static_cast<uint64_t>(k);
  }
  KERVAN_UNREACHABLE();
}

// A sample of the lognormal conditioned on X <= cap, given F(cap) > 0.
double lognormal_truncated_from(const Lognormal& lognormal, double cap_cdf, double u) {
  if (lognormal.sigma == 0) return std::exp(lognormal.mu);
  const double p = u * cap_cdf;
  KERVAN_ASSERT(p > 0 && p < 1);
  return std::exp(lognormal.mu + lognormal.sigma * normal_quantile(p));
}

}  // namespace

double normal_cdf(double x) noexcept {
  KERVAN_ASSERT(!std::isnan(x));
  return 0.5 * std::erfc(-x * sqrt1_2);
}

double normal_quantile(double p) noexcept {
  KERVAN_ASSERT(p > 0 && p < 1);
  if (p <= 0.5) return quantile_lower_half(p);
  // 1 - p is exact for p in [0.5, 1] (Sterbenz), so the upper half mirrors the lower one.
  return -quantile_lower_half(1 - p);
}

double sample_exponential(RandomStream& stream, double rate) noexcept {
  KERVAN_ASSERT(is_finite(rate) && rate > 0);
  return -std::log(stream.uniform01_open()) / rate;
}

double sample_standard_normal(RandomStream& stream) noexcept {
  for (int attempt = 0; attempt < polar_attempts_max; ++attempt) {
    // 2u - 1 is exact: a multiple of 2^-52 in [-1, 1).
    const double x = 2 * stream.uniform01() - 1;
    const double y = 2 * stream.uniform01() - 1;
    const double s = x * x + y * y;
    if (s > 0 && s < 1) return x * std::sqrt(-2 * std::log(s) / s);
  }
  KERVAN_UNREACHABLE();
}

double sample_normal(RandomStream& stream, double mean, double sd) noexcept {
  KERVAN_ASSERT(is_finite(mean));
  KERVAN_ASSERT(is_finite(sd) && sd >= 0);
  return mean + sd * sample_standard_normal(stream);
}

double sample_gamma(RandomStream& stream, double shape, double scale) noexcept {
  KERVAN_ASSERT(is_finite(shape) && shape > 0);
  KERVAN_ASSERT(is_finite(scale) && scale > 0);
  if (shape >= 1) return scale * gamma_shape_at_least_one(stream, shape);
  // Gamma(k) = Gamma(k + 1) U^(1/k) (Marsaglia and Tsang, section 6).
  const double boosted = gamma_shape_at_least_one(stream, shape + 1);
  return scale * boosted * std::exp(std::log(stream.uniform01_open()) / shape);
}

const char* fit_error_name(FitError error) noexcept {
  switch (error) {
    case FitError::ok:
      return "ok";
    case FitError::mean_not_positive:
      return "mean_not_positive";
    case FitError::median_not_positive:
      return "median_not_positive";
    case FitError::sigma_negative:
      return "sigma_negative";
    case FitError::quantile_not_above_mean:
      return "quantile_not_above_mean";
    case FitError::quantile_too_far_above_mean:
      return "quantile_too_far_above_mean";
    case FitError::weight_out_of_range:
      return "weight_out_of_range";
    case FitError::tail_too_heavy_for_mean:
      return "tail_too_heavy_for_mean";
  }
  return "unknown";
}

FitError fit_lognormal_mean_p95(double mean, double p95, Lognormal* out) noexcept {
  if (!is_finite(mean) || mean <= 0) return FitError::mean_not_positive;
  if (!is_finite(p95) || p95 <= mean) return FitError::quantile_not_above_mean;
  // sigma^2 / 2 - z sigma + d = 0 with d = log(p95 / mean) > 0: real roots iff z^2 >= 2d.
  const double d = std::log(p95 / mean);
  const double discriminant = z95 * z95 - 2 * d;
  if (discriminant < 0) return FitError::quantile_too_far_above_mean;
  // The smaller root z - sqrt(z^2 - 2d), written as 2d / (z + sqrt(z^2 - 2d)) so that it keeps
  // full precision when d is small.
  const double sigma = 2 * d / (z95 + std::sqrt(discriminant));
  *out = Lognormal{.mu = std::log(mean) - 0.5 * sigma * sigma, .sigma = sigma};
  return FitError::ok;
}

FitError fit_lognormal_median_sigma(double median, double sigma_log, Lognormal* out) noexcept {
  if (!is_finite(median) || median <= 0) return FitError::median_not_positive;
  if (!is_finite(sigma_log) || sigma_log < 0) return FitError::sigma_negative;
  *out = Lognormal{.mu = std::log(median), .sigma = sigma_log};
  return FitError::ok;
}

FitError fit_lognormal_mean_sigma(double mean, double sigma_log, Lognormal* out) noexcept {
  if (!is_finite(mean) || mean <= 0) return FitError::mean_not_positive;
  if (!is_finite(sigma_log) || sigma_log < 0) return FitError::sigma_negative;
  *out = Lognormal{.mu = std::log(mean) - 0.5 * sigma_log * sigma_log, .sigma = sigma_log};
  return FitError::ok;
}

FitError fit_lognormal_mixture(double mean, double body_sigma_log, double tail_weight,
                               double tail_median, double tail_sigma_log,
                               LognormalMixture* out) noexcept {
  if (!is_finite(mean) || mean <= 0) return FitError::mean_not_positive;
  if (!is_finite(body_sigma_log) || body_sigma_log < 0) return FitError::sigma_negative;
  if (!is_finite(tail_sigma_log) || tail_sigma_log < 0) return FitError::sigma_negative;
  if (!is_finite(tail_weight) || tail_weight < 0 || tail_weight >= 1) {
    return FitError::weight_out_of_range;
  }
  if (!is_finite(tail_median) || tail_median <= 0) return FitError::median_not_positive;
  const Lognormal tail{.mu = std::log(tail_median), .sigma = tail_sigma_log};
  const double tail_share = tail_weight * lognormal_mean(tail);
  if (!(tail_share < mean)) return FitError::tail_too_heavy_for_mean;
  Lognormal body;
  const FitError body_error =
      fit_lognormal_mean_sigma((mean - tail_share) / (1 - tail_weight), body_sigma_log, &body);
  KERVAN_ASSERT(body_error == FitError::ok);  // Its mean is positive, its sigma checked.
  *out = LognormalMixture{.body = body, .tail = tail, .tail_weight = tail_weight};
  return FitError::ok;
}

double lognormal_mean(const Lognormal& lognormal) noexcept {
  assert_lognormal(lognormal);
  return std::exp(lognormal.mu + 0.5 * lognormal.sigma * lognormal.sigma);
}

double lognormal_mean(const LognormalMixture& mixture) noexcept {
  assert_mixture(mixture);
  return (1 - mixture.tail_weight) * lognormal_mean(mixture.body) +
         mixture.tail_weight * lognormal_mean(mixture.tail);
}

double lognormal_cdf(const Lognormal& lognormal, double x) noexcept {
  assert_lognormal(lognormal);
  KERVAN_ASSERT(!std::isnan(x));
  if (x <= 0) return 0;
  const double log_x = std::log(x);
  if (lognormal.sigma == 0) return log_x < lognormal.mu ? 0 : 1;
  return normal_cdf((log_x - lognormal.mu) / lognormal.sigma);
}

double lognormal_cdf(const LognormalMixture& mixture, double x) noexcept {
  assert_mixture(mixture);
  return (1 - mixture.tail_weight) * lognormal_cdf(mixture.body, x) +
         mixture.tail_weight * lognormal_cdf(mixture.tail, x);
}

double lognormal_quantile(const Lognormal& lognormal, double p) noexcept {
  assert_lognormal(lognormal);
  return std::exp(lognormal.mu + lognormal.sigma * normal_quantile(p));
}

double sample_lognormal(RandomStream& stream, const Lognormal& lognormal) noexcept {
  assert_lognormal(lognormal);
  return std::exp(lognormal.mu + lognormal.sigma * sample_standard_normal(stream));
}

double sample_lognormal_truncated(RandomStream& stream, const Lognormal& lognormal,
                                  double cap) noexcept {
  KERVAN_ASSERT(cap > 0);
  const double cap_cdf = lognormal_cdf(lognormal, cap);
  KERVAN_ASSERT(cap_cdf > 0);
  return lognormal_truncated_from(lognormal, cap_cdf, stream.uniform01_open());
}

double sample_lognormal_mixture(RandomStream& stream, const LognormalMixture& mixture) noexcept {
  assert_mixture(mixture);
  const bool tail = stream.uniform01() < mixture.tail_weight;
  return sample_lognormal(stream, tail ? mixture.tail : mixture.body);
}

double sample_lognormal_mixture_truncated(RandomStream& stream, const LognormalMixture& mixture,
                                          double cap) noexcept {
  assert_mixture(mixture);
  KERVAN_ASSERT(cap > 0);
  const double body_mass = (1 - mixture.tail_weight) * lognormal_cdf(mixture.body, cap);
  const double tail_mass = mixture.tail_weight * lognormal_cdf(mixture.tail, cap);
  KERVAN_ASSERT(body_mass + tail_mass > 0);
  const bool tail = stream.uniform01() * (body_mass + tail_mass) < tail_mass;
  const Lognormal& component = tail ? mixture.tail : mixture.body;
  return lognormal_truncated_from(component, lognormal_cdf(component, cap),
                                  stream.uniform01_open());
}

bool sample_bernoulli(RandomStream& stream, double p) noexcept {
  KERVAN_ASSERT(p >= 0 && p <= 1);
  return stream.uniform01() < p;
}

uint64_t sample_poisson(RandomStream& stream, double mean) noexcept {
  KERVAN_ASSERT(mean >= 0 && mean <= poisson_mean_max);
  if (mean == 0) return 0;
  if (mean < poisson_inversion_mean_max) return poisson_by_inversion(stream, mean);
  return poisson_by_ptrs(stream, mean);
}

const char* categorical_error_name(CategoricalError error) noexcept {
  switch (error) {
    case CategoricalError::ok:
      return "ok";
    case CategoricalError::weights_empty:
      return "weights_empty";
    case CategoricalError::weights_too_many:
      return "weights_too_many";
    case CategoricalError::weight_negative:
      return "weight_negative";
    case CategoricalError::weights_sum_zero:
      return "weights_sum_zero";
  }
  return "unknown";
}

CategoricalError AliasTable::build(std::span<const double> weights, AliasTable* out) noexcept {
  if (weights.empty()) return CategoricalError::weights_empty;
  if (weights.size() > categories_max) return CategoricalError::weights_too_many;
  double total = 0;
  for (const double weight : weights) {
    if (!is_finite(weight) || weight < 0) return CategoricalError::weight_negative;
    total += weight;
  }
  if (total == 0) return CategoricalError::weights_sum_zero;
  KERVAN_ASSERT(is_finite(total));  // At most 256 finite weights: overflow needs ~1e306 each.

  // Vose: scale to mean 1, then pair each column under 1 with one over 1 that tops it up.
  const size_t n = weights.size();
  std::array<double, categories_max> scaled{};
  std::array<uint16_t, categories_max> small{};
  std::array<uint16_t, categories_max> large{};
  size_t small_count = 0;
  size_t large_count = 0;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    if (scaled[i] < 1) {
      small[small_count++] = static_cast<uint16_t>(i);
    } else {
      large[large_count++] = static_cast<uint16_t>(i);
    }
  }
  AliasTable table;
  table.size_ = static_cast<uint16_t>(n);
  while (small_count > 0 && large_count > 0) {
    const uint16_t s = small[--small_count];
    const uint16_t l = large[--large_count];
    table.accept_[s] = scaled[s];
    table.alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1;  // Vose's order of operations: less rounding.
    if (scaled[l] < 1) {
      small[small_count++] = l;
    } else {
      large[large_count++] = l;
    }
  }
  // Whatever remains is 1 up to rounding: such a column always keeps its own category.
  for (size_t i = 0; i < large_count; ++i) {
    table.accept_[large[i]] = 1;
    table.alias_[large[i]] = large[i];
  }
  for (size_t i = 0; i < small_count; ++i) {
    table.accept_[small[i]] = 1;
    table.alias_[small[i]] = small[i];
  }
  *out = table;
  return CategoricalError::ok;
}

uint32_t AliasTable::sample(RandomStream& stream) const noexcept {
  KERVAN_ASSERT(size_ > 0);
  const size_t column = static_cast<size_t>(stream.below(size_));
  const bool keep = stream.uniform01() < accept_[column];
  return keep ? static_cast<uint32_t>(column) : alias_[column];
}

double AliasTable::probability(size_t i) const noexcept {
  KERVAN_ASSERT(i < size_);
  double columns = accept_[i];
  for (size_t j = 0; j < size_; ++j) {
    if (j != i && alias_[j] == i) columns += 1 - accept_[j];
  }
  return columns / size_;
}

bool copula_defaults(double z_systematic, double eps_idiosyncratic, double rho, double p) noexcept {
  return copula_defaults_below(z_systematic, eps_idiosyncratic, rho, copula_threshold(p));
}

bool copula_defaults_below(double z_systematic, double eps_idiosyncratic, double rho,
                           double threshold) noexcept {
  KERVAN_ASSERT(rho >= 0 && rho <= 1);
  KERVAN_ASSERT(is_finite(z_systematic) && is_finite(eps_idiosyncratic));
  KERVAN_ASSERT(!std::isnan(threshold));
  const double latent = std::sqrt(rho) * z_systematic + std::sqrt(1 - rho) * eps_idiosyncratic;
  return latent < threshold;
}

double copula_threshold(double p) noexcept {
  KERVAN_ASSERT(p >= 0 && p <= 1);
  if (p == 0) return -infinity;
  if (p == 1) return infinity;
  return normal_quantile(p);
}

double vasicek_conditional_default_probability(double p, double rho, double z) noexcept {
  KERVAN_ASSERT(p > 0 && p < 1);
  KERVAN_ASSERT(rho >= 0 && rho < 1);
  KERVAN_ASSERT(is_finite(z));
  return normal_cdf((normal_quantile(p) - std::sqrt(rho) * z) / std::sqrt(1 - rho));
}

double vasicek_loss_quantile(double p, double rho, double alpha) noexcept {
  KERVAN_ASSERT(p > 0 && p < 1);
  KERVAN_ASSERT(rho >= 0 && rho < 1);
  KERVAN_ASSERT(alpha > 0 && alpha < 1);
  return normal_cdf((normal_quantile(p) + std::sqrt(rho) * normal_quantile(alpha)) /
                    std::sqrt(1 - rho));
}

double vasicek_loss_cdf(double x, double p, double rho) noexcept {
  KERVAN_ASSERT(p > 0 && p < 1);
  KERVAN_ASSERT(rho > 0 && rho < 1);
  KERVAN_ASSERT(x > 0 && x < 1);
  return normal_cdf((std::sqrt(1 - rho) * normal_quantile(x) - normal_quantile(p)) /
                    std::sqrt(rho));
}

}  // namespace kervan
