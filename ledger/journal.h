// The journal: every applied batch as one record, appended to LMDB under its big-endian
// sequence number, hash-chained, and made durable by a writer thread with group commit.
//
// One thread appends (the thread that applies batches); the writer thread takes everything
// appended so far, hashes and chains it, writes it in one LMDB transaction and commits (one
// fsync in durable mode). While it does, the next batches are applied and appended: at light
// load a batch commits alone, under load many batches share a commit. A batch's results may be
// released only once durable_sequence() has reached its sequence.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ledger/journal_format.h"
#include "ledger/lmdb_env.h"
#include "ledger/types.h"

namespace kervan {

struct JournalOptions {
  std::string path;                              // A folder of its own.
  uint64_t map_bytes_max = uint64_t{64} << 30;   // 64 GiB of address space.
  SyncMode sync = SyncMode::durable;
  size_t ring_bytes = size_t{32} << 20;          // Records appended but not yet committed.
  bool read_only = false;                        // For verify: no writer thread.
  // Called by the writer thread after each commit (and once after a failure), so that a
  // thread waiting on other things too (a server's poll loop) can wake. Must not block.
  std::function<void()> on_progress = {};
};

// One record as read back: its checked header and its encoded events.
struct JournalRecordView {
  JournalHeader header;
  std::span<const uint8_t> body;
};

class Journal {
 public:
  // Opens or creates the journal and starts the writer (unless read-only). Errors: those of
  // LmdbEnv::open, version_mismatch for another journal format, corrupted_record when the last
  // record does not check.
  static StoreStatus open(const JournalOptions& options, std::unique_ptr<Journal>* out);
  // Waits for everything appended to be written (or to fail), then stops the writer.
  ~Journal();
  Journal(const Journal&) = delete;

  // Appends a batch; returns its sequence. Blocks while the ring is full (back-pressure).
  // Fails with the writer's error once a commit has failed: nothing after it is written.
  StoreStatus append(JournalOperation operation, uint64_t now_ns, u128 party,
                     std::span<const Account> accounts, uint64_t* sequence);
  StoreStatus append(JournalOperation operation, uint64_t now_ns, u128 party,
                     std::span<const Transfer> transfers, uint64_t* sequence);
  StoreStatus append_expiry(uint64_t now_ns, uint64_t* sequence);
  // Appends one transit-domain command, already coded (journal_command_bytes_max at most).
  StoreStatus append_command(uint64_t now_ns, u128 party, std::span<const uint8_t> command,
                             uint64_t* sequence);

  // The writer's first failure (sticky), or ok.
  StoreStatus failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }

  // Blocks until the record `sequence` is durable (ok) or a commit failed (its error).
  StoreStatus wait_durable(uint64_t sequence);
  uint64_t durable_sequence() const { return durable_sequence_.load(std::memory_order_acquire); }
  uint64_t appended_sequence() const { return appended_sequence_; }
  // Commits the writer has made (one fsync each in durable mode).
  uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

  // Reads records from `from` on, in order, checking each one's checksum, its place, and the
  // hash chain from `prev_hash` (the hash of record from - 1; zero when from == 1), and calls
  // `visit` for each; `visit` returning false stops early. A record that fails a check stops
  // the read with corrupted_record naming its sequence and the check.
  using Visitor = std::function<bool(const JournalRecordView&)>;
  StoreStatus read(uint64_t from, const Digest& prev_hash, const Visitor& visit) const;

  // The configuration the journal's records were applied under (the ledger's capacities,
  // encoded by the store): stored when absent, else returned in `stored` for the caller to
  // compare. Records replay to the same state only under the same configuration.
  StoreStatus configuration(ByteSpan proposed, std::vector<uint8_t>* stored);

  // The stored hash of one record, after checking the record.
  StoreStatus record_hash(uint64_t sequence, Digest* out) const;
  // Oldest and newest sequences stored (0, 0 when empty).
  uint64_t first_sequence() const;
  uint64_t last_sequence() const { return appended_sequence_; }
  // Deletes the records before `sequence` (audit trail not kept). REQUIRES: durable.
  StoreStatus prune_before(uint64_t sequence);
  uint64_t bytes_used() const { return env_->bytes_used(); }

 private:
  Journal() = default;
  StoreStatus open_tables();
  StoreStatus load_tail();
  // Reserves room for a record in the ring; returns where its bytes go.
  StoreStatus reserve(size_t record_bytes, uint8_t** record);
  void publish(size_t record_bytes);
  StoreStatus append_header(JournalOperation operation, uint64_t now_ns, u128 party,
                            uint32_t event_count, size_t record_bytes, uint8_t** body,
                            uint64_t* sequence);
  void writer_loop();
  StoreStatus write_taken(uint64_t ring_from, uint64_t ring_to, uint64_t* last_sequence);

  JournalOptions options_;
  std::unique_ptr<LmdbEnv> env_;
  LmdbTable records_;
  LmdbTable meta_;

  // The ring: records back to back, each behind an 8-byte length, 8-byte aligned. Offsets
  // grow without bound; position = offset % capacity.
  std::unique_ptr<uint8_t[]> ring_;
  size_t ring_capacity_ = 0;
  uint64_t ring_reserved_ = 0;   // Producer only.
  uint64_t ring_published_ = 0;  // Guarded by mutex_.
  uint64_t ring_freed_ = 0;      // Guarded by mutex_.

  uint64_t appended_sequence_ = 0;  // Producer only.
  Digest last_hash_{};              // Writer only (after open).
  std::atomic<uint64_t> durable_sequence_{0};
  std::atomic<uint64_t> commits_{0};

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;   // Writer waits: something published, or stopping.
  std::condition_variable progress_;     // Producer waits: durable advanced, room freed, error.
  bool stopping_ = false;
  StoreStatus failure_;                  // Sticky: the first failed commit.
  std::thread writer_;
};

}  // namespace kervan
