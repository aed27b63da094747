// create_accounts: one case per result code, in precedence order, each event failing first on
// the check it names while also breaking a later one (so that precedence is tested too).
#include <gtest/gtest.h>

#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using testing::account;
using testing::TestLedger;
using AR = CreateAccountResult;

constexpr uint16_t dmnec = flags_of(AccountFlags::debits_must_not_exceed_credits);
constexpr uint16_t cmned = flags_of(AccountFlags::credits_must_not_exceed_debits);

struct AccountCase {
  const char* name;
  Account event;
  AR expected;
};

Account with(Account a, void (*change)(Account&)) {
  change(a);
  return a;
}

TEST(CreateAccounts, EveryResultInPrecedenceOrder) {
  TestLedger ledger;
  Account existing = account(100, dmnec);
  existing.user_data_128 = 5;
  existing.user_data_64 = 6;
  existing.user_data_32 = 7;
  ASSERT_EQ(ledger.create_accounts({existing}).front(), AR::ok);

  const AccountCase cases[] = {
      {"timestamp", with(account(0), [](Account& a) { a.timestamp = 1; }),
       AR::timestamp_must_be_zero},
      {"reserved field", with(account(0), [](Account& a) { a.reserved = 1; }), AR::reserved_field},
      {"reserved flag", account(0, 1u << 3), AR::reserved_flag},
      {"zero id", account(0, dmnec | cmned), AR::id_must_not_be_zero},
      {"int max id", account(u128_max, dmnec | cmned), AR::id_must_not_be_int_max},
      {"both limits", with(account(1, dmnec | cmned), [](Account& a) { a.debits_pending = 1; }),
       AR::flags_are_mutually_exclusive},
      {"debits pending", with(account(1), [](Account& a) { a.debits_pending = 1, a.ledger = 0; }),
       AR::debits_pending_must_be_zero},
      {"debits posted", with(account(1), [](Account& a) { a.debits_posted = 1; }),
       AR::debits_posted_must_be_zero},
      {"credits pending", with(account(1), [](Account& a) { a.credits_pending = 1; }),
       AR::credits_pending_must_be_zero},
      {"credits posted", with(account(1), [](Account& a) { a.credits_posted = 1; }),
       AR::credits_posted_must_be_zero},
      {"zero ledger", account(1, 0, 0, 0), AR::ledger_must_not_be_zero},
      {"zero code", account(1, 0, testing::eur, 0), AR::code_must_not_be_zero},
      {"different flags", with(existing, [](Account& a) { a.flags = 0, a.code = 9; }),
       AR::exists_with_different_flags},
      {"different user_data_128", with(existing, [](Account& a) { a.user_data_128 = 0; }),
       AR::exists_with_different_user_data_128},
      {"different user_data_64", with(existing, [](Account& a) { a.user_data_64 = 0; }),
       AR::exists_with_different_user_data_64},
      {"different user_data_32", with(existing, [](Account& a) { a.user_data_32 = 0; }),
       AR::exists_with_different_user_data_32},
      {"different ledger", with(existing, [](Account& a) { a.ledger = testing::usd; }),
       AR::exists_with_different_ledger},
      {"different code", with(existing, [](Account& a) { a.code = 2; }),
       AR::exists_with_different_code},
      {"exists", existing, AR::exists},
      {"ok", account(101), AR::ok},
  };
  for (const AccountCase& c : cases) {
    const AR result = ledger.create_accounts({c.event}).front();
    EXPECT_EQ(result_name(result), result_name(c.expected)) << c.name;
    if (c.expected != AR::ok) {
      // A failed event changes nothing but the clock.
      EXPECT_EQ(ledger.machine().accounts_count(), 1u) << c.name;
      EXPECT_EQ(ledger.account_of(100).user_data_128, 5u) << c.name;
      EXPECT_EQ(ledger.account_of(100).flags, dmnec) << c.name;
    }
  }
  EXPECT_EQ(ledger.machine().accounts_count(), 2u);
}

TEST(CreateAccounts, CapacityReachedIsReportedAndNotFatal) {
  TestLedger ledger(
      LedgerConfig{.accounts_max = 2, .transfers_max = 1, .failed_ids_max = 1, .hash_seed = 0});
  const auto results = ledger.create_accounts({account(1), account(2), account(3), account(1)});
  EXPECT_EQ(results[0], AR::ok);
  EXPECT_EQ(results[1], AR::ok);
  EXPECT_EQ(results[2], AR::accounts_capacity_reached);
  EXPECT_EQ(results[3], AR::exists);  // Idempotency still answers when full.
}

TEST(CreateAccounts, TimestampsStrictlyIncreaseEvenWhenTheClockGoesBack) {
  TestLedger ledger;
  ledger.now_ns = 5'000;
  ASSERT_EQ(ledger.create_accounts({account(1), account(2)})[1], AR::ok);
  ledger.now_ns = 10;  // A clock step backwards must not reorder the log.
  ASSERT_EQ(ledger.create_accounts({account(3)})[0], AR::ok);
  EXPECT_EQ(ledger.account_of(1).timestamp, 5'001u);
  EXPECT_EQ(ledger.account_of(2).timestamp, 5'002u);
  EXPECT_EQ(ledger.account_of(3).timestamp, 5'003u);
  EXPECT_EQ(ledger.machine().last_timestamp(), 5'003u);
}

TEST(CreateAccounts, EveryNameIsDistinctAndKnown) {
  for (int i = 0; i <= create_account_result_max; ++i) {
    EXPECT_NE(result_name(static_cast<AR>(i)), "unknown") << i;
  }
  EXPECT_EQ(result_name(static_cast<AR>(create_account_result_max + 1)), "unknown");
  for (int i = 0; i <= create_transfer_result_max; ++i) {
    EXPECT_NE(result_name(static_cast<CreateTransferResult>(i)), "unknown") << i;
  }
}

}  // namespace
}  // namespace kervan
