#include "core/decimal.h"

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <random>
#include <string>
#include <vector>

namespace kervan {
namespace {

using BigInt = boost::multiprecision::cpp_int;

std::string text(Amount a) {
  return format_amount(a) + " " + std::string(currency_code(a.currency()));
}
// A decimal from text the test knows to be valid.
Decimal dec(const char* text) {
  Decimal value;
  const ParseNumberError error = parse_decimal(text, &value);
  EXPECT_EQ(error, ParseNumberError::ok) << text;
  return value;
}
BigInt big(i128 value) {
  return BigInt(to_string_i128(value));
}

const Amount sentinel = Amount::from_minor(-777, Currency::chf);
constexpr Currency EUR = Currency::eur;
constexpr Currency JPY = Currency::jpy;
constexpr Currency KWD = Currency::kwd;
constexpr Currency KZT = Currency::kzt;
constexpr Currency USD = Currency::usd;
constexpr Currency RUB = Currency::rub;
constexpr i128 two_to_126 = i128{1} << 126;

using PE = ParseNumberError;

TEST(Decimal, ParsesExactlyIntoCanonicalForm) {
  const struct {
    const char* text;
    PE error;
    i128 mantissa;
    uint8_t scale;
  } cases[] = {
      {"1.0825", PE::ok, 10825, 4},
      {"0.175", PE::ok, 175, 3},
      {"16", PE::ok, 16, 0},
      {"85.065", PE::ok, 85065, 3},
      {"520.5", PE::ok, 5205, 1},
      {"1.50", PE::ok, 15, 1},  // Trailing zeros are dropped: 1.50 == 1.5.
      {"16.000", PE::ok, 16, 0},
      {"0.000", PE::ok, 0, 0},
      {"-0", PE::ok, 0, 0},
      {"-0.5", PE::ok, -5, 1},
      {"00.10", PE::ok, 1, 1},
      {"0.000000000000000000000000000001", PE::ok, 1, 30},
      {"170141183460469231731687303715884105727", PE::ok, i128_max, 0},
      {"-170141183460469231731687303715884105728", PE::ok, i128_min, 0},
      {"17014118346046923.1731687303715884105727", PE::ok, i128_max, 22},
      {"", PE::empty, 0, 0},
      {"-", PE::missing_integer_digits, 0, 0},
      {".", PE::missing_integer_digits, 0, 0},
      {".5", PE::missing_integer_digits, 0, 0},
      {"1.", PE::missing_fraction_digits, 0, 0},
      {"1,5", PE::invalid_character, 0, 0},
      {"1e3", PE::invalid_character, 0, 0},
      {"+1", PE::invalid_character, 0, 0},
      {"12 %", PE::invalid_character, 0, 0},
      {"0.0000000000000000000000000000001", PE::too_many_fraction_digits, 0, 0},  // 31 digits.
      {"1.0000000000000000000000000000000", PE::too_many_fraction_digits, 0, 0},  // Zeros count.
      {"170141183460469231731687303715884105728", PE::overflow, 0, 0},
      {"-170141183460469231731687303715884105729", PE::overflow, 0, 0},
      {"17014118346046923.1731687303715884105728", PE::overflow, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const Decimal unchanged = Decimal::from_parts(-42, 1);
    Decimal out = unchanged;
    EXPECT_EQ(result_name(parse_decimal(c.text, &out)), result_name(c.error));
    if (c.error != PE::ok) {
      EXPECT_EQ(out, unchanged);
      continue;
    }
    EXPECT_EQ(to_string_i128(out.mantissa()), to_string_i128(c.mantissa));
    EXPECT_EQ(out.scale(), c.scale);
  }
}

TEST(Decimal, FormatsTheShortestExactTextAndRoundTrips) {
  const struct {
    Decimal value;
    const char* text;
  } cases[] = {
      {Decimal(), "0"},
      {Decimal::from_parts(10825, 4), "1.0825"},
      {Decimal::from_parts(1500, 3), "1.5"},
      {Decimal::from_parts(-5, 1), "-0.5"},
      {Decimal::from_parts(1, 30), "0.000000000000000000000000000001"},
      {Decimal::from_parts(-160, 1), "-16"},
      {Decimal::from_integer(16), "16"},
      {Decimal::from_parts(i128_min, 30), "-170141183.460469231731687303715884105728"},
      {Decimal::from_parts(i128_max, 0), "170141183460469231731687303715884105727"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(format_decimal(c.value), c.text);
    Decimal back;
    ASSERT_EQ(parse_decimal(format_decimal(c.value), &back), PE::ok) << c.text;
    EXPECT_EQ(back, c.value) << c.text;
  }
  EXPECT_EQ(Decimal::from_parts(1500, 3), Decimal::from_parts(15, 1));
  EXPECT_EQ(Decimal::from_parts(0, 30), Decimal());
  EXPECT_NE(Decimal::from_parts(15, 1), Decimal::from_parts(15, 2));
}

struct ApplyCase {
  i128 minor;
  const char* rate;
  MoneyError error;
  i128 expected;
};

// The half-even table of decimal.h, through apply_fraction (minor units x fraction).
const ApplyCase fraction_cases[] = {
    {12345, "0.175", MoneyError::ok, 2160},  // 2160.375
    {25, "0.1", MoneyError::ok, 2},          // 2.5 tie -> even 2
    {35, "0.1", MoneyError::ok, 4},          // 3.5 tie -> even 4
    {15, "0.1", MoneyError::ok, 2},          // 1.5 tie -> even 2
    {5, "0.1", MoneyError::ok, 0},           // 0.5 tie -> even 0
    {-25, "0.1", MoneyError::ok, -2},        // -2.5 tie -> even -2
    {-35, "0.1", MoneyError::ok, -4},        // -3.5 tie -> even -4
    {-5, "0.1", MoneyError::ok, 0},          // -0.5 tie -> 0
    {251, "0.01", MoneyError::ok, 3},        // 2.51
    {249, "0.01", MoneyError::ok, 2},        // 2.49
    {-251, "0.01", MoneyError::ok, -3},      // -2.51
    {25, "-0.1", MoneyError::ok, -2},        // A negative fraction flips the sign.
    {-35, "-0.1", MoneyError::ok, 4},
    {100, "1", MoneyError::ok, 100},
    {100, "0", MoneyError::ok, 0},
    {i128_max, "1", MoneyError::ok, i128_max},
    {i128_min, "1", MoneyError::ok, i128_min},
    {i128_max, "-1", MoneyError::ok, -i128_max},
    {i128_max, "0.5", MoneyError::ok, two_to_126},  // 2^126 - 0.5 tie -> even 2^126
    {i128_min, "0.5", MoneyError::ok, -two_to_126},
    {i128_max, "2", MoneyError::overflow, 0},
    {i128_min, "-1", MoneyError::overflow, 0},
    {i128_max, "1.000000000000000000000000000001", MoneyError::overflow, 0},
};

const ApplyCase percent_cases[] = {
    {100000, "12", MoneyError::ok, 12000},    // VAT 12 % of 1000.00 = 120.00.
    {5, "12", MoneyError::ok, 1},             // 0.6
    {1234567, "20", MoneyError::ok, 246913},  // 246913.4
    {12345, "17.5", MoneyError::ok, 2160},    // 2160.375
    {250, "1", MoneyError::ok, 2},            // 2.5 tie -> 2
    {350, "1", MoneyError::ok, 4},            // 3.5 tie -> 4
    {-250, "1", MoneyError::ok, -2},
    {100000001, "85.065", MoneyError::ok, 85065001},  // 85065000.85065
    {i128_max, "100", MoneyError::ok, i128_max},
    {i128_min, "100", MoneyError::ok, i128_min},
    {i128_min, "-100", MoneyError::overflow, 0},
    {i128_max, "100.000000000000000000000000001", MoneyError::overflow, 0},
};

void check_apply(const ApplyCase& c, bool percent) {
  SCOPED_TRACE(to_string_i128(c.minor) + " x " + c.rate + (percent ? " %" : ""));
  const Amount amount = Amount::from_minor(c.minor, EUR);
  Amount out = sentinel;
  const MoneyError error = percent ? apply_percent(amount, dec(c.rate), &out)
                                   : apply_fraction(amount, dec(c.rate), &out);
  EXPECT_EQ(result_name(error), result_name(c.error));
  const Amount expected = c.error == MoneyError::ok ? amount.with_minor(c.expected) : sentinel;
  EXPECT_EQ(text(out), text(expected));
}

TEST(Decimal, ApplyFractionRoundsOnceHalfEven) {
  for (const ApplyCase& c : fraction_cases) check_apply(c, false);
}

TEST(Decimal, ApplyPercentRoundsOnceHalfEven) {
  for (const ApplyCase& c : percent_cases) check_apply(c, true);
}

TEST(Decimal, ConvertTakesExponentsIntoAccount) {
  const struct {
    Amount amount;
    const char* rate;
    Currency target;
    MoneyError error;
    i128 expected;
  } cases[] = {
      {Amount::from_minor(10000, EUR), "520.5", KZT, MoneyError::ok, 5205000},
      {Amount::from_minor(-10000, EUR), "520.5", KZT, MoneyError::ok, -5205000},
      {Amount::from_minor(10000, EUR), "161.25", JPY, MoneyError::ok, 16125},
      {Amount::from_minor(16125, JPY), "0.00625", EUR, MoneyError::ok, 10078},  // 10078.125
      {Amount::from_minor(10000, EUR), "160", JPY, MoneyError::ok, 16000},
      {Amount::from_minor(16000, JPY), "0.00625", EUR, MoneyError::ok, 10000},  // And back.
      {Amount::from_minor(1, JPY), "0.005", EUR, MoneyError::ok, 0},            // 0.5 -> 0
      {Amount::from_minor(3, JPY), "0.005", EUR, MoneyError::ok, 2},            // 1.5 -> 2
      {Amount::from_minor(5, JPY), "0.005", EUR, MoneyError::ok, 2},            // 2.5 -> 2
      {Amount::from_minor(100, EUR), "0.3321", KWD, MoneyError::ok, 332},       // 332.1
      {Amount::from_minor(1000, KWD), "3.0111", EUR, MoneyError::ok, 301},      // 301.11
      {Amount::from_minor(1, KWD), "1", JPY, MoneyError::ok, 0},                // 0.001
      {Amount::from_minor(12345, EUR), "1", EUR, MoneyError::ok, 12345},
      {Amount::from_minor(1, EUR), "1.5", USD, MoneyError::ok, 2},
      {Amount::from_minor(1, EUR), "2.5", USD, MoneyError::ok, 2},
      {Amount::from_minor(i128_max, EUR), "1", JPY, MoneyError::ok,
       i128_max / 100},  // ...057.27 -> ...057
      {Amount::from_minor(i128_min, EUR), "1", JPY, MoneyError::ok,
       i128_min / 100},  // -...057.28 -> -...057
      {Amount::from_minor(i128_max, JPY), "1", EUR, MoneyError::overflow, 0},
      {Amount::from_minor(i128_max, EUR), "1.000000000000000000000000000001", USD,
       MoneyError::overflow, 0},
      {Amount::from_minor(100, EUR), "0", USD, MoneyError::rate_not_positive, 0},
      {Amount::from_minor(100, EUR), "-1", USD, MoneyError::rate_not_positive, 0},
      {Amount::from_minor(i128_max, JPY), "0", EUR, MoneyError::rate_not_positive, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(text(c.amount) + " at " + c.rate + " " + std::string(currency_code(c.target)));
    Amount out = sentinel;
    EXPECT_EQ(result_name(convert(c.amount, dec(c.rate), c.target, &out)), result_name(c.error));
    const Amount expected =
        c.error == MoneyError::ok ? Amount::from_minor(c.expected, c.target) : sentinel;
    EXPECT_EQ(text(out), text(expected));
  }
}

struct SplitCase {
  const char* name;
  Amount total;
  std::vector<const char*> shares;
  MoneyError error;
  std::vector<i128> parts;  // When error is ok.
};

std::vector<SplitCase> split_cases() {
  const std::vector<const char*> eaeu = {"85.065", "6.955", "4.86", "1.9", "1.22"};
  const std::vector<const char*> thirds = {"1", "1", "1"};
  const Amount eur_max = Amount::from_minor(i128_max, EUR);
  const Amount eur_min = Amount::from_minor(i128_min, EUR);
  const i128 min_third = i128_min / 3;  // -...242 (truncated toward zero).
  return {
      {"one cent in thirds", Amount::from_minor(1, EUR), thirds, MoneyError::ok, {1, 0, 0}},
      {"two cents in thirds", Amount::from_minor(2, EUR), thirds, MoneyError::ok, {1, 1, 0}},
      {"100 cents in thirds", Amount::from_minor(100, EUR), thirds, MoneyError::ok, {34, 33, 33}},
      {"-100 cents in thirds",
       Amount::from_minor(-100, EUR),
       thirds,
       MoneyError::ok,
       {-34, -33, -33}},
      {"-1 cent in thirds", Amount::from_minor(-1, EUR), thirds, MoneyError::ok, {-1, 0, 0}},
      {"EAEU 1,000,000.01 RUB",
       Amount::from_minor(100000001, RUB),
       eaeu,
       MoneyError::ok,
       {85065001, 6955000, 4860000, 1900000, 1220000}},
      {"EAEU 1.00 RUB", Amount::from_minor(100, RUB), eaeu, MoneyError::ok, {85, 7, 5, 2, 1}},
      {"quarters from halves",
       Amount::from_minor(100, EUR),
       {"0.5", "1.5"},
       MoneyError::ok,
       {25, 75}},
      {"quarters from integers",
       Amount::from_minor(100, EUR),
       {"1", "3"},
       MoneyError::ok,
       {25, 75}},
      {"zero shares get zero",
       Amount::from_minor(10, EUR),
       {"0", "1", "0"},
       MoneyError::ok,
       {0, 10, 0}},
      {"zero share never takes a unit",
       Amount::from_minor(1, EUR),
       {"0", "1", "1"},
       MoneyError::ok,
       {0, 1, 0}},
      {"largest remainder first",
       Amount::from_minor(5, EUR),
       {"33.333", "33.333", "33.334"},
       MoneyError::ok,
       {2, 1, 2}},
      {"equal remainders: lower index",
       Amount::from_minor(1, EUR),
       {"2", "1", "2"},
       MoneyError::ok,
       {1, 0, 0}},
      {"one share takes all", Amount::from_minor(7, JPY), {"0.001"}, MoneyError::ok, {7}},
      {"zero total", Amount::from_minor(0, EUR), {"1", "2", "3"}, MoneyError::ok, {0, 0, 0}},
      {"max in halves", eur_max, {"1", "1"}, MoneyError::ok, {two_to_126, two_to_126 - 1}},
      {"min in thirds", eur_min, thirds, MoneyError::ok, {min_third - 1, min_third - 1, min_third}},
      {"min whole", eur_min, {"5"}, MoneyError::ok, {i128_min}},
      {"no shares", Amount::from_minor(100, EUR), {}, MoneyError::shares_empty, {}},
      {"negative share", Amount::from_minor(100, EUR), {"1", "-1"}, MoneyError::share_negative, {}},
      {"negative before zero sum",
       Amount::from_minor(100, EUR),
       {"0", "-0.1"},
       MoneyError::share_negative,
       {}},
      {"all zero", Amount::from_minor(100, EUR), {"0", "0.000"}, MoneyError::shares_sum_zero, {}},
  };
}

TEST(Decimal, SplitConservesTheTotalByLargestRemainder) {
  for (const SplitCase& c : split_cases()) {
    SCOPED_TRACE(c.name);
    std::vector<Decimal> shares;
    for (const char* share : c.shares) shares.push_back(dec(share));
    std::vector<Amount> out(shares.size(), sentinel);
    EXPECT_EQ(result_name(split(c.total, shares, out)), result_name(c.error));
    for (size_t i = 0; i < out.size(); ++i) {
      const Amount expected =
          c.error == MoneyError::ok ? c.total.with_minor(c.parts.at(i)) : sentinel;
      EXPECT_EQ(text(out[i]), text(expected)) << "part " << i;
    }
  }
}

TEST(Decimal, SplitRejectsMoreThanTheShareLimit) {
  for (size_t count : {split_shares_max, split_shares_max + 1}) {
    std::vector<Decimal> shares(count, Decimal::from_integer(1));
    shares.back() = Decimal::from_integer(-1);  // Too many is reported before negative.
    std::vector<Amount> out(count, sentinel);
    const MoneyError expected =
        count > split_shares_max ? MoneyError::shares_too_many : MoneyError::share_negative;
    EXPECT_EQ(split(Amount::from_minor(1, EUR), shares, out), expected) << count;
    EXPECT_EQ(out.front(), sentinel);
  }
  std::vector<Decimal> shares(split_shares_max, Decimal::from_integer(1));
  std::vector<Amount> out(split_shares_max);
  ASSERT_EQ(split(Amount::from_minor(-63, EUR), shares, out), MoneyError::ok);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i], Amount::from_minor(i < 63 ? -1 : 0, EUR)) << i;
  }
}

// A total of one of several magnitudes, including the i128 edges.
i128 random_total(std::mt19937_64& rng) {
  const uint64_t a = rng();
  const uint64_t b = rng();
  const bool negative = (a & 1) != 0;
  i128 magnitude = 0;
  switch ((a >> 1) % 5) {
    case 0:
      magnitude = static_cast<i128>(b % 1000);
      break;
    case 1:
      magnitude = static_cast<i128>(b % 1'000'000'000'000'000);
      break;
    case 2:
      magnitude = static_cast<i128>(make_u128(b >> 1, rng()));
      break;  // Up to 2^127.
    case 3:
      return negative ? i128_min : i128_max;
    default:
      magnitude = static_cast<i128>(b % 4);
      break;
  }
  return negative ? -magnitude : magnitude;
}

TEST(Decimal, SplitPropertyOverSeededRandomTotalsAndShares) {
  constexpr uint64_t seed_base = 0x6b657276616e;  // "kervan"
  constexpr int iterations = 4000;
  for (int iteration = 0; iteration < iterations; ++iteration) {
    const uint64_t seed = seed_base + static_cast<uint64_t>(iteration);
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const size_t count = iteration % 10 == 0 ? 1 + rng() % split_shares_max : 1 + rng() % 8;
    std::vector<Decimal> shares;
    for (size_t i = 0; i < count; ++i) {
      const bool zero = rng() % 8 == 0;
      const auto mantissa = static_cast<i128>(zero ? 0 : rng() % 10'000'000);
      shares.push_back(Decimal::from_parts(mantissa, static_cast<uint8_t>(rng() % 6)));
    }
    if (rng() % 2 == 0) shares[0] = Decimal::from_parts(1, decimal_scale_max);  // Tiny share.
    if (shares[count - 1].mantissa() == 0) shares[count - 1] = Decimal::from_integer(1);
    const Amount total = Amount::from_minor(random_total(rng), Currency::kzt);
    std::vector<Amount> parts(count);
    ASSERT_EQ(split(total, shares, parts), MoneyError::ok);

    // Oracle: exact shares with weights at the common scale, in arbitrary precision.
    uint8_t scale_common = 0;
    for (const Decimal& share : shares) scale_common = std::max(scale_common, share.scale());
    std::vector<BigInt> weights;
    BigInt weight_sum = 0;
    for (const Decimal& share : shares) {
      weights.push_back(big(share.mantissa()) *
                        boost::multiprecision::pow(BigInt(10), scale_common - share.scale()));
      weight_sum += weights.back();
    }
    BigInt sum = 0;
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(parts[i].currency(), total.currency());
      sum += big(parts[i].minor());
      // |part - total x w / W| < 1, i.e. |part x W - total x w| < W.
      const BigInt error = big(parts[i].minor()) * weight_sum - big(total.minor()) * weights[i];
      ASSERT_LT(boost::multiprecision::abs(error), weight_sum) << "part " << i;
      ASSERT_GE(big(parts[i].minor()) * big(total.minor()), 0) << "part " << i;
    }
    ASSERT_EQ(sum, big(total.minor()));

    if (total.minor() != i128_min) {  // split(-x) == -split(x).
      std::vector<Amount> negated(count);
      ASSERT_EQ(split(total.with_minor(-total.minor()), shares, negated), MoneyError::ok);
      for (size_t i = 0; i < count; ++i) {
        ASSERT_TRUE(negated[i].minor() == -parts[i].minor()) << "part " << i;
      }
    }
  }
}

// Oracle for one half-even rounding, written with floor division instead of magnitudes.
i128 round_half_even_floor(i128 numerator, i128 denominator) {
  i128 floor = numerator / denominator;
  if (numerator % denominator != 0 && numerator < 0) floor -= 1;
  const i128 remainder = numerator - floor * denominator;  // 0 <= remainder < denominator.
  if (2 * remainder > denominator) return floor + 1;
  if (2 * remainder == denominator && floor % 2 != 0) return floor + 1;
  return floor;
}

TEST(Decimal, ApplyMatchesAFloorDivisionOracleOnSeededRandomCases) {
  constexpr uint64_t seed = 20240517;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int iteration = 0; iteration < 4000; ++iteration) {
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    const i128 minor = static_cast<i128>(rng() % 2'000'000'000) - 1'000'000'000;
    const i128 mantissa = static_cast<i128>(rng() % 2'000'000) - 1'000'000;
    const auto scale = static_cast<uint8_t>(rng() % 7);
    i128 denominator = 1;
    for (uint8_t i = 0; i < scale; ++i) denominator *= 10;
    const Decimal fraction = Decimal::from_parts(mantissa, scale);
    const Amount amount = Amount::from_minor(minor, USD);
    Amount by_fraction;
    ASSERT_EQ(apply_fraction(amount, fraction, &by_fraction), MoneyError::ok);
    ASSERT_EQ(text(by_fraction),
              text(amount.with_minor(round_half_even_floor(minor * mantissa, denominator))));
    // apply_percent(p) is apply_fraction(p / 100) with no intermediate rounding.
    Amount by_percent;
    ASSERT_EQ(apply_percent(amount, fraction, &by_percent), MoneyError::ok);
    ASSERT_EQ(text(by_percent),
              text(amount.with_minor(round_half_even_floor(minor * mantissa, denominator * 100))));
  }
}

TEST(DecimalDeathTest, SplitOutputOfTheWrongSizeIsAProgrammerError) {
  const Decimal shares[] = {Decimal::from_integer(1), Decimal::from_integer(1)};
  Amount out[1];
  EXPECT_DEATH((void)split(Amount::from_minor(1, EUR), shares, out), "assertion failed");
}

}  // namespace
}  // namespace kervan
