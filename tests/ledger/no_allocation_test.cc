// The commit path allocates nothing after construction: global operator new is replaced in
// this test binary by a counting one (tests/support/counting_new.cc), and every batch kind is
// applied while counting.
#include <gtest/gtest.h>

#include "tests/ledger/builders.h"
#include "tests/support/counting_new.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;

TEST(NoAllocation, BatchesOfEveryKindAllocateNothing) {
  TestLedger ledger;
  // Build every batch before counting: the test's own vectors allocate.
  const std::vector<Account> accounts = {
      account(1, flags_of(AccountFlags::debits_must_not_exceed_credits)), account(2), account(3)};
  const std::vector<Transfer> batch_1 = {transfer(1, 2, 1, 100),       pending(2, 1, 3, 10, 1),
                                         linked(pending(3, 1, 3, 10)), pending(4, 1, 3, 1000),
                                         transfer(5, 1, 9, 1),         post(6, 2, 5)};
  const std::vector<Transfer> batch_2 = {void_(7, 3), transfer(1, 2, 1, 100), transfer(5, 1, 9, 1),
                                         pending(8, 1, 3, 5, 1)};
  std::vector<CreateAccountResult> account_results(accounts.size());
  std::vector<CreateTransferResult> results_1(batch_1.size()), results_2(batch_2.size());
  std::vector<Transfer> query_out(8);

  const uint64_t before = allocations_so_far();
  ledger.machine().create_accounts(ledger.now_ns, accounts, account_results);
  ledger.machine().create_transfers(ledger.now_ns, batch_1, results_1);
  ledger.machine().create_transfers(ledger.now_ns, batch_2, results_2);
  const uint32_t expired = ledger.machine().expire_pending_transfers(ledger.now_ns + 5 * ns_per_s);
  const uint32_t listed = ledger.machine().get_account_transfers(
      AccountTransfersFilter{.account_id = 1, .limit = 8}, query_out);
  const uint64_t after = allocations_so_far();

  EXPECT_EQ(after - before, 0u);
  // The batches did real work (chains rolled back, failures remembered, expiry swept).
  EXPECT_EQ(results_1,
            (std::vector<TR>{TR::ok, TR::ok, TR::linked_event_failed, TR::exceeds_credits,
                             TR::credit_account_not_found, TR::ok}));
  EXPECT_EQ(results_2, (std::vector<TR>{TR::pending_transfer_not_found, TR::exists,
                                        TR::id_already_failed, TR::ok}));
  EXPECT_EQ(expired, 1u);  // 8 (2 was posted before its timeout).
  EXPECT_GE(listed, 3u);
  ASSERT_NE(allocations_so_far(), 0u);  // The counter is live: gtest itself allocates.
}

}  // namespace
}  // namespace kervan
