// The deterministic double-entry ledger: accounts, single-phase and two-phase transfers,
// linked events, idempotency by id, and deterministic expiry of pending transfers.
//
// A pure function of (state, batch, now_ns): no clock reads, no I/O, no exceptions, and no
// allocation after construction (capacities come from LedgerConfig; when a table is full the
// event gets a *_capacity_reached result). Every event gets exactly one result code, chosen
// by the precedence order in docs/result_codes.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/digest.h"
#include "core/int128.h"
#include "ledger/fixed_vector.h"
#include "ledger/id_table.h"
#include "ledger/limits.h"
#include "ledger/results.h"
#include "ledger/types.h"

namespace kervan {

struct LedgerConfig {
  uint32_t accounts_max = 0;
  uint32_t transfers_max = 0;
  // Ids whose transfer failed transiently and must stay failed (id_already_failed).
  uint32_t failed_ids_max = 0;
  // Seeds the id hash tables against crafted colliding ids; does not change any result.
  uint64_t hash_seed = 0;
  // Commit every table page at construction (a server: no page fault on the commit path), or
  // as first used (a ledger that lives for one simulation run). Does not change any result.
  Prefault prefault = Prefault::yes;
};

// Why StateMachine::restore refused a checkpoint's records. The records come from disk, so each
// is an operating error (a corrupt or foreign checkpoint), reported in this precedence order:
// capacities and counts, then the accounts, the transfers and the failed transfers in array
// order (for each record, its checks in the listed order), then the last timestamp.
//   accounts_exceed_capacity                 more accounts than accounts_max
//   transfers_exceed_capacity                more transfers than transfers_max
//   failed_transfers_exceed_capacity         more failed transfers than failed_ids_max
//   pending_states_count_mismatch            not exactly one pending state per transfer
//   account_id_invalid                       0 or 2^128 - 1
//   account_flags_invalid                    an unknown bit, or both balance limits
//   duplicate_account_id                     the id of an earlier account
//   account_timestamps_not_increasing        0, or not above the previous account's
//   transfer_id_invalid                      0 or 2^128 - 1
//   transfer_flags_invalid                   an unknown bit, or two of pending / post / void
//   duplicate_transfer_id                    the id of an earlier transfer
//   transfer_timestamps_not_increasing       0, or not above the previous transfer's
//   transfer_account_not_found               the debit or the credit account is absent
//   transfer_accounts_not_different          debit account == credit account
//   pending_state_invalid                    above `expired`; or `not_pending` for a transfer
//                                            flagged pending, another state for one not
//   transfer_timeout_overflows               pending: timestamp + timeout overflows 64 bits
//   failed_transfer_id_invalid               0 or 2^128 - 1
//   duplicate_failed_transfer_id             the id of a transfer or of an earlier failure
//   failed_transfer_result_not_transient     a result the ledger never remembers
//   failed_transfer_timestamps_not_increasing  0, or not above the previous failure's
//   last_timestamp_behind_records            a record's timestamp is after last_timestamp
// DO NOT CHANGE the numbers: printed by recovery and verify, kept in operators' scripts.
// Append only.
#define KERVAN_RESTORE_RESULTS(X)                  \
  X(ok, 0)                                         \
  X(accounts_exceed_capacity, 1)                   \
  X(transfers_exceed_capacity, 2)                  \
  X(failed_transfers_exceed_capacity, 3)           \
  X(pending_states_count_mismatch, 4)              \
  X(account_id_invalid, 5)                         \
  X(account_flags_invalid, 6)                      \
  X(duplicate_account_id, 7)                       \
  X(account_timestamps_not_increasing, 8)          \
  X(transfer_id_invalid, 9)                        \
  X(transfer_flags_invalid, 10)                    \
  X(duplicate_transfer_id, 11)                     \
  X(transfer_timestamps_not_increasing, 12)        \
  X(transfer_account_not_found, 13)                \
  X(transfer_accounts_not_different, 14)           \
  X(pending_state_invalid, 15)                     \
  X(transfer_timeout_overflows, 16)                \
  X(failed_transfer_id_invalid, 17)                \
  X(duplicate_failed_transfer_id, 18)              \
  X(failed_transfer_result_not_transient, 19)      \
  X(failed_transfer_timestamps_not_increasing, 20) \
  X(last_timestamp_behind_records, 21)

#define KERVAN_ENUM_VALUE(name, number) name = number,
enum class RestoreResult : uint8_t { KERVAN_RESTORE_RESULTS(KERVAN_ENUM_VALUE) };
#undef KERVAN_ENUM_VALUE
inline constexpr uint8_t restore_result_max = 21;

// The snake_case name, e.g. "duplicate_account_id"; "unknown" for a number not listed.
std::string_view result_name(RestoreResult result);

// Which transfers of an account to list, in timestamp order.
struct AccountTransfersFilter {
  u128 account_id = 0;
  uint64_t timestamp_min = 0;  // Inclusive; 0 means no lower bound.
  uint64_t timestamp_max = 0;  // Inclusive; 0 means no upper bound.
  uint32_t limit = 0;          // REQUIRES: > 0.
  bool debits = true;          // Transfers where the account is the debit side.
  bool credits = true;         // Transfers where the account is the credit side.
  bool reversed = false;       // Newest first.
};

class StateMachine {
 public:
  // Allocates every table for the configured capacities. REQUIRES: each capacity in
  // [1, ledger_records_max].
  explicit StateMachine(const LedgerConfig& config);
  ~StateMachine();
  StateMachine(const StateMachine&) = delete;
  StateMachine& operator=(const StateMachine&) = delete;

  // Rebuilds the state saved by a checkpoint from its records: the arrays accounts(),
  // transfers(), pending_states() and failed_transfers() returned, and last_timestamp(). Every
  // derived structure (id indexes, per-account transfer lists, expiry heap) is rebuilt, so the
  // machine then behaves exactly as the one saved: same state_hash(), same results for any
  // further batch. Allocates nothing.
  // Checks only what the state machine's structures rely on (see RestoreResult); the
  // accounting itself (balances, resolutions, limits) is check_invariants' job
  // (ledger/invariants.h). A machine restored from records that break an invariant may hit an
  // assertion later, so before applying any batch recovery must either run check_invariants
  // or know the records to be the ones saved (state_hash() equal to the checkpoint's).
  // On any result but ok the machine is partly restored and must be destroyed: every further
  // mutating call (batch, expiry, restore) on it is a programmer error and aborts.
  // REQUIRES: nothing applied yet (freshly constructed).
  [[nodiscard]] RestoreResult restore(uint64_t last_timestamp, std::span<const Account> accounts,
                                      std::span<const Transfer> transfers,
                                      std::span<const PendingState> pending_states,
                                      std::span<const FailedTransfer> failed);

  // Applies a batch of account creations. Event i gets the timestamp
  // max(now_ns, last_timestamp()) + i + 1 (strictly increasing across batches) and
  // results[i]. Pending transfers due by the first event's timestamp expire first.
  // REQUIRES: events.size() <= batch_events_max, results.size() == events.size().
  void create_accounts(uint64_t now_ns, std::span<const Account> events,
                       std::span<CreateAccountResult> results);

  // Applies a batch of transfers; timestamps and expiry as for create_accounts.
  void create_transfers(uint64_t now_ns, std::span<const Transfer> events,
                        std::span<CreateTransferResult> results);

  // Expires every pending transfer whose timeout has passed by max(now_ns, last_timestamp()),
  // releasing its pending amounts. Returns how many expired. Part of the log like a batch.
  uint32_t expire_pending_transfers(uint64_t now_ns);

  // Lookups: nullptr when absent. Pointers stay valid until the next mutating call.
  [[nodiscard]] const Account* lookup_account(u128 id) const;
  [[nodiscard]] const Transfer* lookup_transfer(u128 id) const;
  // The pending state of a transfer; not_pending for an unknown id.
  [[nodiscard]] PendingState pending_state(u128 transfer_id) const;

  // Hints from a caller that knows which ids its coming batches name, ahead of them: stage 0
  // starts loading an id's index bucket; stage 1, once that is cached, its record. They change
  // nothing; an absent id costs only the loads.
  void prefetch_account_ahead(u128 id, int stage) const;
  void prefetch_transfer_ahead(u128 id, int stage) const;

  // Copies up to min(filter.limit, out.size()) matching transfers into `out`, returns the
  // count. An unknown account yields zero.
  [[nodiscard]] uint32_t get_account_transfers(const AccountTransfersFilter& filter,
                                               std::span<Transfer> out) const;

  // BLAKE2b-256 over the canonical encoding of the whole state (docs/storage_format.md):
  // equal for two ledgers that applied the same batches at the same times.
  [[nodiscard]] Digest state_hash() const;

  [[nodiscard]] uint64_t last_timestamp() const { return last_timestamp_; }
  [[nodiscard]] uint32_t accounts_count() const { return static_cast<uint32_t>(accounts_.size()); }
  [[nodiscard]] uint32_t transfers_count() const {
    return static_cast<uint32_t>(transfers_.size());
  }
  [[nodiscard]] uint32_t failed_ids_count() const { return static_cast<uint32_t>(failed_.size()); }
  [[nodiscard]] std::span<const Account> accounts() const { return accounts_; }
  [[nodiscard]] std::span<const Transfer> transfers() const { return transfers_; }
  [[nodiscard]] std::span<const PendingState> pending_states() const { return pending_states_; }
  // Remembered transient failures, in timestamp order.
  [[nodiscard]] std::span<const FailedTransfer> failed_transfers() const { return failed_; }
  // Bytes held by all tables, for the memory-per-record figures.
  [[nodiscard]] uint64_t bytes_allocated() const;

 private:
  static constexpr uint32_t index_none = UINT32_MAX;

  struct AccountLinks {
    uint32_t first = index_none;  // Oldest transfer touching the account.
    uint32_t last = index_none;   // Newest.
    // Whether the account is the credit side of `last`: linking the next transfer then needs
    // no read of that (usually uncached) transfer record.
    bool last_is_credit = false;
  };

  // Each transfer sits in two lists, its debit account's and its credit account's.
  struct TransferLinks {
    uint32_t debit_prev = index_none;
    uint32_t debit_next = index_none;
    uint32_t credit_prev = index_none;
    uint32_t credit_next = index_none;
  };

  struct ExpiryEntry {
    uint64_t expires_at_ns = 0;
    uint32_t transfer_index = 0;
  };

  struct UndoEntry {
    enum class Kind : uint8_t { account_created, transfer_created, balances, pending_state };
    Kind kind = Kind::balances;
    PendingState pending_state = PendingState::not_pending;
    uint32_t index = 0;
    u128 debits_pending = 0;
    u128 debits_posted = 0;
    u128 credits_pending = 0;
    u128 credits_posted = 0;
  };

  uint64_t begin_batch(uint64_t now_ns, uint32_t events_count);
  template <typename Event, typename Result, typename Apply, typename OnFailure, typename Prefetch>
  void apply_batch(uint64_t base, std::span<const Event> events, std::span<Result> results,
                   Apply apply, OnFailure on_failure, Prefetch prefetch);
  void expire_due(uint64_t timestamp);

  CreateAccountResult create_account(uint64_t timestamp, const Account& event);
  CreateTransferResult create_transfer(uint64_t timestamp, const Transfer& event);
  CreateTransferResult create_transfer_unchecked(uint64_t timestamp, const Transfer& event);
  CreateTransferResult post_or_void_pending_transfer(uint64_t timestamp, const Transfer& event);
  CreateTransferResult check_balances(const Transfer& event, const Account& debit,
                                      const Account& credit, uint64_t timestamp) const;
  void insert_transfer(const Transfer& record, uint32_t debit_index, uint32_t credit_index);
  uint32_t* next_in_list(uint32_t transfer, bool is_credit);
  bool is_credit_side(uint32_t transfer, u128 account_id) const;
  void unlink_last(uint32_t account, u128 account_id, uint32_t previous);
  void remember_failure(u128 id, CreateTransferResult result, uint64_t timestamp);

  RestoreResult restore_records(std::span<const Account> accounts,
                                std::span<const Transfer> transfers,
                                std::span<const PendingState> pending_states,
                                std::span<const FailedTransfer> failed);
  RestoreResult restore_account(const Account& record);
  RestoreResult restore_transfer(const Transfer& record, PendingState state);
  RestoreResult restore_failed_transfer(const FailedTransfer& record);

  // Linked chains: every change inside an open chain is logged so that it can be undone.
  void scope_open();
  void scope_commit();
  void scope_rollback();
  void undo(const UndoEntry& entry);
  void save_balances(uint32_t account_index);
  void save_pending_state(uint32_t transfer_index);
  void schedule_expiry(uint64_t expires_at_ns, uint32_t transfer_index);
  void push_expiry(const ExpiryEntry& entry);

  uint32_t account_index(u128 id) const;
  void prefetch_account(u128 id) const;
  void prefetch_transfer(u128 id) const;
  uint32_t transfer_index(u128 id) const;

  LedgerConfig config_;
  uint64_t last_timestamp_ = 0;
  uint32_t expired_count_ = 0;  // Pending transfers expired so far (a statistic).

  FixedVector<Account> accounts_;
  FixedVector<AccountLinks> account_links_;
  IdTable account_ids_;

  FixedVector<Transfer> transfers_;
  FixedVector<TransferLinks> transfer_links_;
  FixedVector<PendingState> pending_states_;
  FixedVector<FailedTransfer> failed_;
  IdTable transfer_ids_;  // Value: transfer index, or failed_flag | failed index.

  FixedVector<ExpiryEntry> expiry_heap_;      // Min-heap on (expires_at_ns, transfer index).
  FixedVector<ExpiryEntry> expiry_deferred_;  // Scheduled inside an open chain.

  bool scope_is_open_ = false;
  bool restore_failed_ = false;  // The machine holds part of a checkpoint: unusable.
  FixedVector<UndoEntry> undo_log_;
};

}  // namespace kervan
