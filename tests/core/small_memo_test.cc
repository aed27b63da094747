#include "core/small_memo.h"

#include <gtest/gtest.h>

namespace kervan {
namespace {

TEST(SmallMemo, FindsWhatWasInserted) {
  SmallMemo<int, int, 4> memo;
  EXPECT_EQ(memo.find(1), nullptr);
  memo.insert(1, 10);
  memo.insert(2, 20);
  ASSERT_NE(memo.find(1), nullptr);
  EXPECT_EQ(*memo.find(1), 10);
  ASSERT_NE(memo.find(2), nullptr);
  EXPECT_EQ(*memo.find(2), 20);
  EXPECT_EQ(memo.find(3), nullptr);
  EXPECT_EQ(memo.size(), 2u);
}

// Full: the next insert forgets everything, then remembers the new key alone.
TEST(SmallMemo, ForgetsAllWhenFull) {
  SmallMemo<int, int, 3> memo;
  for (int key = 0; key < 3; ++key) memo.insert(key, key * 100);
  EXPECT_EQ(memo.size(), 3u);
  memo.insert(7, 700);
  EXPECT_EQ(memo.size(), 1u);
  for (int key = 0; key < 3; ++key) EXPECT_EQ(memo.find(key), nullptr) << key;
  ASSERT_NE(memo.find(7), nullptr);
  EXPECT_EQ(*memo.find(7), 700);
}

// Computes only what it does not remember.
TEST(SmallMemo, FindOrInsertComputesOnce) {
  SmallMemo<int, int, 2> memo;
  int computed = 0;
  const auto square = [&](int key) {
    return [&computed, key] {
      computed += 1;
      return key * key;
    };
  };
  EXPECT_EQ(memo.find_or_insert(3, square(3)), 9);
  EXPECT_EQ(memo.find_or_insert(3, square(3)), 9);
  EXPECT_EQ(computed, 1);
  EXPECT_EQ(memo.find_or_insert(4, square(4)), 16);
  EXPECT_EQ(memo.find_or_insert(5, square(5)), 25);  // Full: forgets 3 and 4.
  EXPECT_EQ(computed, 3);
  EXPECT_EQ(memo.find_or_insert(3, square(3)), 9);
  EXPECT_EQ(computed, 4);
}

TEST(SmallMemo, ClearForgets) {
  SmallMemo<int, int, 2> memo;
  memo.insert(5, 50);
  memo.clear();
  EXPECT_EQ(memo.find(5), nullptr);
  EXPECT_EQ(memo.size(), 0u);
}

}  // namespace
}  // namespace kervan
