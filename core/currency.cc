#include "core/currency.h"

#include <array>

#include "core/assert.h"

namespace kervan {
namespace {

struct CurrencyInfo {
  Currency currency;
  std::string_view code;
  uint8_t exponent;
};

// ISO 4217 (list one), ascending by numeric code so that lookups can binary-search.
constexpr std::array<CurrencyInfo, currency_count> table = {{
    {Currency::amd, "AMD", 2}, {Currency::cny, "CNY", 2},  {Currency::czk, "CZK", 2},
    {Currency::huf, "HUF", 2}, {Currency::inr, "INR", 2},  {Currency::irr, "IRR", 2},
    {Currency::iqd, "IQD", 3}, {Currency::jpy, "JPY", 0},  {Currency::kzt, "KZT", 2},
    {Currency::krw, "KRW", 0}, {Currency::kwd, "KWD", 3},  {Currency::kgs, "KGS", 2},
    {Currency::mnt, "MNT", 2}, {Currency::mdl, "MDL", 2},  {Currency::pkr, "PKR", 2},
    {Currency::rub, "RUB", 2}, {Currency::chf, "CHF", 2},  {Currency::gbp, "GBP", 2},
    {Currency::usd, "USD", 2}, {Currency::uzs, "UZS", 2},  {Currency::byn, "BYN", 2},
    {Currency::tmt, "TMT", 2}, {Currency::rsd, "RSD", 2},  {Currency::azn, "AZN", 2},
    {Currency::ron, "RON", 2}, {Currency::try_, "TRY", 2}, {Currency::afn, "AFN", 2},
    {Currency::tjs, "TJS", 2}, {Currency::eur, "EUR", 2},  {Currency::uah, "UAH", 2},
    {Currency::gel, "GEL", 2}, {Currency::pln, "PLN", 2},
}};

constexpr std::array<Currency, currency_count> make_currency_list() {
  std::array<Currency, currency_count> list{};
  for (size_t i = 0; i < table.size(); ++i) list[i] = table[i].currency;
  return list;
}
constexpr std::array<Currency, currency_count> currency_list = make_currency_list();

constexpr bool table_is_valid() {
  for (size_t i = 0; i < table.size(); ++i) {
    const CurrencyInfo& info = table[i];
    if (info.currency == Currency::none) return false;
    if (info.exponent > currency_exponent_max) return false;
    if (info.code.size() != 3) return false;
    for (char c : info.code) {
      if (c < 'A' || c > 'Z') return false;
    }
    if (i > 0 && currency_numeric(table[i - 1].currency) >= currency_numeric(info.currency)) {
      return false;
    }
  }
  return true;
}
static_assert(table_is_valid(), "sorted by numeric code, unique, upper-case codes");

// ISO numeric codes are three digits: a position in `table` plus one per code, 0 for none.
// Every Amount asserts its currency is known, so this is one load, not a search.
constexpr uint16_t numeric_codes = 1000;
static_assert(currency_count < 255);
constexpr std::array<uint8_t, numeric_codes> position_by_numeric = [] {
  std::array<uint8_t, numeric_codes> positions{};
  for (size_t i = 0; i < table.size(); ++i) {
    positions[currency_numeric(table[i].currency)] = static_cast<uint8_t>(i + 1);
  }
  return positions;
}();

// The table entry for a numeric code, or nullptr.
const CurrencyInfo* find_numeric(uint16_t numeric) {
  if (numeric >= numeric_codes || position_by_numeric[numeric] == 0) return nullptr;
  return &table[position_by_numeric[numeric] - 1u];
}

const CurrencyInfo& info_of(Currency currency) {
  const CurrencyInfo* info = find_numeric(currency_numeric(currency));
  KERVAN_ASSERT(info != nullptr);
  return *info;
}

}  // namespace

bool currency_is_known(Currency currency) noexcept {
  return find_numeric(currency_numeric(currency)) != nullptr;
}

uint8_t currency_exponent(Currency currency) noexcept {
  return info_of(currency).exponent;
}

std::string_view currency_code(Currency currency) noexcept {
  return info_of(currency).code;
}

std::optional<Currency> currency_from_code(std::string_view code) noexcept {
  for (const CurrencyInfo& info : table) {
    if (info.code == code) return info.currency;
  }
  return std::nullopt;
}

std::optional<Currency> currency_from_numeric(uint16_t numeric) noexcept {
  const CurrencyInfo* info = find_numeric(numeric);
  if (info == nullptr) return std::nullopt;
  return info->currency;
}

std::span<const Currency> known_currencies() noexcept {
  return currency_list;
}

}  // namespace kervan
