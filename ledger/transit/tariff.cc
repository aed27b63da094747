#include "ledger/transit/tariff.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace kervan {
namespace {

// Lines order by (digits, prefix): the order add_version() stores and the lookups search.
bool line_less(const TariffLine& a, const TariffLine& b) {
  if (a.digits != b.digits) return a.digits < b.digits;
  return a.prefix < b.prefix;
}

// The percent of the line with exactly this prefix, if any. REQUIRES: lines sorted.
std::optional<Decimal> find_line(std::span<const TariffLine> lines, uint32_t prefix,
                                 uint8_t digits) {
  const TariffLine key{.prefix = prefix, .digits = digits, .percent = Decimal()};
  const auto it = std::lower_bound(lines.begin(), lines.end(), key, line_less);
  if (it == lines.end() || it->digits != digits || it->prefix != prefix) return std::nullopt;
  return it->percent;
}

// Longest prefix first: subheading, heading, chapter.
std::optional<Decimal> longest_prefix_percent(std::span<const TariffLine> lines, uint32_t hs6) {
  KERVAN_ASSERT(hs6_is_classified(hs6));
  if (auto percent = find_line(lines, hs6, 6)) return percent;
  if (auto percent = find_line(lines, hs6 / 100, 4)) return percent;
  return find_line(lines, hs6 / 10000, 2);
}

TariffError check_lines(std::span<const TariffLine> lines) {
  for (const TariffLine& line : lines) {
    if (!tariff_prefix_is_valid(line.prefix, line.digits)) return TariffError::line_prefix_invalid;
    if (!tariff_percent_is_valid(line.percent)) return TariffError::percent_out_of_range;
  }
  return TariffError::ok;
}

// REQUIRES: lines sorted.
bool has_repeated_prefix(std::span<const TariffLine> lines) {
  const auto same_prefix = [](const TariffLine& a, const TariffLine& b) {
    return a.digits == b.digits && a.prefix == b.prefix;
  };
  return std::adjacent_find(lines.begin(), lines.end(), same_prefix) != lines.end();
}

TariffError check_version(const CountryTariff& tariff, const TariffVersion& version) {
  if (tariff.versions.size() >= tariff_versions_per_country_max) {
    return TariffError::versions_too_many;
  }
  if (!tariff.versions.empty() && version.effective_from <= tariff.versions.back().effective_from) {
    return TariffError::effective_date_not_increasing;
  }
  if (!tariff_percent_is_valid(version.duty_default_percent)) {
    return TariffError::percent_out_of_range;
  }
  if (!tariff_percent_is_valid(version.vat_percent)) return TariffError::percent_out_of_range;
  if (version.duty_lines.size() > tariff_duty_lines_max ||
      version.excise_lines.size() > tariff_excise_lines_max) {
    return TariffError::lines_too_many;
  }
  const TariffError duty = check_lines(version.duty_lines);
  if (duty != TariffError::ok) return duty;
  return check_lines(version.excise_lines);
}

}  // namespace

bool tariff_line_matches(const TariffLine& line, uint32_t hs6) {
  KERVAN_ASSERT(tariff_prefix_is_valid(line.prefix, line.digits));
  KERVAN_ASSERT(hs6_is_classified(hs6));
  const uint32_t divisor = line.digits == 2 ? 10000 : line.digits == 4 ? 100 : 1;
  return hs6 / divisor == line.prefix;
}

bool tariff_percent_is_valid(Decimal percent) {
  if (percent.mantissa() < 0) return false;
  // percent <= max  <=>  mantissa <= max x 10^scale; the product fits i128 for every scale.
  i128 limit = tariff_percent_max;
  for (uint8_t i = 0; i < percent.scale(); ++i) limit *= 10;
  static_assert(tariff_percent_max < 10'000 && decimal_scale_max + 4 < 38);
  return percent.mantissa() <= limit;
}

Decimal duty_percent(const TariffVersion& version, uint32_t hs6) {
  return longest_prefix_percent(version.duty_lines, hs6).value_or(version.duty_default_percent);
}

Decimal excise_percent(const TariffVersion& version, uint32_t hs6) {
  return longest_prefix_percent(version.excise_lines, hs6).value_or(Decimal());
}

DutyRates duty_rates(const TariffVersion& version, uint32_t hs6) {
  return DutyRates{.duty_percent = duty_percent(version, hs6),
                   .excise_percent = excise_percent(version, hs6),
                   .vat_percent = version.vat_percent};
}

MoneyError compute_duties(const TariffVersion& version, uint32_t hs6, Amount customs_value,
                          DutyAmounts* out) noexcept {
  return compute_duties(duty_rates(version, hs6), customs_value, out);
}

MoneyError compute_duties(const DutyRates& rates, Amount customs_value,
                          DutyAmounts* out) noexcept {
  KERVAN_ASSERT(customs_value.currency() != Currency::none);
  DutyAmounts amounts;
  MoneyError error = apply_percent(customs_value, rates.duty_percent, &amounts.duty);
  if (error != MoneyError::ok) return error;
  error = apply_percent(customs_value, rates.excise_percent, &amounts.excise);
  if (error != MoneyError::ok) return error;
  Amount vat_base;
  error = checked_add(customs_value, amounts.duty, &vat_base);
  if (error != MoneyError::ok) return error;
  error = checked_add(vat_base, amounts.excise, &vat_base);
  if (error != MoneyError::ok) return error;
  error = apply_percent(vat_base, rates.vat_percent, &amounts.vat);
  if (error != MoneyError::ok) return error;
  error = checked_add(amounts.duty, amounts.excise, &amounts.total);
  if (error != MoneyError::ok) return error;
  error = checked_add(amounts.total, amounts.vat, &amounts.total);
  if (error != MoneyError::ok) return error;
  *out = amounts;
  return MoneyError::ok;
}

const TariffVersion* tariff_version_in_force(const CountryTariff& tariff, Date date) {
  // The first version that starts after `date`; the one before it is in force.
  const auto after = std::upper_bound(
      tariff.versions.begin(), tariff.versions.end(), date,
      [](Date day, const TariffVersion& version) { return day < version.effective_from; });
  if (after == tariff.versions.begin()) return nullptr;
  return &*(after - 1);
}

std::string_view result_name(TariffError error) {
  switch (error) {
    case TariffError::ok:
      return "ok";
    case TariffError::country_exists:
      return "country_exists";
    case TariffError::countries_too_many:
      return "countries_too_many";
    case TariffError::name_too_long:
      return "name_too_long";
    case TariffError::country_not_found:
      return "country_not_found";
    case TariffError::versions_too_many:
      return "versions_too_many";
    case TariffError::effective_date_not_increasing:
      return "effective_date_not_increasing";
    case TariffError::percent_out_of_range:
      return "percent_out_of_range";
    case TariffError::lines_too_many:
      return "lines_too_many";
    case TariffError::line_prefix_invalid:
      return "line_prefix_invalid";
    case TariffError::line_prefix_repeated:
      return "line_prefix_repeated";
  }
  return "unknown";
}

TariffError TariffTable::add_country(Country country, Currency currency, std::string_view name) {
  KERVAN_ASSERT(!country.empty());
  KERVAN_ASSERT(currency_is_known(currency));
  const auto it = std::lower_bound(
      countries_.begin(), countries_.end(), country,
      [](const CountryTariff& tariff, Country key) { return tariff.country < key; });
  if (it != countries_.end() && it->country == country) return TariffError::country_exists;
  if (countries_.size() >= tariff_countries_max) return TariffError::countries_too_many;
  if (name.size() > country_name_bytes_max) return TariffError::name_too_long;
  countries_.insert(
      it, CountryTariff{
              .country = country, .currency = currency, .name = std::string(name), .versions = {}});
  return TariffError::ok;
}

TariffError TariffTable::add_version(Country country, TariffVersion version) {
  const CountryTariff* found = find(country);
  if (found == nullptr) return TariffError::country_not_found;
  CountryTariff& tariff = countries_[static_cast<size_t>(found - countries_.data())];
  const TariffError error = check_version(tariff, version);
  if (error != TariffError::ok) return error;
  std::sort(version.duty_lines.begin(), version.duty_lines.end(), line_less);
  std::sort(version.excise_lines.begin(), version.excise_lines.end(), line_less);
  if (has_repeated_prefix(version.duty_lines) || has_repeated_prefix(version.excise_lines)) {
    return TariffError::line_prefix_repeated;
  }
  tariff.versions.push_back(std::move(version));
  return TariffError::ok;
}

const CountryTariff* TariffTable::find(Country country) const {
  const auto it = std::lower_bound(
      countries_.begin(), countries_.end(), country,
      [](const CountryTariff& tariff, Country key) { return tariff.country < key; });
  if (it == countries_.end() || it->country != country) return nullptr;
  return &*it;
}

}  // namespace kervan
