#include "ledger/transit/settlement.h"

#include <algorithm>
#include <utility>

#include "core/assert.h"

namespace kervan {

std::string_view result_name(SettlementResult result) noexcept {
#define KERVAN_RESULT_CASE(name, number) \
  case number:                           \
    return #name;
  switch (static_cast<int>(result)) {
    KERVAN_SETTLEMENT_RESULTS(KERVAN_RESULT_CASE)
    default:
      return "unknown";
  }
#undef KERVAN_RESULT_CASE
}

namespace {

using R = SettlementResult;

constexpr i128 pow10_i128(uint8_t exponent) {
  i128 value = 1;
  for (uint8_t i = 0; i < exponent; ++i) value *= 10;
  return value;
}
// Percentages are compared as integers at the largest decimal scale: 100 % is 10^32, which
// fits an i128 with room for the sum of split_shares_max shares of up to 100 % each.
constexpr i128 percent_100_scaled = 100 * pow10_i128(decimal_scale_max);
static_assert(percent_100_scaled <= i128_max / static_cast<i128>(split_shares_max));

// *out = value x 10^decimal_scale_max; false if that does not fit (the value is far above 100).
bool scale_to_max(Decimal value, i128* out) {
  const uint8_t exponent = static_cast<uint8_t>(decimal_scale_max - value.scale());
  return checked_mul(value.mantissa(), pow10_i128(exponent), out);
}

bool percent_in_range(Decimal percent) {
  i128 scaled = 0;
  return percent.mantissa() >= 0 && scale_to_max(percent, &scaled) && scaled <= percent_100_scaled;
}

bool is_known_kind(ObligationKind kind) {
  return kind == ObligationKind::claim_owed_by_provider ||
         kind == ObligationKind::duty_collected_for_union || kind == ObligationKind::debt;
}

R check_member(const CustomsUnion& customs_union, size_t index) {
  const UnionMember& member = customs_union.members[index];
  if (member.country.empty()) return R::member_country_missing;
  if (member.party == PartyId{}) return R::member_party_zero;
  if (member.party == customs_union.pool_party) return R::member_party_is_pool;
  for (size_t other = 0; other < index; ++other) {
    if (customs_union.members[other].country == member.country) {
      return R::member_country_duplicate;
    }
  }
  for (size_t other = 0; other < index; ++other) {
    if (customs_union.members[other].party == member.party) return R::member_party_duplicate;
  }
  if (member.share_percent.mantissa() < 0) return R::member_share_negative;
  return R::ok;
}

// REQUIRES: every share checked non-negative, so an overflow means far above 100.
R check_shares_sum(const CustomsUnion& customs_union) {
  i128 sum = 0;
  if (!scale_to_max(customs_union.pool_share_percent, &sum)) return R::shares_sum_not_100;
  for (const UnionMember& member : customs_union.members) {
    i128 scaled = 0;
    if (!scale_to_max(member.share_percent, &scaled)) return R::shares_sum_not_100;
    if (!checked_add(sum, scaled, &sum)) return R::shares_sum_not_100;
  }
  return sum == percent_100_scaled ? R::ok : R::shares_sum_not_100;
}

R check_union(const CustomsUnion& customs_union) {
  if (!percent_in_range(customs_union.retention_percent)) {
    return R::retention_percent_out_of_range;
  }
  if (customs_union.members.empty()) return R::ok;
  if (customs_union.members.size() > union_members_max) return R::union_members_too_many;
  if (customs_union.pool_party == PartyId{}) return R::pool_party_zero;
  if (customs_union.pool_share_percent.mantissa() < 0) return R::pool_share_negative;
  for (size_t index = 0; index < customs_union.members.size(); ++index) {
    const R result = check_member(customs_union, index);
    if (result != R::ok) return result;
  }
  return check_shares_sum(customs_union);
}

// The members sorted by country: the order of split()'s tie-break, whatever the input order.
struct SortedMembers {
  std::array<UnionMember, union_members_max> members{};
  size_t count = 0;

  std::span<const UnionMember> view() const { return {members.data(), count}; }
  // The index of the member for `country`, or count if none.
  size_t find(Country country) const {
    const auto end = members.begin() + static_cast<std::ptrdiff_t>(count);
    const auto found = std::lower_bound(
        members.begin(), end, country,
        [](const UnionMember& member, Country key) { return member.country < key; });
    if (found == end || found->country != country) return count;
    return static_cast<size_t>(found - members.begin());
  }
};

SortedMembers sort_members(std::span<const UnionMember> members) {
  KERVAN_ASSERT(members.size() <= union_members_max);
  SortedMembers sorted;
  std::copy(members.begin(), members.end(), sorted.members.begin());
  sorted.count = members.size();
  const auto end = sorted.members.begin() + static_cast<std::ptrdiff_t>(sorted.count);
  std::sort(sorted.members.begin(), end,
            [](const UnionMember& a, const UnionMember& b) { return a.country < b.country; });
  return sorted;
}

R check_obligation(const SettlementInput& input, const SortedMembers& members,
                   const Obligation& obligation) {
  if (!is_known_kind(obligation.kind)) return R::obligation_kind_unknown;
  if (obligation.amount.currency() != input.currency) return R::currency_mismatch;
  if (obligation.amount.minor() < 0) return R::amount_negative;
  if (obligation.payer == PartyId{}) return R::payer_party_zero;
  if (obligation.payee == PartyId{}) return R::payee_party_zero;
  if (obligation.payer == obligation.payee) return R::payer_is_payee;
  if (obligation.kind == ObligationKind::debt) return R::ok;
  if (obligation.country.empty()) return R::country_missing;
  if (obligation.kind == ObligationKind::claim_owed_by_provider) return R::ok;
  if (members.count == 0) return R::union_empty;
  const size_t member = members.find(obligation.country);
  if (member == members.count) return R::member_unknown;
  if (obligation.payer != members.members[member].party) return R::duty_payer_not_member_party;
  if (obligation.payee != input.customs_union.pool_party) return R::duty_payee_not_pool;
  return R::ok;
}

R check_obligations(const SettlementInput& input, const SortedMembers& members,
                    size_t* obligation_index_failed) {
  i128 amount_total = 0;
  bool amount_total_too_large = false;
  for (size_t index = 0; index < input.obligations.size(); ++index) {
    const Obligation& obligation = input.obligations[index];
    const R result = check_obligation(input, members, obligation);
    if (result != R::ok) {
      if (obligation_index_failed != nullptr) *obligation_index_failed = index;
      return result;
    }
    // Both terms are at most the limit, far below i128_max: the sum cannot wrap.
    if (!amount_total_too_large) {
      amount_total += obligation.amount.minor();
      amount_total_too_large = amount_total > settlement_amount_total_max;
    }
  }
  return amount_total_too_large ? R::overflow : R::ok;
}

// Every party that appears, ascending and unique.
std::vector<PartyId> collect_parties(const SettlementInput& input) {
  std::vector<PartyId> parties;
  parties.reserve(2 * input.obligations.size() + input.customs_union.members.size() + 1);
  for (const Obligation& obligation : input.obligations) {
    parties.push_back(obligation.payer);
    parties.push_back(obligation.payee);
  }
  if (!input.customs_union.members.empty()) {
    for (const UnionMember& member : input.customs_union.members) parties.push_back(member.party);
    parties.push_back(input.customs_union.pool_party);
  }
  std::sort(parties.begin(), parties.end());
  parties.erase(std::unique(parties.begin(), parties.end()), parties.end());
  return parties;
}

struct PartyTotals {
  i128 owed = 0;
  i128 receivable = 0;
  i128 duty_collected = 0;
  i128 retention = 0;
  i128 union_share = 0;
};

// The running state of steps (a)-(d), one entry per party in ascending id order.
struct SettlementBook {
  std::vector<PartyId> parties;
  std::vector<PartyTotals> totals;

  // REQUIRES: the party was collected.
  size_t index_of(PartyId party) const {
    const auto found = std::lower_bound(parties.begin(), parties.end(), party);
    KERVAN_ASSERT(found != parties.end() && *found == party);
    return static_cast<size_t>(found - parties.begin());
  }

  // Cannot overflow: every flow sum is bounded by settlement_amount_total_max x 2.
  void add_flow(PartyId payer, PartyId payee, i128 minor) {
    KERVAN_ASSERT(payer != payee && minor >= 0);
    PartyTotals& from = totals[index_of(payer)];
    PartyTotals& to = totals[index_of(payee)];
    const bool owed_fits = checked_add(from.owed, minor, &from.owed);
    const bool receivable_fits = checked_add(to.receivable, minor, &to.receivable);
    KERVAN_ASSERT(owed_fits && receivable_fits);
  }
};

struct UnionTotals {
  i128 duty_collected = 0;
  i128 retention = 0;
  i128 pooled = 0;
};

// Steps (a) and (b): per member, the duties collected, the retention (rounded once, on the
// member's total), and the rest owed to the pool.
UnionTotals retain_and_pool(const SettlementInput& input, const SortedMembers& members,
                            SettlementBook* book) {
  std::array<i128, union_members_max> collected{};
  for (const Obligation& obligation : input.obligations) {
    if (obligation.kind != ObligationKind::duty_collected_for_union) continue;
    collected[members.find(obligation.country)] += obligation.amount.minor();
  }
  UnionTotals union_totals;
  for (size_t m = 0; m < members.count; ++m) {
    const UnionMember& member = members.members[m];
    Amount retained;
    const MoneyError error = apply_percent(Amount::from_minor(collected[m], input.currency),
                                           input.customs_union.retention_percent, &retained);
    KERVAN_ASSERT(error == MoneyError::ok);
    KERVAN_ASSERT(retained.minor() >= 0 && retained.minor() <= collected[m]);
    const i128 passed = collected[m] - retained.minor();
    PartyTotals& totals = book->totals[book->index_of(member.party)];
    totals.duty_collected = collected[m];
    totals.retention = retained.minor();
    book->add_flow(member.party, input.customs_union.pool_party, passed);
    union_totals.duty_collected += collected[m];
    union_totals.retention += retained.minor();
    union_totals.pooled += passed;
  }
  return union_totals;
}

// Step (c): the pool owes each member its share; it keeps pool_share_percent (the last split()
// share, so it loses every tie to a member).
void distribute(const SettlementInput& input, const SortedMembers& members, i128 pooled,
                SettlementBook* book) {
  std::array<Decimal, union_members_max + 1> shares{};
  for (size_t m = 0; m < members.count; ++m) shares[m] = members.members[m].share_percent;
  shares[members.count] = input.customs_union.pool_share_percent;
  std::array<Amount, union_members_max + 1> parts{};
  const size_t shares_count = members.count + 1;
  const MoneyError error = split(Amount::from_minor(pooled, input.currency),
                                 std::span<const Decimal>(shares.data(), shares_count),
                                 std::span<Amount>(parts.data(), shares_count));
  KERVAN_ASSERT(error == MoneyError::ok);
  i128 distributed = 0;
  for (size_t m = 0; m < members.count; ++m) {
    const UnionMember& member = members.members[m];
    book->totals[book->index_of(member.party)].union_share = parts[m].minor();
    book->add_flow(input.customs_union.pool_party, member.party, parts[m].minor());
    distributed += parts[m].minor();
  }
  const PartyId pool = input.customs_union.pool_party;
  book->totals[book->index_of(pool)].union_share = parts[members.count].minor();
  KERVAN_ASSERT(distributed + parts[members.count].minor() == pooled);
}

// Step (d), with invariant 7's first half: the positions sum to zero.
std::vector<NetPosition> net_positions(const SettlementBook& book, Currency currency) {
  std::vector<NetPosition> positions(book.parties.size());
  i128 credit_sum = 0;
  i128 debit_sum = 0;
  for (size_t i = 0; i < book.parties.size(); ++i) {
    // Both totals lie in [0, i128_max]: the difference fits.
    const i128 net = book.totals[i].receivable - book.totals[i].owed;
    positions[i] = {book.parties[i], Amount::from_minor(net, currency)};
    const bool fits = net > 0 ? checked_add(credit_sum, net, &credit_sum)
                              : checked_sub(debit_sum, net, &debit_sum);
    KERVAN_ASSERT(fits);
  }
  KERVAN_ASSERT(credit_sum == debit_sum);
  return positions;
}

struct NettingSide {
  i128 remaining = 0;  // > 0: what a debtor still pays or a creditor still receives.
  PartyId party{};
};

// Largest first, then the lower party id: a total order, so the result is independent of the
// order the positions came in.
void sort_sides(std::vector<NettingSide>* sides) {
  std::sort(sides->begin(), sides->end(), [](const NettingSide& a, const NettingSide& b) {
    if (a.remaining != b.remaining) return a.remaining > b.remaining;
    return a.party < b.party;
  });
}

// Step (e). Each instruction brings the current debtor or the current creditor (or both) to
// zero and moves past it; the last one brings both, because debits and credits are equal. So
// there are at most debtors + creditors - 1 instructions.
std::vector<PaymentInstruction> net_out(std::span<const NetPosition> positions) {
  std::vector<NettingSide> debtors;
  std::vector<NettingSide> creditors;
  for (const NetPosition& position : positions) {
    const i128 net = position.net.minor();
    if (net < 0) debtors.push_back({-net, position.party});  // net >= -i128_max: no overflow.
    if (net > 0) creditors.push_back({net, position.party});
  }
  sort_sides(&debtors);
  sort_sides(&creditors);
  std::vector<PaymentInstruction> instructions;
  if (debtors.empty()) {
    KERVAN_ASSERT(creditors.empty());
    return instructions;
  }
  const Currency currency = positions.front().net.currency();
  const size_t instructions_max = debtors.size() + creditors.size() - 1;
  size_t d = 0;
  size_t c = 0;
  while (d < debtors.size() && c < creditors.size()) {
    KERVAN_ASSERT(instructions.size() < instructions_max);
    const i128 paid = std::min(debtors[d].remaining, creditors[c].remaining);
    instructions.push_back(
        {debtors[d].party, creditors[c].party, Amount::from_minor(paid, currency)});
    debtors[d].remaining -= paid;
    creditors[c].remaining -= paid;
    if (debtors[d].remaining == 0) ++d;
    if (creditors[c].remaining == 0) ++c;
  }
  KERVAN_ASSERT(d == debtors.size() && c == creditors.size());
  return instructions;
}

// Invariant 7's second half: the instructions, applied to the positions, clear every one.
void assert_instructions_clear(std::span<const NetPosition> positions,
                               std::span<const PaymentInstruction> instructions) {
  std::vector<i128> remaining(positions.size());
  size_t nonzero_count = 0;
  for (size_t i = 0; i < positions.size(); ++i) {
    remaining[i] = positions[i].net.minor();
    if (remaining[i] != 0) nonzero_count += 1;
  }
  KERVAN_ASSERT(instructions.size() + 1 <= std::max<size_t>(nonzero_count, 1));
  const auto index_of = [&positions](PartyId party) {
    const auto found = std::lower_bound(
        positions.begin(), positions.end(), party,
        [](const NetPosition& position, PartyId key) { return position.party < key; });
    KERVAN_ASSERT(found != positions.end() && found->party == party);
    return static_cast<size_t>(found - positions.begin());
  };
  for (const PaymentInstruction& instruction : instructions) {
    KERVAN_ASSERT(instruction.amount.minor() > 0 && instruction.payer != instruction.payee);
    remaining[index_of(instruction.payer)] += instruction.amount.minor();
    remaining[index_of(instruction.payee)] -= instruction.amount.minor();
  }
  for (const i128 left : remaining) KERVAN_ASSERT(left == 0);
}

std::vector<StatementLine> statement_of(const SettlementBook& book,
                                        std::span<const NetPosition> positions, Currency currency) {
  std::vector<StatementLine> statement(book.parties.size());
  for (size_t i = 0; i < book.parties.size(); ++i) {
    const PartyTotals& totals = book.totals[i];
    statement[i] = {
        .party = book.parties[i],
        .owed_total = Amount::from_minor(totals.owed, currency),
        .receivable_total = Amount::from_minor(totals.receivable, currency),
        .duty_collected_total = Amount::from_minor(totals.duty_collected, currency),
        .retention_kept = Amount::from_minor(totals.retention, currency),
        .union_share = Amount::from_minor(totals.union_share, currency),
        .net = positions[i].net,
    };
  }
  return statement;
}

R validate(const SettlementInput& input, const SortedMembers& members,
           size_t* obligation_index_failed) {
  if (!currency_is_known(input.currency)) return R::currency_unknown;
  if (input.obligations.size() > settlement_obligations_max) return R::obligations_too_many;
  const R union_result = check_union(input.customs_union);
  if (union_result != R::ok) return union_result;
  return check_obligations(input, members, obligation_index_failed);
}

}  // namespace

SettlementResult settle(const SettlementInput& input, SettlementOutput* out,
                        size_t* obligation_index_failed) {
  KERVAN_ASSERT(out != nullptr);
  // Members are sorted only once the union is known to be valid (and small enough).
  SortedMembers members;
  if (input.customs_union.members.size() <= union_members_max) {
    members = sort_members(input.customs_union.members);
  }
  const R result = validate(input, members, obligation_index_failed);
  if (result != R::ok) return result;

  SettlementBook book;
  book.parties = collect_parties(input);
  if (book.parties.size() > settlement_parties_max) return R::parties_too_many;
  book.totals.resize(book.parties.size());

  UnionTotals union_totals;
  if (members.count > 0) {
    union_totals = retain_and_pool(input, members, &book);   // (a), (b)
    distribute(input, members, union_totals.pooled, &book);  // (c)
  }
  for (const Obligation& obligation : input.obligations) {
    if (obligation.kind == ObligationKind::duty_collected_for_union) continue;
    book.add_flow(obligation.payer, obligation.payee, obligation.amount.minor());
  }
  std::vector<NetPosition> positions = net_positions(book, input.currency);  // (d)
  std::vector<PaymentInstruction> instructions = net_out(positions);         // (e)
  assert_instructions_clear(positions, instructions);

  out->currency = input.currency;
  out->duty_collected_total = Amount::from_minor(union_totals.duty_collected, input.currency);
  out->retention_total = Amount::from_minor(union_totals.retention, input.currency);
  out->pooled_total = Amount::from_minor(union_totals.pooled, input.currency);
  out->statement = statement_of(book, positions, input.currency);
  out->positions = std::move(positions);
  out->instructions = std::move(instructions);
  return R::ok;
}

std::vector<SettlementLeg> settlement_legs(std::span<const PaymentInstruction> instructions) {
  KERVAN_ASSERT(instructions.size() <= settlement_parties_max);
  std::vector<SettlementLeg> legs;
  legs.reserve(instructions.size());
  for (const PaymentInstruction& instruction : instructions) {
    KERVAN_ASSERT(instruction.amount.minor() > 0 && instruction.payer != instruction.payee);
    legs.push_back({.debit_party = instruction.payer,
                    .credit_party = instruction.payee,
                    .amount = instruction.amount,
                    .sequence = static_cast<uint32_t>(legs.size())});
  }
  return legs;
}

}  // namespace kervan
