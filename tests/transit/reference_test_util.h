// Helpers shared by the reference data tests (tariffs, rates, covered amount, loader): literals
// for amounts, decimals and dates, and the tiny test data file.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/amount.h"
#include "core/decimal.h"
#include "core/time.h"
#include "ledger/transit/reference_data.h"

namespace kervan::testing {

// A decimal from text the test knows to be valid: dec("16"), dec("612.5").
inline Decimal dec(const char* text) {
  Decimal value;
  EXPECT_EQ(parse_decimal(text, &value), ParseNumberError::ok) << text;
  return value;
}

// An amount in major units: money("100000.00", Currency::eur).
inline Amount money(const char* text, Currency currency) {
  Amount value = Amount::zero(currency);
  EXPECT_EQ(parse_amount(text, currency, &value), ParseNumberError::ok) << text;
  return value;
}
inline Amount eur(const char* text) {
  return money(text, Currency::eur);
}
inline Amount kzt(const char* text) {
  return money(text, Currency::kzt);
}
inline Amount uzs(const char* text) {
  return money(text, Currency::uzs);
}
inline Amount usd(const char* text) {
  return money(text, Currency::usd);
}

// "1234.56 EUR", for readable failures.
inline std::string text(Amount amount) {
  if (amount.currency() == Currency::none) return "(none)";
  return format_amount(amount) + " " + std::string(currency_code(amount.currency()));
}

// A date from "YYYY-MM-DD" the test knows to be valid.
inline Date day(const char* text) {
  Date value;
  EXPECT_EQ(Date::parse(text, &value), DateError::ok) << text;
  return value;
}

inline std::string data_path(const char* name) {
  return std::string(KERVAN_TRANSIT_TEST_DATA_DIR) + "/" + name;
}

// tests/transit/data/tiny.toml, loaded (the test fails if it does not load).
inline ReferenceData load_tiny() {
  ReferenceData data;
  LoadError error;
  EXPECT_EQ(load_reference_data_file(data_path("tiny.toml"), &data, &error), LoadErrorCode::ok)
      << error.to_string();
  return data;
}

}  // namespace kervan::testing
