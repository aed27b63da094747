// The settlement engine: at a cut-off, for one currency, turns what parties owe each other
// (claims owed by providers to countries, duties collected for a customs union, other debts)
// into each party's net position and the fewest-ish payments that clear them
// (docs/settlement.md). Pure and deterministic: no I/O, no clock, no exceptions; the output
// depends only on the input's content, never on the order of the obligations or the members.
//
// The five steps, in this order:
//   (a) retention: each union member keeps retention_percent of the duties it collected,
//       computed once on its total for the cut-off, rounded half-even (EU: 25 %);
//   (b) pooling: the rest of its collected duties is owed by the member to the pool party;
//   (c) distribution: the pool is split by the fixed shares with split() (largest remainder,
//       conserving to the minor unit); the pool party owes every member its share, and keeps
//       pool_share_percent (EU: 100, the TOR are the Union's revenue; EAEU: 0);
//   (d) net positions: per party, everything it is owed minus everything it owes;
//   (e) netting: greedy matching of debtors and creditors, at most (parties with a non-zero
//       position - 1) payments.
// Invariant 7 (DESIGN.md) holds and is asserted: the net positions sum to zero, and applying
// the payment instructions to them leaves every position at exactly zero.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/amount.h"
#include "core/country.h"
#include "core/decimal.h"
#include "ledger/transit/transit_types.h"

namespace kervan {

// Limits of one settlement run. Parties bound the statement and the payments (at most
// settlement_parties_max - 1); obligations bound the input the domain layer may pass.
inline constexpr size_t settlement_parties_max = 4096;
inline constexpr size_t settlement_obligations_max = size_t{1} << 20;
// The pool takes one split() share after the members' (docs/money.md).
inline constexpr size_t union_members_max = split_shares_max - 1;
// The sum of all obligation amounts, in minor units. Every flow of steps (a)-(d), the pooled
// duties counted twice (member -> pool -> member), then fits an i128, and so does every sum.
inline constexpr i128 settlement_amount_total_max = i128_max / 2;
static_assert(union_members_max + 1 <= split_shares_max);
static_assert(settlement_parties_max <= settlement_obligations_max);

// DO NOT CHANGE the numbers: sent on the wire and stored. Append only.
// Checked in this order: the input as a whole, the union's configuration (members in the order
// given), each obligation in the order given, then the totals.
#define KERVAN_SETTLEMENT_RESULTS(X)                                                       \
  X(ok, 0)                                                                                 \
  X(currency_unknown, 1)               /* input.currency is none or not in the table. */   \
  X(obligations_too_many, 2)           /* More than settlement_obligations_max. */         \
  X(retention_percent_out_of_range, 3) /* Below 0 or above 100. */                         \
  X(union_members_too_many, 4)         /* More than union_members_max. */                  \
  X(pool_party_zero, 5)                /* A union with members has no pool party. */       \
  X(pool_share_negative, 6)                                                                \
  X(member_country_missing, 7) /* An empty Country. */                                     \
  X(member_party_zero, 8)                                                                  \
  X(member_party_is_pool, 9)                                                               \
  X(member_country_duplicate, 10) /* A country listed twice. */                            \
  X(member_party_duplicate, 11)   /* Two member countries with one party. */               \
  X(member_share_negative, 12)                                                             \
  X(shares_sum_not_100, 13) /* Members' shares plus the pool's are not 100 %. */           \
  X(obligation_kind_unknown, 14)                                                           \
  X(currency_mismatch, 15) /* An obligation in another currency than input's. */           \
  X(amount_negative, 16)                                                                   \
  X(payer_party_zero, 17)                                                                  \
  X(payee_party_zero, 18)                                                                  \
  X(payer_is_payee, 19)                                                                    \
  X(country_missing, 20)             /* A claim or a duty names no country. */             \
  X(union_empty, 21)                 /* A duty for a union that has no members. */         \
  X(member_unknown, 22)              /* A duty collected by a country not in the union. */ \
  X(duty_payer_not_member_party, 23) /* Not the party of the collecting member. */         \
  X(duty_payee_not_pool, 24)                                                               \
  X(overflow, 25)         /* Amounts sum above settlement_amount_total_max. */             \
  X(parties_too_many, 26) /* More than settlement_parties_max distinct parties. */

#define KERVAN_ENUM_VALUE(name, number) name = number,
enum class SettlementResult : uint8_t { KERVAN_SETTLEMENT_RESULTS(KERVAN_ENUM_VALUE) };
#undef KERVAN_ENUM_VALUE

inline constexpr uint8_t settlement_result_max = 26;
static_assert(static_cast<uint8_t>(SettlementResult::parties_too_many) == settlement_result_max);

// The snake_case name of a code, e.g. "shares_sum_not_100"; "unknown" for a number not listed.
[[nodiscard]] std::string_view result_name(SettlementResult result) noexcept;

// What an obligation is; decides how steps (a)-(c) treat it.
// DO NOT CHANGE the numbers: sent on the wire and stored. Append only.
enum class ObligationKind : uint8_t {
  // A claim drawn from a guarantee and not yet paid: the provider (payer) owes the customs
  // administration of `country` (payee). Fed from the country-receivable accounts. Netted as is.
  claim_owed_by_provider = 1,
  // Duties the member `country` (payer: its party) collected that belong to the union (payee:
  // the pool party). Fed from the duties-collected accounts. Goes through steps (a)-(c).
  duty_collected_for_union = 2,
  // Any other debt of payer to payee (e.g. a guaranteeing association's recourse on its
  // insurer). `country` is optional and informational. Netted as is.
  debt = 3,
};

// One balance owed at the cut-off, in the settlement's currency.
struct Obligation {
  PartyId payer{};
  PartyId payee{};
  Amount amount{};  // >= 0; zero is allowed and moves nothing.
  ObligationKind kind = ObligationKind::debt;
  Country country{};  // The claiming country, or the collecting member for a duty.
};

// A member country of a customs union, the party that acts for it (its customs or treasury),
// and its fixed share of the pool in percent.
struct UnionMember {
  Country country{};
  PartyId party{};
  Decimal share_percent{};  // >= 0.
};

// A country's standard of distribution, without the party that receives it.
struct CountryShare {
  Country country{};
  Decimal share_percent{};
};

// EAEU import-duty standards from the Protocol of 1 October 2019 (reference/domain.md 5.1);
// they sum to exactly 100.
inline constexpr std::array<CountryShare, 5> eaeu_shares_2019 = {{
    {Country::of("RU"), Decimal::from_parts(85065, 3)},
    {Country::of("KZ"), Decimal::from_parts(6955, 3)},
    {Country::of("BY"), Decimal::from_parts(486, 2)},
    {Country::of("KG"), Decimal::from_parts(19, 1)},
    {Country::of("AM"), Decimal::from_parts(122, 2)},
}};
// EU traditional own resources: collection costs retained by the collecting member since 2021
// (ORD 2020/2053).
inline constexpr Decimal eu_tor_retention_percent_2021 = Decimal::from_integer(25);

// A customs union's configuration. No members: there is no union, and the other fields are not
// checked (but retention_percent still is); a duty obligation is then union_empty.
// REQUIRES (checked, see the results): members' shares + pool_share_percent == 100 exactly.
struct CustomsUnion {
  std::span<const UnionMember> members{};
  PartyId pool_party{};          // Owed the pooled duties, owes the members their shares.
  Decimal pool_share_percent{};  // What the pool keeps: EU 100 (Union budget), EAEU 0.
  Decimal retention_percent{};   // Kept by the collecting member: EU 25, EAEU 0.
};

struct SettlementInput {
  Currency currency = Currency::none;
  CustomsUnion customs_union{};
  std::span<const Obligation> obligations{};
};

// A party's net position: positive, it is to receive; negative, it is to pay.
struct NetPosition {
  PartyId party{};
  Amount net{};

  friend bool operator==(const NetPosition&, const NetPosition&) = default;
};

// Payer pays payee `amount` (> 0).
struct PaymentInstruction {
  PartyId payer{};
  PartyId payee{};
  Amount amount{};

  friend bool operator==(const PaymentInstruction&, const PaymentInstruction&) = default;
};

// One party's part in the settlement. Amounts are in the settlement's currency; zero where the
// party had no such flow. net == receivable_total - owed_total.
struct StatementLine {
  PartyId party{};
  Amount owed_total{};            // Claims and debts it owes, duties after retention, shares paid.
  Amount receivable_total{};      // Claims and debts owed to it, pooled duties, its union share.
  Amount duty_collected_total{};  // Duties it collected for the union, before retention.
  Amount retention_kept{};        // Step (a): included in neither total; it never moves.
  Amount union_share{};           // Step (c): its share of the pool (the pool: what it keeps).
  Amount net{};

  friend bool operator==(const StatementLine&, const StatementLine&) = default;
};

struct SettlementOutput {
  Currency currency = Currency::none;
  Amount duty_collected_total{};       // All duties collected for the union.
  Amount retention_total{};            // Kept by the collecting members, step (a).
  Amount pooled_total{};               // duty_collected_total - retention_total, split in step (c).
  std::vector<NetPosition> positions;  // Every party, ascending id.
  std::vector<PaymentInstruction> instructions;  // In netting order (docs/settlement.md).
  std::vector<StatementLine> statement;          // Every party, ascending id.
};

// Runs steps (a)-(e) on `input` and fills *out (its vectors are replaced). "Every party" is
// every payer and payee, and, when the union has members, every member party and the pool.
// Returns the first failing check, in the order of KERVAN_SETTLEMENT_RESULTS; for a check of
// one obligation, *obligation_index_failed (if not null) is set to its index. On error *out
// is unchanged. Errors are the input's fault: fix the input or the union's configuration.
// REQUIRES: out != nullptr.
[[nodiscard]] SettlementResult settle(const SettlementInput& input, SettlementOutput* out,
                                      size_t* obligation_index_failed = nullptr);

// A ledger transfer a settlement becomes: money moves from the debit party's settlement account
// to the credit party's (the domain layer maps parties to accounts, docs/chart_of_accounts.md).
// `sequence` numbers the legs of one settlement from 0, to derive idempotent transfer ids.
struct SettlementLeg {
  PartyId debit_party{};
  PartyId credit_party{};
  Amount amount{};
  uint32_t sequence = 0;

  friend bool operator==(const SettlementLeg&, const SettlementLeg&) = default;
};

// One leg per instruction, in the same order: debit the payer, credit the payee.
// REQUIRES: every instruction has amount > 0 and payer != payee (as settle() produces them),
// and at most settlement_parties_max instructions.
[[nodiscard]] std::vector<SettlementLeg> settlement_legs(
    std::span<const PaymentInstruction> instructions);

}  // namespace kervan
