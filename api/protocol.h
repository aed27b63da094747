// The Kervan wire protocol, version 1 (docs/protocol.md): one message per ZeroMQ frame, a
// 64-byte little-endian header followed by a body of fixed-size records.
//
// This file is the codec only: pure functions over byte spans, with no sockets, no exceptions
// and no allocation. A decoder checks a received frame in the fixed order of docs/protocol.md
// ("Checks, in order") and returns the status of the first check that fails, so that a frame
// with several defects always gets the same answer. The server answers a request that does not
// decode with that status; a client drops (and counts) a reply that does not decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/int128.h"
#include "ledger/journal_format.h"
#include "ledger/limits.h"
#include "ledger/record_coding.h"

namespace kervan {

struct AccountTransfersFilter;  // ledger/state_machine.h

inline constexpr uint32_t protocol_magic = 0x4e56524b;  // "KRVN" in byte order.
inline constexpr uint16_t protocol_version = 1;
inline constexpr size_t frame_header_bytes = 64;
inline constexpr size_t frame_bytes_max = message_bytes_max;
inline constexpr size_t frame_body_bytes_max = frame_bytes_max - frame_header_bytes;
inline constexpr size_t filter_bytes = 64;
inline constexpr size_t id_bytes = 16;            // A u128 id in a lookup request.
inline constexpr size_t stats_counter_bytes = 8;  // A u64 counter in a stats reply.
// Counters a stats reply may carry: far more than the server has, far less than a frame holds.
inline constexpr uint32_t stats_counters_max = 1024;

static_assert(frame_header_bytes <= message_header_bytes_max);
static_assert(frame_header_bytes + uint64_t{batch_events_max} * transfer_bytes <= frame_bytes_max);
static_assert(frame_header_bytes + uint64_t{stats_counters_max} * stats_counter_bytes <=
              frame_bytes_max);

// DO NOT CHANGE the numbers: sent on the wire. Append only.
#define KERVAN_OPERATIONS(X)  \
  X(ping, 1)                  \
  X(create_accounts, 2)       \
  X(create_transfers, 3)      \
  X(lookup_accounts, 4)       \
  X(lookup_transfers, 5)      \
  X(get_account_transfers, 6) \
  X(stats, 7)                 \
  X(feed_accounts, 8)         \
  X(feed_transfers, 9)        \
  X(transit_command, 10)      \
  X(transit_query, 11)        \
  X(transit_subscribe, 12)    \
  X(transit_event, 13)

// DO NOT CHANGE the numbers: sent on the wire (the status field of a reply). Append only.
// Statuses 1 to 14 are a decoder's; 15 to 19 are the server's alone.
#define KERVAN_PROTOCOL_STATUSES(X) \
  X(ok, 0)                          \
  X(frame_too_short, 1)             \
  X(frame_too_long, 2)              \
  X(bad_magic, 3)                   \
  X(header_checksum_mismatch, 4)    \
  X(unsupported_version, 5)         \
  X(unknown_operation, 6)           \
  X(flags_invalid, 7)               \
  X(status_not_zero, 8)             \
  X(reserved_not_zero, 9)           \
  X(body_length_mismatch, 10)       \
  X(count_mismatch, 11)             \
  X(count_too_large, 12)            \
  X(count_zero, 13)                 \
  X(body_checksum_mismatch, 14)     \
  X(busy, 15)                       \
  X(unauthenticated, 16)            \
  X(forbidden, 17)                  \
  X(store_failed, 18)               \
  X(shutting_down, 19)              \
  X(command_invalid, 20)            \
  X(clock_regressed, 21)

#define KERVAN_ENUM_VALUE(name, number) name = number,
enum class Operation : uint16_t { KERVAN_OPERATIONS(KERVAN_ENUM_VALUE) };
enum class ProtocolStatus : uint16_t { KERVAN_PROTOCOL_STATUSES(KERVAN_ENUM_VALUE) };
#undef KERVAN_ENUM_VALUE

inline constexpr uint16_t operation_max = 13;
// Feed operations are published, never requested: a request naming one is unknown_operation.
// transit_command (10): count 1; the body is a u32 length L, a u32 length A, a u64 as_of_ns,
// L bytes of one transit command (ledger/transit/transit_command.h), A bytes of access codes
// (declare_movement only: encode_access_codes()), zero padding to a multiple of 8. as_of_ns 0
// applies the step at the server's clock; any other value is the business time of a
// simulation or replay, accepted only by a server whose transit clock is "requests" and from
// an operator (docs/protocol.md). Reply: one u8 TransitResult, padded to 8.
// transit_query (11): count 1; the same body, with A and as_of_ns zero and L bytes of one query
// (api/transit_query.h). Reply: count 1 and the same framing around one answer.
// transit_subscribe (12): count 1; the same body, A and as_of_ns zero, L = 8 bytes of zero.
// Reply: count 1, the same framing around a u64, the transit journal's last sequence then: the
// connection then receives a transit_event (13) for every later step that took effect and that
// the sender's party may read (api/transit_event.h), as a published reply whose request_id is
// the step's sequence and whose as_of_ns is its business time.
inline constexpr size_t transit_body_prefix_bytes = 16;
inline constexpr size_t transit_body_bytes_max = transit_body_prefix_bytes + 513 * 1024;
// The largest command and a declaration's access codes fit (the codes take 586 bytes at most).
static_assert(transit_body_bytes_max >= transit_body_prefix_bytes + journal_command_bytes_max + 586);
// The largest transit_query reply body: an answer of up to 256 KiB, framed.
inline constexpr size_t transit_answer_body_bytes_max = transit_body_prefix_bytes + 256 * 1024;
static_assert(transit_answer_body_bytes_max <= frame_body_bytes_max);
// Writes the body for `payload` (a command, a query or an answer) and `access_codes` (empty, or
// the output of encode_access_codes) into `out`; returns its size, 0 when the payload is empty
// or the body does not fit (`bytes_max`: transit_body_bytes_max, or
// transit_answer_body_bytes_max for an answer).
size_t encode_transit_body(std::span<const uint8_t> payload, uint64_t as_of_ns,
                           std::span<uint8_t> out, size_t bytes_max = transit_body_bytes_max,
                           std::span<const uint8_t> access_codes = {});
// The payload (command, query or answer), the access codes and the as_of_ns within a decoded
// transit body.
// The size of the body encode_transit_body writes for a payload and access codes of these sizes.
constexpr size_t transit_body_bytes(size_t payload_bytes, size_t access_codes_bytes) {
  return (transit_body_prefix_bytes + payload_bytes + access_codes_bytes + 7) / 8 * 8;
}
std::span<const uint8_t> transit_command_of(std::span<const uint8_t> body);
std::span<const uint8_t> transit_access_codes_of(std::span<const uint8_t> body);
uint64_t transit_as_of_of(std::span<const uint8_t> body);

// The access codes of a declaration, one per guarantee reference in order (an empty code: none
// given): u8 count, then each as u8 length and its bytes. At most guarantee_references_max
// codes of at most access_code_bytes_max bytes.
inline constexpr size_t access_codes_max_per_request = 9;
inline constexpr size_t access_code_bytes_max = 64;
// Returns the bytes written, 0 when there are too many codes, one is too long, or `out` is small.
size_t encode_access_codes(std::span<const std::string_view> codes, std::span<uint8_t> out);
// False unless the bytes are exactly one well-formed list; the views point into `bytes`.
[[nodiscard]] bool decode_access_codes(std::span<const uint8_t> bytes,
                                       std::span<std::string_view, access_codes_max_per_request> out,
                                       size_t* count);

// Published, never requested: the change feed's, and a transit subscription's events.
constexpr bool is_feed(Operation operation) {
  return operation == Operation::feed_accounts || operation == Operation::feed_transfers ||
         operation == Operation::transit_event;
}
inline constexpr uint16_t protocol_status_max = 21;

// The header's flags. Every other bit must be zero.
inline constexpr uint16_t flag_reply = 1;
inline constexpr uint16_t frame_flags_known = flag_reply;

// The filter's flags (docs/protocol.md, get_account_transfers). Every other bit must be zero.
inline constexpr uint32_t filter_flag_debits = 1u << 0;
inline constexpr uint32_t filter_flag_credits = 1u << 1;
inline constexpr uint32_t filter_flag_reversed = 1u << 2;
inline constexpr uint32_t filter_flags_known = 0b111;

// The header fields a caller uses; magic, version, reserved bytes and the header checksum are
// the codec's business.
struct FrameHeader {
  Operation operation = Operation::ping;
  uint16_t flags = 0;
  ProtocolStatus status = ProtocolStatus::ok;
  uint32_t count = 0;
  uint64_t request_id = 0;
  uint32_t body_bytes = 0;
  uint32_t body_checksum = 0;
};

// A decoded frame. `body` points into the frame passed to the decoder: valid while it is.
struct FrameView {
  FrameHeader header;
  std::span<const uint8_t> body;
};

// Checks a received request in the order of docs/protocol.md: length, magic, header checksum,
// version, operation, flags (0: the reply bit is refused), status 0, reserved bytes zero,
// body length, count against the operation's record size, count limit, count zero where
// records are needed, body checksum. Returns the first failure, or ok.
// On ok, *out holds the header and the body. On a failure after the header checksum
// (header_readable(status)), out->header holds the header as read (its operation may be an
// unknown number for unknown_operation) and out->body is empty; before it, *out is {}.
// The filter of get_account_transfers is checked apart: decode_filter().
[[nodiscard]] ProtocolStatus decode_request(std::span<const uint8_t> frame, FrameView* out);

// Checks a received reply in the same order, with the rules of a reply: the reply bit must be
// set; the status may be any known one (an unknown number gives status_not_zero); the body
// follows the operation (see reply_body_bytes(), reply_count_max()); count may be zero except
// for create_*; a reply whose status is not ok has count 0 and no body. After the body
// checksum, the padding of a create_* reply must be zero (reserved_not_zero otherwise).
// *out is filled as by decode_request. The decoder does not match a reply to its request:
// request_id, operation and count are the caller's to compare.
[[nodiscard]] ProtocolStatus decode_reply(std::span<const uint8_t> frame, FrameView* out);

// True when a decoder that returned `status` read a header whose checksum held, so that a reply
// may echo its request_id (statuses after header_checksum_mismatch, and ok).
[[nodiscard]] bool header_readable(ProtocolStatus status);

// Writes a whole message into `out`: the header with both checksums, then a copy of `body`
// (which may already sit at out[64..], or overlap out: it is moved first). For a request pass
// flags 0 and status ok; for a reply flag_reply and the status. Returns the bytes written
// (64 + body.size()), or 0 when the body passes frame_body_bytes_max or `out` is too small.
// Does not check count against the body: decoders do (tests build defective frames this way).
// REQUIRES: flags within frame_flags_known; status ok when flags has no flag_reply.
size_t encode_message(Operation operation, uint16_t flags, ProtocolStatus status,
                      uint64_t request_id, uint32_t count, std::span<const uint8_t> body,
                      std::span<uint8_t> out);

// The size of one record of a request body: 128 for create_*, 16 for lookups, 64 (the filter)
// for get_account_transfers, 0 for ping and stats (no body).
[[nodiscard]] size_t request_record_bytes(Operation operation);
// The most records a request takes: batch_events_max for create_* and lookups, 1 for
// get_account_transfers, 0 for ping and stats. Every operation with a body needs one record.
[[nodiscard]] uint32_t request_count_max(Operation operation);

// The body of an ok reply with `count` records: count result bytes padded with zeros to a
// multiple of 8 for create_* (results_body_bytes), 128 per record for lookups and
// get_account_transfers, 8 per counter for stats, none for ping.
[[nodiscard]] size_t reply_body_bytes(Operation operation, uint32_t count);
// The most records an ok reply carries: batch_events_max, except stats_counters_max for stats
// and 0 for ping.
[[nodiscard]] uint32_t reply_count_max(Operation operation);
// The results of a create_* reply: one byte each, padded to a multiple of 8.
[[nodiscard]] size_t results_body_bytes(uint32_t count);

// The get_account_transfers filter, 64 bytes: account_id u128, timestamp_min u64,
// timestamp_max u64, limit u32, flags u32 (filter_flag_*), 24 reserved zero bytes.
void encode_filter(const AccountTransfersFilter& filter, uint8_t* out64);
// False (and *out unchanged) on a flag bit outside filter_flags_known, a non-zero reserved
// byte, or limit 0. A filter with neither debits nor credits is valid and matches nothing.
[[nodiscard]] bool decode_filter(const uint8_t* in64, AccountTransfersFilter* out);

// A u128 id as 16 little-endian bytes (lookup requests).
void encode_id(u128 id, uint8_t* out16);
[[nodiscard]] u128 decode_id(const uint8_t* in16);

// The snake_case name, e.g. "create_transfers"; "unknown" for a number not listed.
std::string_view operation_name(Operation operation);
// The snake_case name, e.g. "count_too_large"; "unknown" for a number not listed.
std::string_view result_name(ProtocolStatus status);
// True for an operation number of the table (1 to operation_max).
[[nodiscard]] bool operation_known(uint16_t operation);
// True for a status number of the table (0 to protocol_status_max).
[[nodiscard]] bool protocol_status_known(uint16_t status);
// True when the same request may succeed if sent again unchanged, later (busy, shutting_down)
// or because it was corrupted in flight (the two checksum mismatches); false for ok and for
// failures that the request itself, the key or the operator must fix.
[[nodiscard]] bool is_retryable(ProtocolStatus status);

}  // namespace kervan
