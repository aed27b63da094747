#include "ledger/transit/exchange_rates.h"

#include <algorithm>
#include <utility>

#include "core/scaled_ratio.h"

namespace kervan {
namespace {

bool entry_less(const RateEntry& a, const RateEntry& b) {
  if (a.currency != b.currency) return currency_numeric(a.currency) < currency_numeric(b.currency);
  return a.effective_from < b.effective_from;
}

}  // namespace

MoneyError RateConversion::make(Currency source, Decimal source_per_base,
                                Decimal target_per_base, Currency target,
                                RateConversion* out) noexcept {
  KERVAN_ASSERT(currency_is_known(source) && currency_is_known(target));
  if (source_per_base.mantissa() <= 0 || target_per_base.mantissa() <= 0) {
    return MoneyError::rate_not_positive;
  }
  // |minor| x target mantissa x 10^(source scale + target exponent) /
  // (source mantissa x 10^(target scale + source exponent)). From the base (source rate 1:
  // mantissa 1, scale 0) these are core convert()'s operands.
  static_assert(decimal_scale_max + currency_exponent_max <= scaled_ratio_exponent_max);
  RateConversion conversion;
  conversion.source_ = source;
  conversion.target_ = target;
  conversion.factor_ = static_cast<u128>(target_per_base.mantissa());
  conversion.up_ = source_per_base.scale() + currency_exponent(target);
  conversion.divisor_ = static_cast<u128>(source_per_base.mantissa());
  conversion.down_ = target_per_base.scale() + currency_exponent(source);
  *out = conversion;
  return MoneyError::ok;
}

MoneyError RateConversion::apply(Amount amount, Amount* out) const noexcept {
  KERVAN_ASSERT(amount.currency() == source_);
  i128 minor = 0;
  if (!scaled_ratio(magnitude_of(amount.minor()), factor_, up_, divisor_, down_,
                    amount.minor() < 0, &minor)) {
    return MoneyError::overflow;
  }
  *out = Amount::from_minor(minor, target_);
  return MoneyError::ok;
}

MoneyError convert_at_rates(Amount amount, Decimal source_per_base, Decimal target_per_base,
                            Currency target, Amount* out) noexcept {
  KERVAN_ASSERT(amount.currency() != Currency::none);
  KERVAN_ASSERT(currency_is_known(target));
  RateConversion conversion;
  const MoneyError error =
      RateConversion::make(amount.currency(), source_per_base, target_per_base, target,
                           &conversion);
  if (error != MoneyError::ok) return error;
  return conversion.apply(amount, out);
}

std::string_view result_name(RateTableError error) {
  switch (error) {
    case RateTableError::ok:
      return "ok";
    case RateTableError::currency_is_base:
      return "currency_is_base";
    case RateTableError::rate_not_positive:
      return "rate_not_positive";
    case RateTableError::entry_exists:
      return "entry_exists";
    case RateTableError::entries_too_many:
      return "entries_too_many";
    case RateTableError::date_out_of_range:
      return "date_out_of_range";
  }
  return "unknown";
}

std::string_view result_name(ConvertError error) {
  switch (error) {
    case ConvertError::ok:
      return "ok";
    case ConvertError::no_rate_for_source:
      return "no_rate_for_source";
    case ConvertError::no_rate_for_target:
      return "no_rate_for_target";
    case ConvertError::overflow:
      return "overflow";
  }
  return "unknown";
}

ExchangeRateTable::ExchangeRateTable(Currency base) : base_(base) {
  KERVAN_ASSERT(currency_is_known(base));
}

RateTableError ExchangeRateTable::add(const RateEntry& entry) {
  KERVAN_ASSERT(currency_is_known(entry.currency));
  if (entry.currency == base_) return RateTableError::currency_is_base;
  if (entry.units_per_base.mantissa() <= 0) return RateTableError::rate_not_positive;
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), entry, entry_less);
  if (it != entries_.end() && it->currency == entry.currency &&
      it->effective_from == entry.effective_from) {
    return RateTableError::entry_exists;
  }
  if (entries_.size() >= rate_entries_max) return RateTableError::entries_too_many;
  entries_.insert(it, entry);
  return RateTableError::ok;
}

std::optional<Decimal> ExchangeRateTable::rate_at(Currency currency, Date date) const {
  if (currency == base_) return Decimal::from_integer(1);
  // The first entry after (currency, date); the one before it is in force if it is ours.
  const RateEntry key{.currency = currency, .effective_from = date, .units_per_base = Decimal()};
  const auto after = std::upper_bound(entries_.begin(), entries_.end(), key, entry_less);
  if (after == entries_.begin()) return std::nullopt;
  const RateEntry& in_force = *(after - 1);
  if (in_force.currency != currency) return std::nullopt;
  KERVAN_ASSERT(in_force.effective_from <= date);
  return in_force.units_per_base;
}

ConvertError ExchangeRateTable::convert(Amount amount, Currency target, Date date,
                                        Amount* out) const noexcept {
  KERVAN_ASSERT(amount.currency() != Currency::none);
  KERVAN_ASSERT(currency_is_known(target));
  if (amount.currency() == target) {
    *out = amount;
    return ConvertError::ok;
  }
  const std::optional<Decimal> source_rate = rate_at(amount.currency(), date);
  if (!source_rate) return ConvertError::no_rate_for_source;
  const std::optional<Decimal> target_rate = rate_at(target, date);
  if (!target_rate) return ConvertError::no_rate_for_target;
  const MoneyError error = convert_at_rates(amount, *source_rate, *target_rate, target, out);
  KERVAN_ASSERT(error != MoneyError::rate_not_positive);  // add() admits positive rates only.
  return error == MoneyError::ok ? ConvertError::ok : ConvertError::overflow;
}

Date first_working_day_of_october(int32_t year) {
  KERVAN_ASSERT(year >= Date::year_min && year <= Date::year_max);
  const Date first = *Date::from_civil(year, 10, 1);
  switch (first.weekday()) {
    case Weekday::saturday:
      return *first.plus_days(2);
    case Weekday::sunday:
      return *first.plus_days(1);
    default:
      return first;
  }
}

std::optional<RateEntry> transit_rule_entry(const RateObservation& observation) {
  const int32_t year = observation.observed_on.year();
  if (observation.observed_on != first_working_day_of_october(year)) return std::nullopt;
  const std::optional<Date> next_january = Date::from_civil(year + 1, 1, 1);
  if (!next_january) return std::nullopt;
  return RateEntry{.currency = observation.currency,
                   .effective_from = *next_january,
                   .units_per_base = observation.units_per_base};
}

RateTableError build_transit_rule_table(Currency base,
                                        std::span<const RateObservation> observations,
                                        ExchangeRateTable* out, size_t* failed_index) {
  ExchangeRateTable table(base);
  for (size_t i = 0; i < observations.size(); ++i) {
    const RateObservation& observation = observations[i];
    const int32_t year = observation.observed_on.year();
    if (observation.observed_on != first_working_day_of_october(year)) continue;
    const std::optional<RateEntry> entry = transit_rule_entry(observation);
    RateTableError error = RateTableError::date_out_of_range;
    if (entry) error = table.add(*entry);
    if (error != RateTableError::ok) {
      *failed_index = i;
      return error;
    }
  }
  *out = std::move(table);
  return RateTableError::ok;
}

}  // namespace kervan
