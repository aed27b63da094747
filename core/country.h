// Countries as ISO 3166-1 alpha-2 codes: who issued a GRN or an MRN, where a guarantee is
// valid, which customs union member a duty belongs to.
//
// Accepted codes are the 249 codes that ISO 3166-1 officially assigns, plus two user-assigned
// codes that customs systems really use (docs/identifiers.md, "Country codes"):
//   XI  United Kingdom in respect of Northern Ireland: NCTS offices there issue MRNs and GRNs
//       as "..XI..." under the Windsor Framework, and EORI numbers start with XI.
//   XK  Kosovo: the code the EU geonomenclature (and so the customs code lists of countries of
//       dispatch and destination) uses while ISO has assigned none.
// Every other user-assigned code (AA, QM..QZ, XA..XZ, ZZ) and every reserved code (UK, EU, EL)
// is rejected: an issuer of reference numbers writes GB and GR, never UK and EL.
// Whether a country may take part in a scheme is a ledger rule, not a property of its code.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/assert.h"

namespace kervan {

// Why a text is not an accepted country code, checked in this order.
// DO NOT CHANGE the numbers: they are returned to clients and written to the journal.
enum class CountryError : uint8_t {
  ok = 0,
  wrong_length = 1,  // Not exactly two characters.
  lower_case = 2,    // A letter a..z: codes are upper case and are not folded for the caller.
  not_a_letter = 3,  // A character outside A..Z and a..z (digit, space, punctuation, UTF-8).
  unassigned = 4,    // Two letters A..Z that are neither ISO-assigned nor XI or XK.
};

// The enumerator's name, e.g. "unassigned", for logs and messages.
std::string_view to_string(CountryError error);

namespace country_internal {

// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted, each followed by one space.
// Source: Debian iso-codes 4.15.0 (iso_3166-1.json), which tracks the ISO 3166 Maintenance
// Agency; checked at compile time in country.cc (count, order, CAREC/EAEU/EU members).
inline constexpr char iso_assigned_text[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU "
    "ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ "
    "LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ "
    "OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA "
    "RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU "
    "WF WS "
    "YE YT "
    "ZA ZM ZW ";
// User-assigned codes accepted on purpose (see the top of this file), sorted.
inline constexpr char user_assigned_accepted_text[] = "XI XK ";

inline constexpr size_t code_stride = 3;
inline constexpr size_t iso_assigned_count = (sizeof(iso_assigned_text) - 1) / code_stride;
inline constexpr size_t user_assigned_accepted_count =
    (sizeof(user_assigned_accepted_text) - 1) / code_stride;

// Binary search in a table of `count` sorted codes spaced `code_stride` characters apart.
constexpr bool table_contains(const char* table, size_t count, char first, char second) {
  size_t low = 0;
  size_t high = count;  // The answer, if any, lies in [low, high).
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    const char* code = table + middle * code_stride;
    if (code[0] == first && code[1] == second) return true;
    if (code[0] < first || (code[0] == first && code[1] < second)) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return false;
}

constexpr bool is_iso_assigned(char first, char second) {
  return table_contains(iso_assigned_text, iso_assigned_count, first, second);
}

constexpr bool is_accepted(char first, char second) {
  return is_iso_assigned(first, second) ||
         table_contains(user_assigned_accepted_text, user_assigned_accepted_count, first, second);
}

}  // namespace country_internal

// An accepted country code: two upper-case letters, 2 bytes, no heap. Compares alphabetically.
// A default-constructed Country is empty (code() == 0): a placeholder for parse's out-parameter,
// never an accepted country.
class Country {
 public:
  constexpr Country() = default;

  // Parses exactly two upper-case letters, e.g. "KZ". On ok sets *out; otherwise leaves it.
  [[nodiscard]] static CountryError parse(std::string_view text, Country* out);

  // Inverse of code(), for records read back from storage. Same errors as parse.
  [[nodiscard]] static CountryError from_code(uint16_t code, Country* out);

  // A country named in source code, checked at compile time: Country::of("KZ").
  // A code that is not accepted fails to compile (assert_fail is not constexpr).
  static consteval Country of(const char (&text)[3]) {
    if (!country_internal::is_accepted(text[0], text[1])) {
      assert_fail("Country::of: not an accepted country code", __FILE__, __LINE__);
    }
    return Country(text[0], text[1]);
  }

  // For storage: first letter in the high byte, so codes sort as the text does. 0 when empty.
  constexpr uint16_t code() const {
    return static_cast<uint16_t>((static_cast<uint8_t>(letters_[0]) << 8) |
                                 static_cast<uint8_t>(letters_[1]));
  }

  // The two letters, e.g. "KZ"; "" when empty. Valid while this Country lives.
  constexpr std::string_view text() const {
    return empty() ? std::string_view() : std::string_view(letters_.data(), letters_.size());
  }

  constexpr bool empty() const { return letters_[0] == '\0'; }

  // False for the user-assigned XI and XK (and for the empty Country).
  constexpr bool is_iso_assigned() const {
    return country_internal::is_iso_assigned(letters_[0], letters_[1]);
  }

  // Written out: the defaulted comparison of the letter arrays compiled to a call to memcmp
  // (GCC 12), 4 % of a simulator run spent comparing two bytes.
  friend constexpr bool operator==(const Country& a, const Country& b) {
    return a.letters_[0] == b.letters_[0] && a.letters_[1] == b.letters_[1];
  }
  friend constexpr auto operator<=>(const Country&, const Country&) = default;

 private:
  constexpr Country(char first, char second) : letters_{first, second} {}

  std::array<char, 2> letters_{};
};

static_assert(sizeof(Country) == 2);

}  // namespace kervan
