#include "core/time.h"

namespace kervan {
namespace {

constexpr int64_t date_days_min = days_from_civil(Date::year_min, 1, 1);
constexpr int64_t date_days_max = days_from_civil(Date::year_max, 12, 31);
constexpr uint64_t timestamp_days_max = UINT64_MAX / ns_per_day;  // 2554-07-21.

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11'017);
static_assert(civil_from_days(-1) == CivilDate{.year = 1969, .month = 12, .day = 31});
static_assert(date_days_min >= INT32_MIN && date_days_max <= INT32_MAX);
static_assert(civil_from_days(timestamp_days_max) == CivilDate{2554, 7, 21});

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The number written by text[begin, begin + count). REQUIRES: those are digits.
uint32_t digits_value(std::string_view text, size_t begin, size_t count) {
  uint32_t value = 0;
  for (size_t i = begin; i < begin + count; ++i) {
    KERVAN_ASSERT(is_digit(text[i]));
    value = value * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  return value;
}

// Writes `value` as exactly `count` decimal digits. REQUIRES: value < 10^count.
void write_digits(uint64_t value, size_t count, char* out) {
  for (size_t i = count; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  KERVAN_ASSERT(value == 0);
}

}  // namespace

std::string_view to_string(DateError error) {
  switch (error) {
    case DateError::ok:
      return "ok";
    case DateError::wrong_length:
      return "wrong_length";
    case DateError::bad_format:
      return "bad_format";
    case DateError::bad_year:
      return "bad_year";
    case DateError::bad_month:
      return "bad_month";
    case DateError::bad_day:
      return "bad_day";
  }
  KERVAN_UNREACHABLE();
}

DateError Date::parse(std::string_view text, Date* out) {
  KERVAN_ASSERT(out != nullptr);
  constexpr std::string_view pattern = "dddd-dd-dd";
  if (text.size() != pattern.size()) return DateError::wrong_length;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const bool ok = pattern[i] == 'd' ? is_digit(text[i]) : text[i] == pattern[i];
    if (!ok) return DateError::bad_format;
  }
  const auto year = static_cast<int32_t>(digits_value(text, 0, 4));
  const uint32_t month = digits_value(text, 5, 2);
  const uint32_t day = digits_value(text, 8, 2);
  if (year < year_min) return DateError::bad_year;
  if (month < 1 || month > 12) return DateError::bad_month;
  if (day < 1 || day > days_in_month(year, month)) return DateError::bad_day;

  *out = Date(static_cast<int32_t>(days_from_civil(year, month, day)));
  KERVAN_ASSERT(out->civil() == (CivilDate{.year = year, .month = month, .day = day}));
  return DateError::ok;
}

std::optional<Date> Date::from_civil(int32_t year, uint32_t month, uint32_t day) {
  if (year < year_min || year > year_max) return std::nullopt;
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return Date(static_cast<int32_t>(days_from_civil(year, month, day)));
}

std::optional<Date> Date::from_days(int64_t days_since_epoch) {
  if (days_since_epoch < date_days_min || days_since_epoch > date_days_max) return std::nullopt;
  return Date(static_cast<int32_t>(days_since_epoch));
}

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (4). The double modulo keeps earlier dates non-negative.
  const int32_t from_monday = ((days_ % 7) + 7 + 3) % 7;  // 0 = Monday.
  return static_cast<Weekday>(from_monday + 1);
}

std::optional<Date> Date::plus_days(int64_t days) const {
  // Both operands are far below 2^62 in magnitude once checked, so the sum cannot overflow.
  if (days < date_days_min - date_days_max || days > date_days_max - date_days_min) {
    return std::nullopt;
  }
  return from_days(int64_t{days_} + days);
}

std::string Date::to_string() const {
  const CivilDate date = civil();
  KERVAN_ASSERT(date.year >= year_min && date.year <= year_max);
  char text[10] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0'};
  write_digits(static_cast<uint64_t>(date.year), 4, text);
  write_digits(date.month, 2, text + 5);
  write_digits(date.day, 2, text + 8);
  return std::string(text, sizeof(text));
}

Date date_of_ns(uint64_t timestamp_ns) {
  const std::optional<Date> date = Date::from_days(static_cast<int64_t>(timestamp_ns / ns_per_day));
  KERVAN_ASSERT(date.has_value());
  return *date;
}

std::optional<uint64_t> start_of_day_ns(Date date) {
  const int32_t days = date.days_since_epoch();
  if (days < 0 || static_cast<uint64_t>(days) > timestamp_days_max) return std::nullopt;
  return static_cast<uint64_t>(days) * ns_per_day;
}

void format_rfc3339_ns(uint64_t timestamp_ns, std::span<char, rfc3339_ns_chars> out) {
  const CivilDate date = date_of_ns(timestamp_ns).civil();
  const uint64_t ns_of_day = timestamp_ns % ns_per_day;
  const uint64_t s_of_day = ns_of_day / ns_per_s;
  char* p = out.data();
  write_digits(static_cast<uint64_t>(date.year), 4, p);
  p[4] = '-';
  write_digits(date.month, 2, p + 5);
  p[7] = '-';
  write_digits(date.day, 2, p + 8);
  p[10] = 'T';
  write_digits(s_of_day / 3'600, 2, p + 11);
  p[13] = ':';
  write_digits(s_of_day / 60 % 60, 2, p + 14);
  p[16] = ':';
  write_digits(s_of_day % 60, 2, p + 17);
  p[19] = '.';
  write_digits(ns_of_day % ns_per_s, 9, p + 20);
  p[29] = 'Z';
}

std::string format_rfc3339_ns(uint64_t timestamp_ns) {
  char text[rfc3339_ns_chars];
  format_rfc3339_ns(timestamp_ns, std::span<char, rfc3339_ns_chars>(text));
  return std::string(text, sizeof(text));
}

}  // namespace kervan
