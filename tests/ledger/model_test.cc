// Model-based test: seeded random batches applied to the real StateMachine and to the
// ReferenceLedger (tests/ledger/reference_ledger.h, written from docs/result_codes.md). Every
// result, every record and the ledger invariants are compared after every batch; a second real
// ledger fed the same batches must end with the same state hash.
//
// A failure prints its seed; rerun that seed alone with KERVAN_SEED=<seed>.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/state_machine.h"
#include "tests/ledger/builders.h"
#include "tests/ledger/reference_ledger.h"

namespace kervan::testing {
namespace {

// xoshiro256** seeded through splitmix64: deterministic on every platform, unlike the
// std distributions.
class Prng {
 public:
  explicit Prng(uint64_t seed) {
    for (uint64_t& word : state_) {
      seed += 0x9e3779b97f4a7c15;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
      z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
      word = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform enough in [0, n) for n far below 2^64. REQUIRES: n > 0.
  uint64_t below(uint64_t n) { return next() % n; }
  uint32_t below32(uint32_t n) { return static_cast<uint32_t>(next() % n); }
  bool percent(uint32_t chance) { return below(100) < chance; }
  u128 next_u128() { return make_u128(next(), next()); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

constexpr uint16_t tf_linked = flags_of(TransferFlags::linked);
constexpr uint16_t af_linked = flags_of(AccountFlags::linked);
constexpr uint16_t tf_pending = flags_of(TransferFlags::pending);
constexpr uint16_t tf_post = flags_of(TransferFlags::post_pending_transfer);
constexpr uint16_t tf_void = flags_of(TransferFlags::void_pending_transfer);
constexpr uint16_t af_debits_limited = flags_of(AccountFlags::debits_must_not_exceed_credits);
constexpr uint16_t af_credits_limited = flags_of(AccountFlags::credits_must_not_exceed_debits);

constexpr uint32_t account_ids_count = 40;
constexpr uint32_t seeds_count = 20;
constexpr uint32_t batches_per_seed = 150;
constexpr uint32_t batch_transfers_max = 50;
constexpr uint32_t batch_accounts_max = 20;
constexpr uint32_t chain_events_max = 5;
// The clock never jumps closer than this to 2^64: later batches still add seconds to it.
constexpr uint64_t clock_jump_ns_max = UINT64_MAX - 1'000'000 * ns_per_s;

// One seeded run: generates batches from what the reference knows, applies them to both
// ledgers (and to a twin real ledger), and compares after each batch.
class ModelRun {
 public:
  explicit ModelRun(uint64_t seed) : seed_(seed), prng_(seed), config_(config_for(seed)) {
    real_ = std::make_unique<StateMachine>(config_);
    LedgerConfig twin_config = config_;
    twin_config.hash_seed = config_.hash_seed + 1;  // Must not change the state hash.
    twin_ = std::make_unique<StateMachine>(twin_config);
    reference_ = std::make_unique<ReferenceLedger>(config_);
    // One seed in four runs near the end of the 64-bit clock, where long timeouts overflow.
    now_ns_ = seed % 4 == 3 ? 18'000'000'000'000'000'000u : 1'000'000'000u + prng_.below(1000);
    for (uint32_t i = 0; i < account_ids_count; i++) {
      // Half small ids, half with high bits set, so both halves of the u128 matter.
      account_ids_.push_back(i % 2 == 0 ? u128{i + 1} : make_u128(i + 1, prng_.next()));
    }
  }

  // Runs every batch; stops at the first mismatch (reported through gtest).
  void run() {
    for (batch_ = 0; batch_ < batches_per_seed; batch_++) {
      advance_clock();
      bool ok = false;
      if (batch_ == 0) {
        ok = apply_accounts(opening_accounts());
      } else if (batch_ == 1 || prng_.percent(6)) {
        ok = apply_accounts(account_batch());
      } else {
        ok = apply_transfers();
      }
      if (!ok || !check_state()) return;
      if (prng_.percent(8) && !apply_expire()) return;
    }
    const Digest real_hash = real_->state_hash();
    EXPECT_EQ(to_hex(real_hash), to_hex(twin_->state_hash())) << where() << "state hash";
  }

 private:
  static LedgerConfig config_for(uint64_t seed) {
    // Small capacities in some seeds so that every *_capacity_reached is reached.
    return LedgerConfig{.accounts_max = seed % 5 == 1 ? 30u : 64u,
                        .transfers_max = seed % 5 == 2 ? 1000u : 8192u,
                        .failed_ids_max = seed % 5 == 3 ? 300u : 8192u,
                        .hash_seed = seed * 31 + 5};
  }

  std::string where(size_t event = SIZE_MAX) const {
    std::ostringstream out;
    out << "[seed=" << seed_ << " batch=" << batch_;
    if (event != SIZE_MAX) out << " event=" << event;
    out << " now_ns=" << now_ns_ << "; rerun with KERVAN_SEED=" << seed_ << "] ";
    return out.str();
  }

  // --- Clock ---

  void advance_clock() {
    const uint64_t choice = prng_.below(100);
    if (choice < 8) return;  // The same now_ns again.
    if (choice < 13) {
      now_ns_ -= prng_.below(1'000'000);  // Behind the ledger: timestamps go on from its last.
    } else if (choice < 33) {
      now_ns_ += 1 + prng_.below(1000);
    } else if (choice < 63) {
      now_ns_ += prng_.below(ns_per_s);
    } else if (choice < 90) {
      now_ns_ += ns_per_s + prng_.below(3 * ns_per_s);  // Past the short timeouts.
    } else {
      target_expiry();
    }
  }

  // Chooses now_ns so that the next batch starts a few nanoseconds before a live pending
  // transfer expires; the batch then resolves it at, just before or just after its expiry.
  void target_expiry() {
    std::vector<const Transfer*> live;
    for (const auto& [id, t] : reference_->transfers()) {
      if (t.timeout_s != 0 && reference_->pending_state(id) == PendingState::pending) {
        live.push_back(&t);
      }
    }
    if (live.empty()) return;
    const Transfer& p = *live[prng_.below(live.size())];
    const uint64_t expires_at_ns = p.timestamp + uint64_t{p.timeout_s} * ns_per_s;
    const uint64_t base = expires_at_ns - 1 - prng_.below(4);
    if (base < reference_->last_timestamp() || base > clock_jump_ns_max) return;
    now_ns_ = base;
    expiry_target_ = p.id;
  }

  // --- Accounts ---

  // Every account id, well formed, so that most transfers find their accounts.
  std::vector<Account> opening_accounts() {
    std::vector<Account> events;
    for (const u128 id : account_ids_) {
      Account a = account(id, 0, prng_.percent(75) ? eur : usd);
      const uint64_t kind = prng_.below(100);
      a.flags = kind < 60 ? 0 : kind < 85 ? af_debits_limited : af_credits_limited;
      events.push_back(a);
    }
    return events;
  }

  std::vector<Account> account_batch() {
    std::vector<Account> events;
    const uint32_t size = 1 + prng_.below32(batch_accounts_max);
    while (events.size() < size) {
      const uint32_t chain = prng_.percent(15) ? 1 + prng_.below32(chain_events_max) : 1;
      for (uint32_t k = 0; k < chain; k++) {
        Account a = random_account();
        a.flags = static_cast<uint16_t>(a.flags & ~af_linked);
        if (k + 1 < chain) a.flags |= af_linked;
        events.push_back(a);
      }
    }
    if (prng_.percent(8)) events.back().flags |= af_linked;  // Open chain.
    return events;
  }

  Account random_account() {
    if (!sent_accounts_.empty() && prng_.percent(15)) {
      return sent_accounts_[prng_.below(sent_accounts_.size())];  // Identical duplicate.
    }
    Account a;
    a.id = account_ids_[prng_.below(account_ids_.size())];
    a.ledger = prng_.percent(70) ? eur : usd;
    a.code = static_cast<uint16_t>(prng_.percent(90) ? 1 : 2);
    const uint64_t kind = prng_.below(10);
    a.flags = kind < 5 ? 0 : kind < 8 ? af_debits_limited : af_credits_limited;
    if (prng_.percent(20)) a.user_data_128 = prng_.below(3);
    if (prng_.percent(20)) a.user_data_64 = prng_.below(3);
    if (prng_.percent(20)) a.user_data_32 = prng_.below32(3);
    if (prng_.percent(15)) corrupt_account(a);
    return a;
  }

  void corrupt_account(Account& a) {
    switch (prng_.below(12)) {
      case 0:
        a.timestamp = 1 + prng_.below(100);
        break;
      case 1:
        a.reserved = 1;
        break;
      case 2:
        a.flags |= static_cast<uint16_t>(1u << (3 + prng_.below(13)));
        break;
      case 3:
        a.id = 0;
        break;
      case 4:
        a.id = u128_max;
        break;
      case 5:
        a.flags |= af_debits_limited | af_credits_limited;
        break;
      case 6:
        a.debits_pending = 1;
        break;
      case 7:
        a.debits_posted = u128_max;
        break;
      case 8:
        a.credits_pending = 5;
        break;
      case 9:
        a.credits_posted = 1;
        break;
      case 10:
        a.ledger = 0;
        break;
      default:
        a.code = 0;
        break;
    }
  }

  // --- Transfers ---

  std::vector<Transfer> transfer_batch() {
    std::vector<Transfer> events;
    batch_pendings_.clear();
    if (expiry_target_ != 0) {
      const uint32_t fillers = prng_.below32(4);
      for (uint32_t k = 0; k < fillers; k++) events.push_back(new_transfer(false));
      const Transfer* p = reference_->lookup_transfer(expiry_target_);
      events.push_back(resolve_transfer(prng_.percent(70), p));
      expiry_target_ = 0;
    }
    const uint32_t size = 1 + prng_.below32(batch_transfers_max);
    while (events.size() < size) {
      const uint32_t chain = prng_.percent(9) ? 1 + prng_.below32(chain_events_max) : 1;
      for (uint32_t k = 0; k < chain; k++) {
        Transfer t = random_transfer();
        t.flags = static_cast<uint16_t>(t.flags & ~tf_linked);
        if (k + 1 < chain) t.flags |= tf_linked;
        events.push_back(t);
      }
    }
    if (prng_.percent(8)) events.back().flags |= tf_linked;  // Open chain.
    return events;
  }

  Transfer random_transfer() {
    const uint64_t kind = prng_.below(100);
    if (kind < 38) return new_transfer(false);
    if (kind < 58) return new_transfer(true);
    if (kind < 72) return resolve_transfer(true, pick_pending());
    if (kind < 80) return resolve_transfer(false, pick_pending());
    if (kind < 90) return duplicate_transfer();
    if (kind < 93) return failed_id_transfer();
    Transfer t = new_transfer(prng_.percent(50));
    corrupt_transfer(t);
    return t;
  }

  u128 fresh_transfer_id() {
    next_transfer_id_++;
    return prng_.percent(20) ? make_u128(prng_.next() | 1, u128_low(next_transfer_id_))
                             : next_transfer_id_;
  }

  // An existing account mostly (in `ledger` if given and possible); sometimes one never
  // created, 0 or int max.
  u128 pick_account_id(uint32_t ledger = 0) {
    const uint64_t choice = prng_.below(100);
    if (choice < 94) {
      std::vector<u128> ids;
      for (const auto& [id, a] : reference_->accounts()) {
        if (ledger == 0 || a.ledger == ledger) ids.push_back(id);
      }
      if (!ids.empty()) return ids[prng_.below(ids.size())];
    }
    if (choice < 96) return account_ids_[prng_.below(account_ids_.size())];
    if (choice < 98) return make_u128(0xdead, prng_.next());  // Never created.
    return choice < 99 ? 0 : u128_max;
  }

  Transfer new_transfer(bool is_pending) {
    Transfer t;
    t.id = fresh_transfer_id();
    t.debit_account_id = pick_account_id();
    const Account* dr = reference_->lookup_account(t.debit_account_id);
    const uint32_t ledger = dr != nullptr && prng_.percent(90) ? dr->ledger : 0;
    t.credit_account_id = pick_account_id(ledger);
    if (t.credit_account_id == t.debit_account_id && prng_.percent(90)) {
      t.credit_account_id = pick_account_id(ledger);
    }
    const Account* cr = reference_->lookup_account(t.credit_account_id);
    t.ledger = dr != nullptr && prng_.percent(95) ? dr->ledger : (prng_.percent(50) ? eur : usd);
    t.code = static_cast<uint16_t>(1 + prng_.below(3));
    t.amount = pick_amount(dr, cr);
    if (prng_.percent(30)) t.user_data_128 = prng_.next_u128();
    if (prng_.percent(30)) t.user_data_64 = prng_.next();
    if (prng_.percent(30)) t.user_data_32 = static_cast<uint32_t>(prng_.next());
    if (is_pending) {
      t.flags = tf_pending;
      const uint64_t timeout = prng_.below(100);
      t.timeout_s = timeout < 30   ? 0
                    : timeout < 92 ? 1 + prng_.below32(3)
                    : timeout < 96 ? UINT32_MAX
                                   : static_cast<uint32_t>(prng_.next());
      batch_pendings_.push_back(t);
    }
    return t;
  }

  // Small amounts mostly; otherwise amounts at the edges of a balance limit or of 2^128.
  u128 pick_amount(const Account* dr, const Account* cr) {
    const uint64_t choice = prng_.below(100);
    if (choice < 45) return 1 + prng_.below(100);
    if (choice < 60) return 1 + prng_.below(1'000'000);
    if (choice < 63) return 0;
    if (choice < 66) return u128_max - prng_.below(2);
    if (choice < 68) return u128{1} << 127;
    if (choice < 72) return prng_.next();
    if (choice < 74) return prng_.next_u128();
    if (dr != nullptr && choice < 88) {
      // Cover room of the debit account, plus 0 or 1.
      const u128 used = dr->debits_pending + dr->debits_posted;
      const u128 room = dr->credits_posted > used ? dr->credits_posted - used : 0;
      return room + prng_.below(2);
    }
    if (cr != nullptr && choice < 94) {
      const u128 used = cr->credits_pending + cr->credits_posted;
      const u128 room = cr->debits_posted > used ? cr->debits_posted - used : 0;
      return room + prng_.below(2);
    }
    // Just fits, or just overflows, one of the balances.
    const Account* side = dr != nullptr && (cr == nullptr || prng_.percent(50)) ? dr : cr;
    if (side == nullptr) return 7;
    const u128 balances[] = {
        side->debits_pending,  side->debits_posted,  side->debits_pending + side->debits_posted,
        side->credits_pending, side->credits_posted, side->credits_pending + side->credits_posted};
    return u128_max - balances[prng_.below(6)] + prng_.below(2);
  }

  // A pending transfer of this batch or of an earlier one (any state), or nullptr.
  const Transfer* pick_pending() {
    if (!batch_pendings_.empty() && prng_.percent(40)) {
      return &batch_pendings_[prng_.below(batch_pendings_.size())];
    }
    std::vector<const Transfer*> pendings;
    std::vector<const Transfer*> live;
    for (const auto& [id, t] : reference_->transfers()) {
      if (!has_flag(t.flags, TransferFlags::pending)) continue;
      pendings.push_back(&t);
      if (reference_->pending_state(id) == PendingState::pending) live.push_back(&t);
    }
    if (!live.empty() && prng_.percent(75)) return live[prng_.below(live.size())];
    if (!pendings.empty()) return pendings[prng_.below(pendings.size())];
    return nullptr;
  }

  Transfer resolve_transfer(bool is_post, const Transfer* p) {
    Transfer t;
    t.id = fresh_transfer_id();
    t.flags = is_post ? tf_post : tf_void;
    if (p == nullptr || prng_.percent(6)) {
      odd_pending_id(t);
      return t;
    }
    t.pending_id = p->id;
    const uint64_t choice = prng_.below(100);
    if (is_post) {
      t.amount = choice < 40   ? 0
                 : choice < 55 ? p->amount
                 : choice < 80 ? 1 + prng_.below(100)
                 : choice < 85 ? p->amount + 1
                 : choice < 95 ? 1
                               : prng_.next_u128();
    } else {
      t.amount = choice < 70 ? 0 : choice < 90 ? p->amount : 1 + prng_.below(3);
    }
    if (prng_.percent(10)) t.debit_account_id = prng_.percent(70) ? p->debit_account_id : 1;
    if (prng_.percent(10)) t.credit_account_id = prng_.percent(70) ? p->credit_account_id : 1;
    if (prng_.percent(10)) t.ledger = prng_.percent(70) ? p->ledger : 1;
    if (prng_.percent(10)) t.code = static_cast<uint16_t>(prng_.percent(70) ? p->code : 99);
    if (prng_.percent(20)) t.user_data_64 = prng_.next();
    if (prng_.percent(3)) t.timeout_s = 1;
    return t;
  }

  void odd_pending_id(Transfer& t) {
    switch (prng_.below(5)) {
      case 0:
        t.pending_id = 0;
        break;
      case 1:
        t.pending_id = u128_max;
        break;
      case 2:
        t.pending_id = t.id;
        break;
      case 3:
        t.pending_id = make_u128(0xbeef, prng_.next());
        break;  // Never created.
      default: {
        // A transfer that is not pending (or anything sent before).
        if (!sent_transfers_.empty()) {
          t.pending_id = sent_transfers_[prng_.below(sent_transfers_.size())].id;
        }
        break;
      }
    }
  }

  // An earlier event again: identical, or with one field changed.
  Transfer duplicate_transfer() {
    const bool of_applied = !applied_transfers_.empty() && prng_.percent(65);
    const std::vector<Transfer>& history = of_applied ? applied_transfers_ : sent_transfers_;
    if (history.empty()) return new_transfer(false);
    const size_t count = history.size();
    // Recent events more often: they are the ones a retrying client resends.
    const size_t index = prng_.percent(50) ? count - 1 - prng_.below(std::min<size_t>(count, 60))
                                           : prng_.below(count);
    Transfer t = history[index];
    if (prng_.percent(45)) return t;
    const Transfer* stored = reference_->lookup_transfer(t.id);
    if (stored != nullptr && prng_.percent(25)) {
      // Give a field that a post or void inherited: still the same event (exists).
      switch (prng_.below(7)) {
        case 0:
          t.debit_account_id = stored->debit_account_id;
          break;
        case 1:
          t.credit_account_id = stored->credit_account_id;
          break;
        case 2:
          t.amount = stored->amount;
          break;
        case 3:
          t.user_data_128 = stored->user_data_128;
          break;
        case 4:
          t.user_data_64 = stored->user_data_64;
          break;
        case 5:
          t.ledger = stored->ledger;
          break;
        default:
          t.code = stored->code;
          break;
      }
      return t;
    }
    switch (prng_.below(13)) {
      case 11:
        t.timestamp = 1;
        break;  // Checked before the id: not `exists`.
      case 12:
        t.flags |= 1u << 4;
        break;
      case 0:
        t.flags ^= static_cast<uint16_t>(prng_.percent(50) ? tf_pending : tf_post);
        break;
      case 1:
        t.pending_id += 1;
        break;
      case 2:
        t.timeout_s += 1;
        break;
      case 3:
        t.debit_account_id = pick_account_id();
        break;
      case 4:
        t.credit_account_id = pick_account_id();
        break;
      case 5:
        t.amount = prng_.percent(50) ? t.amount + 1 : 0;
        break;
      case 6:
        t.user_data_128 = prng_.percent(50) ? t.user_data_128 + 1 : 0;
        break;
      case 7:
        t.user_data_64 = prng_.percent(50) ? t.user_data_64 + 1 : 0;
        break;
      case 8:
        t.user_data_32 = prng_.percent(50) ? t.user_data_32 + 1 : 0;
        break;
      case 9:
        t.ledger = prng_.percent(50) ? t.ledger + 1 : 0;
        break;
      default:
        t.code = static_cast<uint16_t>(prng_.percent(50) ? t.code + 1 : 0);
        break;
    }
    return t;
  }

  // A new event under an id that failed transiently before (id_already_failed).
  Transfer failed_id_transfer() {
    if (failed_ids_.empty()) return new_transfer(false);
    Transfer t = new_transfer(prng_.percent(30));
    t.id = failed_ids_[prng_.below(failed_ids_.size())];
    if (prng_.percent(20)) t.flags |= tf_post;  // id_already_failed precedes the flag check.
    return t;
  }

  void corrupt_transfer(Transfer& t) {
    switch (prng_.below(14)) {
      case 0:
        t.timestamp = 1;
        break;
      case 1:
        t.flags |= static_cast<uint16_t>(1u << (4 + prng_.below(12)));
        break;
      case 2:
        t.id = 0;
        break;
      case 3:
        t.id = u128_max;
        break;
      case 4:
        t.flags |= prng_.percent(50) ? tf_post : tf_void;
        break;
      case 5:
        t.debit_account_id = prng_.percent(50) ? 0 : u128_max;
        break;
      case 6:
        t.credit_account_id = prng_.percent(50) ? 0 : u128_max;
        break;
      case 7:
        t.credit_account_id = t.debit_account_id;
        break;
      case 8:
        t.pending_id = 1 + prng_.below(10);
        break;
      case 9:
        t.timeout_s = 1 + prng_.below32(5);
        break;
      case 10:
        t.ledger = 0;
        break;
      case 11:
        t.code = 0;
        break;
      case 12:
        t.amount = 0;
        break;
      default:
        t.ledger = t.ledger == eur ? usd : eur;
        break;
    }
  }

  // --- Apply and compare ---

  bool apply_accounts(const std::vector<Account>& events) {
    std::vector<CreateAccountResult> real_results(events.size());
    std::vector<CreateAccountResult> twin_results(events.size());
    real_->create_accounts(now_ns_, events, real_results);
    twin_->create_accounts(now_ns_, events, twin_results);
    const std::vector<CreateAccountResult> expected = reference_->create_accounts(now_ns_, events);
    for (size_t i = 0; i < events.size(); i++) {
      if (real_results[i] != expected[i] || twin_results[i] != expected[i]) {
        ADD_FAILURE() << where(i) << "create_accounts: real=" << result_name(real_results[i])
                      << " twin=" << result_name(twin_results[i])
                      << " reference=" << result_name(expected[i]) << "\n  event "
                      << describe(events[i]) << "\n  batch:\n"
                      << describe_batch(events);
        return false;
      }
    }
    for (const CreateAccountResult result : expected) {
      account_results_seen[static_cast<size_t>(result)]++;
    }
    sent_accounts_.insert(sent_accounts_.end(), events.begin(), events.end());
    return true;
  }

  bool apply_transfers() {
    const std::vector<Transfer> events = transfer_batch();
    std::vector<CreateTransferResult> real_results(events.size());
    std::vector<CreateTransferResult> twin_results(events.size());
    real_->create_transfers(now_ns_, events, real_results);
    twin_->create_transfers(now_ns_, events, twin_results);
    const std::vector<CreateTransferResult> expected =
        reference_->create_transfers(now_ns_, events);
    for (size_t i = 0; i < events.size(); i++) {
      if (real_results[i] != expected[i] || twin_results[i] != expected[i]) {
        const Transfer* p = real_->lookup_transfer(events[i].pending_id);
        ADD_FAILURE() << where(i) << "create_transfers: real=" << result_name(real_results[i])
                      << " twin=" << result_name(twin_results[i])
                      << " reference=" << result_name(expected[i]) << "\n  event "
                      << describe(events[i]) << "\n  its pending (after the batch): "
                      << (p != nullptr ? describe(*p) : "none") << "\n  batch:\n"
                      << describe_batch(events);
        return false;
      }
      if (is_transient(expected[i])) failed_ids_.push_back(events[i].id);
      if (expected[i] == CreateTransferResult::ok) applied_transfers_.push_back(events[i]);
      transfer_results_seen[static_cast<size_t>(expected[i])]++;
    }
    sent_transfers_.insert(sent_transfers_.end(), events.begin(), events.end());
    return true;
  }

  bool apply_expire() {
    now_ns_ += prng_.below(3 * ns_per_s);
    if (prng_.percent(50)) {
      // Exactly at, or just before, the expiry of a live pending transfer.
      for (const auto& [id, t] : reference_->transfers()) {
        if (t.timeout_s == 0 || reference_->pending_state(id) != PendingState::pending) continue;
        const uint64_t expires_at_ns = t.timestamp + uint64_t{t.timeout_s} * ns_per_s;
        if (expires_at_ns - 1 >= reference_->last_timestamp() &&
            expires_at_ns <= clock_jump_ns_max) {
          now_ns_ = expires_at_ns - prng_.below(2);
          break;
        }
      }
    }
    const uint32_t real_count = real_->expire_pending_transfers(now_ns_);
    const uint32_t twin_count = twin_->expire_pending_transfers(now_ns_);
    const uint32_t expected = reference_->expire_pending_transfers(now_ns_);
    if (real_count != expected || twin_count != expected) {
      ADD_FAILURE() << where() << "expire_pending_transfers: real=" << real_count
                    << " reference=" << expected;
      return false;
    }
    return check_state();
  }

  bool check_state() {
    if (std::string diff = diff_state(*real_, *reference_); !diff.empty()) {
      ADD_FAILURE() << where() << "state after the batch: " << diff;
      return false;
    }
    if (std::string broken = check_invariants(*real_); !broken.empty()) {
      ADD_FAILURE() << where() << "invariant: " << broken;
      return false;
    }
    return true;
  }

  template <typename Event>
  static std::string describe_batch(const std::vector<Event>& events) {
    std::string text;
    for (size_t i = 0; i < events.size(); i++) {
      text += "    " + std::to_string(i) + ": " + describe(events[i]) + "\n";
    }
    return text;
  }

  uint64_t seed_;
  Prng prng_;

 public:
  // How often each result occurred, over all runs: the generator must reach every code.
  static inline uint64_t account_results_seen[create_account_result_max + 1] = {};
  static inline uint64_t transfer_results_seen[create_transfer_result_max + 1] = {};

 private:
  LedgerConfig config_;
  std::unique_ptr<StateMachine> real_;
  std::unique_ptr<StateMachine> twin_;
  std::unique_ptr<ReferenceLedger> reference_;
  uint64_t now_ns_ = 0;
  uint32_t batch_ = 0;
  std::vector<u128> account_ids_;
  u128 next_transfer_id_ = 1000;
  u128 expiry_target_ = 0;
  std::vector<Account> sent_accounts_;
  std::vector<Transfer> sent_transfers_;
  std::vector<Transfer> applied_transfers_;  // Events whose result was ok.
  std::vector<Transfer> batch_pendings_;     // Pending events generated in the current batch.
  std::vector<u128> failed_ids_;
};

TEST(ModelTest, RandomBatchesMatchReference) {
  std::vector<uint64_t> seeds;
  if (const char* env = std::getenv("KERVAN_SEED"); env != nullptr && *env != '\0') {
    seeds.push_back(std::strtoull(env, nullptr, 10));
  } else {
    for (uint64_t seed = 1; seed <= seeds_count; seed++) seeds.push_back(seed);
  }
  for (const uint64_t seed : seeds) {
    ModelRun(seed).run();
    if (::testing::Test::HasFailure()) return;  // One seed's report at a time.
  }
  if (seeds.size() == 1) return;
  // The generator must keep reaching every result code, or the comparison proves little.
  for (uint8_t r = 0; r <= create_account_result_max; r++) {
    EXPECT_GT(ModelRun::account_results_seen[r], 0u)
        << "never generated: " << result_name(static_cast<CreateAccountResult>(r));
  }
  for (uint8_t r = 0; r <= create_transfer_result_max; r++) {
    EXPECT_GT(ModelRun::transfer_results_seen[r], 0u)
        << "never generated: " << result_name(static_cast<CreateTransferResult>(r));
  }
}

}  // namespace
}  // namespace kervan::testing
