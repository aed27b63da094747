#include "tests/ledger/reference_ledger.h"

#include <algorithm>
#include <sstream>
#include <string>

#include "core/assert.h"

namespace kervan::testing {

namespace {

using TR = CreateTransferResult;
using AR = CreateAccountResult;

constexpr uint16_t linked_bit = flags_of(TransferFlags::linked);
static_assert(flags_of(AccountFlags::linked) == linked_bit);

// True when a + b + c does not fit in 128 bits.
bool sum_overflows(u128 a, u128 b, u128 c = 0) {
  u128 sum = 0;
  return !checked_add(a, b, &sum) || !checked_add(sum, c, &sum);
}

}  // namespace

ReferenceLedger::ReferenceLedger(const LedgerConfig& config) : config_(config) {}

// Linked chains, as in docs/result_codes.md "Linked chains": the state is copied when a chain
// opens and restored when one of its events fails; that event keeps its result and every other
// event of the chain gets linked_event_failed. A batch ending in a linked event leaves the chain
// open: that event gets linked_event_chain_open, also when an earlier event of its chain failed
// already (the spec's rule for the open chain is unconditional; TigerBeetle does the same).
template <typename Event, typename Result, typename Apply>
std::vector<Result> ReferenceLedger::apply_batch(uint64_t now_ns, std::span<const Event> events,
                                                 Apply apply) {
  std::vector<Result> results(events.size(), Result::ok);
  if (events.empty()) return results;
  const uint64_t base = std::max(now_ns, last_timestamp_);
  expire_due(base + 1);
  bool in_chain = false;
  size_t chain_start = 0;
  bool chain_broken = false;
  State saved;
  for (size_t i = 0; i < events.size(); i++) {
    const uint64_t timestamp = base + i + 1;
    const bool is_linked = (events[i].flags & linked_bit) != 0;
    if (is_linked && !in_chain) {
      in_chain = true;
      chain_start = i;
      chain_broken = false;
      saved = state_;
    }
    Result result = Result::ok;
    if (is_linked && i + 1 == events.size()) {
      result = Result::linked_event_chain_open;
    } else if (chain_broken) {
      result = Result::linked_event_failed;
    } else {
      result = apply(timestamp, events[i]);
    }
    if (result != Result::ok && in_chain && !chain_broken) {
      chain_broken = true;
      state_ = saved;
      for (size_t j = chain_start; j < i; j++) results[j] = Result::linked_event_failed;
    }
    results[i] = result;
    if (in_chain && (!is_linked || result == Result::linked_event_chain_open)) {
      in_chain = false;
      chain_broken = false;
    }
  }
  last_timestamp_ = base + events.size();
  return results;
}

void ReferenceLedger::expire_due(uint64_t timestamp) {
  for (const auto& [id, expires_at_ns] : state_.expires_at_ns) {
    PendingState& state = state_.pending_states.at(id);
    if (state != PendingState::pending || expires_at_ns > timestamp) continue;
    const Transfer& p = state_.transfers.at(id);
    state_.accounts.at(p.debit_account_id).debits_pending -= p.amount;
    state_.accounts.at(p.credit_account_id).credits_pending -= p.amount;
    state = PendingState::expired;
  }
}

uint32_t ReferenceLedger::expire_pending_transfers(uint64_t now_ns) {
  auto expired_count = [this] {
    uint32_t count = 0;
    for (const auto& [id, state] : state_.pending_states) {
      if (state == PendingState::expired) count++;
    }
    return count;
  };
  const uint32_t before = expired_count();
  // The clock moves to the expiry point: a later batch at an earlier now_ns must not stamp a
  // post before the time at which its pending transfer was already expired.
  last_timestamp_ = std::max(now_ns, last_timestamp_);
  expire_due(last_timestamp_);
  return expired_count() - before;
}

std::vector<CreateAccountResult> ReferenceLedger::create_accounts(uint64_t now_ns,
                                                                  std::span<const Account> events) {
  return apply_batch<Account, AR>(now_ns, events, [this](uint64_t timestamp, const Account& e) {
    return create_account(timestamp, e);
  });
}

std::vector<CreateTransferResult> ReferenceLedger::create_transfers(
    uint64_t now_ns, std::span<const Transfer> events) {
  return apply_batch<Transfer, TR>(now_ns, events, [this](uint64_t timestamp, const Transfer& e) {
    return create_transfer(timestamp, e);
  });
}

CreateAccountResult ReferenceLedger::create_account(uint64_t timestamp, const Account& e) {
  if (e.timestamp != 0) return AR::timestamp_must_be_zero;
  if (e.reserved != 0) return AR::reserved_field;
  if ((e.flags & ~account_flags_known) != 0) return AR::reserved_flag;
  if (e.id == 0) return AR::id_must_not_be_zero;
  if (e.id == u128_max) return AR::id_must_not_be_int_max;
  if (has_flag(e.flags, AccountFlags::debits_must_not_exceed_credits) &&
      has_flag(e.flags, AccountFlags::credits_must_not_exceed_debits)) {
    return AR::flags_are_mutually_exclusive;
  }
  if (e.debits_pending != 0) return AR::debits_pending_must_be_zero;
  if (e.debits_posted != 0) return AR::debits_posted_must_be_zero;
  if (e.credits_pending != 0) return AR::credits_pending_must_be_zero;
  if (e.credits_posted != 0) return AR::credits_posted_must_be_zero;
  if (e.ledger == 0) return AR::ledger_must_not_be_zero;
  if (e.code == 0) return AR::code_must_not_be_zero;
  if (auto found = state_.accounts.find(e.id); found != state_.accounts.end()) {
    const Account& s = found->second;
    if (e.flags != s.flags) return AR::exists_with_different_flags;
    if (e.user_data_128 != s.user_data_128) return AR::exists_with_different_user_data_128;
    if (e.user_data_64 != s.user_data_64) return AR::exists_with_different_user_data_64;
    if (e.user_data_32 != s.user_data_32) return AR::exists_with_different_user_data_32;
    if (e.ledger != s.ledger) return AR::exists_with_different_ledger;
    if (e.code != s.code) return AR::exists_with_different_code;
    return AR::exists;
  }
  if (state_.accounts.size() >= config_.accounts_max) return AR::accounts_capacity_reached;
  Account record = e;
  record.timestamp = timestamp;
  state_.accounts[e.id] = record;
  return AR::ok;
}

CreateTransferResult ReferenceLedger::create_transfer(uint64_t timestamp, const Transfer& e) {
  if (e.timestamp != 0) return TR::timestamp_must_be_zero;
  if ((e.flags & ~transfer_flags_known) != 0) return TR::reserved_flag;
  if (e.id == 0) return TR::id_must_not_be_zero;
  if (e.id == u128_max) return TR::id_must_not_be_int_max;
  if (auto found = state_.transfers.find(e.id); found != state_.transfers.end()) {
    return compare_existing(e, found->second);
  }
  if (failed_ids_.count(e.id) != 0) return TR::id_already_failed;
  const int kinds = has_flag(e.flags, TransferFlags::pending) +
                    has_flag(e.flags, TransferFlags::post_pending_transfer) +
                    has_flag(e.flags, TransferFlags::void_pending_transfer);
  if (kinds > 1) return TR::flags_are_mutually_exclusive;
  const bool resolve = has_flag(e.flags, TransferFlags::post_pending_transfer) ||
                       has_flag(e.flags, TransferFlags::void_pending_transfer);
  TR result = resolve ? resolve_pending_transfer(timestamp, e) : create_new_transfer(timestamp, e);
  // Remembered failures: a transient failure burns the id, unless the table is full.
  if (is_transient(result)) {
    if (failed_ids_.size() >= config_.failed_ids_max) return TR::transfers_capacity_reached;
    failed_ids_.insert(e.id);
  }
  return result;
}

// A post or void inherits the fields it leaves zero, so only the fields it gave are compared.
CreateTransferResult ReferenceLedger::compare_existing(const Transfer& e, const Transfer& s) const {
  const bool resolve = has_flag(e.flags, TransferFlags::post_pending_transfer) ||
                       has_flag(e.flags, TransferFlags::void_pending_transfer);
  auto differs = [resolve](u128 given, u128 stored) {
    return resolve ? (given != 0 && given != stored) : given != stored;
  };
  if (e.flags != s.flags) return TR::exists_with_different_flags;
  if (e.pending_id != s.pending_id) return TR::exists_with_different_pending_id;
  if (e.timeout_s != s.timeout_s) return TR::exists_with_different_timeout;
  if (differs(e.debit_account_id, s.debit_account_id)) {
    return TR::exists_with_different_debit_account_id;
  }
  if (differs(e.credit_account_id, s.credit_account_id)) {
    return TR::exists_with_different_credit_account_id;
  }
  if (differs(e.amount, s.amount)) return TR::exists_with_different_amount;
  if (differs(e.user_data_128, s.user_data_128)) return TR::exists_with_different_user_data_128;
  if (differs(e.user_data_64, s.user_data_64)) return TR::exists_with_different_user_data_64;
  if (differs(e.user_data_32, s.user_data_32)) return TR::exists_with_different_user_data_32;
  if (differs(e.ledger, s.ledger)) return TR::exists_with_different_ledger;
  if (differs(e.code, s.code)) return TR::exists_with_different_code;
  return TR::exists;
}

CreateTransferResult ReferenceLedger::create_new_transfer(uint64_t timestamp, const Transfer& e) {
  const bool is_pending = has_flag(e.flags, TransferFlags::pending);
  if (e.debit_account_id == 0) return TR::debit_account_id_must_not_be_zero;
  if (e.debit_account_id == u128_max) return TR::debit_account_id_must_not_be_int_max;
  if (e.credit_account_id == 0) return TR::credit_account_id_must_not_be_zero;
  if (e.credit_account_id == u128_max) return TR::credit_account_id_must_not_be_int_max;
  if (e.debit_account_id == e.credit_account_id) return TR::accounts_must_be_different;
  if (e.pending_id != 0) return TR::pending_id_must_be_zero;
  if (e.timeout_s != 0 && !is_pending) return TR::timeout_reserved_for_pending_transfer;
  if (e.ledger == 0) return TR::ledger_must_not_be_zero;
  if (e.code == 0) return TR::code_must_not_be_zero;
  if (e.amount == 0) return TR::amount_must_not_be_zero;
  auto dr_found = state_.accounts.find(e.debit_account_id);
  if (dr_found == state_.accounts.end()) return TR::debit_account_not_found;
  auto cr_found = state_.accounts.find(e.credit_account_id);
  if (cr_found == state_.accounts.end()) return TR::credit_account_not_found;
  Account& dr = dr_found->second;
  Account& cr = cr_found->second;
  if (dr.ledger != cr.ledger) return TR::accounts_must_have_the_same_ledger;
  if (e.ledger != dr.ledger) return TR::transfer_must_have_the_same_ledger_as_accounts;
  const u128 amount = e.amount;
  if (is_pending && sum_overflows(dr.debits_pending, amount)) return TR::overflows_debits_pending;
  if (is_pending && sum_overflows(cr.credits_pending, amount)) {
    return TR::overflows_credits_pending;
  }
  if (sum_overflows(dr.debits_posted, amount)) return TR::overflows_debits_posted;
  if (sum_overflows(cr.credits_posted, amount)) return TR::overflows_credits_posted;
  if (sum_overflows(dr.debits_pending, dr.debits_posted, amount)) return TR::overflows_debits;
  if (sum_overflows(cr.credits_pending, cr.credits_posted, amount)) return TR::overflows_credits;
  const u128 expires_at_ns = u128{timestamp} + u128{e.timeout_s} * ns_per_s;
  if (is_pending && expires_at_ns > UINT64_MAX) return TR::overflows_timeout;
  if (has_flag(dr.flags, AccountFlags::debits_must_not_exceed_credits) &&
      dr.debits_pending + dr.debits_posted + amount > dr.credits_posted) {
    return TR::exceeds_credits;
  }
  if (has_flag(cr.flags, AccountFlags::credits_must_not_exceed_debits) &&
      cr.credits_pending + cr.credits_posted + amount > cr.debits_posted) {
    return TR::exceeds_debits;
  }
  if (state_.transfers.size() >= config_.transfers_max) return TR::transfers_capacity_reached;
  Transfer record = e;
  record.timestamp = timestamp;
  state_.transfers[e.id] = record;
  if (is_pending) {
    dr.debits_pending += amount;
    cr.credits_pending += amount;
    state_.pending_states[e.id] = PendingState::pending;
    if (e.timeout_s != 0) state_.expires_at_ns[e.id] = static_cast<uint64_t>(expires_at_ns);
  } else {
    dr.debits_posted += amount;
    cr.credits_posted += amount;
  }
  return TR::ok;
}

CreateTransferResult ReferenceLedger::resolve_pending_transfer(uint64_t timestamp,
                                                               const Transfer& e) {
  const bool is_post = has_flag(e.flags, TransferFlags::post_pending_transfer);
  if (e.pending_id == 0) return TR::pending_id_must_not_be_zero;
  if (e.pending_id == u128_max) return TR::pending_id_must_not_be_int_max;
  if (e.pending_id == e.id) return TR::pending_id_must_be_different;
  if (e.timeout_s != 0) return TR::timeout_reserved_for_pending_transfer;
  auto found = state_.transfers.find(e.pending_id);
  if (found == state_.transfers.end()) return TR::pending_transfer_not_found;
  const Transfer& p = found->second;
  if (!has_flag(p.flags, TransferFlags::pending)) return TR::pending_transfer_not_pending;
  if (e.debit_account_id != 0 && e.debit_account_id != p.debit_account_id) {
    return TR::pending_transfer_has_different_debit_account_id;
  }
  if (e.credit_account_id != 0 && e.credit_account_id != p.credit_account_id) {
    return TR::pending_transfer_has_different_credit_account_id;
  }
  if (e.ledger != 0 && e.ledger != p.ledger) return TR::pending_transfer_has_different_ledger;
  if (e.code != 0 && e.code != p.code) return TR::pending_transfer_has_different_code;
  if (e.amount > p.amount) return TR::exceeds_pending_transfer_amount;
  if (!is_post && e.amount != 0 && e.amount != p.amount) {
    return TR::pending_transfer_has_different_amount;
  }
  PendingState& state = state_.pending_states.at(p.id);
  if (state == PendingState::posted) return TR::pending_transfer_already_posted;
  if (state == PendingState::voided) return TR::pending_transfer_already_voided;
  if (state == PendingState::expired) return TR::pending_transfer_expired;
  KERVAN_ASSERT(state == PendingState::pending);
  if (auto due = state_.expires_at_ns.find(p.id);
      due != state_.expires_at_ns.end() && timestamp >= due->second) {
    return TR::pending_transfer_expired;
  }
  Account& dr = state_.accounts.at(p.debit_account_id);
  Account& cr = state_.accounts.at(p.credit_account_id);
  const u128 posted = is_post ? (e.amount != 0 ? e.amount : p.amount) : 0;
  if (is_post && sum_overflows(dr.debits_posted, posted)) return TR::overflows_debits_posted;
  if (is_post && sum_overflows(cr.credits_posted, posted)) return TR::overflows_credits_posted;
  if (state_.transfers.size() >= config_.transfers_max) return TR::transfers_capacity_reached;
  Transfer record = e;
  record.debit_account_id = p.debit_account_id;
  record.credit_account_id = p.credit_account_id;
  // The amount actually posted; a void records the pending amount it released (TigerBeetle),
  // so that the same void sent again with its amount given is `exists`.
  record.amount = is_post ? posted : p.amount;
  if (record.user_data_128 == 0) record.user_data_128 = p.user_data_128;
  if (record.user_data_64 == 0) record.user_data_64 = p.user_data_64;
  if (record.user_data_32 == 0) record.user_data_32 = p.user_data_32;
  record.ledger = p.ledger;
  record.code = p.code;
  record.timestamp = timestamp;
  dr.debits_pending -= p.amount;
  cr.credits_pending -= p.amount;
  dr.debits_posted += posted;
  cr.credits_posted += posted;
  state = is_post ? PendingState::posted : PendingState::voided;
  state_.transfers[e.id] = record;
  return TR::ok;
}

const Account* ReferenceLedger::lookup_account(u128 id) const {
  auto found = state_.accounts.find(id);
  return found == state_.accounts.end() ? nullptr : &found->second;
}

const Transfer* ReferenceLedger::lookup_transfer(u128 id) const {
  auto found = state_.transfers.find(id);
  return found == state_.transfers.end() ? nullptr : &found->second;
}

PendingState ReferenceLedger::pending_state(u128 transfer_id) const {
  auto found = state_.pending_states.find(transfer_id);
  return found == state_.pending_states.end() ? PendingState::not_pending : found->second;
}

}  // namespace kervan::testing

namespace kervan::testing {

namespace {

std::string number(u128 value) {
  if (value == u128_max) return "max";
  if (value > u128_max - 1000) return "max-" + to_string_u128(u128_max - value);
  return to_string_u128(value);
}

// The name of the first field that differs, or empty.
std::string first_difference(const Account& a, const Account& b) {
  if (a.id != b.id) return "id";
  if (a.debits_pending != b.debits_pending) return "debits_pending";
  if (a.debits_posted != b.debits_posted) return "debits_posted";
  if (a.credits_pending != b.credits_pending) return "credits_pending";
  if (a.credits_posted != b.credits_posted) return "credits_posted";
  if (a.user_data_128 != b.user_data_128) return "user_data_128";
  if (a.user_data_64 != b.user_data_64) return "user_data_64";
  if (a.user_data_32 != b.user_data_32) return "user_data_32";
  if (a.reserved != b.reserved) return "reserved";
  if (a.ledger != b.ledger) return "ledger";
  if (a.code != b.code) return "code";
  if (a.flags != b.flags) return "flags";
  if (a.timestamp != b.timestamp) return "timestamp";
  return "";
}

std::string first_difference(const Transfer& a, const Transfer& b) {
  if (a.id != b.id) return "id";
  if (a.debit_account_id != b.debit_account_id) return "debit_account_id";
  if (a.credit_account_id != b.credit_account_id) return "credit_account_id";
  if (a.amount != b.amount) return "amount";
  if (a.pending_id != b.pending_id) return "pending_id";
  if (a.user_data_128 != b.user_data_128) return "user_data_128";
  if (a.user_data_64 != b.user_data_64) return "user_data_64";
  if (a.user_data_32 != b.user_data_32) return "user_data_32";
  if (a.timeout_s != b.timeout_s) return "timeout_s";
  if (a.ledger != b.ledger) return "ledger";
  if (a.code != b.code) return "code";
  if (a.flags != b.flags) return "flags";
  if (a.timestamp != b.timestamp) return "timestamp";
  return "";
}

struct Balances {
  u128 debits_pending = 0;
  u128 debits_posted = 0;
  u128 credits_pending = 0;
  u128 credits_posted = 0;
};

}  // namespace

std::string describe(const Account& a) {
  std::ostringstream out;
  out << "Account{id=" << number(a.id) << " dp=" << number(a.debits_pending)
      << " dpo=" << number(a.debits_posted) << " cp=" << number(a.credits_pending)
      << " cpo=" << number(a.credits_posted) << " ud128=" << number(a.user_data_128)
      << " ud64=" << a.user_data_64 << " ud32=" << a.user_data_32 << " reserved=" << a.reserved
      << " ledger=" << a.ledger << " code=" << a.code << " flags=" << a.flags
      << " ts=" << a.timestamp << "}";
  return out.str();
}

std::string describe(const Transfer& t) {
  std::ostringstream out;
  out << "Transfer{id=" << number(t.id) << " dr=" << number(t.debit_account_id)
      << " cr=" << number(t.credit_account_id) << " amount=" << number(t.amount)
      << " pending_id=" << number(t.pending_id) << " ud128=" << number(t.user_data_128)
      << " ud64=" << t.user_data_64 << " ud32=" << t.user_data_32 << " timeout_s=" << t.timeout_s
      << " ledger=" << t.ledger << " code=" << t.code << " flags=" << t.flags
      << " ts=" << t.timestamp << "}";
  return out.str();
}

std::string diff_account(const StateMachine& real, const ReferenceLedger& reference, u128 id) {
  const Account* actual = real.lookup_account(id);
  const Account* expected = reference.lookup_account(id);
  if (actual == nullptr && expected == nullptr) return "";
  if (actual == nullptr) return "account missing in real: " + describe(*expected);
  if (expected == nullptr) return "account not in the reference: " + describe(*actual);
  if (std::string field = first_difference(*actual, *expected); !field.empty()) {
    return "account differs in " + field + ": real=" + describe(*actual) +
           " reference=" + describe(*expected);
  }
  return "";
}

std::string diff_transfer(const StateMachine& real, const ReferenceLedger& reference, u128 id) {
  const Transfer* actual = real.lookup_transfer(id);
  const Transfer* expected = reference.lookup_transfer(id);
  if (actual == nullptr && expected == nullptr) return "";
  if (actual == nullptr) return "transfer missing in real: " + describe(*expected);
  if (expected == nullptr) return "transfer not in the reference: " + describe(*actual);
  if (std::string field = first_difference(*actual, *expected); !field.empty()) {
    return "transfer differs in " + field + ": real=" + describe(*actual) +
           " reference=" + describe(*expected);
  }
  if (real.pending_state(id) != reference.pending_state(id)) {
    std::ostringstream out;
    out << "pending state of " << describe(*expected)
        << ": real=" << static_cast<int>(real.pending_state(id))
        << " reference=" << static_cast<int>(reference.pending_state(id));
    return out.str();
  }
  return "";
}

std::string diff_totals(const StateMachine& real, const ReferenceLedger& reference) {
  std::ostringstream out;
  if (real.last_timestamp() != reference.last_timestamp()) {
    out << "last_timestamp: real=" << real.last_timestamp()
        << " reference=" << reference.last_timestamp();
  } else if (real.accounts_count() != reference.accounts().size() ||
             real.transfers_count() != reference.transfers().size() ||
             real.failed_ids_count() != reference.failed_ids_count()) {
    out << "counts (accounts, transfers, failed ids): real=" << real.accounts_count() << ","
        << real.transfers_count() << "," << real.failed_ids_count()
        << " reference=" << reference.accounts().size() << "," << reference.transfers().size()
        << "," << reference.failed_ids_count();
  }
  return out.str();
}

std::string diff_state(const StateMachine& real, const ReferenceLedger& reference) {
  if (std::string diff = diff_totals(real, reference); !diff.empty()) return diff;
  // Equal counts and every reference record found equal: the real holds no other record.
  for (const auto& [id, expected] : reference.accounts()) {
    if (std::string diff = diff_account(real, reference, id); !diff.empty()) return diff;
  }
  for (const auto& [id, expected] : reference.transfers()) {
    if (std::string diff = diff_transfer(real, reference, id); !diff.empty()) return diff;
  }
  return "";
}

std::string check_invariants(const StateMachine& real) {
  std::ostringstream out;
  std::map<uint32_t, Balances> ledgers;
  for (const Account& a : real.accounts()) {
    Balances& sums = ledgers[a.ledger];
    sums.debits_pending += a.debits_pending;  // Wraps: compared modulo 2^128.
    sums.debits_posted += a.debits_posted;
    sums.credits_pending += a.credits_pending;
    sums.credits_posted += a.credits_posted;
    if (has_flag(a.flags, AccountFlags::debits_must_not_exceed_credits) &&
        (a.debits_pending + a.debits_posted < a.debits_pending ||
         a.debits_pending + a.debits_posted > a.credits_posted)) {
      return "debits exceed credits: " + describe(a);
    }
    if (has_flag(a.flags, AccountFlags::credits_must_not_exceed_debits) &&
        (a.credits_pending + a.credits_posted < a.credits_pending ||
         a.credits_pending + a.credits_posted > a.debits_posted)) {
      return "credits exceed debits: " + describe(a);
    }
  }
  for (const auto& [ledger, sums] : ledgers) {
    if (sums.debits_pending != sums.credits_pending || sums.debits_posted != sums.credits_posted) {
      out << "ledger " << ledger << " does not balance";
      return out.str();
    }
  }
  const std::span<const Transfer> transfers = real.transfers();
  const std::span<const PendingState> states = real.pending_states();
  if (transfers.size() != states.size()) return "pending_states() not parallel to transfers()";
  std::map<u128, Balances> expected;
  std::map<u128, int> posts;
  std::map<u128, int> voids;
  std::vector<uint64_t> timestamps;
  for (size_t i = 0; i < transfers.size(); i++) {
    const Transfer& t = transfers[i];
    timestamps.push_back(t.timestamp);
    if (t.timestamp > real.last_timestamp() || t.timestamp == 0) {
      return "transfer timestamp out of range: " + describe(t);
    }
    const bool is_pending = has_flag(t.flags, TransferFlags::pending);
    if (is_pending != (states[i] != PendingState::not_pending)) {
      return "pending state does not match the flags: " + describe(t);
    }
    if (states[i] == PendingState::pending) {
      expected[t.debit_account_id].debits_pending += t.amount;
      expected[t.credit_account_id].credits_pending += t.amount;
    }
    if (has_flag(t.flags, TransferFlags::void_pending_transfer)) {
      voids[t.pending_id]++;
    } else if (!is_pending) {
      if (has_flag(t.flags, TransferFlags::post_pending_transfer)) posts[t.pending_id]++;
      expected[t.debit_account_id].debits_posted += t.amount;
      expected[t.credit_account_id].credits_posted += t.amount;
    }
  }
  for (size_t i = 0; i < transfers.size(); i++) {
    if (states[i] == PendingState::not_pending) continue;
    const int post_count = posts.count(transfers[i].id) ? posts[transfers[i].id] : 0;
    const int void_count = voids.count(transfers[i].id) ? voids[transfers[i].id] : 0;
    const bool consistent = post_count + void_count <= 1 &&
                            (post_count == 1) == (states[i] == PendingState::posted) &&
                            (void_count == 1) == (states[i] == PendingState::voided);
    if (!consistent) return "pending transfer resolved inconsistently: " + describe(transfers[i]);
  }
  for (const Account& a : real.accounts()) {
    timestamps.push_back(a.timestamp);
    if (a.timestamp > real.last_timestamp() || a.timestamp == 0) {
      return "account timestamp out of range: " + describe(a);
    }
    const Balances sums = expected.count(a.id) ? expected[a.id] : Balances{};
    if (sums.debits_pending != a.debits_pending || sums.debits_posted != a.debits_posted ||
        sums.credits_pending != a.credits_pending || sums.credits_posted != a.credits_posted) {
      return "balances differ from the sum of the account's transfers: " + describe(a);
    }
  }
  std::sort(timestamps.begin(), timestamps.end());
  if (std::adjacent_find(timestamps.begin(), timestamps.end()) != timestamps.end()) {
    return "two records share a timestamp";
  }
  return "";
}

}  // namespace kervan::testing
