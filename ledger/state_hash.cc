#include "ledger/state_hash.h"

#include <algorithm>

#include "core/bytes.h"
#include "ledger/record_coding.h"

namespace kervan {

namespace {

// Encodes records through a buffer, 256 at a time: one hash update per 32 KiB.
template <typename Record, typename Encode>
void hash_records(Hasher& hasher, std::span<const Record> records, size_t record_bytes,
                  Encode encode) {
  constexpr size_t chunk = 256;
  uint8_t buffer[chunk * 128];
  for (size_t begin = 0; begin < records.size(); begin += chunk) {
    const size_t end = std::min(records.size(), begin + chunk);
    for (size_t i = begin; i < end; ++i) encode(records[i], buffer + (i - begin) * record_bytes);
    hasher.update({buffer, (end - begin) * record_bytes});
  }
}

}  // namespace

Digest state_hash_of(uint64_t last_timestamp, std::span<const Account> accounts,
                     std::span<const Transfer> transfers,
                     std::span<const PendingState> pending_states,
                     std::span<const FailedTransfer> failed) {
  Hasher hasher;
  uint8_t header[32] = {'k', 'e', 'r', 'v', 'a', 'n', '-', 's', 't', 'a', 't', 'e', '-', 'v', '1'};
  store_u32_le(header + 16, static_cast<uint32_t>(accounts.size()));
  store_u32_le(header + 20, static_cast<uint32_t>(transfers.size()));
  store_u64_le(header + 24, last_timestamp);
  hasher.update(header);
  hash_records(hasher, accounts, account_bytes, encode_account);
  hash_records(hasher, transfers, transfer_bytes, encode_transfer);
  static_assert(sizeof(PendingState) == 1);
  hasher.update({reinterpret_cast<const uint8_t*>(pending_states.data()), pending_states.size()});
  hash_records(hasher, failed, failed_transfer_bytes, encode_failed_transfer);
  return hasher.finish();
}

}  // namespace kervan
