#include "core/bytes.h"

#include <gtest/gtest.h>

#include <array>

namespace kervan {
namespace {

TEST(Bytes, LittleEndianLayoutIsExplicit) {
  std::array<uint8_t, 16> b{};
  store_u32_le(b.data(), 0x11223344u);
  EXPECT_EQ(b[0], 0x44);
  EXPECT_EQ(b[3], 0x11);
  EXPECT_EQ(load_u32_le(b.data()), 0x11223344u);
  store_u64_le(b.data(), 0x0102030405060708ull);
  EXPECT_EQ(b[0], 0x08);
  EXPECT_EQ(b[7], 0x01);
  EXPECT_EQ(load_u64_le(b.data()), 0x0102030405060708ull);
  store_u16_le(b.data(), 0xABCD);
  EXPECT_EQ(load_u16_le(b.data()), 0xABCD);
  const u128 v = make_u128(0x0102030405060708ull, 0x090A0B0C0D0E0F10ull);
  store_u128_le(b.data(), v);
  EXPECT_EQ(b[0], 0x10);
  EXPECT_EQ(b[15], 0x01);
  EXPECT_TRUE(load_u128_le(b.data()) == v);
}

TEST(Bytes, BigEndianKeysSortAsNumbers) {
  std::array<uint8_t, 8> small{}, large{};
  store_u64_be(small.data(), 255);
  store_u64_be(large.data(), 256);
  EXPECT_LT(small, large);  // byte-wise comparison, as LMDB does
  EXPECT_EQ(load_u64_be(large.data()), 256u);
  std::array<uint8_t, 16> k{};
  const u128 v = make_u128(1, 2);
  store_u128_be(k.data(), v);
  EXPECT_EQ(k[7], 1);
  EXPECT_EQ(k[15], 2);
  EXPECT_TRUE(load_u128_be(k.data()) == v);
  std::array<uint8_t, 4> w{};
  store_u32_be(w.data(), 0xA1B2C3D4u);
  EXPECT_EQ(w[0], 0xA1);
  EXPECT_EQ(load_u32_be(w.data()), 0xA1B2C3D4u);
}

}  // namespace
}  // namespace kervan
