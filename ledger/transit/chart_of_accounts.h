// The transit ledger's chart of accounts in code (docs/chart_of_accounts.md): the kinds of
// accounts and transfers, their ids derived from domain ids, and the builders of the core
// records each step applies. Internal to ledger/transit: the step files share it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/assert.h"
#include "core/country.h"
#include "core/currency.h"
#include "core/int128.h"
#include "ledger/transit/transit_types.h"
#include "ledger/types.h"

namespace kervan {

// Account and transfer kinds (the top byte of their ids): docs/chart_of_accounts.md.
enum class AccountKind : uint8_t {
  provider_funding = 1,
  guarantee_cover = 2,
  guarantee_reserved = 3,
  country_receivable = 4,
  country_collected = 5,
  union_pool = 6,
};
enum class TransferCode : uint16_t {
  register_cover = 1,
  amend_cover = 2,
  reserve = 3,
  release_reservation = 4,
  claim_draw = 5,
  claim_to_receivable = 6,
  claim_paid = 7,
  union_distribution = 8,
};

constexpr u128 id_of(AccountKind kind, u128 payload) {
  return (u128{static_cast<uint8_t>(kind)} << 120) | payload;
}
inline u128 funding_account(PartyId provider, Currency currency) {
  return id_of(AccountKind::provider_funding,
               (u128{static_cast<uint64_t>(provider)} << 16) | currency_numeric(currency));
}
inline u128 cover_account(uint32_t guarantee) {
  return id_of(AccountKind::guarantee_cover, guarantee);
}
// The other side of a guarantee's reservations: one account per guarantee, not per movement
// (a movement's reservation is its pending transfer, found by id).
inline u128 reserved_account(uint32_t guarantee) {
  return id_of(AccountKind::guarantee_reserved, guarantee);
}
inline u128 receivable_account(Country country, PartyId provider, Currency currency) {
  return id_of(AccountKind::country_receivable, (u128{country.code()} << 80) |
                                                    (u128{static_cast<uint64_t>(provider)} << 16) |
                                                    currency_numeric(currency));
}
inline u128 pool_account(PartyId pool, Currency currency) {
  return id_of(AccountKind::union_pool,
               (u128{static_cast<uint64_t>(pool)} << 16) | currency_numeric(currency));
}
inline u128 collected_account(Country country, Currency currency) {
  return id_of(AccountKind::country_collected,
               (u128{country.code()} << 16) | currency_numeric(currency));
}
// Transfer ids: the step's code, the movement or guarantee index, the attempt (a failed
// attempt burns its ids in the core, so a retry needs new ones), and a step-local number.
inline u128 transfer_id(TransferCode code, uint32_t owner, uint32_t attempt, uint32_t local) {
  return (u128{static_cast<uint16_t>(code)} << 120) | (u128{owner} << 64) | (u128{attempt} << 32) |
         local;
}

inline Account make_account(u128 id, Currency currency, AccountKind kind, uint16_t flags = 0) {
  Account account;
  account.id = id;
  account.ledger = currency_numeric(currency);
  account.code = static_cast<uint8_t>(kind);
  account.flags = flags;
  return account;
}

inline Transfer make_transfer(u128 id, u128 debit, u128 credit, i128 amount, Currency currency,
                              TransferCode code, uint16_t flags = 0) {
  KERVAN_ASSERT(amount > 0);
  Transfer t;
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = static_cast<u128>(amount);
  t.ledger = currency_numeric(currency);
  t.code = static_cast<uint16_t>(code);
  t.flags = flags;
  return t;
}

// A post or void inherits the pending transfer's accounts, ledger and code (the core refuses
// another code); the step shows in the id's top byte.
inline Transfer make_resolve(u128 id, u128 pending_id, i128 amount, bool post) {
  Transfer t;
  t.id = id;
  t.pending_id = pending_id;
  t.amount = static_cast<u128>(amount);
  t.flags =
      flags_of(post ? TransferFlags::post_pending_transfer : TransferFlags::void_pending_transfer);
  return t;
}

// A movement still open: released and not yet arrived, written off or claimed.
inline bool is_open(MovementState state) {
  return state == MovementState::released || state == MovementState::incident ||
         state == MovementState::enquiry;
}

// The references still holding cover: not discharged at a crossing.
inline uint16_t held_references(const Movement& m) {
  const auto all = static_cast<uint16_t>((1u << m.declaration.references_count) - 1u);
  return static_cast<uint16_t>(all & ~m.discharged_references);
}

}  // namespace kervan
