#include "ledger/transit/exchange_rates.h"

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <random>
#include <vector>

#include "tests/transit/reference_test_util.h"

namespace kervan {
namespace {

using testing::day;
using testing::dec;
using testing::eur;
using testing::kzt;
using testing::money;
using testing::text;
using testing::usd;

constexpr Currency EUR = Currency::eur;
constexpr Currency KZT = Currency::kzt;
constexpr Currency USD = Currency::usd;
constexpr Currency JPY = Currency::jpy;
constexpr Currency CNY = Currency::cny;

RateEntry entry(Currency currency, const char* from, const char* rate) {
  return RateEntry{.currency = currency, .effective_from = day(from), .units_per_base = dec(rate)};
}

// KZT 500 per EUR from 2025, 600 from 2026; USD 1.25; JPY 150. All from 2025-01-01.
ExchangeRateTable sample_table() {
  ExchangeRateTable table;
  for (const RateEntry& rate :
       {entry(KZT, "2026-01-01", "600"), entry(KZT, "2025-01-01", "500"),
        entry(USD, "2025-01-01", "1.25"), entry(JPY, "2025-01-01", "150")}) {
    EXPECT_EQ(table.add(rate), RateTableError::ok);
  }
  return table;
}

TEST(ExchangeRates, DatedLookup) {
  const ExchangeRateTable table = sample_table();
  const struct {
    Currency currency;
    const char* date;
    const char* rate;  // nullptr: no rate.
  } cases[] = {
      {KZT, "2024-12-31", nullptr},  // Before the first entry.
      {KZT, "2025-01-01", "500"},    // From its first day.
      {KZT, "2025-12-31", "500"},    // Until the day before the next.
      {KZT, "2026-01-01", "600"},   {KZT, "9999-12-31", "600"},
      {USD, "2030-06-01", "1.25"},  {EUR, "0001-01-01", "1"},  // The base: 1 on every date.
      {CNY, "2025-06-01", nullptr},                            // Not in the table.
  };
  for (const auto& c : cases) {
    const std::optional<Decimal> rate = table.rate_at(c.currency, day(c.date));
    if (c.rate == nullptr) {
      EXPECT_FALSE(rate.has_value()) << currency_code(c.currency) << " " << c.date;
    } else {
      ASSERT_TRUE(rate.has_value()) << currency_code(c.currency) << " " << c.date;
      EXPECT_EQ(*rate, dec(c.rate)) << currency_code(c.currency) << " " << c.date;
    }
  }
  // Sorted by currency number, then date, whatever the order of add().
  const std::vector<RateEntry> expected = {
      entry(JPY, "2025-01-01", "150"), entry(KZT, "2025-01-01", "500"),
      entry(KZT, "2026-01-01", "600"), entry(USD, "2025-01-01", "1.25")};
  EXPECT_EQ(std::vector<RateEntry>(table.entries().begin(), table.entries().end()), expected);
}

// Both ways through the base, and across it, each with one half-even rounding.
TEST(ExchangeRates, ConvertBothWaysHalfEven) {
  ExchangeRateTable table;
  ASSERT_EQ(table.add(entry(KZT, "2025-01-01", "512.37")), RateTableError::ok);
  ASSERT_EQ(table.add(entry(USD, "2025-01-01", "1.25")), RateTableError::ok);
  ASSERT_EQ(table.add(entry(JPY, "2025-01-01", "150")), RateTableError::ok);
  const Date date = day("2025-06-01");
  const struct {
    Amount amount;
    Currency target;
    const char* expected;
  } cases[] = {
      {eur("100.00"), KZT, "51237.00"},  // x 512.37, exact.
      {eur("1.01"), KZT, "517.49"},      // 517.4937 -> 517.49.
      {kzt("51237.00"), EUR, "100.00"},  // / 512.37, exact.
      {kzt("1000.00"), EUR, "1.95"},     // 1.95171... -> 1.95.
      {kzt("-1000.00"), EUR, "-1.95"},   // Symmetric around zero.
      {eur("0.01"), JPY, "2"},           // 1.5 -> 2 (tie, to even).
      {eur("0.03"), JPY, "4"},           // 4.5 -> 4 (tie, to even).
      {eur("-0.03"), JPY, "-4"},         // -4.5 -> -4.
      {money("3", JPY), EUR, "0.02"},    // 0.02 exactly.
      {money("1", JPY), EUR, "0.01"},    // 0.00666 -> 0.01.
      {usd("0.10"), JPY, "12"},          // 0.10 / 1.25 x 150 = 12.
      {usd("0.01"), JPY, "1"},           // 1.2 -> 1.
      {usd("100.00"), KZT, "40989.60"},  // 100 / 1.25 x 512.37 = 40,989.60.
      {kzt("100.00"), USD, "0.24"},      // 100 / 512.37 x 1.25 = 0.24396... -> 0.24.
      {kzt("777.77"), KZT, "777.77"},    // Same currency: unchanged.
  };
  for (const auto& c : cases) {
    Amount out;
    ASSERT_EQ(table.convert(c.amount, c.target, date, &out), ConvertError::ok) << text(c.amount);
    EXPECT_EQ(text(out), text(money(c.expected, c.target))) << text(c.amount);
  }
}

TEST(ExchangeRates, CrossRateIsNotRoundedThroughTheBase) {
  // KZT 500 and USD 1.25 per EUR: 7.00 KZT is exactly 0.0175 USD -> 0.02 USD. Through a rounded
  // EUR amount it would be 0.014 EUR -> 0.01 EUR -> 0.0125 USD -> 0.01 USD.
  const ExchangeRateTable table = sample_table();
  const Date date = day("2025-06-01");
  const struct {
    const char* kzt;
    const char* usd;
  } cases[] = {
      {"7.00", "0.02"},       {"2.00", "0.00"},  // 0.005: tie to even 0.00.
      {"6.00", "0.02"},                          // 0.015: tie to even 0.02.
      {"10.00", "0.02"},                         // 0.025: tie to even 0.02.
      {"40000.00", "100.00"},
  };
  for (const auto& c : cases) {
    Amount out;
    ASSERT_EQ(table.convert(kzt(c.kzt), USD, date, &out), ConvertError::ok);
    EXPECT_EQ(text(out), text(usd(c.usd))) << c.kzt;
  }
  Amount back;
  ASSERT_EQ(table.convert(usd("100.00"), KZT, date, &back), ConvertError::ok);
  EXPECT_EQ(text(back), "40000.00 KZT");
}

TEST(ExchangeRates, ConvertErrorsInOrder) {
  const ExchangeRateTable table = sample_table();
  const Amount sentinel = money("1.23", Currency::chf);
  const struct {
    const char* name;
    Amount amount;
    Currency target;
    const char* date;
    ConvertError expected;
  } cases[] = {
      {"source missing", money("1.00", CNY), EUR, "2025-06-01", ConvertError::no_rate_for_source},
      {"both missing", money("1.00", CNY), Currency::gbp, "2025-06-01",
       ConvertError::no_rate_for_source},
      {"target missing", eur("1.00"), CNY, "2025-06-01", ConvertError::no_rate_for_target},
      {"too early", kzt("1.00"), EUR, "2024-12-31", ConvertError::no_rate_for_source},
      {"too early target", eur("1.00"), KZT, "2024-12-31", ConvertError::no_rate_for_target},
      {"overflow", Amount::from_minor(i128_max, EUR), KZT, "2025-06-01", ConvertError::overflow},
      {"overflow cross", Amount::from_minor(i128_min, USD), KZT, "2025-06-01",
       ConvertError::overflow},
  };
  for (const auto& c : cases) {
    Amount out = sentinel;
    EXPECT_EQ(table.convert(c.amount, c.target, day(c.date), &out), c.expected) << c.name;
    EXPECT_EQ(out, sentinel) << c.name;
  }
  // An amount already in the target needs no rate at all.
  Amount out;
  ASSERT_EQ(table.convert(money("5.00", CNY), CNY, day("1990-01-01"), &out), ConvertError::ok);
  EXPECT_EQ(text(out), "5.00 CNY");
  EXPECT_EQ(result_name(ConvertError::no_rate_for_target), "no_rate_for_target");
}

// From the base, convert_at_rates() is core convert(); through another currency (rates 2 and
// 2r, so the cross rate is exactly r) its own exact path gives the same result.
TEST(ExchangeRates, ConvertAtRatesAgreesWithCoreConvert) {
  std::mt19937_64 random(20251001);
  for (int i = 0; i < 2000; ++i) {
    const Amount amount =
        Amount::from_minor(static_cast<i128>(random() % 10'000'000'000) - 5'000'000'000, EUR);
    const i128 mantissa = static_cast<i128>(random() % 100'000'000 + 1);
    const auto scale = static_cast<uint8_t>(random() % 7);
    const Decimal rate = Decimal::from_parts(mantissa, scale);
    const Decimal twice_rate = Decimal::from_parts(mantissa * 2, scale);
    Amount via_core;
    Amount from_base;
    Amount across;
    ASSERT_EQ(convert(amount, rate, KZT, &via_core), MoneyError::ok);
    ASSERT_EQ(convert_at_rates(amount, Decimal::from_integer(1), rate, KZT, &from_base),
              MoneyError::ok);
    ASSERT_EQ(convert_at_rates(amount, Decimal::from_integer(2), twice_rate, KZT, &across),
              MoneyError::ok);
    EXPECT_EQ(via_core, from_base);
    EXPECT_EQ(via_core, across) << text(amount) << " at " << format_decimal(rate);
  }
  Amount out;
  EXPECT_EQ(convert_at_rates(eur("1.00"), dec("0"), dec("1"), KZT, &out),
            MoneyError::rate_not_positive);
  EXPECT_EQ(convert_at_rates(eur("1.00"), dec("2"), dec("-1"), KZT, &out),
            MoneyError::rate_not_positive);
}

// The cross conversion against an independent exact computation (Boost cpp_int rationals).
TEST(ExchangeRates, CrossConversionMatchesExactReference) {
  using Big = boost::multiprecision::cpp_int;
  std::mt19937_64 random(7);
  const Currency currencies[] = {EUR, KZT, USD, JPY, Currency::kwd};
  for (int i = 0; i < 4000; ++i) {
    const Currency source = currencies[random() % 5];
    const Currency target = currencies[random() % 5];
    const auto minor = static_cast<int64_t>(random() % 2'000'000'000'000) - 1'000'000'000'000;
    const Decimal source_rate = Decimal::from_parts(static_cast<i128>(random() % 10'000'000 + 1),
                                                    static_cast<uint8_t>(random() % 6));
    const Decimal target_rate = Decimal::from_parts(static_cast<i128>(random() % 10'000'000 + 1),
                                                    static_cast<uint8_t>(random() % 6));
    Amount out;
    ASSERT_EQ(
        convert_at_rates(Amount::from_minor(minor, source), source_rate, target_rate, target, &out),
        MoneyError::ok);
    // round_half_even(minor x t x 10^(st + et... ) as a fraction n / d.
    const auto pow10 = [](unsigned n) {
      Big value = 1;
      for (unsigned k = 0; k < n; ++k) value *= 10;
      return value;
    };
    const Big n = Big(minor) * Big(static_cast<int64_t>(target_rate.mantissa())) *
                  pow10(source_rate.scale() + currency_exponent(target));
    const Big d = Big(static_cast<int64_t>(source_rate.mantissa())) *
                  pow10(target_rate.scale() + currency_exponent(source));
    const Big magnitude = n < 0 ? Big(-n) : n;
    Big quotient = magnitude / d;
    const Big twice_remainder = (magnitude % d) * 2;
    if (twice_remainder > d || (twice_remainder == d && (quotient & 1) == 1)) quotient += 1;
    const Big expected = n < 0 ? Big(-quotient) : quotient;
    EXPECT_EQ(to_string_i128(out.minor()), expected.str()) << i;
  }
}

TEST(ExchangeRates, TableRefusals) {
  ExchangeRateTable table(KZT);  // A scheme whose base is the tenge.
  EXPECT_EQ(table.base(), KZT);
  EXPECT_EQ(table.add(entry(KZT, "2025-01-01", "1")), RateTableError::currency_is_base);
  EXPECT_EQ(table.add(entry(EUR, "2025-01-01", "0")), RateTableError::rate_not_positive);
  EXPECT_EQ(table.add(entry(EUR, "2025-01-01", "-500")), RateTableError::rate_not_positive);
  ASSERT_EQ(table.add(entry(EUR, "2025-01-01", "0.002")), RateTableError::ok);
  EXPECT_EQ(table.add(entry(EUR, "2025-01-01", "0.0021")), RateTableError::entry_exists);
  EXPECT_EQ(table.entries().size(), 1u);
  Amount out;
  ASSERT_EQ(table.convert(eur("1.00"), KZT, day("2025-02-01"), &out), ConvertError::ok);
  EXPECT_EQ(text(out), "500.00 KZT");

  ExchangeRateTable full;
  Date date = day("2000-01-01");
  for (size_t i = 0; i < rate_entries_max; ++i) {
    ASSERT_EQ(full.add({.currency = USD, .effective_from = date, .units_per_base = dec("1.1")}),
              RateTableError::ok);
    date = *date.plus_days(1);
  }
  EXPECT_EQ(full.add({.currency = USD, .effective_from = date, .units_per_base = dec("1.1")}),
            RateTableError::entries_too_many);
  EXPECT_EQ(result_name(RateTableError::entries_too_many), "entries_too_many");
}

TEST(ExchangeRates, FirstWorkingDayOfOctober) {
  const struct {
    int32_t year;
    const char* expected;
  } cases[] = {
      {2025, "2025-10-01"},  // Wednesday.
      {2024, "2024-10-01"},  // Tuesday.
      {2023, "2023-10-02"},  // The 1st was a Sunday.
      {2022, "2022-10-03"},  // The 1st was a Saturday.
      {2028, "2028-10-02"},  // The 1st is a Sunday.
  };
  for (const auto& c : cases) {
    EXPECT_EQ(first_working_day_of_october(c.year).to_string(), c.expected) << c.year;
  }
  for (int32_t year = 1970; year <= 2100; ++year) {
    const Date fixing = first_working_day_of_october(year);
    EXPECT_LT(fixing.weekday(), Weekday::saturday) << year;
    EXPECT_EQ(fixing.month(), 10u);
    for (Date earlier = *Date::from_civil(year, 10, 1); earlier < fixing;
         earlier = *earlier.plus_days(1)) {
      EXPECT_GE(earlier.weekday(), Weekday::saturday) << year;
    }
  }
}

TEST(ExchangeRates, TransitRuleTable) {
  // A daily series around the fixing days: only the first working day of October counts, and
  // it applies from 1 January of the next year for the whole year.
  const std::vector<RateObservation> observations = {
      {KZT, day("2024-09-30"), dec("520")},    {KZT, day("2024-10-01"), dec("534")},
      {KZT, day("2024-10-02"), dec("536")},    {KZT, day("2025-09-30"), dec("640")},
      {KZT, day("2025-10-01"), dec("644.5")},  // Wednesday: the fixing.
      {KZT, day("2025-10-02"), dec("650")},    {USD, day("2022-10-01"), dec("0.98")},  // Sat.
      {USD, day("2022-10-03"), dec("0.9764")},  // Monday: the fixing.
  };
  ExchangeRateTable table;
  size_t failed_index = 99;
  ASSERT_EQ(build_transit_rule_table(EUR, observations, &table, &failed_index), RateTableError::ok);
  const std::vector<RateEntry> expected = {entry(KZT, "2025-01-01", "534"),
                                           entry(KZT, "2026-01-01", "644.5"),
                                           entry(USD, "2023-01-01", "0.9764")};
  EXPECT_EQ(std::vector<RateEntry>(table.entries().begin(), table.entries().end()), expected);
  EXPECT_EQ(failed_index, 99u);
  const struct {
    const char* date;
    const char* rate;
  } lookups[] = {
      {"2025-10-01", "534"},  // The new fixing is not in force before 1 January.
      {"2025-12-31", "534"},
      {"2026-01-01", "644.5"},
      {"2026-12-31", "644.5"},
  };
  for (const auto& c : lookups) {
    EXPECT_EQ(table.rate_at(KZT, day(c.date)), dec(c.rate)) << c.date;
  }
  EXPECT_FALSE(table.rate_at(KZT, day("2024-12-31")).has_value());

  EXPECT_FALSE(transit_rule_entry({KZT, day("2025-10-02"), dec("1")}).has_value());
  EXPECT_EQ(transit_rule_entry({KZT, day("2025-10-01"), dec("1")}), entry(KZT, "2026-01-01", "1"));
}

TEST(ExchangeRates, TransitRuleTableErrors) {
  ExchangeRateTable table;
  ASSERT_EQ(table.add(entry(KZT, "2020-01-01", "400")), RateTableError::ok);
  const ExchangeRateTable before = table;
  const struct {
    const char* name;
    std::vector<RateObservation> observations;
    RateTableError expected;
    size_t index;
  } cases[] = {
      {"two fixings one day",
       {{KZT, day("2025-10-01"), dec("1")},
        {USD, day("2025-10-01"), dec("1")},
        {KZT, day("2025-10-01"), dec("2")}},
       RateTableError::entry_exists,
       2},
      {"base",
       {{USD, day("2025-10-02"), dec("1")}, {EUR, day("2025-10-01"), dec("1")}},
       RateTableError::currency_is_base,
       1},
      {"zero", {{KZT, day("2025-10-01"), dec("0")}}, RateTableError::rate_not_positive, 0},
      {"year 9999", {{KZT, day("9999-10-01"), dec("1")}}, RateTableError::date_out_of_range, 0},
  };
  for (const auto& c : cases) {
    size_t failed_index = 99;
    EXPECT_EQ(build_transit_rule_table(EUR, c.observations, &table, &failed_index), c.expected)
        << c.name;
    EXPECT_EQ(failed_index, c.index) << c.name;
    EXPECT_EQ(std::vector<RateEntry>(table.entries().begin(), table.entries().end()),
              std::vector<RateEntry>(before.entries().begin(), before.entries().end()))
        << c.name;
  }
}

}  // namespace
}  // namespace kervan
