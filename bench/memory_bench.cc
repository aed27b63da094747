// What this machine's memory costs, the numbers the simulator's design rests on
// (docs/performance.md "Memory"): a dependent load over working sets from cache-sized to far
// past it, and committing a fresh table (page faults, kernel zeroing) against zeroing one whose
// pages are already committed, as the table cache does (ledger/table_memory.h).
#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

namespace {

constexpr size_t line_bytes = 64;
constexpr size_t huge_page_bytes = size_t{2} << 20;

void* map(size_t bytes, bool huge) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  if (huge) (void)madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

// A random cycle through every cache line of the working set: each load's address is the
// previous load's value, so nothing overlaps.
void BM_dependent_load(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0)) << 20;
  const size_t lines = bytes / line_bytes;
  auto* table = static_cast<uint64_t*>(map(bytes, true));
  if (table == nullptr) {
    state.SkipWithError("mmap failed");
    return;
  }
  std::vector<uint64_t> order(lines);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin() + 1, order.end(), std::mt19937_64(1));
  constexpr size_t words_per_line = line_bytes / sizeof(uint64_t);
  for (size_t i = 0; i < lines; ++i) {
    table[order[i] * words_per_line] = order[(i + 1) % lines] * words_per_line;
  }
  uint64_t at = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1'000'000; ++i) at = table[at];
    benchmark::DoNotOptimize(at);
  }
  state.counters["ns_per_load"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * 1e6,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  munmap(table, bytes);
}
BENCHMARK(BM_dependent_load)->Arg(1)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)
    ->Unit(benchmark::kMillisecond);

// Writing 1 GiB into a fresh mapping (every page faulted and zeroed by the kernel first), on
// 4 KiB pages (arg 0) or huge pages (arg 1).
void BM_first_touch_1GiB(benchmark::State& state) {
  const size_t bytes = size_t{1} << 30;
  const bool huge = state.range(0) != 0;
  for (auto _ : state) {
    void* table = map(bytes + huge_page_bytes, huge);
    if (table == nullptr) {
      state.SkipWithError("mmap failed");
      return;
    }
    std::memset(table, 0, bytes);
    benchmark::DoNotOptimize(table);
    state.PauseTiming();
    munmap(table, bytes + huge_page_bytes);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_first_touch_1GiB)->Arg(0)->Arg(1)->Iterations(3)->Unit(benchmark::kMillisecond);

// Zeroing 1 GiB whose pages are committed: what reusing a cached table costs.
void BM_rezero_1GiB(benchmark::State& state) {
  const size_t bytes = size_t{1} << 30;
  void* table = map(bytes, true);
  if (table == nullptr) {
    state.SkipWithError("mmap failed");
    return;
  }
  std::memset(table, 1, bytes);
  for (auto _ : state) {
    std::memset(table, 0, bytes);
    benchmark::DoNotOptimize(table);
  }
  munmap(table, bytes);
}
BENCHMARK(BM_rezero_1GiB)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
