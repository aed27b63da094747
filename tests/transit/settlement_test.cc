#include "ledger/transit/settlement.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kervan {
namespace {

constexpr Currency RUB = Currency::rub;
constexpr Currency EUR = Currency::eur;
using R = SettlementResult;

PartyId party(uint64_t id) {
  return PartyId{id};
}
Decimal percent(i128 mantissa, uint8_t scale) {
  return Decimal::from_parts(mantissa, scale);
}

Obligation debt(uint64_t payer, uint64_t payee, i128 minor, Currency currency = EUR) {
  return {party(payer), party(payee), Amount::from_minor(minor, currency), ObligationKind::debt,
          Country()};
}
Obligation claim(uint64_t provider, uint64_t customs, i128 minor, Country country,
                 Currency currency = RUB) {
  return {party(provider), party(customs), Amount::from_minor(minor, currency),
          ObligationKind::claim_owed_by_provider, country};
}
Obligation duty(uint64_t member, uint64_t pool, i128 minor, Country country,
                Currency currency = RUB) {
  return {party(member), party(pool), Amount::from_minor(minor, currency),
          ObligationKind::duty_collected_for_union, country};
}

// The EAEU of the 2019 Protocol: the pool is party 100, RU 101, KZ 102, BY 103, KG 104, AM 105.
constexpr uint64_t eaeu_pool = 100;
constexpr uint64_t ru = 101, kz = 102, by = 103, kg = 104, am = 105;
std::vector<UnionMember> eaeu_members() {
  std::vector<UnionMember> members;
  for (size_t i = 0; i < eaeu_shares_2019.size(); ++i) {
    members.push_back(
        {eaeu_shares_2019[i].country, party(ru + i), eaeu_shares_2019[i].share_percent});
  }
  return members;
}
CustomsUnion eaeu(std::span<const UnionMember> members) {
  return {.members = members, .pool_party = party(eaeu_pool)};
}

// Invariant 7 and the output's shape, checked on every successful settlement in this file.
void expect_invariants(const SettlementOutput& out) {
  ASSERT_EQ(out.positions.size(), out.statement.size());
  i128 net_sum = 0;
  size_t nonzero_count = 0;
  for (size_t i = 0; i < out.positions.size(); ++i) {
    const NetPosition& position = out.positions[i];
    const StatementLine& line = out.statement[i];
    if (i > 0) {
      EXPECT_LT(out.positions[i - 1].party, position.party);
    }
    EXPECT_EQ(line.party, position.party);
    EXPECT_EQ(line.net, position.net);
    EXPECT_EQ(line.net.minor(), line.receivable_total.minor() - line.owed_total.minor());
    net_sum += position.net.minor();
    if (position.net.minor() != 0) nonzero_count += 1;
  }
  EXPECT_EQ(net_sum, 0);
  EXPECT_LE(out.instructions.size() + 1, std::max<size_t>(nonzero_count, 1));
  std::vector<i128> remaining;
  for (const NetPosition& position : out.positions) remaining.push_back(position.net.minor());
  const auto index_of = [&out](PartyId id) {
    for (size_t i = 0; i < out.positions.size(); ++i) {
      if (out.positions[i].party == id) return i;
    }
    ADD_FAILURE() << "instruction names a party without a position";
    return size_t{0};
  };
  for (const PaymentInstruction& instruction : out.instructions) {
    EXPECT_GT(instruction.amount.minor(), 0);
    EXPECT_EQ(instruction.amount.currency(), out.currency);
    EXPECT_LT(out.positions[index_of(instruction.payer)].net.minor(), 0);
    EXPECT_GT(out.positions[index_of(instruction.payee)].net.minor(), 0);
    remaining[index_of(instruction.payer)] += instruction.amount.minor();
    remaining[index_of(instruction.payee)] -= instruction.amount.minor();
  }
  for (const i128 left : remaining) EXPECT_EQ(left, 0);
  EXPECT_EQ(out.pooled_total.minor(),
            out.duty_collected_total.minor() - out.retention_total.minor());
}

SettlementOutput settle_ok(const SettlementInput& input) {
  SettlementOutput out;
  const R result = settle(input, &out);
  EXPECT_EQ(result, R::ok) << result_name(result);
  expect_invariants(out);
  return out;
}

const StatementLine& line_of(const SettlementOutput& out, uint64_t id) {
  for (const StatementLine& line : out.statement) {
    if (line.party == party(id)) return line;
  }
  ADD_FAILURE() << "no statement line for party " << id;
  return out.statement.front();
}

PaymentInstruction pay(uint64_t payer, uint64_t payee, i128 minor, Currency currency) {
  return {party(payer), party(payee), Amount::from_minor(minor, currency)};
}

TEST(SettlementEaeu, DistributesAnOddPooledAmountByLargestRemainder) {
  // RU collected 1,000,000.01 RUB = 100,000,001 kopecks. Exact shares of it:
  //   RU 85.065 % = 85,065,000.85065   floor 85,065,000   remainder .85065
  //   KZ  6.955 % =  6,955,000.06955   floor  6,955,000   remainder .06955
  //   BY  4.86  % =  4,860,000.0486    floor  4,860,000   remainder .0486
  //   KG  1.9   % =  1,900,000.019     floor  1,900,000   remainder .019
  //   AM  1.22  % =  1,220,000.0122    floor  1,220,000   remainder .0122
  // The floors sum to 100,000,000: 1 kopeck left, to the largest remainder (RU).
  const std::vector<UnionMember> members = eaeu_members();
  const Obligation obligations[] = {duty(ru, eaeu_pool, 100'000'001, Country::of("RU"))};
  const SettlementOutput out = settle_ok({RUB, eaeu(members), obligations});

  EXPECT_EQ(out.duty_collected_total, Amount::from_minor(100'000'001, RUB));
  EXPECT_EQ(out.retention_total, Amount::zero(RUB));
  EXPECT_EQ(out.pooled_total, Amount::from_minor(100'000'001, RUB));
  EXPECT_EQ(line_of(out, ru).union_share.minor(), 85'065'001);  // 850,650.01 RUB
  EXPECT_EQ(line_of(out, kz).union_share.minor(), 6'955'000);   //  69,550.00 RUB
  EXPECT_EQ(line_of(out, by).union_share.minor(), 4'860'000);   //  48,600.00 RUB
  EXPECT_EQ(line_of(out, kg).union_share.minor(), 1'900'000);   //  19,000.00 RUB
  EXPECT_EQ(line_of(out, am).union_share.minor(), 1'220'000);   //  12,200.00 RUB
  EXPECT_EQ(line_of(out, eaeu_pool).union_share.minor(), 0);
  // RU owes the pool 100,000,001 and is owed 85,065,001: net -14,935,000. The pool is flat.
  EXPECT_EQ(line_of(out, ru).owed_total.minor(), 100'000'001);
  EXPECT_EQ(line_of(out, ru).net.minor(), -14'935'000);
  EXPECT_EQ(line_of(out, eaeu_pool).net.minor(), 0);
  EXPECT_EQ(line_of(out, eaeu_pool).receivable_total.minor(), 100'000'001);
  // RU pays the four others directly, largest first: 4 payments for 5 non-zero positions.
  const std::vector<PaymentInstruction> expected = {
      pay(ru, kz, 6'955'000, RUB), pay(ru, by, 4'860'000, RUB), pay(ru, kg, 1'900'000, RUB),
      pay(ru, am, 1'220'000, RUB)};
  EXPECT_EQ(out.instructions, expected);
}

TEST(SettlementEaeu, LeftoverOfASmallPoolGoesToTheLargestRemaindersNotTheLargestShares) {
  // KZ collected 0.99 RUB = 99 kopecks:
  //   RU 84.21435 -> 84 (.21435)   KZ 6.88545 -> 6 (.88545)   BY 4.8114 -> 4 (.8114)
  //   KG  1.881   ->  1 (.881)     AM 1.2078  -> 1 (.2078)
  // Floors sum to 96; the 3 kopecks left go to KZ, KG and BY: 84 + 7 + 5 + 2 + 1 = 99.
  const std::vector<UnionMember> members = eaeu_members();
  const Obligation obligations[] = {duty(kz, eaeu_pool, 99, Country::of("KZ"))};
  const SettlementOutput out = settle_ok({RUB, eaeu(members), obligations});
  EXPECT_EQ(line_of(out, ru).union_share.minor(), 84);
  EXPECT_EQ(line_of(out, kz).union_share.minor(), 7);
  EXPECT_EQ(line_of(out, by).union_share.minor(), 5);
  EXPECT_EQ(line_of(out, kg).union_share.minor(), 2);
  EXPECT_EQ(line_of(out, am).union_share.minor(), 1);
  EXPECT_EQ(line_of(out, kz).net.minor(), 7 - 99);
}

TEST(SettlementEaeu, EqualRemaindersGoToTheCountryThatSortsFirstWhateverTheMemberOrder) {
  // Four members at 25 % each, 2 cents pooled: every exact share is 0.5. The two cents go to
  // the first two countries alphabetically (AM, BY), in whichever order the members are given.
  const std::vector<UnionMember> given = {{Country::of("KZ"), party(1), percent(25, 0)},
                                          {Country::of("RU"), party(2), percent(25, 0)},
                                          {Country::of("BY"), party(3), percent(25, 0)},
                                          {Country::of("AM"), party(4), percent(25, 0)}};
  std::vector<UnionMember> reversed(given.rbegin(), given.rend());
  const Obligation obligations[] = {duty(2, 9, 2, Country::of("RU"))};
  for (const auto& members : {given, reversed}) {
    const SettlementOutput out =
        settle_ok({RUB, {.members = members, .pool_party = party(9)}, obligations});
    EXPECT_EQ(line_of(out, 4).union_share.minor(), 1);  // AM
    EXPECT_EQ(line_of(out, 3).union_share.minor(), 1);  // BY
    EXPECT_EQ(line_of(out, 1).union_share.minor(), 0);  // KZ
    EXPECT_EQ(line_of(out, 2).union_share.minor(), 0);  // RU
  }
}

TEST(SettlementEaeu, ThePoolLosesATieToAMember) {
  // 50 % to the only member, 50 % kept by the pool; 1 cent pooled is a tie: the member gets it.
  const UnionMember members[] = {{Country::of("KZ"), party(1), percent(50, 0)}};
  const Obligation obligations[] = {duty(1, 9, 1, Country::of("KZ"))};
  const SettlementOutput out =
      settle_ok({RUB,
                 {.members = members, .pool_party = party(9), .pool_share_percent = percent(50, 0)},
                 obligations});
  EXPECT_EQ(line_of(out, 1).union_share.minor(), 1);
  EXPECT_EQ(line_of(out, 9).union_share.minor(), 0);
  EXPECT_TRUE(out.instructions.empty());  // KZ owes the pool 1 and the pool owes KZ 1.
}

// The EU's traditional own resources: members keep 25 % as collection costs and pass 75 % to
// the Union budget (the pool, which keeps 100 %).
constexpr uint64_t eu_budget = 200, de = 201, fr = 202, nl = 203;
std::vector<UnionMember> eu_members() {
  return {{Country::of("DE"), party(de), Decimal()},
          {Country::of("FR"), party(fr), Decimal()},
          {Country::of("NL"), party(nl), Decimal()}};
}
CustomsUnion eu(std::span<const UnionMember> members) {
  return {.members = members,
          .pool_party = party(eu_budget),
          .pool_share_percent = percent(100, 0),
          .retention_percent = eu_tor_retention_percent_2021};
}

TEST(SettlementRetention, KeepsAQuarterRoundedHalfEvenOnceOnEachCountrysTotal) {
  const std::vector<UnionMember> members = eu_members();
  const Obligation obligations[] = {
      // DE: 1,234.58 EUR; 25 % = 30,864.5 cents, a tie, to the even 30,864. Passes 92,594.
      duty(de, eu_budget, 123'458, Country::of("DE"), EUR),
      // FR: 1,234.62 EUR; 25 % = 30,865.5 cents, a tie, to the even 30,866. Passes 92,596.
      duty(fr, eu_budget, 123'462, Country::of("FR"), EUR),
      // NL: three duties of 0.02 EUR. Rounded each, 0.5 -> 0 three times would keep nothing;
      // rounded once on the total 0.06 EUR: 1.5 -> 2 cents kept. Passes 4.
      duty(nl, eu_budget, 2, Country::of("NL"), EUR),
      duty(nl, eu_budget, 2, Country::of("NL"), EUR),
      duty(nl, eu_budget, 2, Country::of("NL"), EUR),
  };
  const SettlementOutput out = settle_ok({EUR, eu(members), obligations});
  EXPECT_EQ(line_of(out, de).retention_kept.minor(), 30'864);
  EXPECT_EQ(line_of(out, fr).retention_kept.minor(), 30'866);
  EXPECT_EQ(line_of(out, nl).retention_kept.minor(), 2);
  EXPECT_EQ(line_of(out, de).duty_collected_total.minor(), 123'458);
  EXPECT_EQ(line_of(out, nl).duty_collected_total.minor(), 6);
  EXPECT_EQ(line_of(out, de).owed_total.minor(), 92'594);
  EXPECT_EQ(out.duty_collected_total.minor(), 246'926);
  EXPECT_EQ(out.retention_total.minor(), 61'732);
  EXPECT_EQ(out.pooled_total.minor(), 185'194);  // 92,594 + 92,596 + 4.
  EXPECT_EQ(line_of(out, eu_budget).union_share.minor(), 185'194);
  EXPECT_EQ(line_of(out, eu_budget).net.minor(), 185'194);
  const std::vector<PaymentInstruction> expected = {
      pay(fr, eu_budget, 92'596, EUR), pay(de, eu_budget, 92'594, EUR), pay(nl, eu_budget, 4, EUR)};
  EXPECT_EQ(out.instructions, expected);
}

TEST(SettlementRetention, RetentionOfAHundredPercentPoolsNothing) {
  const std::vector<UnionMember> members = eu_members();
  CustomsUnion customs_union = eu(members);
  customs_union.retention_percent = percent(100, 0);
  const Obligation obligations[] = {duty(de, eu_budget, 12'345, Country::of("DE"), EUR)};
  const SettlementOutput out = settle_ok({EUR, customs_union, obligations});
  EXPECT_EQ(line_of(out, de).retention_kept.minor(), 12'345);
  EXPECT_EQ(out.pooled_total.minor(), 0);
  EXPECT_TRUE(out.instructions.empty());
}

TEST(SettlementNetting, ACycleNeedsNoPayment) {
  // A owes B 10, B owes C 10, C owes A 10: every position is zero.
  const Obligation obligations[] = {debt(1, 2, 10), debt(2, 3, 10), debt(3, 1, 10)};
  const SettlementOutput out = settle_ok({EUR, {}, obligations});
  ASSERT_EQ(out.positions.size(), 3u);
  for (const NetPosition& position : out.positions) EXPECT_EQ(position.net.minor(), 0);
  EXPECT_TRUE(out.instructions.empty());
  EXPECT_EQ(line_of(out, 2).owed_total.minor(), 10);
  EXPECT_EQ(line_of(out, 2).receivable_total.minor(), 10);
}

TEST(SettlementNetting, AChainCollapsesToOnePayment) {
  // A -> B -> C -> D, 10 each: only A pays, only D receives.
  const Obligation obligations[] = {debt(1, 2, 10), debt(2, 3, 10), debt(3, 4, 10)};
  const SettlementOutput out = settle_ok({EUR, {}, obligations});
  const std::vector<PaymentInstruction> expected = {pay(1, 4, 10, EUR)};
  EXPECT_EQ(out.instructions, expected);
}

TEST(SettlementNetting, GreedyMatchesLargestFirstThenLowerParty) {
  const struct {
    const char* name;
    std::vector<Obligation> obligations;
    std::vector<PaymentInstruction> expected;
  } cases[] = {
      {"opposite debts net to the difference",
       {debt(1, 2, 10), debt(2, 1, 4)},
       {pay(1, 2, 6, EUR)}},
      {"a zero amount moves nothing", {debt(1, 2, 0)}, {}},
      {"one debtor, two creditors: n - 1 payments",
       {debt(1, 2, 3), debt(1, 3, 2)},
       {pay(1, 2, 3, EUR), pay(1, 3, 2, EUR)}},
      // Debtors 5 (party 1), 5 (party 2); creditors 6 (party 3), 4 (party 4). Equal debts:
      // the lower id pays first. 1 -> 3 5; 2 -> 3 1; 2 -> 4 4.
      {"equal amounts go by party id",
       {debt(2, 4, 4), debt(2, 3, 1), debt(1, 3, 5)},
       {pay(1, 3, 5, EUR), pay(2, 3, 1, EUR), pay(2, 4, 4, EUR)}},
      // Positions -5, -3, +5, +3: each payment matches exactly and ends two positions, so 2
      // payments where the bound allows 3.
      {"exact matches save payments",
       {debt(1, 4, 3), debt(1, 3, 2), debt(2, 3, 3)},
       {pay(1, 3, 5, EUR), pay(2, 4, 3, EUR)}},
      // Positions 1: -4, 2: -10, 3: +7, 4: +4, 5: +3; 2 -> 3 7, 2 -> 4 3, 1 -> 4 1, 1 -> 5 3.
      {"the bound is reached",
       {debt(1, 3, 7), debt(2, 4, 7), debt(5, 3, 0), debt(2, 5, 3), debt(4, 1, 3)},
       {pay(2, 3, 7, EUR), pay(2, 4, 3, EUR), pay(1, 4, 1, EUR), pay(1, 5, 3, EUR)}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const SettlementOutput out = settle_ok({EUR, {}, c.obligations});
    EXPECT_EQ(out.instructions, c.expected);
  }
}

// The worked example of docs/settlement.md: EAEU duties, retention 0, a provider's claim.
TEST(SettlementWorkedExample, DutiesAndAClaimNetTogether) {
  // Pool: 1,000,000.01 (RU) + 200,000.00 (KZ) = 1,200,000.01 RUB = 120,000,001 kopecks.
  //   RU 102,078,000.85065 -> 102,078,001 (the 1 kopeck left: largest remainder .85065)
  //   KZ   8,346,000.06955 ->   8,346,000   BY 5,832,000.0486 -> 5,832,000
  //   KG   2,280,000.019   ->   2,280,000   AM 1,464,000.0122 -> 1,464,000
  // Positions: RU 102,078,001 - 100,000,001 = +2,078,000;
  //   KZ 8,346,000 + 500,000 (claim) - 20,000,000 = -11,154,000; BY +5,832,000;
  //   KG +2,280,000; AM +1,464,000; provider -500,000; pool 0. Sum: 0.
  constexpr uint64_t provider = 900;
  const std::vector<UnionMember> members = eaeu_members();
  const Obligation obligations[] = {
      duty(ru, eaeu_pool, 100'000'001, Country::of("RU")),
      duty(kz, eaeu_pool, 20'000'000, Country::of("KZ")),
      claim(provider, kz, 500'000, Country::of("KZ")),
  };
  const SettlementOutput out = settle_ok({RUB, eaeu(members), obligations});
  const std::vector<NetPosition> positions = {
      {party(eaeu_pool), Amount::zero(RUB)},
      {party(ru), Amount::from_minor(2'078'000, RUB)},
      {party(kz), Amount::from_minor(-11'154'000, RUB)},
      {party(by), Amount::from_minor(5'832'000, RUB)},
      {party(kg), Amount::from_minor(2'280'000, RUB)},
      {party(am), Amount::from_minor(1'464'000, RUB)},
      {party(provider), Amount::from_minor(-500'000, RUB)},
  };
  EXPECT_EQ(out.positions, positions);
  // Debtors KZ 11,154,000, provider 500,000; creditors BY, KG, RU, AM (largest first).
  const std::vector<PaymentInstruction> expected = {
      pay(kz, by, 5'832'000, RUB), pay(kz, kg, 2'280'000, RUB), pay(kz, ru, 2'078'000, RUB),
      pay(kz, am, 964'000, RUB), pay(provider, am, 500'000, RUB)};
  EXPECT_EQ(out.instructions, expected);
  const StatementLine& kz_line = line_of(out, kz);
  EXPECT_EQ(kz_line.owed_total.minor(), 20'000'000);
  EXPECT_EQ(kz_line.receivable_total.minor(), 8'846'000);
  EXPECT_EQ(kz_line.union_share.minor(), 8'346'000);

  const std::vector<SettlementLeg> legs = settlement_legs(out.instructions);
  ASSERT_EQ(legs.size(), expected.size());
  for (uint32_t i = 0; i < legs.size(); ++i) {
    EXPECT_EQ(legs[i],
              (SettlementLeg{expected[i].payer, expected[i].payee, expected[i].amount, i}));
  }
}

TEST(SettlementLegs, DebitThePayerCreditThePayeeInOrder) {
  EXPECT_TRUE(settlement_legs({}).empty());
  const PaymentInstruction instructions[] = {pay(7, 3, 5, EUR), pay(2, 9, 1, EUR)};
  const std::vector<SettlementLeg> expected = {{party(7), party(3), Amount::from_minor(5, EUR), 0},
                                               {party(2), party(9), Amount::from_minor(1, EUR), 1}};
  EXPECT_EQ(settlement_legs(instructions), expected);
}

TEST(SettlementLegs, AnInstructionSettleNeverMakesIsAProgrammerError) {
  const PaymentInstruction zero[] = {pay(1, 2, 0, EUR)};
  EXPECT_DEATH((void)settlement_legs(zero), "instruction.amount.minor");
  const PaymentInstruction to_itself[] = {pay(1, 1, 5, EUR)};
  EXPECT_DEATH((void)settlement_legs(to_itself), "instruction.payer != instruction.payee");
}

// Random obligations among `parties_count` parties, EAEU duties included.
struct RandomCase {
  std::vector<UnionMember> members;
  std::vector<Obligation> obligations;
};
RandomCase random_case(uint64_t seed, uint64_t parties_count, size_t obligations_count) {
  std::mt19937_64 random(seed);  // Its sequence is fixed by the standard; no distributions.
  RandomCase c;
  c.members = eaeu_members();
  const auto some_party = [&] { return 1'000 + 7 * (random() % parties_count); };
  for (size_t i = 0; i < obligations_count; ++i) {
    const i128 minor = static_cast<i128>(random() % 10'000'000'000ull);
    const uint64_t payer = some_party();
    uint64_t payee = some_party();
    if (payee == payer) payee = payer == 1'000 ? 1'007 : 1'000;
    const size_t member = random() % c.members.size();
    switch (random() % 3) {
      case 0:
        c.obligations.push_back(debt(payer, payee, minor, RUB));
        break;
      case 1:
        c.obligations.push_back(claim(payer, ru + member, minor, c.members[member].country));
        break;
      default:
        c.obligations.push_back(duty(ru + member, eaeu_pool, minor, c.members[member].country));
    }
  }
  return c;
}

template <typename T>
void shuffle(std::vector<T>* items, uint64_t seed) {
  std::mt19937_64 random(seed);
  for (size_t i = items->size(); i > 1; --i) std::swap((*items)[i - 1], (*items)[random() % i]);
}

TEST(SettlementRandom, ManyPartiesConserveClearAndDoNotDependOnOrder) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomCase c = random_case(seed, 500, 3'000);
    const SettlementOutput out = settle_ok({RUB, eaeu(c.members), c.obligations});
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_GE(out.positions.size(), 400u);  // Most of the 500 parties appear.
    i128 obligations_total = 0;
    for (const Obligation& obligation : c.obligations)
      obligations_total += obligation.amount.minor();
    i128 instructions_total = 0;
    for (const PaymentInstruction& instruction : out.instructions) {
      instructions_total += instruction.amount.minor();
    }
    EXPECT_LE(instructions_total, obligations_total);  // Netting never moves more.

    shuffle(&c.obligations, seed * 31);
    shuffle(&c.members, seed * 37);
    const SettlementOutput again = settle_ok({RUB, eaeu(c.members), c.obligations});
    EXPECT_EQ(again.positions, out.positions);
    EXPECT_EQ(again.instructions, out.instructions);
    EXPECT_EQ(again.statement, out.statement);
  }
}

TEST(SettlementRandom, ThePartyLimitIsReachableAndTheBoundHolds) {
  // settlement_parties_max parties: 1..4095 each owe 1 net, 4096 is owed 4095. The greedy
  // needs all n - 1 payments, the most the bound allows.
  std::vector<Obligation> obligations;
  for (uint64_t i = 1; i < settlement_parties_max; ++i) obligations.push_back(debt(i, i + 1, i));
  const SettlementOutput out = settle_ok({EUR, {}, obligations});
  EXPECT_EQ(out.positions.size(), settlement_parties_max);
  EXPECT_EQ(out.instructions.size(), settlement_parties_max - 1);
}

// A valid input to break one field at a time: EAEU members, a duty and a claim.
struct ErrorCase {
  const char* name;
  R expected;
  size_t obligation_index = SIZE_MAX;  // SIZE_MAX: not an obligation's fault.
};

class SettlementErrors : public ::testing::Test {
 protected:
  std::vector<UnionMember> members = eaeu_members();
  std::vector<Obligation> obligations = {duty(ru, eaeu_pool, 1'000, Country::of("RU")),
                                         claim(900, kz, 500, Country::of("KZ"))};
  CustomsUnion customs_union = eaeu(members);
  Currency currency = RUB;

  void expect(const ErrorCase& c) {
    SCOPED_TRACE(c.name);
    const SettlementInput input = {currency, customs_union, obligations};
    SettlementOutput out;
    out.currency = Currency::chf;  // A sentinel: *out stays unchanged on error.
    size_t index_failed = SIZE_MAX;
    const R result = settle(input, &out, &index_failed);
    EXPECT_EQ(result, c.expected) << result_name(result) << " instead of "
                                  << result_name(c.expected);
    EXPECT_EQ(index_failed, c.obligation_index);
    EXPECT_EQ(out.currency, Currency::chf);
    EXPECT_TRUE(out.positions.empty() && out.instructions.empty() && out.statement.empty());
  }
};

TEST_F(SettlementErrors, TheBaseInputIsValid) {
  const SettlementOutput out = settle_ok({currency, customs_union, obligations});
  EXPECT_EQ(out.pooled_total.minor(), 1'000);
}

TEST_F(SettlementErrors, Input) {
  currency = Currency::none;
  expect({"currency none", R::currency_unknown});
  currency = static_cast<Currency>(999);
  expect({"currency not in the table", R::currency_unknown});
  currency = RUB;
  obligations.resize(settlement_obligations_max + 1);
  expect({"obligations above the limit", R::obligations_too_many});
}

TEST_F(SettlementErrors, UnionConfiguration) {
  const CustomsUnion valid = customs_union;
  const struct {
    const char* name;
    void (*mutate)(CustomsUnion*, std::vector<UnionMember>*);
    R expected;
  } cases[] = {
      {"retention above 100",
       [](CustomsUnion* u, auto*) { u->retention_percent = percent(10001, 2); },
       R::retention_percent_out_of_range},
      {"retention below 0", [](CustomsUnion* u, auto*) { u->retention_percent = percent(-1, 3); },
       R::retention_percent_out_of_range},
      {"retention far above 100",
       [](CustomsUnion* u, auto*) { u->retention_percent = percent(i128_max, 0); },
       R::retention_percent_out_of_range},
      {"pool party zero", [](CustomsUnion* u, auto*) { u->pool_party = PartyId{}; },
       R::pool_party_zero},
      {"pool share negative",
       [](CustomsUnion* u, auto*) { u->pool_share_percent = percent(-1, 0); },
       R::pool_share_negative},
      {"member country missing", [](CustomsUnion*, auto* m) { (*m)[2].country = Country(); },
       R::member_country_missing},
      {"member party zero", [](CustomsUnion*, auto* m) { (*m)[2].party = PartyId{}; },
       R::member_party_zero},
      {"member party is the pool", [](CustomsUnion*, auto* m) { (*m)[2].party = party(eaeu_pool); },
       R::member_party_is_pool},
      {"member country twice", [](CustomsUnion*, auto* m) { (*m)[2].country = Country::of("RU"); },
       R::member_country_duplicate},
      {"member party twice", [](CustomsUnion*, auto* m) { (*m)[2].party = party(ru); },
       R::member_party_duplicate},
      {"member share negative",
       [](CustomsUnion*, auto* m) { (*m)[2].share_percent = percent(-486, 2); },
       R::member_share_negative},
      {"shares sum to 100.001",
       [](CustomsUnion*, auto* m) { (*m)[0].share_percent = percent(85066, 3); },
       R::shares_sum_not_100},
      {"shares sum to 99.999",
       [](CustomsUnion*, auto* m) { (*m)[0].share_percent = percent(85064, 3); },
       R::shares_sum_not_100},
      {"a share far above 100",
       [](CustomsUnion*, auto* m) { (*m)[0].share_percent = percent(i128_max, 0); },
       R::shares_sum_not_100},
      {"the pool keeps a share on top",
       [](CustomsUnion* u, auto*) { u->pool_share_percent = percent(1, 30); },
       R::shares_sum_not_100},
  };
  for (const auto& c : cases) {
    members = eaeu_members();
    customs_union = valid;
    c.mutate(&customs_union, &members);
    customs_union.members = members;
    expect({c.name, c.expected});
  }
  // More members than split() can take with the pool: checked before any member.
  std::vector<UnionMember> too_many(union_members_max + 1);
  customs_union = valid;
  customs_union.members = too_many;
  expect({"members above the limit", R::union_members_too_many});
  // Retention is checked even without a union.
  customs_union = {.retention_percent = percent(101, 0)};
  obligations = {debt(1, 2, 3, RUB)};
  expect({"retention above 100, no union", R::retention_percent_out_of_range});
}

TEST_F(SettlementErrors, Obligations) {
  const std::vector<Obligation> valid = obligations;
  const struct {
    const char* name;
    void (*mutate)(Obligation*);
    R expected;
  } cases[] = {
      {"kind unknown", [](Obligation* o) { o->kind = static_cast<ObligationKind>(9); },
       R::obligation_kind_unknown},
      {"kind zero", [](Obligation* o) { o->kind = static_cast<ObligationKind>(0); },
       R::obligation_kind_unknown},
      {"other currency", [](Obligation* o) { o->amount = Amount::from_minor(500, EUR); },
       R::currency_mismatch},
      {"placeholder amount", [](Obligation* o) { o->amount = Amount(); }, R::currency_mismatch},
      {"amount negative", [](Obligation* o) { o->amount = Amount::from_minor(-1, RUB); },
       R::amount_negative},
      {"payer zero", [](Obligation* o) { o->payer = PartyId{}; }, R::payer_party_zero},
      {"payee zero", [](Obligation* o) { o->payee = PartyId{}; }, R::payee_party_zero},
      {"payer is payee", [](Obligation* o) { o->payee = o->payer; }, R::payer_is_payee},
      {"claim without a country", [](Obligation* o) { o->country = Country(); },
       R::country_missing},
      {"duty without a country", [](Obligation* o) { *o = duty(ru, eaeu_pool, 1, Country()); },
       R::country_missing},
      {"duty of a non-member",
       [](Obligation* o) { *o = duty(ru, eaeu_pool, 1, Country::of("DE")); }, R::member_unknown},
      {"duty paid by another member's party",
       [](Obligation* o) { *o = duty(kz, eaeu_pool, 1, Country::of("RU")); },
       R::duty_payer_not_member_party},
      {"duty paid to another party than the pool",
       [](Obligation* o) { *o = duty(ru, kz, 1, Country::of("RU")); }, R::duty_payee_not_pool},
  };
  for (const auto& c : cases) {
    obligations = valid;
    c.mutate(&obligations[1]);
    expect({c.name, c.expected, 1});
  }
  // A debt needs no country.
  obligations = valid;
  obligations[1] = debt(900, kz, 1, RUB);
  settle_ok({currency, customs_union, obligations});
  // A duty without a union.
  obligations = valid;
  customs_union = {};
  expect({"duty without a union", R::union_empty, 0});
}

TEST_F(SettlementErrors, TotalsAndLimits) {
  // The sum of all amounts may reach settlement_amount_total_max, not pass it; the pooled duty
  // then flows twice (member -> pool -> members) and still fits.
  obligations = {duty(ru, eaeu_pool, settlement_amount_total_max, Country::of("RU"))};
  const SettlementOutput out = settle_ok({currency, customs_union, obligations});
  EXPECT_EQ(out.pooled_total.minor(), settlement_amount_total_max);
  obligations.push_back(claim(900, kz, 1, Country::of("KZ")));
  expect({"one minor unit too many", R::overflow});
  obligations = {debt(1, 2, i128_max, RUB), debt(2, 1, i128_max, RUB)};
  expect({"two maximal debts", R::overflow});

  // The union brings 6 parties (pool and members); 2,045 debts between fresh parties 4,090.
  obligations.clear();
  for (uint64_t i = 0; i < (settlement_parties_max - 6) / 2; ++i) {
    obligations.push_back(debt(1'000 + 2 * i, 1'001 + 2 * i, 1, RUB));
  }
  EXPECT_EQ(settle_ok({currency, customs_union, obligations}).positions.size(),
            settlement_parties_max);
  obligations.push_back(debt(1'000, 999'999, 1, RUB));
  expect({"one party above the limit", R::parties_too_many});
}

TEST_F(SettlementErrors, PrecedenceIsInputThenUnionThenObligationsInOrderThenTotals) {
  obligations = {debt(1, 2, i128_max, RUB), debt(1, 2, -1, RUB), debt(1, 1, 1, RUB)};
  expect({"the first failing obligation", R::amount_negative, 1});
  members[0].share_percent = percent(1, 0);
  customs_union.members = members;
  expect({"the union before obligations", R::shares_sum_not_100});
  currency = Currency::none;
  expect({"the input before the union", R::currency_unknown});
}

TEST(SettlementResults, EveryCodeHasAName) {
  for (uint8_t number = 0; number <= settlement_result_max; ++number) {
    EXPECT_NE(result_name(static_cast<R>(number)), "unknown") << int{number};
  }
  EXPECT_EQ(result_name(static_cast<R>(settlement_result_max + 1)), "unknown");
  EXPECT_EQ(result_name(R::shares_sum_not_100), "shares_sum_not_100");
}

}  // namespace
}  // namespace kervan
