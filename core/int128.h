// 128-bit integers for money and ids, with overflow as a result (never undefined behaviour).
// GCC's __int128 is used through these aliases only; `__extension__` keeps -Wpedantic quiet.
#pragma once

#include <cstdint>
#include <string>

namespace kervan {

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

inline constexpr u128 u128_max = ~u128{0};
inline constexpr i128 i128_max = static_cast<i128>(u128_max >> 1);
inline constexpr i128 i128_min = -i128_max - 1;

constexpr u128 make_u128(uint64_t high, uint64_t low) {
  return (static_cast<u128>(high) << 64) | low;
}
constexpr uint64_t u128_high(u128 value) {
  return static_cast<uint64_t>(value >> 64);
}
constexpr uint64_t u128_low(u128 value) {
  return static_cast<uint64_t>(value);
}

// Each returns false (and leaves *out unspecified) when the exact result does not fit.
[[nodiscard]] inline bool checked_add(u128 a, u128 b, u128* out) {
  return !__builtin_add_overflow(a, b, out);
}
[[nodiscard]] inline bool checked_sub(u128 a, u128 b, u128* out) {
  return !__builtin_sub_overflow(a, b, out);
}
[[nodiscard]] inline bool checked_add(i128 a, i128 b, i128* out) {
  return !__builtin_add_overflow(a, b, out);
}
[[nodiscard]] inline bool checked_sub(i128 a, i128 b, i128* out) {
  return !__builtin_sub_overflow(a, b, out);
}
[[nodiscard]] inline bool checked_mul(i128 a, i128 b, i128* out) {
  return !__builtin_mul_overflow(a, b, out);
}

// Decimal text of the value, e.g. "340282366920938463463374607431768211455".
std::string to_string_u128(u128 value);
std::string to_string_i128(i128 value);

// Parses unsigned decimal digits only (no sign, no spaces). Returns false on empty input, a
// non-digit, or a value above u128_max.
[[nodiscard]] bool parse_u128(const char* begin, const char* end, u128* out);

}  // namespace kervan
