// Customs tariffs of the countries of a transit scheme, and the duties and taxes they put on one
// goods item. Pure data and pure computation: no I/O, no clock, no allocation when computing.
//
// A country has one tariff version per effective date; a version applies from its date until
// the day before the next version's date (the last one applies indefinitely). A version holds:
//   - duty rates by HS prefix (chapter: 2 digits, heading: 4, subheading: 6), matched by the
//     longest prefix, and a default duty rate for goods no prefix matches;
//   - excise rates (ad valorem) by HS prefix, matched the same way; no match means no excise;
//   - one VAT rate on the import VAT base: customs value + duty + excise.
// All rates are exact Decimal percentages. The rules and the shipped data: docs/reference_data.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/amount.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/decimal.h"
#include "core/time.h"
#include "ledger/transit/reference_limits.h"

namespace kervan {

// True for a six-digit HS code of chapters 01..99 (hs6_min..hs6_max); false for 0, which means
// "not classifiable", and for numbers of more than six digits.
constexpr bool hs6_is_classified(uint32_t hs6) {
  return hs6 >= hs6_min && hs6 <= hs6_max;
}

// A rate for the goods whose HS code starts with a prefix of 2, 4 or 6 digits.
struct TariffLine {
  uint32_t prefix = 0;  // The digits as a number: "87" is 87, "8703" is 8703, "0702" is 702.
  uint8_t digits = 0;   // 2 (chapter), 4 (heading) or 6 (subheading).
  Decimal percent;

  friend bool operator==(const TariffLine&, const TariffLine&) = default;
};

// True when `digits` is 2, 4 or 6 and `prefix` has exactly that many digits with a chapter
// other than 00: 87/2, 8703/4, 702/4 ("0702"), 870323/6. False for 0/2 ("00"), 87/4 ("0087").
constexpr bool tariff_prefix_is_valid(uint32_t prefix, uint8_t digits) {
  if (digits != 2 && digits != 4 && digits != 6) return false;
  const uint32_t chapter_divisor = digits == 2 ? 1 : digits == 4 ? 100 : 10000;
  const uint32_t limit = chapter_divisor * 100;  // One past the largest value with `digits`.
  return prefix < limit && prefix / chapter_divisor >= 1;
}

// True when a line's prefix starts the code: 87/2, 8703/4 and 870323/6 all match 870323.
// REQUIRES: tariff_prefix_is_valid(line.prefix, line.digits); hs6_is_classified(hs6).
bool tariff_line_matches(const TariffLine& line, uint32_t hs6);

// True for 0 <= percent <= tariff_percent_max.
bool tariff_percent_is_valid(Decimal percent);

// In a TariffTable the lines of each list are distinct and sorted by (digits, prefix); the
// lookups below rely on it (REQUIRES: a version as stored by TariffTable::add_version()).
struct TariffVersion {
  Date effective_from;  // In force from this day (inclusive) until the next version's date.
  Decimal duty_default_percent;
  Decimal vat_percent;
  std::vector<TariffLine> duty_lines;    // At most tariff_duty_lines_max.
  std::vector<TariffLine> excise_lines;  // At most tariff_excise_lines_max.

  friend bool operator==(const TariffVersion&, const TariffVersion&) = default;
};

// The duty rate for `hs6`: the line with the longest prefix that matches it, else the default.
// At most three binary searches (6, 4, then 2 digits); allocation-free.
// REQUIRES: hs6_is_classified(hs6); lines sorted and distinct (see TariffVersion).
Decimal duty_percent(const TariffVersion& version, uint32_t hs6);

// The excise rate for `hs6`: the longest matching prefix, else 0 (no excise).
// REQUIRES: as duty_percent().
Decimal excise_percent(const TariffVersion& version, uint32_t hs6);

// Duties and taxes on one goods item, in the currency of its customs value.
struct DutyAmounts {
  Amount duty;
  Amount excise;
  Amount vat;
  Amount total;  // duty + excise + vat, exactly (no rounding of its own).

  friend bool operator==(const DutyAmounts&, const DutyAmounts&) = default;
};

// The duties on goods of code `hs6` with this customs value, in the value's currency:
//   duty   = round(customs_value x duty_percent(hs6) / 100)
//   excise = round(customs_value x excise_percent(hs6) / 100)
//   vat    = round((customs_value + duty + excise) x vat_percent / 100)
//   total  = duty + excise + vat
// Each component is rounded once, half-even, to the minor unit (core apply_percent()). The VAT
// base uses the duty and excise as rounded, as on a declaration where each charge is assessed
// before VAT is computed on their sum. A negative value gives the mirror-image (negative) amounts.
// Returns ok, or overflow (some component or sum does not fit); on error *out is unchanged.
// REQUIRES: as duty_percent(); customs_value is not a placeholder.
[[nodiscard]] MoneyError compute_duties(const TariffVersion& version, uint32_t hs6,
                                        Amount customs_value, DutyAmounts* out) noexcept;

// The three rates compute_duties() applies to one code under one version, looked up once for
// callers that assess many items of the same code (the simulator's trucks).
struct DutyRates {
  Decimal duty_percent;
  Decimal excise_percent;
  Decimal vat_percent;
};

// duty_percent(), excise_percent() and the VAT rate of `version` for `hs6`.
// REQUIRES: as duty_percent().
DutyRates duty_rates(const TariffVersion& version, uint32_t hs6);

// compute_duties() at rates already looked up: compute_duties(version, hs6, value, out) is
// exactly compute_duties(duty_rates(version, hs6), value, out).
[[nodiscard]] MoneyError compute_duties(const DutyRates& rates, Amount customs_value,
                                        DutyAmounts* out) noexcept;

// One country's tariff: its national currency (duties are assessed in it) and its versions.
struct CountryTariff {
  Country country;
  Currency currency = Currency::none;
  std::string name;                     // E.g. "Kazakhstan"; at most country_name_bytes_max.
  std::vector<TariffVersion> versions;  // Strictly ascending effective_from.
};

// The version in force on `date`: the one with the latest effective_from <= date, or nullptr
// when the date is before the first version (or the country has none).
const TariffVersion* tariff_version_in_force(const CountryTariff& tariff, Date date);

// Why a tariff table refused a country or a version, checked in the order listed per function.
// DO NOT CHANGE the numbers: reported to operators and tests. Append only.
enum class TariffError : uint8_t {
  ok = 0,
  country_exists = 1,                 // add_country: the country is in the table already.
  countries_too_many = 2,             // add_country: tariff_countries_max reached.
  name_too_long = 3,                  // add_country: more than country_name_bytes_max bytes.
  country_not_found = 4,              // add_version: add_country first.
  versions_too_many = 5,              // add_version: tariff_versions_per_country_max reached.
  effective_date_not_increasing = 6,  // add_version: not after the previous version's date.
  percent_out_of_range = 7,           // A duty, excise or VAT rate outside [0, tariff_percent_max].
  lines_too_many = 8,                 // Over tariff_duty_lines_max or tariff_excise_lines_max.
  line_prefix_invalid = 9,    // Not a valid 2-, 4- or 6-digit prefix (tariff_prefix_is_valid).
  line_prefix_repeated = 10,  // The same prefix twice in one list (duty or excise).
};

// The snake_case name of a code, e.g. "line_prefix_repeated"; "unknown" for other numbers.
std::string_view result_name(TariffError error);

// The tariffs of all countries of a scheme, sorted by country. Built at start-up (it allocates);
// lookups afterwards are allocation-free binary searches.
class TariffTable {
 public:
  // Adds a country without versions. Returns ok, country_exists, countries_too_many or
  // name_too_long. REQUIRES: !country.empty(); currency_is_known(currency).
  [[nodiscard]] TariffError add_country(Country country, Currency currency, std::string_view name);

  // Appends a version to a country's tariff, with its lines sorted by (digits, prefix) so that
  // lookups are binary searches. Returns, in order: country_not_found, versions_too_many,
  // effective_date_not_increasing (versions are added in date order), percent_out_of_range
  // (default duty, then VAT), lines_too_many, then for the duty lines and then the excise
  // lines, each in the order given: line_prefix_invalid, percent_out_of_range; and last
  // line_prefix_repeated. On error the table is unchanged.
  [[nodiscard]] TariffError add_version(Country country, TariffVersion version);

  // The country's tariff, or nullptr when the country is not in the table.
  const CountryTariff* find(Country country) const;

  // Every country, sorted by code.
  std::span<const CountryTariff> countries() const { return countries_; }

 private:
  std::vector<CountryTariff> countries_;
};

}  // namespace kervan
