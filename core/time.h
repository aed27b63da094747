// Time as plain numbers, without the C library's time zones or locale. Conventions:
// - An instant is a uint64_t of nanoseconds since 1970-01-01T00:00:00Z, named with `_ns`
//   (`now_ns`, `accepted_at_ns`). It reaches 2554-07-21T23:34:33.709551615Z.
// - Unix time: every day has 86,400 seconds; leap seconds do not exist here.
// - Calendar dates are proleptic Gregorian and in UTC: a customs "day" is a UTC date.
// - The core never reads a clock: time is an argument (`commit(now_ns, batch)`).
// Civil conversions follow Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/assert.h"

namespace kervan {

inline constexpr uint64_t ns_per_us = 1'000;
inline constexpr uint64_t ns_per_ms = 1'000 * ns_per_us;
inline constexpr uint64_t ns_per_s = 1'000 * ns_per_ms;
inline constexpr uint64_t ns_per_min = 60 * ns_per_s;
inline constexpr uint64_t ns_per_hour = 60 * ns_per_min;
inline constexpr uint64_t ns_per_day = 24 * ns_per_hour;
static_assert(ns_per_day == 86'400'000'000'000);

// The years the civil conversions below accept; keeps every intermediate far from overflow.
inline constexpr int32_t civil_year_min = -1'000'000;
inline constexpr int32_t civil_year_max = 1'000'000;

struct CivilDate {
  int32_t year = 1970;
  uint32_t month = 1;  // 1..12
  uint32_t day = 1;    // 1..31

  friend constexpr bool operator==(const CivilDate&, const CivilDate&) = default;
};

constexpr bool is_leap_year(int32_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// REQUIRES: 1 <= month <= 12.
constexpr uint32_t days_in_month(int32_t year, uint32_t month) {
  KERVAN_ASSERT(month >= 1 && month <= 12);
  constexpr uint32_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// Days from 1970-01-01 to the given date (negative before it): 1970-01-01 -> 0.
// REQUIRES: a real date (day within its month), year within [civil_year_min, civil_year_max].
constexpr int64_t days_from_civil(int32_t year, uint32_t month, uint32_t day) {
  KERVAN_ASSERT(year >= civil_year_min && year <= civil_year_max);
  KERVAN_ASSERT(day >= 1 && day <= days_in_month(year, month));
  // Count years from March, so that the leap day is the last day of the year.
  const int64_t y = int64_t{year} - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;                                        // [0, 399]
  const int64_t month_from_march = month > 2 ? month - 3 : month + 9;               // [0, 11]
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + int64_t{day} - 1;  // [0, 365]
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146'097 + day_of_era - 719'468;
}

inline constexpr int64_t civil_days_min = days_from_civil(civil_year_min, 1, 1);
inline constexpr int64_t civil_days_max = days_from_civil(civil_year_max, 12, 31);

// Inverse of days_from_civil. REQUIRES: civil_days_min <= days <= civil_days_max.
constexpr CivilDate civil_from_days(int64_t days) {
  KERVAN_ASSERT(days >= civil_days_min && days <= civil_days_max);
  const int64_t z = days + 719'468;  // Days since 0000-03-01.
  const int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const int64_t day_of_era = z - era * 146'097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) /
      365;  // [0, 399]
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // [0, 365]
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;                // [0, 11]
  const int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;      // [1, 31]
  const int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return CivilDate{.year = static_cast<int32_t>(year),
                   .month = static_cast<uint32_t>(month),
                   .day = static_cast<uint32_t>(day)};
}

// ISO 8601 numbering. DO NOT CHANGE: the numbers are stored in scheme rules.
enum class Weekday : uint8_t {
  monday = 1,
  tuesday = 2,
  wednesday = 3,
  thursday = 4,
  friday = 5,
  saturday = 6,
  sunday = 7,
};

// Why a text is not a date "YYYY-MM-DD", checked in this order.
// DO NOT CHANGE the numbers: they are returned to clients and written to the journal.
enum class DateError : uint8_t {
  ok = 0,
  wrong_length = 1,  // Not exactly 10 characters.
  bad_format = 2,    // Not four digits, '-', two digits, '-', two digits.
  bad_year = 3,      // Year 0000.
  bad_month = 4,     // Month outside 01..12.
  bad_day = 5,       // Day outside 01..the length of that month (2025-02-29, 2026-04-31).
};

// The enumerator's name, e.g. "bad_day".
std::string_view to_string(DateError error);

// A calendar day from 0001-01-01 to 9999-12-31, stored as days since 1970-01-01 (4 bytes).
// Compares chronologically. The default is 1970-01-01.
class Date {
 public:
  static constexpr int32_t year_min = 1;
  static constexpr int32_t year_max = 9999;

  constexpr Date() = default;

  // Parses "YYYY-MM-DD" exactly (RFC 3339 full-date). On ok sets *out; otherwise leaves it.
  [[nodiscard]] static DateError parse(std::string_view text, Date* out);

  // The date, or nullopt when it does not exist (2025-02-29) or is outside the range.
  [[nodiscard]] static std::optional<Date> from_civil(int32_t year, uint32_t month, uint32_t day);
  // The date `days` after 1970-01-01, or nullopt outside the range.
  [[nodiscard]] static std::optional<Date> from_days(int64_t days_since_epoch);

  constexpr int32_t days_since_epoch() const { return days_; }
  CivilDate civil() const { return civil_from_days(days_); }
  int32_t year() const { return civil().year; }
  uint32_t month() const { return civil().month; }
  uint32_t day() const { return civil().day; }
  Weekday weekday() const;

  // This date moved by `days` (negative goes back), or nullopt outside the range.
  [[nodiscard]] std::optional<Date> plus_days(int64_t days) const;

  // "YYYY-MM-DD", always four digits of year.
  std::string to_string() const;

  friend constexpr bool operator==(const Date&, const Date&) = default;
  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  explicit constexpr Date(int32_t days) : days_(days) {}

  int32_t days_ = 0;
};

static_assert(sizeof(Date) == 4);

// The UTC date that contains the instant. Always in range (1970-01-01 to 2554-07-21).
Date date_of_ns(uint64_t timestamp_ns);

// The instant at which the date starts (00:00:00Z), or nullopt when it is before 1970-01-01 or
// after 2554-07-21 (the last day that starts within uint64_t nanoseconds).
[[nodiscard]] std::optional<uint64_t> start_of_day_ns(Date date);

// RFC 3339 in UTC with nine fraction digits: "2026-01-01T00:00:00.000000001Z", 30 characters.
inline constexpr size_t rfc3339_ns_chars = 30;
// Writes into a caller's buffer, without allocating and without a terminating NUL.
void format_rfc3339_ns(uint64_t timestamp_ns, std::span<char, rfc3339_ns_chars> out);
std::string format_rfc3339_ns(uint64_t timestamp_ns);

}  // namespace kervan
