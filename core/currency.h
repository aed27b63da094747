// ISO 4217 currencies: the numeric code is the enum value, with the alphabetic code and the
// number of minor-unit digits ("exponent") from the ISO 4217 table. A Currency value other than
// `none` is always one of the known currencies listed below: values from outside (the wire, a
// file, a user) enter only through currency_from_numeric() or currency_from_code(), which
// validate. The table is constexpr and allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace kervan {

// DO NOT CHANGE: the numbers are the ISO 4217 numeric codes, stored in the journal and sent on
// the wire (a ledger partition is its currency's numeric code). Add currencies, never renumber.
enum class Currency : uint16_t {
  none = 0,  // Not a currency: the value of a default-constructed Amount. No ISO code is 000.
  amd = 51,
  cny = 156,
  czk = 203,
  huf = 348,
  inr = 356,
  irr = 364,
  iqd = 368,  // 3 minor digits.
  jpy = 392,  // 0 minor digits.
  kzt = 398,
  krw = 410,  // 0 minor digits.
  kwd = 414,  // 3 minor digits.
  kgs = 417,
  mnt = 496,
  mdl = 498,
  pkr = 586,
  rub = 643,
  chf = 756,
  gbp = 826,
  usd = 840,
  uzs = 860,
  byn = 933,
  tmt = 934,
  rsd = 941,
  azn = 944,
  ron = 946,
  try_ = 949,  // Turkish lira; `try` is a C++ keyword.
  afn = 971,
  tjs = 972,
  eur = 978,
  uah = 980,
  gel = 981,
  pln = 985,
};
static_assert(sizeof(Currency) == 2);

inline constexpr uint8_t currency_exponent_max = 3;  // The largest exponent in the table.
inline constexpr size_t currency_count = 32;         // Known currencies, `none` excluded.

// The ISO 4217 numeric code, e.g. 978 for EUR.
constexpr uint16_t currency_numeric(Currency currency) {
  return static_cast<uint16_t>(currency);
}

// True for the currencies in the table; false for `none` and any other number.
[[nodiscard]] bool currency_is_known(Currency currency) noexcept;

// Number of decimal digits of the minor unit: 2 for EUR (cents), 0 for JPY, 3 for KWD.
// REQUIRES: currency_is_known(currency).
[[nodiscard]] uint8_t currency_exponent(Currency currency) noexcept;

// The upper-case alphabetic code, e.g. "EUR"; "TRY" for Currency::try_.
// REQUIRES: currency_is_known(currency).
[[nodiscard]] std::string_view currency_code(Currency currency) noexcept;

// The currency with this alphabetic code. Exact and case-sensitive: "EUR" is found; "eur",
// " EUR" and "EURO" are not. Returns nullopt for a code not in the table.
[[nodiscard]] std::optional<Currency> currency_from_code(std::string_view code) noexcept;

// The currency with this ISO 4217 numeric code. Returns nullopt for 0 and any number not in the
// table. Use it to validate every currency number read from outside.
[[nodiscard]] std::optional<Currency> currency_from_numeric(uint16_t numeric) noexcept;

// Every known currency, in ascending numeric order (currency_count entries).
[[nodiscard]] std::span<const Currency> known_currencies() noexcept;

}  // namespace kervan
