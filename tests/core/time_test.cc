#include "core/time.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace kervan {
namespace {

Date date(std::string_view text) {
  Date parsed;
  const DateError error = Date::parse(text, &parsed);
  EXPECT_EQ(error, DateError::ok) << text;
  return parsed;
}

TEST(Time, LeapYearsAndMonthLengths) {
  struct Case {
    int32_t year;
    bool leap;
  };
  const Case cases[] = {
      {2000, true},  {1900, false}, {2024, true}, {2023, false},
      {2100, false}, {1600, true},  {0, true},    {-4, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(is_leap_year(c.year), c.leap) << c.year;
    EXPECT_EQ(days_in_month(c.year, 2), c.leap ? 29u : 28u) << c.year;
  }
  EXPECT_EQ(days_in_month(2026, 1), 31u);
  EXPECT_EQ(days_in_month(2026, 4), 30u);
  EXPECT_EQ(days_in_month(2026, 12), 31u);
}

TEST(Time, DaysFromCivilKnownAnswers) {
  struct Case {
    CivilDate civil;
    int64_t days;
  };
  const Case cases[] = {
      {{1970, 1, 1}, 0},           {{1970, 1, 2}, 1},        {{1969, 12, 31}, -1},
      {{2000, 1, 1}, 10'957},      {{2024, 2, 29}, 19'782},  {{2026, 1, 1}, 20'454},
      {{2026, 10, 1}, 20'727},     {{1600, 3, 1}, -135'080}, {{1, 1, 1}, -719'162},
      {{9999, 12, 31}, 2'932'896}, {{2554, 7, 21}, 213'503},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(days_from_civil(c.civil.year, c.civil.month, c.civil.day), c.days) << c.days;
    EXPECT_EQ(civil_from_days(c.days), c.civil) << c.days;
  }
  static_assert(days_from_civil(1970, 1, 1) == 0);
}

// Every day in a span of about 11,000 years converts both ways, and consecutive days advance the
// calendar by exactly one day.
TEST(Time, CivilRoundTripsAcrossEveryDayInRange) {
  const int64_t first = days_from_civil(-1000, 1, 1);
  const int64_t last = days_from_civil(10'000, 12, 31);
  CivilDate previous = civil_from_days(first - 1);
  for (int64_t days = first; days <= last; ++days) {
    const CivilDate civil = civil_from_days(days);
    ASSERT_EQ(days_from_civil(civil.year, civil.month, civil.day), days);
    const bool next_day = civil.year == previous.year && civil.month == previous.month &&
                          civil.day == previous.day + 1;
    const bool next_month = civil.year == previous.year && civil.month == previous.month + 1 &&
                            civil.day == 1 &&
                            previous.day == days_in_month(previous.year, previous.month);
    const bool next_year = civil.year == previous.year + 1 && civil.month == 1 && civil.day == 1 &&
                           previous.month == 12 && previous.day == 31;
    ASSERT_TRUE(next_day || next_month || next_year) << days;
    previous = civil;
  }
  EXPECT_EQ(civil_from_days(civil_days_min), (CivilDate{civil_year_min, 1, 1}));
  EXPECT_EQ(civil_from_days(civil_days_max), (CivilDate{civil_year_max, 12, 31}));
}

TEST(Date, ParsesTableOfCases) {
  struct Case {
    std::string_view text;
    DateError error;
  };
  const Case cases[] = {
      {"2026-01-01", DateError::ok},
      {"2000-02-29", DateError::ok},  // Divisible by 400: leap.
      {"2024-02-29", DateError::ok},
      {"1900-02-29", DateError::bad_day},  // Divisible by 100 only: not leap.
      {"2025-02-29", DateError::bad_day},
      {"2026-04-31", DateError::bad_day},
      {"2026-01-00", DateError::bad_day},
      {"2026-01-32", DateError::bad_day},
      {"2026-00-10", DateError::bad_month},
      {"2026-13-01", DateError::bad_month},
      {"0000-01-01", DateError::bad_year},
      {"0000-13-01", DateError::bad_year},  // Year before month.
      {"0001-01-01", DateError::ok},
      {"9999-12-31", DateError::ok},
      {"", DateError::wrong_length},
      {"2026-1-01", DateError::wrong_length},
      {"20260101", DateError::wrong_length},
      {"2026-01-01 ", DateError::wrong_length},
      {"2026-01-01T00:00:00Z", DateError::wrong_length},
      {"2026/01/01", DateError::bad_format},
      {"2026-01-0a", DateError::bad_format},
      {" 026-01-01", DateError::bad_format},
      {"+026-01-01", DateError::bad_format},
      {"2026-0101-", DateError::bad_format},
  };
  for (const Case& c : cases) {
    Date parsed = Date::from_days(12'345).value();
    EXPECT_EQ(Date::parse(c.text, &parsed), c.error) << c.text;
    if (c.error == DateError::ok) {
      EXPECT_EQ(parsed.to_string(), c.text);
    } else {
      EXPECT_EQ(parsed.days_since_epoch(), 12'345) << "parse must leave *out alone";
    }
  }
}

TEST(Date, FromCivilAndFromDaysEnforceTheRange) {
  EXPECT_EQ(Date::from_civil(2026, 10, 1), date("2026-10-01"));
  EXPECT_EQ(Date::from_civil(2025, 2, 29), std::nullopt);
  EXPECT_EQ(Date::from_civil(2026, 13, 1), std::nullopt);
  EXPECT_EQ(Date::from_civil(2026, 0, 1), std::nullopt);
  EXPECT_EQ(Date::from_civil(0, 1, 1), std::nullopt);
  EXPECT_EQ(Date::from_civil(10'000, 1, 1), std::nullopt);
  EXPECT_EQ(Date::from_days(-719'162), date("0001-01-01"));
  EXPECT_EQ(Date::from_days(-719'163), std::nullopt);
  EXPECT_EQ(Date::from_days(2'932'896), date("9999-12-31"));
  EXPECT_EQ(Date::from_days(2'932'897), std::nullopt);
  EXPECT_EQ(Date().to_string(), "1970-01-01");
}

TEST(Date, WeekdaysOfKnownDates) {
  struct Case {
    std::string_view text;
    Weekday weekday;
  };
  const Case cases[] = {
      {"2026-10-01", Weekday::thursday},  {"1970-01-01", Weekday::thursday},
      {"1969-12-31", Weekday::wednesday}, {"2000-01-01", Weekday::saturday},
      {"2024-02-29", Weekday::thursday},  {"2022-10-01", Weekday::saturday},
      {"2022-10-03", Weekday::monday},    {"2026-01-04", Weekday::sunday},
      {"0001-01-01", Weekday::monday},    {"9999-12-31", Weekday::friday},
  };
  for (const Case& c : cases) EXPECT_EQ(date(c.text).weekday(), c.weekday) << c.text;
}

// The rule the exchange-rate tables will use: the first Monday..Friday on or after a date.
TEST(Date, FindsTheFirstWorkingDayOfOctober) {
  struct Case {
    std::string_view first_of_october;
    std::string_view first_working_day;
  };
  const Case cases[] = {
      {"2026-10-01", "2026-10-01"},  // Thursday.
      {"2022-10-01", "2022-10-03"},  // Saturday -> Monday.
      {"2023-10-01", "2023-10-02"},  // Sunday -> Monday.
  };
  for (const Case& c : cases) {
    Date day = date(c.first_of_october);
    for (int i = 0; i < 7 && day.weekday() >= Weekday::saturday; ++i) {
      day = day.plus_days(1).value();
    }
    EXPECT_EQ(day, date(c.first_working_day)) << c.first_of_october;
  }
}

TEST(Date, AddsDaysAcrossMonthYearAndRangeEnds) {
  struct Case {
    std::string_view from;
    int64_t days;
    std::optional<std::string_view> to;
  };
  const Case cases[] = {
      {"2024-02-28", 1, "2024-02-29"},
      {"2024-02-28", 2, "2024-03-01"},
      {"2023-02-28", 1, "2023-03-01"},
      {"2026-12-31", 1, "2027-01-01"},
      {"1970-01-01", -1, "1969-12-31"},
      {"2026-01-01", 0, "2026-01-01"},
      {"2026-01-01", 365, "2027-01-01"},
      {"2024-01-01", 366, "2025-01-01"},
      {"9999-12-31", 1, std::nullopt},
      {"0001-01-01", -1, std::nullopt},
      {"0001-01-01", 2'932'896 + 719'162, "9999-12-31"},
      {"2026-01-01", std::numeric_limits<int64_t>::max(), std::nullopt},
      {"2026-01-01", std::numeric_limits<int64_t>::min(), std::nullopt},
  };
  for (const Case& c : cases) {
    const std::optional<Date> to = date(c.from).plus_days(c.days);
    ASSERT_EQ(to.has_value(), c.to.has_value()) << c.from << " + " << c.days;
    if (to) {
      EXPECT_EQ(to->to_string(), *c.to) << c.from << " + " << c.days;
    }
  }
}

TEST(Date, ComparesChronologically) {
  EXPECT_LT(date("1969-12-31"), date("1970-01-01"));
  EXPECT_LT(date("2025-12-31"), date("2026-01-01"));
  EXPECT_LT(date("2026-01-31"), date("2026-02-01"));
  EXPECT_EQ(date("2026-10-01"), Date::from_civil(2026, 10, 1));
  EXPECT_EQ(date("2026-10-01").civil(), (CivilDate{2026, 10, 1}));
  EXPECT_EQ(date("2026-10-01").year(), 2026);
  EXPECT_EQ(date("2026-10-01").month(), 10u);
  EXPECT_EQ(date("2026-10-01").day(), 1u);
}

TEST(Timestamp, FormatsRfc3339WithNanoseconds) {
  struct Case {
    uint64_t timestamp_ns;
    std::string_view text;
  };
  const Case cases[] = {
      {0, "1970-01-01T00:00:00.000000000Z"},
      {1, "1970-01-01T00:00:00.000000001Z"},
      {ns_per_day - 1, "1970-01-01T23:59:59.999999999Z"},
      {1'767'225'600 * ns_per_s + 1, "2026-01-01T00:00:00.000000001Z"},
      {951'782'400 * ns_per_s + 12 * ns_per_hour + 34 * ns_per_min + 56 * ns_per_s +
           789 * ns_per_ms,
       "2000-02-29T12:34:56.789000000Z"},
      {std::numeric_limits<uint64_t>::max(), "2554-07-21T23:34:33.709551615Z"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(format_rfc3339_ns(c.timestamp_ns), c.text) << c.timestamp_ns;
    // The buffer form writes exactly rfc3339_ns_chars and nothing past them.
    std::array<char, rfc3339_ns_chars + 2> buffer;
    buffer.fill('#');
    format_rfc3339_ns(c.timestamp_ns,
                      std::span<char, rfc3339_ns_chars>(buffer.data(), rfc3339_ns_chars));
    EXPECT_EQ(std::string_view(buffer.data(), rfc3339_ns_chars), c.text);
    EXPECT_EQ(buffer[rfc3339_ns_chars], '#');
  }
}

TEST(Timestamp, ConvertsToAndFromDates) {
  EXPECT_EQ(date_of_ns(0), date("1970-01-01"));
  EXPECT_EQ(date_of_ns(ns_per_day - 1), date("1970-01-01"));
  EXPECT_EQ(date_of_ns(ns_per_day), date("1970-01-02"));
  EXPECT_EQ(date_of_ns(std::numeric_limits<uint64_t>::max()), date("2554-07-21"));
  EXPECT_EQ(start_of_day_ns(date("1970-01-01")), 0u);
  EXPECT_EQ(start_of_day_ns(date("2026-01-01")), 1'767'225'600 * ns_per_s);
  EXPECT_EQ(start_of_day_ns(date("2554-07-21")), 213'503 * ns_per_day);
  EXPECT_EQ(start_of_day_ns(date("2554-07-22")), std::nullopt);
  EXPECT_EQ(start_of_day_ns(date("1969-12-31")), std::nullopt);
  for (const std::string_view text : {"1970-01-01", "2000-02-29", "2026-10-01", "2554-07-21"}) {
    EXPECT_EQ(date_of_ns(*start_of_day_ns(date(text))), date(text)) << text;
  }
}

TEST(Time, NamesEveryDateErrorAndPinsNumbers) {
  EXPECT_EQ(to_string(DateError::ok), "ok");
  EXPECT_EQ(to_string(DateError::wrong_length), "wrong_length");
  EXPECT_EQ(to_string(DateError::bad_format), "bad_format");
  EXPECT_EQ(to_string(DateError::bad_year), "bad_year");
  EXPECT_EQ(to_string(DateError::bad_month), "bad_month");
  EXPECT_EQ(to_string(DateError::bad_day), "bad_day");
  EXPECT_EQ(static_cast<int>(DateError::bad_day), 5);
  EXPECT_EQ(static_cast<int>(Weekday::monday), 1);
  EXPECT_EQ(static_cast<int>(Weekday::sunday), 7);
  EXPECT_EQ(ns_per_us, 1'000u);
  EXPECT_EQ(ns_per_ms, 1'000'000u);
  EXPECT_EQ(ns_per_s, 1'000'000'000u);
  EXPECT_EQ(ns_per_day, 86'400u * ns_per_s);
}

}  // namespace
}  // namespace kervan
