#include "ledger/transit/transit_queries.h"

#include <algorithm>
#include <map>

namespace kervan {

namespace {

bool within(uint64_t at_ns, uint64_t from_ns, uint64_t to_ns) {
  return (from_ns == 0 && to_ns == 0) || (at_ns >= from_ns && at_ns <= to_ns);
}

// When the movement's cover stopped being locked: arrival or claim.
uint64_t cover_released_ns(const Movement& m) {
  if (m.arrived_ns != 0) return m.arrived_ns;
  return m.claimed_ns;
}

}  // namespace

std::vector<GuaranteeUsage> guarantee_usage(const TransitLedger& ledger, const Grn& grn,
                                            uint64_t from_ns, uint64_t to_ns) {
  std::vector<GuaranteeUsage> usages;
  for (const Movement& m : ledger.movements()) {
    if (m.released_ns == 0 || !within(m.released_ns, from_ns, to_ns)) continue;
    const Declaration& d = m.declaration;
    for (size_t i = 0; i < d.references_count; ++i) {
      if (!(d.references[i].grn == grn)) continue;
      usages.push_back(GuaranteeUsage{.mrn = d.mrn,
                                      .covered = d.references[i].amount_concerned,
                                      .lock_ns = m.released_ns,
                                      .release_ns = cover_released_ns(m),
                                      .state = m.state});
    }
  }
  std::stable_sort(usages.begin(), usages.end(),
                   [](const GuaranteeUsage& a, const GuaranteeUsage& b) {
                     return a.lock_ns < b.lock_ns;
                   });
  return usages;
}

std::vector<PrincipalExposure> provider_exposure(const TransitLedger& ledger, PartyId provider) {
  std::map<std::pair<uint64_t, uint16_t>, PrincipalExposure> by_principal;
  for (const Guarantee& g : ledger.guarantees()) {
    if (g.spec.provider != provider) continue;
    const Currency currency = g.spec.reference_amount.currency();
    const auto key = std::pair{static_cast<uint64_t>(g.spec.principal), currency_numeric(currency)};
    auto [it, added] = by_principal.try_emplace(
        key, PrincipalExposure{.principal = g.spec.principal,
                               .currency = currency,
                               .reserved = Amount::zero(currency),
                               .drawn = Amount::zero(currency)});
    const GuaranteeBalance balance = ledger.balance(g);
    PrincipalExposure& e = it->second;
    (void)added;
    (void)checked_add(e.reserved, balance.reserved, &e.reserved);
    (void)checked_add(e.drawn, balance.drawn, &e.drawn);
    e.open_movements += balance.open_movements;
    e.guarantees += 1;
  }
  std::vector<PrincipalExposure> out;
  for (auto& [key, exposure] : by_principal) out.push_back(exposure);
  return out;
}

DutyStatement duty_statement(const TransitLedger& ledger, Country country, Currency currency,
                             uint64_t from_ns, uint64_t to_ns) {
  DutyStatement s{.country = country,
                  .currency = currency,
                  .suspended_now = Amount::zero(currency),
                  .claimed = Amount::zero(currency),
                  .drawn = Amount::zero(currency),
                  .uncovered = Amount::zero(currency),
                  .collected = Amount::zero(currency)};
  for (const DutyLedger& d : ledger.duty_ledgers()) {
    if (d.country == country && d.currency == currency) s.suspended_now = d.suspended;
  }
  for (const Movement& m : ledger.movements()) {
    if (!(m.claim_country == country) || m.claimed.currency() != currency) continue;
    if (within(m.claimed_ns, from_ns, to_ns)) {
      s.claims += 1;
      (void)checked_add(s.claimed, m.claimed, &s.claimed);
      (void)checked_add(s.drawn, m.drawn, &s.drawn);
      Amount uncovered;
      if (checked_sub(m.claimed, m.drawn, &uncovered) == MoneyError::ok) {
        (void)checked_add(s.uncovered, uncovered, &s.uncovered);
      }
    }
    if (m.state == MovementState::claim_paid) {
      // Paid when the last provider paid: the last history entry.
      const MovementHistoryEntry& last = m.history[m.history_count - 1u];
      if (within(last.at_ns, from_ns, to_ns)) (void)checked_add(s.collected, m.drawn, &s.collected);
    }
  }
  return s;
}

std::string_view movement_event_name(MovementEvent event) {
  switch (event) {
    case MovementEvent::declared: return "declared";
    case MovementEvent::released: return "released";
    case MovementEvent::crossed: return "crossed";
    case MovementEvent::arrived: return "arrived";
    case MovementEvent::written_off: return "written_off";
    case MovementEvent::cancelled: return "cancelled";
    case MovementEvent::incident: return "incident";
    case MovementEvent::enquiry: return "enquiry";
    case MovementEvent::claimed: return "claimed";
    case MovementEvent::claim_paid: return "claim_paid";
  }
  return "unknown";
}

std::string_view movement_state_name(MovementState state) {
  switch (state) {
    case MovementState::declared: return "declared";
    case MovementState::released: return "released";
    case MovementState::arrived: return "arrived";
    case MovementState::written_off: return "written_off";
    case MovementState::cancelled: return "cancelled";
    case MovementState::incident: return "incident";
    case MovementState::enquiry: return "enquiry";
    case MovementState::claimed: return "claimed";
    case MovementState::claim_paid: return "claim_paid";
    case MovementState::archived: return "archived";
  }
  return "unknown";
}

std::string_view guarantee_status_name(GuaranteeStatus status) {
  switch (status) {
    case GuaranteeStatus::active: return "active";
    case GuaranteeStatus::suspended: return "suspended";
    case GuaranteeStatus::revoked: return "revoked";
    case GuaranteeStatus::cancelled: return "cancelled";
  }
  return "unknown";
}

std::string_view guarantee_type_name(GuaranteeType type) {
  switch (type) {
    case GuaranteeType::waiver: return "waiver";
    case GuaranteeType::comprehensive: return "comprehensive";
    case GuaranteeType::individual_guarantor: return "individual_guarantor";
    case GuaranteeType::individual_cash: return "individual_cash";
    case GuaranteeType::voucher: return "voucher";
    case GuaranteeType::tir_chain: return "tir_chain";
  }
  return "unknown";
}

}  // namespace kervan
