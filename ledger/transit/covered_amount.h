// The amount to be covered by the guarantee(s) of a transit movement: the duties and taxes each
// country on the itinerary could claim, and the amount(s) the scheme's rule makes the principal
// secure. Pure and deterministic: the date is an argument, tables are read-only, nothing is
// allocated, every amount is checked for overflow.
//
// Per country (domain.md 1.2, 3; simulation.md 2.4), with the tariff version in force on the
// declaration date and the exchange rates in force on that date:
//   1. each classified item's customs value is converted to the country's currency;
//   2. duty, excise and VAT are computed per item (compute_duties(): one half-even rounding per
//      component) and summed over the items;
//   3. each unclassifiable item (HS code 0) counts EUR 10,000 instead (the NCTS default, CTC
//      App. I; an estimate of duty and taxes together, so it is not split into components);
//   4. each component is converted to the guarantee currency (one rounding each); a total is
//      the exact sum of its components, in each currency.
// Then the scheme rule:
//   regional - one amount: the highest guarantee-currency total of any country on the itinerary
//              (ACTS, EU/CTC practice, EAEU "not less than any other member");
//   national - one amount per itinerary position (a leg), each that country's total;
//   tir_like - the regional amount, capped at EUR 100,000 (TIR carnet since 1 July 2016)
//              converted to the guarantee currency.
// The rules and their sources: docs/reference_data.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/amount.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/small_memo.h"
#include "core/time.h"
#include "ledger/transit/exchange_rates.h"
#include "ledger/transit/reference_limits.h"
#include "ledger/transit/tariff.h"

namespace kervan {

// DO NOT CHANGE the numbers: stored in scheme rules (scenario files, journal) and sent.
enum class SchemeRule : uint8_t {
  regional = 1,
  national = 2,
  tir_like = 3,
};

std::string_view to_string(SchemeRule rule);  // "regional", "national", "tir_like", "unknown".

struct GoodsItem {
  uint32_t hs6 = hs6_unclassified;  // Six-digit HS code as a number (870323), or 0.
  Amount customs_value;             // In any currency with a rate; must not be negative.
};

struct CoverRequest {
  std::span<const GoodsItem> items;    // 1..cover_goods_items_max.
  std::span<const Country> itinerary;  // 1..cover_itinerary_countries_max, departure first.
  Date declared_on;                    // Selects the tariff versions and the rates.
  Currency guarantee_currency = Currency::eur;
  SchemeRule rule = SchemeRule::regional;
};

// One country's charges in one currency.
struct ChargeAmounts {
  Amount duty;
  Amount excise;
  Amount vat;
  Amount unclassified;  // EUR 10,000 per unclassifiable item, converted (zero if none).
  Amount total;         // duty + excise + vat + unclassified, exactly.

  friend bool operator==(const ChargeAmounts&, const ChargeAmounts&) = default;
};

struct CountryCover {
  Country country;
  Date tariff_effective_from;  // The tariff version applied.
  ChargeAmounts national;      // In the country's currency (its tariff's currency).
  ChargeAmounts guarantee;     // In the guarantee currency.
};

struct CoveredAmount {
  SchemeRule rule = SchemeRule::regional;
  Currency currency = Currency::none;  // The guarantee currency.
  uint8_t unclassified_items = 0;
  uint8_t countries_count = 0;  // = itinerary size; countries[i] is itinerary position i.
  std::array<CountryCover, cover_itinerary_countries_max> countries{};
  // The amounts to secure: one for regional and tir_like, one per itinerary position for
  // national (amounts[i] = countries[i].guarantee.total).
  uint8_t amounts_count = 0;
  std::array<Amount, cover_itinerary_countries_max> amounts{};
  // regional, tir_like: the position of the highest total (the first one on a tie).
  uint8_t highest_index = 0;
  bool capped = false;  // tir_like: the highest total exceeded the cap, amounts[0] is the cap.
};

// Why the amount could not be computed, in the order checked (the first failing check wins).
// DO NOT CHANGE the numbers: stored and sent. Append only.
enum class CoverError : uint8_t {
  ok = 0,
  scheme_rule_unknown = 1,  // rule is not one of SchemeRule's values.
  itinerary_empty = 2,
  itinerary_too_long = 3,  // More than cover_itinerary_countries_max countries.
  goods_empty = 4,
  goods_too_many = 5,   // More than cover_goods_items_max items.
  hs_code_invalid = 6,  // Neither 0 nor a six-digit code of chapters 01..99.
  customs_value_negative = 7,
  no_tariff_for_country = 8,  // An itinerary country is not in the tariff table.
  no_tariff_in_force = 9,     // Its tariff has no version in force on the declaration date.
  no_rate_at_date = 10,       // A currency to convert from or to has no rate on that date.
  overflow = 11,              // An amount or sum does not fit i128 minor units.
};

std::string_view result_name(CoverError error);  // E.g. "no_rate_at_date"; "unknown".

// Where the first failing check failed: the itinerary position and country, the item, the
// currency without a rate. Fields that do not apply keep their defaults.
struct CoverFault {
  uint8_t itinerary_index = 0;
  Country country{};
  uint8_t item_index = 0;
  Currency currency = Currency::none;
};

// Computes the amount to be covered. Checks, in order: scheme_rule_unknown, itinerary_empty,
// itinerary_too_long, goods_empty, goods_too_many, then each item in order: hs_code_invalid,
// customs_value_negative; then each itinerary country in order: no_tariff_for_country; then
// each in order: no_tariff_in_force; then every rate the computation needs, in the order it
// converts (per position: the items into the national currency, the EUR default into it, the
// components into the guarantee currency, the EUR default into it; last the EUR cap):
// no_rate_at_date; last overflow. On error *out is unchanged and, when fault is not null, *fault
// says where. A country may appear more than once (re-entry): each position is a leg of its own.
// REQUIRES: currency_is_known(request.guarantee_currency); no customs value is a placeholder.
[[nodiscard]] CoverError compute_covered_amount(const CoverRequest& request,
                                                const TariffTable& tariffs,
                                                const ExchangeRateTable& rates, CoveredAmount* out,
                                                CoverFault* fault = nullptr) noexcept;

// compute_covered_amount() for a batch of requests (a simulator's trucks, a file of
// declarations): it remembers what it looked up in the tables (each country's tariff; the
// version, the rates and each currency pair's conversion in force on the last date asked; the
// rates of each code) instead of searching them again for every request. Every result and every error, fault included, is exactly
// compute_covered_amount()'s for the same request and tables; only *out on error differs.
// Fastest when requests come in date order. Holds references to both tables: they must outlive
// it and stay unchanged while it is in use.
class CoverCalculator {
 public:
  CoverCalculator(const TariffTable& tariffs, const ExchangeRateTable& rates);

  // As compute_covered_amount(request, tariffs, rates, out, fault), except that on error *out
  // is partly written (read nothing from it). Allocation-free.
  [[nodiscard]] CoverError compute(const CoverRequest& request, CoveredAmount* out,
                                   CoverFault* fault = nullptr) noexcept;

  // The lookups a computation makes (covered_amount.cc), remembered.
  class Lookups {
   public:
    Lookups(const TariffTable& tariffs, const ExchangeRateTable& rates)
        : tariffs_(tariffs), rates_(rates) {}
    void set_date(Date date);  // Forgets what depends on the date when it changes.
    const CountryTariff* tariff(Country country);
    const TariffVersion* version(const CountryTariff& tariff);
    std::optional<Decimal> rate(Currency currency);
    DutyRates duty_rates(const TariffVersion& version, uint32_t hs6);
    const RateConversion& conversion(Currency from, Currency to);

   private:
    struct DutyRatesKey {
      const TariffVersion* version = nullptr;
      uint32_t hs6 = 0;
      friend bool operator==(const DutyRatesKey&, const DutyRatesKey&) = default;
    };
    const TariffTable& tariffs_;
    const ExchangeRateTable& rates_;
    Date date_;
    SmallMemo<Country, const CountryTariff*, cover_itinerary_countries_max> tariffs_found_;
    SmallMemo<const CountryTariff*, const TariffVersion*, cover_itinerary_countries_max>
        versions_found_;
    SmallMemo<Currency, std::optional<Decimal>, cover_itinerary_countries_max> rates_found_;
    SmallMemo<DutyRatesKey, DutyRates, 64> duty_rates_found_;
    // Keyed by the two currencies' numbers: from << 16 | to.
    SmallMemo<uint32_t, RateConversion, 2 * cover_itinerary_countries_max> conversions_found_;
  };

 private:
  Lookups lookups_;
};

}  // namespace kervan
