// The amounts to be covered are the ledger's to compute (TransitLedger::load_reference_data,
// compute_declaration): versions of reference data loaded by the operator, each in force from
// its date; a declaration's figures are only the sender's expectations; what is journaled is
// the computed declaration with the version it used.
#include <gtest/gtest.h>

#include <string>

#include "ledger/transit/covered_amount.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "ledger/transit/transit_command.h"
#include "ledger/transit/transit_store.h"
#include "tests/support/reference_texts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/transit_values.h"

namespace kervan {
namespace {

using TR = TransitResult;
using testing::doubled_car_duty;
using testing::replaced;

constexpr PartyId provider{20}, principal{30}, customs_kz{10};

class TransitCover : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(register_parties(ledger, at(date(2026, 3, 2)),
                               {Party{provider, PartyRole::provider, Country::of("KZ")},
                                Party{principal, PartyRole::principal, Country::of("CN")},
                                Party{customs_kz, PartyRole::customs, Country::of("KZ")}}),
              TR::ok);
    ASSERT_EQ(ledger.register_guarantee(at(date(2026, 3, 2)), provider, spec(regional_grn)),
              TR::ok);
    GuaranteeSpec tir = spec(tir_grn);
    tir.type = GuaranteeType::tir_chain;
    ASSERT_EQ(ledger.register_guarantee(at(date(2026, 3, 2)), provider, tir), TR::ok);
    ASSERT_EQ(ledger.register_guarantee(at(date(2026, 3, 2)), provider, spec(kg_grn)), TR::ok);
  }

  static GuaranteeSpec spec(const Grn& grn) {
    GuaranteeSpec s;
    s.grn = grn;
    s.provider = provider;
    s.principal = principal;
    s.reference_amount = eur(5'000'000'00);
    s.valid_from = date(2026, 1, 1);
    s.valid_to = date(2099, 12, 31);
    return s;
  }

  TR load(Date on, std::string_view text, Date effective_from, PartyId actor = test_registrar) {
    return ledger.load_reference_data(at(on), actor, text, effective_from);
  }

  // A car worth `value_eur` from KZ to KG on `grn` (or, national, one reference per leg).
  // National: `grn` secures the KZ leg, kg_grn the KG leg.
  Declaration facts(const char* serial, i128 value_eur_minor, const Grn& grn,
                    bool national = false, std::span<const Amount> expected = {}) const {
    const Grn grns[] = {grn, kg_grn};
    const GoodsItem items[] = {{.hs6 = 870323, .customs_value = eur(value_eur_minor)}};
    const Country itinerary[] = {Country::of("KZ"), Country::of("KG")};
    Declaration d;
    EXPECT_TRUE(build_declaration_of_facts(
        DeclarationInput{.mrn = make_mrn(26, Country::of("KZ"), serial),
                         .principal = principal,
                         .items = items,
                         .itinerary = itinerary,
                         .time_limit_ns = at(date(2026, 12, 31)),
                         .guarantees = std::span(grns).first(national ? 2 : 1)},
        national, expected, &d));
    return d;
  }

  // What compute_covered_amount gives for facts() with version `text`'s tables on `day`.
  static CoveredAmount reference_cover(std::string_view text, Date day, SchemeRule rule,
                                       i128 value_eur_minor) {
    ReferenceData data;
    LoadError error;
    EXPECT_EQ(load_reference_data_text(text, "test", &data, &error), LoadErrorCode::ok);
    const GoodsItem items[] = {{.hs6 = 870323, .customs_value = eur(value_eur_minor)}};
    const Country itinerary[] = {Country::of("KZ"), Country::of("KG")};
    CoveredAmount covered;
    EXPECT_EQ(compute_covered_amount({.items = items, .itinerary = itinerary, .declared_on = day,
                                      .guarantee_currency = Currency::eur, .rule = rule},
                                     data.tariffs, data.rates, &covered),
              CoverError::ok);
    return covered;
  }

  TR declare(Date on, const Declaration& d) {
    TransitCommand c{.operation = TransitOperation::declare_movement, .actor = principal};
    c.declaration = d;
    return apply_transit_command(ledger, at(on), c);
  }

  TransitLedger ledger{TransitConfig{
      .parties_max = 8, .guarantees_max = 4, .movements_max = 16, .hash_seed = 9}};
  const Grn regional_grn = make_grn(26, Country::of("KZ"), "COVER0000001");
  const Grn tir_grn = make_grn(26, Country::of("KZ"), "COVER0000002");
  const Grn kg_grn = make_grn(26, Country::of("KZ"), "COVER0000003");
};

TEST_F(TransitCover, OnlyAnOperatorLoadsVersionsAndBadOnesChangeNothing) {
  const std::string_view shipped = embedded_carec_toml();
  const Date today = date(2026, 3, 2);
  // The bad data of issue 14: a negative rate, an unknown currency, two tariff versions of one
  // country on one date (overlapping).
  const std::string negative_rate = replaced(shipped, "vat_percent = \"16\"", "vat_percent = \"-16\"");
  const std::string unknown_currency = replaced(shipped, "currency = \"KZT\"", "currency = \"KZX\"");
  const std::string overlapping = replaced(shipped, "effective_from = 2026-01-01\ndefault_duty_percent = \"6.1\"",
                                           "effective_from = 2024-01-01\ndefault_duty_percent = \"6.1\"");
  struct Case {
    PartyId actor;
    std::string_view text;
    Date effective_from;
    TR expected;
  };
  const Case refused[] = {
      {principal, shipped, today, TR::party_role_not_allowed},
      {provider, shipped, today, TR::party_role_not_allowed},
      {test_registrar, "format_version = 2\n", today, TR::reference_data_invalid},
      {test_registrar, "", today, TR::reference_data_invalid},
      {test_registrar, negative_rate, today, TR::reference_data_invalid},
      {test_registrar, unknown_currency, today, TR::reference_data_invalid},
      {test_registrar, overlapping, today, TR::reference_data_invalid},
      {test_registrar, shipped, date(2026, 3, 1), TR::reference_data_date_invalid},  // The past.
  };
  for (const Case& c : refused) {
    EXPECT_EQ(load(today, c.text, c.effective_from, c.actor), c.expected);
    EXPECT_EQ(ledger.reference_versions().size(), 0u);
  }
  ASSERT_EQ(load(today, shipped, today), TR::ok);
  const ReferenceVersion& first = ledger.reference_versions()[0];
  EXPECT_EQ(first.id, 1u);
  EXPECT_EQ(first.effective_from, today);
  EXPECT_EQ(first.content_hash,
            digest_of({reinterpret_cast<const uint8_t*>(shipped.data()), shipped.size()}));
  EXPECT_EQ(load(today, "not toml [", date(2026, 6, 1)), TR::reference_data_invalid);
  EXPECT_EQ(ledger.reference_versions().size(), 1u);
  ASSERT_EQ(load(today, doubled_car_duty(), date(2026, 6, 1)), TR::ok);
  const ReferenceVersions& versions = ledger.reference_versions();
  EXPECT_EQ(versions.in_force(date(2026, 5, 31))->id, 1u);
  EXPECT_EQ(versions.in_force(date(2026, 6, 1))->id, 2u);
  EXPECT_EQ(versions.in_force(date(2026, 3, 1)), nullptr);
  // Found from outside: a version dated 9999-12-31 blocked every later load for good. A new
  // version supersedes those dated on or after its own date, so a wrong one is corrected.
  ASSERT_EQ(load(today, shipped, date(9999, 12, 31)), TR::ok);  // 3: the mistake.
  EXPECT_EQ(versions.in_force(date(9999, 12, 31))->id, 3u);
  ASSERT_EQ(load(today, shipped, date(2027, 1, 1)), TR::ok);    // 4: supersedes 3.
  EXPECT_EQ(versions[2].superseded_by, 4u);
  EXPECT_EQ(versions.in_force(date(9999, 12, 31))->id, 4u);
  EXPECT_EQ(versions.in_force(date(2026, 12, 31))->id, 2u);
  ASSERT_EQ(load(today, shipped, today), TR::ok);  // 5: today's corrected, and all after it.
  EXPECT_EQ(versions.in_force(today)->id, 5u);
  EXPECT_EQ(versions.in_force(date(2026, 6, 1))->id, 5u);
  EXPECT_EQ(versions[0].superseded_by, 5u);
  EXPECT_EQ(versions[1].superseded_by, 5u);
  EXPECT_EQ(versions[3].superseded_by, 5u);
  EXPECT_EQ(versions.size(), 5u);  // Superseded versions stay: movements name them.
}

// Regression: a principal declared EUR 0.01 of cover for goods worth far more, and the ledger
// took its word. Now the figure is an expectation: wrong, it is refused; absent, computed.
TEST_F(TransitCover, TheLedgerComputesAndAnUnderstatedAmountIsRefused) {
  const Date today = date(2026, 3, 2);
  EXPECT_EQ(declare(today, facts("COVER0000001", 1'000'000'00, regional_grn)),
            TR::amount_not_computable);  // No reference data in force yet.
  ASSERT_EQ(load(today, embedded_carec_toml(), today), TR::ok);
  const CoveredAmount expected =
      reference_cover(embedded_carec_toml(), today, SchemeRule::regional, 1'000'000'00);
  const Amount understated[] = {eur(1)};
  EXPECT_EQ(declare(today, facts("COVER0000001", 1'000'000'00, regional_grn, false, understated)),
            TR::amount_mismatch);
  EXPECT_EQ(ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000001")), nullptr);
  const Amount right[] = {expected.amounts[0]};
  ASSERT_EQ(declare(today, facts("COVER0000001", 1'000'000'00, regional_grn, false, right)),
            TR::ok);
  const Movement* m = ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000001"));
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->declaration.amounts, DeclaredAmounts::computed);
  EXPECT_EQ(m->declaration.reference_version, 1u);
  EXPECT_EQ(m->declaration.references[0].amount_concerned, expected.amounts[0]);
  EXPECT_EQ(m->declaration.duties[0], expected.countries[0].guarantee.total);
  EXPECT_EQ(m->declaration.duties[1], expected.countries[1].guarantee.total);
  // Without figures: computed all the same.
  ASSERT_EQ(declare(today, facts("COVER0000002", 25'000'00, regional_grn)), TR::ok);
  EXPECT_EQ(ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000002"))
                ->declaration.references[0]
                .amount_concerned,
            reference_cover(embedded_carec_toml(), today, SchemeRule::regional, 25'000'00)
                .amounts[0]);
}

// A client built with last year's tariffs states last year's amounts: the ledger uses the
// version in force on the step's date, and a declaration dated before a change keeps the old.
TEST_F(TransitCover, EachDeclarationUsesTheVersionInForceOnItsDate) {
  const Date march = date(2026, 3, 2), june = date(2026, 6, 2);
  ASSERT_EQ(load(march, embedded_carec_toml(), march), TR::ok);
  ASSERT_EQ(load(march, doubled_car_duty(), date(2026, 6, 1)), TR::ok);
  const Amount old_amount =
      reference_cover(embedded_carec_toml(), march, SchemeRule::regional, 40'000'00).amounts[0];
  const Amount new_amount =
      reference_cover(doubled_car_duty(), june, SchemeRule::regional, 40'000'00).amounts[0];
  ASSERT_LT(old_amount.minor(), new_amount.minor());
  const Amount stale[] = {old_amount};
  ASSERT_EQ(declare(march, facts("COVER0000003", 40'000'00, regional_grn, false, stale)), TR::ok);
  EXPECT_EQ(declare(june, facts("COVER0000004", 40'000'00, regional_grn, false, stale)),
            TR::amount_mismatch);
  ASSERT_EQ(declare(june, facts("COVER0000004", 40'000'00, regional_grn)), TR::ok);
  const Declaration& later =
      ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000004"))->declaration;
  EXPECT_EQ(later.reference_version, 2u);
  EXPECT_EQ(later.references[0].amount_concerned, new_amount);
  EXPECT_EQ(ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000003"))
                ->declaration.reference_version,
            1u);
}

// The guarantee's rule, not the sender's: a TIR-like chain caps the amount; one reference per
// leg is national; any other shape is refused.
TEST_F(TransitCover, TheRuleComesFromTheGuaranteeAndTheShape) {
  const Date today = date(2026, 3, 2);
  ASSERT_EQ(load(today, embedded_carec_toml(), today), TR::ok);
  const i128 value = 3'000'000'00;  // Enough for the cap to bind.
  ASSERT_EQ(declare(today, facts("COVER0000005", value, tir_grn)), TR::ok);
  const CoveredAmount tir =
      reference_cover(embedded_carec_toml(), today, SchemeRule::tir_like, value);
  EXPECT_TRUE(tir.capped);
  EXPECT_EQ(ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000005"))
                ->declaration.references[0]
                .amount_concerned,
            tir.amounts[0]);
  ASSERT_EQ(declare(today, facts("COVER0000006", 25'000'00, regional_grn, true)), TR::ok);
  const CoveredAmount national =
      reference_cover(embedded_carec_toml(), today, SchemeRule::national, 25'000'00);
  const Declaration& d =
      ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000006"))->declaration;
  ASSERT_EQ(d.references_count, 2);
  EXPECT_EQ(d.references[0].amount_concerned, national.amounts[0]);
  EXPECT_EQ(d.references[1].amount_concerned, national.amounts[1]);
  EXPECT_EQ(d.references[1].leg, 1);
  // Shapes the rules do not know, goods the tariff does not, in the order checked.
  Declaration two_whole = facts("COVER0000007", 25'000'00, regional_grn);
  two_whole.references_count = 2;
  two_whole.references[1] = two_whole.references[0];
  EXPECT_EQ(declare(today, two_whole), TR::guarantee_references_invalid);
  Declaration legs_swapped = facts("COVER0000007", 25'000'00, regional_grn, true);
  std::swap(legs_swapped.references[0].leg, legs_swapped.references[1].leg);
  EXPECT_EQ(declare(today, legs_swapped), TR::guarantee_references_invalid);
  Declaration bad_code = facts("COVER0000007", 25'000'00, regional_grn);
  bad_code.goods[0].hs6 = 1234;  // Chapter 00.
  EXPECT_EQ(declare(today, bad_code), TR::goods_invalid);
  Declaration nowhere = facts("COVER0000007", 25'000'00, regional_grn);
  nowhere.itinerary[1] = Country::of("FR");  // No tariff for France.
  EXPECT_EQ(declare(today, nowhere), TR::amount_not_computable);
  EXPECT_EQ(ledger.movement(make_mrn(26, Country::of("KZ"), "COVER0000007")), nullptr);
}

// What the journal holds is the computed declaration: a replay neither computes again nor
// depends on the reference data then in force.
TEST(TransitCoverStore, TheJournalHoldsTheComputedDeclaration) {
  testing::TempDir folder;
  const TransitStoreOptions options{
      .path = folder.store(),
      .config = TransitConfig{.parties_max = 8, .guarantees_max = 4, .movements_max = 16,
                              .hash_seed = 9},
      .journal_map_bytes_max = uint64_t{1} << 30,
      .journal_ring_bytes = size_t{4} << 20,
      .log = [](std::string_view) {}};
  const Mrn mrn = make_mrn(26, Country::of("KZ"), "COVER0000009");
  Declaration recorded;
  {
    std::unique_ptr<TransitStore> store;
    ASSERT_TRUE(TransitStore::open(options, &store).ok());
    uint64_t now = at(date(2026, 3, 2)), sequence = 0;
    TR result = TR::ok;
    const auto run = [&](TransitCommand c) {
      EXPECT_TRUE(store->apply(now += 1, c, &result, &sequence).ok());
      return result;
    };
    TransitCommand c{.operation = TransitOperation::register_party, .actor = test_registrar};
    c.party = Party{test_registrar, PartyRole::operator_, {}};
    ASSERT_EQ(run(c), TR::ok);
    c.party = Party{principal, PartyRole::principal, {}};
    ASSERT_EQ(run(c), TR::ok);
    TransitCommand load{.operation = TransitOperation::load_reference_data,
                        .actor = test_registrar};
    load.reference_text = embedded_carec_toml();
    load.date = date(2026, 3, 2);
    ASSERT_EQ(run(load), TR::ok);
    TransitCommand declare{.operation = TransitOperation::declare_movement, .actor = principal};
    const GoodsItem items[] = {{.hs6 = 870323, .customs_value = eur(30'000'00)}};
    const Country itinerary[] = {Country::of("KZ"), Country::of("KG")};
    const Grn grn = make_grn(26, Country::of("KZ"), "COVER0000009");
    ASSERT_TRUE(build_declaration_of_facts({.mrn = mrn, .principal = principal, .items = items,
                                            .itinerary = itinerary,
                                            .time_limit_ns = now + 8 * day_ns,
                                            .guarantees = {&grn, 1}},
                                           false, {}, &declare.declaration));
    ASSERT_EQ(run(declare), TR::ok);
    ASSERT_TRUE(store->wait_durable(sequence).ok());
    recorded = store->ledger().movement(mrn)->declaration;
  }
  std::unique_ptr<TransitStore> store;
  ASSERT_TRUE(TransitStore::open(options, &store).ok());
  const Declaration& replayed = store->ledger().movement(mrn)->declaration;
  EXPECT_EQ(replayed.amounts, DeclaredAmounts::computed);
  EXPECT_EQ(replayed.reference_version, recorded.reference_version);
  EXPECT_EQ(replayed.references[0].amount_concerned, recorded.references[0].amount_concerned);
  EXPECT_GT(replayed.references[0].amount_concerned.minor(), 0);
  EXPECT_EQ(store->ledger().reference_versions().size(), 1u);
}

}  // namespace
}  // namespace kervan
