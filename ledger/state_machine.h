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
};

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

  struct FailedId {
    u128 id = 0;
    uint64_t timestamp = 0;
    CreateTransferResult result = CreateTransferResult::ok;
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
  FixedVector<FailedId> failed_;
  IdTable transfer_ids_;  // Value: transfer index, or failed_flag | failed index.

  FixedVector<ExpiryEntry> expiry_heap_;      // Min-heap on (expires_at_ns, transfer index).
  FixedVector<ExpiryEntry> expiry_deferred_;  // Scheduled inside an open chain.

  bool scope_is_open_ = false;
  FixedVector<UndoEntry> undo_log_;
};

}  // namespace kervan
