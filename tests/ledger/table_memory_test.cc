#include "ledger/table_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace kervan {
namespace {

constexpr size_t mib = size_t{1} << 20;

bool all_zero(const void* table, size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(table);
  for (size_t i = 0; i < bytes; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

// A freed table comes back for the next one that fits, zeroed where it was written and where it
// was not.
TEST(TableMemory, AReusedTableIsZeroedEverywhere) {
  release_table_cache();
  void* first = allocate_table(8 * mib, Prefault::no);
  auto* bytes = static_cast<unsigned char*>(first);
  std::memset(bytes, 0xAB, 3 * mib);        // Committed pages, dirty.
  bytes[7 * mib + 5] = 0xCD;                  // One more, apart.
  free_table(first, 8 * mib);
  EXPECT_EQ(table_cache_bytes(), 8 * mib);
  void* second = allocate_table(6 * mib + 100, Prefault::no);  // Smaller: the same mapping.
  EXPECT_EQ(second, first);
  EXPECT_EQ(table_cache_bytes(), 0u);
  EXPECT_TRUE(all_zero(second, 6 * mib + 100));
  free_table(second, 6 * mib + 100);  // Goes back whole (8 MiB), not as the size asked for.
  EXPECT_EQ(table_cache_bytes(), 8 * mib);
  void* third = allocate_table(8 * mib, Prefault::yes);
  EXPECT_EQ(third, first);
  EXPECT_TRUE(all_zero(third, 8 * mib));
  free_table(third, 8 * mib);
  release_table_cache();
  EXPECT_EQ(table_cache_bytes(), 0u);
}

// Records written before they are read need no zeroing: a reused table keeps what its previous
// user wrote, a fresh one reads as zero.
TEST(TableMemory, AnUnspecifiedTableIsNotZeroedWhenReused) {
  release_table_cache();
  void* first = allocate_table(8 * mib, Prefault::no, Contents::unspecified);
  EXPECT_TRUE(all_zero(first, 8 * mib));  // A fresh mapping.
  std::memset(first, 0xAB, 3 * mib);
  free_table(first, 8 * mib);
  void* second = allocate_table(8 * mib, Prefault::no, Contents::unspecified);
  EXPECT_EQ(second, first);
  EXPECT_EQ(static_cast<unsigned char*>(second)[3 * mib - 1], 0xAB);
  EXPECT_TRUE(all_zero(static_cast<unsigned char*>(second) + 3 * mib, 5 * mib));
  free_table(second, 8 * mib);
  release_table_cache();
}

TEST(TableMemory, ALargerTableIsMappedAfresh) {
  release_table_cache();
  void* small = allocate_table(4 * mib, Prefault::no);
  free_table(small, 4 * mib);
  void* large = allocate_table(16 * mib, Prefault::no);
  EXPECT_NE(large, small);
  EXPECT_EQ(table_cache_bytes(), 4 * mib);  // The small one still waits.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large) % (2 * mib), 0u);  // Huge-page aligned.
  EXPECT_TRUE(all_zero(large, 16 * mib));
  free_table(large, 16 * mib);
  EXPECT_EQ(table_cache_bytes(), 20 * mib);
  release_table_cache();
}

// A lazily committed table is mapped on a grid of quarter steps between powers of two, so that
// the next run's table, a little larger, still reuses it; a pre-faulted one is mapped as asked.
TEST(TableMemory, ALazyTableLeavesRoomForALittleLargerOne) {
  release_table_cache();
  void* first = allocate_table(33 * mib, Prefault::no);  // Mapped as 40 MiB (32 + 32/4).
  static_cast<unsigned char*>(first)[33 * mib - 1] = 0xEF;
  free_table(first, 33 * mib);
  EXPECT_EQ(table_cache_bytes(), 40 * mib);
  void* larger = allocate_table(39 * mib, Prefault::no);
  EXPECT_EQ(larger, first);
  EXPECT_TRUE(all_zero(larger, 39 * mib));
  free_table(larger, 39 * mib);
  release_table_cache();
  void* eager = allocate_table(33 * mib, Prefault::yes);  // Whole huge pages only.
  free_table(eager, 33 * mib);
  EXPECT_EQ(table_cache_bytes(), 34 * mib);
  release_table_cache();
}

TEST(TableMemory, SmallTablesAreNotCached) {
  release_table_cache();
  void* table = allocate_table(1000);
  EXPECT_TRUE(all_zero(table, 1000));
  EXPECT_EQ(table_bytes(1000), 1024u);  // Whole cache lines.
  free_table(table, 1000);
  EXPECT_EQ(table_cache_bytes(), 0u);
}

}  // namespace
}  // namespace kervan
