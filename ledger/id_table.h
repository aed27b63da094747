// Fixed-capacity hash index from a 128-bit id to a 32-bit slot, allocated once at start-up.
// Open addressing with linear probing; id 0 marks an empty bucket (0 is never a valid id).
// Each bucket is 20 bytes, key and value together, so that one cache miss serves both.
// Removal without tombstones: `remove_last` (LIFO, all a linked-chain rollback needs, restoring
// the table bucket for bucket) and `remove` (any id, by backward-shift deletion: the entries
// after it in its probe run move back, so every probe still finds its id). Lookups never depend on iteration order, so the
// per-process seed (against crafted colliding ids) does not affect determinism.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/assert.h"
#include "core/int128.h"
#include "core/prefetch.h"
#include "ledger/fixed_vector.h"

namespace kervan {

class IdTable {
 public:
  static constexpr uint32_t value_none = UINT32_MAX;

  // Room for `entries_max` ids at a load factor of at most 3/4.
  // REQUIRES: 0 < entries_max <= 2^30.
  IdTable(uint32_t entries_max, uint64_t seed, Prefault prefault = Prefault::yes);
  ~IdTable();
  IdTable(const IdTable&) = delete;
  IdTable& operator=(const IdTable&) = delete;

  // The value stored for `id`, or value_none. REQUIRES: id != 0.
  [[nodiscard]] uint32_t find(u128 id) const {
    KERVAN_ASSERT(id != 0);
    for (uint64_t bucket = bucket_of(id);; bucket = (bucket + 1) & mask_) {
      const u128 key = key_at(bucket);
      if (key == id) return value_at(bucket);
      if (key == 0) return value_none;
    }
  }

  // Starts loading the bucket of `id` into the cache, ahead of a find or insert.
  void prefetch(u128 id) const {
    const uint8_t* slot = &slots_[bucket_of(id) * slot_bytes];
    prefetch_for_read(slot);
    prefetch_for_read(slot + slot_bytes - 1);  // A slot may straddle two cache lines.
  }

  // Inserts a new id. REQUIRES: id != 0, not present, size() < entries_max().
  void insert(u128 id, uint32_t value);

  // Removes `id`, which must be the most recently inserted id still present. Removing in
  // reverse order of insertion restores the table exactly, bucket for bucket.
  void remove_last(u128 id);
  // Removes `id` wherever it was inserted; false (and nothing changed) when it is not present.
  // REQUIRES: id != 0.
  bool remove(u128 id);

  [[nodiscard]] uint32_t size() const { return size_; }
  [[nodiscard]] uint32_t entries_max() const { return entries_max_; }
  [[nodiscard]] uint64_t bytes_allocated() const;

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

  static constexpr size_t slot_bytes = sizeof(u128) + sizeof(uint32_t);

  u128 key_at(uint64_t bucket) const {
    u128 key;
    std::memcpy(&key, &slots_[bucket * slot_bytes], sizeof(key));
    return key;
  }
  uint32_t value_at(uint64_t bucket) const {
    uint32_t value;
    std::memcpy(&value, &slots_[bucket * slot_bytes + sizeof(u128)], sizeof(value));
    return value;
  }
  void set(uint64_t bucket, u128 key, uint32_t value) {
    std::memcpy(&slots_[bucket * slot_bytes], &key, sizeof(key));
    std::memcpy(&slots_[bucket * slot_bytes + sizeof(u128)], &value, sizeof(value));
  }

  uint64_t mask_ = 0;
  uint64_t seed_ = 0;
  uint32_t entries_max_ = 0;
  uint32_t size_ = 0;
  uint8_t* slots_ = nullptr;  // Native-endian in memory only; never persisted.
};

}  // namespace kervan
