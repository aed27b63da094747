#include "ledger/transit/declaration_builder.h"

#include <algorithm>

namespace kervan {

bool build_declaration(const DeclarationInput& input, const CoveredAmount& covered,
                       Declaration* out) {
  const bool national = covered.rule == SchemeRule::national;
  const size_t references = national ? input.itinerary.size() : 1;
  if (input.itinerary.empty() || input.itinerary.size() > itinerary_max ||
      input.itinerary.size() != covered.countries_count || input.items.empty() ||
      input.items.size() > goods_items_max || references > guarantee_references_max ||
      input.guarantees.empty() ||
      (input.guarantees.size() != 1 && input.guarantees.size() != references) ||
      covered.amounts_count != references) {
    return false;
  }
  Declaration d;
  d.mrn = input.mrn;
  d.principal = input.principal;
  d.itinerary_count = static_cast<uint8_t>(input.itinerary.size());
  for (size_t i = 0; i < input.itinerary.size(); ++i) {
    d.itinerary[i] = input.itinerary[i];
    d.duties[i] = covered.countries[i].guarantee.total;
  }
  d.goods_count = static_cast<uint8_t>(input.items.size());
  for (size_t i = 0; i < input.items.size(); ++i) {
    d.goods[i] = GoodsLine{.hs6 = input.items[i].hs6, .value = input.items[i].customs_value};
  }
  d.time_limit_ns = input.time_limit_ns;
  d.references_count = static_cast<uint8_t>(references);
  for (size_t i = 0; i < references; ++i) {
    d.references[i] = GuaranteeReference{
        .grn = input.guarantees[input.guarantees.size() == 1 ? 0 : i],
        .amount_concerned = covered.amounts[i],
        .access_code_valid = false,
        .leg = national ? static_cast<uint8_t>(i) : whole_movement};
  }
  *out = d;
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
  Declaration d;
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
        .leg = national ? static_cast<uint8_t>(i) : whole_movement};
  }
  *out = d;
  return true;
}

}  // namespace kervan
