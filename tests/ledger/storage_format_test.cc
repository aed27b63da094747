// The stored byte layouts, pinned as golden bytes: a journal record (header and one event), a
// checkpoint header, an account and a remembered failure, encoded from fixed values and
// compared with hex checked in here; and check_journal_record's verdict on every kind of
// damaged record.
//
// If this fails you changed a stored layout: bump the format version and update
// docs/storage_format.md and these bytes.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "ledger/checkpoint.h"
#include "ledger/journal_format.h"
#include "ledger/record_coding.h"

namespace kervan {
namespace {

// The bytes below are these versions' layouts.
static_assert(journal_format_version == 1);
static_assert(checkpoint_format_version == 1);
static_assert(journal_header_bytes == 112 && journal_event_bytes == 128);
static_assert(checkpoint_header_bytes == 136);
static_assert(account_bytes == 128 && transfer_bytes == 128 && failed_transfer_bytes == 25);

std::string hex_of(std::span<const uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (const uint8_t b : bytes) {
    hex += digits[b >> 4];
    hex += digits[b & 0xf];
  }
  return hex;
}

// 32 bytes first, first + 1, ...: a digest whose every byte says where it is.
Digest counting_digest(uint8_t first) {
  Digest digest{};
  for (size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<uint8_t>(first + i);
  return digest;
}

// Field values with both halves of every u128 set and no two fields alike, so that a field
// moved, resized or swapped changes the bytes.
Transfer fixed_transfer() {
  return Transfer{.id = make_u128(0x0f0e0d0c0b0a0908, 0x0706050403020100),
                  .debit_account_id = make_u128(0x1f1e1d1c1b1a1918, 0x1716151413121110),
                  .credit_account_id = make_u128(0x2f2e2d2c2b2a2928, 0x2726252423222120),
                  .amount = make_u128(0x3f3e3d3c3b3a3938, 0x3736353433323130),
                  .pending_id = make_u128(0x4f4e4d4c4b4a4948, 0x4746454443424140),
                  .user_data_128 = make_u128(0x5f5e5d5c5b5a5958, 0x5756555453525150),
                  .user_data_64 = 0x6766656463626160,
                  .user_data_32 = 0x6b6a6968,
                  .timeout_s = 0x6f6e6d6c,
                  .ledger = 0x73727170,
                  .code = 0x7574,
                  .flags = 0x7776,
                  .timestamp = 0x7f7e7d7c7b7a7978};
}

Account fixed_account() {
  return Account{.id = make_u128(0x8f8e8d8c8b8a8988, 0x8786858483828180),
                 .debits_pending = make_u128(0x9f9e9d9c9b9a9998, 0x9796959493929190),
                 .debits_posted = make_u128(0xafaeadacabaaa9a8, 0xa7a6a5a4a3a2a1a0),
                 .credits_pending = make_u128(0xbfbebdbcbbbab9b8, 0xb7b6b5b4b3b2b1b0),
                 .credits_posted = make_u128(0xcfcecdcccbcac9c8, 0xc7c6c5c4c3c2c1c0),
                 .user_data_128 = make_u128(0xdfdedddcdbdad9d8, 0xd7d6d5d4d3d2d1d0),
                 .user_data_64 = 0xe7e6e5e4e3e2e1e0,
                 .user_data_32 = 0xebeae9e8,
                 .reserved = 0,
                 .ledger = 0xf3f2f1f0,
                 .code = 0xf5f4,
                 .flags = 0xf7f6,
                 .timestamp = 0xfffefdfcfbfaf9f8};
}

Digest prev_hash_of_fixed_record() {
  return counting_digest(0xa0);
}

// Journal record 7: a create_transfers batch of one transfer, chained to a made-up record 6.
std::vector<uint8_t> fixed_record() {
  const JournalHeader header{.operation = JournalOperation::create_transfers,
                             .sequence = 7,
                             .now_ns = 0x1716151413121110,
                             .party = make_u128(0x2f2e2d2c2b2a2928, 0x2726252423222120),
                             .event_count = 1,
                             .prev_hash = prev_hash_of_fixed_record()};
  std::vector<uint8_t> record(journal_record_bytes(1));
  encode_journal_header(header, record);
  encode_transfer(fixed_transfer(), &record[journal_header_bytes]);
  (void)seal_journal_record(record);
  return record;
}

// If this fails you changed a stored layout: bump the format version and update
// docs/storage_format.md and these bytes.
TEST(StorageFormat, VersionsAreThoseOfTheBytesBelow) {
  EXPECT_EQ(journal_format_version, 1);
  EXPECT_EQ(checkpoint_format_version, 1);
  EXPECT_EQ(journal_magic, 0x524a564bu);
}

TEST(StorageFormat, JournalRecordHeaderAndEvent) {
  const std::vector<uint8_t> record = fixed_record();
  EXPECT_EQ(hex_of(record),
            // Header: magic, version, operation, reserved, sequence, now_ns, party,
            // event_count, body bytes, prev_hash, hash.
            "4b564a5201000200070000000000000010111213141516172021222324252627"
            "28292a2b2c2d2e2f0100000080000000a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
            "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfa5f1ca95ead04e334732b7e73ac34f17"
            "27c9484b834ba7bbdebd7e08eced4182"
            // The event: encode_transfer.
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
            "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
            "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f");
  // And it reads back as written.
  const Digest prev = prev_hash_of_fixed_record();
  JournalHeader header;
  ASSERT_EQ(check_journal_record(record, 7, &prev, &header), JournalRecordError::ok);
  EXPECT_EQ(header.now_ns, 0x1716151413121110u);
  EXPECT_EQ(header.event_count, 1u);
  EXPECT_EQ(header.hash, journal_record_hash(record));
  const Transfer decoded = decode_transfer(journal_body(record).data());
  EXPECT_EQ(decoded.id, fixed_transfer().id);
  EXPECT_EQ(decoded.timestamp, fixed_transfer().timestamp);
}

TEST(StorageFormat, CheckpointHeader) {
  const CheckpointHeader header{.sequence = 0x0f0e0d0c0b0a0908,
                                .journal_hash = counting_digest(0x10),
                                .last_timestamp = 0x3736353433323130,
                                .accounts_count = 0x3b3a3938,
                                .transfers_count = 0x3f3e3d3c,
                                .failed_count = 0x43424140,
                                .state_hash = counting_digest(0x50)};
  std::array<uint8_t, checkpoint_header_bytes> bytes{};
  encode_checkpoint_header(header, bytes.data());
  EXPECT_EQ(hex_of(bytes),
            // magic, version, zero, sequence, journal_hash, last_timestamp, counts, zero,
            // state_hash, checksum.
            "4b5643500100000008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
            "4041424300000000505152535455565758595a5b5c5d5e5f6061626364656667"
            "68696a6b6c6d6e6f4f6cfa3930a93dced5c13c0e1fec6c5b4fc85718969b8fc3"
            "e430ba258a1d6239");
  CheckpointHeader decoded;
  ASSERT_TRUE(decode_checkpoint_header(bytes, &decoded));
  EXPECT_EQ(decoded.sequence, header.sequence);
  EXPECT_EQ(decoded.state_hash, header.state_hash);
  bytes[60] ^= 1;  // A count changed: the checksum no longer matches.
  EXPECT_FALSE(decode_checkpoint_header(bytes, &decoded));
}

TEST(StorageFormat, Account) {
  std::array<uint8_t, account_bytes> bytes{};
  encode_account(fixed_account(), bytes.data());
  EXPECT_EQ(hex_of(bytes),
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
            "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
            "e0e1e2e3e4e5e6e7e8e9eaeb00000000f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
}

TEST(StorageFormat, FailedTransfer) {
  const FailedTransfer failed{.id = make_u128(0x0f0e0d0c0b0a0908, 0x0706050403020100),
                              .timestamp = 0x1716151413121110,
                              .result = CreateTransferResult::exceeds_credits};
  std::array<uint8_t, failed_transfer_bytes> bytes{};
  encode_failed_transfer(failed, bytes.data());
  // id, timestamp, result (exceeds_credits = 56 = 0x38).
  EXPECT_EQ(hex_of(bytes), "000102030405060708090a0b0c0d0e0f101112131415161738");
  const FailedTransfer decoded = decode_failed_transfer(bytes.data());
  EXPECT_EQ(decoded.id, failed.id);
  EXPECT_EQ(decoded.timestamp, failed.timestamp);
  EXPECT_EQ(decoded.result, failed.result);
}

// ---- check_journal_record: each damage reported by its own error ----------------------------

struct Damage {
  const char* name;
  void (*damage)(std::vector<uint8_t>& record);
  uint64_t expected_sequence;  // Where the record is stored (it says 7).
  bool chained_elsewhere;      // The previous record's hash is not the one it names.
  JournalRecordError expected;
};

constexpr Damage damages[] = {
    {"whole", [](std::vector<uint8_t>&) {}, 7, false, JournalRecordError::ok},
    {"empty", [](std::vector<uint8_t>& r) { r.clear(); }, 7, false, JournalRecordError::too_short},
    {"a byte short of a header", [](std::vector<uint8_t>& r) { r.resize(111); }, 7, false,
     JournalRecordError::too_short},
    {"magic", [](std::vector<uint8_t>& r) { r[0] ^= 1; }, 7, false, JournalRecordError::bad_magic},
    {"format version 2", [](std::vector<uint8_t>& r) { store_u16_le(&r[4], 2); }, 7, false,
     JournalRecordError::bad_format_version},
    {"format version 0", [](std::vector<uint8_t>& r) { store_u16_le(&r[4], 0); }, 7, false,
     JournalRecordError::bad_format_version},
    {"operation 0", [](std::vector<uint8_t>& r) { r[6] = 0; }, 7, false,
     JournalRecordError::bad_operation},
    {"operation 4", [](std::vector<uint8_t>& r) { r[6] = 4; }, 7, false,
     JournalRecordError::bad_operation},
    {"reserved byte set", [](std::vector<uint8_t>& r) { r[7] = 1; }, 7, false,
     JournalRecordError::reserved_not_zero},
    {"body bytes field off by one", [](std::vector<uint8_t>& r) { store_u32_le(&r[44], 129); }, 7,
     false, JournalRecordError::bad_length},
    {"event count 2 for one event", [](std::vector<uint8_t>& r) { store_u32_le(&r[40], 2); }, 7,
     false, JournalRecordError::bad_length},
    {"a byte after the last event", [](std::vector<uint8_t>& r) { r.push_back(0); }, 7, false,
     JournalRecordError::bad_length},
    {"cut inside its event", [](std::vector<uint8_t>& r) { r.resize(200); }, 7, false,
     JournalRecordError::bad_length},
    {"an expiry with an event", [](std::vector<uint8_t>& r) { r[6] = 3; }, 7, false,
     JournalRecordError::bad_length},
    {"stored under sequence 8", [](std::vector<uint8_t>&) {}, 8, false,
     JournalRecordError::bad_sequence},
    {"a bit of the event flipped", [](std::vector<uint8_t>& r) { r[112 + 48] ^= 1; }, 7, false,
     JournalRecordError::bad_checksum},
    {"a bit of now_ns flipped", [](std::vector<uint8_t>& r) { r[16] ^= 1; }, 7, false,
     JournalRecordError::bad_checksum},
    {"prev_hash rewritten (it is hashed)", [](std::vector<uint8_t>& r) { r[48] ^= 1; }, 7, false,
     JournalRecordError::bad_checksum},
    {"a bit of the stored hash flipped", [](std::vector<uint8_t>& r) { r[80] ^= 1; }, 7, false,
     JournalRecordError::bad_checksum},
    {"chained to another record", [](std::vector<uint8_t>&) {}, 7, true,
     JournalRecordError::broken_hash_chain},
    // Precedence: the first check that fails names the record's damage.
    {"magic and checksum",
     [](std::vector<uint8_t>& r) {
       r[0] ^= 1;
       r[150] ^= 1;
     },
     7, false, JournalRecordError::bad_magic},
    {"reserved byte and length",
     [](std::vector<uint8_t>& r) {
       r[7] = 1;
       r.push_back(0);
     },
     7, false, JournalRecordError::reserved_not_zero},
    {"length and sequence", [](std::vector<uint8_t>& r) { r.push_back(0); }, 8, false,
     JournalRecordError::bad_length},
    {"checksum and chain", [](std::vector<uint8_t>& r) { r[150] ^= 1; }, 7, true,
     JournalRecordError::bad_checksum},
};

TEST(JournalRecordCheck, EachDamageIsReportedByItsOwnError) {
  const Digest prev = prev_hash_of_fixed_record();
  const Digest elsewhere = counting_digest(0x01);
  for (const Damage& d : damages) {
    SCOPED_TRACE(d.name);
    std::vector<uint8_t> record = fixed_record();
    d.damage(record);
    JournalHeader header;
    const JournalRecordError error = check_journal_record(
        record, d.expected_sequence, d.chained_elsewhere ? &elsewhere : &prev, &header);
    EXPECT_EQ(journal_record_error_name(error), journal_record_error_name(d.expected));
  }
  // Without a previous hash the chain is not checked.
  JournalHeader header;
  EXPECT_EQ(check_journal_record(fixed_record(), 7, nullptr, &header), JournalRecordError::ok);
}

TEST(JournalRecordCheck, ErrorNumbersAreStable) {
  // DO NOT CHANGE: printed in error messages.
  EXPECT_EQ(static_cast<int>(JournalRecordError::too_short), 1);
  EXPECT_EQ(static_cast<int>(JournalRecordError::bad_magic), 2);
  EXPECT_EQ(static_cast<int>(JournalRecordError::bad_format_version), 3);
  EXPECT_EQ(static_cast<int>(JournalRecordError::bad_operation), 4);
  EXPECT_EQ(static_cast<int>(JournalRecordError::bad_length), 5);
  EXPECT_EQ(static_cast<int>(JournalRecordError::bad_sequence), 6);
  EXPECT_EQ(static_cast<int>(JournalRecordError::bad_checksum), 7);
  EXPECT_EQ(static_cast<int>(JournalRecordError::broken_hash_chain), 8);
  EXPECT_EQ(static_cast<int>(JournalRecordError::reserved_not_zero), 9);
}

}  // namespace
}  // namespace kervan
