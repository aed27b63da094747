// The transit ledger's steps: life cycles per guarantee type, and every refusal in the order
// the checks run (NCTS G01..G10 where they apply).
#include "ledger/transit/transit_ledger.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "ledger/invariants.h"
#include "ledger/transit/transit_queries.h"
#include "tests/support/transit_values.h"

namespace kervan {
namespace {

using TR = TransitResult;

constexpr PartyId provider{1};
constexpr PartyId other_provider{3};
constexpr PartyId principal{2};
constexpr PartyId other_principal{4};
constexpr PartyId customs_kz{10};
constexpr PartyId customs_uz{11};
constexpr PartyId customs_kg{12};
constexpr PartyId customs_cn{13};
constexpr PartyId analyst{99};

class TransitSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    const Party parties[] = {
        {provider, PartyRole::provider, Country::of("KZ")},
        {other_provider, PartyRole::provider, Country::of("UZ")},
        {principal, PartyRole::principal, Country::of("CN")},
        {other_principal, PartyRole::principal, Country::of("KZ")},
        {customs_kz, PartyRole::customs, Country::of("KZ")},
        {customs_uz, PartyRole::customs, Country::of("UZ")},
        {customs_kg, PartyRole::customs, Country::of("KG")},
        {customs_cn, PartyRole::customs, Country::of("CN")},
        {analyst, PartyRole::analyst, Country::of("KZ")},
    };
    for (const Party& p : parties) ASSERT_EQ(register_parties(ledger, now, {p}), TR::ok);
  }

  GuaranteeSpec spec(const char* serial, GuaranteeType type, i128 reference_minor,
                     uint8_t level = 100) {
    GuaranteeSpec s;
    s.grn = make_grn(26, Country::of("KZ"), serial);
    s.type = type;
    s.provider = provider;
    s.principal = principal;
    s.reference_amount = eur(reference_minor);
    s.reduction_percent = level;
    s.valid_from = date(2026, 1, 1);
    s.valid_to = date(2026, 12, 31);
    return s;
  }

  // CN -> KZ -> UZ, covered by the given guarantees with the given amounts.
  Declaration declaration(const char* serial, std::initializer_list<std::pair<Grn, i128>> refs) {
    Declaration d;
    d.mrn = make_mrn(26, Country::of("CN"), serial);
    d.principal = principal;
    d.itinerary_count = 3;
    d.itinerary = {Country::of("CN"), Country::of("KZ"), Country::of("UZ")};
    for (size_t i = 0; i < 3; ++i) d.duties[i] = eur(1'000'00 * (i64(i) + 1));
    d.goods_count = 1;
    d.goods[0] = GoodsLine{.hs6 = 870323, .value = eur(40'000'00)};
    d.time_limit_ns = now + 8 * day_ns;
    for (const auto& [grn, amount] : refs) {
      d.references[d.references_count++] = GuaranteeReference{
          .grn = grn, .amount_concerned = eur(amount), .access_code_valid = true};
    }
    return d;
  }

  using i64 = int64_t;
  uint64_t now = at(date(2026, 3, 2));
  TransitLedger ledger{TransitConfig{
      .parties_max = 16, .guarantees_max = 16, .movements_max = 32, .hash_seed = 5}};
};

TEST_F(TransitSteps, RegisteringAGuaranteeFundsItsCoverAndIsIdempotent) {
  const GuaranteeSpec comprehensive = spec("HALYK0000001", GuaranteeType::comprehensive,
                                           200'000'00, 50);
  EXPECT_EQ(ledger.register_guarantee(now, provider, comprehensive), TR::ok);
  EXPECT_EQ(ledger.register_guarantee(now, provider, comprehensive), TR::exists);
  GuaranteeSpec changed = comprehensive;
  changed.reduction_percent = 30;
  EXPECT_EQ(ledger.register_guarantee(now, provider, changed), TR::guarantee_exists);
  const GuaranteeBalance balance = ledger.balance(*ledger.guarantee(comprehensive.grn));
  EXPECT_EQ(balance.amount, eur(100'000'00));  // 200,000.00 x 50 %.
  EXPECT_EQ(balance.available, eur(100'000'00));
  EXPECT_EQ(balance.reserved, eur(0));
}

// A small ledger for the slot tests: operator 1, provider 2, principal 3, KZ customs 4 and KG
// customs 5, and a guarantee of EUR 10,000 numbered `serial`. Returns its GRN.
constexpr PartyId slot_op{1}, slot_provider{2}, slot_principal{3}, slot_kz{4}, slot_kg{5};
Grn set_up_slot_ledger(TransitLedger& ledger, uint64_t now, const char* serial) {
  for (const Party& p : {Party{slot_op, PartyRole::operator_, {}},
                         Party{slot_provider, PartyRole::provider, Country::of("KZ")},
                         Party{slot_principal, PartyRole::principal, Country::of("KZ")},
                         Party{slot_kz, PartyRole::customs, Country::of("KZ")},
                         Party{slot_kg, PartyRole::customs, Country::of("KG")}}) {
    EXPECT_EQ(ledger.register_party(now, slot_op, p), TR::ok);
  }
  GuaranteeSpec g;
  g.grn = make_grn(26, Country::of("KZ"), serial);
  g.provider = slot_provider;
  g.principal = slot_principal;
  g.reference_amount = eur(10'000'00);
  g.valid_from = date(2026, 1, 1);
  g.valid_to = date(2026, 12, 31);
  EXPECT_EQ(ledger.register_guarantee(now, slot_provider, g), TR::ok);
  return g.grn;
}

// Archiving: only the operator, only finished movements; the slot is reused by the next
// declaration, whose core accounts and transfers are numbered anew (no collision with the
// archived movement's, which stay in the core).
TEST(TransitArchive, AFinishedMovementLeavesTheTablesAndItsSlotIsReused) {
  constexpr PartyId op = slot_op, princ = slot_principal, kz = slot_kz;
  uint64_t now = at(date(2026, 3, 2));
  TransitLedger ledger{TransitConfig{
      .parties_max = 8, .guarantees_max = 2, .movements_max = 1, .hash_seed = 1}};
  const Grn grn = set_up_slot_ledger(ledger, now, "ARCHIVE00001");
  const auto declaration = [&](const char* serial) {
    Declaration d;
    d.mrn = make_mrn(26, Country::of("KZ"), serial);
    d.principal = princ;
    d.itinerary_count = 1;
    d.itinerary[0] = Country::of("KZ");
    d.duties[0] = eur(6'000'00);
    d.goods_count = 1;
    d.goods[0] = GoodsLine{.hs6 = 870323, .value = eur(20'000'00)};
    d.time_limit_ns = now + 8 * day_ns;
    d.references_count = 1;
    d.references[0] = GuaranteeReference{
        .grn = grn, .amount_concerned = eur(6'000'00), .access_code_valid = true};
    return d;
  };
  // Three movements one after the other through a table of one slot.
  for (const char* serial : {"ARCHIVE00001", "ARCHIVE00002", "ARCHIVE00003"}) {
    const Declaration d = declaration(serial);
    ASSERT_EQ(ledger.declare_movement(now, princ, d), TR::ok) << serial;
    EXPECT_EQ(ledger.declare_movement(now, princ, declaration("ARCHIVE00099")),
              TR::capacity_reached);
    EXPECT_EQ(ledger.archive_movement(now, op, d.mrn), TR::movement_state_not_allowed);
    ASSERT_EQ(ledger.release_movement(now, kz, d.mrn), TR::ok);
    EXPECT_EQ(ledger.archive_movement(now, op, d.mrn), TR::movement_state_not_allowed);
    ASSERT_EQ(ledger.record_arrival(now, kz, d.mrn), TR::ok);
    ASSERT_EQ(ledger.write_off(now, kz, d.mrn), TR::ok);
    EXPECT_EQ(ledger.archive_movement(now, kz, d.mrn), TR::party_role_not_allowed);
    ASSERT_EQ(ledger.archive_movement(now, op, d.mrn), TR::ok);
    EXPECT_EQ(ledger.archive_movement(now, op, d.mrn), TR::movement_not_found);
    EXPECT_EQ(ledger.movement(d.mrn), nullptr);
    EXPECT_EQ(ledger.movements_live(), 0u);
    now += day_ns;
  }
  EXPECT_EQ(ledger.movements_declared(), 3u);
  ASSERT_EQ(ledger.movements().size(), 1u);
  EXPECT_EQ(ledger.movements()[0].state, MovementState::archived);
  // Every reservation was resolved; the cover is whole again; the core still holds all three
  // movements' accounts and transfers, and balances.
  EXPECT_EQ(ledger.balance(*ledger.guarantee(grn)).available, eur(10'000'00));
  EXPECT_TRUE(check_invariants(ledger.ledger()).ok());
}

// A slot reused by a smaller declaration keeps nothing of the previous one: goods lines and
// itinerary countries past the new counts are back at their defaults, the progress fields
// (claim, timestamps, history) start afresh, and replaying the new declaration is `exists`.
TEST(TransitArchive, AReusedSlotHoldsNothingOfThePreviousMovement) {
  constexpr PartyId op = slot_op, princ = slot_principal, kz = slot_kz, kg = slot_kg;
  const uint64_t now = at(date(2026, 3, 2));
  TransitLedger ledger{TransitConfig{
      .parties_max = 8, .guarantees_max = 2, .movements_max = 1, .hash_seed = 1}};
  const Grn grn = set_up_slot_ledger(ledger, now, "REUSE0000001");
  Declaration big;
  big.mrn = make_mrn(26, Country::of("KZ"), "REUSE0000001");
  big.principal = princ;
  big.itinerary_count = 2;
  big.itinerary = {Country::of("KZ"), Country::of("KG")};
  big.duties[0] = eur(1'000'00);
  big.duties[1] = eur(2'000'00);
  big.goods_count = 3;
  for (size_t i = 0; i < 3; ++i) {
    big.goods[i] = GoodsLine{.hs6 = 870323, .value = eur(int64_t(i + 1) * 1'000'00)};
  }
  big.time_limit_ns = now + 8 * day_ns;
  big.references_count = 1;
  big.references[0] = GuaranteeReference{
      .grn = grn, .amount_concerned = eur(2'000'00), .access_code_valid = true};
  ASSERT_EQ(ledger.declare_movement(now, princ, big), TR::ok);
  ASSERT_EQ(ledger.release_movement(now, kz, big.mrn), TR::ok);
  ASSERT_EQ(ledger.record_crossing(now + 1, kg, big.mrn, Country::of("KG")), TR::ok);
  ASSERT_EQ(ledger.record_arrival(now + 2, kg, big.mrn), TR::ok);
  ASSERT_EQ(ledger.write_off(now + 3, kz, big.mrn), TR::ok);
  ASSERT_EQ(ledger.archive_movement(now + 4, op, big.mrn), TR::ok);

  Declaration small;
  small.mrn = make_mrn(26, Country::of("KZ"), "REUSE0000002");
  small.principal = princ;
  small.itinerary_count = 1;
  small.itinerary[0] = Country::of("KZ");
  small.duties[0] = eur(500'00);
  small.goods_count = 1;
  small.goods[0] = GoodsLine{.hs6 = 940360, .value = eur(700'00)};
  small.time_limit_ns = now + 9 * day_ns;
  small.references_count = 1;
  small.references[0] = GuaranteeReference{
      .grn = grn, .amount_concerned = eur(500'00), .access_code_valid = true};
  ASSERT_EQ(ledger.declare_movement(now + 5, princ, small), TR::ok);
  const Movement* m = ledger.movement(small.mrn);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m, &ledger.movements()[0]);  // The same slot.
  EXPECT_EQ(m->number, 1u);
  EXPECT_EQ(m->state, MovementState::declared);
  EXPECT_EQ(m->declared_ns, now + 5);
  EXPECT_EQ(m->released_ns, 0u);
  EXPECT_EQ(m->arrived_ns, 0u);
  EXPECT_EQ(m->crossings, 0u);
  EXPECT_EQ(m->duties_released, 0u);
  EXPECT_EQ(m->history_count, 1u);
  EXPECT_EQ(m->history[0].event, MovementEvent::declared);
  EXPECT_EQ(m->declaration.goods_count, 1u);
  EXPECT_EQ(m->declaration.goods[0].hs6, 940360u);
  for (size_t i = 1; i < goods_items_max; ++i) {
    EXPECT_EQ(m->declaration.goods[i].hs6, 0u) << i;
    EXPECT_EQ(m->declaration.goods[i].value.currency(), Currency::none) << i;
  }
  EXPECT_EQ(m->declaration.itinerary[1], Country());
  EXPECT_EQ(m->declaration.duties[1].currency(), Currency::none);
  EXPECT_EQ(ledger.declare_movement(now + 6, princ, small), TR::exists);  // A replay.
  EXPECT_EQ(ledger.release_movement(now + 6, kz, small.mrn), TR::ok);
  EXPECT_EQ(ledger.balance(*ledger.guarantee(grn)).reserved, eur(500'00));
}

// The simulator's prefetch hint reads and changes nothing, whatever MRN it is given.
TEST(TransitPrefetch, AHintForAnyMovementChangesNothing) {
  constexpr PartyId princ = slot_principal, kz = slot_kz;
  const uint64_t now = at(date(2026, 3, 2));
  TransitLedger ledger{TransitConfig{
      .parties_max = 8, .guarantees_max = 2, .movements_max = 4, .hash_seed = 1}};
  const Grn grn = set_up_slot_ledger(ledger, now, "HINT00000001");
  Declaration d;
  d.mrn = make_mrn(26, Country::of("KZ"), "HINT00000001");
  d.principal = princ;
  d.itinerary_count = 1;
  d.itinerary[0] = Country::of("KZ");
  d.duties[0] = eur(1'000'00);
  d.goods_count = 1;
  d.goods[0] = GoodsLine{.hs6 = 870323, .value = eur(5'000'00)};
  d.time_limit_ns = now + 8 * day_ns;
  d.references_count = 1;
  d.references[0] = GuaranteeReference{
      .grn = grn, .amount_concerned = eur(1'000'00), .access_code_valid = true};
  ASSERT_EQ(ledger.declare_movement(now, princ, d), TR::ok);
  ASSERT_EQ(ledger.release_movement(now, kz, d.mrn), TR::ok);
  const Movement before = *ledger.movement(d.mrn);
  const Mrn unknown = make_mrn(26, Country::of("KZ"), "HINT00000002");
  for (const Mrn& mrn : {d.mrn, unknown, Mrn()}) {
    for (int stage = 0; stage < TransitLedger::prefetch_stages; ++stage) {
      ledger.prefetch_movement(mrn, stage);
    }
  }
  const Movement* after = ledger.movement(d.mrn);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(std::memcmp(&before, after, sizeof(Movement)), 0);
  EXPECT_EQ(ledger.movement(unknown), nullptr);
  EXPECT_EQ(ledger.movements_live(), 1u);
  EXPECT_EQ(ledger.balance(*ledger.guarantee(grn)).reserved, eur(1'000'00));
}

TEST_F(TransitSteps, RegistrationRefusals) {
  struct Case {
    const char* name;
    PartyId actor;
    GuaranteeSpec spec;
    TR expected;
  };
  GuaranteeSpec base = spec("HALYK0000002", GuaranteeType::comprehensive, 50'000'00);
  auto with = [&](auto change) {
    GuaranteeSpec s = base;
    change(s);
    return s;
  };
  const Case cases[] = {
      {"unknown actor", PartyId{77}, base, TR::party_not_found},
      {"customs registers", customs_kz, base, TR::party_role_not_allowed},
      {"for another provider", other_provider, base, TR::party_role_not_allowed},
      {"unknown principal", provider, with([](GuaranteeSpec& s) { s.principal = PartyId{77}; }),
       TR::party_not_found},
      {"principal is a customs", provider,
       with([](GuaranteeSpec& s) { s.principal = customs_kz; }), TR::party_not_found},
      {"type", provider, with([](GuaranteeSpec& s) { s.type = GuaranteeType(7); }),
       TR::guarantee_type_invalid},
      {"reduction 40", provider, with([](GuaranteeSpec& s) { s.reduction_percent = 40; }),
       TR::reduction_level_invalid},
      {"reduced individual", provider,
       with([](GuaranteeSpec& s) {
         s.type = GuaranteeType::individual_guarantor;
         s.reduction_percent = 50;
       }),
       TR::reduction_level_invalid},
      {"validity", provider, with([](GuaranteeSpec& s) { std::swap(s.valid_from, s.valid_to); }),
       TR::validity_period_invalid},
      {"zero amount", provider, with([](GuaranteeSpec& s) { s.reference_amount = eur(0); }),
       TR::amount_invalid},
      {"voucher of 5,000", provider,
       with([](GuaranteeSpec& s) {
         s.type = GuaranteeType::voucher;
         s.reference_amount = eur(5'000'00);
       }),
       TR::amount_invalid},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(result_name(ledger.register_guarantee(now, c.actor, c.spec)),
              result_name(c.expected))
        << c.name;
  }
  EXPECT_TRUE(ledger.guarantees().empty());
}

TEST_F(TransitSteps, AMovementsLifeCycleReservesAndCreditsBackTheCover) {
  const GuaranteeSpec g = spec("HALYK0000003", GuaranteeType::comprehensive, 100'000'00);
  ASSERT_EQ(ledger.register_guarantee(now, provider, g), TR::ok);
  const Declaration d = declaration("MOVEMENT0001", {{g.grn, 30'000'00}});
  EXPECT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  EXPECT_EQ(ledger.declare_movement(now, principal, d), TR::exists);
  EXPECT_EQ(ledger.check_movement(now, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.balance(*ledger.guarantee(g.grn)).reserved, eur(0));  // Check locks nothing.
  EXPECT_EQ(ledger.release_movement(now, customs_kz, d.mrn), TR::party_country_not_involved);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::exists);
  GuaranteeBalance b = ledger.balance(*ledger.guarantee(g.grn));
  EXPECT_EQ(b.reserved, eur(30'000'00));
  EXPECT_EQ(b.available, eur(70'000'00));
  EXPECT_EQ(b.open_movements, 1u);
  EXPECT_EQ(ledger.record_crossing(now, customs_uz, d.mrn, Country::of("UZ")),
            TR::movement_state_not_allowed);  // KZ first.
  EXPECT_EQ(ledger.record_crossing(now, customs_kz, d.mrn, Country::of("KZ")), TR::ok);
  EXPECT_EQ(ledger.record_crossing(now, customs_kz, d.mrn, Country::of("KZ")), TR::exists);
  EXPECT_EQ(ledger.record_crossing(now, customs_uz, d.mrn, Country::of("UZ")), TR::ok);
  EXPECT_EQ(ledger.write_off(now, customs_cn, d.mrn), TR::movement_state_not_allowed);
  EXPECT_EQ(ledger.record_arrival(now, customs_kz, d.mrn), TR::party_country_not_involved);
  EXPECT_EQ(ledger.record_arrival(now + day_ns, customs_uz, d.mrn), TR::ok);
  b = ledger.balance(*ledger.guarantee(g.grn));
  EXPECT_EQ(b.reserved, eur(0));
  EXPECT_EQ(b.available, eur(100'000'00));
  EXPECT_EQ(b.open_movements, 0u);
  EXPECT_EQ(ledger.write_off(now, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.movement(d.mrn)->state, MovementState::written_off);
  EXPECT_TRUE(check_invariants(ledger.ledger()).ok());
}

TEST_F(TransitSteps, ReleaseRefusalsFollowNctsOrder) {
  const GuaranteeSpec g = spec("HALYK0000004", GuaranteeType::comprehensive, 40'000'00);
  GuaranteeSpec restricted = spec("HALYK0000005", GuaranteeType::comprehensive, 40'000'00);
  restricted.countries_count = 2;
  restricted.countries[0] = Country::of("CN");
  restricted.countries[1] = Country::of("KZ");  // Not UZ.
  GuaranteeSpec sensitive = spec("HALYK0000006", GuaranteeType::comprehensive, 40'000'00);
  sensitive.sensitive_count = 1;
  sensitive.sensitive_headings[0] = 8703;
  GuaranteeSpec others = spec("HALYK0000007", GuaranteeType::comprehensive, 40'000'00);
  others.principal = other_principal;
  GuaranteeSpec expired = spec("HALYK0000008", GuaranteeType::comprehensive, 40'000'00);
  expired.valid_to = date(2026, 2, 1);
  for (const GuaranteeSpec& s : {g, restricted, sensitive, others, expired}) {
    ASSERT_EQ(ledger.register_guarantee(now, provider, s), TR::ok);
  }
  struct Case {
    const char* serial;
    Declaration d;
    TR expected;
  };
  Declaration unknown = declaration("REFUSAL00001", {{make_grn(26, Country::of("KZ"),
                                                               "NOTREGISTERD"), 1'00}});
  Declaration no_code = declaration("REFUSAL00002", {{g.grn, 1'00}});
  no_code.references[0].access_code_valid = false;
  const Case cases[] = {
      {"G01", unknown, TR::guarantee_not_found},
      {"G02", declaration("REFUSAL00003", {{expired.grn, 1'00}}), TR::guarantee_not_valid},
      {"G03", no_code, TR::access_code_not_valid},
      {"G04", declaration("REFUSAL00004", {{others.grn, 1'00}}), TR::principal_not_owner},
      {"G07", declaration("REFUSAL00005", {{sensitive.grn, 1'00}}),
       TR::not_valid_for_sensitive_goods},
      {"G08", declaration("REFUSAL00006", {{restricted.grn, 1'00}}), TR::not_valid_for_country},
      // G09 on the second reference: the first is not locked either (all or nothing).
      {"G09", declaration("REFUSAL00007", {{g.grn, 30'000'00}, {restricted.grn, 1'00}}),
       TR::not_valid_for_country},
      {"G09b", declaration("REFUSAL00008", {{g.grn, 40'000'01}}), TR::amount_not_sufficient},
  };
  for (const Case& c : cases) {
    ASSERT_EQ(ledger.declare_movement(now, principal, c.d), TR::ok) << c.serial;
    EXPECT_EQ(result_name(ledger.check_movement(now, customs_cn, c.d.mrn)),
              result_name(c.expected))
        << c.serial;
    EXPECT_EQ(result_name(ledger.release_movement(now, customs_cn, c.d.mrn)),
              result_name(c.expected))
        << c.serial;
    EXPECT_EQ(ledger.movement(c.d.mrn)->state, MovementState::declared) << c.serial;
  }
  EXPECT_EQ(ledger.balance(*ledger.guarantee(g.grn)).reserved, eur(0));
  // Suspended: G02 until reactivated.
  const Declaration later = declaration("REFUSAL00009", {{g.grn, 10'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, later), TR::ok);
  ASSERT_EQ(ledger.set_guarantee_status(now, provider, g.grn, GuaranteeStatus::suspended, {}),
            TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, later.mrn), TR::guarantee_not_valid);
  ASSERT_EQ(ledger.set_guarantee_status(now, provider, g.grn, GuaranteeStatus::active, {}),
            TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, later.mrn), TR::ok);
}

TEST_F(TransitSteps, SingleUseGuaranteesSecureOneMovement) {
  const GuaranteeSpec individual = spec("HALYK0000010", GuaranteeType::individual_guarantor,
                                        20'000'00);
  GuaranteeSpec voucher = spec("HALYK0000011", GuaranteeType::voucher, voucher_amount_eur_minor);
  ASSERT_EQ(ledger.register_guarantee(now, provider, individual), TR::ok);
  ASSERT_EQ(ledger.register_guarantee(now, provider, voucher), TR::ok);
  for (const auto& [grn, second_result] :
       {std::pair{individual.grn, TR::individual_guarantee_already_used},
        std::pair{voucher.grn, TR::voucher_already_used}}) {
    const Declaration first = declaration(grn == individual.grn ? "SINGLEUSE001" : "SINGLEUSE002",
                                          {{grn, 5'000'00}});
    const Declaration second = declaration(grn == individual.grn ? "SINGLEUSE003" : "SINGLEUSE004",
                                           {{grn, 5'000'00}});
    ASSERT_EQ(ledger.declare_movement(now, principal, first), TR::ok);
    ASSERT_EQ(ledger.declare_movement(now, principal, second), TR::ok);
    EXPECT_EQ(ledger.release_movement(now, customs_cn, first.mrn), TR::ok);
    EXPECT_EQ(ledger.release_movement(now, customs_cn, second.mrn), second_result);
    ASSERT_EQ(ledger.record_arrival(now, customs_uz, first.mrn), TR::ok);
    EXPECT_EQ(ledger.release_movement(now, customs_cn, second.mrn), second_result);  // Still.
  }
}

TEST_F(TransitSteps, AClaimDrawsCoverIntoTheCountrysReceivableAndIsPaid) {
  const GuaranteeSpec a = spec("HALYK0000020", GuaranteeType::comprehensive, 50'000'00);
  GuaranteeSpec b = spec("NBU000000020", GuaranteeType::comprehensive, 50'000'00);
  b.provider = other_provider;
  ASSERT_EQ(ledger.register_guarantee(now, provider, a), TR::ok);
  ASSERT_EQ(ledger.register_guarantee(now, other_provider, b), TR::ok);
  const Declaration d = declaration("CLAIM0000001", {{a.grn, 20'000'00}, {b.grn, 20'000'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  ASSERT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.record_incident(now, customs_kg, d.mrn), TR::party_country_not_involved);
  ASSERT_EQ(ledger.record_incident(now, customs_kz, d.mrn), TR::ok);
  EXPECT_EQ(ledger.raise_claim(now, customs_kg, d.mrn, eur(25'000'00)),
            TR::party_country_not_involved);
  EXPECT_EQ(ledger.raise_claim(now, analyst, d.mrn, eur(25'000'00)), TR::party_role_not_allowed);
  EXPECT_EQ(ledger.raise_claim(now, customs_kz, d.mrn, eur(0)), TR::amount_invalid);
  // 25,000.00 drawn: all 20,000.00 of a, then 5,000.00 of b; b's other 15,000.00 released.
  ASSERT_EQ(ledger.raise_claim(now, customs_kz, d.mrn, eur(25'000'00)), TR::ok);
  EXPECT_EQ(ledger.raise_claim(now, customs_kz, d.mrn, eur(25'000'00)), TR::exists);
  EXPECT_EQ(ledger.raise_claim(now, customs_uz, d.mrn, eur(1'00)), TR::claim_by_other_country);
  const GuaranteeBalance ba = ledger.balance(*ledger.guarantee(a.grn));
  const GuaranteeBalance bb = ledger.balance(*ledger.guarantee(b.grn));
  EXPECT_EQ(ba.drawn, eur(20'000'00));
  EXPECT_EQ(ba.amount, eur(50'000'00));
  EXPECT_EQ(ba.available, eur(30'000'00));
  EXPECT_EQ(bb.drawn, eur(5'000'00));
  EXPECT_EQ(bb.reserved, eur(0));
  EXPECT_EQ(bb.available, eur(45'000'00));
  const auto duty_of = [&](Country country) -> const DutyLedger* {
    for (const DutyLedger& entry : ledger.duty_ledgers()) {
      if (entry.country == country && entry.currency == Currency::eur) return &entry;
    }
    return nullptr;
  };
  const Country kz = Country::of("KZ");
  ASSERT_NE(duty_of(kz), nullptr);
  EXPECT_EQ(duty_of(kz)->claimed, eur(25'000'00));
  EXPECT_EQ(duty_of(kz)->drawn, eur(25'000'00));
  EXPECT_EQ(duty_of(kz)->suspended, eur(0));  // The movement is no longer under guarantee.
  EXPECT_EQ(ledger.record_claim_paid(now, customs_kz, d.mrn), TR::party_role_not_allowed);
  ASSERT_EQ(ledger.record_claim_paid(now, provider, d.mrn), TR::ok);
  EXPECT_EQ(ledger.movement(d.mrn)->state, MovementState::claimed);  // b not paid yet.
  EXPECT_EQ(ledger.record_claim_paid(now, provider, d.mrn), TR::party_role_not_allowed);
  ASSERT_EQ(ledger.record_claim_paid(now, other_provider, d.mrn), TR::ok);
  EXPECT_EQ(ledger.movement(d.mrn)->state, MovementState::claim_paid);
  EXPECT_EQ(ledger.record_claim_paid(now, other_provider, d.mrn), TR::exists);
  EXPECT_EQ(duty_of(kz)->collected, eur(25'000'00));
  EXPECT_TRUE(check_invariants(ledger.ledger()).ok());
}

TEST_F(TransitSteps, AClaimAboveTheCoverDrawsAllOfItAndLeavesTheRestUncovered) {
  const GuaranteeSpec a = spec("HALYK0000030", GuaranteeType::comprehensive, 50'000'00);
  ASSERT_EQ(ledger.register_guarantee(now, provider, a), TR::ok);
  const Declaration d = declaration("CLAIM0000002", {{a.grn, 10'000'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  ASSERT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
  ASSERT_EQ(ledger.raise_claim(now, customs_uz, d.mrn, eur(12'345'67)), TR::ok);
  const Movement* m = ledger.movement(d.mrn);
  EXPECT_EQ(m->drawn, eur(10'000'00));
  EXPECT_EQ(m->claimed, eur(12'345'67));  // 2,345.67 uncovered.
}

TEST_F(TransitSteps, AnEnquiryOpensOnlyAfterTheTimeLimit) {
  const GuaranteeSpec a = spec("HALYK0000040", GuaranteeType::comprehensive, 50'000'00);
  ASSERT_EQ(ledger.register_guarantee(now, provider, a), TR::ok);
  const Declaration d = declaration("ENQUIRY00001", {{a.grn, 1'000'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  EXPECT_EQ(ledger.open_enquiry(now, customs_cn, d.mrn), TR::movement_state_not_allowed);
  ASSERT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.open_enquiry(d.time_limit_ns - 1, customs_cn, d.mrn),
            TR::time_limit_not_passed);
  EXPECT_EQ(ledger.open_enquiry(d.time_limit_ns, customs_kz, d.mrn),
            TR::party_country_not_involved);
  EXPECT_EQ(ledger.open_enquiry(d.time_limit_ns, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.record_arrival(d.time_limit_ns, customs_uz, d.mrn),
            TR::movement_state_not_allowed);
}

TEST_F(TransitSteps, AmendingBelowTheCoverInUseIsRefused) {
  const GuaranteeSpec a = spec("HALYK0000050", GuaranteeType::comprehensive, 50'000'00);
  ASSERT_EQ(ledger.register_guarantee(now, provider, a), TR::ok);
  const Declaration d = declaration("AMEND0000001", {{a.grn, 30'000'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  ASSERT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
  EXPECT_EQ(ledger.amend_guarantee(now, provider, a.grn, eur(50'000'00), 50), TR::cover_in_use);
  EXPECT_EQ(ledger.amend_guarantee(now, provider, a.grn, eur(80'000'00), 50), TR::ok);
  EXPECT_EQ(ledger.balance(*ledger.guarantee(a.grn)).amount, eur(40'000'00));
  EXPECT_EQ(ledger.balance(*ledger.guarantee(a.grn)).available, eur(10'000'00));
  EXPECT_EQ(ledger.amend_guarantee(now, other_provider, a.grn, eur(80'000'00), 100),
            TR::party_role_not_allowed);
  ASSERT_EQ(ledger.set_guarantee_status(now, provider, a.grn, GuaranteeStatus::revoked, {}),
            TR::ok);
  EXPECT_EQ(ledger.set_guarantee_status(now, provider, a.grn, GuaranteeStatus::active, {}),
            TR::guarantee_status_not_allowed);
  EXPECT_EQ(ledger.amend_guarantee(now, provider, a.grn, eur(90'000'00), 100),
            TR::guarantee_not_valid);
}

TEST_F(TransitSteps, QueriesReportUsageExposureDutiesAndHistory) {
  const GuaranteeSpec a = spec("HALYK0000060", GuaranteeType::comprehensive, 100'000'00);
  GuaranteeSpec b = spec("HALYK0000061", GuaranteeType::comprehensive, 100'000'00);
  b.principal = other_principal;
  ASSERT_EQ(ledger.register_guarantee(now, provider, a), TR::ok);
  ASSERT_EQ(ledger.register_guarantee(now, provider, b), TR::ok);
  const Declaration first = declaration("QUERY0000001", {{a.grn, 10'000'00}});
  const Declaration second = declaration("QUERY0000002", {{a.grn, 20'000'00}});
  Declaration third = declaration("QUERY0000003", {{b.grn, 7'000'00}});
  third.principal = other_principal;
  ASSERT_EQ(ledger.declare_movement(now, principal, first), TR::ok);
  ASSERT_EQ(ledger.declare_movement(now, principal, second), TR::ok);
  ASSERT_EQ(ledger.declare_movement(now, other_principal, third), TR::ok);
  const uint64_t day1 = now + day_ns, day2 = now + 2 * day_ns, day3 = now + 3 * day_ns;
  ASSERT_EQ(ledger.release_movement(day1, customs_cn, first.mrn), TR::ok);
  ASSERT_EQ(ledger.release_movement(day2, customs_cn, second.mrn), TR::ok);
  ASSERT_EQ(ledger.release_movement(day2, customs_cn, third.mrn), TR::ok);
  ASSERT_EQ(ledger.record_crossing(day2, customs_kz, first.mrn, Country::of("KZ")), TR::ok);
  ASSERT_EQ(ledger.record_arrival(day3, customs_uz, first.mrn), TR::ok);
  ASSERT_EQ(ledger.raise_claim(day3, customs_kz, second.mrn, eur(25'000'00)), TR::ok);

  const std::vector<GuaranteeUsage> usage = guarantee_usage(ledger, a.grn, 0, 0);
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].mrn, first.mrn);
  EXPECT_EQ(usage[0].covered, eur(10'000'00));
  EXPECT_EQ(usage[0].lock_ns, day1);
  EXPECT_EQ(usage[0].release_ns, day3);
  EXPECT_EQ(usage[1].state, MovementState::claimed);
  EXPECT_EQ(guarantee_usage(ledger, a.grn, day2, day2).size(), 1u);  // Locked that day.

  const std::vector<PrincipalExposure> exposure = provider_exposure(ledger, provider);
  ASSERT_EQ(exposure.size(), 2u);
  EXPECT_EQ(exposure[0].principal, principal);
  EXPECT_EQ(exposure[0].reserved, eur(0));
  EXPECT_EQ(exposure[0].drawn, eur(20'000'00));
  EXPECT_EQ(exposure[1].principal, other_principal);
  EXPECT_EQ(exposure[1].reserved, eur(7'000'00));
  EXPECT_EQ(exposure[1].open_movements, 1u);

  const DutyStatement kz = duty_statement(ledger, Country::of("KZ"), Currency::eur, day3, day3);
  EXPECT_EQ(kz.claims, 1u);
  EXPECT_EQ(kz.claimed, eur(25'000'00));
  EXPECT_EQ(kz.drawn, eur(20'000'00));
  EXPECT_EQ(kz.uncovered, eur(5'000'00));
  EXPECT_EQ(duty_statement(ledger, Country::of("KZ"), Currency::eur, day1, day2).claims, 0u);

  const Movement* m = ledger.movement(first.mrn);
  ASSERT_EQ(m->history_count, 4u);
  const MovementEvent expected[] = {MovementEvent::declared, MovementEvent::released,
                                    MovementEvent::crossed, MovementEvent::arrived};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(movement_event_name(m->history[i].event), movement_event_name(expected[i]));
  }
  EXPECT_EQ(m->history[2].party, customs_kz);
  EXPECT_EQ(m->history[2].at_ns, day2);
}

TEST_F(TransitSteps, SettlementPaysClaimsAndDistributesUnionDutiesAsTransfers) {
  constexpr PartyId pool{50}, customs_ru{14}, customs_by{15}, customs_am{16};
  ASSERT_EQ(register_parties(ledger, now, {Party{pool, PartyRole::operator_, Country::of("KZ")}}), TR::ok);
  ASSERT_EQ(register_parties(ledger, now, {Party{customs_ru, PartyRole::customs, Country::of("RU")}}),
            TR::ok);
  ASSERT_EQ(register_parties(ledger, now, {Party{customs_by, PartyRole::customs, Country::of("BY")}}),
            TR::ok);
  const GuaranteeSpec a = spec("HALYK0000070", GuaranteeType::comprehensive, 900'000'00);
  ASSERT_EQ(ledger.register_guarantee(now, provider, a), TR::ok);
  // Two claims by KZ, none paid yet.
  for (const char* serial : {"SETTLE000001", "SETTLE000002"}) {
    const Declaration d = declaration(serial, {{a.grn, 100'000'00}});
    ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
    ASSERT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
    ASSERT_EQ(ledger.raise_claim(now, customs_kz, d.mrn, eur(50'000'01)), TR::ok);
  }
  EXPECT_EQ(ledger.settle_claims(now, customs_kz), TR::party_role_not_allowed);
  EXPECT_EQ(ledger.settle_claims(now, other_provider), TR::nothing_to_settle);
  ASSERT_EQ(ledger.settle_claims(now, provider), TR::ok);
  EXPECT_EQ(ledger.settle_claims(now, provider), TR::nothing_to_settle);

  UnionDistribution eaeu;
  eaeu.members_count = 5;
  const char* codes[] = {"RU", "KZ", "BY", "KG", "AM"};
  const Decimal shares[] = {Decimal::from_parts(85065, 3), Decimal::from_parts(6955, 3),
                            Decimal::from_parts(486, 2), Decimal::from_parts(19, 1),
                            Decimal::from_parts(122, 2)};
  for (size_t i = 0; i < 5; ++i) {
    ASSERT_EQ(Country::parse(codes[i], &eaeu.members[i]), CountryError::ok);
    eaeu.shares_percent[i] = shares[i];
  }
  EXPECT_EQ(ledger.distribute_union_duties(now, provider, eaeu), TR::party_role_not_allowed);
  EXPECT_EQ(ledger.distribute_union_duties(now, pool, eaeu), TR::party_not_found);  // No AM.
  ASSERT_EQ(register_parties(ledger, now, {Party{customs_am, PartyRole::customs, Country::of("AM")}}),
            TR::ok);
  UnionDistribution wrong = eaeu;
  wrong.shares_percent[0] = Decimal::from_integer(80);  // Shares sum to 94.935.
  EXPECT_EQ(ledger.distribute_union_duties(now, pool, wrong), TR::settlement_refused);

  const uint32_t transfers_before = ledger.ledger().transfers_count();
  ASSERT_EQ(ledger.distribute_union_duties(now, pool, eaeu), TR::ok);
  EXPECT_GT(ledger.ledger().transfers_count(), transfers_before);
  EXPECT_EQ(ledger.distribute_union_duties(now, pool, eaeu), TR::nothing_to_settle);
  // KZ collected 100,000.02 and keeps its 6.955 %; RU gets 85.065 %: the split of the pool,
  // conserved to the cent across the five members (docs/settlement.md).
  i128 total = 0;
  for (const DutyLedger& d : ledger.duty_ledgers()) {
    if (d.country == Country::of("KZ")) {
      EXPECT_EQ(d.collected, eur(100'000'02));
      EXPECT_EQ(d.distributed, eur(100'000'02));
    }
  }
  for (const Account& account : ledger.ledger().accounts()) {
    if ((account.id >> 120) == 5) {  // Countries' collected duties.
      total += static_cast<i128>(account.credits_posted) - static_cast<i128>(account.debits_posted);
    }
  }
  EXPECT_EQ(total, 100'000'02);  // Nothing created or lost: the pool kept nothing.
  EXPECT_TRUE(check_invariants(ledger.ledger()).ok());
}

TEST_F(TransitSteps, AWaiverMonitorsWithoutLimitingAndATirChainCapsEachMovement) {
  const GuaranteeSpec waiver = spec("HALYK0000080", GuaranteeType::waiver, 10'000'00, 0);
  const GuaranteeSpec tir = spec("IRU000000080", GuaranteeType::tir_chain, 5'000'000'00);
  ASSERT_EQ(ledger.register_guarantee(now, provider, waiver), TR::ok);
  ASSERT_EQ(ledger.register_guarantee(now, provider, tir), TR::ok);
  // A waiver's amount is 0 % of the reference, yet it secures: it only monitors.
  const Declaration big = declaration("WAIVER000001", {{waiver.grn, 50'000'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, big), TR::ok);
  EXPECT_EQ(ledger.check_movement(now, customs_cn, big.mrn), TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, big.mrn), TR::ok);
  EXPECT_EQ(ledger.balance(*ledger.guarantee(waiver.grn)).reserved, eur(50'000'00));
  // TIR: up to EUR 100,000 per movement, whatever the chain's total.
  const Declaration capped = declaration("TIRCAP000001", {{tir.grn, 100'000'00}});
  const Declaration over = declaration("TIRCAP000002", {{tir.grn, 100'000'01}});
  ASSERT_EQ(ledger.declare_movement(now, principal, capped), TR::ok);
  ASSERT_EQ(ledger.declare_movement(now, principal, over), TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, capped.mrn), TR::ok);
  EXPECT_EQ(ledger.check_movement(now, customs_cn, over.mrn), TR::amount_not_sufficient);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, over.mrn), TR::amount_not_sufficient);
  EXPECT_TRUE(check_invariants(ledger.ledger()).ok());
}

TEST_F(TransitSteps, AccessCodesAreStoredHashedAndCheckedAtTheEdge) {
  GuaranteeSpec g = spec("HALYK0000090", GuaranteeType::comprehensive, 10'000'00);
  g.access_codes_count = 2;
  ASSERT_EQ(hash_access_code("A1B2", &g.access_codes[0]), PasswordHashError::ok);
  ASSERT_EQ(hash_access_code("ZZ99", &g.access_codes[1]), PasswordHashError::ok);
  ASSERT_EQ(ledger.register_guarantee(now, provider, g), TR::ok);
  EXPECT_TRUE(ledger.access_code_matches(g.grn, "a1b2"));
  EXPECT_TRUE(ledger.access_code_matches(g.grn, "ZZ99"));
  EXPECT_FALSE(ledger.access_code_matches(g.grn, "0000"));
  EXPECT_FALSE(ledger.access_code_matches(make_grn(26, Country::of("KZ"), "NOTREGISTERD"),
                                          "A1B2"));
  // The declaration carries the edge's verdict; a wrong code is G03 at release.
  Declaration d = declaration("ACCESS000001", {{g.grn, 1'000'00}});
  d.references[0].access_code_valid = ledger.access_code_matches(g.grn, "0000");
  ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::access_code_not_valid);
}

TEST_F(TransitSteps, NationalLegsAreDischargedAsTheGoodsLeaveEachCountry) {
  // One guarantee per country, each valid only there (national scheme).
  std::array<GuaranteeSpec, 3> legs = {spec("NATCN0000001", GuaranteeType::comprehensive, 50'000'00),
                                       spec("NATKZ0000001", GuaranteeType::comprehensive, 50'000'00),
                                       spec("NATUZ0000001", GuaranteeType::comprehensive, 50'000'00)};
  const Country countries[] = {Country::of("CN"), Country::of("KZ"), Country::of("UZ")};
  for (size_t i = 0; i < 3; ++i) {
    legs[i].countries_count = 1;
    legs[i].countries[0] = countries[i];
    ASSERT_EQ(ledger.register_guarantee(now, provider, legs[i]), TR::ok);
  }
  Declaration d = declaration("NATIONAL0001", {{legs[0].grn, 1'000'00}, {legs[1].grn, 2'000'00},
                                               {legs[2].grn, 3'000'00}});
  for (uint8_t i = 0; i < 3; ++i) d.references[i].leg = i;
  Declaration whole = declaration("NATIONAL0002", {{legs[1].grn, 1'00}});
  ASSERT_EQ(ledger.declare_movement(now, principal, whole), TR::ok);
  EXPECT_EQ(ledger.release_movement(now, customs_cn, whole.mrn), TR::not_valid_for_country);
  Declaration bad_leg = declaration("NATIONAL0003", {{legs[1].grn, 1'00}});
  bad_leg.references[0].leg = 3;
  EXPECT_EQ(ledger.declare_movement(now, principal, bad_leg), TR::guarantee_references_invalid);

  ASSERT_EQ(ledger.declare_movement(now, principal, d), TR::ok);
  ASSERT_EQ(ledger.release_movement(now, customs_cn, d.mrn), TR::ok);
  const auto reserved = [&](size_t i) {
    return ledger.balance(*ledger.guarantee(legs[i].grn)).reserved;
  };
  EXPECT_EQ(reserved(0), eur(1'000'00));
  ASSERT_EQ(ledger.record_crossing(now, customs_kz, d.mrn, Country::of("KZ")), TR::ok);
  EXPECT_EQ(reserved(0), eur(0));  // The goods left China: its guarantee is discharged.
  EXPECT_EQ(reserved(1), eur(2'000'00));
  EXPECT_EQ(ledger.guarantee(legs[0].grn)->open_movements, 0u);
  // KZ claims: only the legs still held (KZ, UZ) are drawn: 2,000.00 + 500.00.
  ASSERT_EQ(ledger.raise_claim(now, customs_kz, d.mrn, eur(2'500'00)), TR::ok);
  EXPECT_EQ(ledger.balance(*ledger.guarantee(legs[0].grn)).drawn, eur(0));
  EXPECT_EQ(ledger.balance(*ledger.guarantee(legs[1].grn)).drawn, eur(2'000'00));
  EXPECT_EQ(ledger.balance(*ledger.guarantee(legs[2].grn)).drawn, eur(500'00));
  EXPECT_EQ(reserved(2), eur(0));
  for (const DutyLedger& duty : ledger.duty_ledgers()) {
    EXPECT_EQ(duty.suspended, eur(0)) << duty.country.text();
  }
  EXPECT_TRUE(check_invariants(ledger.ledger()).ok());
}

TEST(TransitKeys, GrnAndMrnKeysAreDistinctAndNeverZero) {
  const Grn a = make_grn(26, Country::of("KZ"), "000000000001");
  const Grn b = make_grn(26, Country::of("KZ"), "000000000002");
  const Grn voucher = make_grn(26, Country::of("KZ"), "000000000001", "A123456");
  EXPECT_NE(grn_key(a), grn_key(b));
  EXPECT_NE(grn_key(a), grn_key(voucher));
  EXPECT_NE(grn_key(a), u128{0});
  EXPECT_NE(mrn_key(make_mrn(26, Country::of("KZ"), "000000000001")), u128{0});
}

// A GRN's key is its characters as base-37 digits ('0' is 1, 'Z' is 36), digit after digit: so
// lossless, with or without a voucher suffix (24 characters: 37^24 < 2^128).
TEST(TransitKeys, GrnKeyIsItsCharactersInBase37) {
  const auto by_characters = [](const Grn& grn) {
    u128 key = 0;
    for (const char c : grn.text()) {
      key = key * 37 + (c <= '9' ? unsigned(c - '0') + 1 : unsigned(c - 'A') + 11);
    }
    return key;
  };
  const std::string_view symbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::set<u128> keys;
  for (size_t position = 0; position < 12; ++position) {
    for (const char symbol : symbols) {
      std::string serial(12, 'Z');
      serial[position] = symbol;
      for (const char* voucher : {"", "A000000", "Z999999"}) {
        const Grn grn = make_grn(99, Country::of("TJ"), serial, voucher);
        ASSERT_EQ(grn_key(grn), by_characters(grn)) << grn.text();
        keys.insert(grn_key(grn));
      }
    }
  }
  EXPECT_EQ(keys.size(), (12 * (symbols.size() - 1) + 1) * 3);  // The all-Z serial once.
}

// An MRN's key is its characters six bits each, character i at bit 6i ('0' is 1, 'Z' is 43):
// lossless, so two MRNs share a key only when they are equal.
TEST(TransitKeys, MrnKeyHoldsEveryCharacterInSixBits) {
  const auto by_characters = [](const Mrn& mrn) {
    u128 key = 0;
    for (size_t i = 0; i < mrn.text().size(); ++i) {
      key |= u128(static_cast<unsigned>(mrn.text()[i]) - 0x2F) << (6 * i);
    }
    return key;
  };
  const std::string_view symbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::set<u128> keys;
  size_t made = 0;
  for (const Country country : {Country::of("KZ"), Country::of("UZ"), Country::of("TJ")}) {
    for (uint32_t year : {26u, 99u}) {
      for (size_t position = 0; position < 12; ++position) {
        for (char symbol : symbols) {
          std::string serial(12, '0');
          serial[position] = symbol;
          const Mrn mrn = make_mrn(year, country, serial);
          ASSERT_EQ(mrn_key(mrn), by_characters(mrn)) << mrn.text();
          keys.insert(mrn_key(mrn));
          made += 1;
        }
      }
    }
  }
  // Each serial of a single nonzero symbol once, the all-zero serial once per country and year.
  EXPECT_EQ(keys.size(), made - 6 * (12 - 1));
}

}  // namespace
}  // namespace kervan
