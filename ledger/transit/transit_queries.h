// Read-only reports over a TransitLedger, mirroring NCTS guarantee management queries (usage,
// exposure, balance) and the operators' own: a provider's exposure per principal, a country's
// duty ledger for a period, a movement's history. Each reads one consistent state (the
// caller's, between steps). They may allocate: they are not on the commit path.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/transit/transit_ledger.h"

namespace kervan {

// One use of a guarantee by a movement (NCTS CC037C USAGE).
struct GuaranteeUsage {
  Mrn mrn;
  Amount covered;             // Amount concerned locked on this guarantee.
  uint64_t lock_ns = 0;       // Release of the movement.
  uint64_t release_ns = 0;    // Arrival or claim (0 while the cover is locked).
  MovementState state = MovementState::declared;
};

// Uses of a guarantee locked within [from_ns, to_ns] (0, 0: all), in lock order.
std::vector<GuaranteeUsage> guarantee_usage(const TransitLedger& ledger, const Grn& grn,
                                            uint64_t from_ns, uint64_t to_ns);

// A provider's cover in use per principal, in principal order.
struct PrincipalExposure {
  PartyId principal{};
  Currency currency = Currency::none;
  Amount reserved;
  Amount drawn;
  uint32_t open_movements = 0;
  uint32_t guarantees = 0;
};
std::vector<PrincipalExposure> provider_exposure(const TransitLedger& ledger, PartyId provider);

// A country's duties over [from_ns, to_ns]: claims raised and their draws, payments received,
// in the period; and what is suspended under guarantee now.
struct DutyStatement {
  Country country;
  Currency currency = Currency::none;
  Amount suspended_now;
  Amount claimed;
  Amount drawn;
  Amount uncovered;  // Claimed beyond the cover.
  Amount collected;
  uint32_t claims = 0;
};
DutyStatement duty_statement(const TransitLedger& ledger, Country country, Currency currency,
                             uint64_t from_ns, uint64_t to_ns);

// snake_case names of the domain's enumerations ("unknown" for a number not listed).
std::string_view movement_event_name(MovementEvent event);
std::string_view movement_state_name(MovementState state);
std::string_view guarantee_status_name(GuaranteeStatus status);
std::string_view guarantee_type_name(GuaranteeType type);

}  // namespace kervan
