// StateMachine::restore: a machine rebuilt from a checkpoint's records behaves exactly as the
// one saved (same state hash, same per-account lists, same results for every further batch),
// and every kind of corrupt record is refused with its own RestoreResult.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;
using RR = RestoreResult;

LedgerConfig scenario_config(uint64_t hash_seed) {
  return LedgerConfig{
      .accounts_max = 128, .transfers_max = 16384, .failed_ids_max = 8192, .hash_seed = hash_seed};
}

std::vector<Transfer> list_of(const StateMachine& machine, AccountTransfersFilter filter) {
  std::vector<Transfer> out(machine.transfers_count() + 1);
  filter.limit = static_cast<uint32_t>(out.size());
  out.resize(machine.get_account_transfers(filter, out));
  return out;
}

// The per-account lists that restore rebuilt, walked both ways and through a window.
void expect_same_lists(const StateMachine& original, const StateMachine& restored) {
  const uint64_t middle = original.last_timestamp() / 2 + 1;
  for (const Account& a : original.accounts()) {
    SCOPED_TRACE("account " + to_string_u128(a.id));
    const AccountTransfersFilter filters[] = {
        {.account_id = a.id},
        {.account_id = a.id, .reversed = true},
        {.account_id = a.id, .timestamp_min = middle, .credits = false},
        {.account_id = a.id, .timestamp_max = middle, .debits = false, .reversed = true},
    };
    for (const AccountTransfersFilter& filter : filters) {
      const std::vector<Transfer> expected = list_of(original, filter);
      const std::vector<Transfer> got = list_of(restored, filter);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); i++) EXPECT_EQ(got[i].id, expected[i].id) << i;
    }
  }
}

// Transfers still pending, with (or without) a timeout, oldest first.
std::vector<const Transfer*> live_pendings(const StateMachine& machine, bool with_timeout) {
  std::vector<const Transfer*> live;
  for (uint32_t i = 0; i < machine.transfers_count(); i++) {
    const Transfer& t = machine.transfers()[i];
    if (machine.pending_states()[i] == PendingState::pending &&
        (t.timeout_s != 0) == with_timeout) {
      live.push_back(&t);
    }
  }
  return live;
}

struct RestoreRun {
  uint64_t seed;
  uint32_t steps_before;  // Applied to the original only, then saved and restored.
  uint32_t steps_after;   // Applied to both.
};

class RestoreRuns : public ::testing::TestWithParam<RestoreRun> {};

// Posts and voids pending transfers from before the restore, resends an old transfer and
// retries an old failed id, in one batch applied to both machines.
void apply_crafted_batch(StateMachine& original, StateMachine& restored) {
  const std::vector<const Transfer*> live = live_pendings(original, false);  // Never due.
  ASSERT_GE(live.size(), 2u) << "the scenario left too few pending transfers without timeout";
  ASSERT_FALSE(original.failed_transfers().empty());
  const Transfer* old = nullptr;
  for (const Transfer& t : original.transfers()) {
    if (!has_flag(t.flags, TransferFlags::linked)) {
      old = &t;
      break;
    }
  }
  ASSERT_NE(old, nullptr);
  Transfer duplicate = *old;
  duplicate.timestamp = 0;
  const std::vector<Transfer> events = {post(make_u128(7, 1), live[0]->id),
                                        void_(make_u128(7, 2), live[1]->id), duplicate,
                                        transfer(original.failed_transfers()[0].id, 1, 3, 1)};
  const uint64_t now_ns = original.last_timestamp();
  std::vector<TR> from_original(events.size()), from_restored(events.size());
  original.create_transfers(now_ns, events, from_original);
  restored.create_transfers(now_ns, events, from_restored);
  EXPECT_EQ(from_original, (std::vector<TR>{TR::ok, TR::ok, TR::exists, TR::id_already_failed}));
  EXPECT_EQ(from_restored, from_original);
  EXPECT_EQ(to_hex(restored.state_hash()), to_hex(original.state_hash()));
}

TEST_P(RestoreRuns, RestoredMachineBehavesExactlyAsTheOriginal) {
  const RestoreRun run = GetParam();
  StateMachine original(scenario_config(11));
  Scenario scenario(run.seed);
  for (uint32_t i = 0; i < run.steps_before; i++) {
    Scenario::apply(original, scenario.next(original));
  }
  StateMachine restored(scenario_config(99));  // Another hash seed: must not matter.
  ASSERT_EQ(restore_state(restored, save_state(original)), RR::ok);
  EXPECT_EQ(to_hex(restored.state_hash()), to_hex(original.state_hash()));
  expect_same_lists(original, restored);

  // Pending transfers from before the restore that may still expire.
  std::vector<u128> due_later;
  for (const Transfer* t : live_pendings(original, true)) due_later.push_back(t->id);
  ASSERT_FALSE(due_later.empty());

  apply_crafted_batch(original, restored);
  for (uint32_t i = 0; i < run.steps_after; i++) {
    const Scenario::Step step = scenario.next(original);
    ASSERT_EQ(Scenario::apply(restored, step), Scenario::apply(original, step)) << "step " << i;
    ASSERT_EQ(to_hex(restored.state_hash()), to_hex(original.state_hash())) << "step " << i;
  }
  const uint64_t late_ns = original.last_timestamp() + 10 * ns_per_s;
  EXPECT_EQ(restored.expire_pending_transfers(late_ns), original.expire_pending_transfers(late_ns));
  uint32_t expired = 0;
  for (const u128 id : due_later) {
    EXPECT_NE(original.pending_state(id), PendingState::pending);
    EXPECT_EQ(restored.pending_state(id), original.pending_state(id));
    if (original.pending_state(id) == PendingState::expired) expired++;
  }
  EXPECT_GT(expired, 0u);
  EXPECT_EQ(to_hex(restored.state_hash()), to_hex(original.state_hash()));
  expect_same_lists(original, restored);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RestoreRuns,
                         ::testing::Values(RestoreRun{1, 300, 100}, RestoreRun{2, 400, 60},
                                           RestoreRun{3, 80, 300}, RestoreRun{4, 250, 150}),
                         [](const ::testing::TestParamInfo<RestoreRun>& param) {
                           return "seed_" + std::to_string(param.param.seed);
                         });

// The scenario must reach what the restore has to rebuild, or the test above proves little.
TEST(Restore, ScenarioReachesEveryKindOfRecord) {
  StateMachine machine(scenario_config(11));
  Scenario scenario(1);
  uint32_t results[create_transfer_result_max + 1] = {};
  uint32_t expired_total = 0;
  for (uint32_t i = 0; i < 300; i++) {
    const Scenario::Step step = scenario.next(machine);
    const std::vector<uint32_t> numbers = Scenario::apply(machine, step);
    if (step.kind == Scenario::Kind::transfers) {
      for (const uint32_t n : numbers) results[n]++;
    }
    if (step.kind == Scenario::Kind::expire) expired_total += numbers[0];
  }
  uint32_t states[5] = {};
  for (const PendingState s : machine.pending_states()) states[static_cast<uint8_t>(s)]++;
  for (uint32_t s = 0; s < 5; s++) EXPECT_GT(states[s], 5u) << "pending state " << s;
  EXPECT_GT(expired_total, 0u);  // Swept by expire steps, not only by batches.
  EXPECT_GT(machine.failed_ids_count(), 10u);
  for (const TR r :
       {TR::ok, TR::linked_event_failed, TR::linked_event_chain_open, TR::exists,
        TR::id_already_failed, TR::debit_account_not_found, TR::pending_transfer_not_found,
        TR::exceeds_credits, TR::exceeds_debits, TR::pending_transfer_already_posted,
        TR::pending_transfer_expired, TR::amount_must_not_be_zero}) {
    EXPECT_GT(results[static_cast<uint8_t>(r)], 0u) << result_name(r);
  }
}

TEST(Restore, EmptyCheckpointGivesAFreshMachineAtItsLastTimestamp) {
  StateMachine fresh(small_config());
  StateMachine restored(small_config());
  ASSERT_EQ(restored.restore(0, {}, {}, {}, {}), RR::ok);
  EXPECT_EQ(restored.state_hash(), fresh.state_hash());
  StateMachine later(small_config());
  ASSERT_EQ(later.restore(5'000'000'000, {}, {}, {}, {}), RR::ok);
  EXPECT_EQ(later.last_timestamp(), 5'000'000'000u);
  // Timestamps go on from the restored clock, even when now_ns is behind it.
  const Account a = account(1);
  CreateAccountResult result{};
  later.create_accounts(1, {&a, 1}, {&result, 1});
  EXPECT_EQ(result, CreateAccountResult::ok);
  EXPECT_EQ(later.lookup_account(1)->timestamp, 5'000'000'001u);
}

// A small valid checkpoint: accounts 1 (debits limited), 2, 3; single-phase 10; pending 11 with
// a timeout, posted by 12; pending 13 still pending; failed transfers 14 and 15.
SavedState small_saved_state() {
  TestLedger ledger;
  KERVAN_ASSERT(ledger.create_accounts(
                    {account(1, flags_of(AccountFlags::debits_must_not_exceed_credits)), account(2),
                     account(3)}) == std::vector<CreateAccountResult>(3, CreateAccountResult::ok));
  const std::vector<TR> results = ledger.create_transfers(
      {transfer(10, 2, 1, 100), pending(11, 1, 3, 10, 5), post(12, 11, 4), pending(13, 1, 3, 5),
       transfer(14, 1, 99, 1), transfer(15, 99, 1, 1)});
  KERVAN_ASSERT(results ==
                (std::vector<TR>{TR::ok, TR::ok, TR::ok, TR::ok, TR::credit_account_not_found,
                                 TR::debit_account_not_found}));
  return save_state(ledger.machine());
}

struct RestoreCase {
  const char* name;
  std::function<void(SavedState&, LedgerConfig&)> corrupt;
  RR expected;
};

// One case per result, in precedence order; most corruptions also break a later check, so the
// table tests the order, not only the detection.
TEST(Restore, EveryCorruptionGetsItsOwnResultInPrecedenceOrder) {
  const RestoreCase cases[] = {
      {"valid", [](SavedState&, LedgerConfig&) {}, RR::ok},
      {"accounts over capacity",
       [](SavedState& s, LedgerConfig& c) { c.accounts_max = 2, s.pending_states.pop_back(); },
       RR::accounts_exceed_capacity},
      {"transfers over capacity",
       [](SavedState& s, LedgerConfig& c) { c.transfers_max = 3, s.pending_states.pop_back(); },
       RR::transfers_exceed_capacity},
      {"failed over capacity",
       [](SavedState& s, LedgerConfig& c) { c.failed_ids_max = 1, s.pending_states.pop_back(); },
       RR::failed_transfers_exceed_capacity},
      {"pending states missing",
       [](SavedState& s, LedgerConfig&) { s.pending_states.pop_back(), s.accounts[0].id = 0; },
       RR::pending_states_count_mismatch},
      {"pending states extra",
       [](SavedState& s, LedgerConfig&) { s.pending_states.push_back(PendingState::pending); },
       RR::pending_states_count_mismatch},
      {"account id 0",
       [](SavedState& s, LedgerConfig&) { s.accounts[1].id = 0, s.accounts[1].flags = 0xFF; },
       RR::account_id_invalid},
      {"account id int max", [](SavedState& s, LedgerConfig&) { s.accounts[2].id = u128_max; },
       RR::account_id_invalid},
      {"account unknown flag",
       [](SavedState& s, LedgerConfig&) { s.accounts[1].flags = 1u << 5, s.accounts[1].id = 1; },
       RR::account_flags_invalid},
      {"account both limits", [](SavedState& s, LedgerConfig&) { s.accounts[2].flags = 0b110; },
       RR::account_flags_invalid},
      {"account id twice",
       [](SavedState& s, LedgerConfig&) { s.accounts[2].id = 1, s.accounts[2].timestamp = 0; },
       RR::duplicate_account_id},
      {"account timestamp 0", [](SavedState& s, LedgerConfig&) { s.accounts[0].timestamp = 0; },
       RR::account_timestamps_not_increasing},
      {"account timestamp repeated",
       [](SavedState& s, LedgerConfig&) {
         s.accounts[2].timestamp = s.accounts[1].timestamp, s.transfers[0].id = 0;
       },
       RR::account_timestamps_not_increasing},
      {"transfer id 0",
       [](SavedState& s, LedgerConfig&) { s.transfers[1].id = 0, s.transfers[1].flags = 0xFF; },
       RR::transfer_id_invalid},
      {"transfer id int max", [](SavedState& s, LedgerConfig&) { s.transfers[3].id = u128_max; },
       RR::transfer_id_invalid},
      {"transfer unknown flag",
       [](SavedState& s, LedgerConfig&) {
         s.transfers[1].flags |= 1u << 6, s.transfers[1].id = 10;
       },
       RR::transfer_flags_invalid},
      {"transfer pending and post",
       [](SavedState& s, LedgerConfig&) {
         s.transfers[1].flags |= flags_of(TransferFlags::post_pending_transfer);
       },
       RR::transfer_flags_invalid},
      {"transfer id twice",
       [](SavedState& s, LedgerConfig&) {
         s.transfers[2].id = 10, s.transfers[2].timestamp = s.transfers[1].timestamp;
       },
       RR::duplicate_transfer_id},
      {"transfer timestamp repeated",
       [](SavedState& s, LedgerConfig&) {
         s.transfers[2].timestamp = s.transfers[1].timestamp, s.transfers[2].debit_account_id = 9;
       },
       RR::transfer_timestamps_not_increasing},
      {"transfer timestamp 0", [](SavedState& s, LedgerConfig&) { s.transfers[0].timestamp = 0; },
       RR::transfer_timestamps_not_increasing},
      {"debit account absent",
       [](SavedState& s, LedgerConfig&) {
         s.transfers[1].debit_account_id = 9, s.pending_states[1] = PendingState::not_pending;
       },
       RR::transfer_account_not_found},
      {"credit account absent",
       [](SavedState& s, LedgerConfig&) { s.transfers[2].credit_account_id = 0; },
       RR::transfer_account_not_found},
      {"same account twice",
       [](SavedState& s, LedgerConfig&) {
         s.transfers[0].credit_account_id = 2, s.pending_states[0] = PendingState::pending;
       },
       RR::transfer_accounts_not_different},
      {"pending state 5",
       [](SavedState& s, LedgerConfig&) { s.pending_states[1] = static_cast<PendingState>(5); },
       RR::pending_state_invalid},
      {"pending transfer not_pending",
       [](SavedState& s, LedgerConfig&) { s.pending_states[3] = PendingState::not_pending; },
       RR::pending_state_invalid},
      {"single-phase transfer posted",
       [](SavedState& s, LedgerConfig&) { s.pending_states[0] = PendingState::posted; },
       RR::pending_state_invalid},
      {"timeout overflows the clock",
       [](SavedState& s, LedgerConfig&) {
         constexpr uint64_t late_ns = 15'000'000'000'000'000'000u;  // A long timeout overflows.
         for (Transfer& t : s.transfers) t.timestamp += late_ns;
         for (FailedTransfer& f : s.failed) f.timestamp += late_ns;
         s.last_timestamp += late_ns;
         s.transfers[1].timeout_s = UINT32_MAX;
         s.failed[0].id = 0;
       },
       RR::transfer_timeout_overflows},
      {"failed id 0",
       [](SavedState& s, LedgerConfig&) { s.failed[0].id = 0, s.failed[0].result = TR::exists; },
       RR::failed_transfer_id_invalid},
      {"failed id is a transfer's",
       [](SavedState& s, LedgerConfig&) { s.failed[0].id = 12, s.failed[0].timestamp = 0; },
       RR::duplicate_failed_transfer_id},
      {"failed id twice", [](SavedState& s, LedgerConfig&) { s.failed[1].id = 14; },
       RR::duplicate_failed_transfer_id},
      {"failed result not transient",
       [](SavedState& s, LedgerConfig&) {
         s.failed[1].result = TR::amount_must_not_be_zero, s.failed[1].timestamp = 0;
       },
       RR::failed_transfer_result_not_transient},
      {"failed timestamp repeated",
       [](SavedState& s, LedgerConfig&) {
         s.failed[1].timestamp = s.failed[0].timestamp, s.last_timestamp = 0;
       },
       RR::failed_transfer_timestamps_not_increasing},
      {"last timestamp behind the failures",
       [](SavedState& s, LedgerConfig&) { s.last_timestamp = s.failed.back().timestamp - 1; },
       RR::last_timestamp_behind_records},
      {"last timestamp behind the accounts",
       [](SavedState& s, LedgerConfig&) {
         s.transfers.clear(), s.pending_states.clear(), s.failed.clear();
         s.last_timestamp = s.accounts.back().timestamp - 1;
       },
       RR::last_timestamp_behind_records},
  };
  for (const RestoreCase& c : cases) {
    SavedState saved = small_saved_state();
    LedgerConfig config = small_config();
    c.corrupt(saved, config);
    StateMachine machine(config);
    EXPECT_EQ(result_name(restore_state(machine, saved)), result_name(c.expected)) << c.name;
  }
}

TEST(Restore, ResultNamesAreStable) {
  EXPECT_EQ(result_name(RR::ok), "ok");
  EXPECT_EQ(result_name(RR::duplicate_account_id), "duplicate_account_id");
  EXPECT_EQ(result_name(static_cast<RR>(restore_result_max)), "last_timestamp_behind_records");
  EXPECT_EQ(result_name(static_cast<RR>(restore_result_max + 1)), "unknown");
}

TEST(RestoreDeathTest, MachineLeftByAFailedRestoreRefusesEveryBatch) {
  SavedState saved = small_saved_state();
  saved.transfers[2].credit_account_id = 9;
  StateMachine machine(small_config());
  ASSERT_EQ(restore_state(machine, saved), RR::transfer_account_not_found);
  EXPECT_DEATH(machine.expire_pending_transfers(0), "restore_failed_");
  EXPECT_DEATH((void)restore_state(machine, small_saved_state()), "restore_failed_");
}

TEST(RestoreDeathTest, RestoreRequiresAFreshMachine) {
  TestLedger ledger;
  ledger.create_accounts({account(1)});
  EXPECT_DEATH((void)restore_state(ledger.machine(), small_saved_state()), "assertion failed");
}

}  // namespace
}  // namespace kervan
