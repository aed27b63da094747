// Exact decimals for exchange rates, tax and duty rates, percentages and shares, and the money
// operations that use them: currency conversion, applying a rate, and splitting by shares.
// A Decimal is an integer mantissa and a power-of-ten scale, so "1.0825" is exactly 10825e-4;
// it never passes through binary or decimal floating point. The arithmetic runs on 512-bit
// integers (Boost.Multiprecision, inside decimal.cc only) that hold every intermediate product
// exactly, so each operation rounds once, at the end.
//
// Rounding is half-even ("banker's rounding"): the exact result is rounded to the nearest minor
// unit, and a tie (exactly .5) goes to the even neighbour. Symmetric around zero:
//   2160.375 -> 2160    2.5 -> 2    3.5 -> 4    -2.5 -> -2    -3.5 -> -4    2.51 -> 3
// (12345 cents x 0.175 = 2160.375 cents -> 2160 cents.)
//
// No function here throws or allocates: the 512-bit temporaries are fixed size, and every
// bound is checked at compile time in decimal.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/amount.h"
#include "core/assert.h"
#include "core/int128.h"

namespace kervan {

// The most fraction digits a Decimal holds ("0.000000000000000000000000000001").
inline constexpr uint8_t decimal_scale_max = 30;
// The most shares one split() takes (EAEU has 5 members, the EU 27).
inline constexpr size_t split_shares_max = 64;

// value = mantissa / 10^scale, always in canonical form: no trailing zero digit in the
// fraction (mantissa % 10 != 0 when scale > 0), so equal values have equal representations
// and == compares values. Zero is mantissa 0, scale 0.
class Decimal {
 public:
  constexpr Decimal() = default;  // Zero.

  // mantissa / 10^scale, canonicalised: from_parts(1500, 3) is the Decimal 1.5 (15, 1).
  // REQUIRES: scale <= decimal_scale_max. Any i128 mantissa is valid.
  static constexpr Decimal from_parts(i128 mantissa, uint8_t scale) noexcept {
    KERVAN_ASSERT(scale <= decimal_scale_max);
    while (scale > 0 && mantissa % 10 == 0) {
      mantissa /= 10;
      --scale;
    }
    return Decimal(mantissa, scale);
  }
  // An integer, e.g. Decimal::from_integer(16) for 16 %.
  static constexpr Decimal from_integer(i128 value) noexcept { return Decimal(value, 0); }

  constexpr i128 mantissa() const { return mantissa_; }
  constexpr uint8_t scale() const { return scale_; }

  friend constexpr bool operator==(const Decimal&, const Decimal&) = default;

 private:
  constexpr Decimal(i128 mantissa, uint8_t scale) : mantissa_(mantissa), scale_(scale) {}

  i128 mantissa_ = 0;
  uint8_t scale_ = 0;
};

// Parses decimal text exactly, with the syntax of scan_number_text() (docs/money.md):
// "1.0825", "0.175", "16", "85.065", "-0.5". Returns, in order: the scan_number_text() errors,
// too_many_fraction_digits (more than decimal_scale_max, trailing zeros included), overflow
// (the digits without the '.' do not fit an i128 mantissa). On error *out is unchanged.
[[nodiscard]] ParseNumberError parse_decimal(std::string_view text, Decimal* out) noexcept;

// The shortest exact text: "1.0825", "16", "-0.5", "0". parse_decimal() reads it back.
[[nodiscard]] std::string format_decimal(Decimal value);

// Converts `amount` into `target` at `rate` = units of target per one unit of the amount's
// currency (major units, e.g. 520.5 KZT per EUR). Minor-unit exponents are taken into account:
// 100.00 EUR at 520.5 is 52050.00 KZT; 100.00 EUR at 161.25 is 16125 JPY; 16125 JPY at
// 0.00625 is 100.78 EUR (100.78125, rounded half-even). One rounding, half-even.
// Returns, in order: rate_not_positive (rate <= 0), overflow (the result does not fit).
// On error *out is unchanged.
// REQUIRES: amount is not a placeholder; currency_is_known(target).
[[nodiscard]] MoneyError convert(Amount amount, Decimal rate, Currency target,
                                 Amount* out) noexcept;

// *out = amount x fraction, in the amount's currency: a duty of 0.175 of a customs value.
// 123.45 EUR x 0.175 = 21.60375 -> 21.60 EUR. The fraction may be any sign (a negative
// fraction gives an amount of the opposite sign). One rounding, half-even.
// Returns overflow if the result does not fit; on error *out is unchanged.
// REQUIRES: amount is not a placeholder.
[[nodiscard]] MoneyError apply_fraction(Amount amount, Decimal fraction, Amount* out) noexcept;

// *out = amount x percent / 100, in the amount's currency: VAT at 12 % of 1000.00 KZT is
// 120.00 KZT. Exactly apply_fraction() with the fraction percent / 100 (no intermediate
// rounding). Returns overflow if the result does not fit; on error *out is unchanged.
// REQUIRES: amount is not a placeholder.
[[nodiscard]] MoneyError apply_percent(Amount amount, Decimal percent, Amount* out) noexcept;

// Splits `total` into out[i] in proportion to shares[i], so that the parts sum exactly to
// `total`. Shares are relative weights normalised by their sum: {85.065, 6.955, 4.86, 1.9,
// 1.22} (percent), {1, 1, 1} (thirds) and {0.5, 1.5} (quarters) all work; zero shares are
// allowed and always get zero.
// Algorithm (largest remainder): each part gets the floor of its exact share of |total|; the
// minor units left over (fewer than the number of shares) go one each to the parts with the
// largest remainders; equal remainders go to the lower index first. A negative total is split
// as its magnitude and every part negated, so split(-x) is exactly -split(x). Each part is
// within one minor unit of its exact share (floor or ceiling of it, in magnitude).
// Returns, in order: shares_empty, shares_too_many (> split_shares_max), share_negative,
// shares_sum_zero. Overflow cannot happen: every part lies between 0 and total. On error
// out is unchanged.
// REQUIRES: out.size() == shares.size(); total is not a placeholder.
[[nodiscard]] MoneyError split(Amount total, std::span<const Decimal> shares,
                               std::span<Amount> out) noexcept;

}  // namespace kervan
