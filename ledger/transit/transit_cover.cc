// The transit ledger's reference data and the amounts it computes for a declaration
// (transit_ledger.h: load_reference_data, compute_declaration).
#include <array>

#include "core/assert.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/transit_ledger.h"

namespace kervan {

namespace {

using TR = TransitResult;

TransitResult result_of(CoverError error) {
  switch (error) {
    case CoverError::ok: return TR::ok;
    case CoverError::itinerary_empty:
    case CoverError::itinerary_too_long: return TR::itinerary_invalid;
    case CoverError::goods_empty:
    case CoverError::goods_too_many:
    case CoverError::hs_code_invalid:
    case CoverError::customs_value_negative: return TR::goods_invalid;
    case CoverError::overflow: return TR::amount_overflow;
    case CoverError::scheme_rule_unknown:
    case CoverError::no_tariff_for_country:
    case CoverError::no_tariff_in_force:
    case CoverError::no_rate_at_date: return TR::amount_not_computable;
  }
  return TR::amount_not_computable;
}

// A figure the sender gave (not zero) that is not the computed one.
bool differs(Amount expected, Amount computed) {
  return expected.minor() != 0 && !(expected == computed);
}

}  // namespace

TransitResult TransitLedger::load_reference_data(uint64_t now_ns, PartyId actor,
                                                 std::string_view text, Date effective_from) {
  if (const TR result = role_check(actor, PartyRole::operator_); result != TR::ok) return result;
  LoadError error;
  const size_t before = reference_.size();
  const TR result = reference_.add(now_ns, date_of_ns(now_ns), text, effective_from, &error);
  KERVAN_ASSERT(reference_.size() == before + (result == TR::ok ? 1 : 0));
  return result;
}

TransitResult TransitLedger::compute_declaration(uint64_t now_ns, Declaration* d) const {
  KERVAN_ASSERT(d->amounts == DeclaredAmounts::expected);
  const size_t n = d->references_count;
  if (n == 0 || n > guarantee_references_max) return TR::guarantee_references_invalid;
  // The shape says the rule: one reference for the whole movement, or one per leg in order.
  const bool national = d->references[0].leg != whole_movement;
  if (national ? n != d->itinerary_count : n != 1) return TR::guarantee_references_invalid;
  std::array<Grn, guarantee_references_max> grns{};
  const Guarantee* first = guarantee(d->references[0].grn);
  const Currency currency =
      first != nullptr ? first->spec.reference_amount.currency() : config_.base_currency;
  for (size_t i = 0; i < n; ++i) {
    if (national && d->references[i].leg != i) return TR::guarantee_references_invalid;
    const Guarantee* g = guarantee(d->references[i].grn);
    if (g != nullptr && g->spec.reference_amount.currency() != currency) {
      return TR::currency_not_supported;
    }
    grns[i] = d->references[i].grn;
  }
  const Date today = date_of_ns(now_ns);
  const ReferenceVersion* version = reference_.in_force(today);
  if (version == nullptr) return TR::amount_not_computable;
  if (d->goods_count == 0 || d->goods_count > goods_items_max) return TR::goods_invalid;
  std::array<GoodsItem, goods_items_max> items{};
  for (size_t i = 0; i < d->goods_count; ++i) {
    items[i] = GoodsItem{.hs6 = d->goods[i].hs6, .customs_value = d->goods[i].value};
  }
  const bool tir = first != nullptr && first->spec.type == GuaranteeType::tir_chain;
  const std::span<const Country> itinerary(d->itinerary.data(), d->itinerary_count);
  CoveredAmount covered;
  const CoverError error = version->calculator->compute(
      CoverRequest{.items = std::span(items).first(d->goods_count),
                   .itinerary = itinerary,
                   .declared_on = today,
                   .guarantee_currency = currency,
                   .rule = national ? SchemeRule::national
                                    : (tir ? SchemeRule::tir_like : SchemeRule::regional)},
      &covered);
  if (error != CoverError::ok) return result_of(error);
  Declaration computed;
  const bool built = build_declaration(
      DeclarationInput{.mrn = d->mrn,
                       .principal = d->principal,
                       .items = std::span(items).first(d->goods_count),
                       .itinerary = itinerary,
                       .time_limit_ns = d->time_limit_ns,
                       .guarantees = std::span(grns).first(n)},
      covered, &computed);
  KERVAN_ASSERT(built && computed.references_count == n);
  for (size_t i = 0; i < n; ++i) {
    if (differs(d->references[i].amount_concerned, computed.references[i].amount_concerned)) {
      return TR::amount_mismatch;
    }
    computed.references[i].access_code_valid = d->references[i].access_code_valid;
  }
  for (size_t i = 0; i < d->itinerary_count; ++i) {
    if (differs(d->duties[i], computed.duties[i])) return TR::amount_mismatch;
  }
  computed.amounts = DeclaredAmounts::computed;
  computed.reference_version = version->id;
  *d = computed;
  return TR::ok;
}

}  // namespace kervan
