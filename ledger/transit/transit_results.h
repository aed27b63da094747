// Results of the transit domain's steps: one per step, checked in a fixed order, stable
// numbers. Where NCTS guarantee management has a reason code (G01..G13) the result says the
// same thing and the comment names it.
#pragma once

#include <cstdint>
#include <string_view>

namespace kervan {

// DO NOT CHANGE the numbers: sent on the wire and stored. Append only.
#define KERVAN_TRANSIT_RESULTS(X)                                                       \
  X(ok, 0)                                                                              \
  X(exists, 1)               /* The same step again: already done, nothing changed. */  \
  X(party_not_found, 2)                                                                 \
  X(party_role_not_allowed, 3) /* This role may not take this step. */                  \
  X(party_country_not_involved, 4) /* Customs of a country not on the itinerary. */     \
  X(guarantee_not_found, 5)        /* G01 */                                            \
  X(guarantee_not_valid, 6)        /* G02: suspended, revoked, cancelled, expired. */   \
  X(access_code_not_valid, 7)      /* G03 */                                            \
  X(principal_not_owner, 8)        /* G04 */                                            \
  X(voucher_already_used, 9)       /* G05 */                                            \
  X(not_valid_for_sensitive_goods, 10) /* G07 */                                        \
  X(not_valid_for_country, 11)     /* G08 */                                            \
  X(amount_not_sufficient, 12)     /* G09 */                                            \
  X(individual_guarantee_already_used, 13) /* G10 */                                    \
  X(guarantee_exists, 14)          /* P02: the GRN is registered already, differently. */ \
  X(guarantee_type_invalid, 15)                                                         \
  X(reduction_level_invalid, 16)   /* Not 100, 50, 30 or 0. */                          \
  X(validity_period_invalid, 17)                                                        \
  X(currency_not_supported, 18)                                                         \
  X(amount_invalid, 19)            /* Zero or negative where a positive amount is due. */ \
  X(amount_overflow, 20)                                                                \
  X(cover_in_use, 21)              /* Amending below the cover reserved and drawn. */   \
  X(guarantee_status_not_allowed, 22) /* E.g. reactivating a revoked guarantee. */      \
  X(movement_not_found, 23)                                                             \
  X(movement_exists, 24)           /* The MRN is declared already, differently. */      \
  X(movement_state_not_allowed, 25) /* P01: the step is not allowed in this state. */   \
  X(itinerary_invalid, 26)                                                              \
  X(goods_invalid, 27)                                                                  \
  X(guarantee_references_invalid, 28)                                                   \
  X(amount_not_computable, 29)     /* No reference data, tariff or rate for that date. */ \
  X(country_not_on_itinerary, 30)                                                       \
  X(time_limit_not_passed, 31)     /* An enquiry before the time limit. */              \
  X(claim_by_other_country, 32)    /* Claimed already, by another country. */           \
  X(capacity_reached, 33)                                                               \
  X(ledger_refused, 34)            /* The core refused a transfer (a bug if seen). */  \
  X(settlement_refused, 35)        /* The union's configuration or amounts are invalid. */ \
  X(nothing_to_settle, 36)                                                              \
  X(party_exists, 37)              /* The party id is registered already, differently. */ \
  X(key_exists, 38)                /* The key is registered already, to another party. */ \
  X(key_not_found, 39)                                                                  \
  X(key_revoked, 40)               /* A revoked key is never registered again. */        \
  X(key_last_operator, 41)         /* Revoking it would leave no operator key. */        \
  X(amount_mismatch, 42)           /* The sender's amount is not the one the rules give. */ \
  X(reference_data_invalid, 43)    /* Refused whole: not a valid reference file. */      \
  X(reference_data_date_invalid, 44) /* In the past, or not after the newest version. */

#define KERVAN_ENUM_VALUE(name, number) name = number,
enum class TransitResult : uint8_t { KERVAN_TRANSIT_RESULTS(KERVAN_ENUM_VALUE) };
#undef KERVAN_ENUM_VALUE

inline constexpr uint8_t transit_result_max = 44;

std::string_view result_name(TransitResult result);

}  // namespace kervan
