#include "ledger/transit/covered_amount.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/transit/reference_test_util.h"

namespace kervan {
namespace {

using testing::day;
using testing::eur;
using testing::kzt;
using testing::load_tiny;
using testing::money;
using testing::text;
using testing::usd;
using testing::uzs;

constexpr Country KZ = Country::of("KZ");
constexpr Country UZ = Country::of("UZ");
constexpr Country KG = Country::of("KG");
constexpr Country CN = Country::of("CN");

// A car (HS 8703 23) worth 100,000.00 EUR; goods that cannot be classified (HS 0).
GoodsItem car(const char* value = "100000.00") {
  return GoodsItem{.hs6 = 870323, .customs_value = eur(value)};
}
GoodsItem unclassified(const char* value = "5000.00") {
  return GoodsItem{.hs6 = hs6_unclassified, .customs_value = eur(value)};
}

class CoveredAmountTest : public ::testing::Test {
 protected:
  CoverError compute(std::vector<GoodsItem> items, std::vector<Country> itinerary, const char* date,
                     SchemeRule rule, Currency currency = Currency::eur) {
    items_ = std::move(items);
    itinerary_ = std::move(itinerary);
    const CoverRequest request{.items = items_,
                               .itinerary = itinerary_,
                               .declared_on = day(date),
                               .guarantee_currency = currency,
                               .rule = rule};
    fault_ = CoverFault{};
    return compute_covered_amount(request, data_.tariffs, data_.rates, &covered_, &fault_);
  }

  void expect_charges(const ChargeAmounts& charges, const char* duty, const char* excise,
                      const char* vat, const char* unclassified_amount, const char* total,
                      Currency currency, const std::string& label) {
    EXPECT_EQ(text(charges.duty), text(money(duty, currency))) << label;
    EXPECT_EQ(text(charges.excise), text(money(excise, currency))) << label;
    EXPECT_EQ(text(charges.vat), text(money(vat, currency))) << label;
    EXPECT_EQ(text(charges.unclassified), text(money(unclassified_amount, currency))) << label;
    EXPECT_EQ(text(charges.total), text(money(total, currency))) << label;
  }

  ReferenceData data_ = load_tiny();  // tests/transit/data/tiny.toml
  std::vector<GoodsItem> items_;
  std::vector<Country> itinerary_;
  CoveredAmount covered_;
  CoverFault fault_;
};

// One car of 100,000.00 EUR from KZ to UZ, declared 2026-03-01 (tiny.toml: KZT 600 per EUR
// from 2026, UZS 14,000; KZ duty 8703 15 %, VAT 16 %; UZ duty 30 %, excise 10 %, VAT 12 %).
//   KZ: value 100,000.00 x 600 = 60,000,000.00 KZT; duty 15 % = 9,000,000.00;
//       VAT (60,000,000 + 9,000,000) x 16 % = 11,040,000.00; total 20,040,000.00 KZT
//       = 15,000.00 + 18,400.00 = 33,400.00 EUR.
//   UZ: value 1,400,000,000.00 UZS; duty 30 % = 420,000,000.00; excise 10 % = 140,000,000.00;
//       VAT (1,400 + 420 + 140 million) x 12 % = 235,200,000.00; total 795,200,000.00 UZS
//       = 30,000.00 + 10,000.00 + 16,800.00 = 56,800.00 EUR.
TEST_F(CoveredAmountTest, PerCountryBreakdownHandChecked) {
  ASSERT_EQ(compute({car()}, {KZ, UZ}, "2026-03-01", SchemeRule::national), CoverError::ok);
  ASSERT_EQ(covered_.countries_count, 2);
  const CountryCover& kz = covered_.countries[0];
  EXPECT_EQ(kz.country, KZ);
  EXPECT_EQ(kz.tariff_effective_from, day("2026-01-01"));
  expect_charges(kz.national, "9000000.00", "0.00", "11040000.00", "0.00", "20040000.00",
                 Currency::kzt, "KZ national");
  expect_charges(kz.guarantee, "15000.00", "0.00", "18400.00", "0.00", "33400.00", Currency::eur,
                 "KZ guarantee");
  const CountryCover& uz = covered_.countries[1];
  EXPECT_EQ(uz.country, UZ);
  expect_charges(uz.national, "420000000.00", "140000000.00", "235200000.00", "0.00",
                 "795200000.00", Currency::uzs, "UZ national");
  expect_charges(uz.guarantee, "30000.00", "10000.00", "16800.00", "0.00", "56800.00",
                 Currency::eur, "UZ guarantee");
  EXPECT_EQ(covered_.currency, Currency::eur);
  EXPECT_EQ(covered_.unclassified_items, 0);
}

// The regional maximum, the national amounts per leg and the TIR cap, on the same goods.
TEST_F(CoveredAmountTest, SchemeRules) {
  const struct {
    const char* name;
    std::vector<GoodsItem> items;
    std::vector<Country> itinerary;
    SchemeRule rule;
    std::vector<const char*> amounts;
    uint8_t highest_index;
    bool capped;
  } cases[] = {
      // max(33,400.00 KZ, 56,800.00 UZ) = 56,800.00, the UZ leg.
      {"regional", {car()}, {KZ, UZ}, SchemeRule::regional, {"56800.00"}, 1, false},
      {"regional, order", {car()}, {UZ, KZ}, SchemeRule::regional, {"56800.00"}, 0, false},
      {"national", {car()}, {KZ, UZ}, SchemeRule::national, {"33400.00", "56800.00"}, 0, false},
      // A re-entry is a leg of its own.
      {"national, re-entry",
       {car()},
       {KZ, UZ, KZ},
       SchemeRule::national,
       {"33400.00", "56800.00", "33400.00"},
       0,
       false},
      {"tir under cap", {car()}, {KZ, UZ}, SchemeRule::tir_like, {"56800.00"}, 1, false},
      // Four cars: KZ 133,600.00, UZ 227,200.00; capped at EUR 100,000.
      {"tir capped",
       {car(), car(), car(), car()},
       {KZ, UZ},
       SchemeRule::tir_like,
       {"100000.00"},
       1,
       true},
      {"regional uncapped",
       {car(), car(), car(), car()},
       {KZ, UZ},
       SchemeRule::regional,
       {"227200.00"},
       1,
       false},
      // Equal totals: the first position wins.
      {"tie", {car()}, {KZ, KZ}, SchemeRule::regional, {"33400.00"}, 0, false},
  };
  for (const auto& c : cases) {
    ASSERT_EQ(compute(c.items, c.itinerary, "2026-03-01", c.rule), CoverError::ok) << c.name;
    EXPECT_EQ(covered_.rule, c.rule) << c.name;
    ASSERT_EQ(covered_.amounts_count, c.amounts.size()) << c.name;
    for (size_t i = 0; i < c.amounts.size(); ++i) {
      EXPECT_EQ(text(covered_.amounts[i]), text(eur(c.amounts[i]))) << c.name << " " << i;
    }
    if (c.rule != SchemeRule::national) {
      EXPECT_EQ(covered_.highest_index, c.highest_index) << c.name;
    }
    EXPECT_EQ(covered_.capped, c.capped) << c.name;
  }
}

// KZ VAT is 12 % until 2025-12-31 and 16 % from 2026-01-01; the rate KZT 500 -> 600 changes on
// the same day (fixed on 1 October 2025).
//   2025-12-31: 50,000,000.00 KZT; duty 7,500,000.00; VAT 57,500,000 x 12 % = 6,900,000.00;
//               in EUR 15,000.00 + 13,800.00 = 28,800.00.
//   2026-01-01: as in PerCountryBreakdownHandChecked, 33,400.00.
TEST_F(CoveredAmountTest, VatChangeByDate) {
  ASSERT_EQ(compute({car()}, {KZ}, "2025-12-31", SchemeRule::regional), CoverError::ok);
  EXPECT_EQ(covered_.countries[0].tariff_effective_from, day("2025-01-01"));
  expect_charges(covered_.countries[0].national, "7500000.00", "0.00", "6900000.00", "0.00",
                 "14400000.00", Currency::kzt, "2025");
  EXPECT_EQ(text(covered_.amounts[0]), "28800.00 EUR");
  ASSERT_EQ(compute({car()}, {KZ}, "2026-01-01", SchemeRule::regional), CoverError::ok);
  EXPECT_EQ(covered_.countries[0].tariff_effective_from, day("2026-01-01"));
  EXPECT_EQ(text(covered_.amounts[0]), "33400.00 EUR");
}

// EUR 10,000 per item that cannot be classified, added to every country.
//   KZ: 10,000.00 EUR x 600 = 6,000,000.00 KZT; total 33,400.00 + 10,000.00 = 43,400.00 EUR.
//   UZ: 140,000,000.00 UZS; total 56,800.00 + 10,000.00 = 66,800.00 EUR.
TEST_F(CoveredAmountTest, UnclassifiableGoodsDefault) {
  ASSERT_EQ(compute({car(), unclassified()}, {KZ, UZ}, "2026-03-01", SchemeRule::national),
            CoverError::ok);
  EXPECT_EQ(covered_.unclassified_items, 1);
  expect_charges(covered_.countries[0].national, "9000000.00", "0.00", "11040000.00", "6000000.00",
                 "26040000.00", Currency::kzt, "KZ national");
  expect_charges(covered_.countries[0].guarantee, "15000.00", "0.00", "18400.00", "10000.00",
                 "43400.00", Currency::eur, "KZ guarantee");
  expect_charges(covered_.countries[1].national, "420000000.00", "140000000.00", "235200000.00",
                 "140000000.00", "935200000.00", Currency::uzs, "UZ national");
  EXPECT_EQ(text(covered_.amounts[1]), "66800.00 EUR");

  // Only unclassifiable goods: EUR 10,000 each, whatever their declared value.
  ASSERT_EQ(compute({unclassified("1.00"), unclassified("900000.00")}, {KZ, UZ}, "2026-03-01",
                    SchemeRule::regional),
            CoverError::ok);
  EXPECT_EQ(text(covered_.amounts[0]), "20000.00 EUR");
  EXPECT_EQ(text(covered_.countries[0].national.unclassified), "12000000.00 KZT");
  // Under the TIR rule the default is capped like any amount: 11 items = 110,000 -> 100,000.
  ASSERT_EQ(
      compute(std::vector<GoodsItem>(11, unclassified()), {KZ}, "2026-03-01", SchemeRule::tir_like),
      CoverError::ok);
  EXPECT_TRUE(covered_.capped);
  EXPECT_EQ(text(covered_.amounts[0]), "100000.00 EUR");
}

// A guarantee in tenge: national charges converted at KZT 600 / UZS 14,000 (the exact cross
// rate 600 / 14,000, one rounding per component).
//   UZ: 420,000,000.00 UZS x 600 / 14,000 = 18,000,000.00 KZT; excise 6,000,000.00;
//       VAT 10,080,000.00; total 34,080,000.00 KZT. KZ: 20,040,000.00 KZT unchanged.
//   TIR cap: 100,000.00 EUR x 600 = 60,000,000.00 KZT.
TEST_F(CoveredAmountTest, GuaranteeInAnotherCurrency) {
  ASSERT_EQ(compute({car()}, {KZ, UZ}, "2026-03-01", SchemeRule::regional, Currency::kzt),
            CoverError::ok);
  EXPECT_EQ(covered_.currency, Currency::kzt);
  expect_charges(covered_.countries[0].guarantee, "9000000.00", "0.00", "11040000.00", "0.00",
                 "20040000.00", Currency::kzt, "KZ in KZT");
  expect_charges(covered_.countries[1].guarantee, "18000000.00", "6000000.00", "10080000.00",
                 "0.00", "34080000.00", Currency::kzt, "UZ in KZT");
  EXPECT_EQ(text(covered_.amounts[0]), "34080000.00 KZT");

  ASSERT_EQ(compute({car(), car(), car(), car()}, {KZ, UZ}, "2026-03-01", SchemeRule::tir_like,
                    Currency::kzt),
            CoverError::ok);
  EXPECT_TRUE(covered_.capped);
  EXPECT_EQ(text(covered_.amounts[0]), "60000000.00 KZT");
}

// A customs value in USD (1.25 per EUR): 125,000.00 USD = 60,000,000.00 KZT (x 600 / 1.25),
// the same as 100,000.00 EUR.
TEST_F(CoveredAmountTest, CustomsValueInAThirdCurrency) {
  ASSERT_EQ(compute({GoodsItem{.hs6 = 870323, .customs_value = usd("125000.00")}}, {KZ},
                    "2026-03-01", SchemeRule::regional),
            CoverError::ok);
  EXPECT_EQ(text(covered_.countries[0].national.total), "20040000.00 KZT");
  EXPECT_EQ(text(covered_.amounts[0]), "33400.00 EUR");
}

// Every CoverError, each with where it failed; *out unchanged on error.
TEST_F(CoveredAmountTest, ErrorsInPrecedenceOrder) {
  using CE = CoverError;
  constexpr auto R = SchemeRule::regional;
  const Amount huge = Amount::from_minor(i128_max / 100, Currency::eur);
  const struct {
    const char* name;
    std::vector<GoodsItem> items;
    std::vector<Country> itinerary;
    const char* date;
    SchemeRule rule;
    Currency currency;
    CE expected;
    CoverFault fault;
  } cases[] = {
      {"rule",
       {car()},
       {KZ},
       "2026-03-01",
       static_cast<SchemeRule>(9),
       Currency::eur,
       CE::scheme_rule_unknown,
       {}},
      {"rule first",
       {},
       {},
       "2026-03-01",
       static_cast<SchemeRule>(0),
       Currency::eur,
       CE::scheme_rule_unknown,
       {}},
      {"itinerary empty", {}, {}, "2026-03-01", R, Currency::eur, CE::itinerary_empty, {}},
      {"itinerary too long",
       {car()},
       std::vector<Country>(17, KZ),
       "2026-03-01",
       R,
       Currency::eur,
       CE::itinerary_too_long,
       {}},
      {"goods empty", {}, {KZ}, "2026-03-01", R, Currency::eur, CE::goods_empty, {}},
      {"goods too many",
       std::vector<GoodsItem>(65, car()),
       {KZ},
       "2026-03-01",
       R,
       Currency::eur,
       CE::goods_too_many,
       {}},
      {"hs chapter 00",
       {car(), GoodsItem{9999, eur("1.00")}},
       {KZ},
       "2026-03-01",
       R,
       Currency::eur,
       CE::hs_code_invalid,
       {.item_index = 1}},
      {"hs 7 digits",
       {GoodsItem{1000000, eur("1.00")}},
       {KZ},
       "2026-03-01",
       R,
       Currency::eur,
       CE::hs_code_invalid,
       {}},
      {"value negative",
       {car(), car("-0.01")},
       {KZ},
       "2026-03-01",
       R,
       Currency::eur,
       CE::customs_value_negative,
       {.item_index = 1}},
      {"no tariff",
       {car()},
       {KZ, CN},
       "2026-03-01",
       R,
       Currency::eur,
       CE::no_tariff_for_country,
       {.itinerary_index = 1, .country = CN}},
      {"no tariff before not in force",
       {car()},
       {KZ, CN},
       "2024-06-01",
       R,
       Currency::eur,
       CE::no_tariff_for_country,
       {.itinerary_index = 1, .country = CN}},
      {"not in force",
       {car()},
       {UZ, KZ},
       "2024-12-31",
       R,
       Currency::eur,
       CE::no_tariff_in_force,
       {.itinerary_index = 0, .country = UZ}},
      {"no rate for KGS",
       {car()},
       {KZ, KG},
       "2026-03-01",
       R,
       Currency::eur,
       CE::no_rate_at_date,
       {.itinerary_index = 1, .country = KG, .item_index = 0, .currency = Currency::kgs}},
      {"no rate for the default",
       {unclassified()},
       {KG},
       "2026-03-01",
       R,
       Currency::eur,
       CE::no_rate_at_date,
       {.itinerary_index = 0, .country = KG, .currency = Currency::kgs}},
      {"no rate for the item",
       {car(), GoodsItem{870323, money("1.00", Currency::cny)}},
       {KZ},
       "2026-03-01",
       R,
       Currency::eur,
       CE::no_rate_at_date,
       {.itinerary_index = 0, .country = KZ, .item_index = 1, .currency = Currency::cny}},
      {"no rate for the guarantee",
       {car()},
       {KZ},
       "2026-03-01",
       R,
       Currency::gbp,
       CE::no_rate_at_date,
       {.itinerary_index = 0, .country = KZ, .currency = Currency::gbp}},
      {"overflow",
       {GoodsItem{870323, huge}},
       {KZ},
       "2026-03-01",
       R,
       Currency::eur,
       CE::overflow,
       {.itinerary_index = 0, .country = KZ}},
  };
  for (const auto& c : cases) {
    CoveredAmount sentinel;
    sentinel.amounts_count = 77;
    covered_ = sentinel;
    EXPECT_EQ(compute(c.items, c.itinerary, c.date, c.rule, c.currency), c.expected) << c.name;
    EXPECT_EQ(covered_.amounts_count, 77) << c.name;
    EXPECT_EQ(fault_.itinerary_index, c.fault.itinerary_index) << c.name;
    EXPECT_EQ(fault_.country, c.fault.country) << c.name;
    EXPECT_EQ(fault_.item_index, c.fault.item_index) << c.name;
    EXPECT_EQ(fault_.currency, c.fault.currency) << c.name;
  }
  EXPECT_EQ(result_name(CE::no_rate_at_date), "no_rate_at_date");
  EXPECT_EQ(result_name(static_cast<CE>(99)), "unknown");
  EXPECT_EQ(to_string(SchemeRule::tir_like), "tir_like");
}

TEST_F(CoveredAmountTest, LimitsAreInclusive) {
  EXPECT_EQ(compute({car("1.00")}, std::vector<Country>(cover_itinerary_countries_max, KZ),
                    "2026-03-01", SchemeRule::national),
            CoverError::ok);
  EXPECT_EQ(covered_.amounts_count, cover_itinerary_countries_max);
  EXPECT_EQ(compute(std::vector<GoodsItem>(cover_goods_items_max, car("1.00")), {KZ, UZ},
                    "2026-03-01", SchemeRule::regional),
            CoverError::ok);
  // 64 items of 1.00 EUR into UZ: each 14,000.00 UZS -> duty 4,200.00, excise 1,400.00,
  // VAT 2,352.00 (19,600 x 12 %): 7,952.00 UZS = 0.568 EUR per item; summed in UZS first
  // (508,928.00 UZS), then converted once per component.
  EXPECT_EQ(text(covered_.countries[1].national.total), "508928.00 UZS");
}

// The shipped data covers every country it lists on every date from 2024 to 2027.
TEST(CoveredAmountShipped, EveryCountryEveryYear) {
  ReferenceData data;
  LoadError error;
  ASSERT_EQ(load_default_reference_data(&data, &error), LoadErrorCode::ok) << error.to_string();
  std::vector<Country> all;
  for (const CountryTariff& tariff : data.tariffs.countries()) all.push_back(tariff.country);
  ASSERT_EQ(all.size(), 13u);
  const std::vector<GoodsItem> items = {{870323, eur("40000.00")},
                                        {240220, usd("20000.00")},
                                        {70200, eur("15000.00")},
                                        {hs6_unclassified, eur("1.00")}};
  for (const char* date : {"2024-01-01", "2025-06-30", "2026-01-01", "2027-06-01"}) {
    CoveredAmount covered;
    CoverFault fault;
    const CoverRequest request{.items = items,
                               .itinerary = all,
                               .declared_on = testing::day(date),
                               .guarantee_currency = Currency::eur,
                               .rule = SchemeRule::national};
    ASSERT_EQ(compute_covered_amount(request, data.tariffs, data.rates, &covered, &fault),
              CoverError::ok)
        << date << " " << fault.country.text() << " " << int{fault.item_index};
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_GT(covered.amounts[i].minor(), 0) << date << " " << all[i].text();
    }
  }
  // Before the data starts there is no tariff in force.
  CoveredAmount covered;
  const CoverRequest early{.items = items,
                           .itinerary = all,
                           .declared_on = testing::day("2023-12-31"),
                           .guarantee_currency = Currency::eur,
                           .rule = SchemeRule::regional};
  EXPECT_EQ(compute_covered_amount(early, data.tariffs, data.rates, &covered),
            CoverError::no_tariff_in_force);
}

}  // namespace
}  // namespace kervan
