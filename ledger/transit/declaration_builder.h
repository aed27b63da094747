// Builds a transit declaration from what a principal declares (goods, itinerary, guarantees)
// and the amount to be covered computed for it (covered_amount.h): where a declaration enters
// the system (the command-line client, the scenario, the simulator), so that every entry point
// fills the record the same way.
#pragma once

#include <span>

#include "ledger/transit/covered_amount.h"
#include "ledger/transit/transit_types.h"

namespace kervan {

struct DeclarationInput {
  Mrn mrn;
  PartyId principal{};
  std::span<const GoodsItem> items;    // As given to compute_covered_amount.
  std::span<const Country> itinerary;  // Departure first.
  uint64_t time_limit_ns = 0;
  // The guarantees: one for the regional and TIR-like rules; for the national rule, one per
  // itinerary position, or a single one that then secures every leg.
  std::span<const Grn> guarantees;
};

// False when the counts do not fit (itinerary, goods, references) or the guarantees do not match
// the rule; *out is then unchanged. access_code_valid is left false on every reference: the
// server sets it from the codes a request carries (docs/protocol.md).
[[nodiscard]] bool build_declaration(const DeclarationInput& input, const CoveredAmount& covered,
                                     Declaration* out);

}  // namespace kervan
