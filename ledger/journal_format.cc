#include "ledger/journal_format.h"

#include <cstring>

#include "core/assert.h"
#include "core/bytes.h"

namespace kervan {

void encode_journal_header(const JournalHeader& header, std::span<uint8_t> record) {
  if (header.operation == JournalOperation::transit_command) {
    KERVAN_ASSERT(header.event_count == 1 && record.size() > journal_header_bytes);
  } else {
    KERVAN_ASSERT(record.size() == journal_record_bytes(header.event_count));
  }
  uint8_t* p = record.data();
  store_u32_le(p + 0, journal_magic);
  store_u16_le(p + 4, journal_format_version);
  p[6] = static_cast<uint8_t>(header.operation);
  p[7] = 0;
  store_u64_le(p + 8, header.sequence);
  store_u64_le(p + 16, header.now_ns);
  store_u128_le(p + 24, header.party);
  store_u32_le(p + 40, header.event_count);
  store_u32_le(p + 44, static_cast<uint32_t>(record.size() - journal_header_bytes));
  std::memcpy(p + 48, header.prev_hash.data(), 32);
  std::memcpy(p + journal_hash_offset, header.hash.data(), 32);
}

Digest journal_record_hash(std::span<const uint8_t> record) {
  KERVAN_ASSERT(record.size() >= journal_header_bytes);
  Hasher hasher;
  hasher.update(record.first(journal_hash_offset));
  hasher.update(record.subspan(journal_header_bytes));
  return hasher.finish();
}

Digest seal_journal_record(std::span<uint8_t> record) {
  const Digest hash = journal_record_hash(record);
  std::memcpy(record.data() + journal_hash_offset, hash.data(), hash.size());
  return hash;
}

std::string_view journal_record_error_name(JournalRecordError error) {
  switch (error) {
    case JournalRecordError::ok: return "ok";
    case JournalRecordError::too_short: return "too_short";
    case JournalRecordError::bad_magic: return "bad_magic";
    case JournalRecordError::bad_format_version: return "bad_format_version";
    case JournalRecordError::bad_operation: return "bad_operation";
    case JournalRecordError::bad_length: return "bad_length";
    case JournalRecordError::bad_sequence: return "bad_sequence";
    case JournalRecordError::bad_checksum: return "bad_checksum";
    case JournalRecordError::broken_hash_chain: return "broken_hash_chain";
    case JournalRecordError::reserved_not_zero: return "reserved_not_zero";
  }
  return "unknown";
}

JournalRecordError check_journal_record(std::span<const uint8_t> record,
                                        uint64_t expected_sequence,
                                        const Digest* expected_prev_hash, JournalHeader* out) {
  if (record.size() < journal_header_bytes) return JournalRecordError::too_short;
  const uint8_t* p = record.data();
  if (load_u32_le(p) != journal_magic) return JournalRecordError::bad_magic;
  if (load_u16_le(p + 4) != journal_format_version) return JournalRecordError::bad_format_version;
  const bool command = p[6] == static_cast<uint8_t>(JournalOperation::transit_command);
  if ((p[6] < 1 || p[6] > 3) && !command) return JournalRecordError::bad_operation;
  if (p[7] != 0) return JournalRecordError::reserved_not_zero;
  JournalHeader header;
  header.operation = static_cast<JournalOperation>(p[6]);
  header.sequence = load_u64_le(p + 8);
  header.now_ns = load_u64_le(p + 16);
  header.party = load_u128_le(p + 24);
  header.event_count = load_u32_le(p + 40);
  const uint32_t body_bytes = load_u32_le(p + 44);
  const bool sized = command ? header.event_count == 1 && body_bytes > 0 &&
                                   body_bytes <= journal_command_bytes_max
                             : record.size() == journal_record_bytes(header.event_count);
  if (body_bytes != record.size() - journal_header_bytes || !sized ||
      (header.operation == JournalOperation::expire_pending_transfers && header.event_count != 0)) {
    return JournalRecordError::bad_length;
  }
  if (header.sequence != expected_sequence) return JournalRecordError::bad_sequence;
  std::memcpy(header.prev_hash.data(), p + 48, 32);
  std::memcpy(header.hash.data(), p + journal_hash_offset, 32);
  if (journal_record_hash(record) != header.hash) return JournalRecordError::bad_checksum;
  if (expected_prev_hash != nullptr && header.prev_hash != *expected_prev_hash) {
    return JournalRecordError::broken_hash_chain;
  }
  *out = header;
  return JournalRecordError::ok;
}

}  // namespace kervan
