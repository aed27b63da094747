#include "ledger/fixed_vector.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace kervan {

namespace {
constexpr size_t huge_page_bytes = 2 * 1024 * 1024;
constexpr size_t cache_line_bytes = 64;
}  // namespace

// Tables of 2 MiB or more are rounded up to whole huge pages; smaller ones (tests, small
// ledgers) to cache lines, so that a small ledger stays cheap to create.
size_t table_bytes(size_t bytes) {
  const size_t unit = bytes >= huge_page_bytes ? huge_page_bytes : cache_line_bytes;
  const size_t rounded = (bytes + unit - 1) / unit * unit;
  return rounded == 0 ? cache_line_bytes : rounded;
}

void* allocate_table(size_t bytes, Prefault prefault) {
  const size_t size = table_bytes(bytes);
  if (size < huge_page_bytes) {
    void* table = std::aligned_alloc(cache_line_bytes, size);
    KERVAN_ASSERT(table != nullptr);
    std::memset(table, 0, size);
    return table;
  }
  // A private anonymous mapping is zero-filled by the kernel. Map a huge page more than needed
  // and trim both ends, so that the table starts on a huge-page boundary.
  const size_t mapped = size + huge_page_bytes;
  void* region = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  KERVAN_ASSERT(region != MAP_FAILED);
  const auto start = reinterpret_cast<uintptr_t>(region);
  const uintptr_t aligned = (start + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  if (aligned > start) (void)munmap(region, aligned - start);
  const uintptr_t end = start + mapped;
  if (end > aligned + size) {
    (void)munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
  }
  void* table = reinterpret_cast<void*>(aligned);
  // Only a hint: without transparent huge pages the table works the same, just slower.
  (void)madvise(table, size, MADV_HUGEPAGE);
  if (prefault == Prefault::yes) std::memset(table, 0, size);  // Commits every page now.
  return table;
}

void free_table(void* table, size_t bytes) {
  const size_t size = table_bytes(bytes);
  if (size < huge_page_bytes) {
    std::free(table);
  } else {
    (void)munmap(table, size);
  }
}

}  // namespace kervan
