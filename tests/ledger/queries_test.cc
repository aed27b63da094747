// Lookups and an account's transfers in time order, with limits, ranges and direction.
#include <gtest/gtest.h>

#include <vector>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;

class Queries : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(ledger.create_accounts({account(1), account(2), account(3)}),
              std::vector<CreateAccountResult>(3, CreateAccountResult::ok));
    // Transfers 10..15 alternate 1->2, 2->1 and 3->2; account 1 appears in 10, 11, 13, 14.
    ASSERT_EQ(ledger.create_transfers({transfer(10, 1, 2, 1), transfer(11, 2, 1, 2),
                                       transfer(12, 3, 2, 3), transfer(13, 1, 2, 4),
                                       transfer(14, 2, 1, 5), transfer(15, 3, 2, 6)}),
              std::vector<TR>(6, TR::ok));
  }

  std::vector<uint64_t> ids_of(const AccountTransfersFilter& filter) {
    std::vector<Transfer> out(16);
    const uint32_t count = ledger.machine().get_account_transfers(filter, out);
    std::vector<uint64_t> ids;
    for (uint32_t i = 0; i < count; ++i) ids.push_back(u128_low(out[i].id));
    return ids;
  }

  TestLedger ledger;
};

TEST_F(Queries, LookupFindsRecordsWithTheirAssignedTimestamps) {
  const Transfer* t = ledger.machine().lookup_transfer(12);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->amount, 3u);
  EXPECT_EQ(t->timestamp, ledger.machine().lookup_transfer(11)->timestamp + 1);
  EXPECT_EQ(ledger.machine().lookup_transfer(99), nullptr);
  EXPECT_EQ(ledger.machine().lookup_transfer(0), nullptr);
  EXPECT_EQ(ledger.machine().lookup_account(0), nullptr);
  EXPECT_EQ(ledger.account_of(2).credits_posted, 1u + 3 + 4 + 6);
}

TEST_F(Queries, AccountTransfersInEitherDirectionWithLimitAndSides) {
  const AccountTransfersFilter all{.account_id = 1, .limit = 10};
  EXPECT_EQ(ids_of(all), (std::vector<uint64_t>{10, 11, 13, 14}));
  AccountTransfersFilter f = all;
  f.reversed = true;
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{14, 13, 11, 10}));
  f.limit = 2;
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{14, 13}));
  f = all;
  f.credits = false;
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{10, 13}));
  f = all;
  f.debits = false;
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{11, 14}));
  f = AccountTransfersFilter{.account_id = 2, .limit = 10};
  EXPECT_EQ(ids_of(f).size(), 6u);
  f.account_id = 42;
  EXPECT_TRUE(ids_of(f).empty());
}

TEST_F(Queries, AccountTransfersWithinATimestampRange) {
  const uint64_t t11 = ledger.machine().lookup_transfer(11)->timestamp;
  const uint64_t t13 = ledger.machine().lookup_transfer(13)->timestamp;
  AccountTransfersFilter f{
      .account_id = 1, .timestamp_min = t11, .timestamp_max = t13, .limit = 10};
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{11, 13}));
  f.reversed = true;
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{13, 11}));
  const uint64_t t15 = ledger.machine().lookup_transfer(15)->timestamp;
  f.timestamp_min = t15;
  f.timestamp_max = t15;  // Only transfer 15, which is not account 1's.
  EXPECT_TRUE(ids_of(f).empty());
}

TEST_F(Queries, RolledBackTransfersLeaveTheListsIntact) {
  EXPECT_EQ(ledger.create_transfers({linked(transfer(20, 1, 3, 1)), transfer(21, 1, 1, 1)}),
            (std::vector<TR>{TR::linked_event_failed, TR::accounts_must_be_different}));
  ASSERT_EQ(ledger.create_transfer(transfer(22, 3, 1, 1)), TR::ok);
  const AccountTransfersFilter f{.account_id = 1, .limit = 10, .reversed = true};
  EXPECT_EQ(ids_of(f), (std::vector<uint64_t>{22, 14, 13, 11, 10}));
  const AccountTransfersFilter g{.account_id = 3, .limit = 10};
  EXPECT_EQ(ids_of(g), (std::vector<uint64_t>{12, 15, 22}));
}

}  // namespace
}  // namespace kervan
