// Limits of the transit reference data (tariffs, exchange rates, parties) and of one
// computation of the amount to be covered, in one place, with their relationships checked.
// Tables are built once at start-up; the computation itself allocates nothing, so its inputs
// and outputs are bounded by the numbers below.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/amount.h"

namespace kervan {

// One computation of the amount to be covered (covered_amount.h).
inline constexpr size_t cover_itinerary_countries_max = 16;  // Departure and destination included.
inline constexpr size_t cover_goods_items_max = 64;

// Reference tables (tariff.h, exchange_rates.h, reference_data.h).
inline constexpr size_t tariff_countries_max = 64;
inline constexpr size_t tariff_versions_per_country_max = 32;
inline constexpr size_t tariff_duty_lines_max = 1024;   // Duty rates by HS prefix, per version.
inline constexpr size_t tariff_excise_lines_max = 256;  // Excise rates by HS prefix, per version.
inline constexpr size_t rate_entries_max = 8192;        // Dated rates, all currencies together.
inline constexpr size_t parties_max = 1024;
inline constexpr size_t customs_offices_per_party_max = 256;
inline constexpr size_t party_name_bytes_max = 128;
inline constexpr size_t country_name_bytes_max = 64;
inline constexpr size_t reference_file_bytes_max = size_t{4} * 1024 * 1024;
// The text of one version loaded into a ledger (load_reference_data, journaled as one record):
// the shipped file is 19 KB; a region's tariffs by heading fit many times over.
// At most 192 KiB, so that a step carrying one fits a query answer (a subscriber catching up).
inline constexpr size_t reference_text_bytes_max = size_t{192} * 1024;

// A rate in a tariff (duty, excise, VAT) is a percentage in [0, tariff_percent_max]. Duties
// above 100 % exist (ad valorem equivalents on alcohol, tobacco); above 1000 % is a typo.
inline constexpr int tariff_percent_max = 1000;

// HS codes are six digits, held as the number they spell: "870323" is 870323 and "010121" is
// 10121. Chapter 00 does not exist, so a classified code lies in [hs6_min, hs6_max]; 0 means
// "not classifiable".
inline constexpr uint32_t hs6_unclassified = 0;
inline constexpr uint32_t hs6_min = 10000;   // 010000: chapter 01.
inline constexpr uint32_t hs6_max = 999999;  // 999999: chapter 99.

// The scheme amounts fixed in EUR (domain.md sections 1.2 and 2.1), in EUR cents.
// Default per goods item that cannot be classified (CTC App. I, UCC-DA Art. 148: EUR 10,000).
inline constexpr i128 unclassified_item_default_eur_minor = 10'000'00;
// Cap of a TIR-like scheme per movement (TIR carnet since 1 July 2016: EUR 100,000).
inline constexpr i128 tir_cap_per_movement_eur_minor = 100'000'00;

static_assert(cover_itinerary_countries_max <= UINT8_MAX && cover_goods_items_max <= UINT8_MAX);
static_assert(cover_itinerary_countries_max <= tariff_countries_max);
// The defaults for every item of a movement fit comfortably in i128 cents.
static_assert(unclassified_item_default_eur_minor * cover_goods_items_max < (i128{1} << 64));

}  // namespace kervan
