// A small deterministic random generator (splitmix64): the same sequence from the same seed on
// every platform and compiler, unlike the standard library's distributions. For tests,
// benchmarks, the scenario and (later) the simulator's streams.
#pragma once

#include <cstdint>

#include "core/assert.h"

namespace kervan {

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}

  constexpr uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // A number in [0, n). The modulo bias is below n / 2^64: negligible for the n used here.
  // REQUIRES: n > 0.
  uint64_t below(uint64_t n) {
    KERVAN_ASSERT(n > 0);
    return next() % n;
  }

 private:
  uint64_t state_;
};

}  // namespace kervan
