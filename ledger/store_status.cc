#include "ledger/store_status.h"

namespace kervan {

std::string_view store_error_name(StoreError error) {
  switch (error) {
    case StoreError::ok: return "ok";
    case StoreError::map_full: return "map_full";
    case StoreError::disk_full: return "disk_full";
    case StoreError::permission_denied: return "permission_denied";
    case StoreError::corrupted_record: return "corrupted_record";
    case StoreError::version_mismatch: return "version_mismatch";
    case StoreError::io_error: return "io_error";
    case StoreError::store_locked: return "store_locked";
    case StoreError::invalid_store: return "invalid_store";
    case StoreError::closed: return "closed";
    case StoreError::restore_failed: return "restore_failed";
    case StoreError::invariant_violated: return "invariant_violated";
    case StoreError::capacity_too_small: return "capacity_too_small";
    case StoreError::configuration_mismatch: return "configuration_mismatch";
  }
  return "unknown";
}

std::string StoreStatus::to_string() const {
  std::string text(store_error_name(code_));
  if (!message_.empty()) {
    text += ": ";
    text += message_;
  }
  return text;
}

}  // namespace kervan
