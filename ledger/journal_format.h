// The byte layout of a journal record (docs/storage_format.md). Pure functions: encoding,
// the record hash, and the checks that a record read back is whole and in its place.
//
// A record is one batch applied by the state machine: its operation, the `now_ns` it was
// applied at, the party that submitted it, and its events. Replaying the records in sequence
// order through the state machine rebuilds the state exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/digest.h"
#include "core/int128.h"

namespace kervan {

// DO NOT CHANGE any of these without bumping journal_format_version: records on disk use them.
inline constexpr uint32_t journal_magic = 0x524a564b;  // "KVJR" in little-endian byte order.
inline constexpr uint16_t journal_format_version = 1;
inline constexpr size_t journal_header_bytes = 112;
inline constexpr size_t journal_event_bytes = 128;
inline constexpr size_t journal_hash_offset = 80;  // The hash covers [0, 80) and the body.

// DO NOT CHANGE the numbers: stored in every record.
enum class JournalOperation : uint8_t {
  create_accounts = 1,
  create_transfers = 2,
  expire_pending_transfers = 3,  // No events.
  // One step of the transit domain (ledger/transit/transit_command.h): event_count is 1 and
  // the body, of any length, is the command's own coding.
  transit_command = 16,
};

struct JournalHeader {
  JournalOperation operation = JournalOperation::create_transfers;
  uint64_t sequence = 0;  // 1, 2, 3, ... also the record's key.
  uint64_t now_ns = 0;    // The time the batch was applied at.
  u128 party = 0;         // Who submitted the batch (0: the operator or the ledger itself).
  uint32_t event_count = 0;
  Digest prev_hash{};  // `hash` of record sequence - 1; zero for the first record.
  Digest hash{};       // BLAKE2b-256 of bytes [0, 80) and the body.
};

[[nodiscard]] constexpr size_t journal_record_bytes(uint32_t event_count) {
  return journal_header_bytes + size_t{event_count} * journal_event_bytes;
}
// A transit command's coding at most: a reference data version's text and a little more
// (ledger/transit/reference_limits.h, reference_text_bytes_max).
inline constexpr size_t journal_command_bytes_max = 512 * 1024;

// Writes the header (with `header.hash` as given) into the first 112 bytes of `record`.
void encode_journal_header(const JournalHeader& header, std::span<uint8_t> record);
// Computes the record's hash over its bytes [0, 80) and its body, and stores it at 80.
// REQUIRES: the header and body are in place.
Digest seal_journal_record(std::span<uint8_t> record);
[[nodiscard]] Digest journal_record_hash(std::span<const uint8_t> record);

// DO NOT CHANGE the numbers: printed in error messages.
enum class JournalRecordError : uint8_t {
  ok = 0,
  too_short = 1,
  bad_magic = 2,
  bad_format_version = 3,
  bad_operation = 4,
  bad_length = 5,        // Event count, body length and record size disagree.
  bad_sequence = 6,      // The header's sequence is not the key it is stored under.
  bad_checksum = 7,      // The bytes are not the ones that were hashed: torn or flipped.
  broken_hash_chain = 8, // prev_hash is not the previous record's hash.
  reserved_not_zero = 9,
};
std::string_view journal_record_error_name(JournalRecordError error);

// Checks a record read back from disk and decodes its header. `expected_prev_hash` is the
// previous record's hash (zero for sequence 1); pass nullptr to skip the chain check.
[[nodiscard]] JournalRecordError check_journal_record(std::span<const uint8_t> record,
                                                      uint64_t expected_sequence,
                                                      const Digest* expected_prev_hash,
                                                      JournalHeader* out);

// The body's events, each journal_event_bytes long, encoded as in record_coding.h.
inline std::span<const uint8_t> journal_body(std::span<const uint8_t> record) {
  return record.subspan(journal_header_bytes);
}

}  // namespace kervan
