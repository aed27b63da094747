#include "api/transit_event.h"

#include <array>

#include "api/client.h"
#include "core/assert.h"
#include "core/byte_stream.h"
#include "core/bytes.h"
#include "ledger/transit/read_access.h"

namespace kervan {

std::optional<TransitQuery> snapshot_query(const TransitCommand& step) {
  switch (subject_of(step.operation)) {
    case StepSubject::guarantee:
      return TransitQuery{.kind = QueryKind::guarantee, .grn = step_grn(step)};
    case StepSubject::movement:
      return TransitQuery{.kind = QueryKind::movement, .mrn = step_mrn(step)};
    case StepSubject::registry:
    case StepSubject::settlement:
    case StepSubject::union_distribution:
      return std::nullopt;
  }
  return std::nullopt;
}

size_t encode_transit_event(uint64_t sequence, std::span<const uint8_t> command,
                            std::span<const uint8_t> snapshot, std::span<uint8_t> out) {
  KERVAN_ASSERT(!command.empty() && command.size() <= UINT32_MAX);
  ByteWriter w(out);
  w.u64(sequence);
  w.u32(static_cast<uint32_t>(command.size()));
  w.bytes(command);
  w.u32(static_cast<uint32_t>(snapshot.size()));
  w.bytes(snapshot);
  return w.ok() ? w.written().size() : 0;
}

bool decode_transit_event(std::span<const uint8_t> payload, uint64_t number, uint64_t at_ns,
                          TransitEvent* out) {
  ByteReader r(payload);
  TransitEvent event;
  event.number = number;
  event.at_ns = at_ns;
  event.sequence = r.u64();
  const std::span<const uint8_t> command = r.bytes(r.u32());
  const std::span<const uint8_t> snapshot = r.bytes(r.u32());
  if (!r.done() || command.empty() || event.sequence == 0) return false;
  event.command_bytes.assign(command.begin(), command.end());
  if (!decode_transit_command(event.command_bytes, &event.command)) return false;
  event.has_snapshot = !snapshot.empty();
  if (event.has_snapshot && !decode_transit_answer(snapshot, &event.snapshot)) return false;
  *out = std::move(event);
  return true;
}

StoreStatus answer_events_query(const TransitStore& store, const Party* reader,
                                const TransitQuery& q, std::span<uint8_t> out, size_t* written) {
  KERVAN_ASSERT(q.kind == QueryKind::events && q.from_sequence >= 1);
  ByteWriter w(out.first(std::min(out.size(), transit_answer_bytes_max)));
  w.u8(static_cast<uint8_t>(QueryResult::ok));
  w.u8(static_cast<uint8_t>(QueryKind::events));
  const size_t header_at = w.written().size();
  w.u64(0);  // next_from, durable_last and n: filled in below.
  w.u64(0);
  w.u32(0);
  uint64_t next_from = q.from_sequence;
  uint32_t n = 0;
  const StoreStatus status = store.read_steps(
      q.from_sequence, events_scan_records_max,
      [&](uint64_t sequence, uint64_t at_ns, TransitResult result,
          std::span<const uint8_t> command) {
        if (n == q.limit) return false;
        TransitCommand step;
        KERVAN_ASSERT(decode_transit_command(command, &step));
        const bool readable = result == TransitResult::ok &&
                              (reader == nullptr || may_read_step(store.ledger(), *reader, step));
        if (readable) {
          if (w.written().size() + 20 + command.size() > transit_answer_bytes_max) return false;
          w.u64(sequence);
          w.u64(at_ns);
          w.u32(static_cast<uint32_t>(command.size()));
          w.bytes(command);
          n += 1;
        }
        next_from = sequence + 1;
        return true;
      });
  KERVAN_ASSERT(w.ok());
  const std::span<uint8_t> header = out.subspan(header_at, 20);
  store_u64_le(header.data(), next_from);
  store_u64_le(header.data() + 8, store.durable_sequence());
  store_u32_le(header.data() + 16, n);
  *written = w.written().size();
  return status;
}

ProtocolStatus TransitSubscription::subscribe(int timeout_ms, uint64_t* from_sequence) {
  const std::array<uint8_t, 8> payload{};
  std::array<uint8_t, transit_body_bytes(8, 0)> body{};
  const size_t size = encode_transit_body(payload, 0, body);
  KERVAN_ASSERT(size == body.size());
  const uint64_t id = client_->send(Operation::transit_subscribe, 1, body);
  const std::optional<Reply> reply = client_->await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;
  if (reply->header.status != ProtocolStatus::ok) return reply->header.status;
  const std::span<const uint8_t> answer = transit_command_of(reply->body);
  if (answer.size() != 8) return ProtocolStatus::command_invalid;
  *from_sequence = load_u64_le(answer.data());
  return ProtocolStatus::ok;
}

std::optional<TransitEvent> TransitSubscription::next(int timeout_ms) {
  for (;;) {
    std::optional<Reply> reply = client_->receive(timeout_ms);
    if (!reply) return std::nullopt;
    TransitEvent event;
    if (reply->header.status == ProtocolStatus::ok &&
        reply->header.operation == Operation::transit_event &&
        decode_transit_event(transit_command_of(reply->body), reply->header.request_id,
                             transit_as_of_of(reply->body), &event)) {
      return event;
    }
    malformed_ += 1;
  }
}

}  // namespace kervan
