// Reads reference data from TOML (toml++ through ledger/transit/toml_loading.h): the rest of
// Kervan sees ReferenceData and LoadError, never a toml:: type.
#include "ledger/transit/reference_data.h"

#include "ledger/transit/toml_loading.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <new>
#include <optional>
#include <system_error>
#include <utility>

namespace kervan {
namespace {

using toml_loading::child;
using toml_loading::element;
using toml_loading::Keys;
using toml_loading::quoted;

bool is_upper_or_digit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// "8703" -> {8703, 4}; nullopt unless 2, 4 or 6 ASCII digits with a chapter other than 00.
std::optional<TariffLine> parse_prefix(std::string_view text) {
  if (text.size() != 2 && text.size() != 4 && text.size() != 6) return std::nullopt;
  uint32_t prefix = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    prefix = prefix * 10 + static_cast<uint32_t>(c - '0');
  }
  const auto digits = static_cast<uint8_t>(text.size());
  if (!tariff_prefix_is_valid(prefix, digits)) return std::nullopt;
  return TariffLine{.prefix = prefix, .digits = digits, .percent = Decimal()};
}

// Reads one parsed TOML document into ReferenceData. Each read_* and load_* function returns
// false after recording the first error in *error_; callers stop at the first false.
class Loader : public toml_loading::Loader {
 public:
  using toml_loading::Loader::Loader;

  bool load(const toml::table& root, ReferenceData* data);

 private:
  const toml::array* as_array(const toml::node& node, const std::string& path);
  bool read_string(const toml::node& node, const std::string& path, std::string_view example,
                   std::string* out);
  bool read_decimal(const toml::node& node, const std::string& path, std::string_view example,
                    Decimal* out);
  bool read_percent(const toml::node& node, const std::string& path, Decimal* out);
  bool read_date(const toml::node& node, const std::string& path, Date* out);
  bool read_currency(const toml::node& node, const std::string& path, Currency* out);
  bool read_country(std::string_view text, const toml::source_region& where,
                    const std::string& path, Country* out);
  bool read_name(const toml::node& node, const std::string& path, size_t bytes_max,
                 std::string* out);

  bool load_base_currency(const toml::table& root, Currency* base);
  bool load_countries(const toml::node& node, TariffTable* tariffs);
  bool load_tariffs(const toml::node& node, TariffTable* tariffs);
  bool load_version(const toml::table& table, const std::string& path, TariffVersion* version);
  bool load_lines(const toml::node& node, const std::string& path, size_t lines_max,
                  std::vector<TariffLine>* lines);
  bool add_version(const toml::table& table, const std::string& path, Country country,
                   TariffVersion version, TariffTable* tariffs);
  bool load_rates(const toml::node& node, ExchangeRateTable* rates);
  bool load_fixings(const toml::node& node, ExchangeRateTable* rates);
  bool add_rate(const toml::table& table, const std::string& path, const RateEntry& entry,
                ExchangeRateTable* rates);
  bool load_parties(const toml::node& node, std::vector<PartyEntry>* parties);
  bool load_party(const toml::table& table, const std::string& path, PartyEntry* party);
  bool load_offices(const toml::node& node, const std::string& path, PartyEntry* party);

  std::vector<std::string> offices_seen_;  // Every customs office so far, to find duplicates.
};

const toml::array* Loader::as_array(const toml::node& node, const std::string& path) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    fail(LoadErrorCode::type_wrong, node.source(), path,
         "expected an array of tables ([[...]] sections)");
  }
  return array;
}

bool Loader::read_string(const toml::node& node, const std::string& path, std::string_view example,
                         std::string* out) {
  const toml::value<std::string>* text = node.as_string();
  if (text == nullptr) {
    return fail(LoadErrorCode::type_wrong, node.source(), path,
                "expected a string like " + quoted(example));
  }
  *out = text->get();
  return true;
}

bool Loader::read_decimal(const toml::node& node, const std::string& path, std::string_view example,
                          Decimal* out) {
  const toml::value<std::string>* text = node.as_string();
  if (text == nullptr) {
    std::string message = "expected a decimal string like " + quoted(example);
    if (node.is_number()) message += " (quoted: TOML numbers are not exact decimals)";
    return fail(LoadErrorCode::type_wrong, node.source(), path, std::move(message));
  }
  const ParseNumberError parsed = parse_decimal(text->get(), out);
  if (parsed != ParseNumberError::ok) {
    return fail(LoadErrorCode::value_invalid, node.source(), path,
                quoted(text->get()) + " is not a decimal like " + quoted(example) + " (" +
                    std::string(result_name(parsed)) + ")");
  }
  return true;
}

bool Loader::read_percent(const toml::node& node, const std::string& path, Decimal* out) {
  if (!read_decimal(node, path, "16", out)) return false;
  if (!tariff_percent_is_valid(*out)) {
    return fail(LoadErrorCode::value_out_of_range, node.source(), path,
                "a percentage must lie in [0, " + std::to_string(tariff_percent_max) + "]");
  }
  return true;
}

bool Loader::read_date(const toml::node& node, const std::string& path, Date* out) {
  const toml::value<toml::date>* value = node.as_date();
  if (value == nullptr) {
    std::string message = "expected a date like 2026-01-01";
    if (node.is_string()) message += " (a TOML date, without quotes)";
    return fail(LoadErrorCode::type_wrong, node.source(), path, std::move(message));
  }
  const toml::date& date = value->get();
  const std::optional<Date> day = Date::from_civil(date.year, date.month, date.day);
  if (!day) {
    return fail(LoadErrorCode::value_invalid, node.source(), path,
                "not a date between 0001-01-01 and 9999-12-31");
  }
  *out = *day;
  return true;
}

bool Loader::read_currency(const toml::node& node, const std::string& path, Currency* out) {
  std::string code;
  if (!read_string(node, path, "KZT", &code)) return false;
  const std::optional<Currency> currency = currency_from_code(code);
  if (!currency) {
    return fail(LoadErrorCode::value_invalid, node.source(), path,
                quoted(code) + " is not an ISO 4217 code known to Kervan (core/currency.h)");
  }
  *out = *currency;
  return true;
}

bool Loader::read_country(std::string_view text, const toml::source_region& where,
                          const std::string& path, Country* out) {
  const CountryError parsed = Country::parse(text, out);
  if (parsed != CountryError::ok) {
    return fail(LoadErrorCode::value_invalid, where, path,
                quoted(text) + " is not an ISO 3166-1 alpha-2 code like \"KZ\" (" +
                    std::string(to_string(parsed)) + ")");
  }
  return true;
}

bool Loader::read_name(const toml::node& node, const std::string& path, size_t bytes_max,
                       std::string* out) {
  if (!read_string(node, path, "Kazakhstan", out)) return false;
  if (out->empty() || out->size() > bytes_max) {
    return fail(LoadErrorCode::value_invalid, node.source(), path,
                "expected 1 to " + std::to_string(bytes_max) + " bytes");
  }
  return true;
}

bool Loader::load(const toml::table& root, ReferenceData* data) {
  if (!check_keys(root, "",
                  {"format_version", "base_currency", "countries", "tariffs", "rates",
                   "rate_fixings", "parties"})) {
    return false;
  }
  const toml::node* version = required(root, "format_version", "");
  if (version == nullptr) return false;
  const toml::value<int64_t>* number = version->as_integer();
  if (number == nullptr || number->get() != reference_format_version) {
    return fail(number == nullptr ? LoadErrorCode::type_wrong : LoadErrorCode::value_out_of_range,
                version->source(), "format_version",
                "expected the integer " + std::to_string(reference_format_version));
  }
  Currency base = Currency::none;
  if (!load_base_currency(root, &base)) return false;
  data->rates = ExchangeRateTable(base);
  const toml::node* countries = root.get("countries");
  if (countries != nullptr && !load_countries(*countries, &data->tariffs)) return false;
  const toml::node* tariffs = root.get("tariffs");
  if (tariffs != nullptr && !load_tariffs(*tariffs, &data->tariffs)) return false;
  const toml::node* rates = root.get("rates");
  if (rates != nullptr && !load_rates(*rates, &data->rates)) return false;
  const toml::node* fixings = root.get("rate_fixings");
  if (fixings != nullptr && !load_fixings(*fixings, &data->rates)) return false;
  const toml::node* parties = root.get("parties");
  if (parties != nullptr && !load_parties(*parties, &data->parties)) return false;
  return true;
}

bool Loader::load_base_currency(const toml::table& root, Currency* base) {
  const toml::node* node = required(root, "base_currency", "");
  return node != nullptr && read_currency(*node, "base_currency", base);
}

bool Loader::load_countries(const toml::node& node, TariffTable* tariffs) {
  const toml::table* table = as_table(node, "countries");
  if (table == nullptr) return false;
  for (auto&& [key, value] : *table) {
    const std::string path = child("countries", key.str());
    Country country;
    if (!read_country(key.str(), key.source(), path, &country)) return false;
    const toml::table* entry = as_table(value, path);
    if (entry == nullptr || !check_keys(*entry, path, {"name", "currency"})) return false;
    const toml::node* name_node = required(*entry, "name", path);
    std::string name;
    if (name_node == nullptr ||
        !read_name(*name_node, child(path, "name"), country_name_bytes_max, &name)) {
      return false;
    }
    const toml::node* currency_node = required(*entry, "currency", path);
    Currency currency = Currency::none;
    if (currency_node == nullptr ||
        !read_currency(*currency_node, child(path, "currency"), &currency)) {
      return false;
    }
    const TariffError added = tariffs->add_country(country, currency, name);
    if (added == TariffError::countries_too_many) {
      return fail(LoadErrorCode::too_many, key.source(), path,
                  "more than " + std::to_string(tariff_countries_max) + " countries");
    }
    KERVAN_ASSERT(added == TariffError::ok);  // Keys are unique; the name length was checked.
  }
  return true;
}

bool Loader::load_tariffs(const toml::node& node, TariffTable* tariffs) {
  const toml::table* table = as_table(node, "tariffs");
  if (table == nullptr) return false;
  for (auto&& [key, value] : *table) {
    const std::string path = child("tariffs", key.str());
    Country country;
    if (!read_country(key.str(), key.source(), path, &country)) return false;
    if (tariffs->find(country) == nullptr) {
      return fail(LoadErrorCode::reference_invalid, key.source(), path,
                  "no [countries." + std::string(key.str()) + "] entry (name, currency)");
    }
    const toml::array* versions = as_array(value, path);
    if (versions == nullptr) return false;
    for (size_t i = 0; i < versions->size(); ++i) {
      const std::string version_path = element(path, i);
      const toml::table* version_table = as_table(*versions->get(i), version_path);
      TariffVersion version;
      if (version_table == nullptr || !load_version(*version_table, version_path, &version) ||
          !add_version(*version_table, version_path, country, std::move(version), tariffs)) {
        return false;
      }
    }
  }
  return true;
}

bool Loader::load_version(const toml::table& table, const std::string& path,
                          TariffVersion* version) {
  if (!check_keys(table, path,
                  {"effective_from", "default_duty_percent", "vat_percent", "duty_percent",
                   "excise_percent"})) {
    return false;
  }
  const toml::node* from = required(table, "effective_from", path);
  if (from == nullptr ||
      !read_date(*from, child(path, "effective_from"), &version->effective_from)) {
    return false;
  }
  const toml::node* duty = required(table, "default_duty_percent", path);
  if (duty == nullptr ||
      !read_percent(*duty, child(path, "default_duty_percent"), &version->duty_default_percent)) {
    return false;
  }
  const toml::node* vat = required(table, "vat_percent", path);
  if (vat == nullptr || !read_percent(*vat, child(path, "vat_percent"), &version->vat_percent)) {
    return false;
  }
  const toml::node* duty_lines = table.get("duty_percent");
  if (duty_lines != nullptr && !load_lines(*duty_lines, child(path, "duty_percent"),
                                           tariff_duty_lines_max, &version->duty_lines)) {
    return false;
  }
  const toml::node* excise_lines = table.get("excise_percent");
  return excise_lines == nullptr || load_lines(*excise_lines, child(path, "excise_percent"),
                                               tariff_excise_lines_max, &version->excise_lines);
}

bool Loader::load_lines(const toml::node& node, const std::string& path, size_t lines_max,
                        std::vector<TariffLine>* lines) {
  const toml::table* table = as_table(node, path);
  if (table == nullptr) return false;
  if (table->size() > lines_max) {
    return fail(LoadErrorCode::too_many, node.source(), path,
                "more than " + std::to_string(lines_max) + " HS prefixes");
  }
  for (auto&& [key, value] : *table) {
    const std::string line_path = child(path, key.str());
    std::optional<TariffLine> line = parse_prefix(key.str());
    if (!line) {
      return fail(LoadErrorCode::value_invalid, key.source(), line_path,
                  "expected an HS prefix of 2, 4 or 6 digits like \"8703\" (chapter 01..99)");
    }
    if (!read_percent(value, line_path, &line->percent)) return false;
    lines->push_back(*line);
  }
  return true;
}

bool Loader::add_version(const toml::table& table, const std::string& path, Country country,
                         TariffVersion version, TariffTable* tariffs) {
  const std::string date = version.effective_from.to_string();
  switch (tariffs->add_version(country, std::move(version))) {
    case TariffError::ok:
      return true;
    case TariffError::versions_too_many:
      return fail(LoadErrorCode::too_many, table.source(), path,
                  "more than " + std::to_string(tariff_versions_per_country_max) + " versions");
    case TariffError::effective_date_not_increasing:
      return fail(LoadErrorCode::order_invalid, table.get("effective_from")->source(),
                  child(path, "effective_from"),
                  date + " is not after the previous version's date (list versions in date order)");
    default:
      // Countries, percentages, prefixes and counts were checked while reading.
      KERVAN_UNREACHABLE();
  }
}

bool Loader::load_rates(const toml::node& node, ExchangeRateTable* rates) {
  const toml::array* array = as_array(node, "rates");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = element("rates", i);
    const toml::table* table = as_table(*array->get(i), path);
    if (table == nullptr ||
        !check_keys(*table, path, {"currency", "effective_from", "units_per_base"})) {
      return false;
    }
    RateEntry entry;
    const toml::node* currency = required(*table, "currency", path);
    if (currency == nullptr ||
        !read_currency(*currency, child(path, "currency"), &entry.currency)) {
      return false;
    }
    const toml::node* from = required(*table, "effective_from", path);
    if (from == nullptr ||
        !read_date(*from, child(path, "effective_from"), &entry.effective_from)) {
      return false;
    }
    const toml::node* rate = required(*table, "units_per_base", path);
    if (rate == nullptr ||
        !read_decimal(*rate, child(path, "units_per_base"), "612.5", &entry.units_per_base) ||
        !add_rate(*table, path, entry, rates)) {
      return false;
    }
  }
  return true;
}

bool Loader::load_fixings(const toml::node& node, ExchangeRateTable* rates) {
  const toml::array* array = as_array(node, "rate_fixings");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = element("rate_fixings", i);
    const toml::table* table = as_table(*array->get(i), path);
    if (table == nullptr || !check_keys(*table, path, {"currency", "fixed_on", "units_per_base"})) {
      return false;
    }
    RateObservation fixing;
    const toml::node* currency = required(*table, "currency", path);
    if (currency == nullptr ||
        !read_currency(*currency, child(path, "currency"), &fixing.currency)) {
      return false;
    }
    const toml::node* fixed_on = required(*table, "fixed_on", path);
    if (fixed_on == nullptr ||
        !read_date(*fixed_on, child(path, "fixed_on"), &fixing.observed_on)) {
      return false;
    }
    const toml::node* rate = required(*table, "units_per_base", path);
    if (rate == nullptr ||
        !read_decimal(*rate, child(path, "units_per_base"), "612.5", &fixing.units_per_base)) {
      return false;
    }
    const int32_t year = fixing.observed_on.year();
    const std::optional<RateEntry> entry = transit_rule_entry(fixing);
    const Date expected = first_working_day_of_october(year);
    if (fixing.observed_on != expected) {
      return fail(LoadErrorCode::value_invalid, fixed_on->source(), child(path, "fixed_on"),
                  fixing.observed_on.to_string() + " is not the first working day of October " +
                      std::to_string(year) + " (" + expected.to_string() + ")");
    }
    if (!entry) {
      return fail(LoadErrorCode::value_out_of_range, fixed_on->source(), child(path, "fixed_on"),
                  "no year follows " + std::to_string(year) + " for the rate to apply in");
    }
    if (!add_rate(*table, path, *entry, rates)) return false;
  }
  return true;
}

bool Loader::add_rate(const toml::table& table, const std::string& path, const RateEntry& entry,
                      ExchangeRateTable* rates) {
  const std::string code(currency_code(entry.currency));
  switch (rates->add(entry)) {
    case RateTableError::ok:
      return true;
    case RateTableError::currency_is_base:
      return fail(LoadErrorCode::reference_invalid, table.get("currency")->source(),
                  child(path, "currency"),
                  code + " is the base currency: its rate is 1 by definition");
    case RateTableError::rate_not_positive:
      return fail(LoadErrorCode::value_out_of_range, table.get("units_per_base")->source(),
                  child(path, "units_per_base"), "an exchange rate must be above 0");
    case RateTableError::entry_exists:
      return fail(
          LoadErrorCode::duplicate, table.source(), path,
          "a second rate for " + code + " effective from " + entry.effective_from.to_string());
    case RateTableError::entries_too_many:
      return fail(LoadErrorCode::too_many, table.source(), path,
                  "more than " + std::to_string(rate_entries_max) + " rates");
    case RateTableError::date_out_of_range:
      break;
  }
  KERVAN_UNREACHABLE();
}

bool Loader::load_parties(const toml::node& node, std::vector<PartyEntry>* parties) {
  const toml::array* array = as_array(node, "parties");
  if (array == nullptr) return false;
  if (array->size() > parties_max) {
    return fail(LoadErrorCode::too_many, node.source(), "parties",
                "more than " + std::to_string(parties_max) + " parties");
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = element("parties", i);
    const toml::table* table = as_table(*array->get(i), path);
    PartyEntry party;
    if (table == nullptr || !load_party(*table, path, &party)) return false;
    const auto same_id = [&party](const PartyEntry& other) {
      return other.party.id == party.party.id;
    };
    if (std::any_of(parties->begin(), parties->end(), same_id)) {
      return fail(
          LoadErrorCode::duplicate, table->get("id")->source(), child(path, "id"),
          "a second party with id " + std::to_string(static_cast<uint64_t>(party.party.id)));
    }
    parties->push_back(std::move(party));
  }
  std::sort(parties->begin(), parties->end(),
            [](const PartyEntry& a, const PartyEntry& b) { return a.party.id < b.party.id; });
  return true;
}

bool Loader::load_party(const toml::table& table, const std::string& path, PartyEntry* party) {
  if (!check_keys(table, path, {"id", "role", "country", "name", "customs_offices"})) return false;
  const toml::node* id = required(table, "id", path);
  if (id == nullptr) return false;
  const toml::value<int64_t>* number = id->as_integer();
  if (number == nullptr || number->get() <= 0) {
    return fail(number == nullptr ? LoadErrorCode::type_wrong : LoadErrorCode::value_out_of_range,
                id->source(), child(path, "id"), "expected an integer above 0 like 1");
  }
  party->party.id = static_cast<PartyId>(static_cast<uint64_t>(number->get()));
  const toml::node* role_node = required(table, "role", path);
  std::string role;
  if (role_node == nullptr || !read_string(*role_node, child(path, "role"), "customs", &role)) {
    return false;
  }
  constexpr std::array<std::pair<std::string_view, PartyRole>, 5> roles = {{
      {"provider", PartyRole::provider},
      {"customs", PartyRole::customs},
      {"principal", PartyRole::principal},
      {"analyst", PartyRole::analyst},
      {"operator", PartyRole::operator_},
  }};
  const auto found = std::find_if(roles.begin(), roles.end(),
                                  [&role](const auto& known) { return known.first == role; });
  if (found == roles.end()) {
    return fail(LoadErrorCode::value_invalid, role_node->source(), child(path, "role"),
                quoted(role) + " is not one of: provider, customs, principal, analyst, operator");
  }
  party->party.role = found->second;
  const toml::node* name = required(table, "name", path);
  if (name == nullptr ||
      !read_name(*name, child(path, "name"), party_name_bytes_max, &party->name)) {
    return false;
  }
  const bool customs = party->party.role == PartyRole::customs;
  const toml::node* country = customs ? required(table, "country", path) : table.get("country");
  if (customs && country == nullptr) return false;
  std::string code;
  if (country != nullptr &&
      (!read_string(*country, child(path, "country"), "KZ", &code) ||
       !read_country(code, country->source(), child(path, "country"), &party->party.country))) {
    return false;
  }
  const toml::node* offices = table.get("customs_offices");
  if (offices != nullptr && !customs) {
    return fail(LoadErrorCode::reference_invalid, offices->source(), child(path, "customs_offices"),
                "only a customs party has customs offices");
  }
  return offices == nullptr || load_offices(*offices, child(path, "customs_offices"), party);
}

bool Loader::load_offices(const toml::node& node, const std::string& path, PartyEntry* party) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return fail(LoadErrorCode::type_wrong, node.source(), path,
                "expected an array of strings like [\"KZ551000\"]");
  }
  if (array->size() > customs_offices_per_party_max) {
    return fail(LoadErrorCode::too_many, node.source(), path,
                "more than " + std::to_string(customs_offices_per_party_max) + " offices");
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& office_node = *array->get(i);
    const std::string office_path = element(path, i);
    std::string office;
    if (!read_string(office_node, office_path, "KZ551000", &office)) return false;
    // NCTS customs office reference an8: [A-Z]{2}[A-Z0-9]{6} (domain.md 1.3).
    const bool shaped = office.size() == 8 && office[0] >= 'A' && office[0] <= 'Z' &&
                        office[1] >= 'A' && office[1] <= 'Z' &&
                        std::all_of(office.begin() + 2, office.end(), is_upper_or_digit);
    if (!shaped) {
      return fail(LoadErrorCode::value_invalid, office_node.source(), office_path,
                  quoted(office) + " is not an office reference like \"KZ551000\"");
    }
    if (std::string_view(office).substr(0, 2) != party->party.country.text()) {
      return fail(
          LoadErrorCode::reference_invalid, office_node.source(), office_path,
          quoted(office) + " is not an office of " + std::string(party->party.country.text()));
    }
    if (std::find(offices_seen_.begin(), offices_seen_.end(), office) != offices_seen_.end()) {
      return fail(LoadErrorCode::duplicate, office_node.source(), office_path,
                  quoted(office) + " is listed twice");
    }
    offices_seen_.push_back(office);
    party->customs_offices.push_back(std::move(office));
  }
  return true;
}

LoadErrorCode load_text(std::string_view text, std::string_view source_name, ReferenceData* out,
                        LoadError* error) {
  return toml_loading::read_document<Loader>(text, source_name, ReferenceData(), out, error);
}

}  // namespace

const PartyEntry* ReferenceData::find_party(PartyId id) const {
  const auto it =
      std::lower_bound(parties.begin(), parties.end(), id,
                       [](const PartyEntry& entry, PartyId key) { return entry.party.id < key; });
  if (it == parties.end() || it->party.id != id) return nullptr;
  return &*it;
}

std::string_view result_name(LoadErrorCode code) {
  switch (code) {
    case LoadErrorCode::ok:
      return "ok";
    case LoadErrorCode::file_unreadable:
      return "file_unreadable";
    case LoadErrorCode::file_too_large:
      return "file_too_large";
    case LoadErrorCode::syntax:
      return "syntax";
    case LoadErrorCode::key_unknown:
      return "key_unknown";
    case LoadErrorCode::key_missing:
      return "key_missing";
    case LoadErrorCode::type_wrong:
      return "type_wrong";
    case LoadErrorCode::value_invalid:
      return "value_invalid";
    case LoadErrorCode::value_out_of_range:
      return "value_out_of_range";
    case LoadErrorCode::duplicate:
      return "duplicate";
    case LoadErrorCode::order_invalid:
      return "order_invalid";
    case LoadErrorCode::reference_invalid:
      return "reference_invalid";
    case LoadErrorCode::too_many:
      return "too_many";
    case LoadErrorCode::internal:
      return "internal";
  }
  return "unknown";
}

std::string LoadError::to_string() const {
  std::string text = source;
  if (line != 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
  text += ": ";
  if (!path.empty()) text += path + ": ";
  text += message;
  return text;
}

LoadErrorCode load_reference_data_text(std::string_view text, std::string_view source_name,
                                       ReferenceData* out, LoadError* error) noexcept {
  return toml_loading::without_exceptions(
      source_name, error, [&] { return load_text(text, source_name, out, error); });
}

LoadErrorCode load_reference_data_file(const std::string& path, ReferenceData* out,
                                       LoadError* error) noexcept {
  return toml_loading::load_file(path, reference_file_bytes_max, error,
                                 [&](const std::string& text) {
                                   return load_text(text, path, out, error);
                                 });
}

LoadErrorCode load_default_reference_data(ReferenceData* out, LoadError* error) noexcept {
  return load_reference_data_text(embedded_carec_toml(), "carec.toml (embedded)", out, error);
}

}  // namespace kervan
