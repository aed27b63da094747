// Explicit little- and big-endian byte coding. Wire and journal records are little-endian;
// LMDB keys are big-endian so that they sort as numbers. Never memcpy a struct whose layout
// is not pinned.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/int128.h"

namespace kervan {

inline void store_u16_le(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline void store_u32_le(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void store_u64_le(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void store_u128_le(uint8_t* p, u128 v) {
  store_u64_le(p, u128_low(v));
  store_u64_le(p + 8, u128_high(v));
}

inline uint16_t load_u16_le(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t load_u32_le(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t load_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline u128 load_u128_le(const uint8_t* p) {
  return make_u128(load_u64_le(p + 8), load_u64_le(p));
}

inline void store_u32_be(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * (3 - i)));
}
inline void store_u64_be(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * (7 - i)));
}
inline void store_u128_be(uint8_t* p, u128 v) {
  store_u64_be(p, u128_high(v));
  store_u64_be(p + 8, u128_low(v));
}
inline uint32_t load_u32_be(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t load_u64_be(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
inline u128 load_u128_be(const uint8_t* p) {
  return make_u128(load_u64_be(p), load_u64_be(p + 8));
}

}  // namespace kervan
