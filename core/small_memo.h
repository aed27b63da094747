// A few remembered lookups, found by linear search: for a working set of keys that repeat many
// times and fit in a handful of cache lines (the countries of an itinerary, the currencies of a
// date). Fixed capacity, no allocation. When it is full, an insert forgets everything first, so
// a working set larger than the capacity costs the original lookups, never a wrong answer.
#pragma once

#include <array>
#include <cstddef>

namespace kervan {

// REQUIRES: Key is equality-comparable and cheap to copy.
template <typename Key, typename Value, size_t capacity>
class SmallMemo {
 public:
  // The value remembered for `key`, or nullptr. Valid until the next insert() or clear().
  const Value* find(const Key& key) const {
    for (size_t i = 0; i < count_; ++i) {
      if (keys_[i] == key) return &values_[i];
    }
    return nullptr;
  }

  // Remembers `value` for `key`. REQUIRES: find(key) == nullptr.
  void insert(const Key& key, const Value& value) {
    if (count_ == capacity) count_ = 0;
    keys_[count_] = key;
    values_[count_] = value;
    count_ += 1;
  }

  // The value remembered for `key`, or compute() remembered for it now. Valid until the next
  // insert() or clear().
  template <typename Compute>
  const Value& find_or_insert(const Key& key, Compute compute) {
    if (const Value* found = find(key)) return *found;
    insert(key, compute());
    return values_[count_ - 1];
  }

  void clear() { count_ = 0; }
  size_t size() const { return count_; }

 private:
  std::array<Key, capacity> keys_{};
  std::array<Value, capacity> values_{};
  size_t count_ = 0;
};

}  // namespace kervan
