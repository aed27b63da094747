#include "ledger/fixed_vector.h"

#include <sys/mman.h>

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

void* allocate_table(size_t bytes) {
  const size_t size = table_bytes(bytes);
  const bool huge = size >= huge_page_bytes;
  void* table = std::aligned_alloc(huge ? huge_page_bytes : cache_line_bytes, size);
  KERVAN_ASSERT(table != nullptr);
  // Only a hint: without transparent huge pages the table works the same, just slower.
  if (huge) (void)madvise(table, size, MADV_HUGEPAGE);
  std::memset(table, 0, size);
  return table;
}

void free_table(void* table, size_t /*bytes*/) {
  std::free(table);
}

}  // namespace kervan
