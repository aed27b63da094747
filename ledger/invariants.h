// The invariants of the double-entry ledger, checked over a whole StateMachine from its
// records alone: what `verify` runs, and what recovery runs after StateMachine::restore on
// records it cannot vouch for (restore checks only the structure its indexes need).
// Not on the hot path: it allocates, and takes time linear in the records.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/state_machine.h"

namespace kervan {

// Which invariant is broken, checked in this order (structure, then two-phase resolution, then
// money), so that the first violation reported is the most basic one:
//   timestamps_not_increasing       an account, transfer or failed transfer has timestamp 0 or
//                                   one not above the previous record's of its kind
//   timestamp_after_last_timestamp  a record's timestamp is after last_timestamp()
//   timestamps_not_distinct         two records of different kinds share a timestamp (each
//                                   event consumes its own)
//   id_index_inconsistent           looking an account or transfer up by its id does not find
//                                   that record
//   failed_transfer_invalid         a failed transfer's id is a transfer's, or its result is
//                                   not transient
//   transfer_account_not_found      a transfer's debit or credit account does not exist
//   transfer_ledger_mismatch        a transfer's ledger differs from one of its accounts'
//   transfer_malformed              fields create_transfers never stores: unknown flags or two
//                                   of pending / post / void, equal accounts, amount or code 0,
//                                   a timeout on a non-pending transfer, pending_id given on a
//                                   transfer that resolves nothing or missing on one that does
//   pending_state_invalid           a pending state above `expired`, or not matching the
//                                   transfer's pending flag
//   resolve_target_invalid          a post or void names no earlier pending transfer
//   resolve_mismatch                a post or void differs from its pending transfer: accounts,
//                                   ledger, code, or amount (post: above it; void: not equal)
//   resolved_after_expiry           a post or void timestamped at or after the pending
//                                   transfer's expiry
//   pending_resolved_twice          two posts or voids name the same pending transfer
//   pending_state_inconsistent      a pending transfer's state does not follow from the records:
//                                   posted (voided) iff a post (void) names it, expired only
//                                   with a timeout due by last_timestamp() and no post or void
//   ledger_unbalanced               in a ledger (currency), the sum of debits_pending differs
//                                   from the sum of credits_pending, or the same for posted
//                                   (exact sums, never modulo 2^128)
//   debits_exceed_credits           debits_must_not_exceed_credits and
//                                   debits_pending + debits_posted > credits_posted
//   credits_exceed_debits           the mirror
//   balance_overflow                an account's transfers add up beyond 2^128 - 1
//   balance_mismatch                an account's balance differs from what its transfers imply:
//                                   single-phase and posts posted, pending transfers pending
//                                   while `pending`, voids nothing
// DO NOT CHANGE the numbers: printed by verify. Append only.
#define KERVAN_INVARIANTS(X)           \
  X(none, 0)                           \
  X(timestamps_not_increasing, 1)      \
  X(timestamp_after_last_timestamp, 2) \
  X(timestamps_not_distinct, 3)        \
  X(id_index_inconsistent, 4)          \
  X(failed_transfer_invalid, 5)        \
  X(transfer_account_not_found, 6)     \
  X(transfer_ledger_mismatch, 7)       \
  X(transfer_malformed, 8)             \
  X(pending_state_invalid, 9)          \
  X(resolve_target_invalid, 10)        \
  X(resolve_mismatch, 11)              \
  X(resolved_after_expiry, 12)         \
  X(pending_resolved_twice, 13)        \
  X(pending_state_inconsistent, 14)    \
  X(ledger_unbalanced, 15)             \
  X(debits_exceed_credits, 16)         \
  X(credits_exceed_debits, 17)         \
  X(balance_overflow, 18)              \
  X(balance_mismatch, 19)

#define KERVAN_ENUM_VALUE(name, number) name = number,
enum class Invariant : uint8_t { KERVAN_INVARIANTS(KERVAN_ENUM_VALUE) };
#undef KERVAN_ENUM_VALUE

// The snake_case name, e.g. "ledger_unbalanced"; "unknown" for a number not listed.
std::string_view invariant_name(Invariant invariant);

struct InvariantReport {
  Invariant broken = Invariant::none;
  // The first violation in human terms, naming the record (decimal id) or the ledger, e.g.
  // "account 7: debits_posted is 15 but its transfers imply 10". Empty when ok().
  std::string violation;

  [[nodiscard]] bool ok() const { return broken == Invariant::none; }
};

// Checks every invariant above over the whole state; reports the first one broken. Linear in
// the records.
[[nodiscard]] InvariantReport check_invariants(const StateMachine& machine);

// The money invariants that the accounts alone show, in the same order and with the same
// reports as check_invariants: ledger_unbalanced, debits_exceed_credits, credits_exceed_debits.
// Linear in the accounts only: what a simulation run checks at its end (with its own
// accounting) when it is not told to check everything. It does not see a balance that differs
// from its transfers while the ledger's totals still agree (balance_mismatch).
[[nodiscard]] InvariantReport check_totals(const StateMachine& machine);

}  // namespace kervan
