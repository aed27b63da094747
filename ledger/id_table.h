// Fixed-capacity hash index from a 128-bit id to a 32-bit slot, allocated once at start-up.
// Open addressing with linear probing; id 0 marks an empty bucket (0 is never a valid id).
// Removal is LIFO only (`remove_last`), which is all a linked-chain rollback needs and keeps
// probing correct without tombstones. Lookups never depend on iteration order, so the
// per-process seed (against crafted colliding ids) does not affect determinism.
#pragma once

#include <cstdint>
#include <memory>

#include "core/assert.h"
#include "core/int128.h"

namespace kervan {

class IdTable {
 public:
  static constexpr uint32_t value_none = UINT32_MAX;

  // Room for `entries_max` ids at a load factor of at most 3/4.
  // REQUIRES: 0 < entries_max <= 2^30.
  IdTable(uint32_t entries_max, uint64_t seed);

  // The value stored for `id`, or value_none. REQUIRES: id != 0.
  [[nodiscard]] uint32_t find(u128 id) const {
    KERVAN_ASSERT(id != 0);
    for (uint64_t bucket = bucket_of(id);; bucket = (bucket + 1) & mask_) {
      if (keys_[bucket] == id) return values_[bucket];
      if (keys_[bucket] == 0) return value_none;
    }
  }

  // Inserts a new id. REQUIRES: id != 0, not present, size() < entries_max().
  void insert(u128 id, uint32_t value);

  // Removes `id`, which must be the most recently inserted id still present. Removing in
  // reverse order of insertion restores the table exactly, bucket for bucket.
  void remove_last(u128 id);

  [[nodiscard]] uint32_t size() const { return size_; }
  [[nodiscard]] uint32_t entries_max() const { return entries_max_; }
  [[nodiscard]] uint64_t bytes_allocated() const { return (mask_ + 1) * (sizeof(u128) + 4); }

 private:
  [[nodiscard]] uint64_t bucket_of(u128 id) const {
    // Multiply-fold mixing (wyhash's mum) of both halves with the seed.
    const uint64_t a = u128_low(id) ^ seed_ ^ 0xa0761d6478bd642full;
    const uint64_t b = u128_high(id) ^ 0xe7037ed1a0b428dbull;
    const u128 product = static_cast<u128>(a) * b;
    uint64_t h = u128_low(product) ^ u128_high(product) ^ u128_low(id);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h & mask_;
  }

  uint64_t mask_ = 0;
  uint64_t seed_ = 0;
  uint32_t entries_max_ = 0;
  uint32_t size_ = 0;
  std::unique_ptr<u128[]> keys_;
  std::unique_ptr<uint32_t[]> values_;
};

}  // namespace kervan
