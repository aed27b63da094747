// transit_command and transit_query bodies (docs/protocol.md): u32 length L, u32 length A,
// u64 as_of_ns, L bytes of command or query, A bytes of access codes, zero padding to 8: round
// trips and each defect with its status; the access codes' own coding.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "api/protocol.h"
#include "tests/api/frames.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using PS = ProtocolStatus;
using Bytes = std::vector<uint8_t>;

Bytes transit_request(std::span<const uint8_t> command, uint64_t as_of_ns,
                      std::span<const uint8_t> codes = {},
                      Operation operation = Operation::transit_command) {
  Bytes body(transit_body_bytes_max);
  body.resize(encode_transit_body(command, as_of_ns, body, transit_body_bytes_max, codes));
  Bytes frame(frame_header_bytes + body.size());
  frame.resize(encode_message(operation, 0, PS::ok, 9, 1, body, frame));
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
      {"codes length past the body", with_byte(good, body + 4, 4, true), PS::count_mismatch},
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

TEST(TransitBody, CarriesADeclarationsAccessCodesBesideTheCommand) {
  const std::array<uint8_t, 5> command = {1, 2, 3, 4, 5};
  const std::array<std::string_view, 3> codes = {"AB12", "", "7Q2X"};
  std::array<uint8_t, 64> coded{};
  const size_t coded_size = encode_access_codes(codes, coded);
  ASSERT_EQ(coded_size, 1u + 5u + 1u + 5u);
  const Bytes frame = transit_request(command, 0, std::span(coded).first(coded_size));
  FrameView view;
  ASSERT_EQ(decode_request(frame, &view), PS::ok);
  const std::span<const uint8_t> decoded = transit_command_of(view.body);
  EXPECT_TRUE(std::equal(decoded.begin(), decoded.end(), command.begin(), command.end()));
  std::array<std::string_view, access_codes_max_per_request> out{};
  size_t count = 0;
  ASSERT_TRUE(decode_access_codes(transit_access_codes_of(view.body), out, &count));
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(out[0], "AB12");
  EXPECT_EQ(out[1], "");
  EXPECT_EQ(out[2], "7Q2X");
}

TEST(TransitBody, AccessCodeListsThatDoNotDecode) {
  std::array<std::string_view, access_codes_max_per_request> out{};
  size_t count = 0;
  const auto decodes = [&](Bytes bytes) { return decode_access_codes(bytes, out, &count); };
  EXPECT_TRUE(decodes({1, 2, 'A', 'B'}));
  EXPECT_FALSE(decodes({}));                   // Not even a count.
  EXPECT_FALSE(decodes({1, 3, 'A', 'B'}));     // A code past the end.
  EXPECT_FALSE(decodes({1, 2, 'A', 'B', 0}));  // A byte after the last code.
  EXPECT_FALSE(decodes({2, 2, 'A', 'B'}));     // A code missing.
  EXPECT_FALSE(decodes({10}));                 // More codes than references.
  Bytes long_code = {1, 65};
  long_code.resize(2 + 65, 'X');
  EXPECT_FALSE(decodes(long_code));  // Longer than access_code_bytes_max.
  const std::array<std::string_view, 10> too_many{};
  std::array<uint8_t, 64> space{};
  EXPECT_EQ(encode_access_codes(too_many, space), 0u);
}

TEST(TransitBody, AQueryCarriesNeitherBusinessTimeNorAccessCodes) {
  const std::array<uint8_t, 3> query = {1, 0, 0};
  FrameView view;
  EXPECT_EQ(decode_request(transit_request(query, 0, {}, Operation::transit_query), &view),
            PS::ok);
  EXPECT_EQ(decode_request(transit_request(query, 5, {}, Operation::transit_query), &view),
            PS::reserved_not_zero);
  const std::array<uint8_t, 1> no_codes = {0};
  EXPECT_EQ(decode_request(transit_request(query, 0, no_codes, Operation::transit_query), &view),
            PS::reserved_not_zero);
}

}  // namespace
}  // namespace kervan
