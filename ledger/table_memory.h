// Memory for the state machine's tables (FixedVector, IdTable): allocated once, zeroed,
// 2 MiB-aligned and advised for transparent huge pages from 2 MiB up (random lookups in tables
// of hundreds of MB otherwise pay a TLB miss each), and by default written once so that the
// kernel commits every page at start-up instead of page-faulting in the commit path.
//
// A ledger that lives for one simulation run maps its tables lazily (Prefault::no): pages are
// committed as first used. On this machine that first touch costs 0.5-2.7 s per GiB (more on
// huge pages, most in a fresh process), against 0.1 s to zero a GiB already committed
// (docs/performance.md "Memory"). So large tables are not returned to the kernel when freed: they
// wait in a process-wide cache (at most table_cache_bytes_max) for the next table, whose pages the
// previous run already committed. A reused table that must read as zero is zeroed where it was
// committed; pages never touched are still the kernel's zero pages.
#pragma once

#include <cstddef>

namespace kervan {

enum class Prefault : bool { no = false, yes = true };

// What a table holds when allocated: zeroes (an index, whose empty buckets are zero), or
// whatever a previous user of reused memory left (records that are written before they are
// read: FixedVector, std::vector). A fresh mapping is zero either way; `unspecified` spares
// zeroing a reused one, a tenth of a second per simulation run of a year.
enum class Contents : bool { zeroed, unspecified };

// Freed tables kept for reuse, at most (bytes mapped).
inline constexpr size_t table_cache_bytes_max = size_t{8} << 30;

// Allocates `bytes` (zeroed unless told not to), pre-faulted unless told not to; from 2 MiB up,
// huge-page aligned and advised (mapped apart from the heap), taken from the cache when a table
// there is large enough. Aborts when the memory cannot be had: capacities are start-up
// configuration. Thread-safe.
[[nodiscard]] void* allocate_table(size_t bytes, Prefault prefault = Prefault::yes,
                                   Contents contents = Contents::zeroed);
// Frees a table of allocate_table(bytes): large ones go to the cache (the largest cached ones
// are unmapped when it would exceed its maximum). Thread-safe.
void free_table(void* table, size_t bytes);
// What allocate_table reserves at least for `bytes`.
[[nodiscard]] size_t table_bytes(size_t bytes);
// Unmaps every cached table (tests; a process that is done simulating).
void release_table_cache();
// Bytes mapped in the cache now.
[[nodiscard]] size_t table_cache_bytes();

// Tables allocated with Prefault::no are mapped on a coarse grid of sizes (quarter steps between
// powers of two), so that a table a few percent larger than a freed one (the next replication's)
// still reuses it; uncommitted, the slack costs address space only.
//
// A std::vector allocator from table memory (Prefault::no, Contents::unspecified: the vector
// constructs its elements): for the simulator's large per-run arrays (a year's trucks, their
// states), which then sit on huge pages and are reused from run to run instead of page-faulted
// afresh. Meant for vectors sized once: every reallocation of a growing vector would leave its
// old table in the cache.
template <typename T>
struct TableAllocator {
  using value_type = T;
  TableAllocator() = default;
  template <typename U>
  explicit TableAllocator(const TableAllocator<U>& /*other*/) noexcept {}
  [[nodiscard]] T* allocate(size_t count) {
    static_assert(alignof(T) <= 64);
    return static_cast<T*>(allocate_table(count * sizeof(T), Prefault::no, Contents::unspecified));
  }
  void deallocate(T* table, size_t count) noexcept { free_table(table, count * sizeof(T)); }
  friend bool operator==(const TableAllocator&, const TableAllocator&) = default;
};

}  // namespace kervan
