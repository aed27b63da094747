// BLAKE2b-256 digests (libsodium's crypto_generichash): state hashes, and later the journal's
// hash chain. Incremental, so that large states hash without a copy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kervan {

using Digest = std::array<uint8_t, 32>;

class Hasher {
 public:
  Hasher();
  void update(std::span<const uint8_t> bytes);
  // Finishes the digest. REQUIRES: called once; the hasher is not used afterwards.
  [[nodiscard]] Digest finish();

 private:
  // crypto_generichash_state is 384 bytes, 64-byte aligned; kept opaque so no header sees sodium.
  alignas(64) uint8_t state_[384];
  bool finished_ = false;
};

[[nodiscard]] Digest digest_of(std::span<const uint8_t> bytes);
// Lower-case hexadecimal, 64 characters.
[[nodiscard]] std::string to_hex(const Digest& digest);

}  // namespace kervan
