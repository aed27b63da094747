// A monotone priority queue (radix heap, Ahuja, Mehlhorn, Orlin and Tarjan 1990) for the
// simulator's events: every key pushed is at least the last key popped, as in any
// discrete-event simulation whose events are never scheduled in the past. Items come out in
// increasing key order, exactly as from a binary heap when keys are unique (the engine's are:
// time and scheduling order in one 64-bit key).
//
// Why not std::priority_queue: a binary heap of tens of thousands of events walks some 16 levels
// of scattered cache lines per pop. Here an item lands in the bucket of the highest bit where its
// key differs from the last popped, and moves only to lower buckets, a handful of times in its
// life; pushes append and refills scan contiguous vectors.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/assert.h"

namespace kervan {

// KeyOf: a callable type giving an Item's uint64_t key.
template <typename Item, typename KeyOf>
class RadixHeap {
 public:
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] size_t size() const { return size_; }

  // REQUIRES: KeyOf()(item) >= the key of the last item popped or returned by top().
  void push(const Item& item) {
    const uint64_t key = KeyOf()(item);
    KERVAN_ASSERT(key >= last_);
    buckets_[bucket_of(key)].push_back(item);
    size_ += 1;
  }

  // The item with the smallest key, without committing to it: pushes may still go below it
  // (down to the last key popped). For prefetching what comes next. REQUIRES: !empty().
  const Item& peek() const {
    KERVAN_ASSERT(size_ > 0);
    if (!buckets_[0].empty()) return buckets_[0].back();
    size_t b = 1;
    while (buckets_[b].empty()) ++b;
    const Item* smallest = &buckets_[b][0];
    for (const Item& item : buckets_[b]) {
      if (KeyOf()(item) < KeyOf()(*smallest)) smallest = &item;
    }
    return *smallest;
  }

  // The item with the smallest key; from here on every key pushed must be at least its key.
  // REQUIRES: !empty().
  const Item& top() {
    refill();
    return buckets_[0].back();
  }

  // Removes top(). REQUIRES: !empty().
  void pop() {
    refill();
    buckets_[0].pop_back();
    size_ -= 1;
  }

 private:
  // Bucket 0 holds keys equal to last_; bucket b > 0 keys whose highest bit differing from
  // last_ is bit b - 1.
  size_t bucket_of(uint64_t key) const {
    return key == last_ ? 0 : size_t(std::bit_width(key ^ last_));
  }

  // Makes bucket 0 hold the smallest key: the first non-empty bucket's minimum becomes last_, and
  // its items move down (each to a lower bucket, since they now share more high bits).
  void refill() {
    KERVAN_ASSERT(size_ > 0);
    if (!buckets_[0].empty()) return;
    size_t b = 1;
    while (buckets_[b].empty()) ++b;
    std::vector<Item>& from = buckets_[b];
    uint64_t smallest = KeyOf()(from[0]);
    for (const Item& item : from) smallest = std::min(smallest, KeyOf()(item));
    last_ = smallest;
    for (const Item& item : from) buckets_[bucket_of(KeyOf()(item))].push_back(item);
    from.clear();
  }

  std::array<std::vector<Item>, 65> buckets_;
  uint64_t last_ = 0;
  size_t size_ = 0;
};

}  // namespace kervan
