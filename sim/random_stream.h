// Independent, reproducible random streams for the simulator. Each stream is named by three
// numbers, (master_seed, replication, stream_id): one stream per replication and purpose
// (arrivals, cargo values, border times, defaults, ...), so that a draw in one stream never
// shifts another. The schemes compared in one replication therefore meet the same trucks,
// values and delays (common random numbers), and their paired differences have low variance.
//
// Generator: xoshiro256** 1.0 (Blackman and Vigna, 2018; period 2^256 - 1, passes BigCrush),
// whose 256-bit state is filled by four SplitMix64 outputs from a 64-bit key, and the key is a
// SplitMix64-finaliser hash of the three names (docs/simulator_numerics.md). The output is the
// same bit for bit on every platform and compiler: integer arithmetic only, and uniform01()
// is an exact scaling of 53 bits.
//
// A stream is a small value (32 bytes): copying it forks it (the copy repeats the original's
// future draws). Nothing here allocates, throws or is shared: one stream belongs to one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/assert.h"

namespace kervan {

class RandomStream {
 public:
  // The stream named (master_seed, replication, stream_id). Every 64-bit value is valid for
  // each; streams that differ in any of the three are independent for practical purposes (their
  // keys collide with probability 2^-64, and even then their states are unrelated).
  RandomStream(uint64_t master_seed, uint64_t replication, uint64_t stream_id) noexcept;

  // A stream with the given raw xoshiro256** state: for the reference test vectors, and to
  // restore a stream saved with state(). REQUIRES: the state is not all zero.
  explicit RandomStream(const std::array<uint64_t, 4>& state) noexcept;

  // The next 64 uniformly distributed bits (xoshiro256**).
  uint64_t next() noexcept {
    const uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  // A uniform double in [0, 1): k / 2^53 for k uniform in [0, 2^53) (the top 53 bits of one
  // draw). Every value is exact; 0 occurs (probability 2^-53), 1 never does.
  double uniform01() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // A uniform double in (0, 1), for logarithms: (k + 1/2) / 2^52 for k uniform in [0, 2^52)
  // (the top 52 bits of one draw). Exact; the extremes are 2^-53 and 1 - 2^-53, so -log(u)
  // lies in (1.1e-16, 36.8].
  double uniform01_open() noexcept { return (static_cast<double>(next() >> 12) + 0.5) * 0x1.0p-52; }

  // A uniform double in [low, high): low + (high - low) * uniform01().
  // REQUIRES: low <= high, both finite.
  double uniform(double low, double high) noexcept;

  // A uniform integer in [0, n), exactly unbiased (Lemire 2019, "Fast random integer generation
  // in an interval": one 64x64->128-bit multiply, and a rejection with probability below
  // n / 2^64, so almost always one draw). REQUIRES: n > 0.
  uint64_t below(uint64_t n) noexcept;

  // The raw state, to save a stream and restore it with the state constructor.
  const std::array<uint64_t, 4>& state() const { return state_; }

  friend bool operator==(const RandomStream&, const RandomStream&) = default;

 private:
  static constexpr uint64_t rotate_left(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<uint64_t, 4> state_;
};

// The 64-bit key that seeds the stream (master_seed, replication, stream_id): exposed so that
// a run manifest can record it and tests can pin it. Stable: changing it changes every result.
uint64_t random_stream_key(uint64_t master_seed, uint64_t replication, uint64_t stream_id) noexcept;

// A stable stream id from a purpose name, FNV-1a 64 of its bytes: stream_id_of("arrivals").
// Names keep ids readable in scenarios and manifests and need no central registry; distinct
// names collide with probability about 2^-64 per pair.
constexpr uint64_t stream_id_of(std::string_view purpose) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : purpose) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace kervan
