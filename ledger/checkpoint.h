// Checkpoints: the state machine's records materialised in an LMDB environment of their own
// (so that writing one never holds the journal's writer lock), as of one journal sequence.
//
// Records are stored in chunks under big-endian chunk numbers: accounts and pending states are
// rewritten whole at each checkpoint (they change), transfers and remembered failures only
// from the last partly filled chunk on (they are append-only and never change). A checkpoint
// is one LMDB transaction: after a crash the previous one is still whole.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/digest.h"
#include "ledger/lmdb_env.h"
#include "ledger/types.h"

namespace kervan {

// DO NOT CHANGE without bumping checkpoint_format_version: stored.
inline constexpr uint16_t checkpoint_format_version = 1;
inline constexpr size_t checkpoint_header_bytes = 136;
inline constexpr uint32_t checkpoint_records_per_chunk = 1024;   // Accounts, transfers, failures.
inline constexpr uint32_t checkpoint_states_per_chunk = 65536;    // Pending states (1 byte each).

struct CheckpointHeader {
  uint64_t sequence = 0;  // The last journal record the checkpoint includes.
  Digest journal_hash{};  // That record's hash: the journal's chain continues from it.
  uint64_t last_timestamp = 0;
  uint32_t accounts_count = 0;
  uint32_t transfers_count = 0;
  uint32_t failed_count = 0;
  Digest state_hash{};  // StateMachine::state_hash() of the state it holds.
};

void encode_checkpoint_header(const CheckpointHeader& header, uint8_t* out);
// False when the bytes are not a whole header of this format (checksum included).
[[nodiscard]] bool decode_checkpoint_header(ByteSpan bytes, CheckpointHeader* out);

// The records of one checkpoint, read back.
struct CheckpointRecords {
  std::vector<Account> accounts;
  std::vector<Transfer> transfers;
  std::vector<PendingState> pending_states;
  std::vector<FailedTransfer> failed;
};

class CheckpointStore {
 public:
  static StoreStatus open(const std::string& path, uint64_t map_bytes_max, SyncMode sync,
                          bool read_only, std::unique_ptr<CheckpointStore>* out);

  // The newest checkpoint's header; `found` false when none was written yet.
  StoreStatus read_header(CheckpointHeader* out, bool* found) const;
  // Reads every record of the newest checkpoint. corrupted_record when a chunk does not fit
  // the header's counts.
  StoreStatus load(const CheckpointHeader& header, CheckpointRecords* out) const;
  // Writes a checkpoint in one transaction (and one fsync in durable mode).
  // REQUIRES: transfers and failed extend those of the previous checkpoint.
  StoreStatus write(const CheckpointHeader& header, std::span<const Account> accounts,
                    std::span<const Transfer> transfers,
                    std::span<const PendingState> pending_states,
                    std::span<const FailedTransfer> failed);
  uint64_t bytes_used() const { return env_->bytes_used(); }

 private:
  CheckpointStore() = default;
  StoreStatus open_tables();

  std::unique_ptr<LmdbEnv> env_;
  LmdbTable meta_;
  LmdbTable accounts_;
  LmdbTable transfers_;
  LmdbTable pending_;
  LmdbTable failed_;
};

}  // namespace kervan
