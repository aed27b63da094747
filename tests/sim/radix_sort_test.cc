// radix_sort: the same order as std::sort on every size and range it meets.
#include "sim/radix_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace kervan {
namespace {

std::vector<int64_t> random_values(size_t n, int64_t max, uint64_t seed) {
  std::mt19937_64 draws(seed);  // Test data only: any well-mixed values do.
  std::vector<int64_t> values(n);
  for (int64_t& v : values) v = static_cast<int64_t>(draws() % (uint64_t(max) + 1));
  return values;
}

TEST(RadixSort, SortsAsStdSortDoes) {
  struct Case {
    size_t n;
    int64_t max;
  };
  // Small (std::sort), one pass, several passes, an odd number of passes (the result comes
  // back from the scratch), the whole non-negative range, many duplicates.
  const Case cases[] = {{0, 10},
                        {1, 10},
                        {1023, 1 << 20},
                        {1024, 2047},
                        {5000, 1 << 21},
                        {100'000, 40'000'000},
                        {70'000, INT64_MAX},
                        {50'000, 3}};
  std::vector<int64_t> scratch;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.n) + " values up to " + std::to_string(c.max));
    std::vector<int64_t> values = random_values(c.n, c.max, c.n);
    std::vector<int64_t> expected = values;
    std::sort(expected.begin(), expected.end());
    radix_sort(values, scratch);
    EXPECT_EQ(values, expected);
  }
}

TEST(RadixSort, SortedAndReversedInput) {
  std::vector<int64_t> ascending(3000), descending(3000);
  for (size_t i = 0; i < ascending.size(); ++i) {
    ascending[i] = int64_t(i) * 977;
    descending[i] = int64_t(ascending.size() - i) * 977;
  }
  std::vector<int64_t> scratch;
  std::vector<int64_t> sorted = ascending;
  radix_sort(sorted, scratch);
  EXPECT_EQ(sorted, ascending);
  radix_sort(descending, scratch);
  std::vector<int64_t> expected = descending;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(descending, expected);
  EXPECT_EQ(descending.front(), 977);
}

}  // namespace
}  // namespace kervan
