// A vector with a capacity fixed at construction, for the state machine's tables. Its memory
// comes from allocate_table (ledger/table_memory.h): allocated once, huge-page aligned,
// pre-faulted unless told not to (a ledger that lives for one simulation run: Prefault::no).
// Elements [0, size()) are those pushed; nothing reads past them, so a reused table is not
// zeroed first (Contents::unspecified).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "core/assert.h"
#include "ledger/table_memory.h"

namespace kervan {

template <typename T>
class FixedVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit FixedVector(size_t capacity, Prefault prefault = Prefault::yes)
      : data_(
            static_cast<T*>(allocate_table(capacity * sizeof(T), prefault, Contents::unspecified))),
        capacity_(capacity) {}
  ~FixedVector() { free_table(data_, capacity_ * sizeof(T)); }
  FixedVector(const FixedVector&) = delete;
  FixedVector& operator=(const FixedVector&) = delete;

  void push_back(const T& value) {
    KERVAN_ASSERT(size_ < capacity_);
    data_[size_++] = value;
  }
  void pop_back() {
    KERVAN_ASSERT(size_ > 0);
    size_ -= 1;
  }
  void clear() { size_ = 0; }

  T& operator[](size_t index) {
    KERVAN_ASSERT(index < size_);
    return data_[index];
  }
  const T& operator[](size_t index) const {
    KERVAN_ASSERT(index < size_);
    return data_[index];
  }
  T& back() {
    KERVAN_ASSERT(size_ > 0);
    return data_[size_ - 1];
  }
  const T& front() const {
    KERVAN_ASSERT(size_ > 0);
    return data_[0];
  }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T* data() const { return data_; }

  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] bool full() const { return size_ == capacity_; }
  [[nodiscard]] size_t capacity() const { return capacity_; }
  [[nodiscard]] size_t bytes_allocated() const { return table_bytes(capacity_ * sizeof(T)); }
  operator std::span<const T>() const { return {data_, size_}; }

 private:
  T* data_;
  size_t capacity_;
  size_t size_ = 0;
};

}  // namespace kervan
