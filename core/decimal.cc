#include "core/decimal.h"

#include <algorithm>
#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <numeric>

#include "core/scaled_ratio.h"

namespace kervan {
namespace {

// Fixed 512 bits, unchecked (never throws, never allocates). Only magnitudes are stored in it;
// signs are handled outside, which half-even rounding allows because it is symmetric.
using Wide = boost::multiprecision::uint512_t;

// Bit bounds of every intermediate, so that no Wide value can wrap. 10^n < 2^(4n).
constexpr unsigned wide_bits = 512;
constexpr unsigned magnitude_bits = 128;  // |i128| <= 2^127.
constexpr unsigned pow10_bits(unsigned n) {
  return 4 * n;
}
constexpr unsigned pow10_exponent_max = decimal_scale_max + currency_exponent_max + 2;
static_assert(pow10_bits(pow10_exponent_max) < wide_bits);
// scale_amount(): scaled_ratio() with exponents within its maximum.
static_assert(pow10_exponent_max <= scaled_ratio_exponent_max);
// split(): |total| x weight, where weight = mantissa x 10^(scale difference), and the sum of
// all weights. Share indices are sorted as uint8_t.
constexpr unsigned shares_bits = 6;
static_assert(split_shares_max <= (size_t{1} << shares_bits) && split_shares_max <= 256);
constexpr unsigned weight_bits = magnitude_bits + pow10_bits(decimal_scale_max);
static_assert(magnitude_bits + weight_bits + shares_bits < wide_bits);

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

Wide to_wide(u128 value) {
  Wide wide = u128_high(value);
  wide <<= 64;
  wide |= u128_low(value);
  return wide;
}

// REQUIRES: value <= u128_max.
u128 to_u128(const Wide& value) {
  KERVAN_ASSERT(value <= to_wide(u128_max));
  const Wide mask = to_wide(UINT64_MAX);
  const Wide high = value >> 64;
  const Wide low = value & mask;
  return make_u128(high.convert_to<uint64_t>(), low.convert_to<uint64_t>());
}

Wide pow10(unsigned exponent) {
  KERVAN_ASSERT(exponent <= pow10_exponent_max);
  Wide value = 1;
  for (unsigned i = 0; i < exponent; ++i) value *= 10u;
  return value;
}

// Truncating division. Boost throws only for a zero divisor, which the assertion rules out;
// a throw would be a bug, so it crashes like one instead of escaping core.
void divide(const Wide& numerator, const Wide& denominator, Wide* quotient, Wide* remainder) {
  KERVAN_ASSERT(denominator != 0);
  try {
    boost::multiprecision::divide_qr(numerator, denominator, *quotient, *remainder);
  } catch (...) {
    KERVAN_UNREACHABLE();
  }
}

// *out = amount.minor x factor x 10^up / 10^down, rounded half-even, in currency `target`.
MoneyError scale_amount(Amount amount, i128 factor, unsigned up, unsigned down, Currency target,
                        Amount* out) {
  const bool negative = (amount.minor() < 0) != (factor < 0);
  i128 minor = 0;
  if (!scaled_ratio(magnitude_of(amount.minor()), magnitude_of(factor), up, 1, down, negative,
                    &minor)) {
    return MoneyError::overflow;
  }
  *out = Amount::from_minor(minor, target);
  return MoneyError::ok;
}

// A share as an integer weight at the common scale: 1.9 at scale 3 is 1900.
Wide share_weight(Decimal share, uint8_t scale_common) {
  KERVAN_ASSERT(share.mantissa() >= 0);
  KERVAN_ASSERT(share.scale() <= scale_common);
  return to_wide(magnitude_of(share.mantissa())) * pow10(scale_common - share.scale());
}

// Checks the shares in the documented order; on success *scale_common is their largest scale.
MoneyError validate_shares(std::span<const Decimal> shares, uint8_t* scale_common) {
  if (shares.empty()) return MoneyError::shares_empty;
  if (shares.size() > split_shares_max) return MoneyError::shares_too_many;
  uint8_t scale = 0;
  bool any_positive = false;
  for (const Decimal& share : shares) {
    if (share.mantissa() < 0) return MoneyError::share_negative;
    any_positive = any_positive || share.mantissa() > 0;
    scale = std::max(scale, share.scale());
  }
  if (!any_positive) return MoneyError::shares_sum_zero;
  *scale_common = scale;
  return MoneyError::ok;
}

// The largest-remainder allocation of split(). REQUIRES: validate_shares() returned ok.
void allocate_shares(Amount total, std::span<const Decimal> shares, uint8_t scale_common,
                     std::span<Amount> out) {
  const size_t count = shares.size();
  Wide weight_sum = 0;
  for (const Decimal& share : shares) weight_sum += share_weight(share, scale_common);
  KERVAN_ASSERT(weight_sum > 0);

  const u128 magnitude = magnitude_of(total.minor());
  const Wide magnitude_wide = to_wide(magnitude);
  std::array<u128, split_shares_max> parts{};
  std::array<Wide, split_shares_max> remainders{};
  u128 allocated = 0;
  for (size_t i = 0; i < count; ++i) {
    Wide quotient;
    divide(magnitude_wide * share_weight(shares[i], scale_common), weight_sum, &quotient,
           &remainders[i]);
    parts[i] = to_u128(quotient);
    allocated += parts[i];
  }
  KERVAN_ASSERT(allocated <= magnitude);
  // Each remainder is below weight_sum, so fewer than `count` units are left over.
  const u128 leftover = magnitude - allocated;
  KERVAN_ASSERT(leftover < count);

  std::array<uint8_t, split_shares_max> order{};
  std::iota(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), uint8_t{0});
  std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count),
            [&remainders](uint8_t a, uint8_t b) {
              if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
              return a < b;
            });
  for (size_t k = 0; k < static_cast<size_t>(leftover); ++k) parts[order[k]] += 1;

  const bool negative = total.minor() < 0;
  for (size_t i = 0; i < count; ++i) {
    const u128 bits = negative ? u128{0} - parts[i] : parts[i];
    out[i] = total.with_minor(static_cast<i128>(bits));
  }
}

}  // namespace

ParseNumberError parse_decimal(std::string_view text, Decimal* out) noexcept {
  NumberText number;
  const ParseNumberError scanned = scan_number_text(text, &number);
  if (scanned != ParseNumberError::ok) return scanned;
  if (number.fraction_digits.size() > decimal_scale_max) {
    return ParseNumberError::too_many_fraction_digits;
  }
  u128 magnitude = 0;
  for (std::string_view digits : {number.integer_digits, number.fraction_digits}) {
    for (char c : digits) {
      KERVAN_ASSERT(is_digit(c));
      if (__builtin_mul_overflow(magnitude, u128{10}, &magnitude)) {
        return ParseNumberError::overflow;
      }
      if (__builtin_add_overflow(magnitude, static_cast<u128>(c - '0'), &magnitude)) {
        return ParseNumberError::overflow;
      }
    }
  }
  const u128 magnitude_max = static_cast<u128>(i128_max) + (number.negative ? 1 : 0);
  if (magnitude > magnitude_max) return ParseNumberError::overflow;
  const u128 bits = number.negative ? u128{0} - magnitude : magnitude;
  const auto scale = static_cast<uint8_t>(number.fraction_digits.size());
  *out = Decimal::from_parts(static_cast<i128>(bits), scale);
  return ParseNumberError::ok;
}

std::string format_decimal(Decimal value) {
  const size_t scale = value.scale();
  std::string text = to_string_u128(magnitude_of(value.mantissa()));
  if (scale > 0) {
    if (text.size() <= scale) text.insert(0, scale + 1 - text.size(), '0');
    text.insert(text.size() - scale, 1, '.');
  }
  if (value.mantissa() < 0) text.insert(text.begin(), '-');
  return text;
}

MoneyError convert(Amount amount, Decimal rate, Currency target, Amount* out) noexcept {
  KERVAN_ASSERT(amount.currency() != Currency::none);
  const unsigned exponent_source = currency_exponent(amount.currency());
  const unsigned exponent_target = currency_exponent(target);
  if (rate.mantissa() <= 0) return MoneyError::rate_not_positive;
  // target_minor = minor / 10^exponent_source x rate x 10^exponent_target.
  return scale_amount(amount, rate.mantissa(), exponent_target, rate.scale() + exponent_source,
                      target, out);
}

MoneyError apply_fraction(Amount amount, Decimal fraction, Amount* out) noexcept {
  KERVAN_ASSERT(amount.currency() != Currency::none);
  return scale_amount(amount, fraction.mantissa(), 0, fraction.scale(), amount.currency(), out);
}

MoneyError apply_percent(Amount amount, Decimal percent, Amount* out) noexcept {
  KERVAN_ASSERT(amount.currency() != Currency::none);
  return scale_amount(amount, percent.mantissa(), 0, percent.scale() + 2u, amount.currency(), out);
}

MoneyError split(Amount total, std::span<const Decimal> shares, std::span<Amount> out) noexcept {
  KERVAN_ASSERT(total.currency() != Currency::none);
  KERVAN_ASSERT(out.size() == shares.size());
  uint8_t scale_common = 0;
  const MoneyError valid = validate_shares(shares, &scale_common);
  if (valid != MoneyError::ok) return valid;
  allocate_shares(total, shares, scale_common, out);
  return MoneyError::ok;
}

}  // namespace kervan
