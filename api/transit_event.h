// A transit subscription's events (operations transit_subscribe and transit_event,
// docs/protocol.md "Transit events"): for every step that took effect and that the subscriber's
// party may read (ledger/transit/read_access.h, may_read_step), the step as journaled and the
// state after it of the movement or guarantee it concerns. When a movement is released, the
// customs of every country on its itinerary receive its particulars (goods, amounts, guarantee
// references, route): NCTS's anticipated arrival record.
//
// The payload of a transit_event, inside the transit body framing (whose as_of_ns carries the
// step's business time):
//
//   u64 sequence   the step's transit journal sequence
//   u32 L, L bytes the step's command, as journaled (docs/storage_format.md, "Transit commands")
//   u32 S, S bytes the answer a transit query would give now for the movement or guarantee the
//                  step concerns (api/transit_query.h); S = 0: the step concerns neither
//
// The request_id of each transit_event is the subscription's own event number, 1, 2, ...: a
// subscriber that sees a number skipped lost an event (its connection could not take it) and
// reads the objects it follows again with transit queries.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "api/protocol.h"
#include "api/transit_query.h"
#include "ledger/transit/transit_command.h"
#include "ledger/transit/transit_store.h"

namespace kervan {

struct TransitEvent {
  uint64_t number = 0;    // The subscription's event number (the frame's request_id).
  uint64_t sequence = 0;  // The step's transit journal sequence.
  uint64_t at_ns = 0;     // Its business time.
  std::vector<uint8_t> command_bytes;
  TransitCommand command;  // Decoded from command_bytes: its views point into them.
  bool has_snapshot = false;
  TransitAnswer snapshot;  // The movement or guarantee after the step.

  TransitEvent() = default;
  TransitEvent(TransitEvent&&) = default;  // The bytes move with their views.
  TransitEvent& operator=(TransitEvent&&) = default;
  TransitEvent(const TransitEvent&) = delete;
};

// The query whose answer is a step's snapshot: its movement or guarantee; nullopt for others.
std::optional<TransitQuery> snapshot_query(const TransitCommand& step);

// Writes the payload; returns its size, 0 when it does not fit `out`.
size_t encode_transit_event(uint64_t sequence, std::span<const uint8_t> command,
                            std::span<const uint8_t> snapshot, std::span<uint8_t> out);
// False unless `payload` is exactly one well-formed event (its command and snapshot decode);
// `number` and `at_ns` are the frame's request_id and the body's as_of_ns.
[[nodiscard]] bool decode_transit_event(std::span<const uint8_t> payload, uint64_t number,
                                        uint64_t at_ns, TransitEvent* out);

// The server's side of an events query: the durable steps from q.from_sequence on that took
// effect and that `reader` may read (nullptr: everything), at most q.limit of them, within
// events_scan_records_max records read and the answer's size. Never forbidden: what a reader may
// not read is left out.
StoreStatus answer_events_query(const TransitStore& store, const Party* reader,
                                const TransitQuery& q, std::span<uint8_t> out, size_t* written);

// A connection subscribed to transit events (its own: events and replies share request ids).
class Client;
class TransitSubscription {
 public:
  // REQUIRES: `client` is used for nothing else, and outlives this.
  explicit TransitSubscription(Client* client) : client_(client) {}
  // Subscribes; *from_sequence is the last step the server had then (events follow it).
  ProtocolStatus subscribe(int timeout_ms, uint64_t* from_sequence);
  // The next event, or nullopt after timeout_ms; a frame that does not decode as an event is
  // skipped and counted (malformed()).
  std::optional<TransitEvent> next(int timeout_ms);
  uint64_t malformed() const { return malformed_; }

 private:
  Client* client_;
  uint64_t malformed_ = 0;
};

}  // namespace kervan
