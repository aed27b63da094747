// CoverCalculator against compute_covered_amount(): the same result, error and fault for every
// request, whatever it remembered from the requests before.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "ledger/transit/covered_amount.h"
#include "ledger/transit/reference_data.h"
#include "tests/transit/reference_test_util.h"

namespace kervan {
namespace {

using testing::day;
using testing::eur;
using testing::text;

// Every field a successful computation sets (entries past the counts are not results).
void expect_same(const CoveredAmount& want, const CoveredAmount& got, const std::string& label) {
  ASSERT_EQ(want.countries_count, got.countries_count) << label;
  ASSERT_EQ(want.amounts_count, got.amounts_count) << label;
  EXPECT_EQ(want.rule, got.rule) << label;
  EXPECT_EQ(want.currency, got.currency) << label;
  EXPECT_EQ(want.unclassified_items, got.unclassified_items) << label;
  EXPECT_EQ(want.highest_index, got.highest_index) << label;
  EXPECT_EQ(want.capped, got.capped) << label;
  for (size_t i = 0; i < want.countries_count; ++i) {
    EXPECT_EQ(want.countries[i].country, got.countries[i].country) << label;
    EXPECT_EQ(want.countries[i].tariff_effective_from, got.countries[i].tariff_effective_from)
        << label;
    EXPECT_EQ(want.countries[i].national, got.countries[i].national) << label << " at " << i;
    EXPECT_EQ(want.countries[i].guarantee, got.countries[i].guarantee) << label << " at " << i;
  }
  for (size_t i = 0; i < want.amounts_count; ++i) {
    EXPECT_EQ(text(want.amounts[i]), text(got.amounts[i])) << label << " amount " << i;
  }
}

class CoverCalculatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadError error;
    ASSERT_EQ(load_default_reference_data(&data_, &error), LoadErrorCode::ok)
        << error.to_string();
    for (const CountryTariff& tariff : data_.tariffs.countries()) {
      countries_.push_back(tariff.country);
    }
    // Countries without a tariff: enough, with the known ones, to overflow the calculator's
    // memory of countries.
    for (const Country unknown : {Country::of("FR"), Country::of("DE"), Country::of("IT"),
                                  Country::of("ES"), Country::of("JP")}) {
      countries_.push_back(unknown);
    }
  }

  uint64_t below(uint64_t n) { return random_() % n; }

  // A request drawn over the shipped tables: dates from before their first tariff to after
  // their last rate change, codes classified, unclassified and invalid, values in currencies
  // with and without rates, sometimes negative, sometimes too large.
  CoverRequest draw(Date date) {
    items_.resize(below(4) == 0 ? 0 : 1 + below(below(8) == 0 ? cover_goods_items_max + 2 : 4));
    for (GoodsItem& item : items_) {
      static constexpr std::array<uint32_t, 9> codes = {870323, 240220, 70200,  220300, 850440,
                                                        10121,  999999, 0,      1234567};
      static constexpr std::array<Currency, 5> currencies = {
          Currency::eur, Currency::usd, Currency::kzt, Currency::uzs, Currency::jpy};
      item.hs6 = codes[below(codes.size())];
      i128 minor = static_cast<i128>(below(1'000'000'000)) * static_cast<i128>(1 + below(100));
      if (below(50) == 0) minor = -minor;
      if (below(200) == 0) minor = i128{1} << 125;
      item.customs_value = Amount::from_minor(minor, currencies[below(currencies.size())]);
    }
    itinerary_.resize(below(20) == 0 ? 0 : 1 + below(below(10) == 0 ? 17 : 5));
    for (Country& country : itinerary_) {
      // Mostly known countries; an unknown one now and then.
      const size_t known = countries_.size() - 5;
      country = countries_[below(10) == 0 ? known + below(5) : below(known)];
    }
    static constexpr std::array<SchemeRule, 4> rules = {
        SchemeRule::regional, SchemeRule::national, SchemeRule::tir_like, SchemeRule{9}};
    static constexpr std::array<Currency, 4> guarantee = {Currency::eur, Currency::usd,
                                                          Currency::kzt, Currency::jpy};
    return CoverRequest{.items = items_,
                        .itinerary = itinerary_,
                        .declared_on = date,
                        .guarantee_currency = guarantee[below(guarantee.size())],
                        .rule = rules[below(rules.size())]};
  }

  // Compares one calculator with the function over `dates`, several requests per date.
  void compare(const std::vector<Date>& dates, int* computed) {
    CoverCalculator calculator(data_.tariffs, data_.rates);
    CoveredAmount got;
    for (const Date date : dates) {
      for (int k = 0; k < 12; ++k) {
        const CoverRequest request = draw(date);
        CoveredAmount want;
        CoverFault want_fault;
        CoverFault got_fault;
        const CoverError want_error =
            compute_covered_amount(request, data_.tariffs, data_.rates, &want, &want_fault);
        const CoverError got_error = calculator.compute(request, &got, &got_fault);
        const std::string label = std::string(date.to_string()) + " request " + std::to_string(k);
        ASSERT_EQ(want_error, got_error) << label;
        if (want_error != CoverError::ok) {
          EXPECT_EQ(want_fault.itinerary_index, got_fault.itinerary_index) << label;
          EXPECT_EQ(want_fault.country, got_fault.country) << label;
          EXPECT_EQ(want_fault.item_index, got_fault.item_index) << label;
          EXPECT_EQ(want_fault.currency, got_fault.currency) << label;
          continue;
        }
        *computed += 1;
        expect_same(want, got, label);
      }
    }
  }

  ReferenceData data_;
  std::vector<Country> countries_;
  std::vector<GoodsItem> items_;
  std::vector<Country> itinerary_;
  std::mt19937_64 random_{20261122};
};

// Requests in date order, as a simulator makes them: tariff and rate changes (new year's VAT,
// October rate fixings) are crossed while the calculator remembers the day before's.
TEST_F(CoverCalculatorTest, SameAsTheFunctionInDateOrder) {
  std::vector<Date> dates;
  const int64_t first = day("2023-12-20").days_since_epoch();
  for (int64_t d = first; d < first + 4 * 366; d += 1 + static_cast<int64_t>(below(9))) {
    dates.push_back(*Date::from_days(d));
  }
  int computed = 0;
  compare(dates, &computed);
  // Enough requests succeed for the comparison to mean something.
  EXPECT_GT(computed, 400);
}

// Dates back and forth: what one date remembered never answers for another.
TEST_F(CoverCalculatorTest, SameAsTheFunctionInAnyDateOrder) {
  std::vector<Date> dates;
  for (const char* date : {"2026-09-30", "2026-10-01", "2025-12-31", "2026-01-01", "2026-10-01",
                           "2024-03-03", "2023-06-01", "2027-05-05", "2026-01-01"}) {
    dates.push_back(day(date));
  }
  for (int repeat = 0; repeat < 10; ++repeat) {
    int computed = 0;
    compare(dates, &computed);
    EXPECT_GT(computed, 0);
  }
}

// One item, one date, one itinerary: the simulator's case, and a hand-checkable one.
TEST_F(CoverCalculatorTest, RepeatedRequestGivesTheSameAmounts) {
  const std::vector<GoodsItem> items = {{870323, eur("40000.00")}};
  const std::vector<Country> itinerary = {Country::of("CN"), Country::of("KZ"), Country::of("UZ")};
  const CoverRequest request{.items = items,
                             .itinerary = itinerary,
                             .declared_on = day("2026-03-01"),
                             .guarantee_currency = Currency::eur,
                             .rule = SchemeRule::national};
  CoveredAmount want;
  ASSERT_EQ(compute_covered_amount(request, data_.tariffs, data_.rates, &want), CoverError::ok);
  CoverCalculator calculator(data_.tariffs, data_.rates);
  for (int i = 0; i < 3; ++i) {
    CoveredAmount got;
    ASSERT_EQ(calculator.compute(request, &got), CoverError::ok);
    expect_same(want, got, "repeat " + std::to_string(i));
  }
}

}  // namespace
}  // namespace kervan
