// The state hash and the record coding: determinism across instances and seeds, sensitivity
// to every change, and byte layouts pinned.
#include <gtest/gtest.h>

#include <array>

#include "ledger/record_coding.h"
#include "tests/ledger/builders.h"

namespace kervan {
namespace {

using namespace kervan::testing;
using TR = CreateTransferResult;

void apply_script(TestLedger& ledger) {
  ledger.create_accounts({account(1), account(2), account(3, 0, usd)});
  ledger.create_transfers({transfer(1, 1, 2, 10), pending(2, 2, 1, 5, 1), transfer(3, 1, 9, 1)});
  ledger.now_ns += 5 * ns_per_s;
  ledger.create_transfers({post(4, 2)});
}

TEST(StateHash, EqualForTheSameBatchesWhateverTheHashSeed) {
  LedgerConfig other = small_config();
  other.hash_seed = 123456789;
  TestLedger a, b(other);
  apply_script(a);
  apply_script(b);
  EXPECT_EQ(a.machine().state_hash(), b.machine().state_hash());
  EXPECT_EQ(a.machine().pending_state(2), PendingState::expired);
}

TEST(StateHash, ChangesWithAnyChange) {
  TestLedger a, b, c;
  apply_script(a);
  apply_script(b);
  apply_script(c);
  b.create_transfers({transfer(5, 1, 2, 1)});
  EXPECT_NE(a.machine().state_hash(), b.machine().state_hash());
  c.now_ns += 1000;  // Same events at another time: different timestamps, different state.
  c.create_transfers({transfer(5, 1, 2, 1)});
  EXPECT_NE(b.machine().state_hash(), c.machine().state_hash());
}

TEST(RecordCoding, AccountAndTransferRoundTripWithPinnedOffsets) {
  Account a = account(make_u128(1, 2), 3, usd, 7);
  a.debits_pending = 11;
  a.credits_posted = u128_max;
  a.user_data_64 = 0x0102030405060708ull;
  a.timestamp = 99;
  std::array<uint8_t, account_bytes> bytes{};
  encode_account(a, bytes.data());
  EXPECT_EQ(bytes[0], 2);  // id, low half first.
  EXPECT_EQ(bytes[8], 1);
  EXPECT_EQ(bytes[16], 11);           // debits_pending at 16.
  EXPECT_EQ(bytes[96], 0x08);         // user_data_64 at 96, little-endian.
  EXPECT_EQ(bytes[112], usd & 0xFF);  // ledger at 112.
  EXPECT_EQ(bytes[116], 7);           // code at 116.
  EXPECT_EQ(bytes[118], 3);           // flags at 118.
  EXPECT_EQ(bytes[120], 99);          // timestamp at 120.
  const Account back = decode_account(bytes.data());
  std::array<uint8_t, account_bytes> again{};
  encode_account(back, again.data());
  EXPECT_EQ(bytes, again);
  EXPECT_EQ(back.credits_posted, u128_max);

  Transfer t = pending(make_u128(5, 6), 1, 2, 77, 30);
  t.user_data_32 = 0xAABBCCDD;
  std::array<uint8_t, transfer_bytes> tb{};
  encode_transfer(t, tb.data());
  EXPECT_EQ(tb[48], 77);     // amount at 48.
  EXPECT_EQ(tb[104], 0xDD);  // user_data_32 at 104.
  EXPECT_EQ(tb[108], 30);    // timeout_s at 108.
  EXPECT_EQ(tb[118], flags_of(TransferFlags::pending));
  const Transfer tback = decode_transfer(tb.data());
  std::array<uint8_t, transfer_bytes> tagain{};
  encode_transfer(tback, tagain.data());
  EXPECT_EQ(tb, tagain);
}

}  // namespace
}  // namespace kervan
