// The one module that talks to LMDB. Everything else sees these classes, spans of bytes and
// StoreStatus values, never an LMDB type or error number.
//
// Rules it enforces (lmdb.h, docs/storage_format.md): one environment per folder per process;
// one write transaction at a time; keys compare as bytes, so integer keys are big-endian;
// transactions belong to the thread that began them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "ledger/store_status.h"

namespace kervan {

// What a commit may lose after a crash of the operating system or of the power (a crash of
// the process alone loses nothing in any mode: the page cache survives it).
enum class SyncMode : uint8_t {
  durable = 0,       // Data and meta page flushed at every commit: loses nothing.
  no_meta_sync = 1,  // Meta page not flushed: may lose the last committed transaction.
  no_sync = 2,       // Nothing flushed: may lose recent transactions and, on ext4, may
                     // corrupt the environment (writes may reach the disk out of order).
};

std::string_view sync_mode_name(SyncMode mode);
// Parses "durable", "no_meta_sync" or "no_sync".
bool parse_sync_mode(std::string_view text, SyncMode* out);

using ByteSpan = std::span<const uint8_t>;

class LmdbEnv;

// A table (LMDB "database") handle, valid for the environment's lifetime.
struct LmdbTable {
  uint32_t dbi = 0;
};

class LmdbReadTxn {
 public:
  ~LmdbReadTxn();
  LmdbReadTxn(LmdbReadTxn&& other) noexcept;
  LmdbReadTxn(const LmdbReadTxn&) = delete;

  // The value stored under `key`, viewing LMDB's map (valid until the transaction ends);
  // StoreError::ok with an empty `found` flag when absent.
  StoreStatus get(LmdbTable table, ByteSpan key, ByteSpan* value, bool* found) const;

  // A cursor over one table, in key order.
  class Cursor {
   public:
    ~Cursor();
    Cursor(Cursor&& other) noexcept;
    Cursor(const Cursor&) = delete;
    // Each positions the cursor and returns whether it is on a record.
    bool seek(ByteSpan key);  // First record with a key >= `key`.
    bool first();
    bool last();
    bool next();
    ByteSpan key() const { return key_; }
    ByteSpan value() const { return value_; }

   private:
    friend class LmdbReadTxn;
    friend class LmdbWriteTxn;
    explicit Cursor(void* cursor) : cursor_(cursor) {}
    bool move(int op, ByteSpan key);
    void* cursor_;
    ByteSpan key_;
    ByteSpan value_;
  };
  Cursor cursor(LmdbTable table) const;
  // Number of records in the table.
  uint64_t count(LmdbTable table) const;

 private:
  friend class LmdbEnv;
  friend class LmdbWriteTxn;
  LmdbReadTxn(const LmdbEnv* env, void* txn) : env_(env), txn_(txn) {}
  const LmdbEnv* env_;
  void* txn_;
};

class LmdbWriteTxn {
 public:
  ~LmdbWriteTxn();  // Aborts unless committed.
  LmdbWriteTxn(LmdbWriteTxn&& other) noexcept;
  LmdbWriteTxn(const LmdbWriteTxn&) = delete;

  // Appends: `key` must sort after every key in the table (journal and checkpoint tables).
  StoreStatus append(LmdbTable table, ByteSpan key, ByteSpan value);
  StoreStatus put(LmdbTable table, ByteSpan key, ByteSpan value);
  StoreStatus del(LmdbTable table, ByteSpan key);
  // Deletes every record of the table.
  StoreStatus clear(LmdbTable table);
  // Makes the transaction durable as the sync mode says. The transaction is over either way.
  StoreStatus commit();
  // Reads within this transaction.
  StoreStatus get(LmdbTable table, ByteSpan key, ByteSpan* value, bool* found) const;
  LmdbReadTxn::Cursor cursor(LmdbTable table) const;

 private:
  friend class LmdbEnv;
  LmdbWriteTxn(const LmdbEnv* env, void* txn) : env_(env), txn_(txn) {}
  const LmdbEnv* env_;
  void* txn_;
};

class LmdbEnv {
 public:
  struct Options {
    std::string path;            // A folder; created if missing (not its parents).
    uint64_t map_bytes_max = 0;  // Upper bound of the file; address space only until used.
    uint32_t tables_max = 8;
    SyncMode sync = SyncMode::durable;
    bool read_only = false;
    std::string name;  // For messages: "journal", "checkpoint".
  };

  // Opens (creating when allowed) the environment. Errors: permission_denied, invalid_store
  // (not an LMDB environment, or damaged headers), version_mismatch (another LMDB format),
  // io_error.
  static StoreStatus open(const Options& options, std::unique_ptr<LmdbEnv>* out);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;

  // Opens a table by name, creating it unless the environment is read-only (then a missing
  // table is invalid_store).
  StoreStatus open_table(const char* name, LmdbTable* out);

  // Transactions; a thread has at most one at a time.
  StoreStatus begin_read(std::optional<LmdbReadTxn>* out) const;
  StoreStatus begin_write(std::optional<LmdbWriteTxn>* out);

  // Flushes the environment to disk regardless of the sync mode.
  StoreStatus sync();
  // Bytes of the data file in use (pages written), for bytes-per-record figures.
  uint64_t bytes_used() const;
  const Options& options() const { return options_; }

  // Maps an LMDB or errno code to a status that says what failed and what to do.
  StoreStatus status_of(int rc, std::string_view operation) const;

 private:
  LmdbEnv() = default;
  Options options_;
  void* env_ = nullptr;
};

}  // namespace kervan

namespace kervan {

// Every environment of the store has a "format" record in its meta table: a magic number
// naming what the environment holds, and the format version. A new, empty environment gets
// one (unless read-only); an existing one must match: invalid_store for another magic or a
// missing record, version_mismatch for another version.
StoreStatus ensure_format_record(LmdbEnv& env, LmdbTable meta, uint32_t magic, uint32_t version,
                                 bool has_records);

}  // namespace kervan
