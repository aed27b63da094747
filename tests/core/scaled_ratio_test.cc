#include "core/scaled_ratio.h"

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <random>

namespace kervan {
namespace {

i128 ratio(u128 a, u128 b, unsigned up, u128 c, unsigned down, bool negative) {
  i128 out = 0;
  EXPECT_TRUE(scaled_ratio(a, b, up, c, down, negative, &out));
  return out;
}

i128 parse(const char* text) {
  const bool negative = text[0] == '-';
  u128 value = 0;
  for (const char* p = text + (negative ? 1 : 0); *p != '\0'; ++p) value = value * 10 + static_cast<u128>(*p - '0');
  return negative ? static_cast<i128>(u128{0} - value) : static_cast<i128>(value);
}

TEST(ScaledRatio, RoundsHalfToEvenOnBothSigns) {
  EXPECT_EQ(ratio(5, 1, 0, 2, 0, false), 2);   // 2.5
  EXPECT_EQ(ratio(7, 1, 0, 2, 0, false), 4);   // 3.5
  EXPECT_EQ(ratio(5, 1, 0, 2, 0, true), -2);   // -2.5
  EXPECT_EQ(ratio(7, 1, 0, 2, 0, true), -4);   // -3.5
  EXPECT_EQ(ratio(26, 1, 0, 10, 0, false), 3);  // 2.6
  EXPECT_EQ(ratio(24, 1, 0, 10, 1, false), 0);  // 0.24
  EXPECT_EQ(ratio(12345, 3, 2, 7, 1, false), 52907);  // 52907.142...
}

// Expected values computed with Python's integers (round half even by divmod).
TEST(ScaledRatio, ExactOnBothSidesOfThe128BitPath) {
  const u128 a = make_u128(1, 3);                  // 2^64 + 3
  const u128 b = make_u128(0, (uint64_t{1} << 63) + 11);  // 2^63 + 11
  // a x b < 2^128: the u128 path.
  EXPECT_EQ(ratio(a, b, 0, 7, 0, false), parse("24305883351495604566038800662464785852"));
  // a x b x 10 > 2^128: the wide path.
  EXPECT_EQ(ratio(a, b, 1, 13, 0, false), parse("130877833431130178432516618951733462278"));
  EXPECT_EQ(ratio(static_cast<u128>(parse("123456789012345678901234567")), 1000, 5, 3, 8, true),
            parse("-41152263004115226300411522"));
  const u128 ten37 = u128{10'000'000'000'000'000'000u} * u128{1'000'000'000'000'000'000u};
  EXPECT_EQ(ratio(ten37, 17, 1, ten37 + 1, 0, false), 170);  // Numerator 1.7e39: wide.
}

TEST(ScaledRatio, TheExtremesOfI128) {
  const u128 magnitude_min = static_cast<u128>(i128_max) + 1;  // |i128_min|
  EXPECT_EQ(ratio(magnitude_min, 1, 0, 1, 0, true), i128_min);
  EXPECT_EQ(ratio(static_cast<u128>(i128_max), 1, 0, 1, 0, false), i128_max);
  i128 out = 42;
  EXPECT_FALSE(scaled_ratio(magnitude_min, 1, 0, 1, 0, false, &out));  // 2^127 positive.
  EXPECT_FALSE(scaled_ratio(magnitude_min, 2, 0, 1, 0, true, &out));
  EXPECT_FALSE(scaled_ratio(1, 1, scaled_ratio_exponent_max, 1, 0, false, &out));
  EXPECT_EQ(out, 42);  // Unchanged on failure.
  // A huge numerator over a huge denominator still fits.
  EXPECT_EQ(ratio(magnitude_min, magnitude_min, scaled_ratio_exponent_max, magnitude_min,
                  scaled_ratio_exponent_max, true),
            i128_min);
}

// Each division the u128 path may take, at its edges, against unbounded integers: both
// operands within 64 bits; a 128-bit numerator over a 64-bit denominator whose quotient fits 64
// bits (x86-64's divq); a quotient past 64 bits; a denominator past 64 bits.
TEST(ScaledRatio, EveryDivisionPathAgreesWithUnboundedIntegers) {
  using boost::multiprecision::cpp_int;
  auto big = [](u128 v) { return (cpp_int(u128_high(v)) << 64) | cpp_int(u128_low(v)); };
  struct Case {
    u128 a, b, c;
  };
  const u128 max64 = UINT64_MAX;
  const Case cases[] = {
      {12'345, 678, 7},                          // 64 by 64.
      {max64, 1, 3},                             // 64 by 64, at the top.
      {max64, max64, max64},                     // 128 by 64, quotient = 2^64 - 1.
      {max64, max64 - 1, max64},                 // 128 by 64, just below.
      {u128{1} << 100, 3, (u128{1} << 63) + 5},  // 128 by 64, quotient within 64 bits.
      {u128{1} << 100, 3, 7},                    // Quotient past 64 bits.
      {u128{1} << 120, 1, (u128{1} << 70) + 1},  // Denominator past 64 bits.
      {max64 * 5 + 3, 2, max64 + 2},             // Both past 64 bits.
  };
  for (const Case& k : cases) {
    for (const bool negative : {false, true}) {
      const cpp_int numerator = big(k.a) * big(k.b);
      const cpp_int denominator = big(k.c);
      cpp_int quotient = numerator / denominator;
      const cpp_int remainder = numerator % denominator;
      if (2 * remainder > denominator || (2 * remainder == denominator && (quotient & 1) != 0)) {
        quotient += 1;
      }
      i128 out = 0;
      ASSERT_TRUE(scaled_ratio(k.a, k.b, 0, k.c, 0, negative, &out));
      EXPECT_EQ(big(magnitude_of(out)), quotient) << big(k.a) << " x " << big(k.b) << " / "
                                                  << big(k.c);
      EXPECT_EQ(out < 0, negative && quotient != 0);
    }
  }
}

// Against unbounded integers with rounding written out, over magnitudes of every size.
TEST(ScaledRatio, AgreesWithUnboundedIntegers) {
  using boost::multiprecision::cpp_int;
  std::mt19937_64 random(20261122);
  auto draw = [&random](unsigned bits) -> u128 {
    const u128 value = make_u128(random(), random());
    return bits == 0 ? 0 : value >> (128 - bits);
  };
  auto big = [](u128 v) { return (cpp_int(u128_high(v)) << 64) | cpp_int(u128_low(v)); };
  int checked = 0;
  for (int i = 0; i < 20000; ++i) {
    const u128 a = draw(unsigned(random() % 128));
    const u128 b = draw(unsigned(random() % 128));
    u128 c = draw(unsigned(random() % 128));
    if (c == 0) c = 1;
    const unsigned up = unsigned(random() % 40);
    const unsigned down = unsigned(random() % 40);
    const bool negative = (random() & 1) != 0;
    cpp_int denominator = big(c);
    for (unsigned k = 0; k < down; ++k) denominator *= 10;
    cpp_int numerator = big(a) * big(b);
    for (unsigned k = 0; k < up; ++k) numerator *= 10;
    cpp_int quotient = numerator / denominator;
    const cpp_int remainder = numerator % denominator;
    if (2 * remainder > denominator || (2 * remainder == denominator && (quotient & 1) != 0)) {
      quotient += 1;
    }
    if (negative) quotient = -quotient;
    i128 out = 0;
    const bool fits = scaled_ratio(a, b, up, c, down, negative, &out);
    const bool expected_fits = quotient >= -(cpp_int(1) << 127) && quotient < (cpp_int(1) << 127);
    ASSERT_EQ(fits, expected_fits) << i;
    if (!fits) continue;
    const cpp_int got = negative ? -big(magnitude_of(out)) : big(magnitude_of(out));
    ASSERT_EQ(got, quotient) << i;
    ++checked;
  }
  EXPECT_GT(checked, 5000);  // Enough inputs landed in range to mean something.
}

}  // namespace
}  // namespace kervan
