// Limits of the ledger core, in one place, with their relationships checked.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/time.h"
#include "ledger/types.h"

namespace kervan {

// Events per batch. 8,190 transfers of 128 bytes fill one 1 MiB message with 256 bytes to
// spare for the header, as in TigerBeetle.
inline constexpr uint32_t batch_events_max = 8190;
inline constexpr size_t message_bytes_max = 1024 * 1024;
inline constexpr size_t message_header_bytes_max = 256;
static_assert(batch_events_max * sizeof(Transfer) + message_header_bytes_max <= message_bytes_max);
static_assert(batch_events_max * sizeof(Account) + message_header_bytes_max <= message_bytes_max);

// Undo entries one event may need: a created record, two account balances, one pending state.
inline constexpr uint32_t undo_entries_per_event_max = 4;

// Slots are 32-bit; the top bit of a transfer-index value marks a remembered failure.
inline constexpr uint32_t ledger_records_max = 1u << 30;

}  // namespace kervan
