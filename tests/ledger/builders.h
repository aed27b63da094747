// Test helpers for the ledger: event builders and a small ledger with batch helpers.
// One place for setup, so that test files read as tables of events and expected results.
#pragma once

#include <memory>
#include <vector>

#include "ledger/state_machine.h"

namespace kervan::testing {

inline constexpr uint32_t eur = 978;  // ISO 4217 numeric code used as the ledger.
inline constexpr uint32_t usd = 840;

inline Account account(u128 id, uint16_t flags = 0, uint32_t ledger = eur, uint16_t code = 1) {
  Account a;
  a.id = id;
  a.ledger = ledger;
  a.code = code;
  a.flags = flags;
  return a;
}

inline Transfer transfer(u128 id, u128 debit, u128 credit, u128 amount, uint16_t flags = 0) {
  Transfer t;
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.ledger = eur;
  t.code = 1;
  t.flags = flags;
  return t;
}

inline Transfer pending(u128 id, u128 debit, u128 credit, u128 amount, uint32_t timeout_s = 0) {
  Transfer t = transfer(id, debit, credit, amount, flags_of(TransferFlags::pending));
  t.timeout_s = timeout_s;
  return t;
}

// A post (amount 0 = full) or void of `pending_id`, inheriting everything else.
inline Transfer post(u128 id, u128 pending_id, u128 amount = 0) {
  Transfer t;
  t.id = id;
  t.pending_id = pending_id;
  t.amount = amount;
  t.flags = flags_of(TransferFlags::post_pending_transfer);
  return t;
}

inline Transfer void_(u128 id, u128 pending_id) {
  Transfer t;
  t.id = id;
  t.pending_id = pending_id;
  t.flags = flags_of(TransferFlags::void_pending_transfer);
  return t;
}

inline Transfer linked(Transfer t) {
  t.flags |= flags_of(TransferFlags::linked);
  return t;
}

inline LedgerConfig small_config() {
  return LedgerConfig{
      .accounts_max = 64, .transfers_max = 256, .failed_ids_max = 64, .hash_seed = 7};
}

// A ledger plus a clock that the tests advance explicitly (the ledger never reads one).
class TestLedger {
 public:
  explicit TestLedger(const LedgerConfig& config = small_config())
      : machine_(std::make_unique<StateMachine>(config)) {}

  std::vector<CreateAccountResult> create_accounts(const std::vector<Account>& events) {
    std::vector<CreateAccountResult> results(events.size());
    machine_->create_accounts(now_ns, events, results);
    return results;
  }
  std::vector<CreateTransferResult> create_transfers(const std::vector<Transfer>& events) {
    std::vector<CreateTransferResult> results(events.size());
    machine_->create_transfers(now_ns, events, results);
    return results;
  }
  CreateTransferResult create_transfer(const Transfer& event) {
    return create_transfers({event}).front();
  }
  const Account& account_of(u128 id) const {
    const Account* found = machine_->lookup_account(id);
    KERVAN_ASSERT(found != nullptr);
    return *found;
  }
  StateMachine& machine() { return *machine_; }

  uint64_t now_ns = 1'000'000'000;

 private:
  std::unique_ptr<StateMachine> machine_;
};

}  // namespace kervan::testing
