// Per-event result codes of the ledger, one per event, checked in the precedence order
// documented in docs/result_codes.md. The numbers are stable: clients store and compare them.
#pragma once

#include <cstdint>
#include <string_view>

namespace kervan {

// DO NOT CHANGE the numbers: sent on the wire and stored in the journal. Append only.
#define KERVAN_CREATE_ACCOUNT_RESULTS(X)     \
  X(ok, 0)                                   \
  X(linked_event_failed, 1)                  \
  X(linked_event_chain_open, 2)              \
  X(timestamp_must_be_zero, 3)               \
  X(reserved_field, 4)                       \
  X(reserved_flag, 5)                        \
  X(id_must_not_be_zero, 6)                  \
  X(id_must_not_be_int_max, 7)               \
  X(flags_are_mutually_exclusive, 8)         \
  X(debits_pending_must_be_zero, 9)          \
  X(debits_posted_must_be_zero, 10)          \
  X(credits_pending_must_be_zero, 11)        \
  X(credits_posted_must_be_zero, 12)         \
  X(ledger_must_not_be_zero, 13)             \
  X(code_must_not_be_zero, 14)               \
  X(exists_with_different_flags, 15)         \
  X(exists_with_different_user_data_128, 16) \
  X(exists_with_different_user_data_64, 17)  \
  X(exists_with_different_user_data_32, 18)  \
  X(exists_with_different_ledger, 19)        \
  X(exists_with_different_code, 20)          \
  X(exists, 21)                              \
  X(accounts_capacity_reached, 22)

// DO NOT CHANGE the numbers: sent on the wire and stored in the journal. Append only.
#define KERVAN_CREATE_TRANSFER_RESULTS(X)                 \
  X(ok, 0)                                                \
  X(linked_event_failed, 1)                               \
  X(linked_event_chain_open, 2)                           \
  X(timestamp_must_be_zero, 3)                            \
  X(reserved_flag, 4)                                     \
  X(id_must_not_be_zero, 5)                               \
  X(id_must_not_be_int_max, 6)                            \
  X(exists_with_different_flags, 7)                       \
  X(exists_with_different_pending_id, 8)                  \
  X(exists_with_different_timeout, 9)                     \
  X(exists_with_different_debit_account_id, 10)           \
  X(exists_with_different_credit_account_id, 11)          \
  X(exists_with_different_amount, 12)                     \
  X(exists_with_different_user_data_128, 13)              \
  X(exists_with_different_user_data_64, 14)               \
  X(exists_with_different_user_data_32, 15)               \
  X(exists_with_different_ledger, 16)                     \
  X(exists_with_different_code, 17)                       \
  X(exists, 18)                                           \
  X(id_already_failed, 19)                                \
  X(flags_are_mutually_exclusive, 20)                     \
  X(debit_account_id_must_not_be_zero, 21)                \
  X(debit_account_id_must_not_be_int_max, 22)             \
  X(credit_account_id_must_not_be_zero, 23)               \
  X(credit_account_id_must_not_be_int_max, 24)            \
  X(accounts_must_be_different, 25)                       \
  X(pending_id_must_be_zero, 26)                          \
  X(pending_id_must_not_be_zero, 27)                      \
  X(pending_id_must_not_be_int_max, 28)                   \
  X(pending_id_must_be_different, 29)                     \
  X(timeout_reserved_for_pending_transfer, 30)            \
  X(ledger_must_not_be_zero, 31)                          \
  X(code_must_not_be_zero, 32)                            \
  X(amount_must_not_be_zero, 33)                          \
  X(debit_account_not_found, 34)                          \
  X(credit_account_not_found, 35)                         \
  X(accounts_must_have_the_same_ledger, 36)               \
  X(transfer_must_have_the_same_ledger_as_accounts, 37)   \
  X(pending_transfer_not_found, 38)                       \
  X(pending_transfer_not_pending, 39)                     \
  X(pending_transfer_has_different_debit_account_id, 40)  \
  X(pending_transfer_has_different_credit_account_id, 41) \
  X(pending_transfer_has_different_ledger, 42)            \
  X(pending_transfer_has_different_code, 43)              \
  X(exceeds_pending_transfer_amount, 44)                  \
  X(pending_transfer_has_different_amount, 45)            \
  X(pending_transfer_already_posted, 46)                  \
  X(pending_transfer_already_voided, 47)                  \
  X(pending_transfer_expired, 48)                         \
  X(overflows_debits_pending, 49)                         \
  X(overflows_credits_pending, 50)                        \
  X(overflows_debits_posted, 51)                          \
  X(overflows_credits_posted, 52)                         \
  X(overflows_debits, 53)                                 \
  X(overflows_credits, 54)                                \
  X(overflows_timeout, 55)                                \
  X(exceeds_credits, 56)                                  \
  X(exceeds_debits, 57)                                   \
  X(transfers_capacity_reached, 58)

#define KERVAN_ENUM_VALUE(name, number) name = number,
enum class CreateAccountResult : uint8_t { KERVAN_CREATE_ACCOUNT_RESULTS(KERVAN_ENUM_VALUE) };
enum class CreateTransferResult : uint8_t { KERVAN_CREATE_TRANSFER_RESULTS(KERVAN_ENUM_VALUE) };
#undef KERVAN_ENUM_VALUE

inline constexpr uint8_t create_account_result_max = 22;
inline constexpr uint8_t create_transfer_result_max = 58;

// The snake_case name of a code, e.g. "exceeds_credits"; "unknown" for a number not listed.
std::string_view result_name(CreateAccountResult result);
std::string_view result_name(CreateTransferResult result);

// True for failures that depend on state that may change later (an account not yet created,
// a balance). The ledger remembers such an id as failed, so that a retry with the same id
// returns id_already_failed instead of succeeding later: a client sees one outcome per id.
constexpr bool is_transient(CreateTransferResult result) {
  switch (result) {
    case CreateTransferResult::debit_account_not_found:
    case CreateTransferResult::credit_account_not_found:
    case CreateTransferResult::pending_transfer_not_found:
    case CreateTransferResult::overflows_debits_pending:
    case CreateTransferResult::overflows_credits_pending:
    case CreateTransferResult::overflows_debits_posted:
    case CreateTransferResult::overflows_credits_posted:
    case CreateTransferResult::overflows_debits:
    case CreateTransferResult::overflows_credits:
    case CreateTransferResult::exceeds_credits:
    case CreateTransferResult::exceeds_debits:
      return true;
    default:
      return false;
  }
}

}  // namespace kervan
