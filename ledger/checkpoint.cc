#include "ledger/checkpoint.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "core/assert.h"
#include "core/bytes.h"
#include "ledger/record_coding.h"

namespace kervan {

namespace {

constexpr uint32_t checkpoint_magic = 0x5043564b;       // "KVCP": a checkpoint header.
constexpr uint32_t checkpoint_meta_magic = 0x4d43564b;  // "KVCM": the environment's format.
constexpr size_t header_checksum_offset = 104;
constexpr std::string_view header_key = "checkpoint";

std::array<uint8_t, 4> chunk_key(uint32_t chunk) {
  std::array<uint8_t, 4> key{};
  store_u32_be(key.data(), chunk);
  return key;
}

ByteSpan bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

StoreStatus corrupted(std::string_view what) {
  return StoreStatus::error(StoreError::corrupted_record,
                            "checkpoint " + std::string(what) +
                                "; see docs/operations.md, 'Recovering a damaged store'");
}

// Writes records[first_chunk * per_chunk ..] as chunks of `per_chunk` encoded records.
template <typename Record, typename Encode>
StoreStatus write_chunks(LmdbWriteTxn& txn, LmdbTable table, std::span<const Record> records,
                         size_t record_bytes, uint32_t per_chunk, uint32_t first_chunk,
                         Encode encode) {
  std::vector<uint8_t> buffer(size_t{per_chunk} * record_bytes);
  for (size_t begin = size_t{first_chunk} * per_chunk; begin < records.size();
       begin += per_chunk) {
    const size_t end = std::min(records.size(), begin + per_chunk);
    for (size_t i = begin; i < end; ++i) encode(records[i], &buffer[(i - begin) * record_bytes]);
    const auto chunk = static_cast<uint32_t>(begin / per_chunk);
    const ByteSpan value(buffer.data(), (end - begin) * record_bytes);
    if (StoreStatus status = txn.put(table, chunk_key(chunk), value); !status.ok()) return status;
  }
  return StoreStatus();
}

// Reads every chunk of a table in order into `out`, which must end up with `count` records.
template <typename Record, typename Decode>
StoreStatus read_chunks(const LmdbReadTxn& txn, LmdbTable table, size_t record_bytes,
                        uint32_t per_chunk, uint32_t count, const char* what,
                        std::vector<Record>* out, Decode decode) {
  out->clear();
  out->reserve(count);
  LmdbReadTxn::Cursor cursor = txn.cursor(table);
  uint32_t expected_chunk = 0;
  for (bool on = cursor.first(); on && out->size() < count; on = cursor.next()) {
    const ByteSpan value = cursor.value();
    const size_t remaining = count - out->size();
    const size_t expected_records = std::min<size_t>(per_chunk, remaining);
    if (cursor.key().size() != 4 || load_u32_be(cursor.key().data()) != expected_chunk ||
        value.size() != expected_records * record_bytes) {
      return corrupted(std::string(what) + " chunk " + std::to_string(expected_chunk) +
                       " is missing or has the wrong size");
    }
    for (size_t i = 0; i < expected_records; ++i) out->push_back(decode(&value[i * record_bytes]));
    expected_chunk += 1;
  }
  if (out->size() != count) {
    return corrupted(std::string(what) + ": " + std::to_string(out->size()) + " records, " +
                     std::to_string(count) + " expected");
  }
  return StoreStatus();
}

}  // namespace

void encode_checkpoint_header(const CheckpointHeader& header, uint8_t* out) {
  std::memset(out, 0, checkpoint_header_bytes);
  store_u32_le(out, checkpoint_magic);
  store_u16_le(out + 4, checkpoint_format_version);
  store_u64_le(out + 8, header.sequence);
  std::memcpy(out + 16, header.journal_hash.data(), 32);
  store_u64_le(out + 48, header.last_timestamp);
  store_u32_le(out + 56, header.accounts_count);
  store_u32_le(out + 60, header.transfers_count);
  store_u32_le(out + 64, header.failed_count);
  std::memcpy(out + 72, header.state_hash.data(), 32);
  const Digest checksum = digest_of({out, header_checksum_offset});
  std::memcpy(out + header_checksum_offset, checksum.data(), 32);
}

bool decode_checkpoint_header(ByteSpan bytes, CheckpointHeader* out) {
  if (bytes.size() != checkpoint_header_bytes) return false;
  const uint8_t* p = bytes.data();
  if (load_u32_le(p) != checkpoint_magic || load_u16_le(p + 4) != checkpoint_format_version) {
    return false;
  }
  const Digest checksum = digest_of({p, header_checksum_offset});
  if (std::memcmp(checksum.data(), p + header_checksum_offset, checksum.size()) != 0) {
    return false;
  }
  CheckpointHeader header;
  header.sequence = load_u64_le(p + 8);
  std::memcpy(header.journal_hash.data(), p + 16, 32);
  header.last_timestamp = load_u64_le(p + 48);
  header.accounts_count = load_u32_le(p + 56);
  header.transfers_count = load_u32_le(p + 60);
  header.failed_count = load_u32_le(p + 64);
  std::memcpy(header.state_hash.data(), p + 72, 32);
  *out = header;
  return true;
}

StoreStatus CheckpointStore::open(const std::string& path, uint64_t map_bytes_max, SyncMode sync,
                                  bool read_only, std::unique_ptr<CheckpointStore>* out) {
  std::unique_ptr<CheckpointStore> store(new CheckpointStore());
  StoreStatus status = LmdbEnv::open({.path = path,
                                      .map_bytes_max = map_bytes_max,
                                      .tables_max = 8,
                                      .sync = sync,
                                      .read_only = read_only,
                                      .name = "checkpoint"},
                                     &store->env_);
  if (status.ok()) status = store->open_tables();
  if (!status.ok()) return status;
  *out = std::move(store);
  return StoreStatus();
}

StoreStatus CheckpointStore::open_tables() {
  for (auto [name, table] : {std::pair{"meta", &meta_}, std::pair{"accounts", &accounts_},
                             std::pair{"transfers", &transfers_}, std::pair{"pending", &pending_},
                             std::pair{"failed", &failed_}}) {
    if (StoreStatus status = env_->open_table(name, table); !status.ok()) return status;
  }
  // The format record is checked first, so that another version reads as version_mismatch
  // rather than as a header that fails to decode.
  std::optional<LmdbReadTxn> txn;
  if (StoreStatus status = env_->begin_read(&txn); !status.ok()) return status;
  ByteSpan value;
  bool has_checkpoint = false;
  if (StoreStatus status = txn->get(meta_, bytes_of(header_key), &value, &has_checkpoint);
      !status.ok()) {
    return status;
  }
  txn.reset();
  return ensure_format_record(*env_, meta_, checkpoint_meta_magic, checkpoint_format_version,
                              has_checkpoint);
}

StoreStatus CheckpointStore::read_header(CheckpointHeader* out, bool* found) const {
  std::optional<LmdbReadTxn> txn;
  if (StoreStatus status = env_->begin_read(&txn); !status.ok()) return status;
  ByteSpan value;
  if (StoreStatus status = txn->get(meta_, bytes_of(header_key), &value, found); !status.ok()) {
    return status;
  }
  if (*found && !decode_checkpoint_header(value, out)) {
    return corrupted("header fails its checksum or format check");
  }
  return StoreStatus();
}

StoreStatus CheckpointStore::load(const CheckpointHeader& header, CheckpointRecords* out) const {
  std::optional<LmdbReadTxn> txn;
  StoreStatus status = env_->begin_read(&txn);
  if (status.ok()) {
    status = read_chunks(*txn, accounts_, account_bytes, checkpoint_records_per_chunk,
                         header.accounts_count, "accounts", &out->accounts, decode_account);
  }
  if (status.ok()) {
    status = read_chunks(*txn, transfers_, transfer_bytes, checkpoint_records_per_chunk,
                         header.transfers_count, "transfers", &out->transfers, decode_transfer);
  }
  if (status.ok()) {
    status = read_chunks(*txn, pending_, 1, checkpoint_states_per_chunk, header.transfers_count,
                         "pending states", &out->pending_states,
                         [](const uint8_t* in) { return static_cast<PendingState>(*in); });
  }
  if (status.ok()) {
    status = read_chunks(*txn, failed_, failed_transfer_bytes, checkpoint_records_per_chunk,
                         header.failed_count, "failed ids", &out->failed, decode_failed_transfer);
  }
  return status;
}

StoreStatus CheckpointStore::write(const CheckpointHeader& header,
                                   std::span<const Account> accounts,
                                   std::span<const Transfer> transfers,
                                   std::span<const PendingState> pending_states,
                                   std::span<const FailedTransfer> failed) {
  KERVAN_ASSERT(header.accounts_count == accounts.size());
  KERVAN_ASSERT(header.transfers_count == transfers.size());
  KERVAN_ASSERT(pending_states.size() == transfers.size());
  KERVAN_ASSERT(header.failed_count == failed.size());
  CheckpointHeader previous;
  bool found = false;
  if (StoreStatus status = read_header(&previous, &found); !status.ok()) return status;
  if (!found) previous = CheckpointHeader{};
  KERVAN_ASSERT(previous.transfers_count <= transfers.size());
  KERVAN_ASSERT(previous.failed_count <= failed.size());

  std::optional<LmdbWriteTxn> txn;
  StoreStatus status = env_->begin_write(&txn);
  if (status.ok()) status = txn->clear(accounts_);
  if (status.ok()) status = txn->clear(pending_);
  if (status.ok()) {
    status = write_chunks(*txn, accounts_, accounts, account_bytes, checkpoint_records_per_chunk,
                          0, encode_account);
  }
  if (status.ok()) {
    status = write_chunks(*txn, transfers_, transfers, transfer_bytes,
                          checkpoint_records_per_chunk,
                          previous.transfers_count / checkpoint_records_per_chunk, encode_transfer);
  }
  if (status.ok()) {
    status = write_chunks(*txn, pending_, pending_states, 1, checkpoint_states_per_chunk, 0,
                          [](PendingState state, uint8_t* out) { *out = static_cast<uint8_t>(state); });
  }
  if (status.ok()) {
    status = write_chunks(*txn, failed_, failed, failed_transfer_bytes,
                          checkpoint_records_per_chunk,
                          previous.failed_count / checkpoint_records_per_chunk, encode_failed_transfer);
  }
  uint8_t header_bytes[checkpoint_header_bytes];
  encode_checkpoint_header(header, header_bytes);
  if (status.ok()) status = txn->put(meta_, bytes_of(header_key), header_bytes);
  if (status.ok()) status = txn->commit();
  return status;
}

}  // namespace kervan
