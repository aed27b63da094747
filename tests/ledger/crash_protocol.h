// What kervan_crash_child (crash_child.cc) and crash_test.cc agree on: the workload's shape,
// the store's options, and the messages the child writes to its stdout, 8 bytes each.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "tests/ledger/workload.h"

namespace kervan::testing::crash {

// Small batches, so that a run is many commits (and many moments to be killed at).
inline constexpr uint32_t accounts = 24;
inline constexpr uint32_t transfers_per_batch = 8;
// Batches the child applies ahead of its acknowledgements: they share group commits.
inline constexpr uint64_t in_flight_max = 4;

// A message is one little-endian u64: its kind in the top byte, a journal sequence below.
// An acknowledgement is thus the bare sequence.
enum class MessageKind : uint8_t {
  ack = 0,                 // Batch `sequence` is durable. One per batch, in order, never early.
  started = 1,             // The child is about to open (and recover) the store; sequence 0.
  opened = 2,              // Recovery ended at `sequence` (the store's last_sequence()).
  checkpoint_started = 3,  // checkpoint() returned for the state as of `sequence`; it waited
                           // for the child's previous checkpoint, which is therefore written.
};
inline constexpr size_t message_bytes = 8;
inline constexpr uint64_t message_sequence_mask = (uint64_t{1} << 56) - 1;

struct Message {
  MessageKind kind = MessageKind::ack;
  uint64_t sequence = 0;
};

inline std::array<uint8_t, message_bytes> encode_message(Message message) {
  std::array<uint8_t, message_bytes> bytes{};
  store_u64_le(bytes.data(), uint64_t{static_cast<uint8_t>(message.kind)} << 56 |
                                 (message.sequence & message_sequence_mask));
  return bytes;
}

inline Message decode_message(const std::array<uint8_t, message_bytes>& bytes) {
  const uint64_t word = load_u64_le(bytes.data());
  return Message{.kind = static_cast<MessageKind>(word >> 56),
                 .sequence = word & message_sequence_mask};
}

inline Workload workload_of(uint64_t seed) {
  return Workload(seed, accounts, transfers_per_batch);
}

// The options both processes open the store with: the capacities hold `batches_max` batches,
// and every commit is flushed (SyncMode::durable: an acknowledgement is a promise).
inline StoreOptions store_options(const std::string& path, uint64_t seed, uint64_t batches_max) {
  return StoreOptions{.path = path,
                      .ledger = workload_of(seed).config_for(batches_max),
                      .sync = SyncMode::durable,
                      .journal_map_bytes_max = uint64_t{256} << 20,
                      .checkpoint_map_bytes_max = uint64_t{256} << 20,
                      .journal_ring_bytes = size_t{4} << 20,
                      .log = [](std::string_view) {}};
}

}  // namespace kervan::testing::crash
