// Builds a transit declaration from what a principal declares (goods, itinerary, guarantees):
// as facts whose amounts the ledger computes (what a client sends: build_declaration_of_facts),
// or with the amount to be covered already computed (covered_amount.h: the simulator's own
// path, and the ledger's computation itself), so that every entry point fills the record the
// same way.
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

// A declaration whose amounts the ledger computes (DeclaredAmounts::expected): one reference for
// the whole movement, or, `national`, one per itinerary position (a single guarantee then
// secures every leg). `expected`: empty, or what the declarant expects each reference's amount
// to be (the ledger refuses the declaration if it differs). False when the counts do not fit;
// *out is then unchanged.
[[nodiscard]] bool build_declaration_of_facts(const DeclarationInput& input, bool national,
                                              std::span<const Amount> expected, Declaration* out);

}  // namespace kervan
