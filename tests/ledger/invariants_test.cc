// check_invariants: ledgers built by the state machine pass; corrupt states, built through
// restore (which checks structure only), are caught with the invariant and the record named.
#include "ledger/invariants.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;

::testing::AssertionResult holds(const StateMachine& machine) {
  const InvariantReport report = check_invariants(machine);
  if (report.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << invariant_name(report.broken) << ": " << report.violation;
}

TEST(Invariants, HoldOnAFreshLedger) {
  StateMachine machine(small_config());
  EXPECT_TRUE(holds(machine));
}

TEST(Invariants, HoldThroughoutScenariosAndAfterRestore) {
  const LedgerConfig config{
      .accounts_max = 128, .transfers_max = 16384, .failed_ids_max = 8192, .hash_seed = 3};
  for (const uint64_t seed : {5u, 6u, 7u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    StateMachine machine(config);
    Scenario scenario(seed);
    for (uint32_t i = 0; i < 400; i++) {
      Scenario::apply(machine, scenario.next(machine));
      if (i % 50 == 49) {
        ASSERT_TRUE(holds(machine)) << "step " << i;
      }
    }
    StateMachine restored(config);
    ASSERT_EQ(restore_state(restored, save_state(machine)), RestoreResult::ok);
    EXPECT_TRUE(holds(restored));
  }
}

// Each account's balance fits in 128 bits, a ledger's total need not: the sums are exact.
TEST(Invariants, LedgerTotalsPast2To128AreExact) {
  TestLedger ledger;
  ASSERT_EQ(ledger.create_accounts({account(1), account(2), account(3), account(4)}),
            std::vector<CreateAccountResult>(4, CreateAccountResult::ok));
  ASSERT_EQ(ledger.create_transfers(
                {transfer(1, 1, 2, u128_max), transfer(2, 3, 4, u128_max), pending(3, 1, 2, 1)}),
            (std::vector<TR>{TR::ok, TR::ok, TR::overflows_debits_posted}));
  EXPECT_TRUE(holds(ledger.machine()));

  // Debits total exactly 2^128 and credits 0: equal modulo 2^128, not equal.
  SavedState saved = save_state(ledger.machine());
  saved.transfers.clear(), saved.pending_states.clear(), saved.failed.clear();
  for (Account& a : saved.accounts) a.debits_posted = a.credits_posted = 0;
  saved.accounts[0].debits_posted = u128_max;
  saved.accounts[2].debits_posted = 1;
  StateMachine corrupt(small_config());
  ASSERT_EQ(restore_state(corrupt, saved), RestoreResult::ok);
  const InvariantReport report = check_invariants(corrupt);
  EXPECT_EQ(report.broken, Invariant::ledger_unbalanced);
  EXPECT_EQ(report.violation,
            "ledger 978: debits_posted total 0 + 1 x 2^128 != credits_posted "
            "total 0");
}

// Accounts 1 (debits limited, funded 100 by transfer 10), 2, 3, 4 (credits limited), 5 (USD).
// Pending 11 (timeout 5 s) posted 20 by 12 three seconds later; pending 13 voided by 14;
// pending 15 (timeout 1 s) expired; pending 16 still pending; 17 from 4 to 2; 18 failed.
// Transfers in array order: 10 11 13 14 15 16 17 12.
SavedState valid_state() {
  TestLedger ledger;
  const uint16_t debits_limited = flags_of(AccountFlags::debits_must_not_exceed_credits);
  const uint16_t credits_limited = flags_of(AccountFlags::credits_must_not_exceed_debits);
  KERVAN_ASSERT(ledger.create_accounts({account(1, debits_limited), account(2), account(3),
                                        account(4, credits_limited), account(5, 0, usd)}) ==
                std::vector<CreateAccountResult>(5, CreateAccountResult::ok));
  KERVAN_ASSERT(ledger.create_transfers({transfer(10, 2, 1, 100), pending(11, 1, 3, 30, 5),
                                         pending(13, 1, 3, 10), void_(14, 13),
                                         pending(15, 2, 3, 7, 1), pending(16, 2, 3, 9),
                                         transfer(17, 4, 2, 50), transfer(18, 1, 99, 1)}) ==
                (std::vector<TR>{TR::ok, TR::ok, TR::ok, TR::ok, TR::ok, TR::ok, TR::ok,
                                 TR::credit_account_not_found}));
  ledger.now_ns += 3 * ns_per_s;
  KERVAN_ASSERT(ledger.create_transfer(post(12, 11, 20)) == TR::ok);
  KERVAN_ASSERT(ledger.machine().pending_state(15) == PendingState::expired);
  KERVAN_ASSERT(check_invariants(ledger.machine()).ok());
  return save_state(ledger.machine());
}

Account& account_in(SavedState& s, u128 id) {
  for (Account& a : s.accounts) {
    if (a.id == id) return a;
  }
  KERVAN_UNREACHABLE();
}

size_t index_in(const SavedState& s, u128 id) {
  for (size_t i = 0; i < s.transfers.size(); i++) {
    if (s.transfers[i].id == id) return i;
  }
  KERVAN_UNREACHABLE();
}

Transfer& transfer_in(SavedState& s, u128 id) {
  return s.transfers[index_in(s, id)];
}

PendingState& state_in(SavedState& s, u128 id) {
  return s.pending_states[index_in(s, id)];
}

// Appends a record as the ledger's newest event (balances untouched).
void append(SavedState& s, Transfer t) {
  t.timestamp = ++s.last_timestamp;
  s.transfers.push_back(t);
  s.pending_states.push_back(has_flag(t.flags, TransferFlags::pending) ? PendingState::pending
                                                                       : PendingState::not_pending);
}

// Appends a single-phase transfer with the balances it implies.
void append_posted(SavedState& s, u128 id, u128 debit, u128 credit, u128 amount) {
  append(s, transfer(id, debit, credit, amount));
  account_in(s, debit).debits_posted += amount;
  account_in(s, credit).credits_posted += amount;
}

// A post of pending 11 with the fields it inherits.
Transfer post_of_11(u128 id, u128 amount) {
  Transfer t = post(id, 11, amount);
  t.debit_account_id = 1, t.credit_account_id = 3, t.ledger = eur, t.code = 1;
  return t;
}

struct CorruptionCase {
  const char* name;
  std::function<void(SavedState&)> corrupt;
  Invariant expected;
  const char* named;  // Part of the violation text: the record, and what is wrong with it.
};

TEST(Invariants, EveryCorruptionIsNamed) {
  const CorruptionCase cases[] = {
      {"shared timestamp",
       [](SavedState& s) { account_in(s, 5).timestamp = transfer_in(s, 10).timestamp; },
       Invariant::timestamps_not_distinct, "account 5 and transfer 10 share timestamp"},
      {"failure shares a timestamp",
       [](SavedState& s) { s.failed[0].timestamp = transfer_in(s, 17).timestamp; },
       Invariant::timestamps_not_distinct, "transfer 17 and failed transfer 18 share"},
      {"transfer in another ledger", [](SavedState& s) { transfer_in(s, 10).ledger = usd; },
       Invariant::transfer_ledger_mismatch, "transfer 10: ledger 840"},
      {"account in another ledger", [](SavedState& s) { transfer_in(s, 17).debit_account_id = 5; },
       Invariant::transfer_ledger_mismatch, "transfer 17: ledger 978, its accounts' 840 and 978"},
      {"amount 0", [](SavedState& s) { transfer_in(s, 10).amount = 0; },
       Invariant::transfer_malformed, "transfer 10: amount 0"},
      {"code 0", [](SavedState& s) { transfer_in(s, 16).code = 0; }, Invariant::transfer_malformed,
       "transfer 16: code 0"},
      {"timeout on single-phase", [](SavedState& s) { transfer_in(s, 17).timeout_s = 7; },
       Invariant::transfer_malformed, "transfer 17: a timeout"},
      {"pending_id on single-phase", [](SavedState& s) { transfer_in(s, 17).pending_id = 11; },
       Invariant::transfer_malformed, "transfer 17: pending_id"},
      {"void without pending_id", [](SavedState& s) { transfer_in(s, 14).pending_id = 0; },
       Invariant::transfer_malformed, "transfer 14: a post or void without pending_id"},
      {"post of a single-phase transfer", [](SavedState& s) { transfer_in(s, 12).pending_id = 10; },
       Invariant::resolve_target_invalid, "transfer 12: pending_id 10 names no earlier pending"},
      {"post of an unknown id", [](SavedState& s) { transfer_in(s, 12).pending_id = 999; },
       Invariant::resolve_target_invalid, "transfer 12: pending_id 999"},
      {"void of a later pending", [](SavedState& s) { transfer_in(s, 14).pending_id = 16; },
       Invariant::resolve_target_invalid, "transfer 14: pending_id 16"},
      {"post of more than reserved", [](SavedState& s) { transfer_in(s, 12).amount = 31; },
       Invariant::resolve_mismatch, "transfer 12: amount 31 against pending transfer 11's 30"},
      {"void of less than reserved", [](SavedState& s) { transfer_in(s, 14).amount = 9; },
       Invariant::resolve_mismatch, "transfer 14: amount 9 against pending transfer 13's 10"},
      {"post to another account", [](SavedState& s) { transfer_in(s, 12).credit_account_id = 2; },
       Invariant::resolve_mismatch, "transfer 12: accounts, ledger or code differ"},
      {"post after the expiry", [](SavedState& s) { transfer_in(s, 11).timeout_s = 2; },
       Invariant::resolved_after_expiry, "transfer 12: timestamp"},
      {"pending posted twice", [](SavedState& s) { append(s, post_of_11(19, 5)); },
       Invariant::pending_resolved_twice, "pending transfer 11: resolved by 12 and by 19"},
      {"posted without a post", [](SavedState& s) { state_in(s, 16) = PendingState::posted; },
       Invariant::pending_state_inconsistent,
       "pending transfer 16: state posted but no post or void names it"},
      {"pending though posted", [](SavedState& s) { state_in(s, 11) = PendingState::pending; },
       Invariant::pending_state_inconsistent, "pending transfer 11: state pending but post 12"},
      {"voided though posted", [](SavedState& s) { state_in(s, 11) = PendingState::voided; },
       Invariant::pending_state_inconsistent, "pending transfer 11: state voided but post 12"},
      {"expired without timeout", [](SavedState& s) { state_in(s, 16) = PendingState::expired; },
       Invariant::pending_state_inconsistent, "pending transfer 16: state expired without"},
      {"expired before due", [](SavedState& s) { transfer_in(s, 15).timeout_s = 1000; },
       Invariant::pending_state_inconsistent, "pending transfer 15: state expired before"},
      {"one balance off", [](SavedState& s) { account_in(s, 3).credits_posted += 1; },
       Invariant::ledger_unbalanced, "ledger 978: debits_posted total 170 != credits_posted"},
      {"pending balance off", [](SavedState& s) { account_in(s, 2).debits_pending += 1; },
       Invariant::ledger_unbalanced, "ledger 978: debits_pending total 10 != credits_pending"},
      {"cover exceeded", [](SavedState& s) { append_posted(s, 19, 1, 3, 1000); },
       Invariant::debits_exceed_credits, "account 1: debits_pending 0 + debits_posted 1020"},
      {"credit limit exceeded", [](SavedState& s) { append_posted(s, 19, 3, 4, 1000); },
       Invariant::credits_exceed_debits, "account 4: credits_pending 0 + credits_posted 1000"},
      {"transfer without its balances", [](SavedState& s) { append(s, transfer(19, 2, 3, 1)); },
       Invariant::balance_mismatch, "account 2: debits_posted is 100 but its transfers imply 101"},
      {"transfers past 2^128", [](SavedState& s) { append(s, transfer(19, 2, 3, u128_max)); },
       Invariant::balance_overflow,
       "account 2: its transfers' debits_posted pass 2^128 - 1 at transfer 19"},
      {"balanced corruption",
       [](SavedState& s) {
         account_in(s, 2).credits_pending += 5;
         account_in(s, 3).debits_pending += 5;
       },
       Invariant::balance_mismatch, "account 2: credits_pending is 5 but its transfers imply 0"},
      {"pending not reserved",
       [](SavedState& s) {
         account_in(s, 2).debits_pending -= 9;
         account_in(s, 3).credits_pending -= 9;
       },
       Invariant::balance_mismatch, "account 2: debits_pending is 0 but its transfers imply 9"},
  };
  for (const CorruptionCase& c : cases) {
    SCOPED_TRACE(c.name);
    SavedState saved = valid_state();
    c.corrupt(saved);
    StateMachine machine(small_config());
    ASSERT_EQ(result_name(restore_state(machine, saved)), "ok");
    const InvariantReport report = check_invariants(machine);
    EXPECT_EQ(invariant_name(report.broken), invariant_name(c.expected));
    EXPECT_NE(report.violation.find(c.named), std::string::npos) << report.violation;
    // The totals see the same report where the accounts alone show it, and nothing otherwise
    // (none of these corruptions also unbalances the totals).
    const bool in_totals = c.expected == Invariant::ledger_unbalanced ||
                           c.expected == Invariant::debits_exceed_credits ||
                           c.expected == Invariant::credits_exceed_debits;
    const InvariantReport totals = check_totals(machine);
    EXPECT_EQ(invariant_name(totals.broken),
              invariant_name(in_totals ? c.expected : Invariant::none));
    EXPECT_EQ(totals.violation, in_totals ? report.violation : "");
  }
}

TEST(Invariants, TotalsHoldWhereEverythingHolds) {
  StateMachine machine(small_config());
  ASSERT_EQ(result_name(restore_state(machine, valid_state())), "ok");
  EXPECT_TRUE(check_totals(machine).ok());
  EXPECT_TRUE(check_totals(StateMachine(small_config())).ok());
}

TEST(Invariants, NamesAreStable) {
  EXPECT_EQ(invariant_name(Invariant::none), "none");
  EXPECT_EQ(invariant_name(Invariant::balance_mismatch), "balance_mismatch");
  EXPECT_EQ(invariant_name(static_cast<Invariant>(200)), "unknown");
}

}  // namespace
}  // namespace kervan
