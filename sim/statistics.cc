#include "sim/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kervan {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// t_{0.975, df} for df = 1..30, from 20-digit values (mpmath: the root of the t CDF written as a
// regularized incomplete beta function), rounded to double.
constexpr double t_975_table[] = {
    12.706204736174704646, 4.3026527297494638523, 3.1824463052837095927, 2.7764451051977943578,
    2.5705818356363155147, 2.4469118511449699711, 2.3646242515927853417, 2.3060041352041666833,
    2.2621571627982055426, 2.2281388519862747484, 2.2009851600916398679, 2.1788128296672288663,
    2.1603686564627925015, 2.1447866879178038287, 2.1314495455597756821, 2.1199052992212546745,
    2.1098155778333170859, 2.1009220402410384881, 2.0930240544083097692, 2.0859634472658648427,
    2.0796138447276803951, 2.0738730679040261658, 2.0686576104190486515, 2.0638985616280258492,
    2.0595385527532977489, 2.0555294386428732135, 2.0518305164802855562, 2.0484071417952451599,
    2.0452296421327042982, 2.0422724563012383100,
};
constexpr uint64_t t_975_table_df_max = std::size(t_975_table);
constexpr double z_975 = 1.9599639845400542355;  // Phi^-1(0.975).

// n alpha this close (relatively) to an integer is that integer (docs in the header).
constexpr double tail_index_tolerance = 1e-12;

bool is_sorted_without_nan(std::span<const double> values) {
  for (const double x : values) {
    if (std::isnan(x)) return false;
  }
  return std::is_sorted(values.begin(), values.end());
}

ConfidenceInterval interval_from(double mean, double sd, uint64_t n) {
  KERVAN_ASSERT(n >= 1);
  if (n == 1) return ConfidenceInterval{.mean = mean, .half_width = infinity, .n = 1};
  const double half_width = student_t_975(n - 1) * sd / std::sqrt(static_cast<double>(n));
  return ConfidenceInterval{.mean = mean, .half_width = half_width, .n = n};
}

// Type 7's order statistics for a sample of n: x_index + fraction (x_index+1 - x_index), or
// x_index alone when index is the last.
struct QuantilePosition {
  size_t index = 0;
  double fraction = 0;
};

QuantilePosition quantile_position(size_t n, double p) {
  const double h = static_cast<double>(n - 1) * p;
  const double floor_h = std::floor(h);
  return {.index = std::min(static_cast<size_t>(floor_h), n - 1), .fraction = h - floor_h};
}

}  // namespace

void RunningStats::add(double x) noexcept {
  KERVAN_ASSERT(std::isfinite(x));
  ++count_;
  if (count_ == 1) {
    min_ = x;
    max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  squared_deviations_ += delta * (x - mean_);
}

void RunningStats::merge(const RunningStats& other) noexcept {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(count_);
  const double n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  const double delta = other.mean_ - mean_;
  mean_ += delta * (n_b / n);
  squared_deviations_ += other.squared_deviations_ + delta * delta * (n_a * n_b / n);
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double RunningStats::mean() const noexcept {
  KERVAN_ASSERT(count_ >= 1);
  return mean_;
}

double RunningStats::min() const noexcept {
  KERVAN_ASSERT(count_ >= 1);
  return min_;
}

double RunningStats::max() const noexcept {
  KERVAN_ASSERT(count_ >= 1);
  return max_;
}

double RunningStats::variance() const noexcept {
  KERVAN_ASSERT(count_ >= 2);
  return squared_deviations_ / static_cast<double>(count_ - 1);
}

double RunningStats::standard_deviation() const noexcept {
  return std::sqrt(variance());
}

double RunningStats::standard_error() const noexcept {
  return standard_deviation() / std::sqrt(static_cast<double>(count_));
}

double student_t_975(uint64_t df) noexcept {
  KERVAN_ASSERT(df >= 1);
  if (df <= t_975_table_df_max) return t_975_table[df - 1];
  // Cornish-Fisher: t = z + g1/v + g2/v^2 + g3/v^3 + g4/v^4 (Abramowitz and Stegun 26.7.5).
  const double z = z_975;
  const double z2 = z * z;
  const double g1 = z * (z2 + 1) / 4;
  const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
  const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const double g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  const double inverse = 1 / static_cast<double>(df);
  return z + inverse * (g1 + inverse * (g2 + inverse * (g3 + inverse * g4)));
}

ConfidenceInterval confidence_interval_95(const RunningStats& stats) noexcept {
  KERVAN_ASSERT(stats.count() >= 1);
  if (stats.count() == 1) return interval_from(stats.mean(), 0, 1);
  return interval_from(stats.mean(), stats.standard_deviation(), stats.count());
}

ConfidenceInterval confidence_interval_95(std::span<const double> samples) noexcept {
  RunningStats stats;
  for (const double x : samples) stats.add(x);
  return confidence_interval_95(stats);
}

ConfidenceInterval paired_difference_95(std::span<const double> a,
                                        std::span<const double> b) noexcept {
  KERVAN_ASSERT(a.size() == b.size());
  KERVAN_ASSERT(!a.empty());
  RunningStats differences;
  for (size_t i = 0; i < a.size(); ++i) differences.add(a[i] - b[i]);
  return confidence_interval_95(differences);
}

double quantile_sorted(std::span<const double> sorted, double p) noexcept {
  KERVAN_ASSERT(!sorted.empty());
  KERVAN_ASSERT(p >= 0 && p <= 1);
  KERVAN_ASSERT(is_sorted_without_nan(sorted));
  const QuantilePosition q = quantile_position(sorted.size(), p);
  if (q.index + 1 >= sorted.size()) return sorted.back();
  return sorted[q.index] + q.fraction * (sorted[q.index + 1] - sorted[q.index]);
}

double quantile_select(std::span<double> values, double p) noexcept {
  KERVAN_ASSERT(!values.empty());
  KERVAN_ASSERT(p >= 0 && p <= 1);
  KERVAN_ASSERT(std::none_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }));
  const QuantilePosition q = quantile_position(values.size(), p);
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(q.index);
  std::nth_element(values.begin(), at, values.end());
  if (q.index + 1 >= values.size()) return *at;
  // Everything after the index-th smallest is at least it; the next one is their minimum.
  const double next = *std::min_element(at + 1, values.end());
  return *at + q.fraction * (next - *at);
}

TailRisk tail_risk_sorted(std::span<const double> sorted_losses, double alpha) noexcept {
  KERVAN_ASSERT(!sorted_losses.empty());
  KERVAN_ASSERT(alpha > 0 && alpha < 1);
  KERVAN_ASSERT(is_sorted_without_nan(sorted_losses));
  KERVAN_ASSERT(std::isfinite(sorted_losses.front()) && std::isfinite(sorted_losses.back()));
  const size_t n = sorted_losses.size();
  const double n_alpha = static_cast<double>(n) * alpha;
  const double k_real = std::ceil(n_alpha * (1 - tail_index_tolerance));
  const size_t k = std::clamp(static_cast<size_t>(k_real), size_t{1}, n);  // 1-based.
  const double value_at_risk = sorted_losses[k - 1];
  double beyond = 0;
  for (size_t i = k; i < n; ++i) beyond += sorted_losses[i];
  const double part_of_kth = std::max(0.0, static_cast<double>(k) - n_alpha);
  const double expected_shortfall =
      (beyond + part_of_kth * value_at_risk) / (static_cast<double>(n) * (1 - alpha));
  // ES averages losses at or above VaR; rounding must not put it below.
  return TailRisk{.value_at_risk = value_at_risk,
                  .expected_shortfall = std::max(expected_shortfall, value_at_risk)};
}

TimeWeightedAverage::TimeWeightedAverage(int64_t start_time, double value) noexcept
    : start_time_(start_time), last_time_(start_time), value_(value), peak_(value) {
  KERVAN_ASSERT(std::isfinite(value));
}

void TimeWeightedAverage::set(int64_t time, double value) noexcept {
  KERVAN_ASSERT(time >= last_time_);
  KERVAN_ASSERT(std::isfinite(value));
  integral_ += value_ * static_cast<double>(time - last_time_);
  last_time_ = time;
  value_ = value;
  peak_ = std::max(peak_, value);
}

void TimeWeightedAverage::restart(int64_t time) noexcept {
  KERVAN_ASSERT(time >= last_time_);
  start_time_ = time;
  last_time_ = time;
  integral_ = 0;
  peak_ = value_;
}

double TimeWeightedAverage::integral(int64_t end_time) const noexcept {
  KERVAN_ASSERT(end_time >= last_time_);
  return integral_ + value_ * static_cast<double>(end_time - last_time_);
}

double TimeWeightedAverage::mean(int64_t end_time) const noexcept {
  KERVAN_ASSERT(end_time > start_time_);
  return integral(end_time) / static_cast<double>(end_time - start_time_);
}

Histogram::Histogram(double low, double high, size_t bins) : low_(low), high_(high) {
  KERVAN_ASSERT(std::isfinite(low) && std::isfinite(high) && low < high);
  KERVAN_ASSERT(bins >= 1 && bins <= histogram_bins_max);
  KERVAN_ASSERT(std::isfinite(high - low));
  weights_.assign(bins, 0.0);
}

double Histogram::bin_low(size_t i) const noexcept {
  KERVAN_ASSERT(i < bins());
  if (i == 0) return low_;
  return low_ + (high_ - low_) * (static_cast<double>(i) / static_cast<double>(bins()));
}

double Histogram::bin_high(size_t i) const noexcept {
  KERVAN_ASSERT(i < bins());
  return i + 1 == bins() ? high_ : bin_low(i + 1);
}

double Histogram::bin_weight(size_t i) const noexcept {
  KERVAN_ASSERT(i < bins());
  return weights_[i];
}

void Histogram::add(double x, double weight) noexcept {
  KERVAN_ASSERT(!std::isnan(x));
  KERVAN_ASSERT(std::isfinite(weight) && weight >= 0);
  total_ += weight;
  if (x < low_) {
    underflow_ += weight;
    return;
  }
  if (x >= high_) {
    overflow_ += weight;
    return;
  }
  const double position = (x - low_) / (high_ - low_) * static_cast<double>(bins());
  size_t i = std::min(static_cast<size_t>(position), bins() - 1);
  // The division may round across an edge: one step puts x in the bin whose edges hold it.
  if (x < bin_low(i)) {
    --i;
  } else if (x >= bin_high(i)) {
    ++i;
  }
  KERVAN_ASSERT(bin_low(i) <= x && x < bin_high(i));
  weights_[i] += weight;
}

void Histogram::merge(const Histogram& other) noexcept {
  KERVAN_ASSERT(low_ == other.low_ && high_ == other.high_ && bins() == other.bins());
  for (size_t i = 0; i < bins(); ++i) weights_[i] += other.weights_[i];
  underflow_ += other.underflow_;
  overflow_ += other.overflow_;
  total_ += other.total_;
}

double Histogram::quantile(double p) const noexcept {
  KERVAN_ASSERT(total_ > 0);
  KERVAN_ASSERT(p >= 0 && p <= 1);
  const double target = p * total_;
  if (underflow_ > 0 && target <= underflow_) return -infinity;
  double cumulative = underflow_;
  size_t last_filled = bins();
  for (size_t i = 0; i < bins(); ++i) {
    const double weight = weights_[i];
    if (weight == 0) continue;
    last_filled = i;
    if (cumulative + weight >= target) {
      const double fraction = std::clamp((target - cumulative) / weight, 0.0, 1.0);
      return bin_low(i) + fraction * (bin_high(i) - bin_low(i));
    }
    cumulative += weight;
  }
  // Past every bin: in the overflow, or (rounding of the sums) at the top of the last bin.
  if (overflow_ > 0 || last_filled == bins()) return infinity;
  return bin_high(last_filled);
}

}  // namespace kervan
