// The durable store: transfers per second through state machine + journal + fsync, by batch
// size; the latency of a durable single-event commit; recovery time and checkpoint cost at
// 10 million journaled transfers; bytes on disk per transfer.
//
//   build/bench/kervan_store_bench --benchmark_counters_tabular=true
//   KERVAN_BENCH_DIR=/path/on/the/disk/to/measure   (default: $TMPDIR or /tmp)
//
// Batches are pipelined the way a server runs them: batch k is applied and appended while
// earlier ones are being committed; a batch counts as done when it is durable.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/assert.h"
#include "bench/bench_accounts.h"
#include "ledger/store.h"

namespace kervan {
namespace {

constexpr uint32_t ledger_eur = 978;
constexpr uint32_t accounts = 10'000;

std::string bench_folder(const std::string& name) {
  const char* base = std::getenv("KERVAN_BENCH_DIR");
  if (base == nullptr || *base == 0) base = std::getenv("TMPDIR");
  std::string folder = std::string(base != nullptr && *base != 0 ? base : "/tmp") +
                       "/kervan-bench-" + name + "-" + std::to_string(::getpid());
  std::filesystem::remove_all(folder);
  return folder;
}

StoreOptions options_for(const std::string& path, uint64_t transfers) {
  return StoreOptions{
      .path = path,
      .ledger = LedgerConfig{.accounts_max = accounts,
                             .transfers_max = static_cast<uint32_t>(transfers + 16),
                             .failed_ids_max = 1024,
                             .hash_seed = 1},
      .journal_map_bytes_max = uint64_t{256} << 30,
      .checkpoint_map_bytes_max = uint64_t{256} << 30,
      .checkpoint_interval_events = 0,  // Measured separately, on demand.
      .log = [](std::string_view) {}};
}

void create_accounts(Store& store) {
  std::vector<CreateAccountResult> results(batch_events_max);
  uint64_t sequence = 0;
  for_each_account_batch(accounts, [&](std::span<const Account> batch) {
    const auto slots = std::span(results).first(batch.size());
    KERVAN_ASSERT(store.create_accounts(1, 0, batch, slots, &sequence).ok());
  });
  KERVAN_ASSERT(store.wait_durable(sequence).ok());
}

// Fills `batch` with single-phase transfers numbered from `first_id`.
void fill_batch(std::vector<Transfer>& batch, uint64_t first_id) {
  uint64_t random = first_id * 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < batch.size(); ++i) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    Transfer& t = batch[i];
    t.id = first_id + i;
    t.debit_account_id = 1 + random % accounts;
    t.credit_account_id = 1 + (random / accounts + 1 + t.debit_account_id) % accounts;
    if (t.credit_account_id == t.debit_account_id) t.credit_account_id = t.debit_account_id % accounts + 1;
    t.amount = 1 + random % 100'000;
    t.ledger = ledger_eur;
    t.code = 1;
  }
}

// Applies `batches` batches of `size`, at most `window` of them not yet durable.
void run_durable(Store& store, uint64_t batches, uint32_t size, uint32_t window,
                 uint64_t first_id) {
  std::vector<Transfer> batch(size);
  std::vector<CreateTransferResult> results(size);
  std::vector<uint64_t> in_flight;
  for (uint64_t b = 0; b < batches; ++b) {
    fill_batch(batch, first_id + b * size);
    uint64_t sequence = 0;
    KERVAN_ASSERT(store.create_transfers(1'000'000'000 + b, 0, batch, results, &sequence).ok());
    in_flight.push_back(sequence);
    if (in_flight.size() > window) {
      KERVAN_ASSERT(store.wait_durable(in_flight.front()).ok());
      in_flight.erase(in_flight.begin());
    }
  }
  if (!in_flight.empty()) KERVAN_ASSERT(store.wait_durable(in_flight.back()).ok());
}

void BM_durable_transfers(benchmark::State& state) {
  const auto size = static_cast<uint32_t>(state.range(0));
  const auto window = static_cast<uint32_t>(state.range(1));
  // About two seconds of work per size at the expected rates.
  const uint64_t batches = size == 1 ? 4'000 : size == 100 ? 4'000 : size == 1000 ? 1'500 : 300;
  const std::string folder = bench_folder("durable");
  uint64_t commits = 0;
  {
    std::unique_ptr<Store> store;
    KERVAN_ASSERT(Store::open(options_for(folder, batches * size), &store).ok());
    create_accounts(*store);
    const uint64_t commits_before = store->journal_commits();
    for (auto _ : state) run_durable(*store, batches, size, window, 1);
    commits = store->journal_commits() - commits_before;
    state.counters["bytes_per_transfer"] =
        static_cast<double>(store->journal_bytes()) / static_cast<double>(batches * size);
  }
  std::filesystem::remove_all(folder);
  state.SetItemsProcessed(static_cast<int64_t>(batches * size));
  state.counters["batches_per_second"] =
      benchmark::Counter(static_cast<double>(batches), benchmark::Counter::kIsRate);
  state.counters["batches_per_commit"] =
      static_cast<double>(batches) / static_cast<double>(std::max<uint64_t>(commits, 1));
}
BENCHMARK(BM_durable_transfers)
    ->ArgNames({"batch", "window"})
    ->Args({1, 1})
    ->Args({1, 64})
    ->Args({100, 64})
    ->Args({1000, 16})
    ->Args({8000, 4})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Latency of one durable single-event batch, one at a time: the fsync floor plus our cost.
void BM_durable_single_event_latency(benchmark::State& state) {
  const std::string folder = bench_folder("latency");
  {
    std::unique_ptr<Store> store;
    KERVAN_ASSERT(Store::open(options_for(folder, 100'000), &store).ok());
    create_accounts(*store);
    std::vector<Transfer> batch(1);
    std::vector<CreateTransferResult> results(1);
    std::vector<double> latencies_us;
    uint64_t id = 1;
    for (auto _ : state) {
      fill_batch(batch, id++);
      const auto start = std::chrono::steady_clock::now();
      uint64_t sequence = 0;
      KERVAN_ASSERT(store->create_transfers(id, 0, batch, results, &sequence).ok());
      KERVAN_ASSERT(store->wait_durable(sequence).ok());
      latencies_us.push_back(std::chrono::duration<double, std::micro>(
                                 std::chrono::steady_clock::now() - start)
                                 .count());
    }
    std::sort(latencies_us.begin(), latencies_us.end());
    state.counters["p50_us"] = latencies_us[latencies_us.size() / 2];
    state.counters["p99_us"] = latencies_us[latencies_us.size() * 99 / 100];
  }
  std::filesystem::remove_all(folder);
}
BENCHMARK(BM_durable_single_event_latency)->Iterations(2000)->Unit(benchmark::kMicrosecond);

// Recovery with `transfers` journaled: replay of the whole journal, then a checkpoint, then
// recovery from the checkpoint.
void BM_recovery(benchmark::State& state) {
  const auto transfers = static_cast<uint64_t>(state.range(0));
  const uint32_t size = 8000;
  const uint64_t batches = transfers / size;
  const std::string folder = bench_folder("recovery");
  const StoreOptions options = options_for(folder, transfers);
  double write_s = 0, checkpoint_s = 0;
  {
    std::unique_ptr<Store> store;
    KERVAN_ASSERT(Store::open(options, &store).ok());
    create_accounts(*store);
    const auto start = std::chrono::steady_clock::now();
    run_durable(*store, batches, size, 4, 1);
    write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.counters["journal_bytes_per_transfer"] =
        static_cast<double>(store->journal_bytes()) / static_cast<double>(transfers);
  }
  for (auto _ : state) {
    std::unique_ptr<Store> store;
    KERVAN_ASSERT(Store::open(options, &store).ok());
    state.counters["replay_s"] = store->recovery().seconds;
    const auto start = std::chrono::steady_clock::now();
    KERVAN_ASSERT(store->checkpoint().ok());
    const auto paused = std::chrono::steady_clock::now();
    KERVAN_ASSERT(store->wait_checkpoint().ok());
    checkpoint_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.counters["checkpoint_pause_ms"] =
        std::chrono::duration<double, std::milli>(paused - start).count();
    state.counters["checkpoint_bytes_per_transfer"] =
        static_cast<double>(store->checkpoint_bytes()) / static_cast<double>(transfers);
  }
  {
    std::unique_ptr<Store> store;
    KERVAN_ASSERT(Store::open(options, &store).ok());
    state.counters["from_checkpoint_s"] = store->recovery().seconds;
  }
  std::filesystem::remove_all(folder);
  state.counters["write_s"] = write_s;
  state.counters["checkpoint_s"] = checkpoint_s;
}
BENCHMARK(BM_recovery)->Arg(10'000'000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace kervan

BENCHMARK_MAIN();
