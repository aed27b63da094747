#include "ledger/transit/declaration_builder.h"

#include <algorithm>

#include "core/assert.h"

namespace kervan {

bool build_declaration(const DeclarationInput& input, const CoveredAmount& covered,
                       Declaration* out) {
  const bool national = covered.rule == SchemeRule::national;
  const size_t references = national ? input.itinerary.size() : 1;
  if (input.itinerary.empty() || input.itinerary.size() != covered.countries_count ||
      covered.amounts_count != references ||
      !build_declaration_of_facts(input, national, {}, out)) {
    return false;
  }
  // The facts, and the amounts as computed: given, since the caller computed them.
  KERVAN_ASSERT(out->references_count == references);
  out->amounts = DeclaredAmounts::given;
  for (size_t i = 0; i < input.itinerary.size(); ++i) {
    out->duties[i] = covered.countries[i].guarantee.total;
  }
  for (size_t i = 0; i < references; ++i) out->references[i].amount_concerned = covered.amounts[i];
  return true;
}

bool build_declaration_of_facts(const DeclarationInput& input, bool national,
                                std::span<const Amount> expected, Declaration* out) {
  const size_t references = national ? input.itinerary.size() : 1;
  if (input.items.empty() || input.items.size() > goods_items_max ||
      input.itinerary.size() > itinerary_max || references == 0 ||
      references > guarantee_references_max ||
      (input.guarantees.size() != 1 && input.guarantees.size() != references) ||
      (!expected.empty() && expected.size() != references)) {
    return false;
  }
  // Written in place (a declaration is 5 KB, built once per simulated truck): every field from
  // its default first, so that nothing of what *out held stays.
  Declaration& d = *out;
  d = Declaration{};
  d.mrn = input.mrn;
  d.principal = input.principal;
  d.amounts = DeclaredAmounts::expected;
  d.itinerary_count = static_cast<uint8_t>(input.itinerary.size());
  std::copy(input.itinerary.begin(), input.itinerary.end(), d.itinerary.begin());
  d.goods_count = static_cast<uint8_t>(input.items.size());
  for (size_t i = 0; i < input.items.size(); ++i) {
    d.goods[i] = GoodsLine{.hs6 = input.items[i].hs6, .value = input.items[i].customs_value};
  }
  d.time_limit_ns = input.time_limit_ns;
  d.references_count = static_cast<uint8_t>(references);
  for (size_t i = 0; i < references; ++i) {
    d.references[i] = GuaranteeReference{
        .grn = input.guarantees[input.guarantees.size() == 1 ? 0 : i],
        .amount_concerned = expected.empty() ? Amount() : expected[i],
        .access_code_valid = false,
        .leg = national ? static_cast<uint8_t>(i) : whole_movement};
  }
  return true;
}

}  // namespace kervan
