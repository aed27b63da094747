// The canonical hash of a ledger state: BLAKE2b-256 over a fixed header, then every account,
// transfer, pending state and remembered failure in their stored order and byte coding
// (docs/storage_format.md). Two states with equal hashes are equal, record for record.
#pragma once

#include <span>

#include "core/digest.h"
#include "ledger/types.h"

namespace kervan {

[[nodiscard]] Digest state_hash_of(uint64_t last_timestamp, std::span<const Account> accounts,
                                   std::span<const Transfer> transfers,
                                   std::span<const PendingState> pending_states,
                                   std::span<const FailedTransfer> failed);

}  // namespace kervan
