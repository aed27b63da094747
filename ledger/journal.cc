#include "ledger/journal.h"

#include <array>
#include <cstring>

#include "core/assert.h"
#include "core/bytes.h"
#include "ledger/limits.h"
#include "ledger/record_coding.h"

namespace kervan {

namespace {

constexpr uint64_t ring_pad_marker = UINT64_MAX;
constexpr uint32_t journal_meta_magic = 0x4d4a564b;  // "KVJM"

size_t ring_entry_bytes(size_t record_bytes) { return 8 + (record_bytes + 7) / 8 * 8; }

std::array<uint8_t, 8> key_of(uint64_t sequence) {
  std::array<uint8_t, 8> key{};
  store_u64_be(key.data(), sequence);
  return key;
}

StoreStatus corrupted(uint64_t sequence, std::string_view what) {
  return StoreStatus::error(
      StoreError::corrupted_record,
      "journal record " + std::to_string(sequence) + " " + std::string(what) +
          "; the store refuses to start: see docs/operations.md, 'Recovering a damaged store'");
}

}  // namespace

StoreStatus Journal::open(const JournalOptions& options, std::unique_ptr<Journal>* out) {
  std::unique_ptr<Journal> journal(new Journal());
  journal->options_ = options;
  StoreStatus status = LmdbEnv::open({.path = options.path,
                                      .map_bytes_max = options.map_bytes_max,
                                      .tables_max = 4,
                                      .sync = options.sync,
                                      .read_only = options.read_only,
                                      .name = "journal"},
                                     &journal->env_);
  if (status.ok()) status = journal->open_tables();
  if (status.ok()) status = journal->load_tail();
  if (!status.ok()) return status;
  if (!options.read_only) {
    KERVAN_ASSERT(options.ring_bytes >= 2 * ring_entry_bytes(journal_record_bytes(batch_events_max)));
    journal->ring_capacity_ = options.ring_bytes / 8 * 8;
    journal->ring_ = std::make_unique<uint8_t[]>(journal->ring_capacity_);
    journal->writer_ = std::thread([j = journal.get()] { j->writer_loop(); });
  }
  *out = std::move(journal);
  return StoreStatus();
}

Journal::~Journal() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  writer_.join();
}

StoreStatus Journal::open_tables() {
  StoreStatus status = env_->open_table("records", &records_);
  if (status.ok()) status = env_->open_table("meta", &meta_);
  if (!status.ok()) return status;
  std::optional<LmdbReadTxn> read;
  if (status = env_->begin_read(&read); !status.ok()) return status;
  const bool has_records = read->count(records_) != 0;
  read.reset();
  return ensure_format_record(*env_, meta_, journal_meta_magic, journal_format_version,
                              has_records);
}

StoreStatus Journal::load_tail() {
  std::optional<LmdbReadTxn> read;
  if (StoreStatus status = env_->begin_read(&read); !status.ok()) return status;
  LmdbReadTxn::Cursor cursor = read->cursor(records_);
  if (!cursor.last()) return StoreStatus();  // Empty journal.
  if (cursor.key().size() != 8) return corrupted(0, "has a key that is not 8 bytes");
  const uint64_t sequence = load_u64_be(cursor.key().data());
  JournalHeader header;
  const JournalRecordError error = check_journal_record(cursor.value(), sequence, nullptr, &header);
  if (error != JournalRecordError::ok) {
    return corrupted(sequence, "failed its " +
                                   std::string(journal_record_error_name(error)) + " check");
  }
  appended_sequence_ = sequence;
  durable_sequence_.store(sequence, std::memory_order_release);
  last_hash_ = header.hash;
  return StoreStatus();
}

// ---- Appending (producer thread) ------------------------------------------------------------

StoreStatus Journal::reserve(size_t record_bytes, uint8_t** record) {
  KERVAN_ASSERT(ring_ != nullptr);
  const size_t entry = ring_entry_bytes(record_bytes);
  uint64_t position = ring_reserved_ % ring_capacity_;
  const uint64_t padding = position + entry > ring_capacity_ ? ring_capacity_ - position : 0;
  {
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] {
      return !failure_.ok() || ring_reserved_ + padding + entry - ring_freed_ <= ring_capacity_;
    });
    if (!failure_.ok()) return failure_;
  }
  if (padding != 0) {
    store_u64_le(&ring_[position], ring_pad_marker);
    ring_reserved_ += padding;
    position = 0;
  }
  store_u64_le(&ring_[position], record_bytes);
  *record = &ring_[position + 8];
  ring_reserved_ += entry;
  return StoreStatus();
}

void Journal::publish(size_t /*record_bytes*/) {
  {
    std::lock_guard lock(mutex_);
    ring_published_ = ring_reserved_;
  }
  work_ready_.notify_one();
}

StoreStatus Journal::append_header(JournalOperation operation, uint64_t now_ns, u128 party,
                                   uint32_t event_count, size_t record_bytes, uint8_t** body,
                                   uint64_t* sequence) {
  KERVAN_ASSERT(event_count <= batch_events_max);
  KERVAN_ASSERT(record_bytes <= journal_record_bytes(batch_events_max));
  uint8_t* record = nullptr;
  if (StoreStatus status = reserve(record_bytes, &record); !status.ok()) return status;
  appended_sequence_ += 1;
  JournalHeader header{.operation = operation,
                       .sequence = appended_sequence_,
                       .now_ns = now_ns,
                       .party = party,
                       .event_count = event_count};
  encode_journal_header(header, {record, record_bytes});  // Chain and hash: the writer's.
  *body = record + journal_header_bytes;
  *sequence = appended_sequence_;
  return StoreStatus();
}

StoreStatus Journal::append(JournalOperation operation, uint64_t now_ns, u128 party,
                            std::span<const Account> accounts, uint64_t* sequence) {
  KERVAN_ASSERT(operation == JournalOperation::create_accounts);
  uint8_t* body = nullptr;
  const auto count = static_cast<uint32_t>(accounts.size());
  if (StoreStatus s = append_header(operation, now_ns, party, count,
                                    journal_record_bytes(count), &body, sequence);
      !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < accounts.size(); ++i) encode_account(accounts[i], body + i * 128);
  publish(journal_record_bytes(count));
  return StoreStatus();
}

StoreStatus Journal::append(JournalOperation operation, uint64_t now_ns, u128 party,
                            std::span<const Transfer> transfers, uint64_t* sequence) {
  KERVAN_ASSERT(operation == JournalOperation::create_transfers);
  uint8_t* body = nullptr;
  const auto count = static_cast<uint32_t>(transfers.size());
  if (StoreStatus s = append_header(operation, now_ns, party, count,
                                    journal_record_bytes(count), &body, sequence);
      !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < transfers.size(); ++i) encode_transfer(transfers[i], body + i * 128);
  publish(journal_record_bytes(count));
  return StoreStatus();
}

StoreStatus Journal::append_expiry(uint64_t now_ns, uint64_t* sequence) {
  uint8_t* body = nullptr;
  StoreStatus status = append_header(JournalOperation::expire_pending_transfers, now_ns, 0, 0,
                                     journal_header_bytes, &body, sequence);
  if (status.ok()) publish(journal_header_bytes);
  return status;
}

StoreStatus Journal::append_command(uint64_t now_ns, u128 party,
                                    std::span<const uint8_t> command, uint64_t* sequence) {
  KERVAN_ASSERT(!command.empty() && command.size() <= journal_command_bytes_max);
  const size_t record_bytes = journal_header_bytes + command.size();
  uint8_t* body = nullptr;
  StoreStatus status = append_header(JournalOperation::transit_command, now_ns, party, 1,
                                     record_bytes, &body, sequence);
  if (!status.ok()) return status;
  std::memcpy(body, command.data(), command.size());
  publish(record_bytes);
  return status;
}

StoreStatus Journal::wait_durable(uint64_t sequence) {
  std::unique_lock lock(mutex_);
  progress_.wait(lock, [&] { return durable_sequence() >= sequence || !failure_.ok(); });
  return durable_sequence() >= sequence ? StoreStatus() : failure_;
}

// ---- The writer thread ----------------------------------------------------------------------

void Journal::writer_loop() {
  for (;;) {
    uint64_t from = 0;
    uint64_t to = 0;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || ring_published_ > ring_freed_; });
      if (ring_published_ == ring_freed_) return;  // Stopping with nothing left.
      from = ring_freed_;
      to = ring_published_;
    }
    uint64_t last_sequence = 0;
    const StoreStatus status = write_taken(from, to, &last_sequence);
    {
      std::lock_guard lock(mutex_);
      if (!status.ok()) {
        failure_ = status;
      } else {
        ring_freed_ = to;
        durable_sequence_.store(last_sequence, std::memory_order_release);
        commits_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    progress_.notify_all();
    if (options_.on_progress) options_.on_progress();
    if (!status.ok()) return;  // Sticky: nothing after a failed commit is ever written.
  }
}

// Chains, seals and writes the records in ring offsets [from, to) in one transaction.
StoreStatus Journal::write_taken(uint64_t from, uint64_t to, uint64_t* last_sequence) {
  std::optional<LmdbWriteTxn> txn;
  if (StoreStatus status = env_->begin_write(&txn); !status.ok()) return status;
  Digest hash = last_hash_;
  uint64_t offset = from;
  while (offset < to) {
    const uint64_t position = offset % ring_capacity_;
    const uint64_t length = load_u64_le(&ring_[position]);
    if (length == ring_pad_marker) {
      offset += ring_capacity_ - position;
      continue;
    }
    std::span<uint8_t> record(&ring_[position + 8], length);
    std::memcpy(record.data() + 48, hash.data(), hash.size());
    hash = seal_journal_record(record);
    const uint64_t sequence = load_u64_le(record.data() + 8);
    KERVAN_ASSERT(sequence == durable_sequence() + 1 || *last_sequence + 1 == sequence);
    if (StoreStatus status = txn->append(records_, key_of(sequence), record); !status.ok()) {
      return status;
    }
    *last_sequence = sequence;
    offset += ring_entry_bytes(length);
  }
  KERVAN_ASSERT(offset == to);
  if (StoreStatus status = txn->commit(); !status.ok()) return status;
  last_hash_ = hash;
  return StoreStatus();
}

// ---- Reading --------------------------------------------------------------------------------

StoreStatus Journal::read(uint64_t from, const Digest& prev_hash, const Visitor& visit) const {
  KERVAN_ASSERT(from >= 1);
  std::optional<LmdbReadTxn> txn;
  if (StoreStatus status = env_->begin_read(&txn); !status.ok()) return status;
  LmdbReadTxn::Cursor cursor = txn->cursor(records_);
  Digest expected_prev = prev_hash;
  uint64_t expected = from;
  for (bool on = cursor.seek(key_of(from)); on; on = cursor.next(), expected += 1) {
    if (cursor.key().size() != 8) return corrupted(expected, "has a key that is not 8 bytes");
    const uint64_t sequence = load_u64_be(cursor.key().data());
    if (sequence != expected) {
      return corrupted(expected, "is missing (the next one stored is " +
                                     std::to_string(sequence) + ")");
    }
    JournalRecordView view;
    const JournalRecordError error =
        check_journal_record(cursor.value(), sequence, &expected_prev, &view.header);
    if (error != JournalRecordError::ok) {
      return corrupted(sequence, "failed its " +
                                     std::string(journal_record_error_name(error)) + " check");
    }
    view.body = journal_body(cursor.value());
    if (!visit(view)) return StoreStatus();
    expected_prev = view.header.hash;
  }
  return StoreStatus();
}

StoreStatus Journal::configuration(ByteSpan proposed, std::vector<uint8_t>* stored) {
  static constexpr std::string_view key_text = "configuration";
  const ByteSpan key(reinterpret_cast<const uint8_t*>(key_text.data()), key_text.size());
  std::optional<LmdbReadTxn> read;
  if (StoreStatus status = env_->begin_read(&read); !status.ok()) return status;
  ByteSpan value;
  bool found = false;
  if (StoreStatus status = read->get(meta_, key, &value, &found); !status.ok()) return status;
  if (found) {
    stored->assign(value.begin(), value.end());
    return StoreStatus();
  }
  read.reset();
  stored->assign(proposed.begin(), proposed.end());
  if (options_.read_only) return StoreStatus();
  std::optional<LmdbWriteTxn> write;
  if (StoreStatus status = env_->begin_write(&write); !status.ok()) return status;
  if (StoreStatus status = write->put(meta_, key, proposed); !status.ok()) return status;
  return write->commit();
}

StoreStatus Journal::record_hash(uint64_t sequence, Digest* out) const {
  std::optional<LmdbReadTxn> txn;
  if (StoreStatus status = env_->begin_read(&txn); !status.ok()) return status;
  ByteSpan value;
  bool found = false;
  if (StoreStatus status = txn->get(records_, key_of(sequence), &value, &found); !status.ok()) {
    return status;
  }
  if (!found) return corrupted(sequence, "is missing");
  JournalHeader header;
  const JournalRecordError error = check_journal_record(value, sequence, nullptr, &header);
  if (error != JournalRecordError::ok) {
    return corrupted(sequence,
                     "failed its " + std::string(journal_record_error_name(error)) + " check");
  }
  *out = header.hash;
  return StoreStatus();
}

uint64_t Journal::first_sequence() const {
  std::optional<LmdbReadTxn> txn;
  if (!env_->begin_read(&txn).ok()) return 0;
  LmdbReadTxn::Cursor cursor = txn->cursor(records_);
  if (!cursor.first() || cursor.key().size() != 8) return 0;
  return load_u64_be(cursor.key().data());
}

StoreStatus Journal::prune_before(uint64_t sequence) {
  KERVAN_ASSERT(sequence <= durable_sequence());
  const uint64_t first = first_sequence();
  if (first == 0 || first >= sequence) return StoreStatus();
  std::optional<LmdbWriteTxn> txn;
  if (StoreStatus status = env_->begin_write(&txn); !status.ok()) return status;
  for (uint64_t s = first; s < sequence; ++s) {
    if (StoreStatus status = txn->del(records_, key_of(s)); !status.ok()) return status;
  }
  return txn->commit();
}

}  // namespace kervan
