// Exchange rates of a transit scheme: the rate of each currency against the scheme's base
// currency (EUR by default, as in NCTS where the amounts concerned are always EUR), each with the
// date from which it applies, and the conversion of amounts between any two currencies.
//
// The transit convention (CTC, domain.md section 1.9): the rates observed on the first working
// day of October apply from 1 January of the following year, for the whole year. The table
// itself is a plain dated table (a rate applies from its date until the currency's next rate);
// build_transit_rule_table() turns rate observations into such a table under that rule.
// Pure computation apart from building: no I/O, no clock; lookups and conversions allocate
// nothing. The rules: docs/reference_data.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/amount.h"
#include "core/currency.h"
#include "core/decimal.h"
#include "core/time.h"
#include "ledger/transit/reference_limits.h"

namespace kervan {

// Converts at two rates against a common base, with exactly one rounding:
//   target_minor = round_half_even(minor x target_per_base x 10^exp(target)
//                                  / (source_per_base x 10^exp(source)))
// The cross rate target_per_base / source_per_base is never rounded or stored; the exact
// quotient is rounded once, half-even, to the target's minor unit. When source_per_base is 1
// (the source is the base) this is exactly core convert(amount, target_per_base, target), which
// it then calls. Examples with KZT at 500 and USD at 1.25 per EUR: 100.00 EUR -> 50000.00 KZT;
// 50000.00 KZT -> 100.00 EUR; 333.33 KZT -> 0.67 EUR (0.66666); 100.00 USD -> 40000.00 KZT.
// Returns, in order: rate_not_positive (either rate <= 0), overflow; on error *out is unchanged.
// REQUIRES: amount is not a placeholder; currency_is_known(target).
[[nodiscard]] MoneyError convert_at_rates(Amount amount, Decimal source_per_base,
                                          Decimal target_per_base, Currency target,
                                          Amount* out) noexcept;

// One conversion's operands, derived once from its currencies and rates, for a batch that
// converts many amounts between the same two currencies at the same rates (CoverCalculator).
// convert_at_rates() is make() then apply(), so apply() gives exactly its result.
class RateConversion {
 public:
  // Returns rate_not_positive (either rate <= 0) or ok; on error *out is unchanged.
  // REQUIRES: currency_is_known(source) and currency_is_known(target).
  [[nodiscard]] static MoneyError make(Currency source, Decimal source_per_base,
                                       Decimal target_per_base, Currency target,
                                       RateConversion* out) noexcept;

  // The amount in the target currency: ok, or overflow (and *out unchanged).
  // REQUIRES: amount.currency() is make()'s source; amount is not a placeholder.
  [[nodiscard]] MoneyError apply(Amount amount, Amount* out) const noexcept;

 private:
  // target minor = round_half_even(|minor| x factor x 10^up / (divisor x 10^down)), signed.
  Currency source_ = Currency::none;
  Currency target_ = Currency::none;
  u128 factor_ = 0;
  u128 divisor_ = 1;
  unsigned up_ = 0;
  unsigned down_ = 0;
};

// A rate: units of `currency` per one unit of the base currency, in major units (KZT per EUR:
// "612.5"), applying from `effective_from` until the currency's next entry.
struct RateEntry {
  Currency currency = Currency::none;
  Date effective_from;
  Decimal units_per_base;

  friend bool operator==(const RateEntry&, const RateEntry&) = default;
};

// Why a rate table refused an entry, in the order checked.
// DO NOT CHANGE the numbers: reported to operators and tests. Append only.
enum class RateTableError : uint8_t {
  ok = 0,
  currency_is_base = 1,   // The base currency's rate is 1 by definition; it has no entries.
  rate_not_positive = 2,  // units_per_base <= 0.
  entry_exists = 3,       // The currency has an entry with this date already.
  entries_too_many = 4,   // rate_entries_max reached.
  date_out_of_range = 5,  // Transit rule: the fixing year is 9999, so no 1 January follows.
};

// Why a conversion failed, in the order checked.
// DO NOT CHANGE the numbers: reported to operators and tests. Append only.
enum class ConvertError : uint8_t {
  ok = 0,
  no_rate_for_source = 1,  // The amount's currency has no rate in force on the date.
  no_rate_for_target = 2,  // The target currency has no rate in force on the date.
  overflow = 3,            // The converted amount does not fit i128 minor units.
};

// The snake_case name of a code, e.g. "entry_exists"; "unknown" for other numbers.
std::string_view result_name(RateTableError error);
std::string_view result_name(ConvertError error);

// Dated rates of every currency against one base currency, sorted by (currency, date).
class ExchangeRateTable {
 public:
  // REQUIRES: currency_is_known(base).
  explicit ExchangeRateTable(Currency base = Currency::eur);

  Currency base() const { return base_; }

  // Adds one entry. Returns, in order: currency_is_base, rate_not_positive, entry_exists,
  // entries_too_many; on error the table is unchanged. Entries may come in any order.
  // REQUIRES: currency_is_known(entry.currency).
  [[nodiscard]] RateTableError add(const RateEntry& entry);

  // The rate of `currency` in force on `date`: the entry with the latest effective_from <= date.
  // The base currency's rate is 1 on every date. nullopt when the currency has no entry on or
  // before the date (a currency not in the table, or a date before its first entry).
  std::optional<Decimal> rate_at(Currency currency, Date date) const;

  // Converts `amount` into `target` at the rates in force on `date`, with convert_at_rates():
  // one rounding, half-even, through the exact cross rate (never through a rounded EUR amount).
  // An amount already in `target` is returned unchanged, needing no rate. Returns, in order:
  // no_rate_for_source, no_rate_for_target, overflow; on error *out is unchanged.
  // REQUIRES: amount is not a placeholder; currency_is_known(target).
  [[nodiscard]] ConvertError convert(Amount amount, Currency target, Date date,
                                     Amount* out) const noexcept;

  // Every entry, sorted by currency number, then by date.
  std::span<const RateEntry> entries() const { return entries_; }

 private:
  Currency base_;
  std::vector<RateEntry> entries_;
};

// The first working day of October of `year` under the transit rule: the first of October, or
// the Monday after it when it falls on a Saturday or Sunday. No public holidays are observed
// (a scheme whose source publishes no rate on that day fixes it in the data file instead).
// 2025 -> 2025-10-01 (Wednesday); 2022 -> 2022-10-03 (Monday: the 1st was a Saturday).
// REQUIRES: Date::year_min <= year <= Date::year_max.
Date first_working_day_of_october(int32_t year);

// A rate seen on a given day, e.g. a central bank's fixing.
struct RateObservation {
  Currency currency = Currency::none;
  Date observed_on;
  Decimal units_per_base;
};

// The entry an observation makes under the transit rule: when it was made on the first working
// day of October of year Y, the same rate effective from Y+1-01-01; nullopt for an observation
// on any other day, and for one in year 9999 (no following year).
std::optional<RateEntry> transit_rule_entry(const RateObservation& observation);

// Builds the transit-rule table from observations by date (a daily series may be passed whole:
// observations on other days than the fixing day are ignored). Returns the first error, with
// *failed_index set to the observation's index: date_out_of_range for a fixing in year 9999,
// else the add() errors; ok otherwise. On error *out is unchanged.
// REQUIRES: currency_is_known(base) and of every observation's currency.
[[nodiscard]] RateTableError build_transit_rule_table(Currency base,
                                                      std::span<const RateObservation> observations,
                                                      ExchangeRateTable* out, size_t* failed_index);

}  // namespace kervan
