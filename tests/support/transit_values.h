// Small values the transit tests write everywhere: a day in nanoseconds, euros in cents, a
// calendar date, and the business time of a date's midnight.
#pragma once

#include <cstdint>
#include <optional>

#include "core/amount.h"
#include "core/assert.h"
#include "core/time.h"
#include "ledger/transit/transit_ledger.h"

namespace kervan {

inline constexpr uint64_t day_ns = 86'400ull * 1'000'000'000ull;

inline Amount eur(i128 minor) { return Amount::from_minor(minor, Currency::eur); }

inline Date date(int32_t y, uint32_t m, uint32_t d) {
  const std::optional<Date> out = Date::from_civil(y, m, d);
  KERVAN_ASSERT(out.has_value());
  return *out;
}

inline uint64_t at(Date day) { return static_cast<uint64_t>(day.days_since_epoch()) * day_ns; }

// The operator a test's registry starts with (the bootstrap of an empty registry), under an id
// the tests' own parties do not use.
inline constexpr PartyId test_registrar{9'000};

// Registers test_registrar (unless registered), then each party as that operator; returns the
// first result other than ok, or ok.
inline TransitResult register_parties(TransitLedger& ledger, uint64_t now,
                                      std::initializer_list<Party> parties) {
  if (ledger.party(test_registrar) == nullptr) {
    const TransitResult bootstrap = ledger.register_party(
        now, test_registrar, Party{test_registrar, PartyRole::operator_, {}});
    if (bootstrap != TransitResult::ok) return bootstrap;
  }
  for (const Party& p : parties) {
    const TransitResult result = ledger.register_party(now, test_registrar, p);
    if (result != TransitResult::ok) return result;
  }
  return TransitResult::ok;
}

}  // namespace kervan
