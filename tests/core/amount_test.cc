#include "core/amount.h"

#include <gtest/gtest.h>

#include <compare>
#include <set>
#include <string>

namespace kervan {
namespace {

// "1234.56 EUR": readable failure messages for amounts.
std::string text(Amount a) {
  return format_amount(a) + " " + std::string(currency_code(a.currency()));
}
Amount eur(i128 minor) {
  return Amount::from_minor(minor, Currency::eur);
}
Amount usd(i128 minor) {
  return Amount::from_minor(minor, Currency::usd);
}
Amount jpy(i128 minor) {
  return Amount::from_minor(minor, Currency::jpy);
}
Amount kwd(i128 minor) {
  return Amount::from_minor(minor, Currency::kwd);
}

// A result that a test never expects, to show that an error leaves *out unchanged.
const Amount sentinel = Amount::from_minor(-777, Currency::chf);

struct ParseCase {
  const char* text;
  Currency currency;
  ParseNumberError error;
  i128 minor;  // When error is ok.
};

using PE = ParseNumberError;
constexpr Currency EUR = Currency::eur;
constexpr Currency JPY = Currency::jpy;
constexpr Currency KWD = Currency::kwd;

const ParseCase parse_cases[] = {
    // Valid, exponent 2.
    {"1234.56", EUR, PE::ok, 123456},
    {"-1234.56", EUR, PE::ok, -123456},
    {"0", EUR, PE::ok, 0},
    {"0.00", EUR, PE::ok, 0},
    {"-0", EUR, PE::ok, 0},
    {"-0.00", EUR, PE::ok, 0},
    {"-0.05", EUR, PE::ok, -5},
    {"0.5", EUR, PE::ok, 50},
    {"1", EUR, PE::ok, 100},
    {"007.50", EUR, PE::ok, 750},
    {"1701411834604692317316873037158841057.27", EUR, PE::ok, i128_max},
    {"-1701411834604692317316873037158841057.28", EUR, PE::ok, i128_min},
    // Valid, exponents 0 and 3.
    {"100", JPY, PE::ok, 100},
    {"-1", JPY, PE::ok, -1},
    {"170141183460469231731687303715884105727", JPY, PE::ok, i128_max},
    {"-170141183460469231731687303715884105728", JPY, PE::ok, i128_min},
    {"1.234", KWD, PE::ok, 1234},
    {"0.001", KWD, PE::ok, 1},
    {"-0.5", KWD, PE::ok, -500},
    {"-170141183460469231731687303715884105.728", KWD, PE::ok, i128_min},
    // empty.
    {"", EUR, PE::empty, 0},
    // missing_integer_digits.
    {"-", EUR, PE::missing_integer_digits, 0},
    {".", EUR, PE::missing_integer_digits, 0},
    {".5", EUR, PE::missing_integer_digits, 0},
    {"-.5", EUR, PE::missing_integer_digits, 0},
    // missing_fraction_digits.
    {"1.", EUR, PE::missing_fraction_digits, 0},
    {"-1.", EUR, PE::missing_fraction_digits, 0},
    {"1.", JPY, PE::missing_fraction_digits, 0},
    // invalid_character.
    {"+1", EUR, PE::invalid_character, 0},
    {" 1", EUR, PE::invalid_character, 0},
    {"1 ", EUR, PE::invalid_character, 0},
    {"1,000.00", EUR, PE::invalid_character, 0},
    {"1'000", EUR, PE::invalid_character, 0},
    {"1e5", EUR, PE::invalid_character, 0},
    {"1.5e3", EUR, PE::invalid_character, 0},
    {"1.2.3", EUR, PE::invalid_character, 0},
    {"1..5", EUR, PE::invalid_character, 0},
    {"1.x", EUR, PE::invalid_character, 0},
    {"--1", EUR, PE::invalid_character, 0},
    {"-+1", EUR, PE::invalid_character, 0},
    {"0x10", EUR, PE::invalid_character, 0},
    {"1-", EUR, PE::invalid_character, 0},
    {"EUR 1", EUR, PE::invalid_character, 0},
    {"\xd9\xa1", EUR, PE::invalid_character, 0},  // Arabic-Indic digit one.
    {"1.234x", EUR, PE::invalid_character, 0},    // Syntax is checked before the digit count.
    // too_many_fraction_digits: never rounded, trailing zeros count.
    {"1.234", EUR, PE::too_many_fraction_digits, 0},
    {"1.230", EUR, PE::too_many_fraction_digits, 0},
    {"0.001", EUR, PE::too_many_fraction_digits, 0},
    {"100.0", JPY, PE::too_many_fraction_digits, 0},
    {"1.2345", KWD, PE::too_many_fraction_digits, 0},
    {"99999999999999999999999999999999999999999.999", EUR, PE::too_many_fraction_digits, 0},
    // overflow.
    {"1701411834604692317316873037158841057.28", EUR, PE::overflow, 0},
    {"-1701411834604692317316873037158841057.29", EUR, PE::overflow, 0},
    {"170141183460469231731687303715884105728", JPY, PE::overflow, 0},
    {"-170141183460469231731687303715884105729", JPY, PE::overflow, 0},
    {"340282366920938463463374607431768211456", JPY, PE::overflow, 0},  // Above u128 too.
    {"99999999999999999999999999999999999999999", EUR, PE::overflow, 0},
    {"3402823669209384634633746074317682114.56", EUR, PE::overflow, 0},
};

TEST(Amount, ParsesExactlyOrReportsTheFirstError) {
  for (const ParseCase& c : parse_cases) {
    SCOPED_TRACE(std::string("\"") + c.text + "\" " + std::string(currency_code(c.currency)));
    Amount out = sentinel;
    EXPECT_EQ(result_name(parse_amount(c.text, c.currency, &out)), result_name(c.error));
    const Amount expected = c.error == PE::ok ? Amount::from_minor(c.minor, c.currency) : sentinel;
    EXPECT_EQ(text(out), text(expected));
  }
}

TEST(Amount, EveryParseErrorIsReachable) {
  std::set<ParseNumberError> seen;
  for (const ParseCase& c : parse_cases) seen.insert(c.error);
  EXPECT_EQ(seen.size(), 7u);  // ok plus the six errors.
}

struct FormatCase {
  i128 minor;
  Currency currency;
  const char* text;
};

const FormatCase format_cases[] = {
    {123456, EUR, "1234.56"},
    {-5, EUR, "-0.05"},
    {5, EUR, "0.05"},
    {50, EUR, "0.50"},
    {0, EUR, "0.00"},
    {100, EUR, "1.00"},
    {-100, EUR, "-1.00"},
    {-123456, EUR, "-1234.56"},
    {100, JPY, "100"},
    {0, JPY, "0"},
    {-1, JPY, "-1"},
    {1, KWD, "0.001"},
    {-1234, KWD, "-1.234"},
    {1000, KWD, "1.000"},
    {i128_max, EUR, "1701411834604692317316873037158841057.27"},
    {i128_min, EUR, "-1701411834604692317316873037158841057.28"},
    {i128_max, JPY, "170141183460469231731687303715884105727"},
    {i128_min, JPY, "-170141183460469231731687303715884105728"},
    {i128_min, KWD, "-170141183460469231731687303715884105.728"},
};

TEST(Amount, FormatsExactly) {
  for (const FormatCase& c : format_cases) {
    EXPECT_EQ(format_amount(Amount::from_minor(c.minor, c.currency)), c.text);
  }
}

// Values that exercise padding, the point, the sign and the i128 edges at every exponent.
// clang-format off
const i128 round_trip_minors[] = {
    0, 1, -1, 5, -5, 9, 10, 99, 100, 101, 999, 1000, 1001, 123456, -123456,
    1'000'000'000'000'000'000, i128_max, i128_max - 1, i128_min, i128_min + 1,
};
// clang-format on

TEST(Amount, FormatThenParseRoundTripsInEveryCurrency) {
  for (Currency currency : known_currencies()) {
    for (i128 minor : round_trip_minors) {
      const Amount a = Amount::from_minor(minor, currency);
      Amount back = sentinel;
      ASSERT_EQ(parse_amount(format_amount(a), currency, &back), PE::ok) << text(a);
      EXPECT_EQ(back, a) << text(a);
    }
  }
}

TEST(Amount, ExhaustiveSmallValuesRoundTripAtExponents0And2And3) {
  for (Currency currency : {JPY, EUR, KWD}) {
    for (int64_t minor = -20'000; minor <= 20'000; ++minor) {
      const Amount a = Amount::from_minor(minor, currency);
      Amount back = sentinel;
      ASSERT_EQ(parse_amount(format_amount(a), currency, &back), PE::ok) << text(a);
      ASSERT_EQ(back, a) << text(a);
    }
  }
}

enum class Op { add, sub };

struct ArithmeticCase {
  Op op;
  Amount a;
  Amount b;
  MoneyError error;
  i128 minor;  // When error is ok; the currency is a's.
};

const ArithmeticCase arithmetic_cases[] = {
    {Op::add, eur(1), eur(2), MoneyError::ok, 3},
    {Op::add, eur(-5), eur(2), MoneyError::ok, -3},
    {Op::add, jpy(100), jpy(0), MoneyError::ok, 100},
    {Op::add, eur(i128_max - 1), eur(1), MoneyError::ok, i128_max},
    {Op::add, eur(i128_max), eur(i128_min), MoneyError::ok, -1},
    {Op::add, eur(i128_min), eur(0), MoneyError::ok, i128_min},
    {Op::add, eur(i128_max), eur(1), MoneyError::overflow, 0},
    {Op::add, eur(i128_max), eur(i128_max), MoneyError::overflow, 0},
    {Op::add, eur(i128_min), eur(-1), MoneyError::overflow, 0},
    {Op::add, eur(1), usd(1), MoneyError::currency_mismatch, 0},
    {Op::add, eur(i128_max), usd(1), MoneyError::currency_mismatch, 0},  // Mismatch first.
    {Op::sub, eur(5), eur(7), MoneyError::ok, -2},
    {Op::sub, eur(-1), eur(i128_max), MoneyError::ok, i128_min},
    {Op::sub, eur(i128_min + 1), eur(1), MoneyError::ok, i128_min},
    {Op::sub, eur(i128_min), eur(1), MoneyError::overflow, 0},
    {Op::sub, eur(i128_max), eur(-1), MoneyError::overflow, 0},
    {Op::sub, eur(0), eur(i128_min), MoneyError::overflow, 0},
    {Op::sub, kwd(1), jpy(1), MoneyError::currency_mismatch, 0},
};

TEST(Amount, CheckedAddAndSubReportMismatchThenOverflow) {
  for (const ArithmeticCase& c : arithmetic_cases) {
    SCOPED_TRACE(text(c.a) + (c.op == Op::add ? " + " : " - ") + text(c.b));
    Amount out = sentinel;
    const MoneyError error =
        c.op == Op::add ? checked_add(c.a, c.b, &out) : checked_sub(c.a, c.b, &out);
    EXPECT_EQ(result_name(error), result_name(c.error));
    const Amount expected = c.error == MoneyError::ok ? c.a.with_minor(c.minor) : sentinel;
    EXPECT_EQ(text(out), text(expected));
  }
}

TEST(Amount, NegateOverflowsOnlyAtMin) {
  const struct {
    i128 minor;
    MoneyError error;
    i128 negated;
  } cases[] = {
      {0, MoneyError::ok, 0},
      {5, MoneyError::ok, -5},
      {-5, MoneyError::ok, 5},
      {i128_max, MoneyError::ok, -i128_max},
      {i128_min + 1, MoneyError::ok, i128_max},
      {i128_min, MoneyError::overflow, 0},
  };
  for (const auto& c : cases) {
    Amount out = sentinel;
    EXPECT_EQ(checked_negate(eur(c.minor), &out), c.error) << text(eur(c.minor));
    EXPECT_EQ(text(out), text(c.error == MoneyError::ok ? eur(c.negated) : sentinel));
  }
}

TEST(Amount, CompareRequiresTheSameCurrency) {
  const struct {
    Amount a;
    Amount b;
    MoneyError error;
    std::strong_ordering order;
  } cases[] = {
      {eur(1), eur(2), MoneyError::ok, std::strong_ordering::less},
      {eur(2), eur(2), MoneyError::ok, std::strong_ordering::equal},
      {eur(3), eur(2), MoneyError::ok, std::strong_ordering::greater},
      {eur(-1), eur(0), MoneyError::ok, std::strong_ordering::less},
      {eur(i128_min), eur(i128_max), MoneyError::ok, std::strong_ordering::less},
      {jpy(i128_max), jpy(i128_min), MoneyError::ok, std::strong_ordering::greater},
      // 1 EUR and 1 USD have no order; *out keeps the caller's value (equivalent here).
      {eur(100), usd(100), MoneyError::currency_mismatch, std::strong_ordering::equivalent},
      {eur(0), jpy(0), MoneyError::currency_mismatch, std::strong_ordering::equivalent},
  };
  for (const auto& c : cases) {
    std::strong_ordering order = std::strong_ordering::equivalent;
    EXPECT_EQ(compare(c.a, c.b, &order), c.error) << text(c.a) << " <=> " << text(c.b);
    EXPECT_TRUE(order == c.order) << text(c.a) << " <=> " << text(c.b);
  }
}

TEST(Amount, EqualityIncludesTheCurrency) {
  EXPECT_EQ(eur(100), eur(100));
  EXPECT_NE(eur(100), usd(100));
  EXPECT_NE(eur(100), eur(101));
  EXPECT_EQ(Amount(), Amount());
  EXPECT_EQ(Amount().currency(), Currency::none);
  EXPECT_TRUE(Amount().minor() == 0);
  EXPECT_EQ(Amount::zero(Currency::gel), Amount::from_minor(0, Currency::gel));
  EXPECT_EQ(eur(5).with_minor(-7), eur(-7));
}

TEST(Amount, ResultNamesAreDistinct) {
  std::set<std::string_view> money_names;
  for (int number = 0; number <= 7; ++number) {
    money_names.insert(result_name(static_cast<MoneyError>(number)));
  }
  EXPECT_EQ(money_names.size(), 8u);
  EXPECT_EQ(money_names.count("unknown"), 0u);
  EXPECT_EQ(result_name(static_cast<MoneyError>(8)), "unknown");
  EXPECT_EQ(result_name(MoneyError::shares_sum_zero), "shares_sum_zero");

  std::set<std::string_view> parse_names;
  for (int number = 0; number <= 6; ++number) {
    parse_names.insert(result_name(static_cast<ParseNumberError>(number)));
  }
  EXPECT_EQ(parse_names.size(), 7u);
  EXPECT_EQ(parse_names.count("unknown"), 0u);
  EXPECT_EQ(result_name(static_cast<ParseNumberError>(7)), "unknown");
  EXPECT_EQ(result_name(ParseNumberError::too_many_fraction_digits), "too_many_fraction_digits");
}

TEST(AmountDeathTest, PlaceholderOperandIsAProgrammerError) {
  Amount out;
  EXPECT_DEATH((void)checked_add(Amount(), eur(1), &out), "assertion failed");
  EXPECT_DEATH((void)Amount::from_minor(1, static_cast<Currency>(977)), "assertion failed");
}

}  // namespace
}  // namespace kervan
