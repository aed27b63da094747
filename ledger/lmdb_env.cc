#include "ledger/lmdb_env.h"

#include <lmdb.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/assert.h"
#include "core/bytes.h"

namespace kervan {

namespace {

MDB_val val_of(ByteSpan bytes) {
  return MDB_val{bytes.size(), const_cast<uint8_t*>(bytes.data())};
}
ByteSpan span_of(const MDB_val& val) {
  return {static_cast<const uint8_t*>(val.mv_data), val.mv_size};
}
MDB_txn* txn_of(void* txn) { return static_cast<MDB_txn*>(txn); }
MDB_env* env_of(void* env) { return static_cast<MDB_env*>(env); }

unsigned int flags_of(SyncMode mode) {
  switch (mode) {
    case SyncMode::durable: return 0;
    case SyncMode::no_meta_sync: return MDB_NOMETASYNC;
    case SyncMode::no_sync: return MDB_NOSYNC;
  }
  KERVAN_UNREACHABLE();
}

// LMDB reports a write cut short as EIO ("short write, filesystem full?"), and a full file
// system or a file-size limit usually cuts writes short rather than failing them outright. So
// an EIO while the disk has (almost) no room left, or with the data file at its size limit,
// is a full disk.
bool looks_like_full_disk(const std::string& folder) {
  constexpr uint64_t room_min_bytes = 64ull << 20;
  struct statvfs fs {};
  if (statvfs(folder.c_str(), &fs) == 0 && uint64_t{fs.f_bavail} * fs.f_frsize < room_min_bytes) {
    return true;
  }
  struct rlimit limit {};
  struct stat data {};
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      stat((folder + "/data.mdb").c_str(), &data) == 0) {
    constexpr uint64_t pages_of_slack = 64 * 4096;
    return static_cast<uint64_t>(data.st_size) + pages_of_slack >= limit.rlim_cur;
  }
  return false;
}

}  // namespace

std::string_view sync_mode_name(SyncMode mode) {
  switch (mode) {
    case SyncMode::durable: return "durable";
    case SyncMode::no_meta_sync: return "no_meta_sync";
    case SyncMode::no_sync: return "no_sync";
  }
  return "unknown";
}

bool parse_sync_mode(std::string_view text, SyncMode* out) {
  for (SyncMode mode : {SyncMode::durable, SyncMode::no_meta_sync, SyncMode::no_sync}) {
    if (text == sync_mode_name(mode)) {
      *out = mode;
      return true;
    }
  }
  return false;
}

StoreStatus LmdbEnv::status_of(int rc, std::string_view operation) const {
  if (rc == MDB_SUCCESS) return StoreStatus();
  std::string what = options_.name + " " + std::string(operation) + " in " + options_.path;
  switch (rc) {
    case MDB_MAP_FULL:
      return StoreStatus::error(
          StoreError::map_full,
          what + ": the " + options_.name + " map is full (map size " +
              std::to_string(options_.map_bytes_max) + " bytes); raise the " + options_.name +
              " map size option (--" + options_.name + "-map-bytes) and reopen the store");
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
      return StoreStatus::error(StoreError::disk_full,
                                what + ": no space left (" + std::strerror(rc) +
                                    "); free disk space or move the store, then reopen it");
    case EIO:
      if (looks_like_full_disk(options_.path)) {
        return StoreStatus::error(StoreError::disk_full,
                                  what + ": a write was cut short and the disk (or the file "
                                         "size limit) has no room left; free disk space or "
                                         "move the store, then reopen it");
      }
      return StoreStatus::error(StoreError::io_error, what + ": " + std::strerror(rc));
    case EACCES:
    case EPERM:
    case EROFS:
      return StoreStatus::error(StoreError::permission_denied,
                                what + ": " + std::strerror(rc) +
                                    "; the store's folder and files must be readable and "
                                    "writable by this user");
    case MDB_VERSION_MISMATCH:
      return StoreStatus::error(StoreError::version_mismatch,
                                what + ": written by another LMDB version (" +
                                    mdb_strerror(rc) + ")");
    case MDB_INVALID:
    case MDB_CORRUPTED:
    case MDB_PANIC:
      return StoreStatus::error(StoreError::invalid_store,
                                what + ": " + mdb_strerror(rc) +
                                    "; see docs/operations.md, 'Recovering a damaged store'");
    default:
      return StoreStatus::error(StoreError::io_error, what + ": " + mdb_strerror(rc));
  }
}

StoreStatus LmdbEnv::open(const Options& options, std::unique_ptr<LmdbEnv>* out) {
  KERVAN_ASSERT(options.map_bytes_max > 0);
  std::unique_ptr<LmdbEnv> env(new LmdbEnv());
  env->options_ = options;
  if (!options.read_only && mkdir(options.path.c_str(), 0750) != 0 && errno != EEXIST) {
    return env->status_of(errno, "create folder");
  }
  MDB_env* handle = nullptr;
  if (int rc = mdb_env_create(&handle); rc != 0) return env->status_of(rc, "create");
  env->env_ = handle;
  if (int rc = mdb_env_set_mapsize(handle, options.map_bytes_max); rc != 0) {
    return env->status_of(rc, "set map size");
  }
  if (int rc = mdb_env_set_maxdbs(handle, options.tables_max); rc != 0) {
    return env->status_of(rc, "set tables");
  }
  const unsigned int flags =
      flags_of(options.sync) | (options.read_only ? MDB_RDONLY : 0u) | MDB_NOTLS;
  if (int rc = mdb_env_open(handle, options.path.c_str(), flags, 0640); rc != 0) {
    if (rc == ENOENT) {
      return StoreStatus::error(StoreError::invalid_store,
                                options.name + " store not found in " + options.path);
    }
    return env->status_of(rc, "open");
  }
  int stale_readers = 0;
  (void)mdb_reader_check(handle, &stale_readers);  // Clears slots of dead processes.
  *out = std::move(env);
  return StoreStatus();
}

LmdbEnv::~LmdbEnv() {
  if (env_ != nullptr) mdb_env_close(env_of(env_));
}

StoreStatus LmdbEnv::open_table(const char* name, LmdbTable* out) {
  MDB_txn* txn = nullptr;
  const unsigned int txn_flags = options_.read_only ? MDB_RDONLY : 0u;
  if (int rc = mdb_txn_begin(env_of(env_), nullptr, txn_flags, &txn); rc != 0) {
    return status_of(rc, "begin transaction");
  }
  MDB_dbi dbi = 0;
  const int rc = mdb_dbi_open(txn, name, options_.read_only ? 0u : MDB_CREATE, &dbi);
  if (rc != 0) {
    mdb_txn_abort(txn);
    if (rc == MDB_NOTFOUND) {
      return StoreStatus::error(StoreError::invalid_store, options_.name + " in " +
                                                               options_.path + " has no table '" +
                                                               name + "'");
    }
    return status_of(rc, "open table");
  }
  if (int commit = mdb_txn_commit(txn); commit != 0) return status_of(commit, "open table");
  out->dbi = dbi;
  return StoreStatus();
}

StoreStatus LmdbEnv::begin_read(std::optional<LmdbReadTxn>* out) const {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_of(env_), nullptr, MDB_RDONLY, &txn); rc != 0) {
    return status_of(rc, "begin read");
  }
  out->emplace(LmdbReadTxn(this, txn));
  return StoreStatus();
}

StoreStatus LmdbEnv::begin_write(std::optional<LmdbWriteTxn>* out) {
  KERVAN_ASSERT(!options_.read_only);
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_of(env_), nullptr, 0, &txn); rc != 0) {
    return status_of(rc, "begin write");
  }
  out->emplace(LmdbWriteTxn(this, txn));
  return StoreStatus();
}

StoreStatus LmdbEnv::sync() { return status_of(mdb_env_sync(env_of(env_), 1), "sync"); }

uint64_t LmdbEnv::bytes_used() const {
  MDB_envinfo info;
  MDB_stat stat;
  mdb_env_info(env_of(env_), &info);
  mdb_env_stat(env_of(env_), &stat);
  return uint64_t{info.me_last_pgno + 1} * stat.ms_psize;
}

// ---- Read transactions ----------------------------------------------------------------------

LmdbReadTxn::~LmdbReadTxn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_of(txn_));
}

LmdbReadTxn::LmdbReadTxn(LmdbReadTxn&& other) noexcept
    : env_(other.env_), txn_(std::exchange(other.txn_, nullptr)) {}

namespace {

StoreStatus get_in(const LmdbEnv& env, void* txn, LmdbTable table, ByteSpan key, ByteSpan* value,
                   bool* found) {
  MDB_val k = val_of(key);
  MDB_val v{};
  const int rc = mdb_get(txn_of(txn), table.dbi, &k, &v);
  *found = rc == MDB_SUCCESS;
  if (rc == MDB_NOTFOUND) return StoreStatus();
  if (rc != MDB_SUCCESS) return env.status_of(rc, "read");
  *value = span_of(v);
  return StoreStatus();
}

void* open_cursor(void* txn, LmdbTable table) {
  MDB_cursor* cursor = nullptr;
  KERVAN_ASSERT(mdb_cursor_open(txn_of(txn), table.dbi, &cursor) == 0);
  return cursor;
}

}  // namespace

StoreStatus LmdbReadTxn::get(LmdbTable table, ByteSpan key, ByteSpan* value, bool* found) const {
  return get_in(*env_, txn_, table, key, value, found);
}

LmdbReadTxn::Cursor LmdbReadTxn::cursor(LmdbTable table) const {
  return Cursor(open_cursor(txn_, table));
}

uint64_t LmdbReadTxn::count(LmdbTable table) const {
  MDB_stat stat;
  KERVAN_ASSERT(mdb_stat(txn_of(txn_), table.dbi, &stat) == 0);
  return stat.ms_entries;
}

LmdbReadTxn::Cursor::~Cursor() {
  if (cursor_ != nullptr) mdb_cursor_close(static_cast<MDB_cursor*>(cursor_));
}

LmdbReadTxn::Cursor::Cursor(Cursor&& other) noexcept
    : cursor_(std::exchange(other.cursor_, nullptr)), key_(other.key_), value_(other.value_) {}

bool LmdbReadTxn::Cursor::move(int op, ByteSpan key) {
  MDB_val k = val_of(key);
  MDB_val v{};
  const int rc = mdb_cursor_get(static_cast<MDB_cursor*>(cursor_), &k, &v,
                                static_cast<MDB_cursor_op>(op));
  if (rc != MDB_SUCCESS) {
    key_ = {};
    value_ = {};
    return false;
  }
  key_ = span_of(k);
  value_ = span_of(v);
  return true;
}

bool LmdbReadTxn::Cursor::seek(ByteSpan key) { return move(MDB_SET_RANGE, key); }
bool LmdbReadTxn::Cursor::first() { return move(MDB_FIRST, {}); }
bool LmdbReadTxn::Cursor::last() { return move(MDB_LAST, {}); }
bool LmdbReadTxn::Cursor::next() { return move(MDB_NEXT, {}); }

// ---- Write transactions ---------------------------------------------------------------------

LmdbWriteTxn::~LmdbWriteTxn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_of(txn_));
}

LmdbWriteTxn::LmdbWriteTxn(LmdbWriteTxn&& other) noexcept
    : env_(other.env_), txn_(std::exchange(other.txn_, nullptr)) {}

StoreStatus LmdbWriteTxn::append(LmdbTable table, ByteSpan key, ByteSpan value) {
  MDB_val k = val_of(key);
  MDB_val v = val_of(value);
  const int rc = mdb_put(txn_of(txn_), table.dbi, &k, &v, MDB_APPEND);
  if (rc == MDB_KEYEXIST) {
    return StoreStatus::error(StoreError::corrupted_record,
                              env_->options().name + ": append out of key order");
  }
  return env_->status_of(rc, "append");
}

StoreStatus LmdbWriteTxn::put(LmdbTable table, ByteSpan key, ByteSpan value) {
  MDB_val k = val_of(key);
  MDB_val v = val_of(value);
  return env_->status_of(mdb_put(txn_of(txn_), table.dbi, &k, &v, 0), "write");
}

StoreStatus LmdbWriteTxn::del(LmdbTable table, ByteSpan key) {
  MDB_val k = val_of(key);
  const int rc = mdb_del(txn_of(txn_), table.dbi, &k, nullptr);
  return rc == MDB_NOTFOUND ? StoreStatus() : env_->status_of(rc, "delete");
}

StoreStatus LmdbWriteTxn::clear(LmdbTable table) {
  return env_->status_of(mdb_drop(txn_of(txn_), table.dbi, 0), "clear");
}

StoreStatus LmdbWriteTxn::commit() {
  const int rc = mdb_txn_commit(txn_of(std::exchange(txn_, nullptr)));
  return env_->status_of(rc, "commit");
}

StoreStatus LmdbWriteTxn::get(LmdbTable table, ByteSpan key, ByteSpan* value, bool* found) const {
  return get_in(*env_, txn_, table, key, value, found);
}

LmdbReadTxn::Cursor LmdbWriteTxn::cursor(LmdbTable table) const {
  return LmdbReadTxn::Cursor(open_cursor(txn_, table));
}

}  // namespace kervan

namespace kervan {

StoreStatus ensure_format_record(LmdbEnv& env, LmdbTable meta, uint32_t magic, uint32_t version,
                                 bool has_records) {
  static constexpr std::string_view format_key = "format";
  const ByteSpan key(reinterpret_cast<const uint8_t*>(format_key.data()), format_key.size());
  const std::string& name = env.options().name;
  const std::string& path = env.options().path;
  std::optional<LmdbReadTxn> read;
  if (StoreStatus status = env.begin_read(&read); !status.ok()) return status;
  ByteSpan value;
  bool found = false;
  if (StoreStatus status = read->get(meta, key, &value, &found); !status.ok()) return status;
  if (found) {
    if (value.size() != 8 || load_u32_le(value.data()) != magic) {
      return StoreStatus::error(StoreError::invalid_store,
                                path + " does not hold a Kervan " + name);
    }
    const uint32_t stored = load_u32_le(value.data() + 4);
    if (stored != version) {
      return StoreStatus::error(StoreError::version_mismatch,
                                name + " in " + path + " has format version " +
                                    std::to_string(stored) + ", this build reads version " +
                                    std::to_string(version));
    }
    return StoreStatus();
  }
  read.reset();
  if (has_records || env.options().read_only) {
    return StoreStatus::error(StoreError::invalid_store,
                              name + " in " + path + " has no format record");
  }
  uint8_t format[8];
  store_u32_le(format, magic);
  store_u32_le(format + 4, version);
  std::optional<LmdbWriteTxn> write;
  if (StoreStatus status = env.begin_write(&write); !status.ok()) return status;
  if (StoreStatus status = write->put(meta, key, format); !status.ok()) return status;
  return write->commit();
}

}  // namespace kervan
