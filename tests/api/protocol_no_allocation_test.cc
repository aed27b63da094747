// The codec allocates nothing: global operator new is replaced in this test binary by a
// counting one (tests/support/counting_new.cc), and every codec function runs while counting.
#include <gtest/gtest.h>

#include <array>

#include "ledger/state_machine.h"
#include "tests/api/frames.h"
#include "tests/support/counting_new.h"

namespace kervan {
namespace {

using namespace kervan::testing;

TEST(ProtocolNoAllocation, EncodeAndDecodeAllocateNothing) {
  // Build everything before counting: the test's own vectors allocate.
  const std::vector<uint8_t> body = request_body(Operation::create_transfers, batch_events_max, 1);
  std::vector<uint8_t> out(frame_bytes_max);
  const std::vector<uint8_t> answer = valid_reply(Operation::create_accounts, 9, 2);
  std::vector<uint8_t> broken = answer;
  broken.push_back(0);  // One byte more than body_bytes says.
  std::array<uint8_t, filter_bytes> filter_bytes_out{};
  AccountTransfersFilter filter{.account_id = 1, .limit = 5};

  const uint64_t before = allocations_so_far();
  const size_t written = encode_message(Operation::create_transfers, 0, ProtocolStatus::ok, 1,
                                        batch_events_max, body, out);
  FrameView view;
  const ProtocolStatus request_status = decode_request(std::span(out).first(written), &view);
  const ProtocolStatus reply_status = decode_reply(answer, &view);
  const ProtocolStatus broken_status = decode_reply(broken, &view);
  encode_filter(filter, filter_bytes_out.data());
  const bool filter_ok = decode_filter(filter_bytes_out.data(), &filter);
  const uint64_t after = allocations_so_far();

  EXPECT_EQ(after - before, 0u);
  EXPECT_EQ(written, frame_header_bytes + body.size());
  EXPECT_EQ(request_status, ProtocolStatus::ok);
  EXPECT_EQ(reply_status, ProtocolStatus::ok);
  EXPECT_EQ(broken_status, ProtocolStatus::body_length_mismatch);
  EXPECT_TRUE(filter_ok);
}

}  // namespace
}  // namespace kervan
