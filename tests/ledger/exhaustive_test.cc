// Exhaustive small-scope tests: every combination of a few amounts, all transfer flag bits, the
// balance-limit flags of both accounts and a few ways to pre-fund them, each with accounts and
// ids of its own, checked event by event against the ReferenceLedger
// (tests/ledger/reference_ledger.h), with follow-up posts, voids, resends and an expiry of the
// pending transfers created; then account fields and linked-chain shapes the same way.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/assert.h"
#include "ledger/state_machine.h"
#include "tests/ledger/builders.h"
#include "tests/ledger/reference_ledger.h"

namespace kervan::testing {
namespace {

constexpr u128 max = u128_max;

// Ids of the fixed cast: the two accounts under test, four funders, a pair for chain closers.
constexpr u128 debit_id = 1;
constexpr u128 credit_id = 2;
constexpr u128 funder_ids[] = {11, 12, 13, 14};
constexpr u128 closer_debit_id = 21;
constexpr u128 closer_credit_id = 22;
constexpr u128 pending_id = 100;  // A pending transfer of `pending_amount` made in setup.
constexpr u128 pending_amount = 2;
constexpr u128 event_id = 200;  // The transfer under test.

// Balances given to the accounts under test before the event, through funder accounts.
struct Funding {
  u128 debit_credits_posted;
  u128 debit_debits_posted;
  u128 credit_debits_posted;
  u128 credit_credits_posted;
};
constexpr Funding fundings[] = {
    {0, 0, 0, 0}, {1, 0, 1, 0}, {2, 1, 2, 1}, {max, 0, max, 0}, {max, max - 1, max, max - 1},
};

constexpr uint16_t account_flag_sets[] = {
    0,
    flags_of(AccountFlags::debits_must_not_exceed_credits),
    flags_of(AccountFlags::credits_must_not_exceed_debits),
};

constexpr u128 amounts[] = {0, 1, pending_amount, max};

// The 16 combinations of the known bits, then a reserved bit alone and with known bits.
std::vector<uint16_t> transfer_flag_sets() {
  std::vector<uint16_t> sets;
  for (uint16_t bits = 0; bits <= transfer_flags_known; bits++) sets.push_back(bits);
  sets.push_back(1u << 4);
  sets.push_back((1u << 15) | flags_of(TransferFlags::pending));
  return sets;
}

// A ledger pair is shared by the cases of a group: a StateMachine reserves and touches its
// tables at construction, so a fresh one per case would cost more than the case. Cases stay
// independent through ids: the pair adds the case's base to every id of its events (0 and int
// max stay as they are: they are edge cases of their own), and every case moves the clock on.
constexpr size_t cases_per_pair = 100;
constexpr u128 case_id_stride = u128{1} << 16;  // Above every id a case uses.

u128 with_base(u128 id, u128 base) {
  return id == 0 || id == max ? id : id + base;
}

// The real ledger and the reference side by side. Each call applies one batch to both and
// records the first mismatch in `failure`: a result, then the last timestamp and the counts,
// then the records the case touched. finish() compares the whole state and the invariants.
class Pair {
 public:
  Pair()
      : real_(std::make_unique<StateMachine>(config())),
        reference_(std::make_unique<ReferenceLedger>(config())) {}

  void begin_case() {
    base_ += case_id_stride;
    touched_accounts_.clear();
    touched_transfers_.clear();
  }
  // The id an event of the current case names `id` by.
  u128 id(u128 local_id) const { return with_base(local_id, base_); }

  void accounts(std::vector<Account> events) {
    for (Account& a : events) {
      a.id = id(a.id);
      touched_accounts_.insert(a.id);
    }
    std::vector<CreateAccountResult> actual(events.size());
    real_->create_accounts(now_ns, events, actual);
    compare_results(events, actual, reference_->create_accounts(now_ns, events));
  }

  void transfers(std::vector<Transfer> events) {
    for (Transfer& t : events) {
      t.id = id(t.id);
      t.debit_account_id = id(t.debit_account_id);
      t.credit_account_id = id(t.credit_account_id);
      t.pending_id = id(t.pending_id);
      touched_transfers_.insert({t.id, t.pending_id});
      touched_accounts_.insert({t.debit_account_id, t.credit_account_id});
    }
    std::vector<CreateTransferResult> actual(events.size());
    real_->create_transfers(now_ns, events, actual);
    compare_results(events, actual, reference_->create_transfers(now_ns, events));
  }

  void finish() {
    if (!failure.empty()) return;
    failure = diff_state(*real_, *reference_);
    if (failure.empty()) failure = check_invariants(*real_);
  }

  const ReferenceLedger& reference() const { return *reference_; }

  uint64_t now_ns = 1'000'000'000;
  std::string failure;

 private:
  static LedgerConfig config() {
    return LedgerConfig{.accounts_max = cases_per_pair * 10,
                        .transfers_max = cases_per_pair * 32,
                        .failed_ids_max = cases_per_pair * 16,
                        .hash_seed = 3};
  }

  template <typename Event, typename Result>
  void compare_results(const std::vector<Event>& events, const std::vector<Result>& actual,
                       const std::vector<Result>& expected) {
    for (size_t i = 0; i < events.size() && failure.empty(); i++) {
      if (actual[i] != expected[i]) {
        failure = "event " + describe(events[i]) + ": real=" + std::string(result_name(actual[i])) +
                  " reference=" + std::string(result_name(expected[i]));
      }
    }
    if (!failure.empty()) return;
    failure = diff_totals(*real_, *reference_);
    for (const u128 account_id : touched_accounts_) {
      if (failure.empty()) failure = diff_account(*real_, *reference_, account_id);
    }
    for (const u128 transfer_id : touched_transfers_) {
      if (failure.empty()) failure = diff_transfer(*real_, *reference_, transfer_id);
    }
  }

  std::unique_ptr<StateMachine> real_;
  std::unique_ptr<ReferenceLedger> reference_;
  u128 base_ = 0;
  std::set<u128> touched_accounts_;
  std::set<u128> touched_transfers_;
};

// Hands out the pair for each case, a new one every cases_per_pair cases.
class Pairs {
 public:
  Pair& begin_case() {
    if (pair_ == nullptr) pair_ = std::make_unique<Pair>();
    pair_->begin_case();
    return *pair_;
  }
  // The case's first mismatch, or empty. After the last case of a pair, also checks the
  // pair's whole state, then drops it.
  std::string end_case() {
    if (++cases_ < cases_per_pair) return pair_->failure;
    return finish();
  }
  // Checks the whole state of the pair in use, if any, and drops it.
  std::string finish() {
    if (pair_ == nullptr) return "";
    pair_->finish();
    std::string failure = pair_->failure;
    pair_.reset();
    cases_ = 0;
    return failure;
  }

 private:
  std::unique_ptr<Pair> pair_;
  size_t cases_ = 0;
};

// Creates the cast and applies `funding` and the pending transfer `pending_id` (A -> B).
void set_up(Pair& pair, uint16_t debit_flags, uint16_t credit_flags, const Funding& funding) {
  pair.accounts({account(debit_id, debit_flags), account(credit_id, credit_flags),
                 account(funder_ids[0]), account(funder_ids[1]), account(funder_ids[2]),
                 account(funder_ids[3]), account(closer_debit_id), account(closer_credit_id)});
  std::vector<Transfer> legs;
  if (funding.debit_credits_posted != 0) {
    legs.push_back(transfer(1, funder_ids[0], debit_id, funding.debit_credits_posted));
  }
  if (funding.debit_debits_posted != 0) {
    legs.push_back(transfer(2, debit_id, funder_ids[1], funding.debit_debits_posted));
  }
  if (funding.credit_debits_posted != 0) {
    legs.push_back(transfer(3, credit_id, funder_ids[2], funding.credit_debits_posted));
  }
  if (funding.credit_credits_posted != 0) {
    legs.push_back(transfer(4, funder_ids[3], credit_id, funding.credit_credits_posted));
  }
  if (!legs.empty()) pair.transfers(legs);
  pair.transfers({pending(pending_id, debit_id, credit_id, pending_amount, /*timeout_s=*/1)});
}

// The transfer under test: A -> B with the given flags; a post or void names `pending_id`, a
// pending one times out after a second. A linked one is closed by an unrelated transfer.
std::vector<Transfer> event_batch(u128 amount, uint16_t flags) {
  Transfer t = transfer(event_id, debit_id, credit_id, amount, flags);
  if (has_flag(flags, TransferFlags::post_pending_transfer) ||
      has_flag(flags, TransferFlags::void_pending_transfer)) {
    t.pending_id = pending_id;
  }
  if (has_flag(flags, TransferFlags::pending)) t.timeout_s = 1;
  std::vector<Transfer> batch = {t};
  if (has_flag(flags, TransferFlags::linked)) {
    batch.push_back(transfer(event_id + 1, closer_debit_id, closer_credit_id, 1));
  }
  return batch;
}

std::string case_name(u128 amount, uint16_t flags, uint16_t debit_flags, uint16_t credit_flags,
                      size_t funding) {
  std::ostringstream out;
  out << "amount=" << (amount == max ? "max" : to_string_u128(amount)) << " flags=" << flags
      << " debit_flags=" << debit_flags << " credit_flags=" << credit_flags
      << " funding=" << funding;
  return out.str();
}

// How the follow-ups treat the pending transfers: resolve them at once, or let them expire.
enum class FollowUp { post_first, void_first, let_expire };

Transfer with_amount(Transfer t, u128 amount) {
  t.amount = amount;
  return t;
}

// After the event: the same event again and with a field changed; then posts or voids (with
// and without amounts) of the event and of the setup pending, and their resends; then the
// clock moves past every timeout and both are resolved again.
void follow_up(Pair& pair, const std::vector<Transfer>& batch, FollowUp kind) {
  pair.transfers(batch);
  pair.transfers({with_amount(batch.front(), batch.front().amount + 1)});
  if (kind == FollowUp::post_first) {
    pair.transfers({post(300, event_id), post(301, pending_id, 1)});
    pair.transfers({void_(302, event_id), with_amount(void_(303, pending_id), pending_amount),
                    post(300, event_id), post(301, pending_id, pending_amount)});
  } else if (kind == FollowUp::void_first) {
    pair.transfers(
        {with_amount(void_(300, event_id), batch.front().amount), void_(301, pending_id)});
    pair.transfers({post(302, event_id, 1), post(303, pending_id, pending_amount + 1),
                    with_amount(void_(300, event_id), batch.front().amount),
                    with_amount(void_(301, pending_id), pending_amount)});
  }
  pair.now_ns += ns_per_s + 1;  // Past every timeout.
  pair.transfers(
      {post(306, event_id), void_(307, pending_id), transfer(308, debit_id, credit_id, 1)});
}

TEST(ExhaustiveTest, TransfersMatchReference) {
  Pairs pairs;
  size_t cases = 0;
  for (const u128 amount : amounts) {
    for (const uint16_t flags : transfer_flag_sets()) {
      for (const uint16_t debit_flags : account_flag_sets) {
        for (const uint16_t credit_flags : account_flag_sets) {
          for (size_t f = 0; f < std::size(fundings); f++) {
            const auto kind = static_cast<FollowUp>(cases % 3);
            cases++;
            Pair& pair = pairs.begin_case();
            set_up(pair, debit_flags, credit_flags, fundings[f]);
            const std::vector<Transfer> batch = event_batch(amount, flags);
            pair.transfers(batch);
            follow_up(pair, batch, kind);
            const std::string failure = pairs.end_case();
            ASSERT_TRUE(failure.empty())
                << case_name(amount, flags, debit_flags, credit_flags, f) << " follow-up "
                << static_cast<int>(kind) << " (or an earlier case of its pair): " << failure;
          }
        }
      }
    }
  }
  EXPECT_EQ(pairs.finish(), "");
  EXPECT_EQ(cases, std::size(amounts) * transfer_flag_sets().size() * 9 * std::size(fundings));
}

// Every account flag combination (and reserved bits) with each field made invalid in turn,
// then the same event again and with each compared field changed.
TEST(ExhaustiveTest, AccountsMatchReference) {
  const uint16_t flag_sets[] = {0, 1, 2, 3, 4, 5, 6, 7, 1u << 3, (1u << 15) | 2};
  Pairs pairs;
  for (const uint16_t flags : flag_sets) {
    for (int variant = 0; variant < 12; variant++) {
      Pair& pair = pairs.begin_case();
      Account a = account(5, flags);
      switch (variant) {
        case 1:
          a.timestamp = 1;
          break;
        case 2:
          a.reserved = 1;
          break;
        case 3:
          a.id = 0;
          break;
        case 4:
          a.id = max;
          break;
        case 5:
          a.debits_pending = 1;
          break;
        case 6:
          a.debits_posted = max;
          break;
        case 7:
          a.credits_pending = 1;
          break;
        case 8:
          a.credits_posted = 1;
          break;
        case 9:
          a.ledger = 0;
          break;
        case 10:
          a.code = 0;
          break;
        case 11:
          a.user_data_128 = max;
          a.user_data_64 = 1;
          a.user_data_32 = 1;
          break;
        default:
          break;
      }
      std::vector<Account> batch = {a};
      if (has_flag(flags, AccountFlags::linked)) batch.push_back(account(6));
      pair.accounts(batch);
      pair.accounts(batch);
      for (int field = 0; field < 6; field++) {
        Account changed = a;
        switch (field) {
          case 0:
            changed.flags ^= flags_of(AccountFlags::debits_must_not_exceed_credits);
            break;
          case 1:
            changed.user_data_128 += 1;
            break;
          case 2:
            changed.user_data_64 += 1;
            break;
          case 3:
            changed.user_data_32 += 1;
            break;
          case 4:
            changed.ledger = usd;
            break;
          default:
            changed.code = 2;
            break;
        }
        pair.accounts({changed});
      }
      const std::string failure = pairs.end_case();
      ASSERT_TRUE(failure.empty()) << "flags=" << flags << " variant=" << variant
                                   << " (or an earlier case of its pair): " << failure;
    }
  }
  EXPECT_EQ(pairs.finish(), "");
}

// Chains of one to three events, each member one of a few kinds (applied, failing on its own,
// failing transiently, `exists`, creating or posting a pending transfer), closed or left open at
// the end of the batch; then the same batch again (ids of a rolled-back chain are free, a
// transient failure is remembered) and a batch past every timeout.
enum class Member { ok, invalid, transient, exists, pending, post };
constexpr int member_kinds = 6;
constexpr u128 applied_id = 50;  // Created in setup; sending it again is `exists`.

Transfer chain_member(Member kind, u128 id) {
  switch (kind) {
    case Member::ok:
      return transfer(id, debit_id, credit_id, 1);
    case Member::invalid:
      return transfer(id, debit_id, credit_id, 0);
    case Member::transient:
      return transfer(id, 999, credit_id, 1);
    case Member::exists:
      return transfer(applied_id, debit_id, credit_id, 5);
    case Member::pending:
      return pending(id, debit_id, credit_id, 3, /*timeout_s=*/1);
    case Member::post:
      return post(id, pending_id);
  }
  KERVAN_UNREACHABLE();
}

TEST(ExhaustiveTest, LinkedChainsMatchReference) {
  Pairs pairs;
  for (int length = 1; length <= 3; length++) {
    int shapes = 1;
    for (int k = 0; k < length; k++) shapes *= member_kinds;
    for (int shape = 0; shape < shapes; shape++) {
      for (const bool open : {false, true}) {
        Pair& pair = pairs.begin_case();
        pair.accounts({account(debit_id), account(credit_id)});
        pair.transfers({transfer(applied_id, debit_id, credit_id, 5),
                        pending(pending_id, debit_id, credit_id, 3, /*timeout_s=*/1)});
        std::vector<Transfer> batch = {transfer(event_id, debit_id, credit_id, 2)};
        for (int k = 0, rest = shape; k < length; k++, rest /= member_kinds) {
          Transfer t = chain_member(static_cast<Member>(rest % member_kinds),
                                    event_id + 1 + static_cast<unsigned>(k));
          if (k + 1 < length || open) t = linked(t);
          batch.push_back(t);
        }
        pair.transfers(batch);
        pair.transfers(batch);
        pair.now_ns += ns_per_s + 1;
        pair.transfers({post(300, pending_id), post(301, event_id + 1)});
        const std::string failure = pairs.end_case();
        ASSERT_TRUE(failure.empty())
            << "length=" << length << " shape=" << shape << " open=" << open
            << " (or an earlier case of its pair): " << failure;
      }
    }
  }
  EXPECT_EQ(pairs.finish(), "");
}

// The edge of overflows_timeout: a pending transfer whose expiry lands one below, exactly on,
// and one past 2^64 - 1 ns; then a post and a void of it, and the same at the lowest timeout.
TEST(ExhaustiveTest, TimeoutOverflowEdge) {
  struct Case {
    uint32_t timeout_s;
    int64_t expiry_past_max_ns;  // timestamp + timeout_s * 10^9 - (2^64 - 1)
    CreateTransferResult expected;
  };
  const Case cases[] = {
      {1, -1, CreateTransferResult::ok},
      {1, 0, CreateTransferResult::ok},
      {1, 1, CreateTransferResult::overflows_timeout},
      {UINT32_MAX, -1, CreateTransferResult::ok},
      {UINT32_MAX, 0, CreateTransferResult::ok},
      {UINT32_MAX, 1, CreateTransferResult::overflows_timeout},
  };
  for (const Case& c : cases) {
    Pair pair;  // One each: the clock jumps to the end of its range.
    pair.begin_case();
    pair.accounts({account(debit_id), account(credit_id)});
    // The pending transfer is the first event of its batch: timestamp = now_ns + 1.
    const uint64_t timeout_ns = uint64_t{c.timeout_s} * ns_per_s;
    pair.now_ns = UINT64_MAX - timeout_ns - 2 + static_cast<uint64_t>(c.expiry_past_max_ns + 1);
    pair.transfers({pending(pending_id, debit_id, credit_id, 7, c.timeout_s)});
    EXPECT_EQ(pair.reference().pending_state(pair.id(pending_id)) == PendingState::pending,
              c.expected == CreateTransferResult::ok)
        << "timeout_s=" << c.timeout_s << " past=" << c.expiry_past_max_ns;
    pair.transfers({post(300, pending_id, 1), void_(301, pending_id)});
    pair.finish();
    ASSERT_TRUE(pair.failure.empty())
        << "timeout_s=" << c.timeout_s << " past=" << c.expiry_past_max_ns << ": " << pair.failure;
  }
}

}  // namespace
}  // namespace kervan::testing
