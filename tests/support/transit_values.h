// Small values the transit tests write everywhere: a day in nanoseconds, euros in cents, a
// calendar date, and the business time of a date's midnight.
#pragma once

#include <cstdint>
#include <optional>

#include "core/amount.h"
#include "core/assert.h"
#include "core/time.h"

namespace kervan {

inline constexpr uint64_t day_ns = 86'400ull * 1'000'000'000ull;

inline Amount eur(i128 minor) { return Amount::from_minor(minor, Currency::eur); }

inline Date date(int32_t y, uint32_t m, uint32_t d) {
  const std::optional<Date> out = Date::from_civil(y, m, d);
  KERVAN_ASSERT(out.has_value());
  return *out;
}

inline uint64_t at(Date day) { return static_cast<uint64_t>(day.days_since_epoch()) * day_ns; }

}  // namespace kervan
