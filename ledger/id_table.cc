#include "ledger/id_table.h"

#include "ledger/fixed_vector.h"

namespace kervan {

IdTable::IdTable(uint32_t entries_max, uint64_t seed, Prefault prefault)
    : seed_(seed), entries_max_(entries_max) {
  KERVAN_ASSERT(entries_max > 0);
  KERVAN_ASSERT(entries_max <= (1u << 30));
  uint64_t buckets = 16;
  while (buckets * 3 < uint64_t{entries_max} * 4) buckets *= 2;
  mask_ = buckets - 1;
  // Zeroed (every bucket empty), huge-page advised, pre-faulted unless told not to.
  slots_ = static_cast<uint8_t*>(allocate_table(buckets * slot_bytes, prefault));
}

IdTable::~IdTable() {
  free_table(slots_, (mask_ + 1) * slot_bytes);
}

uint64_t IdTable::bytes_allocated() const {
  return table_bytes((mask_ + 1) * slot_bytes);
}

void IdTable::insert(u128 id, uint32_t value) {
  KERVAN_ASSERT(id != 0);
  KERVAN_ASSERT(size_ < entries_max_);
  uint64_t bucket = bucket_of(id);
  while (key_at(bucket) != 0) {
    KERVAN_ASSERT(key_at(bucket) != id);
    bucket = (bucket + 1) & mask_;
  }
  set(bucket, id, value);
  size_ += 1;
}

void IdTable::remove_last(u128 id) {
  KERVAN_ASSERT(id != 0);
  uint64_t bucket = bucket_of(id);
  while (key_at(bucket) != id) {
    KERVAN_ASSERT(key_at(bucket) != 0);  // Not present: a caller bug.
    bucket = (bucket + 1) & mask_;
  }
  // Every id inserted after this one is gone already, so no later probe passed through here.
  set(bucket, 0, 0);
  size_ -= 1;
}

bool IdTable::remove(u128 id) {
  KERVAN_ASSERT(id != 0);
  uint64_t hole = bucket_of(id);
  while (key_at(hole) != id) {
    if (key_at(hole) == 0) return false;
    hole = (hole + 1) & mask_;
  }
  // Backward shift: walk the run after the hole; an entry whose home bucket does not lie
  // cyclically within (hole, here] would no longer be found past the hole, so it moves into it.
  for (uint64_t here = (hole + 1) & mask_;; here = (here + 1) & mask_) {
    const u128 key = key_at(here);
    if (key == 0) break;
    const uint64_t home = bucket_of(key);
    const bool home_after_hole = ((here - home) & mask_) < ((here - hole) & mask_);
    if (home_after_hole) continue;
    set(hole, key, value_at(here));
    hole = here;
  }
  set(hole, 0, 0);
  size_ -= 1;
  return true;
}

}  // namespace kervan
