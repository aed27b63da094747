#include "api/protocol.h"

#include <cstring>

#include "api/crc32c.h"
#include "core/assert.h"
#include "core/bytes.h"
#include "ledger/state_machine.h"

namespace kervan {
namespace {

// Header offsets (docs/protocol.md). DO NOT CHANGE: the wire format.
constexpr size_t offset_magic = 0;
constexpr size_t offset_version = 4;
constexpr size_t offset_operation = 6;
constexpr size_t offset_flags = 8;
constexpr size_t offset_status = 10;
constexpr size_t offset_count = 12;
constexpr size_t offset_request_id = 16;
constexpr size_t offset_body_bytes = 24;
constexpr size_t offset_body_checksum = 28;
constexpr size_t offset_reserved = 32;
constexpr size_t offset_header_checksum = 60;
static_assert(offset_header_checksum + 4 == frame_header_bytes);

// Filter offsets (docs/protocol.md, get_account_transfers).
constexpr size_t filter_offset_limit = 32;
constexpr size_t filter_offset_flags = 36;
constexpr size_t filter_offset_reserved = 40;
static_assert(filter_offset_reserved + 24 == filter_bytes);

bool all_zero(const uint8_t* p, size_t n) {
  uint8_t any = 0;
  for (size_t i = 0; i < n; ++i) any |= p[i];
  return any == 0;
}

// What a body must hold, for one operation and direction.
struct BodyRule {
  size_t record_bytes = 0;      // Per record; 0: no body.
  uint32_t count_max = 0;       // 0: count must be 0.
  bool count_zero_ok = true;    // False: at least one record.
  bool padded_results = false;  // One byte per record, zero-padded to 8 (create_* replies).
  bool transit_body = false;    // A length-prefixed payload, padded to 8 (transit_*).
  size_t transit_bytes_max = 0;  // Of a transit body, prefix included.
  bool as_of_reserved = false;   // A transit body whose as_of_ns must be zero (queries, answers).
};

uint64_t rule_body_bytes(const BodyRule& rule, uint32_t count) {
  if (rule.padded_results) return results_body_bytes(count);
  return uint64_t{count} * rule.record_bytes;
}

BodyRule request_rule(Operation operation) {
  if (operation == Operation::transit_command || operation == Operation::transit_query ||
      operation == Operation::transit_subscribe) {
    return {.count_max = 1,
            .count_zero_ok = false,
            .transit_body = true,
            .transit_bytes_max = transit_body_bytes_max,
            .as_of_reserved = operation != Operation::transit_command};
  }
  const uint32_t count_max = request_count_max(operation);
  return {.record_bytes = request_record_bytes(operation),
          .count_max = count_max,
          .count_zero_ok = count_max == 0};
}

BodyRule reply_rule(Operation operation, ProtocolStatus status) {
  if (status != ProtocolStatus::ok) return {};  // No effect, no body.
  if (operation == Operation::transit_query || operation == Operation::transit_subscribe) {
    return {.count_max = 1,
            .count_zero_ok = false,
            .transit_body = true,
            .transit_bytes_max = transit_answer_body_bytes_max,
            .as_of_reserved = true};
  }
  if (operation == Operation::transit_event) {  // A step's business time in as_of_ns.
    return {.count_max = 1,
            .count_zero_ok = false,
            .transit_body = true,
            .transit_bytes_max = transit_body_bytes_max,
            .as_of_reserved = false};
  }
  const bool create = operation == Operation::create_accounts ||
                      operation == Operation::create_transfers ||
                      operation == Operation::transit_command;
  return {.record_bytes = create ? 1 : reply_body_bytes(operation, 1),
          .count_max = reply_count_max(operation),
          .count_zero_ok = !create,
          .padded_results = create};
}

// Length, magic, header checksum, version, operation. Fills *out once the header checksum holds.
ProtocolStatus decode_header(std::span<const uint8_t> frame, FrameHeader* out) {
  if (frame.size() < frame_header_bytes) return ProtocolStatus::frame_too_short;
  if (frame.size() > frame_bytes_max) return ProtocolStatus::frame_too_long;
  const uint8_t* h = frame.data();
  if (load_u32_le(h + offset_magic) != protocol_magic) return ProtocolStatus::bad_magic;
  if (load_u32_le(h + offset_header_checksum) != crc32c({h, offset_header_checksum})) {
    return ProtocolStatus::header_checksum_mismatch;
  }
  out->operation = static_cast<Operation>(load_u16_le(h + offset_operation));
  out->flags = load_u16_le(h + offset_flags);
  out->status = static_cast<ProtocolStatus>(load_u16_le(h + offset_status));
  out->count = load_u32_le(h + offset_count);
  out->request_id = load_u64_le(h + offset_request_id);
  out->body_bytes = load_u32_le(h + offset_body_bytes);
  out->body_checksum = load_u32_le(h + offset_body_checksum);
  if (load_u16_le(h + offset_version) != protocol_version) {
    return ProtocolStatus::unsupported_version;
  }
  if (!operation_known(static_cast<uint16_t>(out->operation))) {
    return ProtocolStatus::unknown_operation;
  }
  return ProtocolStatus::ok;
}

// Reserved bytes, body length, count against the rule, body checksum.
ProtocolStatus check_body(std::span<const uint8_t> frame, const FrameHeader& header,
                          const BodyRule& rule) {
  if (!all_zero(frame.data() + offset_reserved, offset_header_checksum - offset_reserved)) {
    return ProtocolStatus::reserved_not_zero;
  }
  if (header.body_bytes != frame.size() - frame_header_bytes) {
    return ProtocolStatus::body_length_mismatch;
  }
  if (rule.transit_body) {
    // count 1; u32 length L, u32 length A (zero in queries and answers), u64 as_of_ns (zero in
    // queries and answers), L bytes, A bytes, zeros up to a multiple of 8: nothing more, nothing
    // less.
    const uint8_t* body = frame.data() + frame_header_bytes;
    const bool has_prefix = header.body_bytes >= transit_body_prefix_bytes;
    const uint32_t length = has_prefix ? load_u32_le(body) : 0;
    const uint32_t codes = has_prefix ? load_u32_le(body + 4) : 0;
    const uint64_t payload = uint64_t{length} + codes;
    const bool fits = header.count == 1 && header.body_bytes >= transit_body_prefix_bytes + 8 &&
                      header.body_bytes <= rule.transit_bytes_max && length > 0 &&
                      (payload + transit_body_prefix_bytes + 7) / 8 * 8 == header.body_bytes &&
                      all_zero(body + transit_body_prefix_bytes + payload,
                               header.body_bytes - transit_body_prefix_bytes - payload);
    if (!fits && header.count <= 1) return ProtocolStatus::count_mismatch;
    if (fits && rule.as_of_reserved && (codes != 0 || load_u64_le(body + 8) != 0)) {
      return ProtocolStatus::reserved_not_zero;
    }
  } else if (rule_body_bytes(rule, header.count) != header.body_bytes) {
    return ProtocolStatus::count_mismatch;
  }
  if (header.count > rule.count_max) return ProtocolStatus::count_too_large;
  if (header.count == 0 && !rule.count_zero_ok) return ProtocolStatus::count_zero;
  if (crc32c(frame.subspan(frame_header_bytes)) != header.body_checksum) {
    return ProtocolStatus::body_checksum_mismatch;
  }
  return ProtocolStatus::ok;
}

// The shared frame of both decoders: `check_flags_status` runs between the operation check and
// the body checks.
template <typename CheckFlagsStatus, typename RuleOf>
ProtocolStatus decode(std::span<const uint8_t> frame, FrameView* out,
                      CheckFlagsStatus check_flags_status, RuleOf rule_of) {
  KERVAN_ASSERT(out != nullptr);
  *out = {};
  FrameHeader header;
  ProtocolStatus status = decode_header(frame, &header);
  if (status == ProtocolStatus::ok) status = check_flags_status(header);
  if (status == ProtocolStatus::ok) status = check_body(frame, header, rule_of(header));
  if (header_readable(status)) out->header = header;
  if (status != ProtocolStatus::ok) return status;
  out->body = frame.subspan(frame_header_bytes);
  KERVAN_ASSERT(out->body.size() == header.body_bytes);
  return ProtocolStatus::ok;
}

}  // namespace

ProtocolStatus decode_request(std::span<const uint8_t> frame, FrameView* out) {
  return decode(
      frame, out,
      [](const FrameHeader& h) {
        if (is_feed(h.operation)) return ProtocolStatus::unknown_operation;  // Published only.
        if (h.flags != 0) return ProtocolStatus::flags_invalid;
        if (h.status != ProtocolStatus::ok) return ProtocolStatus::status_not_zero;
        return ProtocolStatus::ok;
      },
      [](const FrameHeader& h) { return request_rule(h.operation); });
}

ProtocolStatus decode_reply(std::span<const uint8_t> frame, FrameView* out) {
  const ProtocolStatus status = decode(
      frame, out,
      [](const FrameHeader& h) {
        if (h.flags != flag_reply) return ProtocolStatus::flags_invalid;
        if (!protocol_status_known(static_cast<uint16_t>(h.status))) {
          return ProtocolStatus::status_not_zero;
        }
        return ProtocolStatus::ok;
      },
      [](const FrameHeader& h) { return reply_rule(h.operation, h.status); });
  if (status != ProtocolStatus::ok) return status;
  const FrameHeader& h = out->header;
  if (h.status == ProtocolStatus::ok &&
      (h.operation == Operation::create_accounts || h.operation == Operation::create_transfers ||
       h.operation == Operation::transit_command) &&
      !all_zero(out->body.data() + h.count, out->body.size() - h.count)) {
    *out = {.header = h, .body = {}};
    return ProtocolStatus::reserved_not_zero;
  }
  return ProtocolStatus::ok;
}

bool header_readable(ProtocolStatus status) {
  switch (status) {
    case ProtocolStatus::frame_too_short:
    case ProtocolStatus::frame_too_long:
    case ProtocolStatus::bad_magic:
    case ProtocolStatus::header_checksum_mismatch:
      return false;
    default:
      return true;
  }
}

size_t encode_message(Operation operation, uint16_t flags, ProtocolStatus status,
                      uint64_t request_id, uint32_t count, std::span<const uint8_t> body,
                      std::span<uint8_t> out) {
  KERVAN_ASSERT((flags & ~frame_flags_known) == 0);
  KERVAN_ASSERT((flags & flag_reply) != 0 || status == ProtocolStatus::ok);
  if (body.size() > frame_body_bytes_max) return 0;
  const size_t total = frame_header_bytes + body.size();
  if (out.size() < total) return 0;
  uint8_t* h = out.data();
  // The body first: it may overlap the header's bytes of `out`.
  if (!body.empty()) std::memmove(h + frame_header_bytes, body.data(), body.size());
  store_u32_le(h + offset_magic, protocol_magic);
  store_u16_le(h + offset_version, protocol_version);
  store_u16_le(h + offset_operation, static_cast<uint16_t>(operation));
  store_u16_le(h + offset_flags, flags);
  store_u16_le(h + offset_status, static_cast<uint16_t>(status));
  store_u32_le(h + offset_count, count);
  store_u64_le(h + offset_request_id, request_id);
  store_u32_le(h + offset_body_bytes, static_cast<uint32_t>(body.size()));
  store_u32_le(h + offset_body_checksum, crc32c({h + frame_header_bytes, body.size()}));
  std::memset(h + offset_reserved, 0, offset_header_checksum - offset_reserved);
  store_u32_le(h + offset_header_checksum, crc32c({h, offset_header_checksum}));
  return total;
}

size_t request_record_bytes(Operation operation) {
  switch (operation) {
    case Operation::ping:
    case Operation::stats:
    case Operation::feed_accounts:
    case Operation::feed_transfers:
    case Operation::transit_command:  // Variable: see transit_command_of().
    case Operation::transit_query:
    case Operation::transit_subscribe:
    case Operation::transit_event:
      return 0;
    case Operation::create_accounts:
      return account_bytes;
    case Operation::create_transfers:
      return transfer_bytes;
    case Operation::lookup_accounts:
    case Operation::lookup_transfers:
      return id_bytes;
    case Operation::get_account_transfers:
      return filter_bytes;
  }
  KERVAN_UNREACHABLE();
}

uint32_t request_count_max(Operation operation) {
  switch (operation) {
    case Operation::ping:
    case Operation::stats:
    case Operation::feed_accounts:
    case Operation::feed_transfers:
    case Operation::transit_event:
      return 0;
    case Operation::create_accounts:
    case Operation::create_transfers:
    case Operation::lookup_accounts:
    case Operation::lookup_transfers:
      return batch_events_max;
    case Operation::get_account_transfers:
    case Operation::transit_command:
    case Operation::transit_query:
    case Operation::transit_subscribe:
      return 1;
  }
  KERVAN_UNREACHABLE();
}

size_t reply_body_bytes(Operation operation, uint32_t count) {
  switch (operation) {
    case Operation::ping:
    case Operation::transit_query:  // Variable: one framed answer (transit_command_of()).
    case Operation::transit_subscribe:
    case Operation::transit_event:
      return 0;
    case Operation::create_accounts:
    case Operation::create_transfers:
    case Operation::transit_command:
      return results_body_bytes(count);
    case Operation::lookup_accounts:
    case Operation::feed_accounts:
      return size_t{count} * account_bytes;
    case Operation::lookup_transfers:
    case Operation::get_account_transfers:
    case Operation::feed_transfers:
      return size_t{count} * transfer_bytes;
    case Operation::stats:
      return size_t{count} * stats_counter_bytes;
  }
  KERVAN_UNREACHABLE();
}

uint32_t reply_count_max(Operation operation) {
  switch (operation) {
    case Operation::ping:
      return 0;
    case Operation::create_accounts:
    case Operation::create_transfers:
    case Operation::lookup_accounts:
    case Operation::lookup_transfers:
    case Operation::get_account_transfers:
    case Operation::feed_accounts:
    case Operation::feed_transfers:
      return batch_events_max;
    case Operation::transit_command:
    case Operation::transit_query:
    case Operation::transit_subscribe:
    case Operation::transit_event:
      return 1;
    case Operation::stats:
      return stats_counters_max;
  }
  KERVAN_UNREACHABLE();
}

size_t encode_transit_body(std::span<const uint8_t> payload, uint64_t as_of_ns,
                           std::span<uint8_t> out, size_t bytes_max,
                           std::span<const uint8_t> access_codes) {
  const size_t used = transit_body_prefix_bytes + payload.size() + access_codes.size();
  const size_t size = transit_body_bytes(payload.size(), access_codes.size());
  if (payload.empty() || size > bytes_max || size > out.size()) return 0;
  store_u32_le(out.data(), static_cast<uint32_t>(payload.size()));
  store_u32_le(out.data() + 4, static_cast<uint32_t>(access_codes.size()));
  store_u64_le(out.data() + 8, as_of_ns);
  std::memcpy(out.data() + transit_body_prefix_bytes, payload.data(), payload.size());
  if (!access_codes.empty()) {
    std::memcpy(out.data() + transit_body_prefix_bytes + payload.size(), access_codes.data(),
                access_codes.size());
  }
  std::memset(out.data() + used, 0, size - used);
  return size;
}

std::span<const uint8_t> transit_command_of(std::span<const uint8_t> body) {
  KERVAN_ASSERT(body.size() >= transit_body_prefix_bytes + 8);
  const uint32_t length = load_u32_le(body.data());
  KERVAN_ASSERT(size_t{length} + transit_body_prefix_bytes <= body.size());
  return body.subspan(transit_body_prefix_bytes, length);
}

std::span<const uint8_t> transit_access_codes_of(std::span<const uint8_t> body) {
  KERVAN_ASSERT(body.size() >= transit_body_prefix_bytes + 8);
  const uint32_t length = load_u32_le(body.data());
  const uint32_t codes = load_u32_le(body.data() + 4);
  KERVAN_ASSERT(size_t{length} + codes + transit_body_prefix_bytes <= body.size());
  return body.subspan(transit_body_prefix_bytes + length, codes);
}

size_t encode_access_codes(std::span<const std::string_view> codes, std::span<uint8_t> out) {
  if (codes.size() > access_codes_max_per_request) return 0;
  size_t size = 1;
  for (const std::string_view code : codes) {
    if (code.size() > access_code_bytes_max) return 0;
    size += 1 + code.size();
  }
  if (size > out.size()) return 0;
  size_t at = 0;
  out[at++] = static_cast<uint8_t>(codes.size());
  for (const std::string_view code : codes) {
    out[at++] = static_cast<uint8_t>(code.size());
    if (!code.empty()) std::memcpy(out.data() + at, code.data(), code.size());
    at += code.size();
  }
  return size;
}

bool decode_access_codes(std::span<const uint8_t> bytes,
                         std::span<std::string_view, access_codes_max_per_request> out,
                         size_t* count) {
  if (bytes.empty() || bytes[0] > access_codes_max_per_request) return false;
  const size_t n = bytes[0];
  size_t at = 1;
  for (size_t i = 0; i < n; ++i) {
    if (at >= bytes.size()) return false;
    const size_t length = bytes[at++];
    if (length > access_code_bytes_max || length > bytes.size() - at) return false;
    out[i] = std::string_view(reinterpret_cast<const char*>(bytes.data() + at), length);
    at += length;
  }
  if (at != bytes.size()) return false;
  *count = n;
  return true;
}

uint64_t transit_as_of_of(std::span<const uint8_t> body) {
  KERVAN_ASSERT(body.size() >= transit_body_prefix_bytes);
  return load_u64_le(body.data() + 8);
}

size_t results_body_bytes(uint32_t count) {
  return (size_t{count} + 7) / 8 * 8;
}

void encode_filter(const AccountTransfersFilter& filter, uint8_t* out64) {
  const uint32_t flags = (filter.debits ? filter_flag_debits : 0) |
                         (filter.credits ? filter_flag_credits : 0) |
                         (filter.reversed ? filter_flag_reversed : 0);
  store_u128_le(out64 + 0, filter.account_id);
  store_u64_le(out64 + 16, filter.timestamp_min);
  store_u64_le(out64 + 24, filter.timestamp_max);
  store_u32_le(out64 + filter_offset_limit, filter.limit);
  store_u32_le(out64 + filter_offset_flags, flags);
  std::memset(out64 + filter_offset_reserved, 0, filter_bytes - filter_offset_reserved);
}

bool decode_filter(const uint8_t* in64, AccountTransfersFilter* out) {
  const uint32_t limit = load_u32_le(in64 + filter_offset_limit);
  const uint32_t flags = load_u32_le(in64 + filter_offset_flags);
  if ((flags & ~filter_flags_known) != 0) return false;
  if (!all_zero(in64 + filter_offset_reserved, filter_bytes - filter_offset_reserved)) {
    return false;
  }
  if (limit == 0) return false;
  *out = {.account_id = load_u128_le(in64 + 0),
          .timestamp_min = load_u64_le(in64 + 16),
          .timestamp_max = load_u64_le(in64 + 24),
          .limit = limit,
          .debits = (flags & filter_flag_debits) != 0,
          .credits = (flags & filter_flag_credits) != 0,
          .reversed = (flags & filter_flag_reversed) != 0};
  return true;
}

void encode_id(u128 id, uint8_t* out16) {
  store_u128_le(out16, id);
}

u128 decode_id(const uint8_t* in16) {
  return load_u128_le(in16);
}

std::string_view operation_name(Operation operation) {
#define KERVAN_NAME_CASE(name, number) \
  case Operation::name:                \
    return #name;
  switch (operation) { KERVAN_OPERATIONS(KERVAN_NAME_CASE) }
#undef KERVAN_NAME_CASE
  return "unknown";
}

std::string_view result_name(ProtocolStatus status) {
#define KERVAN_NAME_CASE(name, number) \
  case ProtocolStatus::name:           \
    return #name;
  switch (status) { KERVAN_PROTOCOL_STATUSES(KERVAN_NAME_CASE) }
#undef KERVAN_NAME_CASE
  return "unknown";
}

bool operation_known(uint16_t operation) {
  return operation >= 1 && operation <= operation_max;
}

bool protocol_status_known(uint16_t status) {
  return status <= protocol_status_max;
}

bool is_retryable(ProtocolStatus status) {
  switch (status) {
    case ProtocolStatus::header_checksum_mismatch:
    case ProtocolStatus::body_checksum_mismatch:
    case ProtocolStatus::busy:
    case ProtocolStatus::shutting_down:
      return true;
    default:
      return false;
  }
}

}  // namespace kervan
