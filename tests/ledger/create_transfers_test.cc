// create_transfers: one case per result code, in precedence order. Each failing event also
// breaks a check further down the list, so the table tests precedence, not just detection.
#include <gtest/gtest.h>

#include <functional>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;

constexpr uint16_t dmnec = flags_of(AccountFlags::debits_must_not_exceed_credits);
constexpr uint16_t cmned = flags_of(AccountFlags::credits_must_not_exceed_debits);
constexpr uint16_t pending_flag = flags_of(TransferFlags::pending);
constexpr uint16_t post_flag = flags_of(TransferFlags::post_pending_transfer);
constexpr uint16_t void_flag = flags_of(TransferFlags::void_pending_transfer);

struct TransferCase {
  const char* name;
  Transfer event;
  TR expected;
};

Transfer with(Transfer t, const std::function<void(Transfer&)>& change) {
  change(t);
  return t;
}

// Accounts: 1 funded source (limit: debits <= credits), 2 sink (limit: credits <= debits),
// 3 plain, 4 plain in USD, 5 and 7 plain with balances near 2^128, 6 plain.
class CreateTransfers : public ::testing::Test {
 protected:
  void SetUp() override {
    Account dollars = account(4, 0, usd);
    ASSERT_EQ(ledger.create_accounts({account(1, dmnec), account(2, cmned), account(3), dollars,
                                      account(5), account(6), account(7)}),
              std::vector<CreateAccountResult>(7, CreateAccountResult::ok));
    // Fund account 1 with 100 (credit from 3), give 2 debits of 50 (to 3).
    ASSERT_EQ(ledger.create_transfer(transfer(900, 3, 1, 100)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(transfer(901, 2, 3, 50)), TR::ok);
    // Push the posted balances of accounts 5 and 7 near the 128-bit limit.
    ASSERT_EQ(ledger.create_transfer(transfer(902, 5, 7, u128_max - 10)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(transfer(903, 7, 5, u128_max - 10)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(pending(904, 3, 6, 10, 60)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(post(905, 904, 4)), TR::ok);  // 904 posted: 4 of 10.
    ASSERT_EQ(ledger.create_transfer(pending(906, 3, 6, 10)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(void_(907, 906)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(pending(908, 3, 6, 10, 1)), TR::ok);
    ASSERT_EQ(ledger.create_transfer(pending(909, 3, 6, 10)), TR::ok);
    // A transient failure burns id 910.
    ASSERT_EQ(ledger.create_transfer(transfer(910, 3, 99, 1)), TR::credit_account_not_found);
  }

  TestLedger ledger;
};

TEST_F(CreateTransfers, EveryResultOfNewTransfersInPrecedenceOrder) {
  const Transfer ok_event = transfer(1, 3, 6, 1);
  const Transfer stored = *ledger.machine().lookup_transfer(900);
  Transfer existing = transfer(900, 3, 1, 100);
  const TransferCase cases[] = {
      {"timestamp", with(ok_event, [](Transfer& t) { t.timestamp = 1, t.flags = 1u << 4; }),
       TR::timestamp_must_be_zero},
      {"reserved flag", with(ok_event, [](Transfer& t) { t.flags = 1u << 4, t.id = 0; }),
       TR::reserved_flag},
      {"zero id", with(ok_event, [](Transfer& t) { t.id = 0, t.debit_account_id = 0; }),
       TR::id_must_not_be_zero},
      {"int max id", with(ok_event, [](Transfer& t) { t.id = u128_max, t.ledger = 0; }),
       TR::id_must_not_be_int_max},
      {"different flags", with(existing, [](Transfer& t) { t.flags = pending_flag, t.code = 9; }),
       TR::exists_with_different_flags},
      {"different pending id", with(existing, [](Transfer& t) { t.pending_id = 1, t.amount = 0; }),
       TR::exists_with_different_pending_id},
      {"different timeout", with(existing, [](Transfer& t) { t.timeout_s = 1, t.amount = 0; }),
       TR::exists_with_different_timeout},
      {"different debit", with(existing, [](Transfer& t) { t.debit_account_id = 5, t.code = 2; }),
       TR::exists_with_different_debit_account_id},
      {"different credit", with(existing, [](Transfer& t) { t.credit_account_id = 5; }),
       TR::exists_with_different_credit_account_id},
      {"different amount", with(existing, [](Transfer& t) { t.amount = 99, t.code = 2; }),
       TR::exists_with_different_amount},
      {"different user_data_128", with(existing, [](Transfer& t) { t.user_data_128 = 1; }),
       TR::exists_with_different_user_data_128},
      {"different user_data_64", with(existing, [](Transfer& t) { t.user_data_64 = 1; }),
       TR::exists_with_different_user_data_64},
      {"different user_data_32", with(existing, [](Transfer& t) { t.user_data_32 = 1; }),
       TR::exists_with_different_user_data_32},
      {"different ledger", with(existing, [](Transfer& t) { t.ledger = usd, t.code = 2; }),
       TR::exists_with_different_ledger},
      {"different code", with(existing, [](Transfer& t) { t.code = 2; }),
       TR::exists_with_different_code},
      {"exists", existing, TR::exists},
      {"already failed", with(ok_event, [](Transfer& t) { t.id = 910, t.credit_account_id = 1; }),
       TR::id_already_failed},
      {"pending and post", with(ok_event, [](Transfer& t) { t.flags = pending_flag | post_flag; }),
       TR::flags_are_mutually_exclusive},
      {"post and void", with(ok_event, [](Transfer& t) { t.flags = post_flag | void_flag; }),
       TR::flags_are_mutually_exclusive},
      {"zero debit", with(ok_event, [](Transfer& t) { t.debit_account_id = 0, t.ledger = 0; }),
       TR::debit_account_id_must_not_be_zero},
      {"int max debit", with(ok_event, [](Transfer& t) { t.debit_account_id = u128_max; }),
       TR::debit_account_id_must_not_be_int_max},
      {"zero credit", with(ok_event, [](Transfer& t) { t.credit_account_id = 0, t.code = 0; }),
       TR::credit_account_id_must_not_be_zero},
      {"int max credit", with(ok_event, [](Transfer& t) { t.credit_account_id = u128_max; }),
       TR::credit_account_id_must_not_be_int_max},
      {"same accounts", with(ok_event, [](Transfer& t) { t.credit_account_id = 3, t.amount = 0; }),
       TR::accounts_must_be_different},
      {"pending id given", with(ok_event, [](Transfer& t) { t.pending_id = 904, t.ledger = 0; }),
       TR::pending_id_must_be_zero},
      {"timeout not pending", with(ok_event, [](Transfer& t) { t.timeout_s = 1, t.code = 0; }),
       TR::timeout_reserved_for_pending_transfer},
      {"zero ledger", with(ok_event, [](Transfer& t) { t.ledger = 0, t.code = 0; }),
       TR::ledger_must_not_be_zero},
      {"zero code", with(ok_event, [](Transfer& t) { t.code = 0, t.amount = 0; }),
       TR::code_must_not_be_zero},
      {"zero amount", with(ok_event, [](Transfer& t) { t.amount = 0, t.debit_account_id = 98; }),
       TR::amount_must_not_be_zero},
      {"no debit account", with(ok_event, [](Transfer& t) { t.id = 2, t.debit_account_id = 98; }),
       TR::debit_account_not_found},
      {"no credit account", with(ok_event, [](Transfer& t) { t.id = 3, t.credit_account_id = 98; }),
       TR::credit_account_not_found},
      {"ledgers differ", with(ok_event, [](Transfer& t) { t.credit_account_id = 4; }),
       TR::accounts_must_have_the_same_ledger},
      {"transfer ledger", with(ok_event, [](Transfer& t) { t.ledger = usd; }),
       TR::transfer_must_have_the_same_ledger_as_accounts},
      {"pending checks posted too", pending(4, 5, 7, 11), TR::overflows_debits_posted},
      {"overflows credits posted", transfer(5, 3, 5, 11), TR::overflows_credits_posted},
      {"overflows debits posted", transfer(6, 5, 7, 11), TR::overflows_debits_posted},
      {"longest timeout fits", pending(7, 3, 6, 1, UINT32_MAX), TR::ok},
      {"exceeds credits", transfer(8, 1, 3, 101), TR::exceeds_credits},
      {"exceeds debits", transfer(9, 3, 2, 51), TR::exceeds_debits},
      {"within both limits", transfer(10, 1, 2, 50), TR::ok},
      {"ok", ok_event, TR::ok},
  };
  EXPECT_TRUE(stored.timestamp != 0);
  for (const TransferCase& c : cases) {
    const uint32_t transfers_before = ledger.machine().transfers_count();
    const TR result = ledger.create_transfer(c.event);
    EXPECT_EQ(result_name(result), result_name(c.expected)) << c.name;
    const uint32_t added = result == TR::ok ? 1 : 0;
    EXPECT_EQ(ledger.machine().transfers_count(), transfers_before + added) << c.name;
  }
  EXPECT_EQ(ledger.account_of(1).debits_posted, 50u);
  EXPECT_EQ(ledger.account_of(2).credits_posted, 50u);
}

TEST_F(CreateTransfers, TransientFailuresAreRememberedOthersAreNot) {
  EXPECT_EQ(ledger.create_transfer(transfer(20, 1, 3, 1000)), TR::exceeds_credits);
  ASSERT_EQ(ledger.create_transfer(transfer(21, 3, 1, 1000)), TR::ok);  // Now it would fit.
  EXPECT_EQ(ledger.create_transfer(transfer(20, 1, 3, 1000)), TR::id_already_failed);
  EXPECT_EQ(ledger.create_transfer(transfer(22, 3, 6, 0)), TR::amount_must_not_be_zero);
  EXPECT_EQ(ledger.create_transfer(transfer(22, 3, 6, 1)), TR::ok);  // Not burnt.
  EXPECT_EQ(ledger.machine().failed_ids_count(), 2u);                // 910 and 20.
}

TEST_F(CreateTransfers, OverflowsOfTheTotalsAndOfTheTimeout) {
  // Account 5: debits_posted = credits_posted = max - 10. A pending of 10 on the debit side
  // fits every single accumulator; a further 1 overflows pending + posted.
  ASSERT_EQ(ledger.create_transfer(pending(30, 5, 7, 10)), TR::ok);
  EXPECT_EQ(ledger.create_transfer(pending(31, 5, 7, 1)), TR::overflows_debits);
  ASSERT_EQ(ledger.create_transfer(pending(32, 6, 5, 10)), TR::ok);
  EXPECT_EQ(ledger.create_transfer(pending(33, 6, 5, 1)), TR::overflows_credits);
  EXPECT_EQ(ledger.create_transfer(pending(34, 7, 5, u128_max)), TR::overflows_credits_pending);
  ledger.now_ns = UINT64_MAX - 100 * ns_per_s;
  EXPECT_EQ(ledger.create_transfer(pending(35, 3, 6, 1, 101)), TR::overflows_timeout);
  EXPECT_EQ(ledger.create_transfer(pending(36, 3, 6, 1, 99)), TR::ok);
}

TEST_F(CreateTransfers, EveryResultOfPostAndVoidInPrecedenceOrder) {
  const TransferCase cases[] = {
      {"zero pending id", with(post(40, 0), [](Transfer& t) { t.timeout_s = 1; }),
       TR::pending_id_must_not_be_zero},
      {"int max pending id", with(post(40, u128_max), [](Transfer& t) { t.timeout_s = 1; }),
       TR::pending_id_must_not_be_int_max},
      {"pending id is own id", with(post(40, 40), [](Transfer& t) { t.timeout_s = 1; }),
       TR::pending_id_must_be_different},
      {"timeout", with(void_(40, 909), [](Transfer& t) { t.timeout_s = 1; }),
       TR::timeout_reserved_for_pending_transfer},
      {"not found", post(41, 12345), TR::pending_transfer_not_found},
      {"not pending", with(post(40, 900), [](Transfer& t) { t.code = 7; }),
       TR::pending_transfer_not_pending},
      {"different debit", with(post(40, 909), [](Transfer& t) { t.debit_account_id = 1; }),
       TR::pending_transfer_has_different_debit_account_id},
      {"different credit", with(post(40, 909), [](Transfer& t) { t.credit_account_id = 1; }),
       TR::pending_transfer_has_different_credit_account_id},
      {"different ledger", with(post(40, 909), [](Transfer& t) { t.ledger = usd, t.code = 3; }),
       TR::pending_transfer_has_different_ledger},
      {"different code", with(post(40, 909, 11), [](Transfer& t) { t.code = 3; }),
       TR::pending_transfer_has_different_code},
      {"exceeds pending amount", post(40, 909, 11), TR::exceeds_pending_transfer_amount},
      {"void partial", with(void_(40, 909), [](Transfer& t) { t.amount = 9; }),
       TR::pending_transfer_has_different_amount},
      {"already posted", post(40, 904), TR::pending_transfer_already_posted},
      {"already voided", void_(40, 906), TR::pending_transfer_already_voided},
      {"void in full, explicit amount",
       with(void_(42, 909), [](Transfer& t) { t.amount = 10, t.debit_account_id = 3; }), TR::ok},
      {"posted after void", post(43, 909), TR::pending_transfer_already_voided},
  };
  for (const TransferCase& c : cases) {
    const TR result = ledger.create_transfer(c.event);
    EXPECT_EQ(result_name(result), result_name(c.expected)) << c.name;
  }
  EXPECT_EQ(ledger.machine().pending_state(909), PendingState::voided);
  EXPECT_EQ(ledger.machine().lookup_transfer(40), nullptr);
  EXPECT_EQ(ledger.create_transfer(post(41, 909)), TR::id_already_failed);  // 41 was burnt.
}

TEST(CreateTransfersOverflow, ThePendingBalancesOverflowFirst) {
  TestLedger ledger;
  ASSERT_EQ(ledger.create_accounts({account(1), account(2), account(3)}),
            std::vector<CreateAccountResult>(3, CreateAccountResult::ok));
  ASSERT_EQ(ledger.create_transfer(pending(1, 1, 2, u128_max)), TR::ok);  // Exactly fits.
  EXPECT_EQ(ledger.create_transfer(pending(2, 1, 3, 1)), TR::overflows_debits_pending);
  EXPECT_EQ(ledger.create_transfer(pending(3, 3, 2, 1)), TR::overflows_credits_pending);
  EXPECT_EQ(ledger.create_transfer(transfer(4, 1, 3, 1)), TR::overflows_debits);
  ASSERT_EQ(ledger.create_transfer(post(5, 1)), TR::ok);  // All of it moves to posted.
  EXPECT_EQ(ledger.account_of(1).debits_posted, u128_max);
  EXPECT_EQ(ledger.account_of(1).debits_pending, 0u);
  EXPECT_EQ(ledger.create_transfer(transfer(6, 1, 3, 1)), TR::overflows_debits_posted);
  EXPECT_EQ(ledger.create_transfer(transfer(7, 3, 2, 1)), TR::overflows_credits_posted);
}

TEST(CreateTransfersCapacity, FullTablesAreReportedAndRetryable) {
  TestLedger ledger(
      LedgerConfig{.accounts_max = 4, .transfers_max = 2, .failed_ids_max = 1, .hash_seed = 3});
  ASSERT_EQ(ledger.create_accounts({account(1), account(2)})[1], CreateAccountResult::ok);
  EXPECT_EQ(ledger.create_transfer(transfer(1, 1, 2, 5)), TR::ok);
  EXPECT_EQ(ledger.create_transfer(transfer(2, 1, 9, 5)), TR::credit_account_not_found);
  // No room left to remember another transient failure: refused, not remembered.
  EXPECT_EQ(ledger.create_transfer(transfer(3, 1, 9, 5)), TR::transfers_capacity_reached);
  EXPECT_EQ(ledger.create_transfer(transfer(4, 1, 2, 5)), TR::ok);
  EXPECT_EQ(ledger.create_transfer(transfer(5, 1, 2, 5)), TR::transfers_capacity_reached);
  EXPECT_EQ(ledger.create_transfer(transfer(4, 1, 2, 5)), TR::exists);
  EXPECT_EQ(ledger.machine().transfers_count(), 2u);
}

}  // namespace
}  // namespace kervan
