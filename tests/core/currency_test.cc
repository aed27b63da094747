#include "core/currency.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace kervan {
namespace {

// Stored numbers: these must never change.
static_assert(currency_numeric(Currency::none) == 0);
static_assert(currency_numeric(Currency::eur) == 978);
static_assert(currency_numeric(Currency::amd) == 51);
static_assert(currency_numeric(Currency::try_) == 949);

struct CurrencyCase {
  Currency currency;
  uint16_t numeric;
  const char* code;
  uint8_t exponent;
};

// Every known currency, against the ISO 4217 table (list one).
constexpr CurrencyCase iso_4217[] = {
    {Currency::amd, 51, "AMD", 2},  {Currency::cny, 156, "CNY", 2},  {Currency::czk, 203, "CZK", 2},
    {Currency::huf, 348, "HUF", 2}, {Currency::inr, 356, "INR", 2},  {Currency::irr, 364, "IRR", 2},
    {Currency::iqd, 368, "IQD", 3}, {Currency::jpy, 392, "JPY", 0},  {Currency::kzt, 398, "KZT", 2},
    {Currency::krw, 410, "KRW", 0}, {Currency::kwd, 414, "KWD", 3},  {Currency::kgs, 417, "KGS", 2},
    {Currency::mnt, 496, "MNT", 2}, {Currency::mdl, 498, "MDL", 2},  {Currency::pkr, 586, "PKR", 2},
    {Currency::rub, 643, "RUB", 2}, {Currency::chf, 756, "CHF", 2},  {Currency::gbp, 826, "GBP", 2},
    {Currency::usd, 840, "USD", 2}, {Currency::uzs, 860, "UZS", 2},  {Currency::byn, 933, "BYN", 2},
    {Currency::tmt, 934, "TMT", 2}, {Currency::rsd, 941, "RSD", 2},  {Currency::azn, 944, "AZN", 2},
    {Currency::ron, 946, "RON", 2}, {Currency::try_, 949, "TRY", 2}, {Currency::afn, 971, "AFN", 2},
    {Currency::tjs, 972, "TJS", 2}, {Currency::eur, 978, "EUR", 2},  {Currency::uah, 980, "UAH", 2},
    {Currency::gel, 981, "GEL", 2}, {Currency::pln, 985, "PLN", 2},
};
static_assert(std::size(iso_4217) == currency_count);

TEST(Currency, MatchesTheIso4217Table) {
  for (const CurrencyCase& c : iso_4217) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(currency_numeric(c.currency), c.numeric);
    EXPECT_TRUE(currency_is_known(c.currency));
    EXPECT_EQ(currency_exponent(c.currency), c.exponent);
    EXPECT_EQ(currency_code(c.currency), c.code);
    EXPECT_EQ(currency_from_code(c.code), std::optional<Currency>(c.currency));
    EXPECT_EQ(currency_from_numeric(c.numeric), std::optional<Currency>(c.currency));
  }
}

TEST(Currency, KnownCurrenciesAreTheTableInNumericOrder) {
  const std::span<const Currency> known = known_currencies();
  ASSERT_EQ(known.size(), std::size(iso_4217));
  for (size_t i = 0; i < known.size(); ++i) {
    EXPECT_EQ(known[i], iso_4217[i].currency) << i;
    if (i > 0) {
      EXPECT_LT(currency_numeric(known[i - 1]), currency_numeric(known[i]));
    }
  }
}

TEST(Currency, RejectsUnknownAlphabeticCodes) {
  const char* const codes[] = {
      "",    "E",   "EU",  "eur", "Eur", "EUR ", " EUR", "EURO",  "XXX",
      "XTS", "USS", "TRL", "BYR", "E R", "978",  "try",  "TRY\n",
  };
  for (const char* code : codes) {
    EXPECT_EQ(currency_from_code(code), std::nullopt) << '"' << code << '"';
  }
  // An embedded NUL is part of the view, not its end.
  EXPECT_EQ(currency_from_code(std::string_view("EUR\0", 4)), std::nullopt);
}

TEST(Currency, RejectsUnknownNumericCodes) {
  const uint16_t numerics[] = {0, 1, 50, 52, 977, 979, 999, 1000, 65535};
  for (uint16_t numeric : numerics) {
    EXPECT_EQ(currency_from_numeric(numeric), std::nullopt) << numeric;
    EXPECT_FALSE(currency_is_known(static_cast<Currency>(numeric))) << numeric;
  }
  EXPECT_FALSE(currency_is_known(Currency::none));
}

TEST(Currency, ExhaustiveNumericLookupAgreesWithTheTable) {
  size_t found = 0;
  for (uint32_t numeric = 0; numeric <= UINT16_MAX; ++numeric) {
    const std::optional<Currency> currency = currency_from_numeric(static_cast<uint16_t>(numeric));
    if (!currency.has_value()) continue;
    ++found;
    EXPECT_EQ(currency_numeric(*currency), numeric);
  }
  EXPECT_EQ(found, currency_count);
}

}  // namespace
}  // namespace kervan
