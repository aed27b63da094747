#include "core/int128.h"

#include <gtest/gtest.h>

#include <string>

namespace kervan {
namespace {

TEST(Int128, FormatsExtremes) {
  EXPECT_EQ(to_string_u128(0), "0");
  EXPECT_EQ(to_string_u128(u128_max), "340282366920938463463374607431768211455");
  EXPECT_EQ(to_string_i128(i128_min), "-170141183460469231731687303715884105728");
  EXPECT_EQ(to_string_i128(i128_max), "170141183460469231731687303715884105727");
  EXPECT_EQ(to_string_i128(-1), "-1");
}

TEST(Int128, ParsesOnlyDigitsThatFit) {
  struct Case {
    std::string text;
    bool ok;
    u128 value;
  };
  const Case cases[] = {
      {"0", true, 0},
      {"42", true, 42},
      {"340282366920938463463374607431768211455", true, u128_max},
      {"340282366920938463463374607431768211456", false, 0},  // max + 1
      {"", false, 0},
      {"-1", false, 0},
      {"1 ", false, 0},
      {"12a", false, 0},
  };
  for (const Case& c : cases) {
    u128 value = 7;
    EXPECT_EQ(parse_u128(c.text.data(), c.text.data() + c.text.size(), &value), c.ok) << c.text;
    if (c.ok) {
      EXPECT_TRUE(value == c.value) << c.text;
    }
  }
}

TEST(Int128, CheckedArithmeticReportsOverflowAtTheEdges) {
  u128 u = 0;
  EXPECT_TRUE(checked_add(u128_max - 1, u128{1}, &u));
  EXPECT_TRUE(u == u128_max);
  EXPECT_FALSE(checked_add(u128_max, u128{1}, &u));
  EXPECT_FALSE(checked_sub(u128{0}, u128{1}, &u));
  i128 s = 0;
  EXPECT_FALSE(checked_add(i128_max, i128{1}, &s));
  EXPECT_FALSE(checked_sub(i128_min, i128{1}, &s));
  EXPECT_FALSE(checked_mul(i128_max, i128{2}, &s));
  EXPECT_TRUE(checked_mul(i128{-3}, i128{4}, &s));
  EXPECT_TRUE(s == -12);
}

}  // namespace
}  // namespace kervan
