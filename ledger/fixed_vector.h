// A vector with a capacity fixed at construction, for the state machine's tables. Its memory is
// allocated once, 2 MiB-aligned, advised for transparent huge pages (random lookups in tables
// of hundreds of MB otherwise pay a TLB miss each), and by default written once so that the
// kernel commits every page at start-up instead of page-faulting in the commit path. A ledger
// that lives for one simulation run may skip that (Prefault::no): its pages are then committed,
// zeroed by the kernel, as they are first used, and making it costs nothing for the capacity it
// never touches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "core/assert.h"

namespace kervan {

enum class Prefault : bool { no = false, yes = true };

// Allocates `bytes` zeroed, pre-faulted unless told not to; from 2 MiB up, huge-page aligned and
// advised (mapped apart from the heap). Aborts when the memory cannot be had: capacities are
// start-up configuration.
[[nodiscard]] void* allocate_table(size_t bytes, Prefault prefault = Prefault::yes);
void free_table(void* table, size_t bytes);
[[nodiscard]] size_t table_bytes(size_t bytes);  // What allocate_table really reserves.

template <typename T>
class FixedVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  explicit FixedVector(size_t capacity, Prefault prefault = Prefault::yes)
      : data_(static_cast<T*>(allocate_table(capacity * sizeof(T), prefault))),
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

  T& operator[](size_t index) { return data_[index]; }
  const T& operator[](size_t index) const { return data_[index]; }
  T& back() { return data_[size_ - 1]; }
  const T& front() const { return data_[0]; }
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
