// transit_command bodies (docs/protocol.md): u32 length, u32 reserved, u64 as_of_ns, the
// command, zero padding to 8: round trips and each defect with its status.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "api/protocol.h"
#include "tests/api/frames.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using PS = ProtocolStatus;
using Bytes = std::vector<uint8_t>;

// transit_command bodies: u32 length, u32 reserved, u64 as_of_ns, the command, zero padding.
Bytes transit_request(std::span<const uint8_t> command, uint64_t as_of_ns) {
  Bytes body(transit_body_bytes_max);
  body.resize(encode_transit_body(command, as_of_ns, body));
  Bytes frame(frame_header_bytes + body.size());
  frame.resize(encode_message(Operation::transit_command, 0, PS::ok, 9, 1, body, frame));
  return frame;
}

TEST(TransitBody, RoundTripsTheCommandAndItsBusinessTime) {
  const std::array<uint8_t, 5> command = {1, 2, 3, 4, 5};
  const Bytes frame = transit_request(command, 0x0102030405060708u);
  ASSERT_EQ(frame.size(), frame_header_bytes + 24u);  // 16 + 5, padded to 24.
  FrameView view;
  ASSERT_EQ(decode_request(frame, &view), PS::ok);
  const std::span<const uint8_t> decoded = transit_command_of(view.body);
  EXPECT_TRUE(std::equal(decoded.begin(), decoded.end(), command.begin(), command.end()));
  EXPECT_EQ(transit_as_of_of(view.body), 0x0102030405060708u);
  Bytes space(64);
  EXPECT_EQ(encode_transit_body({}, 0, space), 0u);  // An empty command does not encode.
}

TEST(TransitBody, MalformedTable) {
  const std::array<uint8_t, 5> command = {1, 2, 3, 4, 5};
  const Bytes good = transit_request(command, 7);
  const size_t body = frame_header_bytes;
  const MalformedCase cases[] = {
      {"length 0", with_byte(with_byte(good, body, 0, true), body, 0, true), PS::count_mismatch},
      {"length past the body", with_byte(good, body, 9, true), PS::count_mismatch},
      {"length leaves 8 bytes of padding", with_byte(good, body, 4, true), PS::count_mismatch},
      {"padding not zero", with_byte(good, body + 16 + 5, 1, true), PS::count_mismatch},
      {"reserved not zero", with_byte(good, body + 4, 1, true), PS::reserved_not_zero},
      {"count 2", with_u32(good, at_count, 2), PS::count_too_large},
      {"body cut to the prefix", [&] {
         Bytes f = resized(good, frame_header_bytes + 16);
         store_u32_le(&f[at_body_bytes], 16);
         seal_body(f);
         return f;
       }(),
       PS::count_mismatch},
  };
  for (const MalformedCase& c : cases) {
    FrameView view;
    EXPECT_EQ(decode_request(c.frame, &view), c.expected) << c.name;
  }
}

}  // namespace
}  // namespace kervan
