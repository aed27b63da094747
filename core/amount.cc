#include "core/amount.h"

namespace kervan {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of the run of digits at the start of `text`.
size_t digit_run(std::string_view text) {
  size_t count = 0;
  while (count < text.size() && is_digit(text[count])) ++count;
  return count;
}

// value = value * 10 + digit for each digit. Returns false if it leaves u128.
bool append_digits(std::string_view digits, u128* value) {
  for (char c : digits) {
    KERVAN_ASSERT(is_digit(c));
    if (__builtin_mul_overflow(*value, u128{10}, value)) return false;
    if (__builtin_add_overflow(*value, static_cast<u128>(c - '0'), value)) return false;
  }
  return true;
}

}  // namespace

std::string_view result_name(MoneyError error) noexcept {
  switch (error) {
    case MoneyError::ok:
      return "ok";
    case MoneyError::currency_mismatch:
      return "currency_mismatch";
    case MoneyError::overflow:
      return "overflow";
    case MoneyError::rate_not_positive:
      return "rate_not_positive";
    case MoneyError::shares_empty:
      return "shares_empty";
    case MoneyError::shares_too_many:
      return "shares_too_many";
    case MoneyError::share_negative:
      return "share_negative";
    case MoneyError::shares_sum_zero:
      return "shares_sum_zero";
  }
  return "unknown";
}

std::string_view result_name(ParseNumberError error) noexcept {
  switch (error) {
    case ParseNumberError::ok:
      return "ok";
    case ParseNumberError::empty:
      return "empty";
    case ParseNumberError::missing_integer_digits:
      return "missing_integer_digits";
    case ParseNumberError::missing_fraction_digits:
      return "missing_fraction_digits";
    case ParseNumberError::invalid_character:
      return "invalid_character";
    case ParseNumberError::too_many_fraction_digits:
      return "too_many_fraction_digits";
    case ParseNumberError::overflow:
      return "overflow";
  }
  return "unknown";
}

ParseNumberError scan_number_text(std::string_view text, NumberText* out) noexcept {
  if (text.empty()) return ParseNumberError::empty;
  NumberText result;
  std::string_view rest = text;
  if (rest.front() == '-') {
    result.negative = true;
    rest.remove_prefix(1);
  }
  const size_t integer_count = digit_run(rest);
  if (integer_count == 0) {
    const bool at_point = rest.empty() || rest.front() == '.';
    return at_point ? ParseNumberError::missing_integer_digits
                    : ParseNumberError::invalid_character;
  }
  result.integer_digits = rest.substr(0, integer_count);
  rest.remove_prefix(integer_count);
  if (!rest.empty()) {
    if (rest.front() != '.') return ParseNumberError::invalid_character;
    rest.remove_prefix(1);
    const size_t fraction_count = digit_run(rest);
    if (fraction_count == 0) {
      return rest.empty() ? ParseNumberError::missing_fraction_digits
                          : ParseNumberError::invalid_character;
    }
    if (fraction_count != rest.size()) return ParseNumberError::invalid_character;
    result.fraction_digits = rest;
  }
  *out = result;
  return ParseNumberError::ok;
}

ParseNumberError parse_amount(std::string_view text, Currency currency, Amount* out) noexcept {
  const uint8_t exponent = currency_exponent(currency);
  NumberText number;
  const ParseNumberError scanned = scan_number_text(text, &number);
  if (scanned != ParseNumberError::ok) return scanned;
  if (number.fraction_digits.size() > exponent) {
    return ParseNumberError::too_many_fraction_digits;
  }
  // Magnitude in minor units: the digits, then zeros up to the exponent ("1.5" EUR -> 150).
  u128 magnitude = 0;
  if (!append_digits(number.integer_digits, &magnitude)) return ParseNumberError::overflow;
  if (!append_digits(number.fraction_digits, &magnitude)) return ParseNumberError::overflow;
  for (size_t i = number.fraction_digits.size(); i < exponent; ++i) {
    if (__builtin_mul_overflow(magnitude, u128{10}, &magnitude)) {
      return ParseNumberError::overflow;
    }
  }
  // |i128_min| is one more than i128_max.
  const u128 magnitude_max = static_cast<u128>(i128_max) + (number.negative ? 1 : 0);
  if (magnitude > magnitude_max) return ParseNumberError::overflow;
  // Negate in unsigned space so that |i128_min| converts without overflow.
  const u128 bits = number.negative ? u128{0} - magnitude : magnitude;
  *out = Amount::from_minor(static_cast<i128>(bits), currency);
  return ParseNumberError::ok;
}

std::string format_amount(Amount a) {
  const size_t exponent = currency_exponent(a.currency());
  const bool negative = a.minor() < 0;
  const u128 bits = static_cast<u128>(a.minor());
  std::string text = to_string_u128(negative ? u128{0} - bits : bits);
  if (exponent > 0) {
    // At least one integer digit: 5 cents is "0.05".
    if (text.size() <= exponent) text.insert(0, exponent + 1 - text.size(), '0');
    text.insert(text.size() - exponent, 1, '.');
  }
  // insert, not "-" + text: GCC 12 reports a false -Wrestrict on the latter.
  if (negative) text.insert(text.begin(), '-');
  return text;
}

}  // namespace kervan
