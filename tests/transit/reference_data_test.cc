#include "ledger/transit/reference_data.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/transit/reference_test_util.h"

namespace kervan {
namespace {

using testing::data_path;
using testing::day;
using testing::dec;
using testing::load_tiny;

constexpr Country KZ = Country::of("KZ");

std::string read_whole_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(ReferenceData, ShippedCarecFileLoads) {
  ReferenceData from_file;
  LoadError error;
  ASSERT_EQ(load_reference_data_file(KERVAN_CAREC_TOML, &from_file, &error), LoadErrorCode::ok)
      << error.to_string();
  EXPECT_EQ(from_file.rates.base(), Currency::eur);
  const char* expected[] = {"AF", "AZ", "CN", "GE", "KG", "KZ", "MN",
                            "PK", "RU", "TJ", "TM", "TR", "UZ"};
  ASSERT_EQ(from_file.tariffs.countries().size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(from_file.tariffs.countries()[i].country.text(), expected[i]);
    EXPECT_FALSE(from_file.tariffs.countries()[i].versions.empty()) << expected[i];
  }
  // KZ VAT 12 % until 2025-12-31, 16 % from 2026-01-01 (simulation.md 2.4).
  const CountryTariff& kz = *from_file.tariffs.find(KZ);
  EXPECT_EQ(kz.currency, Currency::kzt);
  EXPECT_EQ(tariff_version_in_force(kz, day("2025-12-31"))->vat_percent, dec("12"));
  EXPECT_EQ(tariff_version_in_force(kz, day("2026-01-01"))->vat_percent, dec("16"));
  // The transit rule: the 2025-10-01 fixing applies in 2026.
  EXPECT_EQ(from_file.rates.rate_at(Currency::kzt, day("2025-12-31")), dec("534"));
  EXPECT_EQ(from_file.rates.rate_at(Currency::kzt, day("2026-01-01")), dec("644.5"));
  ASSERT_NE(from_file.find_party(PartyId{6}), nullptr);
  EXPECT_EQ(from_file.find_party(PartyId{6})->party.country, KZ);

  // The copy compiled into the binary is the same file, byte for byte, and loads the same.
  EXPECT_EQ(embedded_carec_toml(), read_whole_file(KERVAN_CAREC_TOML));
  ReferenceData embedded;
  ASSERT_EQ(load_default_reference_data(&embedded, &error), LoadErrorCode::ok) << error.to_string();
  EXPECT_EQ(
      std::vector<RateEntry>(embedded.rates.entries().begin(), embedded.rates.entries().end()),
      std::vector<RateEntry>(from_file.rates.entries().begin(), from_file.rates.entries().end()));
  EXPECT_EQ(embedded.parties.size(), from_file.parties.size());
}

TEST(ReferenceData, TinyFileContents) {
  const ReferenceData data = load_tiny();
  ASSERT_EQ(data.tariffs.countries().size(), 3u);
  const CountryTariff& kz = *data.tariffs.find(KZ);
  EXPECT_EQ(kz.name, "Kazakhstan");
  ASSERT_EQ(kz.versions.size(), 2u);
  const TariffVersion& v2026 = kz.versions[1];
  EXPECT_EQ(v2026.effective_from, day("2026-01-01"));
  EXPECT_EQ(v2026.duty_default_percent, dec("5"));
  EXPECT_EQ(v2026.vat_percent, dec("16"));
  const std::vector<TariffLine> duty_lines = {{.prefix = 87, .digits = 2, .percent = dec("10")},
                                              {.prefix = 8703, .digits = 4, .percent = dec("15")},
                                              {.prefix = 870380, .digits = 6, .percent = dec("0")}};
  EXPECT_EQ(v2026.duty_lines, duty_lines);
  EXPECT_EQ(v2026.excise_lines.size(), 2u);

  // Dated rates and the fixing of 2025-10-01 (effective 2026-01-01) in one table.
  const std::vector<RateEntry> rates = {{.currency = Currency::kzt,
                                         .effective_from = day("2025-01-01"),
                                         .units_per_base = dec("500")},
                                        {.currency = Currency::kzt,
                                         .effective_from = day("2026-01-01"),
                                         .units_per_base = dec("600")},
                                        {.currency = Currency::usd,
                                         .effective_from = day("2025-01-01"),
                                         .units_per_base = dec("1.25")},
                                        {.currency = Currency::uzs,
                                         .effective_from = day("2025-01-01"),
                                         .units_per_base = dec("14000")}};
  EXPECT_EQ(std::vector<RateEntry>(data.rates.entries().begin(), data.rates.entries().end()),
            rates);

  ASSERT_EQ(data.parties.size(), 3u);
  const PartyEntry& customs = *data.find_party(PartyId{1});
  EXPECT_EQ(customs.party.role, PartyRole::customs);
  EXPECT_EQ(customs.party.country, KZ);
  EXPECT_EQ(customs.name, "Customs of Kazakhstan");
  EXPECT_EQ(customs.customs_offices, (std::vector<std::string>{"KZ000001", "KZ000002"}));
  EXPECT_EQ(data.find_party(PartyId{2})->party.role, PartyRole::provider);
  EXPECT_TRUE(data.find_party(PartyId{2})->party.country.empty());
  EXPECT_EQ(data.find_party(PartyId{3})->party.role, PartyRole::principal);
  EXPECT_EQ(data.find_party(PartyId{4}), nullptr);
}

// The smallest valid file, which each bad file below extends or changes.
constexpr const char* header = "format_version = 1\nbase_currency = \"EUR\"\n";
constexpr const char* kz_country = "[countries.KZ]\nname = \"Kazakhstan\"\ncurrency = \"KZT\"\n";
// Lines 3-5 are the country; the version starts on line 6.
std::string with_version(const std::string& body) {
  return std::string(header) + kz_country + "[[tariffs.KZ]]\n" + body;
}
constexpr const char* good_version =
    "effective_from = 2025-01-01\ndefault_duty_percent = \"5\"\nvat_percent = \"12\"\n";

TEST(ReferenceData, BadFilesNameLineAndField) {
  using LE = LoadErrorCode;
  const struct {
    const char* name;
    std::string text;
    LE code;
    uint32_t line;
    const char* path;
    const char* message;  // A part of the message.
  } cases[] = {
      {"syntax", "format_version = = 1\n", LE::syntax, 1, "", ""},
      {"missing format", "base_currency = \"EUR\"\n", LE::key_missing, 1, "format_version",
       "missing"},
      {"format 2", "format_version = 2\nbase_currency = \"EUR\"\n", LE::value_out_of_range, 1,
       "format_version", "expected the integer 1"},
      {"format string", "format_version = \"1\"\n", LE::type_wrong, 1, "format_version", ""},
      {"unknown top key", std::string(header) + "colour = \"red\"\n", LE::key_unknown, 3, "colour",
       "unknown key"},
      {"missing base", "format_version = 1\n", LE::key_missing, 1, "base_currency", "missing"},
      {"base EURO", "format_version = 1\nbase_currency = \"EURO\"\n", LE::value_invalid, 2,
       "base_currency", "\"EURO\" is not an ISO 4217 code"},
      {"base number", "format_version = 1\nbase_currency = 978\n", LE::type_wrong, 2,
       "base_currency", "expected a string like \"KZT\""},
      {"country lower case", std::string(header) + "[countries.kz]\nname = \"x\"\n",
       LE::value_invalid, 3, "countries.kz", "lower_case"},
      {"country unassigned", std::string(header) + "[countries.QQ]\nname = \"x\"\n",
       LE::value_invalid, 3, "countries.QQ", "unassigned"},
      {"country missing currency", std::string(header) + "[countries.KZ]\nname = \"K\"\n",
       LE::key_missing, 3, "countries.KZ.currency", "missing"},
      {"country unknown key", std::string(header) + kz_country + "capital = \"Astana\"\n",
       LE::key_unknown, 6, "countries.KZ.capital", "expected one of: name, currency"},
      {"country empty name",
       std::string(header) + "[countries.KZ]\nname = \"\"\ncurrency = \"KZT\"\n", LE::value_invalid,
       4, "countries.KZ.name", "1 to 64 bytes"},
      {"tariff without country", std::string(header) + "[[tariffs.KZ]]\n" + good_version,
       LE::reference_invalid, 3, "tariffs.KZ", "no [countries.KZ] entry"},
      {"tariff not an array", std::string(header) + kz_country + "[tariffs.KZ]\n" + good_version,
       LE::type_wrong, 6, "tariffs.KZ", "expected an array of tables"},
      {"vat float",
       with_version(good_version) + "[[tariffs.KZ]]\n" +
           "effective_from = 2026-01-01\ndefault_duty_percent = \"5\"\n" + "vat_percent = 16.0\n",
       LE::type_wrong, 13, "tariffs.KZ[1].vat_percent", "expected a decimal string like \"16\""},
      {"vat integer",
       with_version("effective_from = 2025-01-01\ndefault_duty_percent = \"5\"\n"
                    "vat_percent = 16\n"),
       LE::type_wrong, 9, "tariffs.KZ[0].vat_percent", "TOML numbers are not exact"},
      {"vat comma",
       with_version("effective_from = 2025-01-01\ndefault_duty_percent = \"5\"\n"
                    "vat_percent = \"1,5\"\n"),
       LE::value_invalid, 9, "tariffs.KZ[0].vat_percent", "invalid_character"},
      {"vat too high",
       with_version("effective_from = 2025-01-01\ndefault_duty_percent = \"5\"\n"
                    "vat_percent = \"1000.5\"\n"),
       LE::value_out_of_range, 9, "tariffs.KZ[0].vat_percent", "[0, 1000]"},
      {"duty negative",
       with_version("effective_from = 2025-01-01\ndefault_duty_percent = \"-1\"\n"
                    "vat_percent = \"12\"\n"),
       LE::value_out_of_range, 8, "tariffs.KZ[0].default_duty_percent", "[0, 1000]"},
      {"missing vat", with_version("effective_from = 2025-01-01\ndefault_duty_percent = \"5\"\n"),
       LE::key_missing, 6, "tariffs.KZ[0].vat_percent", "missing"},
      {"date as string", with_version("effective_from = \"2025-01-01\"\n"), LE::type_wrong, 7,
       "tariffs.KZ[0].effective_from", "without quotes"},
      {"date time", with_version("effective_from = 2025-01-01T00:00:00Z\n"), LE::type_wrong, 7,
       "tariffs.KZ[0].effective_from", "expected a date like 2026-01-01"},
      {"versions out of order",
       with_version(good_version) + "[[tariffs.KZ]]\n" +
           "effective_from = 2024-01-01\ndefault_duty_percent = \"5\"\n" + "vat_percent = \"12\"\n",
       LE::order_invalid, 11, "tariffs.KZ[1].effective_from", "not after the previous"},
      {"version unknown key", with_version(std::string(good_version) + "vat = \"12\"\n"),
       LE::key_unknown, 10, "tariffs.KZ[0].vat", "unknown key"},
      {"prefix of 3 digits",
       with_version(std::string(good_version) + "duty_percent = { \"870\" = \"15\" }\n"),
       LE::value_invalid, 10, "tariffs.KZ[0].duty_percent.870", "HS prefix of 2, 4 or 6 digits"},
      {"prefix chapter 00",
       with_version(std::string(good_version) + "[tariffs.KZ.excise_percent]\n\"00\" = \"1\"\n"),
       LE::value_invalid, 11, "tariffs.KZ[0].excise_percent.00", "HS prefix"},
      {"line integer",
       with_version(std::string(good_version) + "[tariffs.KZ.excise_percent]\n\"24\" = 50\n"),
       LE::type_wrong, 11, "tariffs.KZ[0].excise_percent.24", "decimal string"},
      {"lines not a table", with_version(std::string(good_version) + "duty_percent = \"15\"\n"),
       LE::type_wrong, 10, "tariffs.KZ[0].duty_percent", "expected a table"},
      {"rate for the base",
       std::string(header) +
           "[[rates]]\ncurrency = \"EUR\"\neffective_from = 2025-01-01\nunits_per_base = \"1\"\n",
       LE::reference_invalid, 4, "rates[0].currency", "base currency"},
      {"rate zero",
       std::string(header) +
           "[[rates]]\ncurrency = \"KZT\"\neffective_from = 2025-01-01\nunits_per_base = \"0\"\n",
       LE::value_out_of_range, 6, "rates[0].units_per_base", "above 0"},
      {"rate float",
       std::string(header) +
           "[[rates]]\ncurrency = \"KZT\"\neffective_from = 2025-01-01\nunits_per_base = 500.0\n",
       LE::type_wrong, 6, "rates[0].units_per_base", "\"612.5\""},
      {"rate missing", std::string(header) + "[[rates]]\ncurrency = \"KZT\"\n", LE::key_missing, 3,
       "rates[0].effective_from", "missing"},
      {"rates not an array", std::string(header) + "[rates]\ncurrency = \"KZT\"\n", LE::type_wrong,
       3, "rates", "array"},
      {"rate twice",
       std::string(header) +
           "[[rates]]\ncurrency = \"KZT\"\neffective_from = 2025-01-01\nunits_per_base = \"5\"\n"
           "[[rates]]\ncurrency = \"KZT\"\neffective_from = 2025-01-01\nunits_per_base = \"6\"\n",
       LE::duplicate, 7, "rates[1]", "a second rate for KZT effective from 2025-01-01"},
      {"fixing not on the fixing day",
       std::string(header) +
           "[[rate_fixings]]\ncurrency = \"KZT\"\nfixed_on = 2025-10-02\nunits_per_base = \"5\"\n",
       LE::value_invalid, 5, "rate_fixings[0].fixed_on",
       "2025-10-02 is not the first working day of October 2025 (2025-10-01)"},
      {"fixing in the last year",  // 9999-10-01 is a Friday, but no 10000-01-01 follows.
       std::string(header) +
           "[[rate_fixings]]\ncurrency = \"KZT\"\nfixed_on = 9999-10-01\nunits_per_base = \"5\"\n",
       LE::value_out_of_range, 5, "rate_fixings[0].fixed_on", "no year follows 9999"},
      {"fixing twice with a rate",
       std::string(header) +
           "[[rates]]\ncurrency = \"KZT\"\neffective_from = 2026-01-01\nunits_per_base = \"5\"\n"
           "[[rate_fixings]]\ncurrency = \"KZT\"\nfixed_on = 2025-10-01\nunits_per_base = \"6\"\n",
       LE::duplicate, 7, "rate_fixings[0]", "effective from 2026-01-01"},
      {"fixing unknown key",
       std::string(header) + "[[rate_fixings]]\ncurrency = \"KZT\"\nobserved_on = 2025-10-01\n",
       LE::key_unknown, 5, "rate_fixings[0].observed_on", "currency, fixed_on, units_per_base"},
      {"party id zero", std::string(header) + "[[parties]]\nid = 0\n", LE::value_out_of_range, 4,
       "parties[0].id", "above 0"},
      {"party id string", std::string(header) + "[[parties]]\nid = \"1\"\n", LE::type_wrong, 4,
       "parties[0].id", "integer"},
      {"party role", std::string(header) + "[[parties]]\nid = 1\nrole = \"customer\"\n",
       LE::value_invalid, 5, "parties[0].role", "not one of: provider, customs"},
      {"party without name", std::string(header) + "[[parties]]\nid = 1\nrole = \"provider\"\n",
       LE::key_missing, 3, "parties[0].name", "missing"},
      {"customs without country",
       std::string(header) + "[[parties]]\nid = 1\nrole = \"customs\"\nname = \"C\"\n",
       LE::key_missing, 3, "parties[0].country", "missing"},
      {"offices for a provider",
       std::string(header) + "[[parties]]\nid = 1\nrole = \"provider\"\nname = \"P\"\n"
                             "customs_offices = [\"KZ000001\"]\n",
       LE::reference_invalid, 7, "parties[0].customs_offices", "only a customs party"},
      {"office too short",
       std::string(header) + "[[parties]]\nid = 1\nrole = \"customs\"\ncountry = \"KZ\"\n"
                             "name = \"C\"\ncustoms_offices = [\"KZ00001\"]\n",
       LE::value_invalid, 8, "parties[0].customs_offices[0]", "not an office reference"},
      {"office of another country",
       std::string(header) + "[[parties]]\nid = 1\nrole = \"customs\"\ncountry = \"KZ\"\n"
                             "name = \"C\"\ncustoms_offices = [\"KZ000001\", \"UZ000001\"]\n",
       LE::reference_invalid, 8, "parties[0].customs_offices[1]", "not an office of KZ"},
      {"office twice",
       std::string(header) +
           "[[parties]]\nid = 1\nrole = \"customs\"\ncountry = \"KZ\"\nname = \"C\"\n"
           "customs_offices = [\"KZ000001\"]\n"
           "[[parties]]\nid = 2\nrole = \"customs\"\ncountry = \"KZ\"\nname = \"D\"\n"
           "customs_offices = [\"KZ000001\"]\n",
       LE::duplicate, 14, "parties[1].customs_offices[0]", "listed twice"},
      {"party id twice",
       std::string(header) + "[[parties]]\nid = 7\nrole = \"analyst\"\nname = \"A\"\n"
                             "[[parties]]\nid = 7\nrole = \"analyst\"\nname = \"B\"\n",
       LE::duplicate, 8, "parties[1].id", "a second party with id 7"},
      {"party unknown key",
       std::string(header) +
           "[[parties]]\nid = 1\nrole = \"analyst\"\nname = \"A\"\nemail = \"\"\n",
       LE::key_unknown, 7, "parties[0].email", "unknown key"},
  };
  for (const auto& c : cases) {
    ReferenceData data;
    data.parties.push_back(PartyEntry{.party = {}, .name = "untouched", .customs_offices = {}});
    LoadError error;
    EXPECT_EQ(load_reference_data_text(c.text, "bad.toml", &data, &error), c.code)
        << c.name << ": " << error.to_string();
    EXPECT_EQ(error.code, c.code) << c.name;
    EXPECT_EQ(error.source, "bad.toml") << c.name;
    EXPECT_EQ(error.line, c.line) << c.name << ": " << error.to_string();
    EXPECT_GE(error.column, 1u) << c.name;
    EXPECT_EQ(error.path, c.path) << c.name << ": " << error.to_string();
    EXPECT_NE(error.message.find(c.message), std::string::npos)
        << c.name << ": " << error.to_string();
    ASSERT_EQ(data.parties.size(), 1u) << c.name;  // *out unchanged.
    EXPECT_EQ(data.parties[0].name, "untouched") << c.name;
  }
}

TEST(ReferenceData, ErrorTextNamesFileLineColumnAndField) {
  ReferenceData data;
  LoadError error;
  const std::string text = with_version(
      "effective_from = 2025-01-01\n"
      "default_duty_percent = \"5\"\nvat_percent = 16.0\n");
  ASSERT_EQ(load_reference_data_text(text, "kz.toml", &data, &error), LoadErrorCode::type_wrong);
  EXPECT_EQ(error.to_string(),
            "kz.toml:9:15: tariffs.KZ[0].vat_percent: expected a decimal string like \"16\" "
            "(quoted: TOML numbers are not exact decimals)");
  EXPECT_EQ(result_name(LoadErrorCode::type_wrong), "type_wrong");
  EXPECT_EQ(result_name(static_cast<LoadErrorCode>(200)), "unknown");
}

TEST(ReferenceData, FileErrors) {
  ReferenceData data;
  LoadError error;
  EXPECT_EQ(load_reference_data_file(data_path("no-such-file.toml"), &data, &error),
            LoadErrorCode::file_unreadable);
  EXPECT_EQ(error.line, 0u);
  EXPECT_NE(error.to_string().find("no-such-file.toml: No such file or directory"),
            std::string::npos)
      << error.to_string();

  const std::string large = ::testing::TempDir() + "kervan_reference_too_large.toml";
  {
    std::ofstream file(large, std::ios::binary);
    file << std::string(reference_file_bytes_max + 1, '#');
  }
  EXPECT_EQ(load_reference_data_file(large, &data, &error), LoadErrorCode::file_too_large);
  std::remove(large.c_str());

  // A file of exactly the limit is read (and is then only a comment: no format_version).
  {
    std::ofstream file(large, std::ios::binary);
    file << std::string(reference_file_bytes_max, '#');
  }
  EXPECT_EQ(load_reference_data_file(large, &data, &error), LoadErrorCode::key_missing);
  EXPECT_EQ(error.path, "format_version");
  std::remove(large.c_str());
}

TEST(ReferenceData, OptionalSectionsMayBeAbsent) {
  ReferenceData data;
  LoadError error;
  ASSERT_EQ(load_reference_data_text("format_version = 1\nbase_currency = \"USD\"\n", "min.toml",
                                     &data, &error),
            LoadErrorCode::ok)
      << error.to_string();
  EXPECT_EQ(data.rates.base(), Currency::usd);
  EXPECT_TRUE(data.tariffs.countries().empty());
  EXPECT_TRUE(data.parties.empty());
}

}  // namespace
}  // namespace kervan
