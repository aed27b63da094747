#include "ledger/transit/transit_command.h"

#include <algorithm>

#include "core/assert.h"
#include "core/byte_stream.h"
#include "ledger/journal_format.h"
#include "ledger/transit/reference_limits.h"
#include "ledger/transit/value_coding.h"

namespace kervan {

// The largest command, a reference text with its date and length, fits a journal record.
static_assert(reference_text_bytes_max + 64 <= journal_command_bytes_max);

size_t encode_transit_command(const TransitCommand& c, std::span<uint8_t> out) {
  ByteWriter w(out);
  w.u8(static_cast<uint8_t>(c.operation));
  w.u64(static_cast<uint64_t>(c.actor));
  switch (c.operation) {
    case TransitOperation::register_party: put(w, c.party); break;
    case TransitOperation::register_guarantee: put(w, c.guarantee); break;
    case TransitOperation::declare_movement: put(w, c.declaration); break;
    case TransitOperation::amend_guarantee:
      put(w, c.grn);
      put(w, c.amount);
      w.u8(c.reduction_percent);
      break;
    case TransitOperation::set_guarantee_status:
      put(w, c.grn);
      w.u8(static_cast<uint8_t>(c.status));
      put(w, c.date);
      break;
    case TransitOperation::record_crossing:
      put(w, c.mrn);
      put(w, c.country);
      break;
    case TransitOperation::raise_claim:
      put(w, c.mrn);
      put(w, c.amount);
      break;
    case TransitOperation::settle_claims:
      break;
    case TransitOperation::distribute_union_duties:
      put(w, c.distribution);
      break;
    case TransitOperation::register_key:
      w.bytes(c.key);
      w.u64(static_cast<uint64_t>(c.key_party));
      break;
    case TransitOperation::revoke_key:
      w.bytes(c.key);
      break;
    case TransitOperation::load_reference_data:
      KERVAN_ASSERT(c.reference_text.size() <= reference_text_bytes_max);
      put(w, c.date);
      w.u32(static_cast<uint32_t>(c.reference_text.size()));
      w.bytes({reinterpret_cast<const uint8_t*>(c.reference_text.data()),
               c.reference_text.size()});
      break;
    default:
      put(w, c.mrn);
      break;
  }
  return w.ok() ? w.written().size() : 0;
}

StepSubject subject_of(TransitOperation operation) {
  using Op = TransitOperation;
  switch (operation) {
    case Op::register_party:
    case Op::register_key:
    case Op::revoke_key:
    case Op::load_reference_data:
      return StepSubject::registry;
    case Op::register_guarantee:
    case Op::amend_guarantee:
    case Op::set_guarantee_status:
      return StepSubject::guarantee;
    case Op::settle_claims:
      return StepSubject::settlement;
    case Op::distribute_union_duties:
      return StepSubject::union_distribution;
    case Op::declare_movement:
    case Op::release_movement:
    case Op::cancel_movement:
    case Op::record_crossing:
    case Op::record_arrival:
    case Op::write_off:
    case Op::record_incident:
    case Op::open_enquiry:
    case Op::raise_claim:
    case Op::record_claim_paid:
    case Op::archive_movement:
      return StepSubject::movement;
  }
  KERVAN_UNREACHABLE();
}

const Grn& step_grn(const TransitCommand& step) {
  KERVAN_ASSERT(subject_of(step.operation) == StepSubject::guarantee);
  return step.operation == TransitOperation::register_guarantee ? step.guarantee.grn : step.grn;
}

const Mrn& step_mrn(const TransitCommand& step) {
  KERVAN_ASSERT(subject_of(step.operation) == StepSubject::movement);
  return step.operation == TransitOperation::declare_movement ? step.declaration.mrn : step.mrn;
}

size_t encode_journaled_step(TransitResult result, const TransitCommand& command,
                             std::span<uint8_t> out) {
  if (out.empty()) return 0;
  out[0] = static_cast<uint8_t>(result);
  const size_t size = encode_transit_command(command, out.subspan(1));
  return size == 0 ? 0 : size + 1;
}

bool decode_journaled_step(std::span<const uint8_t> bytes, TransitResult* result,
                           TransitCommand* command) {
  if (bytes.empty() || bytes[0] > transit_result_max) return false;
  if (!decode_transit_command(bytes.subspan(1), command)) return false;
  *result = static_cast<TransitResult>(bytes[0]);
  return true;
}

bool decode_transit_command(std::span<const uint8_t> bytes, TransitCommand* out) {
  ByteReader r(bytes);
  TransitCommand c;
  const uint8_t operation = r.u8();
  c.actor = PartyId{r.u64()};
  if (!r.ok() || operation < 1 || operation > transit_operation_max) return false;
  c.operation = static_cast<TransitOperation>(operation);
  bool ok = true;
  switch (c.operation) {
    case TransitOperation::register_party: ok = get(r, &c.party); break;
    case TransitOperation::register_guarantee: ok = get(r, &c.guarantee); break;
    case TransitOperation::declare_movement: ok = get(r, &c.declaration); break;
    case TransitOperation::amend_guarantee:
      ok = get(r, &c.grn) && get(r, &c.amount);
      c.reduction_percent = r.u8();
      break;
    case TransitOperation::set_guarantee_status: {
      ok = get(r, &c.grn);
      const uint8_t status = r.u8();
      ok = ok && status >= 1 && status <= 4 && get(r, &c.date);
      c.status = static_cast<GuaranteeStatus>(status);
      break;
    }
    case TransitOperation::record_crossing: ok = get(r, &c.mrn) && get(r, &c.country); break;
    case TransitOperation::raise_claim: ok = get(r, &c.mrn) && get(r, &c.amount); break;
    case TransitOperation::settle_claims: break;
    case TransitOperation::distribute_union_duties: ok = get(r, &c.distribution); break;
    case TransitOperation::register_key:
    case TransitOperation::revoke_key: {
      const std::span<const uint8_t> key = r.bytes(client_key_bytes);
      if (key.size() == client_key_bytes) std::copy(key.begin(), key.end(), c.key.begin());
      if (c.operation == TransitOperation::register_key) c.key_party = PartyId{r.u64()};
      break;
    }
    case TransitOperation::load_reference_data: {
      const uint32_t length = get(r, &c.date) ? r.u32() : 0;
      ok = r.ok() && length > 0 && length <= reference_text_bytes_max;
      const std::span<const uint8_t> text = ok ? r.bytes(length) : std::span<const uint8_t>();
      c.reference_text = {reinterpret_cast<const char*>(text.data()), text.size()};
      ok = ok && r.ok();
      break;
    }
    default: ok = get(r, &c.mrn); break;
  }
  if (!ok || !r.done()) return false;
  *out = c;
  return true;
}

TransitResult apply_transit_command(TransitLedger& ledger, uint64_t now_ns,
                                    const TransitCommand& c) {
  switch (c.operation) {
    case TransitOperation::register_party:
      return ledger.register_party(now_ns, c.actor, c.party);
    case TransitOperation::register_key:
      return ledger.register_key(now_ns, c.actor, c.key_party, c.key);
    case TransitOperation::revoke_key: return ledger.revoke_key(now_ns, c.actor, c.key);
    case TransitOperation::load_reference_data:
      return ledger.load_reference_data(now_ns, c.actor, c.reference_text, c.date);
    case TransitOperation::register_guarantee:
      return ledger.register_guarantee(now_ns, c.actor, c.guarantee);
    case TransitOperation::amend_guarantee:
      return ledger.amend_guarantee(now_ns, c.actor, c.grn, c.amount, c.reduction_percent);
    case TransitOperation::set_guarantee_status:
      return ledger.set_guarantee_status(now_ns, c.actor, c.grn, c.status, c.date);
    case TransitOperation::declare_movement: {
      if (c.declaration.amounts != DeclaredAmounts::expected) {
        return ledger.declare_movement(now_ns, c.actor, c.declaration);
      }
      Declaration computed = c.declaration;
      if (const TransitResult r = ledger.compute_declaration(now_ns, &computed);
          r != TransitResult::ok) {
        return r;
      }
      return ledger.declare_movement(now_ns, c.actor, computed);
    }
    case TransitOperation::release_movement:
      return ledger.release_movement(now_ns, c.actor, c.mrn);
    case TransitOperation::cancel_movement: return ledger.cancel_movement(now_ns, c.actor, c.mrn);
    case TransitOperation::record_crossing:
      return ledger.record_crossing(now_ns, c.actor, c.mrn, c.country);
    case TransitOperation::record_arrival: return ledger.record_arrival(now_ns, c.actor, c.mrn);
    case TransitOperation::write_off: return ledger.write_off(now_ns, c.actor, c.mrn);
    case TransitOperation::record_incident: return ledger.record_incident(now_ns, c.actor, c.mrn);
    case TransitOperation::open_enquiry: return ledger.open_enquiry(now_ns, c.actor, c.mrn);
    case TransitOperation::raise_claim: return ledger.raise_claim(now_ns, c.actor, c.mrn, c.amount);
    case TransitOperation::record_claim_paid:
      return ledger.record_claim_paid(now_ns, c.actor, c.mrn);
    case TransitOperation::settle_claims: return ledger.settle_claims(now_ns, c.actor);
    case TransitOperation::distribute_union_duties:
      return ledger.distribute_union_duties(now_ns, c.actor, c.distribution);
    case TransitOperation::archive_movement:
      return ledger.archive_movement(now_ns, c.actor, c.mrn);
  }
  KERVAN_UNREACHABLE();
}

}  // namespace kervan
