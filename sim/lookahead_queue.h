// The simulator's event queue: a monotone radix heap (sim/radix_heap.h) whose next items are
// taken out `lookahead` ahead of their turn, so that the caller can load what they will read in
// stages while earlier items are handled (a year's trucks and a run's ledger are far larger
// than the cache, and a miss costs some 200 ns here: docs/performance.md "Memory").
//
// Items come out in exactly the order of a plain priority queue. An item pushed with a key below
// the last one taken goes into the window in order; the heap only ever receives keys from the
// last one taken on, as its monotone order requires. Keys must be unique, and at least the key
// of the last item popped.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>

#include "core/assert.h"
#include "sim/radix_heap.h"

namespace kervan {

template <typename Item, typename KeyOf, size_t lookahead>
class LookaheadQueue {
 public:
  [[nodiscard]] bool empty() const { return window_.empty() && heap_.empty(); }

  // REQUIRES: KeyOf()(item) is unique and at least the key of the last item popped.
  void push(const Item& item) {
    const uint64_t key = KeyOf()(item);
    KERVAN_ASSERT(!popped_any_ || key >= last_popped_);
    if (!window_.empty() && key < KeyOf()(window_.back())) {
      const auto at =
          std::upper_bound(window_.begin(), window_.end(), key,
                           [](uint64_t k, const Item& other) { return k < KeyOf()(other); });
      window_.insert(at, item);
      return;
    }
    heap_.push(item);
  }

  // Takes the item with the smallest key, after filling the window: `on_taken` sees each item
  // as it comes out of the heap into the window (the first prefetch stage). REQUIRES: !empty().
  template <typename OnTaken>
  Item pop(OnTaken on_taken) {
    while (window_.size() <= lookahead && !heap_.empty()) {
      window_.push_back(heap_.top());
      heap_.pop();
      on_taken(window_.back());
    }
    KERVAN_ASSERT(!window_.empty());
    const Item item = window_.front();
    window_.pop_front();
    last_popped_ = KeyOf()(item);
    popped_any_ = true;
    return item;
  }

  // The items taken ahead of their turn, after the one popped: ahead(0) comes next. At least
  // `lookahead` of them while that many wait; items pushed into the window may add more.
  [[nodiscard]] size_t ahead_count() const { return window_.size(); }
  [[nodiscard]] const Item& ahead(size_t i) const { return window_[i]; }

 private:
  RadixHeap<Item, KeyOf> heap_;
  std::deque<Item> window_;  // In key order; every key here is at most the heap's smallest.
  uint64_t last_popped_ = 0;
  bool popped_any_ = false;
};

}  // namespace kervan
