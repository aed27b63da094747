// A level held over simulated time (cover in use, in EUR) and what the simulator reports of it
// over a window [from, to): its integral, its mean per day, its peak, and its value at each hour
// mark (for percentiles). The level is piecewise constant: set(t, v) holds v from t on. Times
// are the simulator's seconds and never go back.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/scenario.h"

namespace kervan {

class LevelTracker {
 public:
  LevelTracker(int64_t window_from, int64_t window_to)
      : from_(window_from), to_(window_to),
        daily_(static_cast<size_t>((window_to - window_from + sim_day_s - 1) / sim_day_s), 0.0) {
    hourly_.reserve(static_cast<size_t>((window_to - window_from) / sim_hour_s + 1));
  }

  void set(int64_t t, double level) {
    advance(t);
    level_ = level;
    if (t >= from_ && t < to_) peak_ = std::max(peak_, level_);
  }
  void finish() { advance(to_); }

  double level() const { return level_; }
  double mean() const { return integral_ / double(to_ - from_); }
  double peak() const { return peak_; }
  std::vector<double>& hourly() { return hourly_; }
  std::vector<double> daily_means() const {
    std::vector<double> out = daily_;
    for (double& d : out) d /= double(sim_day_s);
    return out;
  }

 private:
  // Accumulates the current level from the last change to t (clipped to the window).
  void advance(int64_t t) {
    if (t <= last_) return;
    const int64_t a = std::max(last_, from_);
    const int64_t b = std::min(t, to_);
    if (a < b) {
      integral_ += level_ * double(b - a);
      for (int64_t day_start = from_ + (a - from_) / sim_day_s * sim_day_s; day_start < b;
           day_start += sim_day_s) {
        const int64_t x = std::max(a, day_start);
        const int64_t y = std::min(b, day_start + sim_day_s);
        daily_[static_cast<size_t>((day_start - from_) / sim_day_s)] += level_ * double(y - x);
      }
      // Hour marks in [a, b): the level held there.
      int64_t mark = from_ + (a - from_ + sim_hour_s - 1) / sim_hour_s * sim_hour_s;
      for (; mark < b; mark += sim_hour_s) hourly_.push_back(level_);
    }
    if (last_ < from_ && t >= from_ && peak_ < level_) peak_ = level_;
    last_ = t;
  }

  int64_t from_, to_;
  int64_t last_ = 0;
  double level_ = 0;
  double integral_ = 0;
  double peak_ = 0;
  std::vector<double> daily_;
  std::vector<double> hourly_;
};

}  // namespace kervan
