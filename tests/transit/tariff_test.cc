#include "ledger/transit/tariff.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/transit/reference_test_util.h"

namespace kervan {
namespace {

using testing::day;
using testing::dec;
using testing::eur;
using testing::text;

constexpr Country KZ = Country::of("KZ");
constexpr Country UZ = Country::of("UZ");

TariffLine line(uint32_t prefix, uint8_t digits, const char* percent) {
  return TariffLine{.prefix = prefix, .digits = digits, .percent = dec(percent)};
}

// KZ-like: default 5 %, cars 15 %, electric cars 0 %, other vehicles 10 %, tomatoes (0702,
// leading zero) 7 %; excise on tobacco 50 % and beer 10 %. VAT 16 %.
TariffVersion sample_version(const char* effective_from = "2026-01-01", const char* vat = "16") {
  return TariffVersion{
      .effective_from = day(effective_from),
      .duty_default_percent = dec("5"),
      .vat_percent = dec(vat),
      .duty_lines = {line(8703, 4, "15"), line(87, 2, "10"), line(870380, 6, "0"),
                     line(702, 4, "7")},
      .excise_lines = {line(24, 2, "50"), line(2203, 4, "10")},
  };
}

// A version as a TariffTable stores it (lines sorted).
TariffVersion stored(TariffVersion version) {
  TariffTable table;
  EXPECT_EQ(table.add_country(KZ, Currency::kzt, "Kazakhstan"), TariffError::ok);
  EXPECT_EQ(table.add_version(KZ, std::move(version)), TariffError::ok);
  return table.find(KZ)->versions.back();
}

TEST(Tariff, PrefixValidity) {
  const struct {
    uint32_t prefix;
    uint8_t digits;
    bool valid;
  } cases[] = {
      {87, 2, true},    {1, 2, true},        {99, 2, true},     {0, 2, false},   // "00"
      {100, 2, false},  {8703, 4, true},     {702, 4, true},    {100, 4, true},  // "0100"
      {87, 4, false},   {99, 4, false},      {10000, 4, false}, {870323, 6, true}, {10121, 6, true},
      {9999, 6, false}, {1000000, 6, false}, {87, 3, false},    {8703, 8, false},  {0, 0, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(tariff_prefix_is_valid(c.prefix, c.digits), c.valid)
        << c.prefix << "/" << int{c.digits};
  }
  EXPECT_TRUE(hs6_is_classified(10000));  // 010000
  EXPECT_TRUE(hs6_is_classified(999999));
  EXPECT_FALSE(hs6_is_classified(0));
  EXPECT_FALSE(hs6_is_classified(9999));  // Chapter 00.
  EXPECT_FALSE(hs6_is_classified(1000000));
}

TEST(Tariff, LongestPrefixWins) {
  const TariffVersion version = stored(sample_version());
  const struct {
    uint32_t hs6;
    const char* duty;
    const char* excise;
  } cases[] = {
      {870323, "15", "0"},  // Heading 8703 beats chapter 87.
      {870380, "0", "0"},   // Subheading 870380 beats heading 8703 and chapter 87.
      {870110, "10", "0"},  // Only chapter 87.
      {850440, "5", "0"},   // Nothing matches: the default.
      {70200, "7", "0"},    // 070200: heading "0702".
      {70310, "5", "0"},    // 070310: chapter 07 not listed, heading 0703 neither.
      {240220, "5", "50"},  // Excise by chapter 24.
      {220300, "5", "10"},  // Excise by heading 2203.
      {220830, "5", "0"},   // No excise line: 0.
  };
  for (const auto& c : cases) {
    EXPECT_EQ(duty_percent(version, c.hs6), dec(c.duty)) << c.hs6;
    EXPECT_EQ(excise_percent(version, c.hs6), dec(c.excise)) << c.hs6;
  }
  EXPECT_TRUE(tariff_line_matches(line(87, 2, "1"), 870323));
  EXPECT_TRUE(tariff_line_matches(line(8703, 4, "1"), 870323));
  EXPECT_TRUE(tariff_line_matches(line(870323, 6, "1"), 870323));
  EXPECT_FALSE(tariff_line_matches(line(870324, 6, "1"), 870323));
  EXPECT_FALSE(tariff_line_matches(line(8704, 4, "1"), 870323));
}

TEST(Tariff, StoredLinesAreSortedByDigitsThenPrefix) {
  const TariffVersion version = stored(sample_version());
  const std::vector<TariffLine> expected = {line(87, 2, "10"), line(702, 4, "7"),
                                            line(8703, 4, "15"), line(870380, 6, "0")};
  EXPECT_EQ(version.duty_lines, expected);
}

TEST(Tariff, ComputeDutiesHandChecked) {
  const struct {
    const char* name;
    uint32_t hs6;
    const char* vat;
    const char* value;
    const char* duty;
    const char* excise;
    const char* vat_amount;
    const char* total;
  } cases[] = {
      // 100,000.00 EUR of cars (8703, duty 15 %) into KZ after 2026-01-01 (VAT 16 %):
      // duty 100,000.00 x 15 % = 15,000.00; VAT (100,000.00 + 15,000.00) x 16 % = 18,400.00;
      // total 33,400.00.
      {"car 2026", 870323, "16", "100000.00", "15000.00", "0.00", "18400.00", "33400.00"},
      // The same in 2025 (VAT 12 %): VAT 115,000.00 x 12 % = 13,800.00; total 28,800.00.
      {"car 2025", 870323, "12", "100000.00", "15000.00", "0.00", "13800.00", "28800.00"},
      // Cigarettes 2402 (default duty 5 %, excise 50 %), 1,000.00 EUR: duty 50.00, excise
      // 500.00, VAT (1,000 + 50 + 500) x 16 % = 248.00; total 798.00.
      {"tobacco", 240220, "16", "1000.00", "50.00", "500.00", "248.00", "798.00"},
      // Electric car 870380 at 0 %: VAT 16 % of 40,000.00 = 6,400.00.
      {"electric car", 870380, "16", "40000.00", "0.00", "0.00", "6400.00", "6400.00"},
      // Rounding, each component once: 123.45 at 15 % = 18.5175 -> 18.52; VAT on
      // 123.45 + 18.52 = 141.97 at 16 % = 22.7152 -> 22.72; total 41.24.
      {"rounding", 870323, "16", "123.45", "18.52", "0.00", "22.72", "41.24"},
      // Half-even ties: 0.25 x 10 % = 0.025 -> 0.02 (even); excise 0.25 x 50 % = 0.125 ->
      // 0.12 (even); VAT on the rounded base 0.25 + 0.02 + 0.12 = 0.39 x 16 % = 0.0624 -> 0.06.
      {"ties", 240110, "16", "0.25", "0.02", "0.12", "0.06", "0.20"},
      // Zero value, zero duties.
      {"zero", 870323, "16", "0.00", "0.00", "0.00", "0.00", "0.00"},
  };
  for (const auto& c : cases) {
    TariffVersion version = sample_version("2026-01-01", c.vat);
    if (std::string(c.name) == "ties") version.duty_lines.push_back(line(2401, 4, "10"));
    version = stored(std::move(version));
    DutyAmounts amounts;
    ASSERT_EQ(compute_duties(version, c.hs6, eur(c.value), &amounts), MoneyError::ok) << c.name;
    EXPECT_EQ(text(amounts.duty), text(eur(c.duty))) << c.name;
    EXPECT_EQ(text(amounts.excise), text(eur(c.excise))) << c.name;
    EXPECT_EQ(text(amounts.vat), text(eur(c.vat_amount))) << c.name;
    EXPECT_EQ(text(amounts.total), text(eur(c.total))) << c.name;
  }
}

TEST(Tariff, ComputeDutiesHalfEvenTieOnDuty) {
  // Duty 10 % of 0.25 = 0.025 -> 0.02 and of 0.35 = 0.035 -> 0.04: ties go to the even cent.
  TariffVersion version = sample_version();
  version.duty_default_percent = dec("10");
  version.vat_percent = dec("0");
  version = stored(std::move(version));
  DutyAmounts amounts;
  ASSERT_EQ(compute_duties(version, 850440, eur("0.25"), &amounts), MoneyError::ok);
  EXPECT_EQ(text(amounts.duty), "0.02 EUR");
  ASSERT_EQ(compute_duties(version, 850440, eur("0.35"), &amounts), MoneyError::ok);
  EXPECT_EQ(text(amounts.duty), "0.04 EUR");
}

TEST(Tariff, ComputeDutiesOverflowLeavesOutputUnchanged) {
  const TariffVersion version = stored(sample_version());
  const DutyAmounts sentinel{
      .duty = eur("1.00"), .excise = eur("2.00"), .vat = eur("3.00"), .total = eur("6.00")};
  DutyAmounts amounts = sentinel;
  // 15 % of the largest amount fits; adding the value for the VAT base does not.
  const Amount huge = Amount::from_minor(i128_max, Currency::eur);
  EXPECT_EQ(compute_duties(version, 870323, huge, &amounts), MoneyError::overflow);
  EXPECT_EQ(amounts, sentinel);
}

TEST(Tariff, VersionInForceByDate) {
  TariffTable table;
  ASSERT_EQ(table.add_country(KZ, Currency::kzt, "Kazakhstan"), TariffError::ok);
  ASSERT_EQ(table.add_version(KZ, sample_version("2025-01-01", "12")), TariffError::ok);
  ASSERT_EQ(table.add_version(KZ, sample_version("2026-01-01", "16")), TariffError::ok);
  const CountryTariff& tariff = *table.find(KZ);
  const struct {
    const char* date;
    const char* vat;  // nullptr: no version in force.
  } cases[] = {
      {"2024-12-31", nullptr}, {"2025-01-01", "12"}, {"2025-12-31", "12"},
      {"2026-01-01", "16"},    {"2026-07-01", "16"}, {"9999-12-31", "16"},
  };
  for (const auto& c : cases) {
    const TariffVersion* version = tariff_version_in_force(tariff, day(c.date));
    if (c.vat == nullptr) {
      EXPECT_EQ(version, nullptr) << c.date;
    } else {
      ASSERT_NE(version, nullptr) << c.date;
      EXPECT_EQ(version->vat_percent, dec(c.vat)) << c.date;
    }
  }
  EXPECT_EQ(tariff_version_in_force(CountryTariff{}, day("2026-01-01")), nullptr);
}

TEST(Tariff, PercentRange) {
  EXPECT_TRUE(tariff_percent_is_valid(dec("0")));
  EXPECT_TRUE(tariff_percent_is_valid(dec("1000")));
  EXPECT_TRUE(tariff_percent_is_valid(dec("999.999999999999999999999999999999")));
  EXPECT_FALSE(tariff_percent_is_valid(dec("1000.000000000000000000000000000001")));
  EXPECT_FALSE(tariff_percent_is_valid(dec("-0.01")));
}

// Every TariffError code, and the table unchanged after each refusal.
TEST(Tariff, TableRefusesInPrecedenceOrder) {
  using TE = TariffError;
  TariffTable table;
  ASSERT_EQ(table.add_country(KZ, Currency::kzt, "Kazakhstan"), TE::ok);
  EXPECT_EQ(table.add_country(KZ, Currency::kzt, "Again"), TE::country_exists);
  EXPECT_EQ(table.add_country(UZ, Currency::uzs, std::string(country_name_bytes_max + 1, 'x')),
            TE::name_too_long);
  EXPECT_EQ(table.add_version(UZ, sample_version()), TE::country_not_found);
  ASSERT_EQ(table.add_version(KZ, sample_version("2026-01-01")), TE::ok);

  const auto with = [](auto change) {
    TariffVersion version = sample_version("2027-01-01");
    change(version);
    return version;
  };
  const struct {
    const char* name;
    TariffVersion version;
    TE expected;
  } cases[] = {
      {"same date", sample_version("2026-01-01"), TE::effective_date_not_increasing},
      {"earlier", sample_version("2025-01-01"), TE::effective_date_not_increasing},
      {"default < 0", with([](TariffVersion& v) { v.duty_default_percent = dec("-1"); }),
       TE::percent_out_of_range},
      {"vat > 1000", with([](TariffVersion& v) { v.vat_percent = dec("1000.01"); }),
       TE::percent_out_of_range},
      {"duty lines", with([](TariffVersion& v) {
         v.duty_lines.assign(tariff_duty_lines_max + 1, line(87, 2, "1"));
       }),
       TE::lines_too_many},
      {"excise lines", with([](TariffVersion& v) {
         v.excise_lines.assign(tariff_excise_lines_max + 1, line(87, 2, "1"));
       }),
       TE::lines_too_many},
      {"prefix 00", with([](TariffVersion& v) { v.duty_lines.push_back(line(0, 2, "1")); }),
       TE::line_prefix_invalid},
      {"prefix 0087", with([](TariffVersion& v) { v.excise_lines.push_back(line(87, 4, "1")); }),
       TE::line_prefix_invalid},
      {"3 digits", with([](TariffVersion& v) { v.duty_lines.push_back(line(870, 3, "1")); }),
       TE::line_prefix_invalid},
      {"line > 1000", with([](TariffVersion& v) { v.duty_lines.push_back(line(85, 2, "1001")); }),
       TE::percent_out_of_range},
      {"invalid before repeated", with([](TariffVersion& v) {
         v.duty_lines.push_back(line(87, 2, "1"));
         v.duty_lines.push_back(line(0, 2, "1"));
       }),
       TE::line_prefix_invalid},
      {"repeated duty", with([](TariffVersion& v) { v.duty_lines.push_back(line(87, 2, "3")); }),
       TE::line_prefix_repeated},
      {"repeated excise",
       with([](TariffVersion& v) { v.excise_lines.push_back(line(2203, 4, "3")); }),
       TE::line_prefix_repeated},
  };
  const std::vector<TariffVersion> before = table.find(KZ)->versions;
  for (const auto& c : cases) {
    EXPECT_EQ(table.add_version(KZ, c.version), c.expected) << c.name;
    EXPECT_EQ(table.find(KZ)->versions, before) << c.name;
  }
  EXPECT_EQ(result_name(TE::line_prefix_repeated), "line_prefix_repeated");
  EXPECT_EQ(result_name(static_cast<TE>(200)), "unknown");
}

TEST(Tariff, TableLimits) {
  TariffTable table;
  // The first tariff_countries_max codes of ISO 3166-1 in alphabetical order.
  const std::string_view codes = country_internal::iso_assigned_text;
  for (size_t i = 0; i < tariff_countries_max; ++i) {
    Country country;
    ASSERT_EQ(Country::parse(codes.substr(i * 3, 2), &country), CountryError::ok);
    ASSERT_EQ(table.add_country(country, Currency::eur, ""), TariffError::ok);
  }
  Country next;
  ASSERT_EQ(Country::parse(codes.substr(tariff_countries_max * 3, 2), &next), CountryError::ok);
  EXPECT_EQ(table.add_country(next, Currency::eur, ""), TariffError::countries_too_many);
  EXPECT_EQ(table.countries().size(), tariff_countries_max);
  for (size_t i = 1; i < table.countries().size(); ++i) {
    EXPECT_LT(table.countries()[i - 1].country, table.countries()[i].country);
  }

  const Country first = table.countries()[0].country;
  Date date = day("2000-01-01");
  for (size_t i = 0; i < tariff_versions_per_country_max; ++i) {
    TariffVersion version;
    version.effective_from = date;
    ASSERT_EQ(table.add_version(first, version), TariffError::ok);
    date = *date.plus_days(1);
  }
  TariffVersion one_more;
  one_more.effective_from = date;
  EXPECT_EQ(table.add_version(first, one_more), TariffError::versions_too_many);
}

}  // namespace
}  // namespace kervan
