// libFuzzer target for the wire decoders (docs/protocol.md); built with clang++ only
// (tests/CMakeLists.txt, KERVAN_BUILD_FUZZ) and run briefly by ctest as fuzz_protocol_short.
//
// Input byte 0 picks a mode, the rest is the frame. Bit 0: recompute both checksums (a CRC is
// out of a fuzzer's reach); bit 1: set body_bytes to the frame's; bit 2: cut the body to whole
// records of the operation (of a reply with bit 4) and set body_bytes and count to match;
// bit 3: set magic and version, zero the reserved bytes, and set the flags of a request (and
// status 0) or, with bit 4, of a reply. Mode 0 takes the frame as received, so every early
// check stays reachable; the repairs let an empty corpus reach the ok paths within seconds.
// What is checked: the decoders never crash or read outside the frame (ASan, UBSan), whatever
// decodes ok is exactly what encode_message writes for its header and body, and its records
// decode and encode back to the same bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "api/protocol.h"
#include "core/assert.h"
#include "ledger/record_coding.h"
#include "ledger/state_machine.h"
#include "tests/api/frames.h"

namespace {

using namespace kervan;

// Canonical: re-encoding the decoded header and body gives the frame back, byte for byte.
void check_canonical(std::span<const uint8_t> frame, const FrameView& view) {
  KERVAN_ASSERT(view.body.size() == view.header.body_bytes);
  KERVAN_ASSERT(view.body.data() == frame.data() + frame_header_bytes);
  std::vector<uint8_t> again(frame.size());
  const FrameHeader& h = view.header;
  const size_t written =
      encode_message(h.operation, h.flags, h.status, h.request_id, h.count, view.body, again);
  KERVAN_ASSERT(written == frame.size());
  KERVAN_ASSERT(std::memcmp(again.data(), frame.data(), frame.size()) == 0);
}

// Every 128-byte record decodes and encodes back to the same bytes (no field is lost).
void check_records(std::span<const uint8_t> body, bool accounts) {
  KERVAN_ASSERT(body.size() % 128 == 0);
  uint8_t again[128];
  for (size_t at = 0; at < body.size(); at += 128) {
    if (accounts) {
      encode_account(decode_account(&body[at]), again);
    } else {
      encode_transfer(decode_transfer(&body[at]), again);
    }
    KERVAN_ASSERT(std::memcmp(again, &body[at], 128) == 0);
  }
}

void check_request_body(const FrameView& view) {
  const std::span<const uint8_t> body = view.body;
  switch (view.header.operation) {
    case Operation::create_accounts:
      return check_records(body, true);
    case Operation::create_transfers:
      return check_records(body, false);
    case Operation::lookup_accounts:
    case Operation::lookup_transfers:
      for (size_t at = 0; at < body.size(); at += id_bytes) {
        uint8_t again[id_bytes];
        encode_id(decode_id(&body[at]), again);
        KERVAN_ASSERT(std::memcmp(again, &body[at], id_bytes) == 0);
      }
      return;
    case Operation::get_account_transfers: {
      KERVAN_ASSERT(body.size() == filter_bytes);
      AccountTransfersFilter filter;
      if (!decode_filter(body.data(), &filter)) return;
      uint8_t again[filter_bytes];
      encode_filter(filter, again);
      KERVAN_ASSERT(std::memcmp(again, body.data(), filter_bytes) == 0);
      return;
    }
    case Operation::ping:
    case Operation::stats:
      KERVAN_ASSERT(body.empty());
      return;
    case Operation::transit_command: {
      KERVAN_ASSERT(!transit_command_of(body).empty());
      const std::span<const uint8_t> codes = transit_access_codes_of(body);
      std::array<std::string_view, access_codes_max_per_request> given{};
      size_t count = 0;
      if (!codes.empty() && decode_access_codes(codes, given, &count)) {
        KERVAN_ASSERT(count <= access_codes_max_per_request);
      }
      return;
    }
    case Operation::transit_query:
    case Operation::transit_subscribe:
      KERVAN_ASSERT(!transit_command_of(body).empty());
      KERVAN_ASSERT(transit_access_codes_of(body).empty() && transit_as_of_of(body) == 0);
      return;
    case Operation::feed_accounts:
    case Operation::feed_transfers:
    case Operation::transit_event:
      KERVAN_UNREACHABLE();  // decode_request refuses them: published, never requested.
  }
  KERVAN_UNREACHABLE();
}

void check_reply_body(const FrameView& view) {
  const FrameHeader& h = view.header;
  if (h.status == ProtocolStatus::ok && h.operation == Operation::transit_query) {
    KERVAN_ASSERT(!transit_command_of(view.body).empty());  // One framed answer.
    return;
  }
  KERVAN_ASSERT(view.body.size() ==
                (h.status == ProtocolStatus::ok ? reply_body_bytes(h.operation, h.count) : 0));
  if (h.status != ProtocolStatus::ok) return;
  if (h.operation == Operation::lookup_accounts) check_records(view.body, true);
  if (h.operation == Operation::lookup_transfers ||
      h.operation == Operation::get_account_transfers) {
    check_records(view.body, false);
  }
}

// The frame to decode: `input` with the mode's repairs, so that the fuzzer gets past the checks
// it cannot solve. An exact-size heap copy: ASan reports any read past its end.
std::vector<uint8_t> repaired(uint8_t mode, std::span<const uint8_t> input) {
  using namespace kervan::testing;
  if (input.size() < frame_header_bytes) return {input.begin(), input.end()};
  const bool reply = (mode & 16) != 0;
  const uint16_t operation = load_u16_le(&input[at_operation]);
  size_t record = 0;  // With bit 2: the body is cut to whole records, and count set to match.
  if ((mode & 4) != 0 && operation_known(operation)) {
    const auto op = static_cast<Operation>(operation);
    record = reply ? reply_body_bytes(op, 1) : request_record_bytes(op);
  }
  size_t body_bytes = input.size() - frame_header_bytes;
  if (record != 0) body_bytes -= body_bytes % record;
  const auto taken = input.first(frame_header_bytes + body_bytes);
  std::vector<uint8_t> frame(taken.begin(), taken.end());
  if ((mode & 8) != 0) {
    store_u32_le(&frame[at_magic], protocol_magic);
    store_u16_le(&frame[at_version], protocol_version);
    std::memset(&frame[at_reserved], 0, at_header_checksum - at_reserved);
    store_u16_le(&frame[at_flags], reply ? flag_reply : 0);
    if (!reply) store_u16_le(&frame[at_status], 0);
  }
  if ((mode & 2) != 0 || record != 0) {
    store_u32_le(&frame[at_body_bytes], static_cast<uint32_t>(body_bytes));
  }
  if (record != 0) {
    // A create_* reply: one result byte each, so count is the body's length (no padding).
    const bool results = reply && (operation == 2 || operation == 3);
    store_u32_le(&frame[at_count],
                 static_cast<uint32_t>(results ? body_bytes : body_bytes / record));
  }
  if ((mode & 1) != 0) seal_body(frame);
  return frame;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<uint8_t> frame = repaired(data[0], {data + 1, size - 1});
  FrameView view;
  if (decode_request(frame, &view) == ProtocolStatus::ok) {
    check_canonical(frame, view);
    check_request_body(view);
  }
  if (decode_reply(frame, &view) == ProtocolStatus::ok) {
    check_canonical(frame, view);
    check_reply_body(view);
  }
  return 0;
}
