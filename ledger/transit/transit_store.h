// The durable transit ledger: every step is applied to the TransitLedger and appended to a
// hash-chained journal (one record per step, refusals included, so that a replay reproduces
// every result and every id a refusal consumed); opening the store replays the journal.
//
//   <path>/LOCK, <path>/journal/   (docs/storage_format.md)
//
// As with Store, a step's result may be released only once its sequence is durable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/folder_lock.h"
#include "ledger/journal.h"
#include "ledger/transit/transit_command.h"

namespace kervan {

struct TransitStoreOptions {
  std::string path;
  TransitConfig config;
  SyncMode sync = SyncMode::durable;
  uint64_t journal_map_bytes_max = uint64_t{64} << 30;
  size_t journal_ring_bytes = size_t{32} << 20;
  std::function<void(std::string_view)> log;  // Recovery report; stderr when empty.
  std::function<void()> on_durable = {};       // JournalOptions::on_progress.
};

struct TransitRecovery {
  uint64_t commands_replayed = 0;
  double seconds = 0;
};

struct TransitVerifyReport {
  uint64_t steps = 0;      // Journal records replayed.
  size_t movements = 0;
  Digest state_hash{};     // The ledger core's, after replay.
};

// Checks a transit store: reads its recorded capacities, replays every journal record (each
// checksum and the hash chain checked), then checks every ledger invariant. Appends nothing.
// The store must not be open elsewhere (store_locked).
StoreStatus verify_transit_store(const std::string& path, TransitVerifyReport* report);

class TransitStore {
 public:
  // Opens (creating) the store and replays its journal. Errors: those of Store::open, and
  // configuration_mismatch when opened with other capacities than it was created with.
  static StoreStatus open(const TransitStoreOptions& options, std::unique_ptr<TransitStore>* out);
  ~TransitStore();
  TransitStore(const TransitStore&) = delete;

  // Applies the step and journals it. `*result` is the step's outcome (any TransitResult is a
  // success of this call); the call fails only when the journal does (then: closed).
  StoreStatus apply(uint64_t now_ns, const TransitCommand& command, TransitResult* result,
                    uint64_t* sequence);
  // The coding of the command apply() last journaled (a declaration as computed), until the
  // next apply.
  std::span<const uint8_t> last_command() const {
    return std::span(command_bytes_).subspan(1, last_command_bytes_ - 1);
  }
  // Reads the durable steps from sequence `from` on, in order, at most `records_max` of them
  // (each checked as recovery checks it), calling `visit` with each one's sequence, business
  // time, result and command coding; `visit` returning false stops early. For readers of the
  // journal while the store runs (a subscriber catching up).
  using StepVisitor = std::function<bool(uint64_t sequence, uint64_t at_ns, TransitResult result,
                                         std::span<const uint8_t> command)>;
  StoreStatus read_steps(uint64_t from, uint64_t records_max, const StepVisitor& visit) const;
  StoreStatus wait_durable(uint64_t sequence) { return journal_->wait_durable(sequence); }
  uint64_t durable_sequence() const { return journal_->durable_sequence(); }
  uint64_t last_sequence() const { return journal_->last_sequence(); }
  StoreStatus health() const { return journal_->failure(); }

  const TransitLedger& ledger() const { return *ledger_; }
  // The latest business time a step was applied at (replayed or new); 0 when none.
  uint64_t last_now_ns() const { return last_now_ns_; }
  const TransitRecovery& recovery() const { return recovery_; }

 private:
  TransitStore() = default;
  StoreStatus replay();

  TransitStoreOptions options_;
  FolderLock lock_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<TransitLedger> ledger_;
  TransitRecovery recovery_;
  StoreStatus failure_;
  uint64_t last_now_ns_ = 0;
  std::vector<uint8_t> command_bytes_;  // The coding of the step being journaled.
  size_t last_command_bytes_ = 0;
};

}  // namespace kervan
