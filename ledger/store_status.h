// Operating errors of the durable store, as values. Every failure of a disk, a file or a
// stored byte becomes one of these codes with a message that names what failed and what the
// operator can do about it; nothing below the store throws or asserts on them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kervan {

// DO NOT CHANGE the numbers: printed by tools and reported to clients. Append only.
enum class StoreError : uint8_t {
  ok = 0,
  map_full = 1,           // The LMDB map is full: raise the map size option and reopen.
  disk_full = 2,          // The file system has no room (ENOSPC, EFBIG, EDQUOT).
  permission_denied = 3,  // The store's files or folder cannot be read or written.
  corrupted_record = 4,   // A checksum, hash-chain link or record layout check failed.
  version_mismatch = 5,   // The store was written by another format version.
  io_error = 6,           // Another error of the operating system (EIO, ...).
  store_locked = 7,       // Another process has the store open.
  invalid_store = 8,      // Not a Kervan store, or its LMDB files are damaged.
  closed = 9,             // The store failed earlier (or was closed); reopen it to recover.
  restore_failed = 10,    // A checkpoint's records are inconsistent.
  invariant_violated = 11,
  capacity_too_small = 12,  // The configured ledger capacities cannot hold the stored state.
  configuration_mismatch = 13,  // Opened with other ledger capacities than it was created with.
};

std::string_view store_error_name(StoreError error);

class [[nodiscard]] StoreStatus {
 public:
  StoreStatus() = default;
  static StoreStatus error(StoreError code, std::string message) {
    StoreStatus status;
    status.code_ = code;
    status.message_ = std::move(message);
    return status;
  }

  bool ok() const { return code_ == StoreError::ok; }
  StoreError code() const { return code_; }
  const std::string& message() const { return message_; }
  // "map_full: journal map is full (...)", or "ok".
  std::string to_string() const;

 private:
  StoreError code_ = StoreError::ok;
  std::string message_;
};

}  // namespace kervan
