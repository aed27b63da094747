#include "ledger/id_table.h"

namespace kervan {

IdTable::IdTable(uint32_t entries_max, uint64_t seed) : seed_(seed), entries_max_(entries_max) {
  KERVAN_ASSERT(entries_max > 0);
  KERVAN_ASSERT(entries_max <= (1u << 30));
  uint64_t buckets = 16;
  while (buckets * 3 < uint64_t{entries_max} * 4) buckets *= 2;
  mask_ = buckets - 1;
  keys_ = std::make_unique<u128[]>(buckets);  // Value-initialised: every bucket empty.
  values_ = std::make_unique<uint32_t[]>(buckets);
}

void IdTable::insert(u128 id, uint32_t value) {
  KERVAN_ASSERT(id != 0);
  KERVAN_ASSERT(size_ < entries_max_);
  uint64_t bucket = bucket_of(id);
  while (keys_[bucket] != 0) {
    KERVAN_ASSERT(keys_[bucket] != id);
    bucket = (bucket + 1) & mask_;
  }
  keys_[bucket] = id;
  values_[bucket] = value;
  size_ += 1;
}

void IdTable::remove_last(u128 id) {
  KERVAN_ASSERT(id != 0);
  uint64_t bucket = bucket_of(id);
  while (keys_[bucket] != id) {
    KERVAN_ASSERT(keys_[bucket] != 0);  // Not present: a caller bug.
    bucket = (bucket + 1) & mask_;
  }
  // Every id inserted after this one is gone already, so no later probe passed through here.
  keys_[bucket] = 0;
  values_[bucket] = 0;
  size_ -= 1;
}

}  // namespace kervan
