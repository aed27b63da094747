#include "ledger/invariants.h"

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/prefetch.h"
#include "core/time.h"
#include "ledger/table_memory.h"

namespace kervan {

#define KERVAN_INVARIANT_CASE(name, number) \
  case number:                              \
    return #name;

std::string_view invariant_name(Invariant invariant) {
  switch (static_cast<int>(invariant)) {
    KERVAN_INVARIANTS(KERVAN_INVARIANT_CASE)
    default:
      return "unknown";
  }
}

#undef KERVAN_INVARIANT_CASE

namespace {

constexpr uint32_t index_none = UINT32_MAX;

InvariantReport broken(Invariant invariant, std::string violation) {
  return InvariantReport{.broken = invariant, .violation = std::move(violation)};
}

std::string text(u128 value) {
  return to_string_u128(value);
}

std::string text(uint64_t value) {
  return std::to_string(value);
}

std::string_view state_name(PendingState state) {
  switch (state) {
    case PendingState::not_pending:
      return "not_pending";
    case PendingState::pending:
      return "pending";
    case PendingState::posted:
      return "posted";
    case PendingState::voided:
      return "voided";
    case PendingState::expired:
      return "expired";
  }
  return "invalid";
}

bool resolves(const Transfer& t) {
  return has_flag(t.flags, TransferFlags::post_pending_transfer) ||
         has_flag(t.flags, TransferFlags::void_pending_transfer);
}

// When a pending transfer expires; beyond 64 bits when its timeout would overflow the clock.
u128 expires_at_ns(const Transfer& pending) {
  return u128{pending.timestamp} + u128{pending.timeout_s} * ns_per_s;
}

template <typename Record>
uint32_t index_in(std::span<const Record> records, const Record* found) {
  return found == nullptr ? index_none : static_cast<uint32_t>(found - records.data());
}

// ---- Lookups ----------------------------------------------------------------------------------

// The lookups of a whole table are independent of one another, so their cache misses can
// overlap: each id's index bucket is loaded `bucket_ahead` lookups before its turn, and a record
// a check reads by index `record_ahead` before. Measured (BM_check_invariants, 1 M accounts and
// 2 M transfers): 0.85 s looking each id up in turn, 0.55 s so; also loading each record with
// its bucket, when most lookups need only the index, was slower.
constexpr size_t bucket_ahead = 16;
constexpr size_t record_ahead = 8;

// Arrays of one entry per record: in table memory, so that a simulation's check at the end of
// each run reuses the pages the previous run's check committed (ledger/table_memory.h).
template <typename T>
using PerRecord = std::vector<T, TableAllocator<T>>;

enum class Records : uint8_t { accounts, transfers };

// For i in [0, n): visit(i, index), index being that of the record (account or transfer) whose
// id is id_of(i), or index_none when there is none (or id_of(i) is 0). Stops at, and returns,
// the first report that is not ok.
template <typename IdOf, typename Visit>
InvariantReport look_up_each(const StateMachine& machine, Records records, size_t n, IdOf id_of,
                             Visit visit) {
  for (size_t i = 0; i < n; ++i) {
    if (const size_t ahead = i + bucket_ahead; ahead < n) {
      if (records == Records::accounts) {
        machine.prefetch_account_ahead(id_of(ahead), 0);
      } else {
        machine.prefetch_transfer_ahead(id_of(ahead), 0);
      }
    }
    const u128 id = id_of(i);
    uint32_t index = index_none;
    if (id != 0) {
      index = records == Records::accounts
                  ? index_in(machine.accounts(), machine.lookup_account(id))
                  : index_in(machine.transfers(), machine.lookup_transfer(id));
    }
    if (InvariantReport report = visit(i, index); !report.ok()) return report;
  }
  return {};
}

// Each transfer's accounts (index_none when absent), looked up once for every check that
// needs them.
struct TransferAccounts {
  PerRecord<uint32_t> debit;
  PerRecord<uint32_t> credit;

  // One pass over the transfers, both sides at once.
  explicit TransferAccounts(const StateMachine& machine)
      : debit(machine.transfers().size()), credit(machine.transfers().size()) {
    const std::span<const Transfer> transfers = machine.transfers();
    const auto index_of = [&](u128 id) {
      return id == 0 ? index_none : index_in(machine.accounts(), machine.lookup_account(id));
    };
    for (size_t i = 0; i < transfers.size(); ++i) {
      if (const size_t ahead = i + bucket_ahead; ahead < transfers.size()) {
        machine.prefetch_account_ahead(transfers[ahead].debit_account_id, 0);
        machine.prefetch_account_ahead(transfers[ahead].credit_account_id, 0);
      }
      debit[i] = index_of(transfers[i].debit_account_id);
      credit[i] = index_of(transfers[i].credit_account_id);
    }
  }
};

// ---- Structure --------------------------------------------------------------------------------

// `kind` names the record in the message: "account", "transfer", "failed transfer".
template <typename Record>
InvariantReport check_increasing(std::span<const Record> records, const char* kind,
                                 uint64_t last_timestamp) {
  uint64_t previous = 0;
  for (const Record& record : records) {
    // Names are built only for a report: formatting every record's id would dominate the check.
    const auto name = [&] { return std::string(kind) + " " + text(record.id); };
    if (record.timestamp <= previous) {
      return broken(Invariant::timestamps_not_increasing,
                    name() + ": timestamp " + text(record.timestamp) + " is not above " +
                        text(previous) + ", the previous " + kind + "'s");
    }
    if (record.timestamp > last_timestamp) {
      return broken(Invariant::timestamp_after_last_timestamp,
                    name() + ": timestamp " + text(record.timestamp) + " is after last_timestamp " +
                        text(last_timestamp));
    }
    previous = record.timestamp;
  }
  return {};
}

InvariantReport check_timestamps(const StateMachine& machine) {
  const uint64_t last = machine.last_timestamp();
  for (InvariantReport report :
       {check_increasing(machine.accounts(), "account", last),
        check_increasing(machine.transfers(), "transfer", last),
        check_increasing(machine.failed_transfers(), "failed transfer", last)}) {
    if (!report.ok()) return report;
  }
  // Each list increases (checked above), so a merge of the three sees every timestamp in
  // order: two records share one exactly when the merge meets it twice. Linear, nothing copied.
  // At equal timestamps the earlier list goes first, so a report names the records in a fixed
  // order (account, transfer, failed transfer).
  struct Stamp {
    uint64_t timestamp = 0;
    size_t* cursor = nullptr;  // The list's position, advanced once this stamp is taken.
    const char* kind = nullptr;
    u128 id = 0;
  };
  const std::span<const Account> accounts = machine.accounts();
  const std::span<const Transfer> transfers = machine.transfers();
  const std::span<const FailedTransfer> failed = machine.failed_transfers();
  size_t a = 0, t = 0, f = 0;
  std::optional<Stamp> previous;
  while (a < accounts.size() || t < transfers.size() || f < failed.size()) {
    Stamp next;
    if (a < accounts.size()) next = {accounts[a].timestamp, &a, "account", accounts[a].id};
    if (t < transfers.size() &&
        (next.cursor == nullptr || transfers[t].timestamp < next.timestamp)) {
      next = {transfers[t].timestamp, &t, "transfer", transfers[t].id};
    }
    if (f < failed.size() && (next.cursor == nullptr || failed[f].timestamp < next.timestamp)) {
      next = {failed[f].timestamp, &f, "failed transfer", failed[f].id};
    }
    if (previous && previous->timestamp == next.timestamp) {
      return broken(Invariant::timestamps_not_distinct,
                    std::string(previous->kind) + " " + text(previous->id) + " and " + next.kind +
                        " " + text(next.id) + " share timestamp " + text(next.timestamp));
    }
    *next.cursor += 1;
    previous = next;
  }
  return {};
}

InvariantReport check_indexes(const StateMachine& machine) {
  const auto finds_itself = [](auto records, const char* kind) {
    return [records, kind](size_t i, uint32_t found) {
      if (found == i) return InvariantReport{};
      return broken(Invariant::id_index_inconsistent, std::string(kind) + " " +
                                                          text(records[i].id) +
                                                          ": looking its id up does not find it");
    };
  };
  const std::span<const Account> accounts = machine.accounts();
  if (InvariantReport report = look_up_each(
          machine, Records::accounts, accounts.size(), [&](size_t i) { return accounts[i].id; },
          finds_itself(accounts, "account"));
      !report.ok()) {
    return report;
  }
  const std::span<const Transfer> transfers = machine.transfers();
  if (InvariantReport report = look_up_each(
          machine, Records::transfers, transfers.size(), [&](size_t i) { return transfers[i].id; },
          finds_itself(transfers, "transfer"));
      !report.ok()) {
    return report;
  }
  for (const FailedTransfer& f : machine.failed_transfers()) {
    const auto name = [&] { return "failed transfer " + text(f.id); };
    if (machine.lookup_transfer(f.id) != nullptr) {
      return broken(Invariant::failed_transfer_invalid, name() + ": its id is a transfer's");
    }
    if (!is_transient(f.result)) {
      return broken(
          Invariant::failed_transfer_invalid,
          name() + ": result " + std::string(result_name(f.result)) + " is never remembered");
    }
  }
  return {};
}

// Why `t` could not have been stored by create_transfers, or nullptr.
const char* malformed(const Transfer& t) {
  const int kinds = int{has_flag(t.flags, TransferFlags::pending)} +
                    int{has_flag(t.flags, TransferFlags::post_pending_transfer)} +
                    int{has_flag(t.flags, TransferFlags::void_pending_transfer)};
  if ((t.flags & ~transfer_flags_known) != 0 || kinds > 1) {
    return "unknown flags, or two of pending / post / void";
  }
  if (t.debit_account_id == t.credit_account_id) return "debit account == credit account";
  if (t.amount == 0) return "amount 0";
  if (t.code == 0) return "code 0";
  if (t.timeout_s != 0 && !has_flag(t.flags, TransferFlags::pending)) {
    return "a timeout on a transfer that is not pending";
  }
  if (resolves(t) && t.pending_id == 0) return "a post or void without pending_id";
  if (!resolves(t) && t.pending_id != 0) return "pending_id on a transfer that resolves nothing";
  return nullptr;
}

// `debit_index` and `credit_index`: t's accounts as TransferAccounts found them.
InvariantReport check_transfer(const StateMachine& machine, const Transfer& t, PendingState state,
                               uint32_t debit_index, uint32_t credit_index) {
  const auto name = [&] { return "transfer " + text(t.id); };
  if (debit_index == index_none || credit_index == index_none) {
    const u128 missing = debit_index == index_none ? t.debit_account_id : t.credit_account_id;
    return broken(Invariant::transfer_account_not_found,
                  name() + ": account " + text(missing) + " does not exist");
  }
  const Account* debit = &machine.accounts()[debit_index];
  const Account* credit = &machine.accounts()[credit_index];
  if (t.ledger != debit->ledger || t.ledger != credit->ledger) {
    return broken(Invariant::transfer_ledger_mismatch,
                  name() + ": ledger " + text(uint64_t{t.ledger}) + ", its accounts' " +
                      text(uint64_t{debit->ledger}) + " and " + text(uint64_t{credit->ledger}));
  }
  if (const char* why = malformed(t); why != nullptr) {
    return broken(Invariant::transfer_malformed, name() + ": " + why);
  }
  const bool is_pending = has_flag(t.flags, TransferFlags::pending);
  if (static_cast<uint8_t>(state) > static_cast<uint8_t>(PendingState::expired) ||
      is_pending != (state != PendingState::not_pending)) {
    return broken(Invariant::pending_state_invalid,
                  name() + ": pending state " + text(uint64_t{static_cast<uint8_t>(state)}) +
                      (is_pending ? " for a pending transfer" : " for a non-pending transfer"));
  }
  return {};
}

InvariantReport check_transfers(const StateMachine& machine, const TransferAccounts& found) {
  const std::span<const Transfer> transfers = machine.transfers();
  const std::span<const PendingState> states = machine.pending_states();
  const std::span<const Account> accounts = machine.accounts();
  KERVAN_ASSERT(states.size() == transfers.size());
  for (size_t i = 0; i < transfers.size(); ++i) {
    if (const size_t ahead = i + record_ahead; ahead < transfers.size()) {
      for (const uint32_t index : {found.debit[ahead], found.credit[ahead]}) {
        if (index != index_none) prefetch_for_read(&accounts[index]);
      }
    }
    if (InvariantReport report =
            check_transfer(machine, transfers[i], states[i], found.debit[i], found.credit[i]);
        !report.ok()) {
      return report;
    }
  }
  return {};
}

// ---- Two-phase resolution ---------------------------------------------------------------------

// The post or void transfers[index] against the pending transfer it names, transfers[target]
// (index_none when its pending_id names no transfer).
InvariantReport check_resolve(const StateMachine& machine, uint32_t index, uint32_t target) {
  const std::span<const Transfer> transfers = machine.transfers();
  const Transfer& t = transfers[index];
  const auto name = [&] { return "transfer " + text(t.id); };
  if (target == index_none || target >= index ||
      !has_flag(transfers[target].flags, TransferFlags::pending)) {
    return broken(Invariant::resolve_target_invalid, name() + ": pending_id " + text(t.pending_id) +
                                                         " names no earlier pending transfer");
  }
  const Transfer& p = transfers[target];
  if (t.debit_account_id != p.debit_account_id || t.credit_account_id != p.credit_account_id ||
      t.ledger != p.ledger || t.code != p.code) {
    return broken(Invariant::resolve_mismatch, name() + ": accounts, ledger or code differ from " +
                                                   "pending transfer " + text(p.id));
  }
  const bool post = has_flag(t.flags, TransferFlags::post_pending_transfer);
  if (post ? t.amount > p.amount : t.amount != p.amount) {
    return broken(Invariant::resolve_mismatch, name() + ": amount " + text(t.amount) +
                                                   " against pending transfer " + text(p.id) +
                                                   "'s " + text(p.amount));
  }
  if (p.timeout_s != 0 && t.timestamp >= expires_at_ns(p)) {
    return broken(Invariant::resolved_after_expiry,
                  name() + ": timestamp " + text(t.timestamp) + " is not before pending transfer " +
                      text(p.id) + "'s expiry at " + text(expires_at_ns(p)));
  }
  return {};
}

// The state of the pending transfers[index], given the post or void naming it (or none).
InvariantReport check_pending_state(const StateMachine& machine, uint32_t index,
                                    uint32_t resolver) {
  const Transfer& p = machine.transfers()[index];
  const PendingState state = machine.pending_states()[index];
  const auto name = [&] {
    return "pending transfer " + text(p.id) + ": state " + std::string(state_name(state));
  };
  if (resolver != index_none) {
    const Transfer& r = machine.transfers()[resolver];
    const bool post = has_flag(r.flags, TransferFlags::post_pending_transfer);
    if (state != (post ? PendingState::posted : PendingState::voided)) {
      return broken(Invariant::pending_state_inconsistent,
                    name() + " but " + (post ? "post " : "void ") + text(r.id) + " names it");
    }
    return {};
  }
  if (state == PendingState::posted || state == PendingState::voided) {
    return broken(Invariant::pending_state_inconsistent, name() + " but no post or void names it");
  }
  if (state == PendingState::expired &&
      (p.timeout_s == 0 || expires_at_ns(p) > machine.last_timestamp())) {
    return broken(Invariant::pending_state_inconsistent,
                  name() + (p.timeout_s == 0 ? " without a timeout"
                                           : " before its expiry at " + text(expires_at_ns(p))));
  }
  return {};
}

InvariantReport check_resolutions(const StateMachine& machine) {
  const std::span<const Transfer> transfers = machine.transfers();
  // For each pending transfer, the post or void naming it.
  PerRecord<uint32_t> resolver(transfers.size(), index_none);
  const auto pending_id_of = [&](size_t i) {
    return resolves(transfers[i]) ? transfers[i].pending_id : u128{0};
  };
  const auto record_resolver = [&](size_t i, uint32_t target) {
    if (!resolves(transfers[i])) return InvariantReport{};
    if (InvariantReport report = check_resolve(machine, static_cast<uint32_t>(i), target);
        !report.ok()) {
      return report;
    }
    if (resolver[target] != index_none) {
      return broken(Invariant::pending_resolved_twice,
                    "pending transfer " + text(transfers[target].id) + ": resolved by " +
                        text(transfers[resolver[target]].id) + " and by " + text(transfers[i].id));
    }
    resolver[target] = static_cast<uint32_t>(i);
    return InvariantReport{};
  };
  if (InvariantReport report = look_up_each(machine, Records::transfers, transfers.size(),
                                            pending_id_of, record_resolver);
      !report.ok()) {
    return report;
  }
  for (uint32_t i = 0; i < transfers.size(); ++i) {
    if (!has_flag(transfers[i].flags, TransferFlags::pending)) continue;
    if (InvariantReport report = check_pending_state(machine, i, resolver[i]); !report.ok()) {
      return report;
    }
  }
  return {};
}

// ---- Money ------------------------------------------------------------------------------------

// An exact sum of up to 2^64 128-bit amounts: the sum over a ledger's accounts may pass 2^128
// even though each account's balance fits.
struct WideSum {
  u128 low = 0;
  uint64_t carries = 0;

  void add(u128 amount) {
    const u128 sum = low + amount;  // Wraps; the carry is counted.
    if (sum < low) carries += 1;
    low = sum;
  }
  friend bool operator==(const WideSum&, const WideSum&) = default;
  std::string str() const {
    return carries == 0 ? text(low) : text(low) + " + " + text(carries) + " x 2^128";
  }
};

InvariantReport check_ledgers(const StateMachine& machine) {
  struct Totals {
    WideSum debits_pending, debits_posted, credits_pending, credits_posted;
  };
  std::map<uint32_t, Totals> ledgers;
  for (const Account& a : machine.accounts()) {
    Totals& totals = ledgers[a.ledger];
    totals.debits_pending.add(a.debits_pending);
    totals.debits_posted.add(a.debits_posted);
    totals.credits_pending.add(a.credits_pending);
    totals.credits_posted.add(a.credits_posted);
  }
  for (const auto& [ledger, totals] : ledgers) {
    const std::string prefix = "ledger " + text(uint64_t{ledger}) + ": ";
    if (totals.debits_pending != totals.credits_pending) {
      return broken(Invariant::ledger_unbalanced,
                    prefix + "debits_pending total " + totals.debits_pending.str() +
                        " != credits_pending total " + totals.credits_pending.str());
    }
    if (totals.debits_posted != totals.credits_posted) {
      return broken(Invariant::ledger_unbalanced,
                    prefix + "debits_posted total " + totals.debits_posted.str() +
                        " != credits_posted total " + totals.credits_posted.str());
    }
  }
  return {};
}

// True when pending + posted exceeds `limit` (or 2^128 - 1).
bool exceeds(u128 pending, u128 posted, u128 limit) {
  u128 used = 0;
  return !checked_add(pending, posted, &used) || used > limit;
}

InvariantReport check_limits(const StateMachine& machine) {
  for (const Account& a : machine.accounts()) {
    if (has_flag(a.flags, AccountFlags::debits_must_not_exceed_credits) &&
        exceeds(a.debits_pending, a.debits_posted, a.credits_posted)) {
      return broken(Invariant::debits_exceed_credits,
                    "account " + text(a.id) + ": debits_pending " + text(a.debits_pending) +
                        " + debits_posted " + text(a.debits_posted) + " exceed credits_posted " +
                        text(a.credits_posted));
    }
    if (has_flag(a.flags, AccountFlags::credits_must_not_exceed_debits) &&
        exceeds(a.credits_pending, a.credits_posted, a.debits_posted)) {
      return broken(Invariant::credits_exceed_debits,
                    "account " + text(a.id) + ": credits_pending " + text(a.credits_pending) +
                        " + credits_posted " + text(a.credits_posted) + " exceed debits_posted " +
                        text(a.debits_posted));
    }
  }
  return {};
}

struct Balances {
  u128 debits_pending = 0;
  u128 debits_posted = 0;
  u128 credits_pending = 0;
  u128 credits_posted = 0;
};

struct BalanceField {
  const char* name;
  u128 Account::*account;
  u128 Balances::*implied;
};
constexpr BalanceField balance_fields[] = {
    {"debits_pending", &Account::debits_pending, &Balances::debits_pending},
    {"debits_posted", &Account::debits_posted, &Balances::debits_posted},
    {"credits_pending", &Account::credits_pending, &Balances::credits_pending},
    {"credits_posted", &Account::credits_posted, &Balances::credits_posted},
};

// Adds what transfers[index] contributes to its accounts' balances. REQUIRES: check_transfers.
InvariantReport add_implied(const StateMachine& machine, const TransferAccounts& found,
                            uint32_t index, PerRecord<Balances>& implied) {
  const Transfer& t = machine.transfers()[index];
  const PendingState state = machine.pending_states()[index];
  const bool is_pending = has_flag(t.flags, TransferFlags::pending);
  if (has_flag(t.flags, TransferFlags::void_pending_transfer)) return {};
  if (is_pending && state != PendingState::pending) return {};  // Released since.
  const std::span<const Account> accounts = machine.accounts();
  const BalanceField& debit_field = balance_fields[is_pending ? 0 : 1];
  const BalanceField& credit_field = balance_fields[is_pending ? 2 : 3];
  const std::pair<uint32_t, const BalanceField*> sides[] = {{found.debit[index], &debit_field},
                                                             {found.credit[index], &credit_field}};
  for (const auto& [account, field] : sides) {
    u128& sum = implied[account].*(field->implied);
    if (!checked_add(sum, t.amount, &sum)) {
      return broken(Invariant::balance_overflow, "account " + text(accounts[account].id) +
                                                     ": its transfers' " + field->name +
                                                     " pass 2^128 - 1 at transfer " + text(t.id));
    }
  }
  return {};
}

InvariantReport check_balances(const StateMachine& machine, const TransferAccounts& found) {
  const std::span<const Account> accounts = machine.accounts();
  PerRecord<Balances> implied(accounts.size());
  const size_t transfers = machine.transfers().size();
  for (uint32_t i = 0; i < transfers; ++i) {
    if (const size_t ahead = i + record_ahead; ahead < transfers) {
      prefetch_for_read(&implied[found.debit[ahead]]);
      prefetch_for_read(&implied[found.credit[ahead]]);
    }
    if (InvariantReport report = add_implied(machine, found, i, implied); !report.ok()) {
      return report;
    }
  }
  for (size_t i = 0; i < accounts.size(); ++i) {
    for (const BalanceField& field : balance_fields) {
      const u128 stored = accounts[i].*(field.account);
      const u128 expected = implied[i].*(field.implied);
      if (stored == expected) continue;
      return broken(Invariant::balance_mismatch, "account " + text(accounts[i].id) + ": " +
                                                     field.name + " is " + text(stored) +
                                                     " but its transfers imply " + text(expected));
    }
  }
  return {};
}

}  // namespace

InvariantReport check_invariants(const StateMachine& machine) {
  // In order: each check may rely on the ones before it (e.g. accounts found, targets valid).
  using Check = InvariantReport (*)(const StateMachine&);
  for (const Check check : {check_timestamps, check_indexes}) {
    if (InvariantReport report = check(machine); !report.ok()) return report;
  }
  const TransferAccounts found(machine);
  if (InvariantReport report = check_transfers(machine, found); !report.ok()) return report;
  for (const Check check : {check_resolutions, check_ledgers, check_limits}) {
    if (InvariantReport report = check(machine); !report.ok()) return report;
  }
  return check_balances(machine, found);
}

InvariantReport check_totals(const StateMachine& machine) {
  if (InvariantReport report = check_ledgers(machine); !report.ok()) return report;
  return check_limits(machine);
}

}  // namespace kervan
