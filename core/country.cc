#include "core/country.h"

namespace kervan {
namespace {

using country_internal::code_stride;
using country_internal::iso_assigned_count;
using country_internal::iso_assigned_text;

constexpr bool table_well_formed(const char* table, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const char* code = table + i * code_stride;
    if (code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') return false;
    if (code[2] != ' ') return false;
    if (i > 0) {
      const char* previous = code - code_stride;
      const bool ascending =
          previous[0] < code[0] || (previous[0] == code[0] && previous[1] < code[1]);
      if (!ascending) return false;
    }
  }
  return true;
}

constexpr bool all_accepted(const char* codes) {
  for (const char* p = codes; *p != '\0'; p += code_stride) {
    if (!country_internal::is_accepted(p[0], p[1])) return false;
  }
  return true;
}

static_assert(iso_assigned_count == 249, "ISO 3166-1 assigns 249 alpha-2 codes");
static_assert(table_well_formed(iso_assigned_text, iso_assigned_count));
static_assert(table_well_formed(country_internal::user_assigned_accepted_text,
                                country_internal::user_assigned_accepted_count));
// CAREC (11), EAEU (5), EU (27), and the neighbours the simulator routes through.
static_assert(all_accepted("AF AZ CN GE KZ KG MN PK TJ TM UZ "));
static_assert(all_accepted("AM BY KG KZ RU "));
static_assert(
    all_accepted("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL "
                 "PT RO SE SI SK "));
static_assert(all_accepted("TR IR IN GB CH NO UA XI XK "));
static_assert(!country_internal::is_accepted('U', 'K'));
static_assert(!country_internal::is_accepted('E', 'L'));
static_assert(!country_internal::is_iso_assigned('X', 'I'));

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

}  // namespace

std::string_view to_string(CountryError error) {
  switch (error) {
    case CountryError::ok:
      return "ok";
    case CountryError::wrong_length:
      return "wrong_length";
    case CountryError::lower_case:
      return "lower_case";
    case CountryError::not_a_letter:
      return "not_a_letter";
    case CountryError::unassigned:
      return "unassigned";
  }
  KERVAN_UNREACHABLE();
}

CountryError Country::parse(std::string_view text, Country* out) {
  KERVAN_ASSERT(out != nullptr);
  if (text.size() != 2) return CountryError::wrong_length;
  for (const char c : text) {
    if (is_lower(c)) return CountryError::lower_case;
    if (!is_upper(c)) return CountryError::not_a_letter;
  }
  if (!country_internal::is_accepted(text[0], text[1])) return CountryError::unassigned;
  *out = Country(text[0], text[1]);
  KERVAN_ASSERT(!out->empty());
  return CountryError::ok;
}

CountryError Country::from_code(uint16_t code, Country* out) {
  const char letters[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return parse(std::string_view(letters, 2), out);
}

}  // namespace kervan
