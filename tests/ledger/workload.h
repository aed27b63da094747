// A deterministic workload for the store's tests, its crash test and its benchmark: batch k of
// seed s is always the same events at the same now_ns, so a reference ledger can replay
// exactly what a store (or a killed process) applied. Batch 1 creates the accounts; later
// batches mix single-phase, pending (some with timeouts), posts, voids, linked chains, expiry
// and failing events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/journal_format.h"
#include "ledger/state_machine.h"
#include "ledger/store.h"
#include "tests/support/temp_dir.h"

namespace kervan::testing {

struct WorkloadBatch {
  JournalOperation operation = JournalOperation::create_transfers;
  uint64_t now_ns = 0;
  std::vector<Account> accounts;
  std::vector<Transfer> transfers;
};

class Workload {
 public:
  Workload(uint64_t seed, uint32_t accounts, uint32_t transfers_per_batch)
      : seed_(seed), accounts_(accounts), transfers_per_batch_(transfers_per_batch) {}

  // Batch `index` (from 1).
  WorkloadBatch batch(uint64_t index) const;
  // Capacities that hold `batches` batches.
  LedgerConfig config_for(uint64_t batches) const;

 private:
  uint64_t seed_;
  uint32_t accounts_;
  uint32_t transfers_per_batch_;
};

// Applies a workload batch to a bare state machine (the reference).
void apply(StateMachine& machine, const WorkloadBatch& batch);
// Applies a workload batch to a store; `*sequence` is its journal record.
StoreStatus apply(Store& store, const WorkloadBatch& batch, uint64_t* sequence);

}  // namespace kervan::testing
