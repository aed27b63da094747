// Two-phase transfers: reserve (pending), post in full or in part, void, and expiry at the
// timeout, applied from the timestamps passed in, never from a clock.
#include <gtest/gtest.h>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;
using AR = CreateAccountResult;

constexpr uint16_t dmnec = flags_of(AccountFlags::debits_must_not_exceed_credits);

class TwoPhase : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ledger.create_accounts({account(1, dmnec), account(2), account(3)}),
              std::vector<AR>(3, AR::ok));
    ASSERT_EQ(ledger.create_transfer(transfer(1, 2, 1, 1000)), TR::ok);  // Cover 1000.
  }
  void expect_balances(u128 id, u128 debits_pending, u128 debits_posted, u128 credits_pending,
                       u128 credits_posted) {
    const Account& a = ledger.account_of(id);
    EXPECT_EQ(a.debits_pending, debits_pending) << "account " << u128_low(id);
    EXPECT_EQ(a.debits_posted, debits_posted) << "account " << u128_low(id);
    EXPECT_EQ(a.credits_pending, credits_pending) << "account " << u128_low(id);
    EXPECT_EQ(a.credits_posted, credits_posted) << "account " << u128_low(id);
  }
  TestLedger ledger;
};

TEST_F(TwoPhase, PartialPostReleasesTheRest) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 600)), TR::ok);
  expect_balances(1, 600, 0, 0, 1000);
  // The reserved cover counts against the limit: only 400 is left.
  EXPECT_EQ(ledger.create_transfer(pending(11, 1, 3, 401)), TR::exceeds_credits);
  ASSERT_EQ(ledger.create_transfer(post(12, 10, 250)), TR::ok);
  expect_balances(1, 0, 250, 0, 1000);
  expect_balances(3, 0, 0, 0, 250);
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::posted);
  const Transfer* record = ledger.machine().lookup_transfer(12);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->amount, 250u);
  EXPECT_EQ(record->debit_account_id, 1u);  // Inherited from the pending transfer.
  EXPECT_EQ(record->credit_account_id, 3u);
  EXPECT_EQ(record->ledger, eur);
  // Sending the same post again is idempotent, with or without the inherited fields.
  Transfer again = post(12, 10, 250);
  EXPECT_EQ(ledger.create_transfer(again), TR::exists);
  again.debit_account_id = 1;
  EXPECT_EQ(ledger.create_transfer(again), TR::exists);
  again.amount = 0;  // "Full" for a post: not what was stored, but not given either.
  EXPECT_EQ(ledger.create_transfer(again), TR::exists);
  again.amount = 249;
  EXPECT_EQ(ledger.create_transfer(again), TR::exists_with_different_amount);
}

TEST_F(TwoPhase, VoidReleasesEverything) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 1000)), TR::ok);
  ASSERT_EQ(ledger.create_transfer(void_(11, 10)), TR::ok);
  expect_balances(1, 0, 0, 0, 1000);
  expect_balances(3, 0, 0, 0, 0);
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::voided);
  EXPECT_EQ(ledger.create_transfer(post(12, 10)), TR::pending_transfer_already_voided);
}

TEST_F(TwoPhase, ExpiryAtTheTimeoutReleasesTheReservation) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 300, 5)), TR::ok);
  const uint64_t created = ledger.machine().lookup_transfer(10)->timestamp;
  const uint64_t expires_at = created + 5 * ns_per_s;
  // One nanosecond before the timeout, the pending is still there.
  EXPECT_EQ(ledger.machine().expire_pending_transfers(expires_at - 1), 0u);
  expect_balances(1, 300, 0, 0, 1000);
  EXPECT_EQ(ledger.machine().expire_pending_transfers(expires_at), 1u);
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::expired);
  expect_balances(1, 0, 0, 0, 1000);
  expect_balances(3, 0, 0, 0, 0);
  ledger.now_ns = expires_at;
  EXPECT_EQ(ledger.create_transfer(post(11, 10)), TR::pending_transfer_expired);
  EXPECT_EQ(ledger.create_transfer(void_(12, 10)), TR::pending_transfer_expired);
}

TEST_F(TwoPhase, ABatchExpiresWhatIsDueBeforeItsEvents) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 1000, 1)), TR::ok);
  EXPECT_EQ(ledger.create_transfer(pending(11, 1, 3, 1)), TR::exceeds_credits);
  ledger.now_ns += 2 * ns_per_s;
  // The next batch first expires 10, so its cover is free again for this reservation.
  EXPECT_EQ(ledger.create_transfer(pending(12, 1, 3, 1000)), TR::ok);
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::expired);
}

TEST_F(TwoPhase, APostJustBeforeTheTimeoutWinsAndNothingExpiresLater) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 100, 1)), TR::ok);
  const uint64_t expires_at = ledger.machine().lookup_transfer(10)->timestamp + ns_per_s;
  ledger.now_ns = expires_at - 2;  // The post gets timestamp expires_at - 1.
  ASSERT_EQ(ledger.create_transfer(post(11, 10)), TR::ok);
  EXPECT_EQ(ledger.machine().expire_pending_transfers(expires_at + ns_per_s), 0u);
  expect_balances(1, 0, 100, 0, 1000);
}

TEST_F(TwoPhase, AnUnsweptDuePendingCannotBeResolved) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 100, 1)), TR::ok);
  const uint64_t expires_at = ledger.machine().lookup_transfer(10)->timestamp + ns_per_s;
  // The batch's sweep runs at its first timestamp (expires_at - 1): 10 is not yet due. The
  // second event's timestamp is expires_at: due, though not swept until the next batch.
  ledger.now_ns = expires_at - 2;
  const auto results = ledger.create_transfers({transfer(11, 2, 1, 1), post(12, 10)});
  EXPECT_EQ(results, (std::vector<TR>{TR::ok, TR::pending_transfer_expired}));
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::pending);
  EXPECT_EQ(ledger.machine().expire_pending_transfers(0), 1u);  // Clock behind: uses the log's.
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::expired);
}

TEST_F(TwoPhase, EachPendingExpiresAtItsOwnTimeout) {
  ASSERT_EQ(ledger.create_transfers({pending(10, 1, 3, 1, 3), pending(11, 1, 3, 1, 1),
                                     pending(12, 1, 3, 1, 2), pending(13, 1, 3, 1)}),
            std::vector<TR>(4, TR::ok));
  const uint64_t start = ledger.machine().lookup_transfer(10)->timestamp;
  EXPECT_EQ(ledger.machine().expire_pending_transfers(start + 2 * ns_per_s + 2), 2u);
  EXPECT_EQ(ledger.machine().pending_state(11), PendingState::expired);
  EXPECT_EQ(ledger.machine().pending_state(12), PendingState::expired);
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::pending);
  EXPECT_EQ(ledger.machine().expire_pending_transfers(UINT64_MAX / 2), 1u);
  EXPECT_EQ(ledger.machine().pending_state(13), PendingState::pending);  // No timeout.
}

}  // namespace
}  // namespace kervan
