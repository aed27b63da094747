#include "ledger/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/assert.h"

namespace kervan {

StoreStatus errno_status(int error, const std::string& what) {
  const bool full = error == ENOSPC || error == EFBIG || error == EDQUOT;
  const StoreError code = error == EACCES || error == EPERM || error == EROFS
                              ? StoreError::permission_denied
                              : full ? StoreError::disk_full : StoreError::io_error;
  return StoreStatus::error(code, what + ": " + std::strerror(error));
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

StoreStatus FolderLock::acquire(const std::string& folder, bool create) {
  KERVAN_ASSERT(fd_ < 0);
  if (create && mkdir(folder.c_str(), 0750) != 0 && errno != EEXIST) {
    return errno_status(errno, "create store folder " + folder);
  }
  const std::string lock_path = folder + "/LOCK";
  const int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  const int fd = ::open(lock_path.c_str(), flags, 0640);
  if (fd < 0) {
    if (errno == ENOENT) {
      return StoreStatus::error(StoreError::invalid_store, "no store in " + folder);
    }
    return errno_status(errno, "open " + lock_path);
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return StoreStatus::error(StoreError::store_locked,
                                "store " + folder + " is open in another process");
    }
    return errno_status(error, "lock " + lock_path);
  }
  fd_ = fd;
  return StoreStatus();
}

}  // namespace kervan
