// The durable ledger: the state machine, its journal and its checkpoints, in one folder.
//
//   <path>/LOCK          held (flock) by the one process that has the store open
//   <path>/journal/      LMDB: every applied batch, hash-chained (journal.h)
//   <path>/checkpoint/   LMDB: the state as of one journal sequence (checkpoint.h)
//
// Opening recovers: load the newest checkpoint, check its state hash, replay the journal after
// it checking every checksum and the hash chain. Applying a batch returns its results at once
// together with its journal sequence; the caller releases them only when the sequence is
// durable (wait_durable / durable_sequence), and meanwhile may apply the next batch: the
// journal's writer commits while the caller works.
#pragma once

#include <cstdint>
#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "ledger/checkpoint.h"
#include "ledger/folder_lock.h"
#include "ledger/journal.h"
#include "ledger/state_machine.h"
#include "ledger/store_status.h"

namespace kervan {

struct StoreOptions {
  std::string path;
  LedgerConfig ledger;
  SyncMode sync = SyncMode::durable;
  uint64_t journal_map_bytes_max = uint64_t{64} << 30;
  uint64_t checkpoint_map_bytes_max = uint64_t{64} << 30;
  size_t journal_ring_bytes = size_t{32} << 20;
  // Start a checkpoint by itself once this many events were applied since the last one
  // (0: only on demand). It runs in the background and is skipped while one is in flight, so
  // the applying thread pauses only to copy accounts and pending states. This bounds recovery:
  // at most about this many events to replay.
  uint64_t checkpoint_interval_events = 10'000'000;
  // Delete journal records a checkpoint has made redundant. Off by default: the journal is the
  // audit trail, and `verify` replays it from the first record.
  bool prune_journal = false;
  // Where recovery reports itself; stderr when empty.
  std::function<void(std::string_view)> log;
  // Called by the journal's writer after each commit (JournalOptions::on_progress).
  std::function<void()> on_durable = {};
};

// What opening the store did.
struct RecoveryReport {
  uint64_t checkpoint_sequence = 0;  // 0: no checkpoint, replayed from the first record.
  uint64_t records_replayed = 0;
  uint64_t events_replayed = 0;
  double seconds = 0;
};

class Store {
 public:
  // Opens (creating) the store and recovers its state. Errors: store_locked, the errors of
  // the environments, corrupted_record naming the damaged record, restore_failed,
  // capacity_too_small when options.ledger cannot hold the stored state.
  static StoreStatus open(const StoreOptions& options, std::unique_ptr<Store>* out);
  // Waits for the journal writer and any checkpoint in flight, then releases the lock.
  ~Store();
  Store(const Store&) = delete;

  // Apply a batch and append it to the journal; `*sequence` is its journal record. After an
  // error nothing more is accepted (closed): reopen the store to recover its durable state.
  StoreStatus create_accounts(uint64_t now_ns, u128 party, std::span<const Account> events,
                              std::span<CreateAccountResult> results, uint64_t* sequence);
  StoreStatus create_transfers(uint64_t now_ns, u128 party, std::span<const Transfer> events,
                               std::span<CreateTransferResult> results, uint64_t* sequence);
  StoreStatus expire_pending_transfers(uint64_t now_ns, uint32_t* expired, uint64_t* sequence);

  StoreStatus wait_durable(uint64_t sequence) { return journal_->wait_durable(sequence); }
  uint64_t durable_sequence() const { return journal_->durable_sequence(); }
  uint64_t last_sequence() const { return journal_->last_sequence(); }
  // ok while the journal commits; its first failure once a commit failed (nothing after the
  // last durable sequence will ever become durable).
  StoreStatus health() const { return journal_->failure(); }

  // Starts a checkpoint of the state as of now: the mutable records (accounts, pending
  // states) are copied here, the rest is read in place by a background thread, which writes
  // the checkpoint once the journal is durable up to it. Waits first for a checkpoint still in
  // flight. wait_checkpoint() returns the outcome of the last one.
  StoreStatus checkpoint();
  StoreStatus wait_checkpoint();
  uint64_t checkpoint_sequence() const { return checkpoint_sequence_.load(); }

  const StateMachine& ledger() const { return *machine_; }
  const RecoveryReport& recovery() const { return recovery_; }
  uint64_t journal_bytes() const { return journal_->bytes_used(); }
  uint64_t checkpoint_bytes() const { return checkpoints_->bytes_used(); }
  uint64_t journal_commits() const { return journal_->commits(); }

 private:
  Store() = default;
  StoreStatus recover();
  StoreStatus check_open();
  // Counts applied events; starts a checkpoint when the interval has passed and none runs.
  StoreStatus after_apply(uint64_t events);
  void log(const std::string& line) const;
  StoreStatus write_checkpoint(const CheckpointHeader& header, uint32_t transfers_count,
                               uint32_t failed_count);

  StoreOptions options_;
  FolderLock lock_;
  std::unique_ptr<StateMachine> machine_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  RecoveryReport recovery_;
  StoreStatus failure_;  // Sticky: the first error after which the store accepts nothing.

  // The checkpoint in flight: copies of the mutable records, and its outcome.
  std::thread checkpoint_thread_;
  std::vector<Account> snapshot_accounts_;
  std::vector<PendingState> snapshot_pending_;
  StoreStatus checkpoint_status_;
  std::atomic<uint64_t> checkpoint_sequence_{0};
  std::atomic<bool> checkpoint_running_{false};
  uint64_t events_since_checkpoint_ = 0;
};

struct VerifyReport {
  uint64_t records = 0;
  uint64_t checkpoint_sequence = 0;
  bool replayed_from_empty = false;  // False when the journal was pruned.
  Digest state_hash{};
  std::string summary;
};

// Checks a store without changing it: every journal record's checksum and hash chain; that
// replaying the journal from its first record gives the same state hash as the newest
// checkpoint plus the journal after it; and every ledger invariant. The ledger's capacities
// come from the store itself. The store must not be open in another process (store_locked).
StoreStatus verify_store(const std::string& path, VerifyReport* report);

}  // namespace kervan
