#include "core/country.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace kervan {
namespace {

TEST(Country, ParsesTableOfCases) {
  struct Case {
    std::string_view text;
    CountryError error;
  };
  const Case cases[] = {
      {"KZ", CountryError::ok},
      {"GB", CountryError::ok},
      {"GR", CountryError::ok},
      {"AQ", CountryError::ok},  // Assigned although nobody issues customs documents there.
      {"XI", CountryError::ok},  // User-assigned, accepted: Northern Ireland in NCTS.
      {"XK", CountryError::ok},  // User-assigned, accepted: Kosovo in the EU geonomenclature.
      {"", CountryError::wrong_length},
      {"K", CountryError::wrong_length},
      {"KAZ", CountryError::wrong_length},  // Alpha-3 is not alpha-2.
      {"KZ ", CountryError::wrong_length},
      {"kz", CountryError::lower_case},
      {"Kz", CountryError::lower_case},
      {"kZ", CountryError::lower_case},
      {"K1", CountryError::not_a_letter},
      {"1K", CountryError::not_a_letter},
      {" K", CountryError::not_a_letter},
      {"K-", CountryError::not_a_letter},
      {"\xC3\x9C", CountryError::not_a_letter},  // "Ü" in UTF-8: two bytes, neither a letter.
      {std::string_view("K\0", 2), CountryError::not_a_letter},
      {"UK", CountryError::unassigned},  // Exceptionally reserved; the code is GB.
      {"EL", CountryError::unassigned},  // The EU's VAT prefix for Greece; the code is GR.
      {"EU", CountryError::unassigned},
      {"SU", CountryError::unassigned},  // Withdrawn (USSR).
      {"YU", CountryError::unassigned},  // Withdrawn (Yugoslavia).
      {"AA", CountryError::unassigned},  // User-assigned, not accepted.
      {"QZ", CountryError::unassigned},
      {"XA", CountryError::unassigned},
      {"XX", CountryError::unassigned},
      {"ZZ", CountryError::unassigned},
  };
  for (const Case& c : cases) {
    Country country;
    EXPECT_EQ(Country::parse(c.text, &country), c.error) << "'" << c.text << "'";
    if (c.error == CountryError::ok) {
      EXPECT_EQ(country.text(), c.text);
    } else {
      EXPECT_TRUE(country.empty()) << "parse must leave *out alone on failure: " << c.text;
    }
  }
}

// The members named in docs/identifiers.md; the scheme rules of the simulator rely on them.
TEST(Country, AcceptsEveryMemberOfTheRegionalGroups) {
  const std::string_view groups[] = {
      // CAREC, 11 members.
      "AF AZ CN GE KZ KG MN PK TJ TM UZ",
      // EAEU, 5 members.
      "AM BY KG KZ RU",
      // EU, 27 members.
      "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK",
      // Neighbours and common transit partners.
      "TR IR IN GB CH NO UA RS MK AL ME BA MD",
  };
  for (const std::string_view group : groups) {
    for (size_t i = 0; i < group.size(); i += 3) {
      Country country;
      EXPECT_EQ(Country::parse(group.substr(i, 2), &country), CountryError::ok)
          << group.substr(i, 2);
      EXPECT_TRUE(country.is_iso_assigned()) << group.substr(i, 2);
    }
  }
}

TEST(Country, AcceptsExactlyTheAssignedCodesAndTwoUserAssigned) {
  int accepted = 0;
  int iso_assigned = 0;
  for (char first = 'A'; first <= 'Z'; ++first) {
    for (char second = 'A'; second <= 'Z'; ++second) {
      const char text[2] = {first, second};
      Country country;
      const CountryError error = Country::parse(std::string_view(text, 2), &country);
      ASSERT_TRUE(error == CountryError::ok || error == CountryError::unassigned);
      if (error != CountryError::ok) continue;
      ++accepted;
      if (country.is_iso_assigned()) ++iso_assigned;
    }
  }
  EXPECT_EQ(accepted, 251);
  EXPECT_EQ(iso_assigned, 249);
  EXPECT_FALSE(Country::of("XI").is_iso_assigned());
  EXPECT_FALSE(Country::of("XK").is_iso_assigned());
}

TEST(Country, CodeRoundTripsAndSortsAsText) {
  Country previous;
  for (char first = 'A'; first <= 'Z'; ++first) {
    for (char second = 'A'; second <= 'Z'; ++second) {
      const char text[2] = {first, second};
      Country country;
      if (Country::parse(std::string_view(text, 2), &country) != CountryError::ok) continue;
      EXPECT_EQ(country.code(), static_cast<uint16_t>(first << 8 | second));
      Country loaded;
      ASSERT_EQ(Country::from_code(country.code(), &loaded), CountryError::ok);
      EXPECT_EQ(loaded, country);
      EXPECT_LT(previous, country);
      EXPECT_LT(previous.code(), country.code());
      previous = country;
    }
  }
}

TEST(Country, FromCodeRejectsCorruptValues) {
  struct Case {
    uint16_t code;
    CountryError error;
  };
  const Case cases[] = {
      {0x4B5A, CountryError::ok},            // "KZ"
      {0x0000, CountryError::not_a_letter},  // The empty Country is never stored.
      {0x6B7A, CountryError::lower_case},    // "kz"
      {0x554B, CountryError::unassigned},    // "UK"
      {0xFFFF, CountryError::not_a_letter},
  };
  for (const Case& c : cases) {
    Country country;
    EXPECT_EQ(Country::from_code(c.code, &country), c.error) << c.code;
  }
}

TEST(Country, CompileTimeConstantsMatchParsing) {
  static_assert(Country::of("KZ").code() == 0x4B5A);
  static_assert(Country::of("AF") < Country::of("UZ"));
  static_assert(Country().empty() && Country().code() == 0);
  Country parsed;
  ASSERT_EQ(Country::parse("TJ", &parsed), CountryError::ok);
  EXPECT_EQ(parsed, Country::of("TJ"));
  EXPECT_EQ(Country::of("TJ").text(), "TJ");
  EXPECT_EQ(Country().text(), "");
}

TEST(Country, NamesEveryError) {
  EXPECT_EQ(to_string(CountryError::ok), "ok");
  EXPECT_EQ(to_string(CountryError::wrong_length), "wrong_length");
  EXPECT_EQ(to_string(CountryError::lower_case), "lower_case");
  EXPECT_EQ(to_string(CountryError::not_a_letter), "not_a_letter");
  EXPECT_EQ(to_string(CountryError::unassigned), "unassigned");
  // The numbers are stored: pin them.
  EXPECT_EQ(static_cast<int>(CountryError::wrong_length), 1);
  EXPECT_EQ(static_cast<int>(CountryError::unassigned), 4);
}

}  // namespace
}  // namespace kervan
