#include "tests/ledger/workload.h"

#include <cstdlib>
#include <filesystem>

#include "core/assert.h"

namespace kervan::testing {

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

constexpr uint32_t ledger_eur = 978;

}  // namespace

LedgerConfig Workload::config_for(uint64_t batches) const {
  const uint64_t transfers = batches * transfers_per_batch_ + 16;
  return LedgerConfig{.accounts_max = accounts_ + 8,
                      .transfers_max = static_cast<uint32_t>(transfers),
                      .failed_ids_max = static_cast<uint32_t>(transfers),
                      .hash_seed = seed_};
}

WorkloadBatch Workload::batch(uint64_t index) const {
  WorkloadBatch batch;
  batch.now_ns = 1'000'000'000 + index * 250'000'000;  // A quarter second apart.
  if (index == 1) {
    batch.operation = JournalOperation::create_accounts;
    for (uint32_t a = 1; a <= accounts_; ++a) {
      Account account;
      account.id = a;
      account.ledger = ledger_eur;
      account.code = 1;
      // Every third account is a cover limit, as a guarantee is.
      if (a % 3 == 0) account.flags = flags_of(AccountFlags::debits_must_not_exceed_credits);
      batch.accounts.push_back(account);
    }
    return batch;
  }
  if (index % 10 == 0) {
    batch.operation = JournalOperation::expire_pending_transfers;
    return batch;
  }
  uint64_t random = mix(seed_ ^ (index << 20));
  const auto next = [&random](uint64_t n) {
    random = mix(random);
    return random % n;
  };
  const u128 first_id = make_u128(index, 0);
  for (uint32_t i = 0; i < transfers_per_batch_; ++i) {
    Transfer t;
    t.id = first_id + i + 1;
    t.ledger = ledger_eur;
    t.code = 1;
    t.debit_account_id = 1 + next(accounts_);
    t.credit_account_id = 1 + next(accounts_);
    t.amount = 1 + next(1000);
    const uint64_t kind = next(10);
    if (kind < 3) {
      t.flags = flags_of(TransferFlags::pending);
      t.timeout_s = static_cast<uint32_t>(next(3));  // 0 (none), 1 or 2 seconds.
    } else if (kind < 5 && index > 2) {
      // Post or void a transfer of the previous batch (maybe pending, maybe not).
      Transfer resolve;
      resolve.id = t.id;
      resolve.pending_id = make_u128(index - 1, 0) + 1 + next(transfers_per_batch_);
      resolve.flags = flags_of(kind == 3 ? TransferFlags::post_pending_transfer
                                         : TransferFlags::void_pending_transfer);
      t = resolve;
    }
    if (next(8) == 0 && i + 1 < transfers_per_batch_) t.flags |= flags_of(TransferFlags::linked);
    batch.transfers.push_back(t);
  }
  return batch;
}

void apply(StateMachine& machine, const WorkloadBatch& batch) {
  switch (batch.operation) {
    case JournalOperation::create_accounts: {
      std::vector<CreateAccountResult> results(batch.accounts.size());
      machine.create_accounts(batch.now_ns, batch.accounts, results);
      return;
    }
    case JournalOperation::create_transfers: {
      std::vector<CreateTransferResult> results(batch.transfers.size());
      machine.create_transfers(batch.now_ns, batch.transfers, results);
      return;
    }
    case JournalOperation::expire_pending_transfers:
      (void)machine.expire_pending_transfers(batch.now_ns);
      return;
    case JournalOperation::transit_command:
      break;  // The workload makes none.
  }
  KERVAN_UNREACHABLE();
}

StoreStatus apply(Store& store, const WorkloadBatch& batch, uint64_t* sequence) {
  switch (batch.operation) {
    case JournalOperation::create_accounts: {
      std::vector<CreateAccountResult> results(batch.accounts.size());
      return store.create_accounts(batch.now_ns, 0, batch.accounts, results, sequence);
    }
    case JournalOperation::create_transfers: {
      std::vector<CreateTransferResult> results(batch.transfers.size());
      return store.create_transfers(batch.now_ns, 0, batch.transfers, results, sequence);
    }
    case JournalOperation::expire_pending_transfers: {
      uint32_t expired = 0;
      return store.expire_pending_transfers(batch.now_ns, &expired, sequence);
    }
    case JournalOperation::transit_command:
      break;  // The workload makes none.
  }
  KERVAN_UNREACHABLE();
}

}  // namespace kervan::testing
