// One process per store folder: an flock on <folder>/LOCK, released by the kernel if the
// process dies, so a crashed process never leaves a stale lock behind.
#pragma once

#include <string>

#include "ledger/store_status.h"

namespace kervan {

class FolderLock {
 public:
  FolderLock() = default;
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  // Locks `folder` (creating it first when `create`). Errors: store_locked when another
  // process holds it, invalid_store when the folder does not exist and may not be created,
  // permission_denied, disk_full, io_error.
  StoreStatus acquire(const std::string& folder, bool create);

 private:
  int fd_ = -1;
};

// An errno value as a store status: permission_denied, disk_full or io_error.
StoreStatus errno_status(int error, const std::string& what);

}  // namespace kervan
