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

// The records a checkpoint saves, copied out of a machine: what StateMachine::restore takes.
struct SavedState {
  uint64_t last_timestamp = 0;
  std::vector<Account> accounts;
  std::vector<Transfer> transfers;
  std::vector<PendingState> pending_states;
  std::vector<FailedTransfer> failed;
};

inline SavedState save_state(const StateMachine& machine) {
  return SavedState{
      .last_timestamp = machine.last_timestamp(),
      .accounts = {machine.accounts().begin(), machine.accounts().end()},
      .transfers = {machine.transfers().begin(), machine.transfers().end()},
      .pending_states = {machine.pending_states().begin(), machine.pending_states().end()},
      .failed = {machine.failed_transfers().begin(), machine.failed_transfers().end()}};
}

inline RestoreResult restore_state(StateMachine& machine, const SavedState& saved) {
  return machine.restore(saved.last_timestamp, saved.accounts, saved.transfers,
                         saved.pending_states, saved.failed);
}

// Deterministic pseudo-random numbers (splitmix64): the same on every platform, unlike the std
// distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }  // REQUIRES: n > 0.
  bool percent(uint64_t chance) { return below(100) < chance; }

 private:
  uint64_t state_;
};

// Seeded random steps of every kind, each generated from what the ledger holds (not applied):
// single-phase and pending transfers (timeouts of 0 to 3 s), full and partial posts and voids
// of pending transfers in any state, linked chains (some broken, some left open), transient
// failures (unknown accounts and pending ids, balance limits, 128-bit overflows), invalid
// events, exact duplicates of stored transfers, retries of failed ids, new accounts, expiry
// sweeps, and a clock that stalls, goes back and jumps past timeouts.
// REQUIRES of the ledger: room for 128 accounts and 30 transfers per step.
class Scenario {
 public:
  enum class Kind : uint8_t { accounts, transfers, expire };
  struct Step {
    Kind kind = Kind::transfers;
    uint64_t now_ns = 0;
    std::vector<Account> accounts;
    std::vector<Transfer> transfers;
  };

  explicit Scenario(uint64_t seed) : prng_(seed) {}

  Step next(const StateMachine& machine) {
    advance_clock();
    Step step;
    step.now_ns = now_ns_;
    if (machine.accounts_count() == 0 || (prng_.percent(4) && next_account_id_ < 120)) {
      step.kind = Kind::accounts;
      step.accounts = account_batch(machine);
    } else if (prng_.percent(6)) {
      step.kind = Kind::expire;
    } else {
      step.transfers = transfer_batch(machine);
    }
    return step;
  }

  // Applies a step; returns its results as numbers (the expired count for a sweep), so that
  // two machines fed the same steps can be compared.
  static std::vector<uint32_t> apply(StateMachine& machine, const Step& step) {
    std::vector<uint32_t> numbers;
    if (step.kind == Kind::expire) {
      numbers.push_back(machine.expire_pending_transfers(step.now_ns));
    } else if (step.kind == Kind::accounts) {
      std::vector<CreateAccountResult> results(step.accounts.size());
      machine.create_accounts(step.now_ns, step.accounts, results);
      for (const CreateAccountResult r : results) numbers.push_back(static_cast<uint32_t>(r));
    } else {
      std::vector<CreateTransferResult> results(step.transfers.size());
      machine.create_transfers(step.now_ns, step.transfers, results);
      for (const CreateTransferResult r : results) numbers.push_back(static_cast<uint32_t>(r));
    }
    return numbers;
  }

  uint64_t now_ns() const { return now_ns_; }

 private:
  void advance_clock() {
    const uint64_t choice = prng_.below(100);
    if (choice < 10) return;
    if (choice < 18) {
      now_ns_ -= prng_.below(1000);  // Behind the ledger: it goes on from its last timestamp.
    } else if (choice < 55) {
      now_ns_ += 1 + prng_.below(1'000'000);
    } else if (choice < 88) {
      now_ns_ += prng_.below(ns_per_s);
    } else {
      now_ns_ += ns_per_s + prng_.below(3 * ns_per_s);  // Past the timeouts.
    }
  }

  std::vector<Account> account_batch(const StateMachine& machine) {
    std::vector<Account> events;
    const bool opening = machine.accounts_count() == 0;
    const uint64_t count = opening ? 16 : 1 + prng_.below(3);
    for (uint64_t i = 0; i < count; i++) {
      const u128 id = next_account_id_++;
      uint16_t flags = 0;
      if (id % 5 == 1) flags = flags_of(AccountFlags::debits_must_not_exceed_credits);
      if (id % 5 == 2) flags = flags_of(AccountFlags::credits_must_not_exceed_debits);
      events.push_back(account(id, flags, id % 4 == 3 ? usd : eur));
    }
    if (opening) return events;
    if (prng_.percent(30)) {
      Account again = machine.accounts()[prng_.below(machine.accounts_count())];
      again.timestamp = 0;
      again.debits_pending = again.debits_posted = again.credits_pending = again.credits_posted = 0;
      events.push_back(again);  // exists
    }
    if (prng_.percent(10)) events.push_back(account(next_account_id_, 0, 0));  // ledger 0
    if (prng_.percent(20)) {
      for (size_t i = 0; i + 1 < events.size(); i++) events[i].flags |= 1;  // One chain.
    }
    return events;
  }

  std::vector<Transfer> transfer_batch(const StateMachine& machine) {
    live_.clear();
    pendings_.clear();
    batch_pendings_.clear();
    for (uint32_t i = 0; i < machine.transfers_count(); i++) {
      if (!has_flag(machine.transfers()[i].flags, TransferFlags::pending)) continue;
      pendings_.push_back(i);
      if (machine.pending_states()[i] == PendingState::pending) live_.push_back(i);
    }
    std::vector<Transfer> events;
    const uint64_t size = 1 + prng_.below(24);
    while (events.size() < size) {
      const uint64_t chain = prng_.percent(12) ? 2 + prng_.below(3) : 1;
      for (uint64_t k = 0; k < chain; k++) {
        Transfer t = random_transfer(machine);
        t.flags = static_cast<uint16_t>(t.flags & ~flags_of(TransferFlags::linked));
        if (k + 1 < chain) t.flags |= flags_of(TransferFlags::linked);
        events.push_back(t);
      }
    }
    if (prng_.percent(5)) events.back().flags |= flags_of(TransferFlags::linked);  // Open.
    return events;
  }

  Transfer random_transfer(const StateMachine& machine) {
    const uint64_t kind = prng_.below(100);
    if (kind < 35) return new_transfer(machine, false);
    if (kind < 65) return new_transfer(machine, true);
    if (kind < 75) return resolve(machine, true);
    if (kind < 80) return resolve(machine, false);
    if (kind < 87 && machine.transfers_count() > 0) {
      Transfer again = machine.transfers()[prng_.below(machine.transfers_count())];
      again.timestamp = 0;
      return again;  // exists, or exists_with_different_flags inside a chain
    }
    Transfer t = new_transfer(machine, prng_.percent(50));
    if (kind < 92 && !machine.failed_transfers().empty()) {
      t.id = machine.failed_transfers()[prng_.below(machine.failed_ids_count())].id;
    } else if (kind < 96) {
      t.amount = 0;  // Invalid, not remembered.
    }
    return t;
  }

  u128 fresh_transfer_id() {
    next_transfer_id_++;
    return prng_.percent(20) ? make_u128(prng_.next() | 1, next_transfer_id_) : next_transfer_id_;
  }

  const Account& random_account(const StateMachine& machine) {
    return machine.accounts()[prng_.below(machine.accounts_count())];
  }

  Transfer new_transfer(const StateMachine& machine, bool is_pending) {
    const Account& debit = random_account(machine);
    const Account* credit = &random_account(machine);
    for (int tries = 0; tries < 8 && (credit->ledger != debit.ledger || credit == &debit);
         tries++) {
      credit = &random_account(machine);
    }
    const uint64_t amount_choice = prng_.below(100);
    const u128 amount = amount_choice < 90   ? 1 + prng_.below(1000)
                        : amount_choice < 98 ? 1 + prng_.below(1'000'000)
                                             : u128_max / 3;  // Overflows soon.
    Transfer t = is_pending ? pending(fresh_transfer_id(), debit.id, credit->id, amount)
                            : transfer(fresh_transfer_id(), debit.id, credit->id, amount);
    t.ledger = debit.ledger;
    if (prng_.percent(3)) t.debit_account_id = make_u128(0xdead, prng_.next());  // Not found.
    if (prng_.percent(2)) t.credit_account_id = make_u128(0xbeef, prng_.next());
    if (prng_.percent(30)) t.user_data_64 = prng_.next();
    if (is_pending) {
      t.timeout_s = prng_.percent(30) ? 0 : static_cast<uint32_t>(1 + prng_.below(3));
      batch_pendings_.push_back(t);
    }
    return t;
  }

  // A post or void of a pending transfer (live mostly, of this batch sometimes), or of an
  // unknown id (pending_transfer_not_found).
  Transfer resolve(const StateMachine& machine, bool is_post) {
    const u128 id = fresh_transfer_id();
    const Transfer* target = nullptr;
    if (!batch_pendings_.empty() && prng_.percent(25)) {
      target = &batch_pendings_[prng_.below(batch_pendings_.size())];
    } else if (!live_.empty() && prng_.percent(60)) {
      target = &machine.transfers()[live_[prng_.below(live_.size())]];
    } else if (!pendings_.empty() && prng_.percent(90)) {
      target = &machine.transfers()[pendings_[prng_.below(pendings_.size())]];
    }
    const u128 pending_id = target != nullptr ? target->id : make_u128(0xfee, prng_.next());
    if (!is_post) return void_(id, pending_id);
    const uint64_t choice = prng_.below(100);
    const u128 amount = target == nullptr || choice < 50 ? 0
                        : choice < 90 ? 1 + static_cast<u128>(prng_.below(1000)) % target->amount
                                      : target->amount + 1;  // exceeds_pending_transfer_amount
    return post(id, pending_id, amount);
  }

  SplitMix64 prng_;
  uint64_t now_ns_ = 1'000'000'000;
  u128 next_account_id_ = 1;
  uint64_t next_transfer_id_ = 0;
  std::vector<uint32_t> live_;      // Indexes of pending transfers still pending.
  std::vector<uint32_t> pendings_;  // Indexes of every pending transfer.
  std::vector<Transfer> batch_pendings_;
};

}  // namespace kervan::testing
