// Account and transfer records of the double-entry ledger (TigerBeetle's model), and the
// remembered transient failures. Accounts and transfers are 128 bytes with pinned layouts; the
// byte encoding used on disk and on the wire is the explicit little-endian one in
// record_coding.h, never a memcpy of these structs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/int128.h"
#include "ledger/results.h"

namespace kervan {

// DO NOT CHANGE the bit values: stored in the journal and sent on the wire.
enum class AccountFlags : uint16_t {
  none = 0,
  // The account's event is linked with the next event of the batch (see docs/result_codes.md).
  linked = 1u << 0,
  // debits_pending + debits_posted may never exceed credits_posted: a cover limit.
  debits_must_not_exceed_credits = 1u << 1,
  // credits_pending + credits_posted may never exceed debits_posted.
  credits_must_not_exceed_debits = 1u << 2,
};
inline constexpr uint16_t account_flags_known = 0b111;

// DO NOT CHANGE the bit values: stored in the journal and sent on the wire.
enum class TransferFlags : uint16_t {
  none = 0,
  linked = 1u << 0,
  // Two-phase: reserve the amount in the pending balances until posted, voided or expired.
  pending = 1u << 1,
  // Resolve the pending transfer named by pending_id: move (part of) it to the posted balances.
  post_pending_transfer = 1u << 2,
  // Resolve the pending transfer named by pending_id: release it.
  void_pending_transfer = 1u << 3,
};
inline constexpr uint16_t transfer_flags_known = 0b1111;

constexpr bool has_flag(uint16_t flags, AccountFlags flag) {
  return (flags & static_cast<uint16_t>(flag)) != 0;
}
constexpr bool has_flag(uint16_t flags, TransferFlags flag) {
  return (flags & static_cast<uint16_t>(flag)) != 0;
}
constexpr uint16_t flags_of(AccountFlags flag) {
  return static_cast<uint16_t>(flag);
}
constexpr uint16_t flags_of(TransferFlags flag) {
  return static_cast<uint16_t>(flag);
}

// An account in one currency ledger. The four balances are maintained by the ledger only;
// a create_accounts event must carry them as zero.
struct Account {
  u128 id = 0;
  u128 debits_pending = 0;
  u128 debits_posted = 0;
  u128 credits_pending = 0;
  u128 credits_posted = 0;
  u128 user_data_128 = 0;
  uint64_t user_data_64 = 0;
  uint32_t user_data_32 = 0;
  uint32_t reserved = 0;   // Must be zero.
  uint32_t ledger = 0;     // Partition: the ISO 4217 numeric currency code of every amount.
  uint16_t code = 0;       // Chart-of-accounts kind, chosen by the user (never zero).
  uint16_t flags = 0;      // AccountFlags.
  uint64_t timestamp = 0;  // Assigned by the ledger; must be zero in an event.
};

// A transfer of `amount` from the debit account to the credit account, in one ledger.
struct Transfer {
  u128 id = 0;
  u128 debit_account_id = 0;
  u128 credit_account_id = 0;
  u128 amount = 0;      // Minor units. For a post: zero posts the full pending amount.
  u128 pending_id = 0;  // For post/void: the pending transfer resolved.
  u128 user_data_128 = 0;
  uint64_t user_data_64 = 0;
  uint32_t user_data_32 = 0;
  uint32_t timeout_s = 0;  // Pending only: expires this many seconds after its timestamp.
  uint32_t ledger = 0;
  uint16_t code = 0;
  uint16_t flags = 0;      // TransferFlags.
  uint64_t timestamp = 0;  // Assigned by the ledger; must be zero in an event.
};

// DO NOT CHANGE: pinned layouts (the state hash and the record coding depend on them).
static_assert(sizeof(Account) == 128);
static_assert(offsetof(Account, user_data_128) == 80);
static_assert(offsetof(Account, ledger) == 112);
static_assert(offsetof(Account, timestamp) == 120);
static_assert(sizeof(Transfer) == 128);
static_assert(offsetof(Transfer, pending_id) == 64);
static_assert(offsetof(Transfer, timeout_s) == 108);
static_assert(offsetof(Transfer, flags) == 118);
static_assert(offsetof(Transfer, timestamp) == 120);

// Where a pending transfer stands. A single-phase, post or void transfer is `not_pending`.
// DO NOT CHANGE the numbers: part of the state hash and of query results.
enum class PendingState : uint8_t {
  not_pending = 0,
  pending = 1,
  posted = 2,
  voided = 3,
  expired = 4,
};

// A transfer id that failed transiently (see is_transient): the ledger keeps it so that a retry
// gets id_already_failed. `timestamp` is the one the failing event consumed. Encoded explicitly
// (state hash, checkpoints) as id 16 bytes LE, timestamp 8 bytes LE, result 1 byte.
struct FailedTransfer {
  u128 id = 0;
  uint64_t timestamp = 0;
  CreateTransferResult result = CreateTransferResult::ok;
};
static_assert(sizeof(FailedTransfer) == 32);

}  // namespace kervan
