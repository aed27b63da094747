// Sorting the simulator's times (seconds from the scenario's start, non-negative 64-bit
// integers) in linear time: a least-significant-digit radix sort, 11 bits per pass and only as
// many passes as the largest value needs (a year and its warm-up in seconds: three). The
// guarantee sizing sorts a year's million starts and ends of cover this way, several times
// faster than std::sort; the result is the same, since equal integers are indistinguishable.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/assert.h"

namespace kervan {

// Below this many values std::sort is as fast, and needs no scratch.
inline constexpr size_t radix_sort_min_values = 1024;

// Sorts `values` ascending. `scratch` is working space (resized; its contents afterwards are
// unspecified): pass the same vector to sort many arrays without reallocating.
// REQUIRES: every value >= 0.
inline void radix_sort(std::vector<int64_t>& values, std::vector<int64_t>& scratch) {
  if (values.size() < radix_sort_min_values) {
    std::sort(values.begin(), values.end());
    return;
  }
  constexpr unsigned digit_bits = 11;
  constexpr size_t buckets = size_t{1} << digit_bits;
  uint64_t largest = 0;
  for (const int64_t v : values) {
    KERVAN_ASSERT(v >= 0);
    largest = std::max(largest, uint64_t(v));
  }
  const auto value_bits = static_cast<unsigned>(std::bit_width(largest));
  scratch.resize(values.size());
  std::vector<int64_t>* from = &values;
  std::vector<int64_t>* to = &scratch;
  for (unsigned shift = 0; shift < value_bits; shift += digit_bits) {
    std::array<size_t, buckets> next{};
    for (const int64_t v : *from) next[(uint64_t(v) >> shift) & (buckets - 1)] += 1;
    size_t offset = 0;
    for (size_t& n : next) offset += std::exchange(n, offset);
    for (const int64_t v : *from) (*to)[next[(uint64_t(v) >> shift) & (buckets - 1)]++] = v;
    std::swap(from, to);
  }
  if (from != &values) values.swap(scratch);
}

}  // namespace kervan
