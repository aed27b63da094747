#include "sim/random_stream.h"

#include <cmath>

#include "core/int128.h"
#include "core/random.h"

namespace kervan {
namespace {

// The SplitMix64 output function (Stafford's mix 13): a bijection of 64-bit words whose every
// output bit depends on every input bit.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Distinct odd constants per position, so that (a, b, c) and (b, a, c) get different keys.
constexpr uint64_t master_salt = 0x9e3779b97f4a7c15ull;
constexpr uint64_t replication_salt = 0xd1b54a32d192ed03ull;
constexpr uint64_t stream_salt = 0x8cb92ba72f3d8dd7ull;

// Lemire's rejection loop ends after one pass with probability at least 1/2 per pass (for any
// n); 128 passes fail together with probability below 2^-128, i.e. only for a broken generator.
constexpr int below_attempts_max = 128;

}  // namespace

uint64_t random_stream_key(uint64_t master_seed, uint64_t replication,
                           uint64_t stream_id) noexcept {
  // Each step is a bijection of the newest word for fixed earlier words.
  uint64_t key = mix64(master_seed ^ master_salt);
  key = mix64(key ^ replication ^ replication_salt);
  key = mix64(key ^ stream_id ^ stream_salt);
  return key;
}

RandomStream::RandomStream(uint64_t master_seed, uint64_t replication,
                           uint64_t stream_id) noexcept {
  SplitMix64 seeder(random_stream_key(master_seed, replication, stream_id));
  for (uint64_t& word : state_) word = seeder.next();
  // Four consecutive SplitMix64 outputs are never all zero (its output is a bijection of a
  // counter, so at most one of them is zero).
  KERVAN_ASSERT((state_[0] | state_[1] | state_[2] | state_[3]) != 0);
}

RandomStream::RandomStream(const std::array<uint64_t, 4>& state) noexcept : state_(state) {
  KERVAN_ASSERT((state_[0] | state_[1] | state_[2] | state_[3]) != 0);
}

double RandomStream::uniform(double low, double high) noexcept {
  KERVAN_ASSERT(low <= high);
  KERVAN_ASSERT(std::isfinite(high - low));
  return low + (high - low) * uniform01();
}

uint64_t RandomStream::below(uint64_t n) noexcept {
  KERVAN_ASSERT(n > 0);
  u128 product = static_cast<u128>(next()) * n;
  uint64_t low = u128_low(product);
  if (low < n) {
    // 2^64 mod n: the low words below it belong to an over-represented stretch.
    const uint64_t threshold = (0 - n) % n;
    for (int attempt = 0; low < threshold; ++attempt) {
      KERVAN_ASSERT(attempt < below_attempts_max);
      product = static_cast<u128>(next()) * n;
      low = u128_low(product);
    }
  }
  return u128_high(product);
}

}  // namespace kervan
