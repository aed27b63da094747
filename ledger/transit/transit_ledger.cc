#include "ledger/transit/transit_ledger.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "core/assert.h"
#include "core/bytes.h"
#include "core/prefetch.h"
#include "ledger/transit/chart_of_accounts.h"

namespace kervan {

namespace {

using TR = TransitResult;

// The guarantee amount: reference amount x reduction level (rounded down to the minor unit).
bool guarantee_amount(const GuaranteeSpec& spec, i128* out) {
  i128 product = 0;
  if (!checked_mul(spec.reference_amount.minor(), i128{spec.reduction_percent}, &product)) {
    return false;
  }
  *out = product / 100;
  return true;
}

bool contains(std::span<const Country> countries, Country country) {
  return std::find(countries.begin(), countries.end(), country) != countries.end();
}

unsigned base37_digit(char c) {
  return (c >= '0' && c <= '9') ? unsigned(c - '0') + 1 : unsigned(c - 'A') + 11;
}

// Up to 12 characters in base 37: below 37^12 < 2^63, so in 64-bit arithmetic.
uint64_t pack_base37_u64(std::string_view text) {
  uint64_t value = 0;
  for (char c : text) value = value * 37 + base37_digit(c);
  return value;
}

// The characters as the digits (1..36) of a number in base 37, at most 24 of them (37^24 <
// 2^128). Computed as two halves of at most 12 digits in 64-bit arithmetic, joined by one
// 128-bit multiply-add (the same number as digit after digit in 128 bits, in a third of the
// time: every step naming a guarantee computes one).
u128 pack_base37(std::string_view text) {
  KERVAN_ASSERT(text.size() <= 24);
  constexpr size_t half = 12;
  if (text.size() <= half) return pack_base37_u64(text);
  constexpr std::array<uint64_t, half + 1> pow37 = [] {
    std::array<uint64_t, half + 1> powers{};
    uint64_t value = 1;
    for (uint64_t& power : powers) {
      power = value;
      value *= 37;
    }
    return powers;
  }();
  const std::string_view tail = text.substr(half);
  return u128{pack_base37_u64(text.substr(0, half))} * pow37[tail.size()] +
         pack_base37_u64(tail);
}

// Eight characters of A-Z0-9 (bytes 0x30..0x5A), six bits each: byte - 0x2F is 1..43, never 0,
// and fits six bits. Three shift-and-mask steps gather the eight 6-bit fields into 48 bits.
uint64_t pack_six_bits(const char* eight) {
  uint64_t x = 0;
  std::memcpy(&x, eight, sizeof(x));
  x -= 0x2F2F2F2F2F2F2F2Full;  // Each byte is at least 0x30: no borrow crosses a byte.
  x = (x & 0x00FF00FF00FF00FFull) | ((x & 0xFF00FF00FF00FF00ull) >> 2);
  x = (x & 0x0000FFFF0000FFFFull) | ((x & 0xFFFF0000FFFF0000ull) >> 4);
  return (x & 0x00000000FFFFFFFFull) | ((x & 0xFFFFFFFF00000000ull) >> 8);
}

}  // namespace

u128 grn_key(const Grn& grn) { return pack_base37(grn.text()); }

// The id itself: 0, the table's empty key, is never a party's (the id plus one, as it was,
// wrapped to 0 for id 2^64 - 1, and the lookup aborted).
u128 party_key(PartyId id) {
  KERVAN_ASSERT(static_cast<uint64_t>(id) != 0);
  return static_cast<uint64_t>(id);
}

u128 client_key_id(const ClientPublicKey& key) {
  const u128 id = load_u128_le(key.data());
  return id == 0 ? 1 : id;
}

// 18 characters x 6 bits = 108 bits, with no multiplication: every step that names a
// movement, and every prefetch hint, computes one.
u128 mrn_key(const Mrn& mrn) {
  static_assert(mrn_chars == 18);
  KERVAN_ASSERT(!mrn.empty());
  const char* chars = mrn.text().data();
  const uint64_t last_two = uint64_t(chars[16] - 0x2F) | uint64_t(chars[17] - 0x2F) << 6;
  return u128{pack_six_bits(chars)} | u128{pack_six_bits(chars + 8)} << 48 | u128{last_two} << 96;
}

std::string_view result_name(TransitResult result) {
#define KERVAN_RESULT_CASE(name, number) \
  case number:                           \
    return #name;
  switch (static_cast<int>(result)) {
    KERVAN_TRANSIT_RESULTS(KERVAN_RESULT_CASE)
    default:
      return "unknown";
  }
#undef KERVAN_RESULT_CASE
}

TransitLedger::TransitLedger(const TransitConfig& config)
    : config_(config),
      parties_(config.parties_max, config.prefault),
      party_ids_(config.parties_max, config.hash_seed, config.prefault),
      keys_(config.parties_max * client_keys_per_party, config.prefault),
      key_ids_(config.parties_max * client_keys_per_party, config.hash_seed + 3,
               config.prefault),
      guarantees_(config.guarantees_max, config.prefault),
      guarantee_ids_(config.guarantees_max, config.hash_seed + 1, config.prefault),
      movements_(config.movements_max, config.prefault),
      movement_ids_(config.movements_max, config.hash_seed + 2, config.prefault),
      free_movement_slots_(config.movements_max, config.prefault),
      duties_(size_t{itinerary_max} * config.currencies_max * 16) {
  // Accounts: funding per provider and currency, cover and reserved per guarantee, collected
  // per country and currency, and a receivable per country, provider and currency, which only
  // a claim on a reference creates (so at most one per movement reference).
  const uint64_t accounts = uint64_t{config.parties_max} * config.currencies_max * 2 +
                            uint64_t{config.guarantees_max} * 2 +
                            uint64_t{config.movements_max} * guarantee_references_max;
  // Transfers: funding and amendments, and per reference a reservation, its resolution and a
  // move to a receivable and its payment.
  const uint64_t transfers = uint64_t{config.guarantees_max} * 4 +
                             uint64_t{config.movements_max} * guarantee_references_max * 4;
  KERVAN_ASSERT(accounts < ledger_records_max && transfers < ledger_records_max);
  const uint32_t accounts_max = config.ledger_accounts_max != 0 ? config.ledger_accounts_max
                                                                : static_cast<uint32_t>(accounts);
  const uint32_t transfers_max = config.ledger_transfers_max != 0
                                     ? config.ledger_transfers_max
                                     : static_cast<uint32_t>(transfers);
  ledger_ = std::make_unique<StateMachine>(LedgerConfig{
      .accounts_max = accounts_max,
      .transfers_max = transfers_max,
      .failed_ids_max = transfers_max / 4 + 16,
      .hash_seed = config.hash_seed,
      .prefault = config.prefault});
}

// ---- Helpers ---------------------------------------------------------------------------------

const Party* TransitLedger::party(PartyId id) const {
  if (static_cast<uint64_t>(id) == 0) return nullptr;  // Never registered (register_party).
  const uint32_t index = party_ids_.find(party_key(id));
  return index == IdTable::value_none ? nullptr : &parties_[index];
}

const Guarantee* TransitLedger::guarantee(const Grn& grn) const {
  if (grn.empty()) return nullptr;
  const uint32_t index = guarantee_ids_.find(grn_key(grn));
  return index == IdTable::value_none ? nullptr : &guarantees_[index];
}

Guarantee* TransitLedger::find_guarantee(const Grn& grn) {
  return const_cast<Guarantee*>(std::as_const(*this).guarantee(grn));
}

const Movement* TransitLedger::movement(const Mrn& mrn) const {
  if (mrn.empty()) return nullptr;
  const uint32_t index = movement_ids_.find(mrn_key(mrn));
  return index == IdTable::value_none ? nullptr : &movements_[index];
}

void TransitLedger::prefetch_movement(const Mrn& mrn, int stage, bool reservations) const {
  if (mrn.empty() || (stage >= 2 && !reservations)) return;
  const u128 key = mrn_key(mrn);
  if (stage == 0) {
    movement_ids_.prefetch(key);
    return;
  }
  const uint32_t index = movement_ids_.find(key);
  if (index == IdTable::value_none) return;
  const Movement& m = movements_[index];
  if (stage == 1) {
    // The MRN and itinerary, the first duties, the first reference, the progress fields and
    // the history entries that follow them.
    const auto* declaration = reinterpret_cast<const char*>(&m.declaration);
    prefetch_for_read(declaration);
    prefetch_for_read(declaration + 64);
    prefetch_for_read(declaration + 128);
    const auto* reference = reinterpret_cast<const char*>(&m.declaration.references[0]);
    prefetch_for_read(reference);
    prefetch_for_read(reference + sizeof(GuaranteeReference) - 1);
    const auto* progress = reinterpret_cast<const char*>(&m.index);
    for (size_t line = 0; line < 4 * 64; line += 64) prefetch_for_read(progress + line);
    return;
  }
  // What a discharge or a claim resolves: each reference's reservation, and the id the
  // reservation's release will take (the guarantees' accounts are few, and stay cached).
  const int core_stage = stage - 2;
  for (uint32_t i = 0; i < m.declaration.references_count; ++i) {
    ledger_->prefetch_transfer_ahead(
        transfer_id(TransferCode::reserve, m.number, m.release_attempts, i), core_stage);
    if (core_stage == 0) {
      ledger_->prefetch_transfer_ahead(
          transfer_id(TransferCode::release_reservation, m.number, m.release_attempts, i), 0);
    }
  }
}

Movement* TransitLedger::find_movement(const Mrn& mrn) {
  return const_cast<Movement*>(std::as_const(*this).movement(mrn));
}

TransitResult TransitLedger::role_check(PartyId actor, PartyRole role) const {
  const Party* found = party(actor);
  if (found == nullptr) return TR::party_not_found;
  return found->role == role ? TR::ok : TR::party_role_not_allowed;
}

TransitResult TransitLedger::customs_of(PartyId actor, Country country) const {
  if (const TR result = role_check(actor, PartyRole::customs); result != TR::ok) return result;
  return party(actor)->country == country ? TR::ok : TR::party_country_not_involved;
}

DutyLedger* TransitLedger::duty_ledger(Country country, Currency currency) {
  for (DutyLedger& entry : duties_) {
    if (entry.country == country && entry.currency == currency) return &entry;
  }
  if (duties_.full()) return nullptr;
  duties_.push_back(DutyLedger{.country = country,
                               .currency = currency,
                               .suspended = Amount::zero(currency),
                               .claimed = Amount::zero(currency),
                               .drawn = Amount::zero(currency),
                               .collected = Amount::zero(currency),
                               .distributed = Amount::zero(currency)});
  return &duties_.back();
}

TransitResult TransitLedger::ensure_accounts(uint64_t now_ns, std::span<const Account> accounts) {
  std::array<CreateAccountResult, guarantee_references_max + 4> results{};
  KERVAN_ASSERT(accounts.size() <= results.size());
  ledger_->create_accounts(now_ns, accounts, std::span(results).first(accounts.size()));
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (results[i] == CreateAccountResult::accounts_capacity_reached) return TR::capacity_reached;
    if (results[i] != CreateAccountResult::ok && results[i] != CreateAccountResult::exists) {
      return TR::ledger_refused;
    }
  }
  return TR::ok;
}

TransitResult TransitLedger::apply_linked(uint64_t now_ns, std::span<Transfer> transfers) {
  std::array<CreateTransferResult, guarantee_references_max * 2 + 2> results{};
  KERVAN_ASSERT(!transfers.empty() && transfers.size() <= results.size());
  for (size_t i = 0; i + 1 < transfers.size(); ++i) {
    transfers[i].flags |= flags_of(TransferFlags::linked);
  }
  ledger_->create_transfers(now_ns, transfers, std::span(results).first(transfers.size()));
  for (size_t i = 0; i < transfers.size(); ++i) {
    switch (results[i]) {
      case CreateTransferResult::ok:
      case CreateTransferResult::linked_event_failed:
        continue;
      case CreateTransferResult::exceeds_credits:
        return TR::amount_not_sufficient;
      case CreateTransferResult::overflows_credits:
      case CreateTransferResult::overflows_credits_posted:
      case CreateTransferResult::overflows_debits:
      case CreateTransferResult::overflows_debits_posted:
      case CreateTransferResult::overflows_credits_pending:
      case CreateTransferResult::overflows_debits_pending:
        return TR::amount_overflow;
      case CreateTransferResult::transfers_capacity_reached:
        return TR::capacity_reached;
      default:
        return TR::ledger_refused;
    }
  }
  return TR::ok;
}

// ---- Parties and guarantees -----------------------------------------------------------------

TransitResult TransitLedger::register_party(uint64_t /*now_ns*/, PartyId actor,
                                            const Party& candidate) {
  // The bootstrap: the first party of an empty registry is an operator registering itself.
  const bool bootstrap = parties_.empty() && candidate.role == PartyRole::operator_ &&
                         candidate.id == actor;
  if (!bootstrap) {
    if (const TR result = role_check(actor, PartyRole::operator_); result != TR::ok) return result;
  }
  if (static_cast<uint64_t>(candidate.id) == 0) return TR::party_not_found;
  if (const Party* found = party(candidate.id); found != nullptr) {
    return found->role == candidate.role && found->country == candidate.country
               ? TR::exists
               : TR::party_exists;
  }
  if (candidate.role == PartyRole::customs && candidate.country.empty()) {
    return TR::party_country_not_involved;
  }
  if (parties_.full()) return TR::capacity_reached;
  party_ids_.insert(party_key(candidate.id),
                    static_cast<uint32_t>(parties_.size()));
  parties_.push_back(candidate);
  KERVAN_ASSERT(party(candidate.id) == &parties_.back());
  return TR::ok;
}

const ClientKey* TransitLedger::client_key(const ClientPublicKey& key) const {
  const uint32_t index = key_ids_.find(client_key_id(key));
  if (index == IdTable::value_none || keys_[index].key != key) return nullptr;
  return &keys_[index];
}

uint32_t TransitLedger::operator_keys_active() const {
  uint32_t active = 0;
  for (const ClientKey& k : keys_) {
    const Party* owner = party(k.party);
    KERVAN_ASSERT(owner != nullptr);
    if (!k.revoked && owner->role == PartyRole::operator_) active += 1;
  }
  return active;
}

TransitResult TransitLedger::register_key(uint64_t now_ns, PartyId actor, PartyId party_id,
                                          const ClientPublicKey& key) {
  if (const TR result = role_check(actor, PartyRole::operator_); result != TR::ok) return result;
  if (party(party_id) == nullptr) return TR::party_not_found;
  const uint32_t index = key_ids_.find(client_key_id(key));
  if (index != IdTable::value_none) {
    const ClientKey& found = keys_[index];
    if (found.revoked && found.key == key) return TR::key_revoked;
    return found.key == key && found.party == party_id ? TR::exists : TR::key_exists;
  }
  if (keys_.full()) return TR::capacity_reached;
  key_ids_.insert(client_key_id(key), static_cast<uint32_t>(keys_.size()));
  keys_.push_back(ClientKey{.key = key, .party = party_id, .registered_ns = now_ns});
  KERVAN_ASSERT(client_key(key) == &keys_.back());
  return TR::ok;
}

TransitResult TransitLedger::revoke_key(uint64_t now_ns, PartyId actor,
                                        const ClientPublicKey& key) {
  if (const TR result = role_check(actor, PartyRole::operator_); result != TR::ok) return result;
  const ClientKey* found = client_key(key);
  if (found == nullptr) return TR::key_not_found;
  if (found->revoked) return TR::exists;
  if (party(found->party)->role == PartyRole::operator_ && operator_keys_active() == 1) {
    return TR::key_last_operator;
  }
  ClientKey& revoked = keys_[static_cast<size_t>(found - keys_.data())];
  revoked.revoked = true;
  revoked.revoked_ns = now_ns;
  return TR::ok;
}

namespace {

bool same_spec(const GuaranteeSpec& a, const GuaranteeSpec& b) {
  return a.type == b.type && a.provider == b.provider && a.principal == b.principal &&
         a.reference_amount == b.reference_amount && a.reduction_percent == b.reduction_percent &&
         a.valid_from == b.valid_from && a.valid_to == b.valid_to &&
         a.countries_count == b.countries_count && a.countries == b.countries &&
         a.sensitive_count == b.sensitive_count && a.sensitive_headings == b.sensitive_headings;
}

TransitResult validate_spec(const GuaranteeSpec& spec) {
  const bool type_known = spec.type == GuaranteeType::waiver ||
                          spec.type == GuaranteeType::comprehensive ||
                          spec.type == GuaranteeType::individual_guarantor ||
                          spec.type == GuaranteeType::individual_cash ||
                          spec.type == GuaranteeType::voucher ||
                          spec.type == GuaranteeType::tir_chain;
  if (!type_known) return TR::guarantee_type_invalid;
  const uint8_t level = spec.reduction_percent;
  if (level != 100 && level != 50 && level != 30 && level != 0) return TR::reduction_level_invalid;
  if (level != 100 && spec.type != GuaranteeType::comprehensive &&
      spec.type != GuaranteeType::waiver) {
    return TR::reduction_level_invalid;  // Only comprehensive guarantees are reduced.
  }
  if (spec.valid_to < spec.valid_from) return TR::validity_period_invalid;
  if (!currency_is_known(spec.reference_amount.currency())) return TR::currency_not_supported;
  if (spec.reference_amount.minor() <= 0) return TR::amount_invalid;
  if (spec.type == GuaranteeType::voucher &&
      (spec.reference_amount.currency() != Currency::eur ||
       spec.reference_amount.minor() != voucher_amount_eur_minor)) {
    return TR::amount_invalid;  // A voucher covers exactly EUR 10,000.
  }
  if (spec.countries_count > guarantee_countries_max ||
      spec.sensitive_count > sensitive_headings_max ||
      spec.access_codes_count > access_codes_max) {
    return TR::guarantee_references_invalid;
  }
  return TR::ok;
}

}  // namespace

TransitResult TransitLedger::register_guarantee(uint64_t now_ns, PartyId actor,
                                                const GuaranteeSpec& spec) {
  if (const TR result = role_check(actor, PartyRole::provider); result != TR::ok) return result;
  if (spec.provider != actor) return TR::party_role_not_allowed;
  if (spec.grn.empty()) return TR::guarantee_not_found;
  if (const Guarantee* existing = guarantee(spec.grn); existing != nullptr) {
    return same_spec(existing->spec, spec) ? TR::exists : TR::guarantee_exists;
  }
  if (const Party* principal = party(spec.principal);
      principal == nullptr || principal->role != PartyRole::principal) {
    return TR::party_not_found;
  }
  if (const TR invalid = validate_spec(spec); invalid != TR::ok) return invalid;
  i128 amount = 0;
  if (!guarantee_amount(spec, &amount)) return TR::amount_overflow;
  if (guarantees_.full()) return TR::capacity_reached;

  const auto index = static_cast<uint32_t>(guarantees_.size());
  const Currency currency = spec.reference_amount.currency();
  // A waiver monitors its reference amount but limits nothing.
  const uint16_t cover_flags = spec.type == GuaranteeType::waiver
                                   ? 0
                                   : flags_of(AccountFlags::debits_must_not_exceed_credits);
  const Account accounts[] = {
      make_account(funding_account(spec.provider, currency), currency,
                   AccountKind::provider_funding),
      make_account(cover_account(index), currency, AccountKind::guarantee_cover, cover_flags),
      make_account(reserved_account(index), currency, AccountKind::guarantee_reserved)};
  if (const TR result = ensure_accounts(now_ns, accounts); result != TR::ok) return result;
  if (amount > 0) {
    Transfer funding = make_transfer(transfer_id(TransferCode::register_cover, index, 0, 0),
                                     funding_account(spec.provider, currency),
                                     cover_account(index), amount, currency,
                                     TransferCode::register_cover);
    if (const TR result = apply_linked(now_ns, {&funding, 1}); result != TR::ok) return result;
  }
  Guarantee record;
  record.spec = spec;
  record.index = index;
  guarantees_.push_back(record);
  guarantee_ids_.insert(grn_key(spec.grn), index);
  return TR::ok;
}

GuaranteeBalance TransitLedger::balance(const Guarantee& g) const {
  const Currency currency = g.spec.reference_amount.currency();
  const Account* cover = ledger_->lookup_account(cover_account(g.index));
  KERVAN_ASSERT(cover != nullptr);
  // Credits posted: registration and amendments up. Debits posted: amendments down and draws.
  const auto credits = static_cast<i128>(cover->credits_posted);
  const auto debits = static_cast<i128>(cover->debits_posted);
  const auto reserved = static_cast<i128>(cover->debits_pending);
  return GuaranteeBalance{
      .amount = Amount::from_minor(credits - (debits - g.drawn_minor), currency),
      .reserved = Amount::from_minor(reserved, currency),
      .drawn = Amount::from_minor(g.drawn_minor, currency),
      .available = Amount::from_minor(credits - debits - reserved, currency),
      .open_movements = g.open_movements};
}

bool TransitLedger::access_code_matches(const Grn& grn, std::string_view code) const {
  const Guarantee* g = guarantee(grn);
  if (g == nullptr) return false;
  for (size_t i = 0; i < g->spec.access_codes_count; ++i) {
    if (verify_access_code(code, g->spec.access_codes[i])) return true;
  }
  return false;
}

TransitResult TransitLedger::amend_guarantee(uint64_t now_ns, PartyId actor, const Grn& grn,
                                             Amount reference_amount, uint8_t reduction_percent) {
  if (const TR result = role_check(actor, PartyRole::provider); result != TR::ok) return result;
  Guarantee* g = find_guarantee(grn);
  if (g == nullptr) return TR::guarantee_not_found;
  if (g->spec.provider != actor) return TR::party_role_not_allowed;
  if (g->status == GuaranteeStatus::revoked || g->status == GuaranteeStatus::cancelled) {
    return TR::guarantee_not_valid;
  }
  if (reference_amount.currency() != g->spec.reference_amount.currency()) {
    return TR::currency_not_supported;
  }
  GuaranteeSpec amended = g->spec;
  amended.reference_amount = reference_amount;
  amended.reduction_percent = reduction_percent;
  if (const TR invalid = validate_spec(amended); invalid != TR::ok) return invalid;
  i128 before = 0, after = 0;
  if (!guarantee_amount(g->spec, &before) || !guarantee_amount(amended, &after)) {
    return TR::amount_overflow;
  }
  if (after == before) return reduction_percent == g->spec.reduction_percent ? TR::exists : TR::ok;
  const Currency currency = reference_amount.currency();
  const u128 funding = funding_account(g->spec.provider, currency);
  const u128 cover = cover_account(g->index);
  g->amendments += 1;
  const u128 id = transfer_id(TransferCode::amend_cover, g->index, g->amendments, 0);
  Transfer change = after > before
                        ? make_transfer(id, funding, cover, after - before, currency,
                                        TransferCode::amend_cover)
                        : make_transfer(id, cover, funding, before - after, currency,
                                        TransferCode::amend_cover);
  const TR result = apply_linked(now_ns, {&change, 1});
  if (result == TR::amount_not_sufficient) return TR::cover_in_use;
  if (result != TR::ok) return result;
  g->spec = amended;
  return TR::ok;
}

TransitResult TransitLedger::set_guarantee_status(uint64_t /*now_ns*/, PartyId actor,
                                                  const Grn& grn, GuaranteeStatus status,
                                                  Date liberation) {
  if (const TR result = role_check(actor, PartyRole::provider); result != TR::ok) return result;
  Guarantee* g = find_guarantee(grn);
  if (g == nullptr) return TR::guarantee_not_found;
  if (g->spec.provider != actor) return TR::party_role_not_allowed;
  if (g->status == status) return TR::exists;
  const bool final = g->status == GuaranteeStatus::revoked ||
                     g->status == GuaranteeStatus::cancelled;
  if (final) return TR::guarantee_status_not_allowed;
  g->status = status;
  if (status == GuaranteeStatus::cancelled) g->liability_liberation = liberation;
  return TR::ok;
}

// ---- Movements ------------------------------------------------------------------------------

namespace {

// A movement slot is some 5 KB, nearly all of it room for goods lines and references a movement
// rarely uses. Writing all of it twice per movement (cleared when archived, cleared and copied
// when declared) cost some 10 % of a simulator run, so a slot is kept with its declaration's
// arrays at their defaults past their counts (true of a fresh slot), and reuse copies what the
// new declaration uses and resets what the previous one left beyond that.
template <typename T, size_t N>
void assign_used(std::array<T, N>& to, size_t to_count, const std::array<T, N>& from,
                 size_t from_count) {
  std::copy_n(from.begin(), from_count, to.begin());
  if (to_count > from_count) std::fill(to.begin() + from_count, to.begin() + to_count, T{});
}

void assign_declaration(Declaration& slot, const Declaration& from) {
  assign_used(slot.itinerary, slot.itinerary_count, from.itinerary, from.itinerary_count);
  assign_used(slot.duties, slot.itinerary_count, from.duties, from.itinerary_count);
  assign_used(slot.goods, slot.goods_count, from.goods, from.goods_count);
  assign_used(slot.references, slot.references_count, from.references, from.references_count);
  slot.mrn = from.mrn;
  slot.principal = from.principal;
  slot.itinerary_count = from.itinerary_count;
  slot.goods_count = from.goods_count;
  slot.time_limit_ns = from.time_limit_ns;
  slot.references_count = from.references_count;
  slot.amounts = from.amounts;
  slot.reference_version = from.reference_version;
}

// Every field of a movement but its declaration and its history entries (read only below
// history_count) back to its default. A field added to Movement must be reset here: the size
// check below is a reminder.
static_assert(sizeof(Movement) == 5360, "a new Movement field? reset it in reset_progress");
void reset_progress(Movement& m, MovementState state) {
  m.number = 0;
  m.state = state;
  m.declared_ns = 0;
  m.released_ns = 0;
  m.arrived_ns = 0;
  m.release_attempts = 0;
  m.crossings = 0;
  m.discharged_references = 0;
  m.duties_released = 0;
  m.claim_country = Country();
  m.claimed = Amount();
  m.drawn = Amount();
  m.paid_references = 0;
  m.claimed_ns = 0;
  m.history_count = 0;
}

bool same_declaration(const Declaration& a, const Declaration& b) {
  if (a.principal != b.principal || a.itinerary_count != b.itinerary_count ||
      a.itinerary != b.itinerary || a.time_limit_ns != b.time_limit_ns ||
      a.references_count != b.references_count || a.goods_count != b.goods_count) {
    return false;
  }
  for (size_t i = 0; i < a.goods_count; ++i) {
    if (a.goods[i].hs6 != b.goods[i].hs6 || !(a.goods[i].value == b.goods[i].value)) return false;
  }
  for (size_t i = 0; i < a.itinerary_count; ++i) {
    if (!(a.duties[i] == b.duties[i])) return false;
  }
  for (size_t i = 0; i < a.references_count; ++i) {
    if (!(a.references[i].grn == b.references[i].grn) ||
        !(a.references[i].amount_concerned == b.references[i].amount_concerned) ||
        a.references[i].leg != b.references[i].leg) {
      return false;
    }
  }
  return true;
}

TransitResult validate_declaration(const Declaration& d, Currency base_currency) {
  if (d.itinerary_count < 1 || d.itinerary_count > itinerary_max) return TR::itinerary_invalid;
  for (size_t i = 0; i < d.itinerary_count; ++i) {
    if (d.itinerary[i].empty()) return TR::itinerary_invalid;
    if (d.duties[i].currency() != base_currency || d.duties[i].minor() < 0) {
      return TR::amount_invalid;
    }
  }
  if (d.goods_count > goods_items_max) return TR::goods_invalid;
  for (size_t i = 0; i < d.goods_count; ++i) {
    const GoodsLine& line = d.goods[i];
    const bool classified = line.hs6 >= 10'000 && line.hs6 <= 999'999;
    if ((line.hs6 != 0 && !classified) || line.value.minor() < 0 ||
        !currency_is_known(line.value.currency())) {
      return TR::goods_invalid;
    }
  }
  if (d.references_count == 0 || d.references_count > guarantee_references_max) {
    return TR::guarantee_references_invalid;
  }
  const Currency currency = d.references[0].amount_concerned.currency();
  for (size_t i = 0; i < d.references_count; ++i) {
    const GuaranteeReference& r = d.references[i];
    if (r.grn.empty()) return TR::guarantee_references_invalid;
    // One currency per movement: a claim draws in it from every reference.
    if (r.amount_concerned.currency() != currency) return TR::currency_not_supported;
    if (r.amount_concerned.minor() <= 0) return TR::amount_invalid;
    if (r.leg != whole_movement && r.leg >= d.itinerary_count) {
      return TR::guarantee_references_invalid;
    }
    for (size_t j = 0; j < i; ++j) {
      if (d.references[j].grn == r.grn) return TR::guarantee_references_invalid;
    }
  }
  return TR::ok;
}

}  // namespace

TransitResult TransitLedger::declare_movement(uint64_t now_ns, PartyId actor,
                                              const Declaration& declaration) {
  if (const TR result = role_check(actor, PartyRole::principal); result != TR::ok) return result;
  if (declaration.principal != actor) return TR::principal_not_owner;
  if (declaration.mrn.empty()) return TR::movement_not_found;
  if (const Movement* existing = movement(declaration.mrn); existing != nullptr) {
    return same_declaration(existing->declaration, declaration) ? TR::exists : TR::movement_exists;
  }
  if (const TR invalid = validate_declaration(declaration, config_.base_currency);
      invalid != TR::ok) {
    return invalid;
  }
  if (movements_.full() && free_movement_slots_.empty()) return TR::capacity_reached;
  if (movements_declared_ == UINT32_MAX) return TR::capacity_reached;  // Numbers are u32.
  uint32_t index = 0;
  if (free_movement_slots_.empty()) {
    index = static_cast<uint32_t>(movements_.size());
    movements_.push_back(Movement{});
  } else {
    index = free_movement_slots_[free_movement_slots_.size() - 1];
    free_movement_slots_.pop_back();
  }
  Movement& record = movements_[index];
  assign_declaration(record.declaration, declaration);
  reset_progress(record, MovementState::declared);
  record.index = index;
  record.number = movements_declared_++;
  record.declared_ns = now_ns;
  movement_ids_.insert(mrn_key(declaration.mrn), index);
  remember(record, MovementEvent::declared, actor, now_ns);
  return TR::ok;
}

// G01..G10 but G09 for one reference, in NCTS's order.
TransitResult TransitLedger::check_reference(uint64_t now_ns, const Declaration& d,
                                             const GuaranteeReference& reference,
                                             const Guarantee* g) const {
  if (g == nullptr) return TR::guarantee_not_found;
  const Date today = date_of_ns(now_ns);
  if (g->status != GuaranteeStatus::active || today < g->spec.valid_from ||
      g->spec.valid_to < today) {
    return TR::guarantee_not_valid;
  }
  if (!reference.access_code_valid) return TR::access_code_not_valid;
  if (g->spec.principal != d.principal) return TR::principal_not_owner;
  if (is_single_use(g->spec.type) && g->used) {
    return g->spec.type == GuaranteeType::voucher ? TR::voucher_already_used
                                                  : TR::individual_guarantee_already_used;
  }
  for (size_t i = 0; i < d.goods_count; ++i) {
    const auto* begin = g->spec.sensitive_headings.begin();
    const auto* end = begin + g->spec.sensitive_count;
    const uint32_t heading = d.goods[i].hs6 / 100;
    if (heading != 0 && std::find(begin, end, heading) != end) {
      return TR::not_valid_for_sensitive_goods;
    }
  }
  if (g->spec.countries_count > 0) {
    // A leg's guarantee must be valid in that leg's country; the others in every country.
    const std::span<const Country> valid(g->spec.countries.data(), g->spec.countries_count);
    for (size_t i = 0; i < d.itinerary_count; ++i) {
      if (reference.leg != whole_movement && reference.leg != i) continue;
      if (!contains(valid, d.itinerary[i])) return TR::not_valid_for_country;
    }
  }
  if (reference.amount_concerned.currency() != g->spec.reference_amount.currency()) {
    return TR::currency_not_supported;
  }
  // A TIR-like chain secures at most EUR 100,000 per movement (TIR Convention, Annex 6 and the
  // IRU's recommended cap): a larger amount concerned is not this guarantee's to cover.
  if (g->spec.type == GuaranteeType::tir_chain && reference.amount_concerned.currency() ==
                                                      Currency::eur &&
      reference.amount_concerned.minor() > tir_cap_eur_minor) {
    return TR::amount_not_sufficient;
  }
  return TR::ok;
}

TransitResult TransitLedger::check_release(uint64_t now_ns, PartyId actor, const Movement& m,
                                           ReferencedGuarantees* guarantees) const {
  const Declaration& d = m.declaration;
  if (const TR result = customs_of(actor, d.itinerary[0]); result != TR::ok) return result;
  if (m.state == MovementState::released) return TR::exists;
  if (m.state != MovementState::declared) return TR::movement_state_not_allowed;
  for (size_t i = 0; i < d.references_count; ++i) {
    const Guarantee* g = guarantee(d.references[i].grn);
    if (const TR result = check_reference(now_ns, d, d.references[i], g); result != TR::ok) {
      return result;
    }
    (*guarantees)[i] = g;
  }
  return TR::ok;
}

TransitResult TransitLedger::check_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn) const {
  const Movement* m = movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  ReferencedGuarantees guarantees{};
  if (const TR result = check_release(now_ns, actor, *m, &guarantees); result != TR::ok) {
    return result;
  }
  // G09 without locking: the cover available now, per guarantee (a guarantee named twice is
  // refused at declaration, so each reference checks its own).
  const Declaration& d = m->declaration;
  for (size_t i = 0; i < d.references_count; ++i) {
    const Guarantee* g = guarantees[i];
    if (g->spec.type == GuaranteeType::waiver) continue;
    if (balance(*g).available.minor() < d.references[i].amount_concerned.minor()) {
      return TR::amount_not_sufficient;
    }
  }
  return TR::ok;
}

TransitResult TransitLedger::release_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  ReferencedGuarantees guarantees{};
  if (const TR result = check_release(now_ns, actor, *m, &guarantees); result != TR::ok) {
    return result;
  }
  const Declaration& d = m->declaration;
  const Currency currency = d.references[0].amount_concerned.currency();
  std::array<Transfer, guarantee_references_max> reservations{};
  m->release_attempts += 1;
  for (size_t i = 0; i < d.references_count; ++i) {
    const Guarantee* g = guarantees[i];
    reservations[i] = make_transfer(
        transfer_id(TransferCode::reserve, m->number, m->release_attempts, uint32_t(i)),
        cover_account(g->index), reserved_account(g->index),
        d.references[i].amount_concerned.minor(), currency, TransferCode::reserve,
        flags_of(TransferFlags::pending));
  }
  const size_t count = d.references_count;
  if (const TR result = apply_linked(now_ns, std::span(reservations).first(count));
      result != TR::ok) {
    return result;
  }
  for (size_t i = 0; i < count; ++i) {
    Guarantee& g = guarantees_[guarantees[i]->index];
    g.used = true;
    g.open_movements += 1;
  }
  for (size_t i = 0; i < d.itinerary_count; ++i) {
    DutyLedger* duty = duty_ledger(d.itinerary[i], config_.base_currency);
    KERVAN_ASSERT(duty != nullptr);
    KERVAN_ASSERT(checked_add(duty->suspended, d.duties[i], &duty->suspended) == MoneyError::ok);
  }
  m->state = MovementState::released;
  m->released_ns = now_ns;
  remember(*m, MovementEvent::released, actor, now_ns);
  return TR::ok;
}

TransitResult TransitLedger::cancel_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  const bool principal = actor == m->declaration.principal;
  if (!principal) {
    if (const TR result = customs_of(actor, m->declaration.itinerary[0]); result != TR::ok) {
      return result;
    }
  }
  if (m->state == MovementState::cancelled) return TR::exists;
  if (m->state != MovementState::declared) return TR::movement_state_not_allowed;
  m->state = MovementState::cancelled;
  remember(*m, MovementEvent::cancelled, actor, now_ns);
  return TR::ok;
}

TransitResult TransitLedger::record_crossing(uint64_t now_ns, PartyId actor, const Mrn& mrn,
                                             Country country) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  const Declaration& d = m->declaration;
  const std::span<const Country> itinerary(d.itinerary.data(), d.itinerary_count);
  if (!contains(itinerary.subspan(1), country)) return TR::country_not_on_itinerary;
  if (const TR result = customs_of(actor, country); result != TR::ok) return result;
  if (!is_open(m->state)) return TR::movement_state_not_allowed;
  // Crossings are recorded in itinerary order: the entry into itinerary[crossings + 1].
  const size_t position = static_cast<size_t>(
      std::find(itinerary.begin(), itinerary.end(), country) - itinerary.begin());
  if (position <= m->crossings) return TR::exists;
  if (position != size_t{m->crossings} + 1u) return TR::movement_state_not_allowed;
  // National scheme: the goods left the legs before `position`; their guarantees are discharged.
  uint16_t leaving = 0;
  for (size_t i = 0; i < d.references_count; ++i) {
    const uint16_t bit = static_cast<uint16_t>(1u << i);
    if (d.references[i].leg < position && (m->discharged_references & bit) == 0) leaving |= bit;
  }
  if (leaving != 0) {
    if (const TR result = void_reservations(now_ns, *m, leaving); result != TR::ok) return result;
  }
  m->crossings = static_cast<uint8_t>(position);
  release_duties(*m, position);
  remember(*m, MovementEvent::crossed, actor, now_ns);
  return TR::ok;
}

void TransitLedger::remember(Movement& m, MovementEvent event, PartyId actor, uint64_t now_ns) {
  const Party* who = party(actor);
  KERVAN_ASSERT(who != nullptr);
  KERVAN_ASSERT(m.history_count < movement_history_max);
  m.history[m.history_count++] =
      MovementHistoryEntry{.event = event, .country = who->country, .party = actor, .at_ns = now_ns};
}

TransitResult TransitLedger::void_reservations(uint64_t now_ns, Movement& m, uint16_t mask) {
  const Declaration& d = m.declaration;
  std::array<Transfer, guarantee_references_max> voids{};
  size_t count = 0;
  for (size_t i = 0; i < d.references_count; ++i) {
    if ((mask & (1u << i)) == 0) continue;
    const auto local = static_cast<uint32_t>(i);
    const u128 pending = transfer_id(TransferCode::reserve, m.number, m.release_attempts, local);
    voids[count++] = make_resolve(
        transfer_id(TransferCode::release_reservation, m.number, m.release_attempts, local),
        pending, d.references[i].amount_concerned.minor(), false);
  }
  if (count == 0) return TR::ok;
  if (const TR result = apply_linked(now_ns, std::span(voids).first(count)); result != TR::ok) {
    return result;
  }
  for (size_t i = 0; i < d.references_count; ++i) {
    if ((mask & (1u << i)) != 0) find_guarantee(d.references[i].grn)->open_movements -= 1;
  }
  m.discharged_references |= mask;
  return TR::ok;
}

void TransitLedger::release_duties(Movement& m, size_t up_to) {
  const Declaration& d = m.declaration;
  for (size_t i = m.duties_released; i < up_to; ++i) {
    DutyLedger* duty = duty_ledger(d.itinerary[i], config_.base_currency);
    KERVAN_ASSERT(checked_sub(duty->suspended, d.duties[i], &duty->suspended) == MoneyError::ok);
  }
  m.duties_released = static_cast<uint8_t>(std::max<size_t>(m.duties_released, up_to));
}

TransitResult TransitLedger::record_arrival(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  const Declaration& d = m->declaration;
  if (const TR result = customs_of(actor, d.itinerary[d.itinerary_count - 1u]); result != TR::ok) {
    return result;
  }
  if (m->state == MovementState::arrived || m->state == MovementState::written_off) {
    return TR::exists;
  }
  if (m->state != MovementState::released && m->state != MovementState::incident) {
    return TR::movement_state_not_allowed;  // An enquiry or a claim is under way.
  }
  if (const TR result = void_reservations(now_ns, *m, held_references(*m)); result != TR::ok) {
    return result;
  }
  release_duties(*m, d.itinerary_count);
  m->state = MovementState::arrived;
  m->arrived_ns = now_ns;
  remember(*m, MovementEvent::arrived, actor, now_ns);
  return TR::ok;
}

TransitResult TransitLedger::move_state(uint64_t now_ns, PartyId actor, Movement& m,
                                        MovementState target,
                                        std::initializer_list<MovementState> from,
                                        MovementEvent event) {
  if (m.state == target) return TR::exists;
  if (std::find(from.begin(), from.end(), m.state) == from.end()) {
    return TR::movement_state_not_allowed;
  }
  m.state = target;
  remember(m, event, actor, now_ns);
  return TR::ok;
}

TransitResult TransitLedger::customs_on_itinerary(PartyId actor, const Declaration& d) const {
  const Party* customs = party(actor);
  if (customs == nullptr) return TR::party_not_found;
  if (customs->role != PartyRole::customs) return TR::party_role_not_allowed;
  if (!contains({d.itinerary.data(), d.itinerary_count}, customs->country)) {
    return TR::party_country_not_involved;
  }
  return TR::ok;
}

TransitResult TransitLedger::write_off(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  if (const TR result = customs_of(actor, m->declaration.itinerary[0]); result != TR::ok) {
    return result;
  }
  return move_state(now_ns, actor, *m, MovementState::written_off, {MovementState::arrived},
                    MovementEvent::written_off);
}

TransitResult TransitLedger::archive_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  (void)now_ns;
  if (const TR result = role_check(actor, PartyRole::operator_); result != TR::ok) return result;
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  if (m->state != MovementState::written_off && m->state != MovementState::cancelled &&
      m->state != MovementState::claim_paid) {
    return TR::movement_state_not_allowed;
  }
  const uint32_t index = m->index;
  const bool removed = movement_ids_.remove(mrn_key(mrn));
  KERVAN_ASSERT(removed);
  // Nothing of it stays readable: its MRN is no longer indexed, and usage and duty statements
  // skip a slot never released or claimed. The declaration stays in place for the next
  // declare_movement to overwrite.
  reset_progress(*m, MovementState::archived);
  m->index = index;
  free_movement_slots_.push_back(index);
  return TR::ok;
}

}  // namespace kervan
