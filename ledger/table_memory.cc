#include "ledger/table_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/assert.h"

namespace kervan {

namespace {

constexpr size_t huge_page_bytes = 2 * 1024 * 1024;
constexpr size_t cache_line_bytes = 64;

struct Mapping {
  void* table = nullptr;
  size_t bytes = 0;  // Mapped, huge-page aligned.
};

// Tables in the cache, and tables lent from it (a lent table may be larger than its user asked
// for: free_table must unmap or cache all of it). A handful of entries: linear scans.
struct TableCache {
  std::mutex mutex;
  std::vector<Mapping> cached;
  std::vector<Mapping> lent;
  size_t cached_bytes = 0;
};

TableCache& cache() {
  static TableCache* instance = new TableCache();  // Never destroyed: tables may outlive main.
  return *instance;
}

void* map_table(size_t size) {
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
  return table;
}

// Zeroes the first `size` bytes of a table that was used before, page run by page run, only
// where pages are committed (mincore): the others read as zero and stay uncommitted.
void zero_committed(void* table, size_t size) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t pages = (size + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  if (mincore(table, pages * page, resident.data()) != 0) {
    std::memset(table, 0, size);  // Cannot tell: zero it all.
    return;
  }
  auto* bytes = static_cast<unsigned char*>(table);
  size_t run = 0;
  while (run < pages) {
    if ((resident[run] & 1) == 0) {
      ++run;
      continue;
    }
    size_t end = run;
    while (end < pages && (resident[end] & 1) != 0) ++end;
    const size_t from = run * page;
    std::memset(bytes + from, 0, std::min(end * page, size) - from);
    run = end;
  }
}

// The smallest cached table of at least `size` bytes, taken out of the cache; or nothing.
Mapping take_cached(TableCache& c, size_t size) {
  const std::lock_guard lock(c.mutex);
  auto best = c.cached.end();
  for (auto it = c.cached.begin(); it != c.cached.end(); ++it) {
    if (it->bytes >= size && (best == c.cached.end() || it->bytes < best->bytes)) best = it;
  }
  if (best == c.cached.end()) return {};
  const Mapping found = *best;
  c.cached.erase(best);
  c.cached_bytes -= found.bytes;
  c.lent.push_back(found);
  return found;
}

// A lazily committed table is mapped on a coarse grid of sizes (quarter steps between powers of
// two: 1, 1.25, 1.5, 1.75 x 2^k), so that the next replication's table, a few percent larger or
// smaller, still finds it in the cache. Its pages are committed only as used, so the slack costs
// address space only.
size_t grid_bytes(size_t size) {
  const unsigned top = 63 - unsigned(__builtin_clzll(size));
  const size_t step = top >= 2 ? size_t{1} << (top - 2) : 1;
  const size_t rounded = (size + step - 1) / step * step;
  return (rounded + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
}

}  // namespace

// Tables of 2 MiB or more are rounded up to whole huge pages; smaller ones (tests, small
// ledgers) to cache lines, so that a small ledger stays cheap to create.
size_t table_bytes(size_t bytes) {
  const size_t unit = bytes >= huge_page_bytes ? huge_page_bytes : cache_line_bytes;
  const size_t rounded = (bytes + unit - 1) / unit * unit;
  return rounded == 0 ? cache_line_bytes : rounded;
}

void* allocate_table(size_t bytes, Prefault prefault, Contents contents) {
  const size_t size = table_bytes(bytes);
  if (size < huge_page_bytes) {
    void* table = std::aligned_alloc(cache_line_bytes, size);
    KERVAN_ASSERT(table != nullptr);
    if (contents == Contents::zeroed) std::memset(table, 0, size);
    return table;
  }
  if (const Mapping reused = take_cached(cache(), size); reused.table != nullptr) {
    if (prefault == Prefault::yes) {
      std::memset(reused.table, 0, size);  // Commits what the previous user did not.
    } else if (contents == Contents::zeroed) {
      zero_committed(reused.table, size);
    }
    return reused.table;
  }
  if (prefault == Prefault::yes) {
    void* table = map_table(size);
    std::memset(table, 0, size);  // Commits every page now.
    return table;
  }
  const size_t mapped = grid_bytes(size);
  void* table = map_table(mapped);
  TableCache& c = cache();
  const std::lock_guard lock(c.mutex);
  c.lent.push_back({table, mapped});  // So that free_table caches all of it.
  return table;
}

void free_table(void* table, size_t bytes) {
  size_t size = table_bytes(bytes);
  if (size < huge_page_bytes) {
    std::free(table);
    return;
  }
  TableCache& c = cache();
  std::vector<Mapping> unmap;
  {
    const std::lock_guard lock(c.mutex);
    const auto lent = std::find_if(c.lent.begin(), c.lent.end(),
                                   [table](const Mapping& m) { return m.table == table; });
    if (lent != c.lent.end()) {
      size = lent->bytes;
      c.lent.erase(lent);
    }
    c.cached.push_back({table, size});
    c.cached_bytes += size;
    // Over the maximum: the largest go back to the kernel.
    std::sort(c.cached.begin(), c.cached.end(),
              [](const Mapping& a, const Mapping& b) { return a.bytes < b.bytes; });
    while (c.cached_bytes > table_cache_bytes_max) {
      unmap.push_back(c.cached.back());
      c.cached_bytes -= c.cached.back().bytes;
      c.cached.pop_back();
    }
  }
  for (const Mapping& m : unmap) (void)munmap(m.table, m.bytes);
}

void release_table_cache() {
  TableCache& c = cache();
  std::vector<Mapping> unmap;
  {
    const std::lock_guard lock(c.mutex);
    unmap.swap(c.cached);
    c.cached_bytes = 0;
  }
  for (const Mapping& m : unmap) (void)munmap(m.table, m.bytes);
}

size_t table_cache_bytes() {
  TableCache& c = cache();
  const std::lock_guard lock(c.mutex);
  return c.cached_bytes;
}

}  // namespace kervan
