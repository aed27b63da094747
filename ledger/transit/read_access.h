// Who may read what of the transit ledger (the read side of authorisation; the write side is
// each step's own role and country checks in TransitLedger). The rules, as in NCTS guarantee
// management and docs/protocol.md ("Transit queries"):
//   - an operator or analyst reads everything;
//   - a principal reads its own movements and the guarantees it is the principal of;
//   - a provider reads its own guarantees, the movements they secure, and its exposure;
//   - a customs administration reads the movements whose itinerary includes its country, the
//     guarantees valid in its country (as an office of departure checks one), and its own
//     country's duty statement.
// Pure functions of the ledger's state and the reader; nothing here allocates.
#pragma once

#include "ledger/transit/transit_command.h"
#include "ledger/transit/transit_ledger.h"

namespace kervan {

// May `reader` read everything (operator, analyst)?
bool reads_everything(const Party& reader);
bool may_read_movement(const TransitLedger& ledger, const Party& reader, const Movement& movement);
bool may_read_guarantee(const Party& reader, const Guarantee& guarantee);
bool may_read_exposure(const Party& reader, PartyId provider);
bool may_read_duties(const Party& reader, Country country);

// May `reader` see that this step took effect (a subscription's event)? The same rules, applied
// to what the step concerns as the ledger holds it now: a movement's steps as the movement (an
// archived one: those who read everything), a guarantee's as the guarantee, a provider's
// settlement the provider, a union distribution the customs of its members; the registry's and
// reference data's steps only those who read everything.
bool may_read_step(const TransitLedger& ledger, const Party& reader, const TransitCommand& step);

}  // namespace kervan
