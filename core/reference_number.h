// Reference numbers of the transit world, validated at the edge so the ledger never holds a
// malformed one: the Guarantee Reference Number (GRN) and the NCTS phase 5 Movement Reference
// Number (MRN). Both end in an ISO 6346 check digit. Grammar and worked example:
// docs/identifiers.md.
//
//   GRN  [0-9]{2} [A-Z]{2} [A-Z0-9]{12} [0-9]  ([A-Z][0-9]{6})?   17 characters, or 24 for a
//        YY       country  serial       check   voucher           voucher (check over 0..15)
//   MRN  ([2][4-9]|[3-9][0-9]) [A-Z]{2} [A-Z0-9]{12} [J-M]      [0-9]   18 characters
//        YY                    country  serial       procedure  check   (check over 0..16)
//
// Text is taken as it is: no trimming, no case folding (a lower-case letter is a bad
// character). The country must be accepted by core/country.h.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.h"
#include "core/country.h"

namespace kervan {

// ISO 6346 character values: digits are themselves; letters count up from A = 10 and skip the
// multiples of 11 (11, 22, 33), so A = 10, B = 12, K = 21, L = 23, U = 32, V = 34, Z = 38.
inline constexpr std::array<uint8_t, 26> iso6346_letter_values = {
    10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24,  // A..M
    25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38,  // N..Z
};

// Longest text iso6346_check_digit accepts; bounds the weights (2^31) and the sum (< 2^43).
inline constexpr size_t iso6346_chars_max = 32;

// The value of one character. REQUIRES: c is 0-9 or A-Z.
constexpr uint32_t iso6346_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0');
  KERVAN_ASSERT(c >= 'A' && c <= 'Z');
  return iso6346_letter_values[static_cast<size_t>(c - 'A')];
}

// The check digit (0..9) of `text`: the sum of value(text[i]) * 2^i, mod 11, mod 10 (so a
// remainder of 10 gives 0). Example: "CSQU305438" -> 3, the container number CSQU3054383.
// REQUIRES: text.size() <= iso6346_chars_max; every character is 0-9 or A-Z.
constexpr uint32_t iso6346_check_digit(std::string_view text) {
  KERVAN_ASSERT(text.size() <= iso6346_chars_max);
  uint64_t sum = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    sum += uint64_t{iso6346_value(text[i])} << i;
  }
  return static_cast<uint32_t>(sum % 11 % 10);
}

inline constexpr size_t grn_chars = 17;
inline constexpr size_t grn_voucher_chars = 24;
inline constexpr size_t mrn_chars = 18;
inline constexpr size_t reference_serial_chars = 12;
inline constexpr size_t grn_voucher_suffix_chars = 7;  // The letter and six digits.
inline constexpr size_t grn_check_digit_index = 16;
inline constexpr size_t mrn_procedure_index = 16;
inline constexpr size_t mrn_check_digit_index = 17;
// NCTS phase 5 MRNs start in 2024; an earlier year is a phase 4 MRN, not accepted here.
inline constexpr uint32_t mrn_year_yy_min = 24;
static_assert(grn_chars == 2 + 2 + reference_serial_chars + 1);
static_assert(grn_voucher_chars == grn_chars + grn_voucher_suffix_chars);
static_assert(mrn_chars == 2 + 2 + reference_serial_chars + 1 + 1);
static_assert(mrn_chars <= iso6346_chars_max);

// Why a text is not a valid GRN or MRN. Checked in this order; the first failure is reported.
// DO NOT CHANGE the numbers: they are returned to clients and written to the journal.
enum class ReferenceError : uint8_t {
  ok = 0,
  wrong_length = 1,          // GRN: not 17 or 24 characters. MRN: not 18.
  bad_character_at = 2,      // The first character outside its position's class; see index.
  bad_year = 3,              // MRN only: YY below 24 (a phase 4 MRN).
  unknown_country = 4,       // Two letters that core/country.h does not accept.
  bad_procedure_letter = 5,  // MRN only: a letter other than J, K, L, M at index 16.
  bad_check_digit = 6,       // The last digit differs; see check_digit_expected.
};

// The enumerator's name, e.g. "bad_check_digit".
std::string_view to_string(ReferenceError error);

// The outcome of parsing a GRN or an MRN, with the detail a message needs.
struct ReferenceStatus {
  ReferenceError error = ReferenceError::ok;
  uint8_t index = 0;                 // bad_character_at: 0-based position of the character.
  uint8_t check_digit_expected = 0;  // bad_check_digit: the digit 0..9 the text calls for.

  constexpr bool ok() const { return error == ReferenceError::ok; }
  friend constexpr bool operator==(const ReferenceStatus&, const ReferenceStatus&) = default;
};

// For messages: "ok", "bad_character_at 5", "bad_check_digit (expected 3)".
std::string to_string(const ReferenceStatus& status);

// Guarantee Reference Number: 17 characters, or 24 for one voucher of an individual guarantee
// by vouchers (the GRN of the guarantee followed by a letter and six digits).
// Fixed storage, no heap; compares as its text. The voucher suffix is not covered by the check
// digit. A default-constructed Grn is empty: a placeholder for parse's out-parameter.
class Grn {
 public:
  constexpr Grn() = default;

  // On ok sets *out; otherwise leaves it and says why.
  [[nodiscard]] static ReferenceStatus parse(std::string_view text, Grn* out);

  // The whole reference, e.g. "26KZ0000000000015"; "" when empty. Valid while this Grn lives.
  std::string_view text() const { return std::string_view(chars_.data(), length_); }
  bool empty() const { return length_ == 0; }
  // The two-digit year of issue as written, 0..99: the century is not encoded.
  uint32_t year_yy() const;
  Country country() const;
  std::string_view serial() const { return text().substr(4, reference_serial_chars); }
  uint32_t check_digit() const;
  bool is_voucher() const { return length_ == grn_voucher_chars; }
  // The voucher letter and six digits, e.g. "A001017"; "" when not a voucher.
  std::string_view voucher() const;

  friend bool operator==(const Grn&, const Grn&) = default;
  friend auto operator<=>(const Grn&, const Grn&) = default;

 private:
  std::array<char, grn_voucher_chars> chars_{};  // Zero-filled past length_.
  uint8_t length_ = 0;
};

// Not a wire or journal layout: records encode text() explicitly.
static_assert(sizeof(Grn) == grn_voucher_chars + 1);

// The security data a phase 5 transit declaration carries, as MRN character 17 (rule R0410).
// DO NOT CHANGE: the values are the letters written in the MRN.
enum class MrnProcedure : char {
  transit = 'J',             // Transit only.
  transit_exit = 'K',        // Transit with exit summary (EXS) data.
  transit_entry = 'L',       // Transit with entry summary (ENS) data.
  transit_entry_exit = 'M',  // Transit with both ENS and EXS data.
};

// Movement Reference Number of an NCTS phase 5 transit declaration: 18 characters, fixed
// storage, no heap; compares as its text. A default-constructed Mrn is empty.
class Mrn {
 public:
  constexpr Mrn() = default;

  // On ok sets *out; otherwise leaves it and says why.
  [[nodiscard]] static ReferenceStatus parse(std::string_view text, Mrn* out);

  // The whole reference; "" when empty. Valid while this Mrn lives.
  std::string_view text() const { return std::string_view(chars_.data(), length_); }
  bool empty() const { return length_ == 0; }
  // The two-digit year of registration as written, 24..99.
  uint32_t year_yy() const;
  Country country() const;
  std::string_view serial() const { return text().substr(4, reference_serial_chars); }
  MrnProcedure procedure() const;
  uint32_t check_digit() const;

  friend bool operator==(const Mrn&, const Mrn&) = default;
  friend auto operator<=>(const Mrn&, const Mrn&) = default;
  // Builds its text in place, valid by construction (the simulator makes one per movement).
  friend Mrn make_mrn(uint32_t year_yy, Country country, std::string_view serial,
                      MrnProcedure procedure);

 private:
  std::array<char, mrn_chars> chars_{};
  uint8_t length_ = 0;  // 0 or mrn_chars.
};

static_assert(sizeof(Mrn) == mrn_chars + 1);

// Builds a valid GRN, computing its check digit (for tests and the simulator).
// REQUIRES: year_yy <= 99; country not empty; serial is 12 characters of A-Z0-9;
// voucher is empty or a letter A-Z followed by six digits.
Grn make_grn(uint32_t year_yy, Country country, std::string_view serial,
             std::string_view voucher = {});

// Builds a valid MRN, computing its check digit.
// REQUIRES: mrn_year_yy_min <= year_yy <= 99; country not empty; serial is 12 of A-Z0-9.
Mrn make_mrn(uint32_t year_yy, Country country, std::string_view serial,
             MrnProcedure procedure = MrnProcedure::transit);

}  // namespace kervan
