// The one exact rounding behind money arithmetic: a product of magnitudes scaled by powers of
// ten, divided and rounded half-even, with the sign applied last (half-even is symmetric).
// Conversions (core/decimal.h convert, ledger/transit/exchange_rates.h convert_at_rates),
// fractions and percentages all reduce to it.
//
// Exact for every input: when the numerator and the denominator both fit 128 bits (nearly every
// real amount) the work is done in u128; otherwise in 512-bit integers (Boost.Multiprecision),
// which hold any product of two 128-bit magnitudes and 10^scaled_ratio_exponent_max. Both paths give the same bits; tests/core/scaled_ratio_test.cc checks
// results on both sides of the boundary.
#pragma once

#include "core/int128.h"

namespace kervan {

// Largest power-of-ten exponent scaled_ratio() accepts on either side.
inline constexpr unsigned scaled_ratio_exponent_max = 60;

// *out = sign x round_half_even(a x b x 10^up / (c x 10^down)), sign negative when `negative`.
// False (and *out unchanged) when the result does not fit i128.
// REQUIRES: c > 0; up, down <= scaled_ratio_exponent_max; a, b <= 2^127 (|i128| magnitudes).
[[nodiscard]] bool scaled_ratio(u128 a, u128 b, unsigned up, u128 c, unsigned down,
                                bool negative, i128* out) noexcept;

// |value| as an unsigned magnitude (i128_min included).
constexpr u128 magnitude_of(i128 value) {
  const u128 bits = static_cast<u128>(value);
  return value < 0 ? u128{0} - bits : bits;
}

}  // namespace kervan
