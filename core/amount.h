// Money: a signed 128-bit count of minor units (cents, tiyn, yen) together with its currency.
// Never floating point. Arithmetic is checked: overflow and currency mismatch are result codes,
// not undefined behaviour and not assertions, because both can come from user data.
// The text form and the result codes are documented in docs/money.md.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.h"
#include "core/currency.h"
#include "core/int128.h"

namespace kervan {

// Result of every money operation in core/amount.h and core/decimal.h. Each function lists the
// codes it can return, in the order it checks them.
// DO NOT CHANGE the numbers: stored and sent as results. Append only.
enum class MoneyError : uint8_t {
  ok = 0,
  currency_mismatch = 1,  // Two amounts in different currencies were added, subtracted, compared.
  overflow = 2,           // The exact result does not fit in i128 minor units.
  rate_not_positive = 3,  // An exchange rate of zero or below.
  shares_empty = 4,       // A split with no shares.
  shares_too_many = 5,    // A split with more than split_shares_max shares.
  share_negative = 6,     // A split share below zero.
  shares_sum_zero = 7,    // A split whose shares are all zero.
};

// Result of parsing decimal text (parse_amount, parse_decimal), in the order checked.
// DO NOT CHANGE the numbers: stored and sent as results. Append only.
enum class ParseNumberError : uint8_t {
  ok = 0,
  empty = 1,                     // "".
  missing_integer_digits = 2,    // "-", ".", ".5", "-.5": at least one digit before '.'.
  missing_fraction_digits = 3,   // "1.", "-1.": a '.' needs at least one digit after it.
  invalid_character = 4,         // "+1", " 1", "1,000", "1e5", "1.5.0", "--1", "1_0".
  too_many_fraction_digits = 5,  // "1.234" for EUR; never rounded. Trailing zeros count.
  overflow = 6,                  // The value does not fit (i128 minor units or mantissa).
};

// The snake_case name of a code, e.g. "currency_mismatch"; "unknown" for a number not listed.
[[nodiscard]] std::string_view result_name(MoneyError error) noexcept;
[[nodiscard]] std::string_view result_name(ParseNumberError error) noexcept;

// The syntax shared by amounts and decimals:  ['-'] digit+ ['.' digit+]
// Digits are ASCII 0-9. Leading zeros are accepted ("007.50"); so is "-0" (it means 0).
// No '+', spaces, grouping separators, exponents, or a '.' without digits on both sides.
struct NumberText {
  bool negative = false;
  std::string_view integer_digits;   // At least one digit.
  std::string_view fraction_digits;  // Empty when the text has no '.'.
};

// Splits `text` into sign and digit runs (views into `text`). Returns ok, empty,
// missing_integer_digits, missing_fraction_digits or invalid_character (the first that
// applies, scanning left to right). On error *out is unchanged.
[[nodiscard]] ParseNumberError scan_number_text(std::string_view text, NumberText* out) noexcept;

class Amount {
 public:
  // Zero with Currency::none: only a placeholder to assign to (e.g. an output array).
  // Using it as an operand is a programmer error and asserts.
  constexpr Amount() = default;

  // REQUIRES: currency_is_known(currency). Any i128 is a valid count of minor units.
  static Amount from_minor(i128 minor, Currency currency) noexcept {
    KERVAN_ASSERT(currency_is_known(currency));
    return Amount(minor, currency);
  }
  static Amount zero(Currency currency) noexcept { return from_minor(0, currency); }

  // The same currency with other minor units (no currency check: this one is already valid).
  constexpr Amount with_minor(i128 minor) const { return Amount(minor, currency_); }

  constexpr i128 minor() const { return minor_; }
  constexpr Currency currency() const { return currency_; }

  // Same currency and same minor units. Amounts in different currencies are never equal; to
  // order amounts use compare(), which reports the mismatch.
  friend constexpr bool operator==(const Amount&, const Amount&) = default;

 private:
  constexpr Amount(i128 minor, Currency currency) : minor_(minor), currency_(currency) {}

  i128 minor_ = 0;
  Currency currency_ = Currency::none;
};

// *out = a + b. Returns currency_mismatch, then overflow; on error *out is unchanged.
// REQUIRES: neither operand is a default-constructed placeholder.
[[nodiscard]] inline MoneyError checked_add(Amount a, Amount b, Amount* out) noexcept {
  KERVAN_ASSERT(a.currency() != Currency::none && b.currency() != Currency::none);
  if (a.currency() != b.currency()) return MoneyError::currency_mismatch;
  i128 sum = 0;
  if (!checked_add(a.minor(), b.minor(), &sum)) return MoneyError::overflow;
  *out = a.with_minor(sum);
  return MoneyError::ok;
}

// *out = a - b. Returns currency_mismatch, then overflow; on error *out is unchanged.
// REQUIRES: neither operand is a default-constructed placeholder.
[[nodiscard]] inline MoneyError checked_sub(Amount a, Amount b, Amount* out) noexcept {
  KERVAN_ASSERT(a.currency() != Currency::none && b.currency() != Currency::none);
  if (a.currency() != b.currency()) return MoneyError::currency_mismatch;
  i128 difference = 0;
  if (!checked_sub(a.minor(), b.minor(), &difference)) return MoneyError::overflow;
  *out = a.with_minor(difference);
  return MoneyError::ok;
}

// *out = -a. Returns overflow only for i128_min minor units; on error *out is unchanged.
// REQUIRES: a is not a default-constructed placeholder.
[[nodiscard]] inline MoneyError checked_negate(Amount a, Amount* out) noexcept {
  KERVAN_ASSERT(a.currency() != Currency::none);
  i128 negated = 0;
  if (!checked_sub(i128{0}, a.minor(), &negated)) return MoneyError::overflow;
  *out = a.with_minor(negated);
  return MoneyError::ok;
}

// *out = a <=> b. Returns currency_mismatch (and leaves *out unchanged) when the currencies
// differ: 1 EUR and 1 USD have no order without an exchange rate.
// REQUIRES: neither operand is a default-constructed placeholder.
[[nodiscard]] inline MoneyError compare(Amount a, Amount b, std::strong_ordering* out) noexcept {
  KERVAN_ASSERT(a.currency() != Currency::none && b.currency() != Currency::none);
  if (a.currency() != b.currency()) return MoneyError::currency_mismatch;
  *out = a.minor() <=> b.minor();
  return MoneyError::ok;
}

// Parses major units in `currency`, exactly: "1234.56" EUR is 123456 minor units, "100" JPY is
// 100, "-0.05" EUR is -5. The fraction may have 1 to currency_exponent(currency) digits; more
// is an error, never rounded. Returns, in order: the scan_number_text() errors,
// too_many_fraction_digits, overflow (outside i128_min..i128_max minor units).
// On error *out is unchanged. REQUIRES: currency_is_known(currency).
[[nodiscard]] ParseNumberError parse_amount(std::string_view text, Currency currency,
                                            Amount* out) noexcept;

// The exact text of an amount in major units, without the currency code: 123456 EUR is
// "1234.56", -5 EUR is "-0.05", 100 JPY is "100", 0 EUR is "0.00". Always exactly
// currency_exponent() fraction digits, no leading zeros, '-' only below zero, so that
// parse_amount() reads it back to the same amount. REQUIRES: a is not a placeholder.
[[nodiscard]] std::string format_amount(Amount a);

}  // namespace kervan
