#include "ledger/transit/exchange_rates.h"

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <utility>

namespace kervan {
namespace {

// Fixed 512 bits, unchecked (never throws, never allocates), magnitudes only: half-even
// rounding is symmetric, so the sign is applied at the end. Bounds below.
using Wide = boost::multiprecision::uint512_t;

// |minor| x target mantissa x 10^(source scale + target exponent) < 2^127 x 2^127 x 2^(4x33).
static_assert(127 + 127 + 4 * (decimal_scale_max + currency_exponent_max) < 512);

Wide to_wide(u128 value) {
  Wide wide = u128_high(value);
  wide <<= 64;
  wide |= u128_low(value);
  return wide;
}

u128 magnitude_of(i128 value) {
  const u128 bits = static_cast<u128>(value);
  return value < 0 ? u128{0} - bits : bits;
}

Wide pow10(unsigned exponent) {
  KERVAN_ASSERT(exponent <= decimal_scale_max + currency_exponent_max);
  Wide value = 1;
  for (unsigned i = 0; i < exponent; ++i) value *= 10u;
  return value;
}

// numerator / denominator rounded to the nearest integer, ties to even. Boost throws only for
// a zero divisor, which the assertion rules out; a throw would be a bug, so it crashes.
Wide divide_half_even(const Wide& numerator, const Wide& denominator) {
  KERVAN_ASSERT(denominator != 0);
  Wide quotient;
  Wide remainder;
  try {
    boost::multiprecision::divide_qr(numerator, denominator, quotient, remainder);
  } catch (...) {
    KERVAN_UNREACHABLE();
  }
  const Wide twice_remainder = remainder * 2u;
  if (twice_remainder > denominator ||
      (twice_remainder == denominator && boost::multiprecision::bit_test(quotient, 0))) {
    quotient += 1u;
  }
  return quotient;
}

// The i128 with this magnitude and sign, or false when it does not fit.
bool to_signed(const Wide& magnitude, bool negative, i128* out) {
  const u128 magnitude_max = static_cast<u128>(i128_max) + (negative ? 1 : 0);
  if (magnitude > to_wide(magnitude_max)) return false;
  const Wide mask = to_wide(UINT64_MAX);
  const u128 bits = make_u128(((magnitude >> 64) & mask).convert_to<uint64_t>(),
                              (magnitude & mask).convert_to<uint64_t>());
  *out = static_cast<i128>(negative ? u128{0} - bits : bits);
  return true;
}

bool entry_less(const RateEntry& a, const RateEntry& b) {
  if (a.currency != b.currency) return currency_numeric(a.currency) < currency_numeric(b.currency);
  return a.effective_from < b.effective_from;
}

}  // namespace

MoneyError convert_at_rates(Amount amount, Decimal source_per_base, Decimal target_per_base,
                            Currency target, Amount* out) noexcept {
  KERVAN_ASSERT(amount.currency() != Currency::none);
  KERVAN_ASSERT(currency_is_known(target));
  if (source_per_base.mantissa() <= 0 || target_per_base.mantissa() <= 0) {
    return MoneyError::rate_not_positive;
  }
  if (source_per_base == Decimal::from_integer(1)) {
    return convert(amount, target_per_base, target, out);
  }
  const unsigned source_exponent = currency_exponent(amount.currency());
  const unsigned target_exponent = currency_exponent(target);
  const Wide numerator = to_wide(magnitude_of(amount.minor())) *
                         to_wide(static_cast<u128>(target_per_base.mantissa())) *
                         pow10(source_per_base.scale() + target_exponent);
  const Wide denominator = to_wide(static_cast<u128>(source_per_base.mantissa())) *
                           pow10(target_per_base.scale() + source_exponent);
  i128 minor = 0;
  if (!to_signed(divide_half_even(numerator, denominator), amount.minor() < 0, &minor)) {
    return MoneyError::overflow;
  }
  *out = Amount::from_minor(minor, target);
  return MoneyError::ok;
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
