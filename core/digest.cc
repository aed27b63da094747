#include "core/digest.h"

#include <sodium.h>

#include "core/assert.h"

namespace kervan {

static_assert(sizeof(crypto_generichash_state) <= 384);

namespace {
crypto_generichash_state* state_of(uint8_t* storage) {
  return reinterpret_cast<crypto_generichash_state*>(storage);
}
}  // namespace

Hasher::Hasher() {
  KERVAN_ASSERT(sodium_init() >= 0);
  KERVAN_ASSERT(crypto_generichash_init(state_of(state_), nullptr, 0, 32) == 0);
}

void Hasher::update(std::span<const uint8_t> bytes) {
  KERVAN_ASSERT(!finished_);
  KERVAN_ASSERT(crypto_generichash_update(state_of(state_), bytes.data(), bytes.size()) == 0);
}

Digest Hasher::finish() {
  KERVAN_ASSERT(!finished_);
  finished_ = true;
  Digest digest{};
  KERVAN_ASSERT(crypto_generichash_final(state_of(state_), digest.data(), digest.size()) == 0);
  return digest;
}

Digest digest_of(std::span<const uint8_t> bytes) {
  Hasher hasher;
  hasher.update(bytes);
  return hasher.finish();
}

std::string to_hex(const Digest& digest) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(64);
  for (uint8_t byte : digest) {
    text.push_back(hex[byte >> 4]);
    text.push_back(hex[byte & 0xF]);
  }
  return text;
}

}  // namespace kervan
