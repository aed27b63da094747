// The wire codec against docs/protocol.md: CRC32C known answers on both paths, round trips of
// every operation, one malformed frame per status a decoder returns (and the precedence of the
// checks), the filter coding, and seeded random mutations of valid frames.
#include "api/protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "api/crc32c.h"
#include "ledger/record_coding.h"
#include "ledger/state_machine.h"
#include "tests/api/frames.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using PS = ProtocolStatus;
using Bytes = std::vector<uint8_t>;

constexpr Operation all_operations[] = {
    Operation::ping,
    Operation::create_accounts,
    Operation::create_transfers,
    Operation::lookup_accounts,
    Operation::lookup_transfers,
    Operation::get_account_transfers,
    Operation::stats,
};

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

// The definition, one bit at a time: the reference both fast paths are held to.
uint32_t crc32c_bitwise(std::span<const uint8_t> bytes) {
  uint32_t crc = 0xFFFFFFFF;
  for (uint8_t byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) != 0 ? 0x82F63B78u : 0u);
  }
  return ~crc;
}

// ---- CRC32C ---------------------------------------------------------------------------------

TEST(Crc32c, KnownAnswers) {
  Bytes ascending(32), descending(32);
  std::iota(ascending.begin(), ascending.end(), uint8_t{0});
  std::iota(descending.rbegin(), descending.rend(), uint8_t{0});
  const Bytes iscsi_read_pdu = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  struct Case {
    const char* name;
    Bytes input;
    uint32_t crc;
  };
  const Case cases[] = {
      {"empty", {}, 0x00000000},
      {"a", bytes_of("a"), 0xC1D04330},
      {"123456789", bytes_of("123456789"), 0xE3069283},
      {"RFC 3720 B.4: 32 zeros", Bytes(32, 0x00), 0x8A9136AA},
      {"RFC 3720 B.4: 32 x 0xFF", Bytes(32, 0xFF), 0x62A8AB43},
      {"RFC 3720 B.4: ascending", ascending, 0x46DD794E},
      {"RFC 3720 B.4: descending", descending, 0x113FDB5C},
      {"RFC 3720 B.4: iSCSI read PDU", iscsi_read_pdu, 0xD9963A56},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(crc32c(c.input), c.crc) << c.name;
    EXPECT_EQ(crc32c_portable(c.input), c.crc) << c.name;
    EXPECT_EQ(crc32c_bitwise(c.input), c.crc) << c.name;
    if (crc32c_hardware_available()) {
      EXPECT_EQ(crc32c_hardware(c.input), c.crc) << c.name;
    }
  }
}

TEST(Crc32c, BothPathsAgreeOnEveryLengthAndAlignment) {
  const Bytes data = random_bytes(4096, 11);
  const std::span<const uint8_t> all(data);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t length = 0; length <= 300; ++length) {
      const auto piece = all.subspan(offset, length);
      const uint32_t expected = crc32c_bitwise(piece);
      ASSERT_EQ(crc32c_portable(piece), expected) << offset << " " << length;
      if (crc32c_hardware_available()) {
        ASSERT_EQ(crc32c_hardware(piece), expected) << offset << " " << length;
      }
      ASSERT_EQ(crc32c(piece), expected);
    }
  }
  const Bytes frame_sized = random_bytes(frame_bytes_max, 12);
  const uint32_t expected = crc32c_bitwise(frame_sized);
  EXPECT_EQ(crc32c_portable(frame_sized), expected);
  if (crc32c_hardware_available()) {
    EXPECT_EQ(crc32c_hardware(frame_sized), expected);
  }
}

// ---- Layout and round trips -------------------------------------------------------------------

TEST(Encode, HeaderLayoutIsTheSpecs) {
  const Bytes body = request_body(Operation::create_transfers, 1, 5);
  const Bytes frame = request(Operation::create_transfers, 1, body, 0x0102030405060708);
  ASSERT_EQ(frame.size(), 64u + 128u);
  EXPECT_EQ(std::string(frame.begin(), frame.begin() + 4), "KRVN");
  EXPECT_EQ(load_u32_le(&frame[at_magic]), 0x4e56524bu);
  EXPECT_EQ(load_u16_le(&frame[at_version]), 1);
  EXPECT_EQ(load_u16_le(&frame[at_operation]), 3);
  EXPECT_EQ(load_u16_le(&frame[at_flags]), 0);
  EXPECT_EQ(load_u16_le(&frame[at_status]), 0);
  EXPECT_EQ(load_u32_le(&frame[at_count]), 1u);
  EXPECT_EQ(frame[at_request_id], 0x08);
  EXPECT_EQ(frame[at_request_id + 7], 0x01);
  EXPECT_EQ(load_u32_le(&frame[at_body_bytes]), 128u);
  EXPECT_EQ(load_u32_le(&frame[at_body_checksum]), crc32c_bitwise(body));
  for (size_t i = at_reserved; i < at_header_checksum; ++i) EXPECT_EQ(frame[i], 0) << i;
  EXPECT_EQ(load_u32_le(&frame[at_header_checksum]), crc32c_bitwise(std::span(frame).first(60)));
  EXPECT_TRUE(std::equal(body.begin(), body.end(), frame.begin() + 64));

  const Bytes answer = reply(Operation::stats, PS::busy, 0, {}, 9);
  EXPECT_EQ(load_u16_le(&answer[at_flags]), 1);
  EXPECT_EQ(load_u16_le(&answer[at_status]), 15);
  EXPECT_EQ(load_u32_le(&answer[at_body_checksum]), 0u);  // CRC32C of nothing.
}

void expect_decoded(const FrameView& view, std::span<const uint8_t> frame, Operation operation,
                    uint16_t flags, PS status, uint32_t count, uint64_t request_id) {
  EXPECT_EQ(view.header.operation, operation);
  EXPECT_EQ(view.header.flags, flags);
  EXPECT_EQ(view.header.status, status);
  EXPECT_EQ(view.header.count, count);
  EXPECT_EQ(view.header.request_id, request_id);
  EXPECT_EQ(view.header.body_bytes, frame.size() - 64);
  EXPECT_EQ(view.header.body_checksum, crc32c(frame.subspan(64)));
  EXPECT_EQ(view.body.data(), frame.data() + 64);  // A view into the frame, not a copy.
  EXPECT_EQ(view.body.size(), frame.size() - 64);
}

TEST(RoundTrip, RequestsOfEveryOperation) {
  struct Case {
    Operation operation;
    uint32_t count;
  };
  const Case cases[] = {
      {Operation::ping, 0},
      {Operation::stats, 0},
      {Operation::create_accounts, 1},
      {Operation::create_accounts, batch_events_max},
      {Operation::create_transfers, 1},
      {Operation::create_transfers, batch_events_max},
      {Operation::lookup_accounts, 1},
      {Operation::lookup_accounts, batch_events_max},
      {Operation::lookup_transfers, 1},
      {Operation::lookup_transfers, batch_events_max},
      {Operation::get_account_transfers, 1},
  };
  uint64_t request_id = 0xFFFF'FFFF'FFFF'FFF0;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(operation_name(c.operation)) + " x" + std::to_string(c.count));
    const Bytes body = request_body(c.operation, c.count, request_id);
    ASSERT_EQ(body.size(), request_record_bytes(c.operation) * c.count);
    const Bytes frame = request(c.operation, c.count, body, ++request_id);
    FrameView view;
    ASSERT_EQ(decode_request(frame, &view), PS::ok);
    expect_decoded(view, frame, c.operation, 0, PS::ok, c.count, request_id);
    EXPECT_TRUE(std::equal(body.begin(), body.end(), view.body.begin(), view.body.end()));
    // A request is not a reply.
    EXPECT_EQ(decode_reply(frame, &view), PS::flags_invalid);
  }
}

TEST(RoundTrip, OkRepliesOfEveryOperation) {
  struct Case {
    Operation operation;
    uint32_t count;
  };
  const Case cases[] = {
      {Operation::ping, 0},
      {Operation::create_accounts, 1},
      {Operation::create_accounts, 7},
      {Operation::create_accounts, 8},
      {Operation::create_accounts, 9},
      {Operation::create_accounts, batch_events_max},
      {Operation::create_transfers, 1},
      {Operation::create_transfers, batch_events_max},
      {Operation::lookup_accounts, 0},  // Every id absent.
      {Operation::lookup_accounts, batch_events_max},
      {Operation::lookup_transfers, 0},
      {Operation::lookup_transfers, 3},
      {Operation::get_account_transfers, 0},
      {Operation::get_account_transfers, batch_events_max},
      {Operation::stats, 0},
      {Operation::stats, 8},
      {Operation::stats, stats_counters_max},
  };
  uint64_t request_id = 100;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(operation_name(c.operation)) + " x" + std::to_string(c.count));
    const Bytes body = reply_body(c.operation, c.count, request_id);
    const Bytes frame = reply(c.operation, PS::ok, c.count, body, ++request_id);
    FrameView view;
    ASSERT_EQ(decode_reply(frame, &view), PS::ok);
    expect_decoded(view, frame, c.operation, flag_reply, PS::ok, c.count, request_id);
    EXPECT_EQ(decode_request(frame, &view), PS::flags_invalid);  // A reply is not a request.
  }
}

TEST(RoundTrip, FailedRepliesOfEveryOperationAndStatus) {
  for (Operation operation : all_operations) {
    for (uint16_t number = 1; number <= protocol_status_max; ++number) {
      const PS status = static_cast<PS>(number);
      SCOPED_TRACE(std::string(operation_name(operation)) + " " + std::string(result_name(status)));
      const Bytes frame = reply(operation, status, 0, {}, number);
      FrameView view;
      ASSERT_EQ(decode_reply(frame, &view), PS::ok);
      expect_decoded(view, frame, operation, flag_reply, status, 0, number);
    }
  }
}

void expect_same_transfer(const Transfer& a, const Transfer& b) {
  EXPECT_TRUE(a.id == b.id && a.debit_account_id == b.debit_account_id &&
              a.credit_account_id == b.credit_account_id && a.amount == b.amount &&
              a.pending_id == b.pending_id && a.user_data_128 == b.user_data_128);
  EXPECT_EQ(a.user_data_64, b.user_data_64);
  EXPECT_EQ(a.user_data_32, b.user_data_32);
  EXPECT_EQ(a.timeout_s, b.timeout_s);
  EXPECT_EQ(a.ledger, b.ledger);
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.timestamp, b.timestamp);
}

TEST(RoundTrip, FullBatchOfTransfersKeepsEveryField) {
  SplitMix64 random(3);
  std::vector<Transfer> transfers(batch_events_max);
  Bytes body(transfers.size() * transfer_bytes);
  for (size_t i = 0; i < transfers.size(); ++i) {
    Transfer& t = transfers[i];
    t = {.id = make_u128(random.next(), random.next()),
         .debit_account_id = make_u128(random.next(), random.next()),
         .credit_account_id = make_u128(random.next(), random.next()),
         .amount = make_u128(random.next(), random.next()),
         .pending_id = make_u128(random.next(), random.next()),
         .user_data_128 = make_u128(random.next(), random.next()),
         .user_data_64 = random.next(),
         .user_data_32 = static_cast<uint32_t>(random.next()),
         .timeout_s = static_cast<uint32_t>(random.next()),
         .ledger = static_cast<uint32_t>(random.next()),
         .code = static_cast<uint16_t>(random.next()),
         .flags = static_cast<uint16_t>(random.next()),
         .timestamp = random.next()};
    encode_transfer(t, &body[i * transfer_bytes]);
  }
  const Bytes frame = request(Operation::create_transfers, batch_events_max, body);
  EXPECT_EQ(frame.size(), 64u + 8190u * 128u);
  FrameView view;
  ASSERT_EQ(decode_request(frame, &view), PS::ok);
  for (size_t i = 0; i < transfers.size(); ++i) {
    expect_same_transfer(decode_transfer(&view.body[i * transfer_bytes]), transfers[i]);
  }
  // The reply: 8,190 result bytes padded to 8,192.
  Bytes results(results_body_bytes(batch_events_max), 0);
  EXPECT_EQ(results.size(), 8192u);
  for (size_t i = 0; i < batch_events_max; ++i) results[i] = static_cast<uint8_t>(i % 59);
  const Bytes answer = reply(Operation::create_transfers, PS::ok, batch_events_max, results);
  ASSERT_EQ(decode_reply(answer, &view), PS::ok);
  EXPECT_EQ(view.body[8189], 8189 % 59);
}

TEST(Encode, RefusesWhatDoesNotFit) {
  const Bytes body = request_body(Operation::lookup_accounts, 4, 1);
  Bytes out(64 + body.size());
  EXPECT_EQ(encode_message(Operation::lookup_accounts, 0, PS::ok, 1, 4, body,
                           std::span(out).first(out.size() - 1)),
            0u);
  EXPECT_EQ(encode_message(Operation::lookup_accounts, 0, PS::ok, 1, 4, body, out), out.size());
  const Bytes too_big(frame_body_bytes_max + 1, 0);
  Bytes huge(frame_bytes_max + 1);
  EXPECT_EQ(encode_message(Operation::stats, flag_reply, PS::ok, 1, 0, too_big, huge), 0u);
  // The largest body fits; with 131,064 counters it is too many for stats.
  const Bytes largest(frame_body_bytes_max, 0);
  EXPECT_EQ(encode_message(Operation::stats, flag_reply, PS::ok, 1, frame_body_bytes_max / 8,
                           largest, huge),
            frame_bytes_max);
  FrameView view;
  EXPECT_EQ(decode_reply(std::span(huge).first(frame_bytes_max), &view), PS::count_too_large);
}

TEST(Encode, BodyAlreadyInPlaceOrOverlapping) {
  const Bytes body = request_body(Operation::lookup_transfers, 5, 2);
  const Bytes expected = request(Operation::lookup_transfers, 5, body, 3);
  Bytes in_place(64 + body.size());
  std::copy(body.begin(), body.end(), in_place.begin() + 64);
  ASSERT_EQ(encode_message(Operation::lookup_transfers, 0, PS::ok, 3, 5,
                           std::span(in_place).subspan(64), in_place),
            expected.size());
  EXPECT_EQ(in_place, expected);
  Bytes overlapping(64 + body.size());
  std::copy(body.begin(), body.end(), overlapping.begin() + 10);
  ASSERT_EQ(encode_message(Operation::lookup_transfers, 0, PS::ok, 3, 5,
                           std::span(overlapping).subspan(10, body.size()), overlapping),
            expected.size());
  EXPECT_EQ(overlapping, expected);
}

TEST(Sizes, PerOperation) {
  struct Case {
    Operation operation;
    size_t request_record;
    uint32_t request_max;
    size_t reply_of_9;
    uint32_t reply_max;
    std::string_view name;
  };
  const Case cases[] = {
      {Operation::ping, 0, 0, 0, 0, "ping"},
      {Operation::create_accounts, 128, 8190, 16, 8190, "create_accounts"},
      {Operation::create_transfers, 128, 8190, 16, 8190, "create_transfers"},
      {Operation::lookup_accounts, 16, 8190, 9 * 128, 8190, "lookup_accounts"},
      {Operation::lookup_transfers, 16, 8190, 9 * 128, 8190, "lookup_transfers"},
      {Operation::get_account_transfers, 64, 1, 9 * 128, 8190, "get_account_transfers"},
      {Operation::stats, 0, 0, 9 * 8, 1024, "stats"},
      {Operation::transit_command, 0, 1, 16, 1, "transit_command"},
      {Operation::transit_query, 0, 1, 0, 1, "transit_query"},  // Variable: a framed answer.
      {Operation::transit_subscribe, 0, 1, 0, 1, "transit_subscribe"},
      {Operation::transit_event, 0, 0, 0, 1, "transit_event"},  // Published, never requested.
  };
  for (const Case& c : cases) {
    EXPECT_EQ(request_record_bytes(c.operation), c.request_record) << c.name;
    EXPECT_EQ(request_count_max(c.operation), c.request_max) << c.name;
    EXPECT_EQ(reply_body_bytes(c.operation, 9), c.reply_of_9) << c.name;
    EXPECT_EQ(reply_count_max(c.operation), c.reply_max) << c.name;
    EXPECT_EQ(operation_name(c.operation), c.name);
  }
  EXPECT_EQ(operation_name(static_cast<Operation>(operation_max + 1)), "unknown");
  EXPECT_EQ(operation_name(Operation::feed_transfers), "feed_transfers");
  EXPECT_EQ(reply_body_bytes(Operation::feed_transfers, 3), 3u * 128);
  EXPECT_EQ(results_body_bytes(0), 0u);
  EXPECT_EQ(results_body_bytes(1), 8u);
  EXPECT_EQ(results_body_bytes(8), 8u);
  EXPECT_EQ(results_body_bytes(8190), 8192u);
}

TEST(Status, NamesAndNumbersAreTheSpecs) {
  const std::pair<PS, std::string_view> table[] = {
      {PS::ok, "ok"},
      {PS::frame_too_short, "frame_too_short"},
      {PS::frame_too_long, "frame_too_long"},
      {PS::bad_magic, "bad_magic"},
      {PS::header_checksum_mismatch, "header_checksum_mismatch"},
      {PS::unsupported_version, "unsupported_version"},
      {PS::unknown_operation, "unknown_operation"},
      {PS::flags_invalid, "flags_invalid"},
      {PS::status_not_zero, "status_not_zero"},
      {PS::reserved_not_zero, "reserved_not_zero"},
      {PS::body_length_mismatch, "body_length_mismatch"},
      {PS::count_mismatch, "count_mismatch"},
      {PS::count_too_large, "count_too_large"},
      {PS::count_zero, "count_zero"},
      {PS::body_checksum_mismatch, "body_checksum_mismatch"},
      {PS::busy, "busy"},
      {PS::unauthenticated, "unauthenticated"},
      {PS::forbidden, "forbidden"},
      {PS::store_failed, "store_failed"},
      {PS::shutting_down, "shutting_down"},
      {PS::command_invalid, "command_invalid"},
      {PS::clock_regressed, "clock_regressed"},
  };
  for (size_t number = 0; number < std::size(table); ++number) {
    EXPECT_EQ(static_cast<size_t>(table[number].first), number);
    EXPECT_EQ(result_name(table[number].first), table[number].second);
  }
  EXPECT_EQ(std::size(table), protocol_status_max + 1u);
  EXPECT_EQ(result_name(static_cast<PS>(22)), "unknown");
  EXPECT_TRUE(is_retryable(PS::busy));
  EXPECT_TRUE(is_retryable(PS::body_checksum_mismatch));
  EXPECT_FALSE(is_retryable(PS::ok));
  EXPECT_FALSE(is_retryable(PS::count_too_large));
}

// ---- Malformed requests: one defect per status, and their precedence ---------------------------

// A defect per decoder status, in check order: defect d gives status d + 1.
enum class Defect : uint8_t {
  too_short,
  too_long,
  bad_magic,
  header_checksum,
  version,
  operation,
  flags,
  status,
  reserved,
  body_length,
  count_mismatch,
  count_too_large,
  count_zero,
  body_checksum,
};
constexpr size_t defect_count = 14;

PS status_of(Defect defect) {
  return static_cast<PS>(static_cast<uint16_t>(defect) + 1);
}

// A lookup_accounts request of 2 ids, with the given defects. Each defect touches its own field
// only, so that any two combine (except count_too_large with count_zero: one count).
Bytes defective_request(std::span<const Defect> defects) {
  const auto has = [&](Defect d) {
    return std::find(defects.begin(), defects.end(), d) != defects.end();
  };
  KERVAN_ASSERT(!(has(Defect::count_too_large) && has(Defect::count_zero)));
  uint32_t count = 2;
  if (has(Defect::count_too_large)) count = batch_events_max + 1;
  if (has(Defect::count_zero)) count = 0;
  Bytes body = request_body(Operation::lookup_accounts, count, 1);
  if (has(Defect::count_mismatch)) body.resize(body.size() + 8);
  Bytes frame = request(Operation::lookup_accounts, count, body);
  if (has(Defect::bad_magic)) store_u32_le(&frame[at_magic], 0x4b52564e);  // "NVRK"
  if (has(Defect::version)) store_u16_le(&frame[at_version], 2);
  if (has(Defect::operation)) store_u16_le(&frame[at_operation], 0);
  if (has(Defect::flags)) store_u16_le(&frame[at_flags], flag_reply);
  if (has(Defect::status)) store_u16_le(&frame[at_status], static_cast<uint16_t>(PS::busy));
  if (has(Defect::reserved)) frame[at_reserved + 27] = 1;
  if (has(Defect::body_length)) {
    store_u32_le(&frame[at_body_bytes], load_u32_le(&frame[at_body_bytes]) + 1);
  }
  if (has(Defect::body_checksum)) frame[at_body_checksum] ^= 1;
  seal_header(frame);
  if (has(Defect::header_checksum)) frame[at_header_checksum + 3] ^= 0x80;
  if (has(Defect::too_long)) frame.resize(frame_bytes_max + 1);
  if (has(Defect::too_short)) frame.resize(frame_header_bytes - 1);
  return frame;
}

// Decodes a defective request, checking what *out holds on failure.
PS decode_defective(std::span<const Defect> defects) {
  const Bytes frame = defective_request(defects);
  FrameView view;
  view.header.request_id = 1234;  // Overwritten in any case.
  const PS status = decode_request(frame, &view);
  EXPECT_TRUE(view.body.empty());
  EXPECT_EQ(view.header.request_id, header_readable(status) ? 7u : 0u);
  return status;
}

TEST(DecodeRequest, TheValidBaseFrameDecodes) {
  const Bytes frame = defective_request({});
  FrameView view;
  EXPECT_EQ(decode_request(frame, &view), PS::ok);
}

TEST(DecodeRequest, EachDefectGetsItsStatus) {
  for (size_t d = 0; d < defect_count; ++d) {
    const Defect defect[] = {static_cast<Defect>(d)};
    EXPECT_EQ(decode_defective(defect), status_of(defect[0])) << "defect " << d;
  }
}

TEST(DecodeRequest, OfTwoDefectsTheEarlierCheckWins) {
  for (size_t first = 0; first < defect_count; ++first) {
    for (size_t second = first + 1; second < defect_count; ++second) {
      const Defect defects[] = {static_cast<Defect>(first), static_cast<Defect>(second)};
      if (defects[0] == Defect::count_too_large && defects[1] == Defect::count_zero) continue;
      EXPECT_EQ(decode_defective(defects), status_of(defects[0]))
          << "defects " << first << " and " << second;
    }
  }
}

TEST(DecodeRequest, PeelingDefectsOffOneByOne) {
  for (size_t first = 0; first < defect_count; ++first) {
    std::vector<Defect> defects;
    for (size_t d = first; d < defect_count; ++d) {
      const auto defect = static_cast<Defect>(d);
      if (defect == Defect::count_zero && first <= static_cast<size_t>(Defect::count_too_large)) {
        continue;
      }
      defects.push_back(defect);
    }
    EXPECT_EQ(decode_defective(defects), status_of(defects[0])) << "from defect " << first;
  }
}

TEST(DecodeRequest, MalformedTable) {
  const Bytes ping = valid_request(Operation::ping, 0, 1);
  const Bytes lookup = valid_request(Operation::lookup_transfers, 3, 2);
  const Bytes create = valid_request(Operation::create_transfers, 2, 3);
  const Bytes filter = valid_request(Operation::get_account_transfers, 1, 4);
  const MalformedCase cases[] = {
      {"empty", {}, PS::frame_too_short},
      {"63 bytes", resized(ping, 63), PS::frame_too_short},
      {"1 MiB + 1", resized(create, frame_bytes_max + 1), PS::frame_too_long},
      {"magic byte-swapped", with_u32(ping, at_magic, 0x4b52564e), PS::bad_magic},
      {"magic zero", with_u32(ping, at_magic, 0), PS::bad_magic},
      {"request_id bit flipped", flipped(ping, at_request_id, 0x08), PS::header_checksum_mismatch},
      {"header checksum bit flipped", flipped(ping, 62, 0x01), PS::header_checksum_mismatch},
      {"version 0", with_u16(ping, at_version, 0), PS::unsupported_version},
      {"version 2", with_u16(ping, at_version, 2), PS::unsupported_version},
      {"operation 0", with_u16(ping, at_operation, 0), PS::unknown_operation},
      {"operation 14", with_u16(ping, at_operation, operation_max + 1), PS::unknown_operation},
      {"a feed operation requested", with_u16(ping, at_operation, 9), PS::unknown_operation},
      {"operation 0xFFFF", with_u16(ping, at_operation, 0xFFFF), PS::unknown_operation},
      {"reply bit in a request", with_u16(ping, at_flags, flag_reply), PS::flags_invalid},
      {"unknown flag bit", with_u16(ping, at_flags, 0x8000), PS::flags_invalid},
      {"status in a request", with_u16(ping, at_status, 1), PS::status_not_zero},
      {"unknown status in a request", with_u16(ping, at_status, 20), PS::status_not_zero},
      {"first reserved byte", with_byte(ping, at_reserved, 1, false), PS::reserved_not_zero},
      {"last reserved byte", with_byte(ping, 59, 0x80, false), PS::reserved_not_zero},
      {"body_bytes one short", with_u32(lookup, at_body_bytes, 47), PS::body_length_mismatch},
      {"a byte after the body", resized(lookup, lookup.size() + 1), PS::body_length_mismatch},
      {"body cut by one byte", resized(lookup, lookup.size() - 1), PS::body_length_mismatch},
      {"ids count 4 for 3 ids", with_u32(lookup, at_count, 4), PS::count_mismatch},
      {"transfers count 1 for 2", with_u32(create, at_count, 1), PS::count_mismatch},
      {"ping with a body", request(Operation::ping, 0, Bytes(8, 0)), PS::count_mismatch},
      {"transfer of 127 bytes", request(Operation::create_transfers, 1, Bytes(127, 0)),
       PS::count_mismatch},
      {"ping count 1", with_u32(ping, at_count, 1), PS::count_too_large},
      {"stats count 1", request(Operation::stats, 1, {}), PS::count_too_large},
      {"two filters", valid_request(Operation::get_account_transfers, 2, 5), PS::count_too_large},
      {"8,191 accounts", valid_request(Operation::create_accounts, 8191, 6), PS::count_too_large},
      {"8,191 ids", valid_request(Operation::lookup_accounts, 8191, 7), PS::count_too_large},
      {"no accounts", request(Operation::create_accounts, 0, {}), PS::count_zero},
      {"no transfers", request(Operation::create_transfers, 0, {}), PS::count_zero},
      {"no ids", request(Operation::lookup_accounts, 0, {}), PS::count_zero},
      {"no filter", request(Operation::get_account_transfers, 0, {}), PS::count_zero},
      {"body byte flipped", flipped(create, 64 + 200, 0x04), PS::body_checksum_mismatch},
      {"body checksum field", with_u32(filter, at_body_checksum, 0), PS::body_checksum_mismatch},
  };
  for (const MalformedCase& c : cases) {
    FrameView view;
    EXPECT_EQ(decode_request(c.frame, &view), c.expected) << c.name;
  }
}

TEST(DecodeReply, MalformedTable) {
  const Bytes ping = valid_reply(Operation::ping, 0, 1);
  const Bytes results = valid_reply(Operation::create_accounts, 5, 2);  // 5 results + 3 padding.
  const Bytes found = valid_reply(Operation::lookup_accounts, 2, 3);
  const Bytes failed = reply(Operation::create_transfers, PS::busy, 0, {});
  const MalformedCase cases[] = {
      {"63 bytes", resized(ping, 63), PS::frame_too_short},
      {"1 MiB + 1", resized(found, frame_bytes_max + 1), PS::frame_too_long},
      {"magic", with_u32(ping, at_magic, 1), PS::bad_magic},
      {"header checksum", flipped(ping, at_header_checksum, 0x10), PS::header_checksum_mismatch},
      {"version", with_u16(ping, at_version, 3), PS::unsupported_version},
      {"operation", with_u16(ping, at_operation, operation_max + 1), PS::unknown_operation},
      {"no reply bit", with_u16(ping, at_flags, 0), PS::flags_invalid},
      {"unknown flag bit", with_u16(ping, at_flags, 3), PS::flags_invalid},
      {"first unknown status", with_u16(ping, at_status, protocol_status_max + 1),
       PS::status_not_zero},
      {"status 0xFFFF", with_u16(ping, at_status, 0xFFFF), PS::status_not_zero},
      {"reserved", with_byte(ping, 45, 1, false), PS::reserved_not_zero},
      {"body_bytes", with_u32(found, at_body_bytes, 0), PS::body_length_mismatch},
      {"9 results in 8 bytes", with_u32(results, at_count, 9), PS::count_mismatch},
      {"4 results: the fifth is padding", with_u32(results, at_count, 4), PS::reserved_not_zero},
      {"results unpadded", reply(Operation::create_accounts, PS::ok, 5, Bytes(5, 0)),
       PS::count_mismatch},
      {"account of 127 bytes", reply(Operation::lookup_accounts, PS::ok, 1, Bytes(127, 0)),
       PS::count_mismatch},
      {"failure with a body", reply(Operation::ping, PS::busy, 0, Bytes(8, 0)), PS::count_mismatch},
      {"ping count 1", with_u32(ping, at_count, 1), PS::count_too_large},
      {"failure count 1", with_u32(failed, at_count, 1), PS::count_too_large},
      {"1,025 counters", valid_reply(Operation::stats, 1025, 4), PS::count_too_large},
      {"8,191 transfers", valid_reply(Operation::lookup_transfers, 8191, 5), PS::count_too_large},
      {"8,191 results", valid_reply(Operation::create_transfers, 8191, 6), PS::count_too_large},
      {"no results", reply(Operation::create_accounts, PS::ok, 0, {}), PS::count_zero},
      {"body byte flipped", flipped(found, 100, 0x01), PS::body_checksum_mismatch},
      {"padding not zero", with_byte(results, 64 + 7, 1, true), PS::reserved_not_zero},
      {"padding not zero, unsealed", flipped(results, 64 + 7, 1), PS::body_checksum_mismatch},
  };
  for (const MalformedCase& c : cases) {
    FrameView view;
    EXPECT_EQ(decode_reply(c.frame, &view), c.expected) << c.name;
    if (header_readable(c.expected)) {
      EXPECT_EQ(view.header.count, load_u32_le(&c.frame[12]));
    }
  }
}

// ---- Filter ----------------------------------------------------------------------------------

bool same_filter(const AccountTransfersFilter& a, const AccountTransfersFilter& b) {
  return a.account_id == b.account_id && a.timestamp_min == b.timestamp_min &&
         a.timestamp_max == b.timestamp_max && a.limit == b.limit && a.debits == b.debits &&
         a.credits == b.credits && a.reversed == b.reversed;
}

TEST(Filter, RoundTripsEveryFlagAndExtreme) {
  std::vector<AccountTransfersFilter> filters = {
      {.account_id = 1, .limit = 1},
      {.account_id = u128_max,
       .timestamp_min = UINT64_MAX,
       .timestamp_max = UINT64_MAX,
       .limit = UINT32_MAX},
      {.account_id = make_u128(1, 2), .timestamp_min = 3, .timestamp_max = 4, .limit = 8190},
  };
  for (uint32_t flags = 0; flags < 8; ++flags) {
    filters.push_back({.account_id = 7,
                       .limit = 10,
                       .debits = (flags & 1) != 0,
                       .credits = (flags & 2) != 0,
                       .reversed = (flags & 4) != 0});
  }
  for (const AccountTransfersFilter& filter : filters) {
    std::array<uint8_t, filter_bytes> bytes;
    bytes.fill(0xEE);
    encode_filter(filter, bytes.data());
    AccountTransfersFilter decoded{};
    ASSERT_TRUE(decode_filter(bytes.data(), &decoded));
    EXPECT_TRUE(same_filter(decoded, filter));
  }
}

TEST(Filter, LayoutIsTheSpecs) {
  const AccountTransfersFilter filter{.account_id = make_u128(0x1112, 0x0102),
                                      .timestamp_min = 0x21,
                                      .timestamp_max = 0x31,
                                      .limit = 0x41,
                                      .debits = true,
                                      .credits = false,
                                      .reversed = true};
  std::array<uint8_t, filter_bytes> bytes;
  bytes.fill(0xEE);
  encode_filter(filter, bytes.data());
  EXPECT_EQ(bytes[0], 0x02);
  EXPECT_EQ(bytes[1], 0x01);
  EXPECT_EQ(bytes[8], 0x12);
  EXPECT_EQ(bytes[9], 0x11);
  EXPECT_EQ(load_u64_le(&bytes[16]), 0x21u);
  EXPECT_EQ(load_u64_le(&bytes[24]), 0x31u);
  EXPECT_EQ(load_u32_le(&bytes[32]), 0x41u);
  EXPECT_EQ(load_u32_le(&bytes[36]), 0b101u);
  for (size_t i = 40; i < 64; ++i) EXPECT_EQ(bytes[i], 0) << i;
}

TEST(Filter, Rejections) {
  const AccountTransfersFilter valid{.account_id = 5, .limit = 3};
  std::array<uint8_t, filter_bytes> good;
  encode_filter(valid, good.data());
  struct Case {
    const char* name;
    size_t at;
    uint8_t value;
    bool accepted;
  };
  const Case cases[] = {
      {"unchanged", 0, 5, true},
      {"flag bit 3", 36, 0b1011, false},
      {"flag bit 31", 39, 0x80, false},
      {"neither debits nor credits", 36, 0, true},
      {"first reserved byte", 40, 1, false},
      {"last reserved byte", 63, 1, false},
      {"limit 0", 32, 0, false},
      {"limit 2^24", 35, 1, true},
  };
  for (const Case& c : cases) {
    std::array<uint8_t, filter_bytes> bytes = good;
    bytes[c.at] = c.value;
    AccountTransfersFilter out{.account_id = 99, .limit = 99};
    EXPECT_EQ(decode_filter(bytes.data(), &out), c.accepted) << c.name;
    if (!c.accepted) {
      EXPECT_TRUE(out.account_id == 99 && out.limit == 99) << c.name;
    }
  }
}

TEST(Id, LittleEndianSixteenBytes) {
  std::array<uint8_t, id_bytes> bytes{};
  const u128 id = make_u128(0x0F0E0D0C0B0A0908, 0x0706050403020100);
  encode_id(id, bytes.data());
  for (size_t i = 0; i < id_bytes; ++i) EXPECT_EQ(bytes[i], i);
  EXPECT_TRUE(decode_id(bytes.data()) == id);
}

// ---- Random mutations -------------------------------------------------------------------------

// A decoded frame must be exactly what encode_message writes for its header and body: nothing
// unchecked can hide in a frame that decodes.
void expect_canonical(std::span<const uint8_t> frame, const FrameView& view) {
  ASSERT_EQ(view.body.size(), view.header.body_bytes);
  ASSERT_EQ(view.body.data(), frame.data() + 64);
  Bytes again(frame.size());
  ASSERT_EQ(encode_message(view.header.operation, view.header.flags, view.header.status,
                           view.header.request_id, view.header.count, view.body, again),
            frame.size());
  EXPECT_TRUE(std::equal(again.begin(), again.end(), frame.begin(), frame.end()));
}

TEST(Mutation, NeverCrashesAndNeverAcceptsAChangedFrame) {
  std::vector<Bytes> bases;
  for (Operation operation : all_operations) {
    const uint32_t count = std::min<uint32_t>(request_count_max(operation), 3);
    bases.push_back(valid_request(operation, count, bases.size()));
    bases.push_back(valid_reply(operation, operation == Operation::ping ? 0 : 3, bases.size()));
    bases.push_back(reply(operation, PS::forbidden, 0, {}, bases.size()));
  }
  SplitMix64 random(0x5EED'CAFE);
  uint32_t changed = 0, resealed_ok = 0;
  for (int i = 0; i < 5000; ++i) {
    const Bytes& base = bases[random.below(bases.size())];
    Bytes frame = base;
    const uint64_t kind = random.below(6);
    if (kind == 0) {  // One bit.
      frame[random.below(frame.size())] ^= static_cast<uint8_t>(1u << random.below(8));
    } else if (kind == 1) {  // Up to four bytes.
      for (uint64_t n = 1 + random.below(4); n > 0; --n) {
        frame[random.below(frame.size())] = static_cast<uint8_t>(random.next());
      }
    } else if (kind == 2) {  // Cut.
      frame.resize(random.below(frame.size()));
    } else if (kind == 3) {  // Grown.
      for (uint64_t n = 1 + random.below(16); n > 0; --n) {
        frame.push_back(static_cast<uint8_t>(random.next()));
      }
    } else if (kind == 4) {  // A byte inserted.
      frame.insert(frame.begin() + static_cast<ptrdiff_t>(random.below(frame.size() + 1)),
                   static_cast<uint8_t>(random.next()));
    } else {  // A header field rewritten, checksums resealed: a new frame, valid or not.
      frame[random.below(60)] = static_cast<uint8_t>(random.next());
      seal_body(frame);
    }
    FrameView as_request, as_reply;
    const PS request_status = decode_request(frame, &as_request);
    const PS reply_status = decode_reply(frame, &as_reply);
    if (kind != 5 && frame != base) {
      ++changed;
      EXPECT_NE(request_status, PS::ok) << "mutation " << i;
      EXPECT_NE(reply_status, PS::ok) << "mutation " << i;
    }
    if (request_status == PS::ok) expect_canonical(frame, as_request);
    if (reply_status == PS::ok) expect_canonical(frame, as_reply);
    if (kind == 5 && (request_status == PS::ok || reply_status == PS::ok)) ++resealed_ok;
  }
  EXPECT_GT(changed, 3000u);
  EXPECT_GT(resealed_ok, 10u);  // Some rewrites (request_id, another operation) stay valid.
}

TEST(Mutation, RandomBytesNeverDecode) {
  SplitMix64 random(77);
  for (int i = 0; i < 2000; ++i) {
    const Bytes frame = random_bytes(random.below(600), random.next());
    FrameView view;
    EXPECT_NE(decode_request(frame, &view), PS::ok);
    EXPECT_NE(decode_reply(frame, &view), PS::ok);
  }
}

}  // namespace
}  // namespace kervan
