#include "sim/radix_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <queue>
#include <random>
#include <vector>

#include "sim/lookahead_queue.h"

namespace kervan {
namespace {

struct Item {
  uint64_t key;
  uint32_t payload;
};
struct KeyOfItem {
  uint64_t operator()(const Item& item) const { return item.key; }
};
struct Greater {
  bool operator()(const Item& a, const Item& b) const { return a.key > b.key; }
};

TEST(RadixHeap, PopsInKeyOrder) {
  RadixHeap<Item, KeyOfItem> heap;
  for (uint64_t key : {40u, 3u, 17u, 1u, 1000u, 5u}) heap.push({key, uint32_t(key)});
  std::vector<uint64_t> popped;
  while (!heap.empty()) {
    popped.push_back(heap.top().key);
    EXPECT_EQ(heap.top().payload, heap.top().key);
    heap.pop();
  }
  EXPECT_EQ(popped, (std::vector<uint64_t>{1, 3, 5, 17, 40, 1000}));
}

TEST(RadixHeap, KeysAtTheEndsOfTheRange) {
  RadixHeap<Item, KeyOfItem> heap;
  heap.push({UINT64_MAX, 1});
  heap.push({0, 2});
  heap.push({uint64_t{1} << 63, 3});
  EXPECT_EQ(heap.size(), 3u);
  EXPECT_EQ(heap.top().payload, 2u);
  heap.pop();
  heap.push({0, 4});  // Equal to the last key popped: allowed.
  EXPECT_EQ(heap.top().payload, 4u);
  heap.pop();
  EXPECT_EQ(heap.top().payload, 3u);
  heap.pop();
  EXPECT_EQ(heap.top().payload, 1u);
  heap.pop();
  EXPECT_TRUE(heap.empty());
}

// A discrete-event workload: each pop schedules zero to three later events, as the engine does
// (unique keys: time in the high bits, a sequence number in the low). The same items must come
// out in the same order as from a binary heap.
TEST(RadixHeap, AgreesWithABinaryHeapOnAnEventWorkload) {
  std::mt19937_64 random(7);
  RadixHeap<Item, KeyOfItem> radix;
  std::priority_queue<Item, std::vector<Item>, Greater> binary;
  uint64_t sequence = 0;
  auto schedule = [&](uint64_t time) {
    const Item item{(time << 28) | sequence, uint32_t(sequence)};
    sequence += 1;
    radix.push(item);
    binary.push(item);
  };
  for (int i = 0; i < 1000; ++i) schedule(random() % 100'000);
  size_t popped = 0;
  while (!binary.empty()) {
    ASSERT_FALSE(radix.empty());
    ASSERT_EQ(radix.size(), binary.size());
    const Item expected = binary.top();
    ASSERT_EQ(radix.top().key, expected.key) << popped;
    ASSERT_EQ(radix.top().payload, expected.payload);
    radix.pop();
    binary.pop();
    popped += 1;
    const uint64_t now = expected.key >> 28;
    if (sequence < 200'000) {
      for (uint64_t k = random() % 4; k > 0; --k) {
        // Mostly soon, sometimes far ahead, sometimes at the same time.
        const uint64_t choice = random() % 10;
        schedule(now + (choice == 0 ? 0 : choice < 8 ? random() % 1000 : random() % 10'000'000));
      }
    }
  }
  EXPECT_TRUE(radix.empty());
  EXPECT_GT(popped, 100'000u);
}

// The lookahead queue hands items out in a binary heap's order even when items are pushed
// between the one just popped and those already taken ahead (they go into the window), and
// shows every item to `on_taken` exactly once unless it was pushed straight into the window.
TEST(LookaheadQueue, KeepsThePriorityOrderWhenItemsArePushedIntoItsWindow) {
  std::mt19937_64 random(11);
  LookaheadQueue<Item, KeyOfItem, 4> queue;
  std::priority_queue<Item, std::vector<Item>, Greater> binary;
  uint64_t sequence = 1;
  auto schedule = [&](uint64_t time) {
    const Item item{(time << 28) | sequence, uint32_t(sequence)};
    sequence += 1;
    queue.push(item);
    binary.push(item);
  };
  for (int i = 0; i < 200; ++i) schedule(random() % 10'000);
  size_t popped = 0, taken = 0, into_window = 0;
  std::vector<uint32_t> seen(1'000'000, 0);
  while (!binary.empty()) {
    ASSERT_FALSE(queue.empty());
    const Item expected = binary.top();
    binary.pop();
    const Item got = queue.pop([&](const Item& item) {
      taken += 1;
      seen[item.payload] += 1;
    });
    ASSERT_EQ(got.key, expected.key) << popped;
    // Filled to four ahead while enough wait; items pushed into the window may make it longer.
    ASSERT_GE(queue.ahead_count(), std::min<size_t>(4, binary.size()));
    for (size_t i = 1; i < queue.ahead_count(); ++i) {
      ASSERT_LT(queue.ahead(i - 1).key, queue.ahead(i).key);
    }
    popped += 1;
    const uint64_t now = got.key >> 28;
    if (sequence < 100'000) {
      for (uint64_t k = random() % 3; k > 0; --k) {
        // Often before the items already taken ahead: at the same time, or a few seconds on.
        const uint64_t choice = random() % 4;
        const uint64_t later = choice == 0 ? 0 : choice == 1 ? random() % 5 : random() % 20'000;
        const uint64_t key = ((now + later) << 28) | sequence;  // What schedule() will make.
        if (queue.ahead_count() > 0 && key < queue.ahead(queue.ahead_count() - 1).key) {
          into_window += 1;
        }
        schedule(now + later);
      }
    }
  }
  EXPECT_TRUE(queue.empty());
  EXPECT_GT(popped, 50'000u);
  EXPECT_GT(into_window, 1'000u);  // The window insertion was exercised.
  EXPECT_EQ(taken + into_window, popped);
  EXPECT_EQ(*std::max_element(seen.begin(), seen.end()), 1u);
}

}  // namespace
}  // namespace kervan
