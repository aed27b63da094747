// The explicit little-endian byte coding of accounts and transfers (128 bytes each), used by
// the state hash, the journal and the wire. Field order equals the struct order in types.h;
// docs/storage_format.md gives the offsets.
#pragma once

#include <cstdint>

#include "ledger/types.h"

namespace kervan {

inline constexpr size_t account_bytes = 128;
inline constexpr size_t transfer_bytes = 128;

inline constexpr size_t failed_transfer_bytes = 25;

void encode_account(const Account& account, uint8_t* out);
[[nodiscard]] Account decode_account(const uint8_t* in);
void encode_transfer(const Transfer& transfer, uint8_t* out);
[[nodiscard]] Transfer decode_transfer(const uint8_t* in);
// A remembered failure: id (16), timestamp (8), result (1).
void encode_failed_transfer(const FailedTransfer& failed, uint8_t* out);
[[nodiscard]] FailedTransfer decode_failed_transfer(const uint8_t* in);

}  // namespace kervan
