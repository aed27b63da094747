#include "core/reference_number.h"

namespace kervan {
namespace {

// One character class per position: 'd' a digit 0-9, 'u' a letter A-Z, 'x' either.
constexpr std::string_view grn_pattern = "dduuxxxxxxxxxxxxdudddddd";
constexpr std::string_view mrn_pattern = "dduuxxxxxxxxxxxxud";
static_assert(grn_pattern.size() == grn_voucher_chars);
static_assert(mrn_pattern.size() == mrn_chars);
static_assert(grn_pattern[grn_check_digit_index] == 'd');
static_assert(mrn_pattern[mrn_procedure_index] == 'u');
static_assert(mrn_pattern[mrn_check_digit_index] == 'd');

static_assert(iso6346_check_digit("CSQU305438") == 3);  // ISO 6346's own example.

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

bool in_class(char c, char character_class) {
  switch (character_class) {
    case 'd':
      return is_digit(c);
    case 'u':
      return is_upper(c);
    case 'x':
      return is_digit(c) || is_upper(c);
  }
  KERVAN_UNREACHABLE();
}

// The index of the first character outside its class, or text.size() when all match.
size_t first_bad_character(std::string_view text, std::string_view pattern) {
  KERVAN_ASSERT(text.size() <= pattern.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (!in_class(text[i], pattern[i])) return i;
  }
  return text.size();
}

ReferenceStatus failure(ReferenceError error) {
  return ReferenceStatus{.error = error};
}

uint32_t two_digits(std::string_view text) {
  KERVAN_ASSERT(text.size() >= 2 && is_digit(text[0]) && is_digit(text[1]));
  return static_cast<uint32_t>(text[0] - '0') * 10 + static_cast<uint32_t>(text[1] - '0');
}

Country country_at_2(std::string_view text) {
  Country country;
  const CountryError error = Country::parse(text.substr(2, 2), &country);
  KERVAN_ASSERT(error == CountryError::ok);
  return country;
}

// Checks each character against the class of its position.
ReferenceStatus check_format(std::string_view text, std::string_view pattern) {
  const size_t bad = first_bad_character(text, pattern);
  if (bad < text.size()) {
    return ReferenceStatus{.error = ReferenceError::bad_character_at,
                           .index = static_cast<uint8_t>(bad)};
  }
  return ReferenceStatus{};
}

ReferenceStatus check_country(std::string_view text) {
  Country country;
  if (Country::parse(text.substr(2, 2), &country) != CountryError::ok) {
    return failure(ReferenceError::unknown_country);
  }
  return ReferenceStatus{};
}

ReferenceStatus check_check_digit(std::string_view text, size_t check_index) {
  const uint32_t expected = iso6346_check_digit(text.substr(0, check_index));
  KERVAN_ASSERT(is_digit(text[check_index]));
  if (static_cast<uint32_t>(text[check_index] - '0') != expected) {
    return ReferenceStatus{.error = ReferenceError::bad_check_digit,
                           .check_digit_expected = static_cast<uint8_t>(expected)};
  }
  return ReferenceStatus{};
}

// Writes YY, the country and the serial into out[0..16).
void write_head(uint32_t year_yy, Country country, std::string_view serial, char* out) {
  KERVAN_ASSERT(year_yy <= 99);
  KERVAN_ASSERT(!country.empty());
  KERVAN_ASSERT(serial.size() == reference_serial_chars);
  out[0] = static_cast<char>('0' + year_yy / 10);
  out[1] = static_cast<char>('0' + year_yy % 10);
  country.text().copy(out + 2, 2);
  serial.copy(out + 4, reference_serial_chars);
}

}  // namespace

std::string_view to_string(ReferenceError error) {
  switch (error) {
    case ReferenceError::ok:
      return "ok";
    case ReferenceError::wrong_length:
      return "wrong_length";
    case ReferenceError::bad_character_at:
      return "bad_character_at";
    case ReferenceError::bad_year:
      return "bad_year";
    case ReferenceError::unknown_country:
      return "unknown_country";
    case ReferenceError::bad_procedure_letter:
      return "bad_procedure_letter";
    case ReferenceError::bad_check_digit:
      return "bad_check_digit";
  }
  KERVAN_UNREACHABLE();
}

std::string to_string(const ReferenceStatus& status) {
  std::string text(to_string(status.error));
  if (status.error == ReferenceError::bad_character_at) {
    text += ' ';
    text += std::to_string(status.index);
  } else if (status.error == ReferenceError::bad_check_digit) {
    text += " (expected ";
    text += static_cast<char>('0' + status.check_digit_expected);
    text += ')';
  }
  return text;
}

ReferenceStatus Grn::parse(std::string_view text, Grn* out) {
  KERVAN_ASSERT(out != nullptr);
  if (text.size() != grn_chars && text.size() != grn_voucher_chars) {
    return failure(ReferenceError::wrong_length);
  }
  ReferenceStatus status = check_format(text, grn_pattern);
  if (status.ok()) status = check_country(text);
  if (status.ok()) status = check_check_digit(text, grn_check_digit_index);
  if (!status.ok()) return status;

  *out = Grn();
  text.copy(out->chars_.data(), text.size());
  out->length_ = static_cast<uint8_t>(text.size());
  KERVAN_ASSERT(out->text() == text);
  return status;
}

uint32_t Grn::year_yy() const {
  KERVAN_ASSERT(!empty());
  return two_digits(text());
}

Country Grn::country() const {
  KERVAN_ASSERT(!empty());
  return country_at_2(text());
}

uint32_t Grn::check_digit() const {
  KERVAN_ASSERT(!empty());
  return static_cast<uint32_t>(chars_[grn_check_digit_index] - '0');
}

std::string_view Grn::voucher() const {
  if (!is_voucher()) return std::string_view();
  return text().substr(grn_chars, grn_voucher_suffix_chars);
}

ReferenceStatus Mrn::parse(std::string_view text, Mrn* out) {
  KERVAN_ASSERT(out != nullptr);
  if (text.size() != mrn_chars) return failure(ReferenceError::wrong_length);
  ReferenceStatus status = check_format(text, mrn_pattern);
  if (status.ok() && two_digits(text) < mrn_year_yy_min) {
    status = failure(ReferenceError::bad_year);
  }
  if (status.ok()) status = check_country(text);
  if (status.ok()) {
    const char procedure = text[mrn_procedure_index];
    if (procedure < 'J' || procedure > 'M') status = failure(ReferenceError::bad_procedure_letter);
  }
  if (status.ok()) status = check_check_digit(text, mrn_check_digit_index);
  if (!status.ok()) return status;

  *out = Mrn();
  text.copy(out->chars_.data(), text.size());
  out->length_ = static_cast<uint8_t>(text.size());
  KERVAN_ASSERT(out->text() == text);
  return status;
}

uint32_t Mrn::year_yy() const {
  KERVAN_ASSERT(!empty());
  return two_digits(text());
}

Country Mrn::country() const {
  KERVAN_ASSERT(!empty());
  return country_at_2(text());
}

MrnProcedure Mrn::procedure() const {
  KERVAN_ASSERT(!empty());
  return static_cast<MrnProcedure>(chars_[mrn_procedure_index]);
}

uint32_t Mrn::check_digit() const {
  KERVAN_ASSERT(!empty());
  return static_cast<uint32_t>(chars_[mrn_check_digit_index] - '0');
}

Grn make_grn(uint32_t year_yy, Country country, std::string_view serial, std::string_view voucher) {
  KERVAN_ASSERT(voucher.empty() || voucher.size() == grn_voucher_suffix_chars);
  char text[grn_voucher_chars] = {};
  write_head(year_yy, country, serial, text);
  const uint32_t check = iso6346_check_digit(std::string_view(text, grn_check_digit_index));
  text[grn_check_digit_index] = static_cast<char>('0' + check);
  voucher.copy(text + grn_chars, voucher.size());

  Grn grn;
  const ReferenceStatus status =
      Grn::parse(std::string_view(text, grn_chars + voucher.size()), &grn);
  KERVAN_ASSERT(status.ok());
  return grn;
}

Mrn make_mrn(uint32_t year_yy, Country country, std::string_view serial, MrnProcedure procedure) {
  KERVAN_ASSERT(year_yy >= mrn_year_yy_min);
  KERVAN_ASSERT(procedure >= MrnProcedure::transit && procedure <= MrnProcedure::transit_entry_exit);
  // What Mrn::parse would check and the arguments do not already guarantee (a Country is always
  // a valid code): the serial's characters.
  KERVAN_ASSERT(first_bad_character(serial, mrn_pattern.substr(4, reference_serial_chars)) ==
                serial.size());
  Mrn mrn;
  char* text = mrn.chars_.data();
  write_head(year_yy, country, serial, text);
  text[mrn_procedure_index] = static_cast<char>(procedure);
  const uint32_t check = iso6346_check_digit(std::string_view(text, mrn_check_digit_index));
  text[mrn_check_digit_index] = static_cast<char>('0' + check);
  mrn.length_ = mrn_chars;
  return mrn;
}

}  // namespace kervan
