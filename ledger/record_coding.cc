#include "ledger/record_coding.h"

#include "core/bytes.h"

namespace kervan {

void encode_account(const Account& a, uint8_t* out) {
  store_u128_le(out + 0, a.id);
  store_u128_le(out + 16, a.debits_pending);
  store_u128_le(out + 32, a.debits_posted);
  store_u128_le(out + 48, a.credits_pending);
  store_u128_le(out + 64, a.credits_posted);
  store_u128_le(out + 80, a.user_data_128);
  store_u64_le(out + 96, a.user_data_64);
  store_u32_le(out + 104, a.user_data_32);
  store_u32_le(out + 108, a.reserved);
  store_u32_le(out + 112, a.ledger);
  store_u16_le(out + 116, a.code);
  store_u16_le(out + 118, a.flags);
  store_u64_le(out + 120, a.timestamp);
}

Account decode_account(const uint8_t* in) {
  Account a;
  a.id = load_u128_le(in + 0);
  a.debits_pending = load_u128_le(in + 16);
  a.debits_posted = load_u128_le(in + 32);
  a.credits_pending = load_u128_le(in + 48);
  a.credits_posted = load_u128_le(in + 64);
  a.user_data_128 = load_u128_le(in + 80);
  a.user_data_64 = load_u64_le(in + 96);
  a.user_data_32 = load_u32_le(in + 104);
  a.reserved = load_u32_le(in + 108);
  a.ledger = load_u32_le(in + 112);
  a.code = load_u16_le(in + 116);
  a.flags = load_u16_le(in + 118);
  a.timestamp = load_u64_le(in + 120);
  return a;
}

void encode_transfer(const Transfer& t, uint8_t* out) {
  store_u128_le(out + 0, t.id);
  store_u128_le(out + 16, t.debit_account_id);
  store_u128_le(out + 32, t.credit_account_id);
  store_u128_le(out + 48, t.amount);
  store_u128_le(out + 64, t.pending_id);
  store_u128_le(out + 80, t.user_data_128);
  store_u64_le(out + 96, t.user_data_64);
  store_u32_le(out + 104, t.user_data_32);
  store_u32_le(out + 108, t.timeout_s);
  store_u32_le(out + 112, t.ledger);
  store_u16_le(out + 116, t.code);
  store_u16_le(out + 118, t.flags);
  store_u64_le(out + 120, t.timestamp);
}

Transfer decode_transfer(const uint8_t* in) {
  Transfer t;
  t.id = load_u128_le(in + 0);
  t.debit_account_id = load_u128_le(in + 16);
  t.credit_account_id = load_u128_le(in + 32);
  t.amount = load_u128_le(in + 48);
  t.pending_id = load_u128_le(in + 64);
  t.user_data_128 = load_u128_le(in + 80);
  t.user_data_64 = load_u64_le(in + 96);
  t.user_data_32 = load_u32_le(in + 104);
  t.timeout_s = load_u32_le(in + 108);
  t.ledger = load_u32_le(in + 112);
  t.code = load_u16_le(in + 116);
  t.flags = load_u16_le(in + 118);
  t.timestamp = load_u64_le(in + 120);
  return t;
}

void encode_failed_transfer(const FailedTransfer& failed, uint8_t* out) {
  store_u128_le(out, failed.id);
  store_u64_le(out + 16, failed.timestamp);
  out[24] = static_cast<uint8_t>(failed.result);
}

FailedTransfer decode_failed_transfer(const uint8_t* in) {
  return FailedTransfer{.id = load_u128_le(in),
                        .timestamp = load_u64_le(in + 16),
                        .result = static_cast<CreateTransferResult>(in[24])};
}

}  // namespace kervan
