// Output statistics for the simulator: running means and variances, 95 % confidence intervals
// across replications and for paired differences between schemes, exact sample quantiles,
// value-at-risk and expected shortfall of a loss sample, time-weighted averages of a level held
// over simulated time (cover in use), and fixed-bin histograms.
//
// Doubles throughout: these are statistics of the outputs, never balances (money stays in
// integer minor units in the ledger). Every function is deterministic: the same inputs in the
// same order give the same bits; merging per-thread results in replication order keeps that.
// Nothing here throws; only Histogram allocates, once, when it is made.
// docs/simulator_numerics.md gives the formulas and conventions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/assert.h"

namespace kervan {

// Count, mean, variance, minimum and maximum of a stream of values in one pass, by Welford's
// update (1962; numerically stable: no sum of squares). Merges by Chan, Golub and LeVeque's
// pairwise formula (1979), so replications summarised apart combine into the same moments up to
// rounding.
class RunningStats {
 public:
  // REQUIRES: x is finite.
  void add(double x) noexcept;
  // Adds every value `other` has seen, as if add() had been called with each.
  void merge(const RunningStats& other) noexcept;

  uint64_t count() const { return count_; }
  // REQUIRES (mean, min, max): count() >= 1.
  double mean() const noexcept;
  double min() const noexcept;
  double max() const noexcept;
  // The sample variance, with n - 1 in the denominator (unbiased), its square root, and the
  // standard error of the mean sd / sqrt(n). REQUIRES: count() >= 2.
  double variance() const noexcept;
  double standard_deviation() const noexcept;
  double standard_error() const noexcept;

 private:
  uint64_t count_ = 0;
  double mean_ = 0;
  double squared_deviations_ = 0;  // Sum of (x - mean)^2, Welford's M2.
  double min_ = 0;
  double max_ = 0;
};

// The 0.975 quantile of Student's t with df degrees of freedom: the factor of a two-sided 95 %
// confidence interval. Exact (20 digits, rounded to double) for df <= 30 from a table; beyond,
// the Cornish-Fisher expansion in 1/df to the fourth order (Abramowitz and Stegun 26.7.5), whose
// relative error is below 1.3e-8 at df = 31 and falls like df^-5 (7e-16 at df = 1000).
// 12.706 at df = 1, 2.228 at 10, 2.042 at 30, 1.960 in the limit. REQUIRES: df >= 1.
double student_t_975(uint64_t df) noexcept;

// mean +- half_width: a two-sided 95 % confidence interval for the mean of n observations.
struct ConfidenceInterval {
  double mean = 0;
  double half_width = 0;
  uint64_t n = 0;

  double lower() const { return mean - half_width; }
  double upper() const { return mean + half_width; }
  bool contains(double x) const { return lower() <= x && x <= upper(); }
};

// mean +- t_{0.975, n-1} sd / sqrt(n), for independent observations (one per replication).
// With one observation the half width is +infinity: no interval can be given.
// REQUIRES: count() >= 1 (at least one sample).
ConfidenceInterval confidence_interval_95(const RunningStats& stats) noexcept;
ConfidenceInterval confidence_interval_95(std::span<const double> samples) noexcept;

// The interval for the mean of a[i] - b[i]: the paired difference of two schemes run on the
// same replications (common random numbers), whose variance is far below that of two separate
// intervals when the schemes' results are positively correlated.
// REQUIRES: a.size() == b.size() >= 1, all finite.
ConfidenceInterval paired_difference_95(std::span<const double> a,
                                        std::span<const double> b) noexcept;

// The p-quantile of a sample, by linear interpolation between order statistics (Hyndman and
// Fan's type 7: the default of R, NumPy and Excel's PERCENTILE.INC). With the sorted values
// x_0 <= ... <= x_{n-1} and h = (n - 1) p: x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h)).
// p = 0 gives the minimum, p = 1 the maximum, p = 0.5 the usual median.
// REQUIRES: sorted is non-empty, sorted ascending, no NaN; 0 <= p <= 1.
double quantile_sorted(std::span<const double> sorted, double p) noexcept;

// The same quantile of values in any order, by selection instead of a sort (linear time: the
// simulator's transit times are a million values per run). Reorders `values`; equal, bit for
// bit, to quantile_sorted of them sorted. REQUIRES: as quantile_sorted, but in any order.
double quantile_select(std::span<double> values, double p) noexcept;

// Value-at-risk and expected shortfall of a loss sample at level alpha (0.99, 0.999).
// Convention: losses are positive (a gain is a negative loss); both are read off the sample's
// own distribution, without interpolation (unlike quantile_sorted()):
//   VaR_alpha = L_(k), the k-th smallest loss with k = ceil(n alpha) (the smallest loss l with
//               at least a share alpha of the sample at or below l);
//   ES_alpha  = 1/(1 - alpha) times the integral of the sample quantile from alpha to 1
//             = [ sum of L_(k+1) .. L_(n) + (k - n alpha) L_(k) ] / (n (1 - alpha)),
// the mean of the worst n (1 - alpha) losses, with L_(k) counted in part when n (1 - alpha) is
// not whole (Acerbi and Tasche 2002). Always ES >= VaR. n alpha within a relative 1e-12 of an
// integer counts as that integer, so 100 x 0.99 is 99 whatever the rounding of 0.99.
struct TailRisk {
  double value_at_risk = 0;
  double expected_shortfall = 0;
};
// REQUIRES: sorted_losses is non-empty, sorted ascending, finite; 0 < alpha < 1.
TailRisk tail_risk_sorted(std::span<const double> sorted_losses, double alpha) noexcept;

// The time-weighted mean and the peak of a level held over simulated time: guarantee cover in
// use, open movements, a queue. The level is piecewise constant: set(t, v) means v from t until
// the next set(). Time is the simulator's integer clock (any unit; the mean is per that unit).
// restart() begins a new window, e.g. at the end of the warm-up, keeping the current level.
class TimeWeightedAverage {
 public:
  // The window starts at start_time with the level `value`. REQUIRES: value finite.
  TimeWeightedAverage(int64_t start_time, double value) noexcept;

  // The level becomes `value` at `time`. Several set() at one time are allowed: the last one
  // holds. REQUIRES: time >= the time of the previous set() or restart(); value finite.
  void set(int64_t time, double value) noexcept;
  // A new window from `time`: integral and peak forgotten, current level kept.
  // REQUIRES: time >= the previous set() or restart().
  void restart(int64_t time) noexcept;

  // The integral of the level over [window start, end_time), and that divided by the window's
  // length. REQUIRES: end_time >= the last set() or restart(); for mean(), end_time > start.
  double integral(int64_t end_time) const noexcept;
  double mean(int64_t end_time) const noexcept;
  // The highest level set in the window (its starting level included), even one replaced at the
  // same instant: a limit on cover must hold at every event, not only between events.
  double peak() const { return peak_; }
  double current() const { return value_; }
  int64_t start_time() const { return start_time_; }

 private:
  int64_t start_time_;
  int64_t last_time_;
  double value_;
  double integral_ = 0;  // Over [start_time_, last_time_).
  double peak_;
};

// The most bins a Histogram takes.
inline constexpr size_t histogram_bins_max = size_t{1} << 20;

// Weighted counts in equal-width bins over [low, high): bin i holds [low + i w, low + (i + 1) w)
// with w = (high - low) / bins; values below low and at or above high go to the underflow and
// overflow counts. Weights let one histogram hold a time-weighted distribution (weight = time
// the level was held), for a p99 of cover in use. Allocates its bins once, in the constructor.
class Histogram {
 public:
  // REQUIRES: low < high, both finite; 1 <= bins <= histogram_bins_max.
  Histogram(double low, double high, size_t bins);

  // REQUIRES: x is not NaN; weight >= 0 and finite.
  void add(double x, double weight = 1) noexcept;
  // Adds other's counts. REQUIRES: same low, high and bins.
  void merge(const Histogram& other) noexcept;

  size_t bins() const { return weights_.size(); }
  // Bin edges: bin_low(i + 1) == bin_high(i) exactly. REQUIRES: i < bins().
  double bin_low(size_t i) const noexcept;
  double bin_high(size_t i) const noexcept;
  double bin_weight(size_t i) const noexcept;
  double underflow() const { return underflow_; }
  double overflow() const { return overflow_; }
  // All weight added, underflow and overflow included.
  double total_weight() const { return total_; }

  // The p-quantile of the binned distribution, interpolating linearly inside the bin where the
  // cumulative weight reaches p x total (accurate to one bin width). -infinity or +infinity
  // when it falls in the underflow or overflow: widen the range.
  // REQUIRES: total_weight() > 0; 0 <= p <= 1.
  double quantile(double p) const noexcept;

 private:
  double low_;
  double high_;
  std::vector<double> weights_;
  double underflow_ = 0;
  double overflow_ = 0;
  double total_ = 0;
};

}  // namespace kervan
