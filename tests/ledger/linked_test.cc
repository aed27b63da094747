// Linked chains: all or nothing, with the failing event's own code and linked_event_failed
// for the others; chains that stay open at the end of a batch.
#include <gtest/gtest.h>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;
using AR = CreateAccountResult;

constexpr uint16_t dmnec = flags_of(AccountFlags::debits_must_not_exceed_credits);

class LinkedChains : public ::testing::Test {
 protected:
  void SetUp() override {
    // Guarantee 1 with cover 100 (funded from provider 2); movement accounts 3 and 4.
    ASSERT_EQ(ledger.create_accounts({account(1, dmnec), account(2), account(3), account(4)}),
              std::vector<AR>(4, AR::ok));
    ASSERT_EQ(ledger.create_transfer(transfer(1, 2, 1, 100)), TR::ok);
  }
  TestLedger ledger;
};

TEST_F(LinkedChains, AFailingMemberUndoesTheWholeChain) {
  const Account guarantee_before = ledger.account_of(1);
  const auto results = ledger.create_transfers({
      linked(pending(10, 1, 3, 60)), linked(pending(11, 1, 4, 30)),
      pending(12, 1, 4, 20),  // 60 + 30 + 20 > 100: the chain fails here.
      pending(13, 1, 4, 40),  // Not linked to the failed chain: applies on its own.
  });
  EXPECT_EQ(results, (std::vector<TR>{TR::linked_event_failed, TR::linked_event_failed,
                                      TR::exceeds_credits, TR::ok}));
  EXPECT_EQ(ledger.account_of(1).debits_pending, 40u);
  EXPECT_EQ(ledger.account_of(3).credits_pending, 0u);
  EXPECT_EQ(ledger.account_of(4).credits_pending, 40u);
  EXPECT_EQ(ledger.account_of(1).debits_posted, guarantee_before.debits_posted);
  EXPECT_EQ(ledger.machine().lookup_transfer(10), nullptr);
  EXPECT_EQ(ledger.machine().lookup_transfer(11), nullptr);
  // Members that failed only because of the chain can be sent again with the same ids.
  EXPECT_EQ(ledger.create_transfers({linked(pending(10, 1, 3, 30)), pending(11, 1, 4, 30)}),
            (std::vector<TR>{TR::ok, TR::ok}));
  // The member that failed transiently is remembered.
  EXPECT_EQ(ledger.create_transfer(pending(12, 1, 4, 20)), TR::id_already_failed);
}

TEST_F(LinkedChains, ASucceedingChainAppliesEveryMember) {
  const auto results = ledger.create_transfers({
      linked(pending(10, 1, 3, 50)),
      linked(pending(11, 1, 4, 25)),
      pending(12, 1, 4, 25),
  });
  EXPECT_EQ(results, std::vector<TR>(3, TR::ok));
  EXPECT_EQ(ledger.account_of(1).debits_pending, 100u);
}

TEST_F(LinkedChains, AChainLeftOpenAtTheEndOfTheBatchFails) {
  const auto results = ledger.create_transfers({
      pending(10, 1, 3, 10),
      linked(pending(11, 1, 3, 10)),
      linked(pending(12, 1, 3, 10)),
  });
  EXPECT_EQ(results,
            (std::vector<TR>{TR::ok, TR::linked_event_failed, TR::linked_event_chain_open}));
  EXPECT_EQ(ledger.account_of(1).debits_pending, 10u);
  // A single linked event at the end is an open chain too.
  EXPECT_EQ(ledger.create_transfers({linked(transfer(13, 1, 3, 1))}),
            std::vector<TR>{TR::linked_event_chain_open});
}

// Regression: the last event of a batch, still flagged linked, got linked_event_failed when an
// earlier member had already broken the chain. It must say the chain was left open.
TEST_F(LinkedChains, ChainOpenAtTheEndIsReportedEvenAfterTheChainBroke) {
  const auto results = ledger.create_transfers({
      linked(transfer(10, 3, 3, 1)),  // accounts_must_be_different: breaks the chain.
      linked(transfer(11, 3, 4, 1)),
      linked(transfer(12, 3, 4, 1)),
  });
  EXPECT_EQ(results, (std::vector<TR>{TR::accounts_must_be_different, TR::linked_event_failed,
                                      TR::linked_event_chain_open}));
  EXPECT_EQ(ledger.machine().transfers_count(), 1u);  // Only the funding transfer.
}

TEST_F(LinkedChains, ExistsBreaksAChainAndUndoesPostsAndVoids) {
  ASSERT_EQ(ledger.create_transfer(pending(10, 1, 3, 50, 3600)), TR::ok);
  const auto results = ledger.create_transfers({
      linked(post(20, 10, 20)), linked(transfer(21, 3, 4, 5)),
      transfer(1, 2, 1, 100),  // Exists: breaks the chain.
  });
  EXPECT_EQ(results,
            (std::vector<TR>{TR::linked_event_failed, TR::linked_event_failed, TR::exists}));
  EXPECT_EQ(ledger.machine().pending_state(10), PendingState::pending);
  EXPECT_EQ(ledger.account_of(1).debits_pending, 50u);
  EXPECT_EQ(ledger.account_of(1).debits_posted, 0u);
  EXPECT_EQ(ledger.account_of(4).credits_posted, 0u);
  // The pending can still be resolved; its expiry still applies.
  EXPECT_EQ(ledger.create_transfer(void_(22, 10)), TR::ok);
  EXPECT_EQ(ledger.account_of(1).debits_pending, 0u);
}

TEST_F(LinkedChains, APendingCreatedInARolledBackChainNeverExpires) {
  const auto results = ledger.create_transfers({
      linked(pending(10, 1, 3, 10, 1)), transfer(11, 3, 3, 1),  // accounts_must_be_different
  });
  EXPECT_EQ(results, (std::vector<TR>{TR::linked_event_failed, TR::accounts_must_be_different}));
  // Another pending takes the rolled-back one's slot; expiring the old entry would wrongly
  // release it.
  ASSERT_EQ(ledger.create_transfer(pending(12, 1, 3, 10)), TR::ok);
  ledger.now_ns += 10 * ns_per_s;
  EXPECT_EQ(ledger.machine().expire_pending_transfers(ledger.now_ns), 0u);
  EXPECT_EQ(ledger.machine().pending_state(12), PendingState::pending);
  EXPECT_EQ(ledger.account_of(1).debits_pending, 10u);
}

TEST(LinkedAccounts, AccountChainsAreAllOrNothing) {
  TestLedger ledger;
  const auto results = ledger.create_accounts({
      [] {
        Account a = account(1);
        a.flags = flags_of(AccountFlags::linked);
        return a;
      }(),
      account(2, 0, 0),  // ledger_must_not_be_zero
      account(3),
  });
  EXPECT_EQ(results,
            (std::vector<AR>{AR::linked_event_failed, AR::ledger_must_not_be_zero, AR::ok}));
  EXPECT_EQ(ledger.machine().lookup_account(1), nullptr);
  EXPECT_EQ(ledger.machine().accounts_count(), 1u);
  // The rolled-back id is free again.
  EXPECT_EQ(ledger.create_accounts({account(1)}), std::vector<AR>{AR::ok});
}

}  // namespace
}  // namespace kervan
