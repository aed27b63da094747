#include "ledger/fixed_vector.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

namespace kervan {

namespace {
constexpr size_t huge_page_bytes = 2 * 1024 * 1024;
}  // namespace

size_t table_bytes(size_t bytes) {
  const size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  return rounded == 0 ? huge_page_bytes : rounded;
}

void* allocate_table(size_t bytes) {
  const size_t size = table_bytes(bytes);
  void* table = std::aligned_alloc(huge_page_bytes, size);
  KERVAN_ASSERT(table != nullptr);
  // Only a hint: without transparent huge pages the table works the same, just slower.
  (void)madvise(table, size, MADV_HUGEPAGE);
  std::memset(table, 0, size);
  return table;
}

void free_table(void* table, size_t /*bytes*/) { std::free(table); }

}  // namespace kervan
