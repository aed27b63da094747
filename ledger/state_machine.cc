#include "ledger/state_machine.h"

#include <algorithm>

#include "core/bytes.h"
#include "core/prefetch.h"
#include "ledger/record_coding.h"
#include "ledger/state_hash.h"

namespace kervan {

namespace {

constexpr uint32_t failed_flag = 1u << 31;  // In transfer_ids_: the value names a failed id.
static_assert(ledger_records_max < failed_flag);

using TR = CreateTransferResult;
using AR = CreateAccountResult;

}  // namespace

namespace {

// Min-heap order on (expires_at, index): ties resolve by creation order, deterministically.
struct ExpiresLater {
  template <typename E>
  bool operator()(const E& a, const E& b) const {
    if (a.expires_at_ns != b.expires_at_ns) return a.expires_at_ns > b.expires_at_ns;
    return a.transfer_index > b.transfer_index;
  }
};

// Checked before any table is allocated from it.
const LedgerConfig& valid(const LedgerConfig& config) {
  KERVAN_ASSERT(config.accounts_max >= 1 && config.accounts_max <= ledger_records_max);
  KERVAN_ASSERT(config.transfers_max >= 1 && config.transfers_max <= ledger_records_max);
  KERVAN_ASSERT(config.failed_ids_max >= 1 && config.failed_ids_max <= ledger_records_max);
  return config;
}

}  // namespace

StateMachine::StateMachine(const LedgerConfig& config)
    : config_(valid(config)),
      accounts_(config.accounts_max, config.prefault),
      account_links_(config.accounts_max, config.prefault),
      account_ids_(config.accounts_max, config.hash_seed, config.prefault),
      transfers_(config.transfers_max, config.prefault),
      transfer_links_(config.transfers_max, config.prefault),
      pending_states_(config.transfers_max, config.prefault),
      failed_(config.failed_ids_max, config.prefault),
      transfer_ids_(config.transfers_max + config.failed_ids_max, config.hash_seed ^ 0x5bd1e995u,
                    config.prefault),
      expiry_heap_(config.transfers_max, config.prefault),
      expiry_deferred_(batch_events_max),
      undo_log_(size_t{batch_events_max} * undo_entries_per_event_max) {}

StateMachine::~StateMachine() = default;

uint64_t StateMachine::bytes_allocated() const {
  return accounts_.bytes_allocated() + account_links_.bytes_allocated() +
         account_ids_.bytes_allocated() + transfers_.bytes_allocated() +
         transfer_links_.bytes_allocated() + pending_states_.bytes_allocated() +
         failed_.bytes_allocated() + transfer_ids_.bytes_allocated() +
         expiry_heap_.bytes_allocated() + expiry_deferred_.bytes_allocated() +
         undo_log_.bytes_allocated();
}

// ---- Batches --------------------------------------------------------------------------------

uint64_t StateMachine::begin_batch(uint64_t now_ns, uint32_t events_count) {
  KERVAN_ASSERT(events_count <= batch_events_max);
  KERVAN_ASSERT(!scope_is_open_ && !restore_failed_);
  const uint64_t base = std::max(now_ns, last_timestamp_);
  KERVAN_ASSERT(base < UINT64_MAX - batch_events_max - 1);  // Centuries away.
  expire_due(base + 1);
  last_timestamp_ = base + events_count;
  return base;
}

// Applies events one by one; a linked chain (events flagged `linked` up to and including the
// first one not flagged) succeeds or fails as a whole: on the first failure every change of
// the chain is undone, the failing event keeps its own result, the others of the chain get
// linked_event_failed. A chain still open at the end of the batch fails with
// linked_event_chain_open on its last event.
template <typename Event, typename Result, typename Apply, typename OnFailure, typename Prefetch>
void StateMachine::apply_batch(uint64_t base, std::span<const Event> events,
                               std::span<Result> results, Apply apply, OnFailure on_failure,
                               Prefetch prefetch) {
  KERVAN_ASSERT(results.size() == events.size());
  const size_t count = events.size();
  size_t chain_start = SIZE_MAX;
  bool chain_broken = false;
  // Lookups miss the cache on large ledgers. Two stages: the id buckets of the event 16 ahead,
  // then, once those are cached, the account records of the event 4 ahead.
  constexpr size_t buckets_ahead = 16;
  constexpr size_t records_ahead = 4;
  for (size_t i = 0; i < std::min(count, buckets_ahead); ++i) prefetch(events[i], false);
  for (size_t i = 0; i < std::min(count, records_ahead); ++i) prefetch(events[i], true);
  for (size_t i = 0; i < count; ++i) {
    if (i + buckets_ahead < count) prefetch(events[i + buckets_ahead], false);
    if (i + records_ahead < count) prefetch(events[i + records_ahead], true);
    const Event& event = events[i];
    const uint64_t timestamp = base + i + 1;
    const bool linked = (event.flags & 1u) != 0;  // Bit 0 is `linked` for both record kinds.
    if (linked && chain_start == SIZE_MAX) {
      chain_start = i;
      scope_open();
    }
    Result result = Result::ok;
    if (linked && i == count - 1) {
      result = Result::linked_event_chain_open;  // Even when the chain broke earlier.
    } else if (chain_start != SIZE_MAX && chain_broken) {
      result = Result::linked_event_failed;
    } else {
      result = apply(timestamp, event);
    }
    if (result != Result::ok && chain_start != SIZE_MAX && !chain_broken) {
      chain_broken = true;
      scope_rollback();
      for (size_t j = chain_start; j < i; ++j) results[j] = Result::linked_event_failed;
    }
    results[i] = result;
    if (result != Result::ok) on_failure(timestamp, event, result);
    if (chain_start != SIZE_MAX && (!linked || i == count - 1)) {
      if (!chain_broken) scope_commit();
      chain_start = SIZE_MAX;
      chain_broken = false;
    }
  }
}

void StateMachine::create_accounts(uint64_t now_ns, std::span<const Account> events,
                                   std::span<CreateAccountResult> results) {
  const uint64_t base = begin_batch(now_ns, static_cast<uint32_t>(events.size()));
  apply_batch(
      base, events, results,
      [this](uint64_t timestamp, const Account& event) { return create_account(timestamp, event); },
      [](uint64_t, const Account&, CreateAccountResult) {},
      [this](const Account& event, bool records) {
        if (!records) account_ids_.prefetch(event.id);
      });
}

void StateMachine::create_transfers(uint64_t now_ns, std::span<const Transfer> events,
                                    std::span<CreateTransferResult> results) {
  const uint64_t base = begin_batch(now_ns, static_cast<uint32_t>(events.size()));
  apply_batch(
      base, events, results,
      [this](uint64_t timestamp, const Transfer& event) {
        return create_transfer(timestamp, event);
      },
      [this](uint64_t timestamp, const Transfer& event, CreateTransferResult result) {
        if (is_transient(result)) remember_failure(event.id, result, timestamp);
      },
      [this](const Transfer& event, bool records) {
        if (records) {
          prefetch_account(event.debit_account_id);
          prefetch_account(event.credit_account_id);
          if (event.pending_id != 0) prefetch_transfer(event.pending_id);
          return;
        }
        transfer_ids_.prefetch(event.id);
        if (event.pending_id != 0) transfer_ids_.prefetch(event.pending_id);
        if (event.debit_account_id != 0) account_ids_.prefetch(event.debit_account_id);
        if (event.credit_account_id != 0) account_ids_.prefetch(event.credit_account_id);
      });
}

uint32_t StateMachine::expire_pending_transfers(uint64_t now_ns) {
  KERVAN_ASSERT(!scope_is_open_ && !restore_failed_);
  const uint64_t base = std::max(now_ns, last_timestamp_);
  const uint32_t expired_before = expired_count_;
  expire_due(base);
  last_timestamp_ = base;
  return expired_count_ - expired_before;
}

void StateMachine::expire_due(uint64_t timestamp) {
  KERVAN_ASSERT(!scope_is_open_);
  while (!expiry_heap_.empty() && expiry_heap_.front().expires_at_ns <= timestamp) {
    std::pop_heap(expiry_heap_.begin(), expiry_heap_.end(), ExpiresLater{});
    const uint32_t index = expiry_heap_.back().transfer_index;
    expiry_heap_.pop_back();
    // Entries of transfers posted or voided before their timeout are skipped here.
    if (pending_states_[index] != PendingState::pending) continue;
    const Transfer& pending = transfers_[index];
    Account& debit = accounts_[account_index(pending.debit_account_id)];
    Account& credit = accounts_[account_index(pending.credit_account_id)];
    KERVAN_ASSERT(debit.debits_pending >= pending.amount);
    KERVAN_ASSERT(credit.credits_pending >= pending.amount);
    debit.debits_pending -= pending.amount;
    credit.credits_pending -= pending.amount;
    pending_states_[index] = PendingState::expired;
    expired_count_ += 1;
  }
}

// ---- Accounts -------------------------------------------------------------------------------

namespace {

AR compare_existing_account(const Account& existing, const Account& event) {
  if (existing.flags != event.flags) return AR::exists_with_different_flags;
  if (existing.user_data_128 != event.user_data_128) {
    return AR::exists_with_different_user_data_128;
  }
  if (existing.user_data_64 != event.user_data_64) return AR::exists_with_different_user_data_64;
  if (existing.user_data_32 != event.user_data_32) return AR::exists_with_different_user_data_32;
  if (existing.ledger != event.ledger) return AR::exists_with_different_ledger;
  if (existing.code != event.code) return AR::exists_with_different_code;
  return AR::exists;
}

}  // namespace

CreateAccountResult StateMachine::create_account(uint64_t timestamp, const Account& event) {
  if (event.timestamp != 0) return AR::timestamp_must_be_zero;
  if (event.reserved != 0) return AR::reserved_field;
  if ((event.flags & ~account_flags_known) != 0) return AR::reserved_flag;
  if (event.id == 0) return AR::id_must_not_be_zero;
  if (event.id == u128_max) return AR::id_must_not_be_int_max;
  if (has_flag(event.flags, AccountFlags::debits_must_not_exceed_credits) &&
      has_flag(event.flags, AccountFlags::credits_must_not_exceed_debits)) {
    return AR::flags_are_mutually_exclusive;
  }
  if (event.debits_pending != 0) return AR::debits_pending_must_be_zero;
  if (event.debits_posted != 0) return AR::debits_posted_must_be_zero;
  if (event.credits_pending != 0) return AR::credits_pending_must_be_zero;
  if (event.credits_posted != 0) return AR::credits_posted_must_be_zero;
  if (event.ledger == 0) return AR::ledger_must_not_be_zero;
  if (event.code == 0) return AR::code_must_not_be_zero;

  const uint32_t existing = account_index(event.id);
  if (existing != index_none) return compare_existing_account(accounts_[existing], event);
  if (accounts_.size() == config_.accounts_max) return AR::accounts_capacity_reached;

  Account record = event;
  record.timestamp = timestamp;
  const uint32_t index = static_cast<uint32_t>(accounts_.size());
  accounts_.push_back(record);
  account_links_.push_back(AccountLinks{});
  account_ids_.insert(record.id, index);
  if (scope_is_open_) {
    undo_log_.push_back(UndoEntry{.kind = UndoEntry::Kind::account_created, .index = index});
  }
  return AR::ok;
}

// ---- Transfers ------------------------------------------------------------------------------

namespace {

TR compare_existing_transfer(const Transfer& existing, const Transfer& event) {
  if (existing.flags != event.flags) return TR::exists_with_different_flags;
  if (existing.pending_id != event.pending_id) return TR::exists_with_different_pending_id;
  if (existing.timeout_s != event.timeout_s) return TR::exists_with_different_timeout;
  // A post or void inherits the fields it leaves zero from its pending transfer: compare only
  // the ones the event gave.
  const bool resolves = has_flag(event.flags, TransferFlags::post_pending_transfer) ||
                        has_flag(event.flags, TransferFlags::void_pending_transfer);
  const auto differs = [resolves](auto stored, auto given) {
    return resolves ? (given != 0 && given != stored) : given != stored;
  };
  if (differs(existing.debit_account_id, event.debit_account_id)) {
    return TR::exists_with_different_debit_account_id;
  }
  if (differs(existing.credit_account_id, event.credit_account_id)) {
    return TR::exists_with_different_credit_account_id;
  }
  if (differs(existing.amount, event.amount)) return TR::exists_with_different_amount;
  if (differs(existing.user_data_128, event.user_data_128)) {
    return TR::exists_with_different_user_data_128;
  }
  if (differs(existing.user_data_64, event.user_data_64)) {
    return TR::exists_with_different_user_data_64;
  }
  if (differs(existing.user_data_32, event.user_data_32)) {
    return TR::exists_with_different_user_data_32;
  }
  if (differs(existing.ledger, event.ledger)) return TR::exists_with_different_ledger;
  if (differs(existing.code, event.code)) return TR::exists_with_different_code;
  return TR::exists;
}

// Checks that need nothing but the event itself (single-phase and pending transfers).
TR validate_new_transfer(const Transfer& event) {
  if (event.debit_account_id == 0) return TR::debit_account_id_must_not_be_zero;
  if (event.debit_account_id == u128_max) return TR::debit_account_id_must_not_be_int_max;
  if (event.credit_account_id == 0) return TR::credit_account_id_must_not_be_zero;
  if (event.credit_account_id == u128_max) return TR::credit_account_id_must_not_be_int_max;
  if (event.debit_account_id == event.credit_account_id) return TR::accounts_must_be_different;
  if (event.pending_id != 0) return TR::pending_id_must_be_zero;
  if (event.timeout_s != 0 && !has_flag(event.flags, TransferFlags::pending)) {
    return TR::timeout_reserved_for_pending_transfer;
  }
  if (event.ledger == 0) return TR::ledger_must_not_be_zero;
  if (event.code == 0) return TR::code_must_not_be_zero;
  if (event.amount == 0) return TR::amount_must_not_be_zero;
  return TR::ok;
}

}  // namespace

// A transient failure must be remembered; when there is no room left to remember it, the event
// is refused as a whole (nothing recorded, so a later retry is safe).
CreateTransferResult StateMachine::create_transfer(uint64_t timestamp, const Transfer& event) {
  const CreateTransferResult result = create_transfer_unchecked(timestamp, event);
  if (is_transient(result) && failed_.size() == config_.failed_ids_max) {
    return TR::transfers_capacity_reached;
  }
  return result;
}

CreateTransferResult StateMachine::create_transfer_unchecked(uint64_t timestamp,
                                                             const Transfer& event) {
  if (event.timestamp != 0) return TR::timestamp_must_be_zero;
  if ((event.flags & ~transfer_flags_known) != 0) return TR::reserved_flag;
  if (event.id == 0) return TR::id_must_not_be_zero;
  if (event.id == u128_max) return TR::id_must_not_be_int_max;
  const uint32_t slot = transfer_ids_.find(event.id);
  if (slot != IdTable::value_none) {
    if ((slot & failed_flag) != 0) return TR::id_already_failed;
    return compare_existing_transfer(transfers_[slot], event);
  }
  const int kinds = int{has_flag(event.flags, TransferFlags::pending)} +
                    int{has_flag(event.flags, TransferFlags::post_pending_transfer)} +
                    int{has_flag(event.flags, TransferFlags::void_pending_transfer)};
  if (kinds > 1) return TR::flags_are_mutually_exclusive;
  if (kinds == 1 && !has_flag(event.flags, TransferFlags::pending)) {
    return post_or_void_pending_transfer(timestamp, event);
  }
  if (const TR invalid = validate_new_transfer(event); invalid != TR::ok) return invalid;

  const uint32_t debit_index = account_index(event.debit_account_id);
  if (debit_index == index_none) return TR::debit_account_not_found;
  const uint32_t credit_index = account_index(event.credit_account_id);
  if (credit_index == index_none) return TR::credit_account_not_found;
  Account& debit = accounts_[debit_index];
  Account& credit = accounts_[credit_index];
  if (debit.ledger != credit.ledger) return TR::accounts_must_have_the_same_ledger;
  if (event.ledger != debit.ledger) return TR::transfer_must_have_the_same_ledger_as_accounts;
  if (const TR refused = check_balances(event, debit, credit, timestamp); refused != TR::ok) {
    return refused;
  }
  if (transfers_.size() == config_.transfers_max) return TR::transfers_capacity_reached;

  save_balances(debit_index);
  save_balances(credit_index);
  Transfer record = event;
  record.timestamp = timestamp;
  if (has_flag(event.flags, TransferFlags::pending)) {
    debit.debits_pending += event.amount;
    credit.credits_pending += event.amount;
  } else {
    debit.debits_posted += event.amount;
    credit.credits_posted += event.amount;
  }
  insert_transfer(record, debit_index, credit_index);
  if (has_flag(event.flags, TransferFlags::pending) && event.timeout_s != 0) {
    schedule_expiry(timestamp + uint64_t{event.timeout_s} * ns_per_s, transfers_count() - 1);
  }
  return TR::ok;
}

// Overflow of every accumulator, then the accounts' limits. Overflow of the posted balances is
// checked for pending transfers too, so that a later post can never overflow them unseen.
CreateTransferResult StateMachine::check_balances(const Transfer& event, const Account& debit,
                                                  const Account& credit, uint64_t timestamp) const {
  const bool pending = has_flag(event.flags, TransferFlags::pending);
  u128 sum = 0;
  if (pending && !checked_add(debit.debits_pending, event.amount, &sum)) {
    return TR::overflows_debits_pending;
  }
  if (pending && !checked_add(credit.credits_pending, event.amount, &sum)) {
    return TR::overflows_credits_pending;
  }
  if (!checked_add(debit.debits_posted, event.amount, &sum)) return TR::overflows_debits_posted;
  if (!checked_add(credit.credits_posted, event.amount, &sum)) return TR::overflows_credits_posted;
  // Invariant: pending + posted never overflows for either side (checked at every increase).
  const u128 debits_total = debit.debits_pending + debit.debits_posted;
  const u128 credits_total = credit.credits_pending + credit.credits_posted;
  KERVAN_ASSERT(debits_total >= debit.debits_posted && credits_total >= credit.credits_posted);
  u128 debits_after = 0;
  u128 credits_after = 0;
  if (!checked_add(debits_total, event.amount, &debits_after)) return TR::overflows_debits;
  if (!checked_add(credits_total, event.amount, &credits_after)) return TR::overflows_credits;
  if (pending && event.timeout_s != 0 &&
      uint64_t{event.timeout_s} * ns_per_s > UINT64_MAX - timestamp) {
    return TR::overflows_timeout;
  }
  if (has_flag(debit.flags, AccountFlags::debits_must_not_exceed_credits) &&
      debits_after > debit.credits_posted) {
    return TR::exceeds_credits;
  }
  if (has_flag(credit.flags, AccountFlags::credits_must_not_exceed_debits) &&
      credits_after > credit.debits_posted) {
    return TR::exceeds_debits;
  }
  return TR::ok;
}

CreateTransferResult StateMachine::post_or_void_pending_transfer(uint64_t timestamp,
                                                                 const Transfer& event) {
  const bool post = has_flag(event.flags, TransferFlags::post_pending_transfer);
  if (event.pending_id == 0) return TR::pending_id_must_not_be_zero;
  if (event.pending_id == u128_max) return TR::pending_id_must_not_be_int_max;
  if (event.pending_id == event.id) return TR::pending_id_must_be_different;
  if (event.timeout_s != 0) return TR::timeout_reserved_for_pending_transfer;
  const uint32_t pending_index = transfer_index(event.pending_id);
  if (pending_index == index_none) return TR::pending_transfer_not_found;
  const Transfer& pending = transfers_[pending_index];
  if (!has_flag(pending.flags, TransferFlags::pending)) return TR::pending_transfer_not_pending;
  if (event.debit_account_id != 0 && event.debit_account_id != pending.debit_account_id) {
    return TR::pending_transfer_has_different_debit_account_id;
  }
  if (event.credit_account_id != 0 && event.credit_account_id != pending.credit_account_id) {
    return TR::pending_transfer_has_different_credit_account_id;
  }
  if (event.ledger != 0 && event.ledger != pending.ledger) {
    return TR::pending_transfer_has_different_ledger;
  }
  if (event.code != 0 && event.code != pending.code) return TR::pending_transfer_has_different_code;
  const u128 amount = event.amount != 0 ? event.amount : pending.amount;
  if (amount > pending.amount) return TR::exceeds_pending_transfer_amount;
  if (!post && amount != pending.amount) return TR::pending_transfer_has_different_amount;
  switch (pending_states_[pending_index]) {
    case PendingState::posted:
      return TR::pending_transfer_already_posted;
    case PendingState::voided:
      return TR::pending_transfer_already_voided;
    case PendingState::expired:
      return TR::pending_transfer_expired;
    case PendingState::pending:
      break;
    case PendingState::not_pending:
      KERVAN_UNREACHABLE();
  }
  if (pending.timeout_s != 0 &&
      timestamp >= pending.timestamp + uint64_t{pending.timeout_s} * ns_per_s) {
    return TR::pending_transfer_expired;  // Due, but not yet swept by expire_due.
  }
  const uint32_t debit_index = account_index(pending.debit_account_id);
  const uint32_t credit_index = account_index(pending.credit_account_id);
  Account& debit = accounts_[debit_index];
  Account& credit = accounts_[credit_index];
  // pending + posted never overflows (checked when the pending was created), and a post moves
  // at most the pending amount into posted: the posted balances cannot overflow here.
  u128 sum = 0;
  KERVAN_ASSERT(checked_add(debit.debits_posted, amount, &sum));
  KERVAN_ASSERT(checked_add(credit.credits_posted, amount, &sum));
  if (transfers_.size() == config_.transfers_max) return TR::transfers_capacity_reached;

  Transfer record = event;
  record.debit_account_id = pending.debit_account_id;
  record.credit_account_id = pending.credit_account_id;
  record.amount = amount;
  record.ledger = pending.ledger;
  record.code = pending.code;
  if (record.user_data_128 == 0) record.user_data_128 = pending.user_data_128;
  if (record.user_data_64 == 0) record.user_data_64 = pending.user_data_64;
  if (record.user_data_32 == 0) record.user_data_32 = pending.user_data_32;
  record.timestamp = timestamp;

  save_balances(debit_index);
  save_balances(credit_index);
  save_pending_state(pending_index);
  KERVAN_ASSERT(debit.debits_pending >= pending.amount);
  KERVAN_ASSERT(credit.credits_pending >= pending.amount);
  debit.debits_pending -= pending.amount;
  credit.credits_pending -= pending.amount;
  if (post) {
    debit.debits_posted += amount;
    credit.credits_posted += amount;
  }
  pending_states_[pending_index] = post ? PendingState::posted : PendingState::voided;
  insert_transfer(record, debit_index, credit_index);
  return TR::ok;
}

void StateMachine::insert_transfer(const Transfer& record, uint32_t debit_index,
                                   uint32_t credit_index) {
  KERVAN_ASSERT(transfers_.size() < config_.transfers_max);
  KERVAN_ASSERT(record.timestamp > 0);
  const uint32_t index = static_cast<uint32_t>(transfers_.size());
  AccountLinks& debit = account_links_[debit_index];
  AccountLinks& credit = account_links_[credit_index];
  transfers_.push_back(record);
  transfer_links_.push_back(TransferLinks{.debit_prev = debit.last, .credit_prev = credit.last});
  pending_states_.push_back(has_flag(record.flags, TransferFlags::pending)
                                ? PendingState::pending
                                : PendingState::not_pending);
  if (debit.last != index_none) *next_in_list(debit.last, debit.last_is_credit) = index;
  if (credit.last != index_none) *next_in_list(credit.last, credit.last_is_credit) = index;
  if (debit.first == index_none) debit.first = index;
  if (credit.first == index_none) credit.first = index;
  debit.last = index;
  debit.last_is_credit = false;
  credit.last = index;
  credit.last_is_credit = true;
  transfer_ids_.insert(record.id, index);
  if (scope_is_open_) {
    undo_log_.push_back(UndoEntry{.kind = UndoEntry::Kind::transfer_created, .index = index});
  }
}

uint32_t* StateMachine::next_in_list(uint32_t transfer, bool is_credit) {
  TransferLinks& links = transfer_links_[transfer];
  return is_credit ? &links.credit_next : &links.debit_next;
}

bool StateMachine::is_credit_side(uint32_t transfer, u128 account_id) const {
  const Transfer& record = transfers_[transfer];
  KERVAN_ASSERT(record.debit_account_id == account_id || record.credit_account_id == account_id);
  return record.credit_account_id == account_id;
}

void StateMachine::remember_failure(u128 id, CreateTransferResult result, uint64_t timestamp) {
  KERVAN_ASSERT(!scope_is_open_);
  KERVAN_ASSERT(is_transient(result));
  KERVAN_ASSERT(failed_.size() < config_.failed_ids_max);  // Checked by create_transfer.
  const uint32_t index = static_cast<uint32_t>(failed_.size());
  failed_.push_back(FailedTransfer{.id = id, .timestamp = timestamp, .result = result});
  transfer_ids_.insert(id, failed_flag | index);
}

// ---- Restore from a checkpoint ----------------------------------------------------------------

#define KERVAN_RESULT_CASE(name, number) \
  case number:                           \
    return #name;

std::string_view result_name(RestoreResult result) {
  switch (static_cast<int>(result)) {
    KERVAN_RESTORE_RESULTS(KERVAN_RESULT_CASE)
    default:
      return "unknown";
  }
}

#undef KERVAN_RESULT_CASE

RestoreResult StateMachine::restore(uint64_t last_timestamp, std::span<const Account> accounts,
                                    std::span<const Transfer> transfers,
                                    std::span<const PendingState> pending_states,
                                    std::span<const FailedTransfer> failed) {
  KERVAN_ASSERT(!restore_failed_ && !scope_is_open_);
  KERVAN_ASSERT(accounts_.empty() && transfers_.empty() && failed_.empty());
  KERVAN_ASSERT(last_timestamp_ == 0 && expiry_heap_.empty());
  RestoreResult result = restore_records(accounts, transfers, pending_states, failed);
  // The arrays are in timestamp order (checked above), so their last records are the newest.
  const uint64_t newest = std::max({accounts.empty() ? uint64_t{0} : accounts.back().timestamp,
                                    transfers.empty() ? uint64_t{0} : transfers.back().timestamp,
                                    failed.empty() ? uint64_t{0} : failed.back().timestamp});
  if (result == RestoreResult::ok && newest > last_timestamp) {
    result = RestoreResult::last_timestamp_behind_records;
  }
  if (result != RestoreResult::ok) {
    restore_failed_ = true;
    return result;
  }
  last_timestamp_ = last_timestamp;
  // One heap build instead of a push per entry; entries are unique (by index), so the order in
  // which they later pop does not depend on how the heap was built.
  std::make_heap(expiry_heap_.begin(), expiry_heap_.end(), ExpiresLater{});
  KERVAN_ASSERT(accounts_.size() == accounts.size() && transfers_.size() == transfers.size());
  KERVAN_ASSERT(failed_.size() == failed.size() && account_ids_.size() == accounts.size());
  KERVAN_ASSERT(transfer_ids_.size() == transfers.size() + failed.size());
  return RestoreResult::ok;
}

RestoreResult StateMachine::restore_records(std::span<const Account> accounts,
                                            std::span<const Transfer> transfers,
                                            std::span<const PendingState> pending_states,
                                            std::span<const FailedTransfer> failed) {
  using RR = RestoreResult;
  if (accounts.size() > config_.accounts_max) return RR::accounts_exceed_capacity;
  if (transfers.size() > config_.transfers_max) return RR::transfers_exceed_capacity;
  if (failed.size() > config_.failed_ids_max) return RR::failed_transfers_exceed_capacity;
  if (pending_states.size() != transfers.size()) return RR::pending_states_count_mismatch;
  // Each loop is bounded by a capacity checked above.
  for (const Account& record : accounts) {
    if (const RR result = restore_account(record); result != RR::ok) return result;
  }
  for (size_t i = 0; i < transfers.size(); ++i) {
    if (const RR result = restore_transfer(transfers[i], pending_states[i]); result != RR::ok) {
      return result;
    }
  }
  for (const FailedTransfer& record : failed) {
    if (const RR result = restore_failed_transfer(record); result != RR::ok) return result;
  }
  return RR::ok;
}

RestoreResult StateMachine::restore_account(const Account& record) {
  using RR = RestoreResult;
  if (record.id == 0 || record.id == u128_max) return RR::account_id_invalid;
  if ((record.flags & ~account_flags_known) != 0 ||
      (has_flag(record.flags, AccountFlags::debits_must_not_exceed_credits) &&
       has_flag(record.flags, AccountFlags::credits_must_not_exceed_debits))) {
    return RR::account_flags_invalid;
  }
  if (account_ids_.find(record.id) != IdTable::value_none) return RR::duplicate_account_id;
  const uint64_t previous = accounts_.empty() ? 0 : accounts_.back().timestamp;
  if (record.timestamp <= previous) return RR::account_timestamps_not_increasing;

  const uint32_t index = static_cast<uint32_t>(accounts_.size());
  accounts_.push_back(record);
  account_links_.push_back(AccountLinks{});
  account_ids_.insert(record.id, index);
  return RR::ok;
}

// Links the transfer into its accounts' lists exactly as create_transfer did: the lists are in
// array order, which is timestamp order.
RestoreResult StateMachine::restore_transfer(const Transfer& record, PendingState state) {
  using RR = RestoreResult;
  if (record.id == 0 || record.id == u128_max) return RR::transfer_id_invalid;
  const bool is_pending = has_flag(record.flags, TransferFlags::pending);
  const int kinds = int{is_pending} +
                    int{has_flag(record.flags, TransferFlags::post_pending_transfer)} +
                    int{has_flag(record.flags, TransferFlags::void_pending_transfer)};
  if ((record.flags & ~transfer_flags_known) != 0 || kinds > 1) return RR::transfer_flags_invalid;
  if (transfer_ids_.find(record.id) != IdTable::value_none) return RR::duplicate_transfer_id;
  const uint64_t previous = transfers_.empty() ? 0 : transfers_.back().timestamp;
  if (record.timestamp <= previous) return RR::transfer_timestamps_not_increasing;
  const uint32_t debit_index = account_index(record.debit_account_id);
  const uint32_t credit_index = account_index(record.credit_account_id);
  if (debit_index == index_none || credit_index == index_none) {
    return RR::transfer_account_not_found;
  }
  if (debit_index == credit_index) return RR::transfer_accounts_not_different;
  if (static_cast<uint8_t>(state) > static_cast<uint8_t>(PendingState::expired) ||
      is_pending != (state != PendingState::not_pending)) {
    return RR::pending_state_invalid;
  }
  const bool expires = is_pending && record.timeout_s != 0;
  if (expires && uint64_t{record.timeout_s} * ns_per_s > UINT64_MAX - record.timestamp) {
    return RR::transfer_timeout_overflows;
  }

  const uint32_t index = static_cast<uint32_t>(transfers_.size());
  insert_transfer(record, debit_index, credit_index);
  pending_states_.back() = state;
  // Posted, voided and expired transfers need no entry: expire_due would only skip them.
  if (expires && state == PendingState::pending) {
    expiry_heap_.push_back(
        ExpiryEntry{.expires_at_ns = record.timestamp + uint64_t{record.timeout_s} * ns_per_s,
                    .transfer_index = index});
  }
  if (state == PendingState::expired) expired_count_ += 1;
  return RR::ok;
}

RestoreResult StateMachine::restore_failed_transfer(const FailedTransfer& record) {
  using RR = RestoreResult;
  if (record.id == 0 || record.id == u128_max) return RR::failed_transfer_id_invalid;
  if (transfer_ids_.find(record.id) != IdTable::value_none) {
    return RR::duplicate_failed_transfer_id;
  }
  if (!is_transient(record.result)) return RR::failed_transfer_result_not_transient;
  const uint64_t previous = failed_.empty() ? 0 : failed_.back().timestamp;
  if (record.timestamp <= previous) return RR::failed_transfer_timestamps_not_increasing;
  remember_failure(record.id, record.result, record.timestamp);
  return RR::ok;
}

// ---- Linked-chain scopes --------------------------------------------------------------------

void StateMachine::scope_open() {
  KERVAN_ASSERT(!scope_is_open_);
  KERVAN_ASSERT(undo_log_.empty() && expiry_deferred_.empty());
  scope_is_open_ = true;
}

void StateMachine::scope_commit() {
  KERVAN_ASSERT(scope_is_open_);
  scope_is_open_ = false;
  undo_log_.clear();
  for (const ExpiryEntry& entry : expiry_deferred_) push_expiry(entry);
  expiry_deferred_.clear();
}

void StateMachine::scope_rollback() {
  KERVAN_ASSERT(scope_is_open_);
  for (size_t i = undo_log_.size(); i > 0; --i) undo(undo_log_[i - 1]);
  undo_log_.clear();
  expiry_deferred_.clear();
  scope_is_open_ = false;
}

void StateMachine::undo(const UndoEntry& entry) {
  switch (entry.kind) {
    case UndoEntry::Kind::account_created: {
      KERVAN_ASSERT(entry.index + 1 == accounts_.size());
      account_ids_.remove_last(accounts_.back().id);
      accounts_.pop_back();
      account_links_.pop_back();
      return;
    }
    case UndoEntry::Kind::transfer_created: {
      KERVAN_ASSERT(entry.index + 1 == transfers_.size());
      const Transfer& record = transfers_.back();
      const TransferLinks& links = transfer_links_.back();
      unlink_last(account_index(record.debit_account_id), record.debit_account_id,
                  links.debit_prev);
      unlink_last(account_index(record.credit_account_id), record.credit_account_id,
                  links.credit_prev);
      transfer_ids_.remove_last(record.id);
      transfers_.pop_back();
      transfer_links_.pop_back();
      pending_states_.pop_back();
      return;
    }
    case UndoEntry::Kind::balances: {
      Account& account = accounts_[entry.index];
      account.debits_pending = entry.debits_pending;
      account.debits_posted = entry.debits_posted;
      account.credits_pending = entry.credits_pending;
      account.credits_posted = entry.credits_posted;
      return;
    }
    case UndoEntry::Kind::pending_state:
      pending_states_[entry.index] = entry.pending_state;
      return;
  }
  KERVAN_UNREACHABLE();
}

void StateMachine::unlink_last(uint32_t account, u128 account_id, uint32_t previous) {
  AccountLinks& links = account_links_[account];
  KERVAN_ASSERT(links.last + 1 == transfers_.size());
  links.last = previous;
  if (previous == index_none) {
    links.first = index_none;
    links.last_is_credit = false;
  } else {
    links.last_is_credit = is_credit_side(previous, account_id);
    *next_in_list(previous, links.last_is_credit) = index_none;
  }
}

void StateMachine::save_balances(uint32_t account) {
  if (!scope_is_open_) return;
  const Account& a = accounts_[account];
  undo_log_.push_back(UndoEntry{.kind = UndoEntry::Kind::balances,
                                .index = account,
                                .debits_pending = a.debits_pending,
                                .debits_posted = a.debits_posted,
                                .credits_pending = a.credits_pending,
                                .credits_posted = a.credits_posted});
}

void StateMachine::save_pending_state(uint32_t transfer) {
  if (!scope_is_open_) return;
  undo_log_.push_back(UndoEntry{.kind = UndoEntry::Kind::pending_state,
                                .pending_state = pending_states_[transfer],
                                .index = transfer});
}

void StateMachine::schedule_expiry(uint64_t expires_at_ns, uint32_t transfer) {
  const ExpiryEntry entry{.expires_at_ns = expires_at_ns, .transfer_index = transfer};
  if (scope_is_open_) {
    expiry_deferred_.push_back(entry);
  } else {
    push_expiry(entry);
  }
}

void StateMachine::push_expiry(const ExpiryEntry& entry) {
  expiry_heap_.push_back(entry);
  std::push_heap(expiry_heap_.begin(), expiry_heap_.end(), ExpiresLater{});
}

// ---- Queries --------------------------------------------------------------------------------

void StateMachine::prefetch_account(u128 id) const {
  const uint32_t index = account_index(id);
  if (index == index_none) return;
  const auto* record = reinterpret_cast<const char*>(&accounts_[index]);
  prefetch_for_read(record);
  prefetch_for_read(record + 64);
  prefetch_for_read(&account_links_[index]);
}

void StateMachine::prefetch_transfer(u128 id) const {
  const uint32_t index = transfer_index(id);
  if (index == index_none) return;
  const auto* record = reinterpret_cast<const char*>(&transfers_[index]);
  prefetch_for_read(record);
  prefetch_for_read(record + 64);
  prefetch_for_read(&pending_states_[index]);
}

void StateMachine::prefetch_account_ahead(u128 id, int stage) const {
  if (id == 0) return;
  if (stage == 0) {
    account_ids_.prefetch(id);
  } else {
    prefetch_account(id);
  }
}

void StateMachine::prefetch_transfer_ahead(u128 id, int stage) const {
  if (id == 0) return;
  if (stage == 0) {
    transfer_ids_.prefetch(id);
  } else {
    prefetch_transfer(id);
  }
}

uint32_t StateMachine::account_index(u128 id) const {
  return id == 0 ? index_none : account_ids_.find(id);
}

uint32_t StateMachine::transfer_index(u128 id) const {
  if (id == 0) return index_none;
  const uint32_t slot = transfer_ids_.find(id);
  return (slot == IdTable::value_none || (slot & failed_flag) != 0) ? index_none : slot;
}

const Account* StateMachine::lookup_account(u128 id) const {
  const uint32_t index = account_index(id);
  return index == index_none ? nullptr : &accounts_[index];
}

const Transfer* StateMachine::lookup_transfer(u128 id) const {
  const uint32_t index = transfer_index(id);
  return index == index_none ? nullptr : &transfers_[index];
}

PendingState StateMachine::pending_state(u128 transfer_id) const {
  const uint32_t index = transfer_index(transfer_id);
  return index == index_none ? PendingState::not_pending : pending_states_[index];
}

uint32_t StateMachine::get_account_transfers(const AccountTransfersFilter& filter,
                                             std::span<Transfer> out) const {
  KERVAN_ASSERT(filter.limit > 0);
  const uint32_t account = account_index(filter.account_id);
  if (account == index_none) return 0;
  const uint64_t limit = std::min<uint64_t>(filter.limit, out.size());
  const uint64_t timestamp_max = filter.timestamp_max == 0 ? UINT64_MAX : filter.timestamp_max;
  const AccountLinks& links = account_links_[account];
  uint32_t count = 0;
  uint32_t index = filter.reversed ? links.last : links.first;
  while (index != index_none && count < limit) {
    const Transfer& transfer = transfers_[index];
    const TransferLinks& node = transfer_links_[index];
    const bool is_debit = transfer.debit_account_id == filter.account_id;
    const bool in_range =
        transfer.timestamp >= filter.timestamp_min && transfer.timestamp <= timestamp_max;
    if (in_range && (is_debit ? filter.debits : filter.credits)) out[count++] = transfer;
    // Past the range in the walking direction: nothing further can match.
    if (filter.reversed ? transfer.timestamp < filter.timestamp_min
                        : transfer.timestamp > timestamp_max) {
      break;
    }
    if (is_debit) {
      index = filter.reversed ? node.debit_prev : node.debit_next;
    } else {
      index = filter.reversed ? node.credit_prev : node.credit_next;
    }
  }
  return count;
}

// ---- State hash -----------------------------------------------------------------------------

Digest StateMachine::state_hash() const {
  return state_hash_of(last_timestamp_, accounts_, transfers_, pending_states_, failed_);
}

}  // namespace kervan
