// The transit ledger's irregularities and settlement: incidents, enquiries, claims and their
// payment, settling claims at a cut-off, and a customs union's distribution of duties
// (docs/chart_of_accounts.md for the transfers of each step). Declared in transit_ledger.h.
#include <algorithm>
#include <array>

#include "core/assert.h"
#include "ledger/transit/chart_of_accounts.h"
#include "ledger/transit/settlement.h"
#include "ledger/transit/transit_ledger.h"  // The class whose steps these are.

namespace kervan {

using TR = TransitResult;

TransitResult TransitLedger::record_incident(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  if (const TR result = customs_on_itinerary(actor, m->declaration); result != TR::ok) {
    return result;
  }
  return move_state(now_ns, actor, *m, MovementState::incident, {MovementState::released},
                    MovementEvent::incident);
}

TransitResult TransitLedger::open_enquiry(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  if (const TR result = customs_of(actor, m->declaration.itinerary[0]); result != TR::ok) {
    return result;
  }
  if (m->state == MovementState::enquiry) return TR::exists;
  if (m->state != MovementState::released && m->state != MovementState::incident) {
    return TR::movement_state_not_allowed;
  }
  if (now_ns < m->declaration.time_limit_ns) return TR::time_limit_not_passed;
  m->state = MovementState::enquiry;
  remember(*m, MovementEvent::enquiry, actor, now_ns);
  return TR::ok;
}

namespace {

// How a claim of `amount` is drawn: from the references still held, in declaration order, each
// up to its amount concerned.
std::array<i128, guarantee_references_max> draws_of(const Declaration& d, uint16_t held,
                                                    i128 amount) {
  std::array<i128, guarantee_references_max> draws{};
  i128 remaining = amount;
  for (size_t i = 0; i < d.references_count; ++i) {
    if ((held & (1u << i)) == 0) continue;
    draws[i] = std::min(remaining, d.references[i].amount_concerned.minor());
    remaining -= draws[i];
  }
  return draws;
}

}  // namespace

TransitResult TransitLedger::raise_claim(uint64_t now_ns, PartyId actor, const Mrn& mrn,
                                         Amount amount) {
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  const Declaration& d = m->declaration;
  if (const TR result = customs_on_itinerary(actor, d); result != TR::ok) return result;
  const Country country = party(actor)->country;
  const Currency currency = d.references[0].amount_concerned.currency();
  if (amount.currency() != currency) return TR::currency_not_supported;
  if (amount.minor() <= 0) return TR::amount_invalid;
  if (m->state == MovementState::claimed || m->state == MovementState::claim_paid) {
    if (!(m->claim_country == country)) return TR::claim_by_other_country;
    return m->claimed == amount ? TR::exists : TR::movement_state_not_allowed;
  }
  if (!is_open(m->state)) return TR::movement_state_not_allowed;

  const uint16_t held = held_references(*m);
  const std::array<i128, guarantee_references_max> draws = draws_of(d, held, amount.minor());
  std::array<Account, guarantee_references_max + 1> accounts{};
  std::array<Transfer, guarantee_references_max * 2> transfers{};
  size_t accounts_count = 0;
  size_t count = 0;
  for (size_t i = 0; i < d.references_count; ++i) {
    if ((held & (1u << i)) == 0) continue;
    const Guarantee* g = guarantee(d.references[i].grn);
    const auto local = static_cast<uint32_t>(i);
    const u128 pending = transfer_id(TransferCode::reserve, m->number, m->release_attempts, local);
    const u128 resolve_id =
        transfer_id(TransferCode::claim_draw, m->number, m->release_attempts, local);
    transfers[count++] =
        draws[i] > 0
            ? make_resolve(resolve_id, pending, draws[i], true)
            : make_resolve(resolve_id, pending, d.references[i].amount_concerned.minor(), false);
    if (draws[i] == 0) continue;
    const u128 receivable = receivable_account(country, g->spec.provider, currency);
    accounts[accounts_count++] =
        make_account(receivable, currency, AccountKind::country_receivable);
    transfers[count++] = make_transfer(
        transfer_id(TransferCode::claim_to_receivable, m->number, m->release_attempts, local),
        reserved_account(g->index), receivable, draws[i], currency,
        TransferCode::claim_to_receivable);
  }
  accounts[accounts_count++] =
      make_account(collected_account(country, currency), currency, AccountKind::country_collected);
  if (const TR result = ensure_accounts(now_ns, std::span(accounts).first(accounts_count));
      result != TR::ok) {
    return result;
  }
  if (count != 0) {
    if (const TR result = apply_linked(now_ns, std::span(transfers).first(count));
        result != TR::ok) {
      return result;
    }
  }
  i128 drawn = 0;
  for (size_t i = 0; i < d.references_count; ++i) {
    if ((held & (1u << i)) == 0) continue;
    Guarantee* g = find_guarantee(d.references[i].grn);
    g->drawn_minor += draws[i];
    g->open_movements -= 1;
    drawn += draws[i];
  }
  release_duties(*m, d.itinerary_count);
  DutyLedger* duty = duty_ledger(country, currency);
  KERVAN_ASSERT(duty != nullptr);
  KERVAN_ASSERT(checked_add(duty->claimed, amount, &duty->claimed) == MoneyError::ok);
  KERVAN_ASSERT(checked_add(duty->drawn, Amount::from_minor(drawn, currency), &duty->drawn) ==
                MoneyError::ok);
  m->state = MovementState::claimed;
  m->claim_country = country;
  m->claimed = amount;
  m->drawn = Amount::from_minor(drawn, currency);
  m->claimed_ns = now_ns;
  remember(*m, MovementEvent::claimed, actor, now_ns);
  return TR::ok;
}

TransitResult TransitLedger::record_claim_paid(uint64_t now_ns, PartyId actor, const Mrn& mrn) {
  if (const TR result = role_check(actor, PartyRole::provider); result != TR::ok) return result;
  Movement* m = find_movement(mrn);
  if (m == nullptr) return TR::movement_not_found;
  if (m->state == MovementState::claim_paid) return TR::exists;
  if (m->state != MovementState::claimed) return TR::movement_state_not_allowed;
  const Declaration& d = m->declaration;
  const Currency currency = m->claimed.currency();
  const std::array<i128, guarantee_references_max> draws =
      draws_of(d, held_references(*m), m->claimed.minor());
  std::array<Transfer, guarantee_references_max> payments{};
  size_t count = 0;
  uint16_t paying = 0;
  i128 paid = 0;
  for (size_t i = 0; i < d.references_count; ++i) {
    const Guarantee* g = guarantee(d.references[i].grn);
    const uint16_t bit = static_cast<uint16_t>(1u << i);
    if (draws[i] == 0 || g->spec.provider != actor || (m->paid_references & bit) != 0) continue;
    payments[count++] = make_transfer(
        transfer_id(TransferCode::claim_paid, m->number, m->release_attempts, uint32_t(i)),
        receivable_account(m->claim_country, actor, currency),
        collected_account(m->claim_country, currency), draws[i], currency,
        TransferCode::claim_paid);
    paying |= bit;
    paid += draws[i];
  }
  if (count == 0) return TR::party_role_not_allowed;  // Not a provider of this claim.
  if (const TR result = apply_linked(now_ns, std::span(payments).first(count)); result != TR::ok) {
    return result;
  }
  m->paid_references |= paying;
  DutyLedger* duty = duty_ledger(m->claim_country, currency);
  KERVAN_ASSERT(checked_add(duty->collected, Amount::from_minor(paid, currency),
                            &duty->collected) == MoneyError::ok);
  bool all_paid = true;
  for (size_t i = 0; i < d.references_count; ++i) {
    if (draws[i] > 0 && (m->paid_references & (1u << i)) == 0) all_paid = false;
  }
  if (all_paid) m->state = MovementState::claim_paid;
  remember(*m, MovementEvent::claim_paid, actor, now_ns);
  return TR::ok;
}

// ---- Settlement -----------------------------------------------------------------------------

TransitResult TransitLedger::settle_claims(uint64_t now_ns, PartyId actor) {
  if (const TR result = role_check(actor, PartyRole::provider); result != TR::ok) return result;
  uint32_t paid = 0;
  for (Movement& m : movements_) {
    if (m.state != MovementState::claimed) continue;
    const TR result = record_claim_paid(now_ns, actor, m.declaration.mrn);
    if (result == TR::ok) {
      paid += 1;
    } else if (result != TR::party_role_not_allowed) {
      return result;  // Only a capacity limit can stop a payment the checks allowed.
    }
  }
  return paid == 0 ? TR::nothing_to_settle : TR::ok;
}

const Party* TransitLedger::customs_party_of(Country country) const {
  for (const Party& p : parties_) {
    if (p.role == PartyRole::customs && p.country == country) return &p;
  }
  return nullptr;
}

TransitResult TransitLedger::distribute_union_duties(uint64_t now_ns, PartyId actor,
                                                     const UnionDistribution& u) {
  if (const TR result = role_check(actor, PartyRole::operator_); result != TR::ok) return result;
  if (u.members_count == 0 || u.members_count > union_distribution_members_max) {
    return TR::settlement_refused;
  }
  std::array<UnionMember, union_distribution_members_max> members{};
  std::array<Obligation, union_distribution_members_max> obligations{};
  size_t owing = 0;
  for (size_t i = 0; i < u.members_count; ++i) {
    const Party* customs = customs_party_of(u.members[i]);
    if (customs == nullptr) return TR::party_not_found;
    members[i] = UnionMember{
        .country = u.members[i], .party = customs->id, .share_percent = u.shares_percent[i]};
    const DutyLedger* duty = duty_ledger(u.members[i], u.currency);
    if (duty == nullptr) return TR::capacity_reached;
    Amount due;
    if (checked_sub(duty->collected, duty->distributed, &due) != MoneyError::ok) {
      return TR::amount_overflow;
    }
    if (due.minor() == 0) continue;
    obligations[owing++] = Obligation{.payer = customs->id,
                                      .payee = actor,
                                      .amount = due,
                                      .kind = ObligationKind::duty_collected_for_union,
                                      .country = u.members[i]};
  }
  if (owing == 0) return TR::nothing_to_settle;
  SettlementOutput out;
  const SettlementResult settled =
      settle(SettlementInput{.currency = u.currency,
                             .customs_union =
                                 CustomsUnion{.members = std::span(members).first(u.members_count),
                                              .pool_party = actor,
                                              .pool_share_percent = u.pool_share_percent,
                                              .retention_percent = u.retention_percent},
                             .obligations = std::span(obligations).first(owing)},
             &out);
  if (settled != SettlementResult::ok) return TR::settlement_refused;
  // Each party's account: the pool's, or the member country's collected duties.
  // Every party of an instruction is the pool (the actor) or a member's customs party.
  const auto account_of = [&](PartyId party) {
    if (party == actor) return pool_account(actor, u.currency);
    return collected_account(this->party(party)->country, u.currency);
  };
  std::array<Account, union_distribution_members_max + 1> accounts{};
  accounts[0] = make_account(pool_account(actor, u.currency), u.currency, AccountKind::union_pool);
  for (size_t i = 0; i < u.members_count; ++i) {
    accounts[i + 1] = make_account(collected_account(u.members[i], u.currency), u.currency,
                                   AccountKind::country_collected);
  }
  if (const TR r = ensure_accounts(now_ns, std::span(accounts).first(u.members_count + 1u));
      r != TR::ok) {
    return r;
  }
  std::array<Transfer, guarantee_references_max * 2> transfers{};
  KERVAN_ASSERT(out.instructions.size() <= transfers.size());
  distributions_ += 1;
  for (size_t i = 0; i < out.instructions.size(); ++i) {
    const PaymentInstruction& p = out.instructions[i];
    transfers[i] =
        make_transfer(transfer_id(TransferCode::union_distribution, distributions_, 0, uint32_t(i)),
                      account_of(p.payer), account_of(p.payee), p.amount.minor(), u.currency,
                      TransferCode::union_distribution);
  }
  if (!out.instructions.empty()) {
    if (const TR r = apply_linked(now_ns, std::span(transfers).first(out.instructions.size()));
        r != TR::ok) {
      return r;
    }
  }
  for (size_t i = 0; i < owing; ++i) {
    DutyLedger* duty = duty_ledger(obligations[i].country, u.currency);
    KERVAN_ASSERT(checked_add(duty->distributed, obligations[i].amount, &duty->distributed) ==
                  MoneyError::ok);
  }
  return TR::ok;
}

}  // namespace kervan
