#include "core/scaled_ratio.h"

#include <array>
#include <boost/multiprecision/cpp_int.hpp>

#include "core/assert.h"

namespace kervan {
namespace {

// Fixed 512 bits, unchecked (never throws, never allocates).
using Wide = boost::multiprecision::uint512_t;

// 2^127 x 2^127 x 10^60 < 2^(254 + 240) < 2^512 (10^n < 2^(4n)).
static_assert(127 + 127 + 4 * scaled_ratio_exponent_max < 512);

// 10^0 .. 10^38: every power of ten below 2^128.
constexpr size_t u128_pow10_count = 39;
constexpr std::array<u128, u128_pow10_count> u128_pow10 = [] {
  std::array<u128, u128_pow10_count> powers{};
  u128 value = 1;
  for (u128& power : powers) {
    power = value;
    value *= 10;
  }
  return powers;
}();

// a x b x 10^exponent in u128, or false when it does not fit.
bool product(u128 a, u128 b, unsigned exponent, u128* out) {
  if (exponent >= u128_pow10_count) return false;
  u128 value = 0;
  if (__builtin_mul_overflow(a, b, &value)) return false;
  return !__builtin_mul_overflow(value, u128_pow10[exponent], out);
}

// The i128 with this magnitude and sign, or false when it does not fit.
bool to_signed(u128 magnitude, bool negative, i128* out) {
  const u128 magnitude_max = static_cast<u128>(i128_max) + (negative ? 1 : 0);
  if (magnitude > magnitude_max) return false;
  *out = static_cast<i128>(negative ? u128{0} - magnitude : magnitude);
  return true;
}

Wide to_wide(u128 value) {
  Wide wide = u128_high(value);
  wide <<= 64;
  wide |= u128_low(value);
  return wide;
}

Wide wide_pow10(unsigned exponent) {
  Wide value = 1;
  for (unsigned i = 0; i < exponent; ++i) value *= 10u;
  return value;
}

// The 512-bit path: any input the contract admits.
bool wide_ratio(u128 a, u128 b, unsigned up, u128 c, unsigned down, bool negative, i128* out) {
  const Wide numerator = to_wide(a) * to_wide(b) * wide_pow10(up);
  const Wide denominator = to_wide(c) * wide_pow10(down);
  Wide quotient;
  Wide remainder;
  try {  // Boost throws only for a zero divisor, which the contract rules out.
    boost::multiprecision::divide_qr(numerator, denominator, quotient, remainder);
  } catch (...) {
    KERVAN_UNREACHABLE();
  }
  const Wide twice_remainder = remainder * 2u;
  if (twice_remainder > denominator ||
      (twice_remainder == denominator && boost::multiprecision::bit_test(quotient, 0))) {
    quotient += 1u;
  }
  if (quotient > to_wide(u128_max)) return false;
  const Wide mask = to_wide(UINT64_MAX);
  const u128 bits = make_u128(((quotient >> 64) & mask).convert_to<uint64_t>(),
                              (quotient & mask).convert_to<uint64_t>());
  return to_signed(bits, negative, out);
}

// *quotient = n / d, *remainder = n % d, with one division, and the cheapest one that fits:
// 64-bit operands nearly always (cents times a rate), or a 128-by-64-bit division on x86-64.
// (n / d and n % d in u128 are two calls into libgcc's generic 128-bit division.)
void divide(u128 n, u128 d, u128* quotient, u128* remainder) {
  if (u128_high(n) == 0 && u128_high(d) == 0) {
    const uint64_t q = u128_low(n) / u128_low(d);
    *quotient = q;
    *remainder = u128_low(n) - q * u128_low(d);
    return;
  }
#if defined(__x86_64__)
  if (u128_high(d) == 0 && u128_high(n) < u128_low(d)) {  // The quotient fits 64 bits.
    uint64_t q = 0;
    uint64_t r = 0;
    __asm__("divq %[divisor]"
            : "=a"(q), "=d"(r)
            : [divisor] "rm"(u128_low(d)), "a"(u128_low(n)), "d"(u128_high(n)));
    *quotient = q;
    *remainder = r;
    return;
  }
#endif
  *quotient = n / d;
  *remainder = n - *quotient * d;
}

}  // namespace

bool scaled_ratio(u128 a, u128 b, unsigned up, u128 c, unsigned down, bool negative,
                  i128* out) noexcept {
  KERVAN_ASSERT(c > 0);
  KERVAN_ASSERT(up <= scaled_ratio_exponent_max && down <= scaled_ratio_exponent_max);
  u128 numerator = 0;
  u128 denominator = 0;
  if (!product(a, b, up, &numerator) || !product(c, 1, down, &denominator)) {
    return wide_ratio(a, b, up, c, down, negative, out);
  }
  u128 quotient = 0;
  u128 remainder = 0;
  divide(numerator, denominator, &quotient, &remainder);
  // Half-even without doubling the remainder (which could wrap): compare it with what is left.
  const u128 rest = denominator - remainder;
  if (remainder > rest || (remainder == rest && (quotient & 1) != 0)) quotient += 1;
  return to_signed(quotient, negative, out);
}

}  // namespace kervan
