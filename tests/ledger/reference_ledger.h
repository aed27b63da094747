// A reference ledger for model-based tests: written straight from docs/result_codes.md with
// plain std::map containers and whole-state copies for linked chains, so that it is obviously
// correct rather than fast. The tests feed it and the real StateMachine the same batches and
// require the same result for every event and the same state after every batch.
//
// Deliberately independent of ledger/state_machine.cc: it shares only the public vocabulary
// (types.h, results.h, LedgerConfig), so a misreading of the spec in either one shows up as a
// mismatch instead of being copied.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/int128.h"
#include "ledger/results.h"
#include "ledger/state_machine.h"
#include "ledger/types.h"

namespace kervan::testing {

class ReferenceLedger {
 public:
  // Uses the capacities of `config` (accounts_max, transfers_max, failed_ids_max) so that the
  // *_capacity_reached results match; hash_seed is irrelevant here.
  explicit ReferenceLedger(const LedgerConfig& config);

  // Same contract as StateMachine::create_accounts / create_transfers: expiry first, then
  // event i at max(now_ns, last_timestamp()) + i + 1, one result per event.
  std::vector<CreateAccountResult> create_accounts(uint64_t now_ns,
                                                   std::span<const Account> events);
  std::vector<CreateTransferResult> create_transfers(uint64_t now_ns,
                                                     std::span<const Transfer> events);
  // Expires every pending transfer due by max(now_ns, last_timestamp()), which becomes the
  // new last_timestamp() (as in the real ledger); returns the count.
  uint32_t expire_pending_transfers(uint64_t now_ns);

  // nullptr when absent; valid until the next mutating call.
  [[nodiscard]] const Account* lookup_account(u128 id) const;
  [[nodiscard]] const Transfer* lookup_transfer(u128 id) const;
  // not_pending for an unknown id or a transfer that is not two-phase.
  [[nodiscard]] PendingState pending_state(u128 transfer_id) const;
  [[nodiscard]] bool id_failed(u128 transfer_id) const {
    return failed_ids_.count(transfer_id) != 0;
  }

  [[nodiscard]] uint64_t last_timestamp() const { return last_timestamp_; }
  [[nodiscard]] const std::map<u128, Account>& accounts() const { return state_.accounts; }
  [[nodiscard]] const std::map<u128, Transfer>& transfers() const { return state_.transfers; }
  [[nodiscard]] size_t failed_ids_count() const { return failed_ids_.size(); }

 private:
  // Everything a linked chain may change, copied whole before a chain and restored on failure.
  // Remembered failures live outside it: they survive the rollback of their chain.
  struct State {
    std::map<u128, Account> accounts;
    std::map<u128, Transfer> transfers;
    std::map<u128, PendingState> pending_states;  // Only for transfers flagged pending.
    std::map<u128, uint64_t> expires_at_ns;       // Only for pending transfers with a timeout.
  };

  template <typename Event, typename Result, typename Apply>
  std::vector<Result> apply_batch(uint64_t now_ns, std::span<const Event> events, Apply apply);
  void expire_due(uint64_t timestamp);

  CreateAccountResult create_account(uint64_t timestamp, const Account& event);
  CreateTransferResult create_transfer(uint64_t timestamp, const Transfer& event);
  CreateTransferResult compare_existing(const Transfer& event, const Transfer& stored) const;
  CreateTransferResult create_new_transfer(uint64_t timestamp, const Transfer& event);
  CreateTransferResult resolve_pending_transfer(uint64_t timestamp, const Transfer& event);

  LedgerConfig config_;
  uint64_t last_timestamp_ = 0;
  State state_;
  std::set<u128> failed_ids_;
};

// One line with every field, for failure messages.
std::string describe(const Account& account);
std::string describe(const Transfer& transfer);

// Empty when `real` holds exactly the reference's state: the same last timestamp, counts,
// account and transfer records (all fields, timestamps included) and pending states;
// otherwise a description of the first difference.
std::string diff_state(const StateMachine& real, const ReferenceLedger& reference);

// The same, cheaply: last timestamp and counts only; or one record (absent from both is equal).
std::string diff_totals(const StateMachine& real, const ReferenceLedger& reference);
std::string diff_account(const StateMachine& real, const ReferenceLedger& reference, u128 id);
std::string diff_transfer(const StateMachine& real, const ReferenceLedger& reference, u128 id);

// Empty when the invariants of a double-entry ledger hold on `real`, recomputed from its
// records alone; otherwise the first violation:
// - per ledger, sum of debits_pending == sum of credits_pending, and the same for posted
//   (modulo 2^128: per-account balances fit, sums across accounts need not);
// - no account breaks its debits_must_not_exceed_credits / credits_must_not_exceed_debits;
// - each account's pending balances are the sum of its transfers still pending, its posted
//   balances the sum of its single-phase transfers and posts;
// - a pending transfer is resolved at most once, consistently with its state; other
//   transfers are not_pending;
// - record timestamps are distinct and not after last_timestamp().
std::string check_invariants(const StateMachine& real);

}  // namespace kervan::testing
