#include "ledger/transit/covered_amount.h"

#include <array>
#include <optional>

namespace kervan {
namespace {

struct ResolvedTariffs {
  std::array<const CountryTariff*, cover_itinerary_countries_max> tariff{};
  std::array<const TariffVersion*, cover_itinerary_countries_max> version{};
};

// What a computation looks up in the tables, every lookup on the request's date. Two kinds:
// RequestLookups for one request, and CoverCalculator::Lookups, which remembers across the
// requests of a batch. They find the same things, so a computation gives the same result and
// the same error through either; the code below is written once for both.
//   const CountryTariff* tariff(Country)              nullptr: not in the table
//   const TariffVersion* version(const CountryTariff&)  nullptr: none in force on the date
//   std::optional<Decimal> rate(Currency)             nullopt: none in force on the date
//   DutyRates duty_rates(const TariffVersion&, uint32_t hs6)
//   const RateConversion& conversion(Currency from, Currency to)   REQUIRES: both rates found

// The conversion between two currencies whose rates check_rates() found.
template <typename Lookups>
RateConversion make_conversion(Lookups& lookups, Currency from, Currency to) {
  const std::optional<Decimal> source = lookups.rate(from);
  const std::optional<Decimal> destination = lookups.rate(to);
  KERVAN_ASSERT(source.has_value() && destination.has_value());
  RateConversion conversion;
  const MoneyError error = RateConversion::make(from, *source, *destination, to, &conversion);
  KERVAN_ASSERT(error == MoneyError::ok);  // Rate tables hold positive rates only.
  return conversion;
}

// The rates in force on the request's date, each looked up once: a request converts the same
// few currencies several times per country (check, items, components, defaults), and each
// lookup searches the whole rate table. Results are those of ExchangeRateTable::rate_at.
class RequestLookups {
 public:
  RequestLookups(const TariffTable& tariffs, const ExchangeRateTable& rates, Date date)
      : tariffs_(tariffs), rates_(rates), date_(date) {}

  const CountryTariff* tariff(Country country) const { return tariffs_.find(country); }
  const TariffVersion* version(const CountryTariff& tariff) const {
    return tariff_version_in_force(tariff, date_);
  }
  DutyRates duty_rates(const TariffVersion& version, uint32_t hs6) const {
    return kervan::duty_rates(version, hs6);
  }

  std::optional<Decimal> rate(Currency currency) {
    return found_.find_or_insert(currency, [&] { return rates_.rate_at(currency, date_); });
  }

  const RateConversion& conversion(Currency from, Currency to) {
    conversion_ = make_conversion(*this, from, to);
    return conversion_;
  }

 private:
  const TariffTable& tariffs_;
  const ExchangeRateTable& rates_;
  Date date_;
  SmallMemo<Currency, std::optional<Decimal>, 8> found_;
  RateConversion conversion_;
};

// A conversion whose rates check_rates() found: only overflow can fail.
template <typename Lookups>
bool convert(Lookups& lookups, Amount amount, Currency target, Amount* out) {
  if (amount.currency() == target) {
    *out = amount;
    return true;
  }
  const MoneyError error = lookups.conversion(amount.currency(), target).apply(amount, out);
  KERVAN_ASSERT(error == MoneyError::ok || error == MoneyError::overflow);
  return error == MoneyError::ok;
}

bool rule_is_known(SchemeRule rule) {
  return rule == SchemeRule::regional || rule == SchemeRule::national ||
         rule == SchemeRule::tir_like;
}

Amount eur_default(uint8_t unclassified_items) {
  return Amount::from_minor(unclassified_item_default_eur_minor * unclassified_items,
                            Currency::eur);
}

CoverError check_shape(const CoverRequest& request, CoverFault* where) {
  if (!rule_is_known(request.rule)) return CoverError::scheme_rule_unknown;
  if (request.itinerary.empty()) return CoverError::itinerary_empty;
  if (request.itinerary.size() > cover_itinerary_countries_max) {
    return CoverError::itinerary_too_long;
  }
  if (request.items.empty()) return CoverError::goods_empty;
  if (request.items.size() > cover_goods_items_max) return CoverError::goods_too_many;
  for (size_t i = 0; i < request.items.size(); ++i) {
    const GoodsItem& item = request.items[i];
    KERVAN_ASSERT(item.customs_value.currency() != Currency::none);
    where->item_index = static_cast<uint8_t>(i);
    if (item.hs6 != hs6_unclassified && !hs6_is_classified(item.hs6)) {
      return CoverError::hs_code_invalid;
    }
    if (item.customs_value.minor() < 0) return CoverError::customs_value_negative;
  }
  where->item_index = 0;
  return CoverError::ok;
}

template <typename Lookups>
CoverError resolve_tariffs(const CoverRequest& request, Lookups& lookups,
                           ResolvedTariffs* resolved, CoverFault* where) {
  for (size_t i = 0; i < request.itinerary.size(); ++i) {
    resolved->tariff[i] = lookups.tariff(request.itinerary[i]);
    if (resolved->tariff[i] == nullptr) {
      *where =
          CoverFault{.itinerary_index = static_cast<uint8_t>(i), .country = request.itinerary[i]};
      return CoverError::no_tariff_for_country;
    }
  }
  for (size_t i = 0; i < request.itinerary.size(); ++i) {
    resolved->version[i] = lookups.version(*resolved->tariff[i]);
    if (resolved->version[i] == nullptr) {
      *where =
          CoverFault{.itinerary_index = static_cast<uint8_t>(i), .country = request.itinerary[i]};
      return CoverError::no_tariff_in_force;
    }
  }
  return CoverError::ok;
}

// True when `from` converts to `to` on the request's date; else *missing is the currency
// without a rate.
template <typename Lookups>
bool has_rates(Lookups& rates, Currency from, Currency to, Currency* missing) {
  if (from == to) return true;
  if (!rates.rate(from)) {
    *missing = from;
    return false;
  }
  if (!rates.rate(to)) {
    *missing = to;
    return false;
  }
  return true;
}

// Every conversion national_charges(), guarantee_charges() and apply_rule() make, in the
// same order.
template <typename Lookups>
CoverError check_rates(const CoverRequest& request, const ResolvedTariffs& resolved,
                       uint8_t unclassified_items, Lookups& rates,
                       CoverFault* where) {
  const Currency guarantee = request.guarantee_currency;
  for (size_t i = 0; i < request.itinerary.size(); ++i) {
    *where =
        CoverFault{.itinerary_index = static_cast<uint8_t>(i), .country = request.itinerary[i]};
    const Currency national = resolved.tariff[i]->currency;
    for (size_t k = 0; k < request.items.size(); ++k) {
      const GoodsItem& item = request.items[k];
      where->item_index = static_cast<uint8_t>(k);
      if (item.hs6 == hs6_unclassified) continue;
      if (!has_rates(rates, item.customs_value.currency(), national, &where->currency)) {
        return CoverError::no_rate_at_date;
      }
    }
    where->item_index = 0;
    const bool defaults = unclassified_items > 0;
    if ((defaults && !has_rates(rates, Currency::eur, national, &where->currency)) ||
        !has_rates(rates, national, guarantee, &where->currency) ||
        (defaults && !has_rates(rates, Currency::eur, guarantee, &where->currency))) {
      return CoverError::no_rate_at_date;
    }
  }
  *where = CoverFault{};
  if (request.rule == SchemeRule::tir_like &&
      !has_rates(rates, Currency::eur, guarantee, &where->currency)) {
    return CoverError::no_rate_at_date;
  }
  return CoverError::ok;
}

// *sum += value; false on overflow. REQUIRES: the same currency (the caller's invariant).
bool accumulate(Amount* sum, Amount value) {
  const MoneyError error = checked_add(*sum, value, sum);
  KERVAN_ASSERT(error != MoneyError::currency_mismatch);
  return error == MoneyError::ok;
}

// total = duty + excise + vat + unclassified; false on overflow.
bool sum_total(ChargeAmounts* charges) {
  charges->total = charges->duty;
  return accumulate(&charges->total, charges->excise) &&
         accumulate(&charges->total, charges->vat) &&
         accumulate(&charges->total, charges->unclassified);
}

// The national charges of one country over all items. False on overflow.
template <typename Lookups>
bool national_charges(const CoverRequest& request, const CountryTariff& tariff,
                      const TariffVersion& version, uint8_t unclassified_items,
                      Lookups& lookups, ChargeAmounts* out) {
  const Currency national = tariff.currency;
  ChargeAmounts charges{.duty = Amount::zero(national),
                        .excise = Amount::zero(national),
                        .vat = Amount::zero(national),
                        .unclassified = Amount::zero(national),
                        .total = Amount::zero(national)};
  for (const GoodsItem& item : request.items) {
    if (item.hs6 == hs6_unclassified) continue;
    Amount value;
    if (!convert(lookups, item.customs_value, national, &value)) return false;
    DutyAmounts duties;
    if (compute_duties(lookups.duty_rates(version, item.hs6), value, &duties) != MoneyError::ok) {
      return false;
    }
    if (!accumulate(&charges.duty, duties.duty) || !accumulate(&charges.excise, duties.excise) ||
        !accumulate(&charges.vat, duties.vat)) {
      return false;
    }
  }
  if (unclassified_items > 0 &&
      !convert(lookups, eur_default(unclassified_items), national, &charges.unclassified)) {
    return false;
  }
  if (!sum_total(&charges)) return false;
  *out = charges;
  return true;
}

// The same charges in the guarantee currency: each component converted once; the default
// converted from EUR directly (not through the national amount). False on overflow.
template <typename Lookups>
bool guarantee_charges(const CoverRequest& request, const ChargeAmounts& national,
                       uint8_t unclassified_items, Lookups& rates,
                       ChargeAmounts* out) {
  const Currency target = request.guarantee_currency;
  ChargeAmounts charges;
  charges.unclassified = Amount::zero(target);
  if (!convert(rates, national.duty, target, &charges.duty) ||
      !convert(rates, national.excise, target, &charges.excise) ||
      !convert(rates, national.vat, target, &charges.vat)) {
    return false;
  }
  if (unclassified_items > 0 &&
      !convert(rates, eur_default(unclassified_items), target, &charges.unclassified)) {
    return false;
  }
  if (!sum_total(&charges)) return false;
  *out = charges;
  return true;
}

// Applies the scheme rule to the per-country totals. False on overflow (of the cap only).
template <typename Lookups>
bool apply_rule(const CoverRequest& request, Lookups& rates,
                CoveredAmount* covered) {
  if (request.rule == SchemeRule::national) {
    covered->amounts_count = covered->countries_count;
    for (size_t i = 0; i < covered->countries_count; ++i) {
      covered->amounts[i] = covered->countries[i].guarantee.total;
    }
    return true;
  }
  uint8_t highest = 0;
  for (uint8_t i = 1; i < covered->countries_count; ++i) {
    if (covered->countries[i].guarantee.total.minor() >
        covered->countries[highest].guarantee.total.minor()) {
      highest = i;
    }
  }
  covered->highest_index = highest;
  covered->amounts_count = 1;
  covered->amounts[0] = covered->countries[highest].guarantee.total;
  if (request.rule == SchemeRule::tir_like) {
    Amount cap;
    const Amount cap_eur = Amount::from_minor(tir_cap_per_movement_eur_minor, Currency::eur);
    if (!convert(rates, cap_eur, request.guarantee_currency, &cap)) {
      return false;
    }
    covered->capped = covered->amounts[0].minor() > cap.minor();
    if (covered->capped) covered->amounts[0] = cap;
  }
  return true;
}

template <typename Lookups>
CoverError compute(const CoverRequest& request, const ResolvedTariffs& resolved,
                   uint8_t unclassified_items, Lookups& rates,
                   CoveredAmount* covered, CoverFault* where) {
  covered->rule = request.rule;
  covered->currency = request.guarantee_currency;
  covered->unclassified_items = unclassified_items;
  covered->countries_count = static_cast<uint8_t>(request.itinerary.size());
  covered->highest_index = 0;
  covered->capped = false;
  for (size_t i = 0; i < request.itinerary.size(); ++i) {
    *where =
        CoverFault{.itinerary_index = static_cast<uint8_t>(i), .country = request.itinerary[i]};
    CountryCover& country = covered->countries[i];
    country.country = request.itinerary[i];
    country.tariff_effective_from = resolved.version[i]->effective_from;
    if (!national_charges(request, *resolved.tariff[i], *resolved.version[i], unclassified_items,
                          rates, &country.national) ||
        !guarantee_charges(request, country.national, unclassified_items, rates,
                           &country.guarantee)) {
      return CoverError::overflow;
    }
  }
  *where = CoverFault{};
  if (!apply_rule(request, rates, covered)) return CoverError::overflow;
  return CoverError::ok;
}

// The whole computation, through either kind of lookups. On error *out is partly written.
template <typename Lookups>
CoverError compute_with(const CoverRequest& request, Lookups& lookups, CoveredAmount* out,
                        CoverFault* fault) {
  KERVAN_ASSERT(currency_is_known(request.guarantee_currency));
  CoverFault where;
  CoverError error = check_shape(request, &where);
  ResolvedTariffs resolved;
  if (error == CoverError::ok) error = resolve_tariffs(request, lookups, &resolved, &where);
  uint8_t unclassified_items = 0;  // At most cover_goods_items_max once the shape is ok.
  if (error == CoverError::ok) {
    for (const GoodsItem& item : request.items) {
      if (item.hs6 == hs6_unclassified) ++unclassified_items;
    }
    error = check_rates(request, resolved, unclassified_items, lookups, &where);
  }
  if (error == CoverError::ok) {
    error = compute(request, resolved, unclassified_items, lookups, out, &where);
  }
  if (error != CoverError::ok && fault != nullptr) *fault = where;
  return error;
}

}  // namespace

std::string_view to_string(SchemeRule rule) {
  switch (rule) {
    case SchemeRule::regional:
      return "regional";
    case SchemeRule::national:
      return "national";
    case SchemeRule::tir_like:
      return "tir_like";
  }
  return "unknown";
}

std::string_view result_name(CoverError error) {
  switch (error) {
    case CoverError::ok:
      return "ok";
    case CoverError::scheme_rule_unknown:
      return "scheme_rule_unknown";
    case CoverError::itinerary_empty:
      return "itinerary_empty";
    case CoverError::itinerary_too_long:
      return "itinerary_too_long";
    case CoverError::goods_empty:
      return "goods_empty";
    case CoverError::goods_too_many:
      return "goods_too_many";
    case CoverError::hs_code_invalid:
      return "hs_code_invalid";
    case CoverError::customs_value_negative:
      return "customs_value_negative";
    case CoverError::no_tariff_for_country:
      return "no_tariff_for_country";
    case CoverError::no_tariff_in_force:
      return "no_tariff_in_force";
    case CoverError::no_rate_at_date:
      return "no_rate_at_date";
    case CoverError::overflow:
      return "overflow";
  }
  return "unknown";
}

CoverError compute_covered_amount(const CoverRequest& request, const TariffTable& tariffs,
                                  const ExchangeRateTable& rates, CoveredAmount* out,
                                  CoverFault* fault) noexcept {
  RequestLookups lookups(tariffs, rates, request.declared_on);
  CoveredAmount covered;
  const CoverError error = compute_with(request, lookups, &covered, fault);
  if (error == CoverError::ok) *out = covered;
  return error;
}

CoverCalculator::CoverCalculator(const TariffTable& tariffs, const ExchangeRateTable& rates)
    : lookups_(tariffs, rates) {}

CoverError CoverCalculator::compute(const CoverRequest& request, CoveredAmount* out,
                                    CoverFault* fault) noexcept {
  lookups_.set_date(request.declared_on);
  return compute_with(request, lookups_, out, fault);
}

const CountryTariff* CoverCalculator::Lookups::tariff(Country country) {
  return tariffs_found_.find_or_insert(country, [&] { return tariffs_.find(country); });
}

const TariffVersion* CoverCalculator::Lookups::version(const CountryTariff& tariff) {
  return versions_found_.find_or_insert(&tariff,
                                        [&] { return tariff_version_in_force(tariff, date_); });
}

std::optional<Decimal> CoverCalculator::Lookups::rate(Currency currency) {
  return rates_found_.find_or_insert(currency, [&] { return rates_.rate_at(currency, date_); });
}

DutyRates CoverCalculator::Lookups::duty_rates(const TariffVersion& version, uint32_t hs6) {
  return duty_rates_found_.find_or_insert(DutyRatesKey{.version = &version, .hs6 = hs6},
                                          [&] { return kervan::duty_rates(version, hs6); });
}

const RateConversion& CoverCalculator::Lookups::conversion(Currency from, Currency to) {
  const uint32_t key = uint32_t{currency_numeric(from)} << 16 | currency_numeric(to);
  return conversions_found_.find_or_insert(key, [&] { return make_conversion(*this, from, to); });
}

void CoverCalculator::Lookups::set_date(Date date) {
  if (date == date_) return;  // Before the first date the date-bound memories are empty.
  date_ = date;
  versions_found_.clear();
  rates_found_.clear();
  conversions_found_.clear();
}

}  // namespace kervan
