// The versions of reference data a transit ledger holds (docs/reference_data.md, "Versions"):
// tariffs, exchange rates and the rest of a reference file, loaded while the server runs by an
// operator's journaled step (load_reference_data), so that the amounts to be covered are the
// server's to compute and a replay rebuilds the same tables from the journal.
//
// Each version has an id (1, 2, ... in loading order), the BLAKE2b-256 hash of its text, the date
// it takes effect and the business time it was loaded at. A version is never dated in the past,
// and it supersedes every version dated on or after its own date: so a wrong version is
// corrected by loading the right one for its date (today's too), and what has applied stays
// applied (each declaration records the version it was computed with). The version in force on
// a date is the newest loaded of those not superseded, dated on or before it; within it, each
// country's tariff version and each rate is the one in force on that date (tariff.h,
// exchange_rates.h).
//
// Loading parses (and allocates): an operator's step, never on a hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/digest.h"
#include "core/time.h"
#include "ledger/transit/covered_amount.h"
#include "ledger/transit/reference_data.h"
#include "ledger/transit/transit_results.h"

namespace kervan {

// Versions a ledger holds at most (a year of monthly rate fixings, with room).
inline constexpr size_t reference_versions_max = 64;

struct ReferenceVersion {
  uint32_t id = 0;
  Digest content_hash{};  // Of the text as loaded.
  Date effective_from;
  uint64_t loaded_ns = 0;
  ReferenceData data;
  uint32_t superseded_by = 0;  // The version that replaced it from its date on; 0: none.
  // Computes with `data`, remembering its lookups between declarations (results identical to
  // compute_covered_amount's: covered_amount.h). Lookups are not state: mutable.
  mutable std::unique_ptr<CoverCalculator> calculator;
};

class ReferenceVersions {
 public:
  // Parses `text` and adds it as a new version effective from `effective_from`, superseding the
  // versions dated on or after that date, or refuses it whole and changes nothing:
  // reference_data_invalid (*error says where: name, line, field), reference_data_date_invalid
  // (before `today`: versions never apply to the past), capacity_reached.
  TransitResult add(uint64_t now_ns, Date today, std::string_view text, Date effective_from,
                    LoadError* error);

  // The version in force on `date`, or nullptr when none is.
  const ReferenceVersion* in_force(Date date) const;
  // The version with this id, or nullptr.
  const ReferenceVersion* find(uint32_t id) const;
  size_t size() const { return versions_.size(); }
  const ReferenceVersion& operator[](size_t i) const { return *versions_[i]; }

 private:
  std::vector<std::unique_ptr<ReferenceVersion>> versions_;  // In loading and date order.
};

}  // namespace kervan
