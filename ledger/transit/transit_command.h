// One step of the transit domain as a value: what the journal records and replays, and (later)
// what the API decodes from a request. The coding is explicit and little-endian
// (docs/storage_format.md, "Transit commands"); decoding checks every field's range, so a
// damaged or hostile body is refused, never applied.
#pragma once

#include <cstdint>
#include <span>

#include "ledger/transit/transit_ledger.h"

namespace kervan {

// DO NOT CHANGE the numbers: stored in the journal.
enum class TransitOperation : uint8_t {
  register_party = 1,
  register_guarantee = 2,
  amend_guarantee = 3,
  set_guarantee_status = 4,
  declare_movement = 5,
  release_movement = 6,
  cancel_movement = 7,
  record_crossing = 8,
  record_arrival = 9,
  write_off = 10,
  record_incident = 11,
  open_enquiry = 12,
  raise_claim = 13,
  record_claim_paid = 14,
  settle_claims = 15,
  distribute_union_duties = 16,
  archive_movement = 17,
  register_key = 18,  // The operator binds a client key to a registered party.
  revoke_key = 19,    // The operator revokes a key: refused at its next request and handshake.
  load_reference_data = 20,  // The operator loads a version of reference data (its text).
};
inline constexpr uint8_t transit_operation_max = 20;

// The fields a step uses; the others stay default.
struct TransitCommand {
  TransitOperation operation = TransitOperation::register_party;
  PartyId actor{};
  Party party{};              // register_party
  GuaranteeSpec guarantee{};  // register_guarantee
  Declaration declaration{};  // declare_movement
  Grn grn{};                  // amend, status
  Amount amount{};            // amend (reference amount), claim
  uint8_t reduction_percent = 100;
  GuaranteeStatus status = GuaranteeStatus::active;
  Date date{};                // Liability liberation (status: cancelled).
  Mrn mrn{};                  // Movement steps after declaration.
  Country country{};          // Crossing.
  UnionDistribution distribution{};  // distribute_union_duties
  ClientPublicKey key{};             // register_key, revoke_key
  PartyId key_party{};               // register_key: the party the key acts as
  // load_reference_data: the text of a reference file (reference_data.h), at most
  // reference_text_bytes_max bytes, effective from `date`. A view: decode_transit_command points
  // it into the bytes decoded, which must outlive the command.
  std::string_view reference_text{};
};

// What a step concerns: who may see it (read_access.h) and what state follows it (an event's
// snapshot) both follow from this.
enum class StepSubject : uint8_t {
  registry,            // Parties, keys, reference data: the operator's.
  guarantee,           // One guarantee: step_grn().
  movement,            // One movement: step_mrn().
  settlement,          // A provider's claims settled: its actor.
  union_distribution,  // A customs union's duties: its members.
};
StepSubject subject_of(TransitOperation operation);
// The GRN of a guarantee step, the MRN of a movement step.
// REQUIRES: subject_of(step.operation) is guarantee, resp. movement.
const Grn& step_grn(const TransitCommand& step);
const Mrn& step_mrn(const TransitCommand& step);

// A journaled step: u8 result (what applying it answered) then the command. A replay applies the
// command and checks that it answers the same (TransitStore), and a reader of the journal knows
// which steps took effect.
size_t encode_journaled_step(TransitResult result, const TransitCommand& command,
                             std::span<uint8_t> out);
// False unless the bytes are a known result followed by exactly one well-formed command.
[[nodiscard]] bool decode_journaled_step(std::span<const uint8_t> bytes, TransitResult* result,
                                         TransitCommand* command);

// Codes the command into `out`; returns the bytes written, or 0 when it does not fit.
size_t encode_transit_command(const TransitCommand& command, std::span<uint8_t> out);
// False when the bytes are not exactly one well-formed command.
[[nodiscard]] bool decode_transit_command(std::span<const uint8_t> bytes, TransitCommand* out);

// Applies the command's step to the ledger. A declaration whose amounts are `expected` is
// computed first (TransitLedger::compute_declaration) and declared as computed.
TransitResult apply_transit_command(TransitLedger& ledger, uint64_t now_ns,
                                    const TransitCommand& command);

}  // namespace kervan
