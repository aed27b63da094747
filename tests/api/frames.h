// Test helpers for wire frames, shared by the protocol tests and the fuzz target: the header
// offsets as docs/protocol.md gives them (written again here, so that the tests hold the codec
// to the spec rather than to itself), resealing after a mutation, and valid frames to mutate.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "api/crc32c.h"
#include "api/protocol.h"
#include "core/assert.h"
#include "core/bytes.h"
#include "core/random.h"

namespace kervan::testing {

inline constexpr size_t at_magic = 0;
inline constexpr size_t at_version = 4;
inline constexpr size_t at_operation = 6;
inline constexpr size_t at_flags = 8;
inline constexpr size_t at_status = 10;
inline constexpr size_t at_count = 12;
inline constexpr size_t at_request_id = 16;
inline constexpr size_t at_body_bytes = 24;
inline constexpr size_t at_body_checksum = 28;
inline constexpr size_t at_reserved = 32;  // 28 bytes: [32, 60).
inline constexpr size_t at_header_checksum = 60;

// Recomputes the header checksum. REQUIRES: frame.size() >= 64.
inline void seal_header(std::span<uint8_t> frame) {
  store_u32_le(&frame[at_header_checksum], crc32c(frame.first(at_header_checksum)));
}
// Recomputes the body checksum, then the header checksum. REQUIRES: frame.size() >= 64.
inline void seal_body(std::span<uint8_t> frame) {
  store_u32_le(&frame[at_body_checksum], crc32c(frame.subspan(frame_header_bytes)));
  seal_header(frame);
}

inline std::vector<uint8_t> message(Operation operation, uint16_t flags, ProtocolStatus status,
                                    uint64_t request_id, uint32_t count,
                                    std::span<const uint8_t> body) {
  std::vector<uint8_t> frame(frame_header_bytes + body.size());
  const size_t written = encode_message(operation, flags, status, request_id, count, body, frame);
  KERVAN_ASSERT(written == frame.size());
  return frame;
}
inline std::vector<uint8_t> request(Operation operation, uint32_t count,
                                    std::span<const uint8_t> body, uint64_t request_id = 7) {
  return message(operation, 0, ProtocolStatus::ok, request_id, count, body);
}
inline std::vector<uint8_t> reply(Operation operation, ProtocolStatus status, uint32_t count,
                                  std::span<const uint8_t> body, uint64_t request_id = 7) {
  return message(operation, flag_reply, status, request_id, count, body);
}

// `n` pseudo-random bytes.
inline std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  SplitMix64 random(seed);
  std::vector<uint8_t> bytes(n);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(random.next());
  return bytes;
}

// A valid request body of `count` records: random accounts, transfers and ids (the codec does
// not look into records), or a valid filter.
inline std::vector<uint8_t> request_body(Operation operation, uint32_t count, uint64_t seed) {
  if (operation == Operation::get_account_transfers) {
    std::vector<uint8_t> body(filter_bytes * count, 0);
    for (uint32_t i = 0; i < count; ++i) {
      uint8_t* filter = &body[filter_bytes * i];
      store_u128_le(filter, make_u128(seed, i + 1));
      store_u32_le(filter + 32, 10);  // limit
      store_u32_le(filter + 36, 3);   // debits and credits
    }
    return body;
  }
  return random_bytes(request_record_bytes(operation) * count, seed);
}

// A valid body of an ok reply with `count` records (results are codes below 59, padding 0).
inline std::vector<uint8_t> reply_body(Operation operation, uint32_t count, uint64_t seed) {
  std::vector<uint8_t> body = random_bytes(reply_body_bytes(operation, count), seed);
  if (operation == Operation::create_accounts || operation == Operation::create_transfers) {
    for (size_t i = 0; i < body.size(); ++i) {
      body[i] = i < count ? static_cast<uint8_t>(body[i] % 59) : 0;
    }
  }
  return body;
}

inline std::vector<uint8_t> valid_request(Operation operation, uint32_t count, uint64_t seed) {
  return request(operation, count, request_body(operation, count, seed), seed);
}
inline std::vector<uint8_t> valid_reply(Operation operation, uint32_t count, uint64_t seed) {
  return reply(operation, ProtocolStatus::ok, count, reply_body(operation, count, seed), seed);
}

// A defective frame and the status a decoder must give it.
struct MalformedCase {
  const char* name;
  std::vector<uint8_t> frame;
  ProtocolStatus expected;
};

inline std::vector<uint8_t> with_u16(std::vector<uint8_t> frame, size_t at, uint16_t value) {
  store_u16_le(&frame[at], value);
  seal_header(frame);
  return frame;
}
inline std::vector<uint8_t> with_u32(std::vector<uint8_t> frame, size_t at, uint32_t value) {
  store_u32_le(&frame[at], value);
  seal_header(frame);
  return frame;
}
// Sets a byte and reseals the header (and the body's checksum with `reseal_body`).
inline std::vector<uint8_t> with_byte(std::vector<uint8_t> frame, size_t at, uint8_t value, bool reseal_body) {
  frame[at] = value;
  if (reseal_body) {
    seal_body(frame);
  } else {
    seal_header(frame);
  }
  return frame;
}
// Flips bits without resealing anything: what corruption in flight does.
inline std::vector<uint8_t> flipped(std::vector<uint8_t> frame, size_t at, uint8_t mask) {
  frame[at] ^= mask;
  return frame;
}
inline std::vector<uint8_t> resized(std::vector<uint8_t> frame, size_t size) {
  frame.resize(size);
  return frame;
}

}  // namespace kervan::testing
