#include "ledger/id_table.h"

#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <vector>

#include "core/random.h"

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

// Removal in any order, at full load (long probe runs that wrap around the end of the table),
// checked against a map after every step; freed room is reused.
TEST(IdTable, RemovingAnyIdKeepsEveryOtherLookup) {
  constexpr uint32_t capacity = 512;
  IdTable table(capacity, 9);
  std::map<u128, uint32_t> model;
  SplitMix64 random(3);
  uint32_t next = 1;
  for (int round = 0; round < 20'000; ++round) {
    const bool insert = model.size() < capacity && (model.empty() || random.below(2) == 0);
    if (insert) {
      const u128 id = make_u128(random.below(4), random.next() | 1);
      if (model.count(id) != 0) continue;
      table.insert(id, next);
      model[id] = next++;
    } else {
      auto it = model.begin();
      std::advance(it, static_cast<long>(random.below(model.size())));
      ASSERT_TRUE(table.remove(it->first));
      EXPECT_FALSE(table.remove(it->first));  // Gone: a second removal finds nothing.
      model.erase(it);
    }
    ASSERT_EQ(table.size(), model.size());
    if (round % 97 == 0) {
      for (const auto& [id, value] : model) ASSERT_EQ(table.find(id), value);
    }
  }
  for (const auto& [id, value] : model) EXPECT_EQ(table.find(id), value);
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
