#include "ledger/transit/reference_versions.h"

#include "core/assert.h"

namespace kervan {

TransitResult ReferenceVersions::add(uint64_t now_ns, Date today, std::string_view text,
                                     Date effective_from, LoadError* error) {
  KERVAN_ASSERT(error != nullptr);
  if (versions_.size() >= reference_versions_max) return TransitResult::capacity_reached;
  if (effective_from < today) return TransitResult::reference_data_date_invalid;
  auto version = std::make_unique<ReferenceVersion>();
  if (load_reference_data_text(text, "reference data", &version->data, error) !=
      LoadErrorCode::ok) {
    return TransitResult::reference_data_invalid;
  }
  version->id = static_cast<uint32_t>(versions_.size() + 1);
  for (const std::unique_ptr<ReferenceVersion>& older : versions_) {
    if (older->superseded_by == 0 && !(older->effective_from < effective_from)) {
      older->superseded_by = version->id;
    }
  }
  version->content_hash =
      digest_of({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  version->effective_from = effective_from;
  version->loaded_ns = now_ns;
  version->calculator = std::make_unique<CoverCalculator>(version->data.tariffs,
                                                          version->data.rates);
  versions_.push_back(std::move(version));
  KERVAN_ASSERT(in_force(effective_from) == versions_.back().get());
  return TransitResult::ok;
}

const ReferenceVersion* ReferenceVersions::in_force(Date date) const {
  // Those not superseded are in date order (each new one supersedes those dated on or after
  // it): the last of them that has started.
  for (size_t i = versions_.size(); i > 0; --i) {
    const ReferenceVersion& v = *versions_[i - 1];
    if (v.superseded_by == 0 && !(date < v.effective_from)) return &v;
  }
  return nullptr;
}

const ReferenceVersion* ReferenceVersions::find(uint32_t id) const {
  if (id == 0 || id > versions_.size()) return nullptr;
  KERVAN_ASSERT(versions_[id - 1]->id == id);
  return versions_[id - 1].get();
}

}  // namespace kervan
