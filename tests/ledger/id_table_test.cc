#include "ledger/id_table.h"

#include <gtest/gtest.h>

#include <vector>

namespace kervan {
namespace {

TEST(IdTable, FindsWhatWasInsertedAndNothingElse) {
  IdTable table(1000, 42);
  for (uint32_t i = 1; i <= 1000; ++i) table.insert(make_u128(i % 7, i * 2654435761u), i);
  EXPECT_EQ(table.size(), 1000u);
  for (uint32_t i = 1; i <= 1000; ++i) {
    EXPECT_EQ(table.find(make_u128(i % 7, i * 2654435761u)), i);
  }
  EXPECT_EQ(table.find(make_u128(99, 99)), IdTable::value_none);
}

TEST(IdTable, RemovingInReverseOrderRestoresEveryLookup) {
  // Sequential ids collide in clusters under linear probing; removal must not break probes.
  IdTable table(64, 0);
  for (uint32_t i = 1; i <= 64; ++i) table.insert(i, i);
  for (uint32_t i = 64; i > 32; --i) table.remove_last(i);
  EXPECT_EQ(table.size(), 32u);
  for (uint32_t i = 1; i <= 32; ++i) EXPECT_EQ(table.find(i), i) << i;
  for (uint32_t i = 33; i <= 64; ++i) EXPECT_EQ(table.find(i), IdTable::value_none) << i;
  for (uint32_t i = 33; i <= 64; ++i) table.insert(i, i + 1000);
  for (uint32_t i = 33; i <= 64; ++i) EXPECT_EQ(table.find(i), i + 1000) << i;
}

TEST(IdTable, SeedChangesPlacementButNotResults) {
  IdTable a(100, 1), b(100, 2);
  for (uint32_t i = 1; i <= 100; ++i) {
    a.insert(u128_max - i, i);
    b.insert(u128_max - i, i);
  }
  for (uint32_t i = 1; i <= 100; ++i) EXPECT_EQ(a.find(u128_max - i), b.find(u128_max - i));
}

TEST(IdTableDeathTest, InsertingBeyondCapacityIsAProgrammerError) {
  IdTable table(2, 0);
  table.insert(1, 1);
  table.insert(2, 2);
  EXPECT_DEATH(table.insert(3, 3), "size_ < entries_max_");
}

}  // namespace
}  // namespace kervan
