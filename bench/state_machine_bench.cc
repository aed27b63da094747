// Events per second applied by the in-memory state machine, by batch size, transfer mix,
// number of accounts and id distribution; and memory per transfer held.
//
//   build/bench/kervan_state_machine_bench --benchmark_counters_tabular=true
//
// Every batch is generated before timing starts; one iteration applies one batch.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "bench/bench_accounts.h"
#include "core/random.h"
#include "ledger/invariants.h"
#include "ledger/state_machine.h"

namespace kervan {
namespace {

constexpr uint32_t ledger_eur = 978;
constexpr uint64_t events_per_run = 2'000'000;

enum Mix : int64_t { single_phase = 0, two_phase = 1 };
enum Ids : int64_t { uniform = 0, hot = 1 };

using Random = SplitMix64;

// Account ids 1..accounts. Hot: 90 % of picks fall on the first 1 % of accounts.
u128 pick_account(Random& random, uint64_t accounts, Ids ids) {
  if (ids == hot && random.below(10) != 0) return 1 + random.below(accounts / 100);
  return 1 + random.below(accounts);
}

// Two-phase mix: each batch reserves half its events as pendings and posts the pendings of
// the previous batch with the other half, so every pending is resolved one batch later.
std::vector<Transfer> make_events(uint64_t count, uint32_t batch, uint64_t accounts, Mix mix,
                                  Ids ids) {
  Random random{42};
  std::vector<Transfer> events(count);
  for (uint64_t i = 0; i < count; ++i) {
    Transfer& t = events[i];
    t.id = i + 1;
    const uint64_t in_batch = i % batch;
    if (mix == two_phase && batch == 1 && i % 2 == 1) {
      t.pending_id = i;  // The pending sent just before.
      t.flags = flags_of(TransferFlags::post_pending_transfer);
      continue;
    }
    if (mix == two_phase && batch > 1 && in_batch >= batch / 2 && i >= batch) {
      t.pending_id = (i - batch - batch / 2) + 1;  // A pending of the previous batch.
      t.flags = flags_of(TransferFlags::post_pending_transfer);
      continue;
    }
    t.debit_account_id = pick_account(random, accounts, ids);
    do {
      t.credit_account_id = pick_account(random, accounts, ids);
    } while (t.credit_account_id == t.debit_account_id);
    t.amount = 1 + random.below(1'000'000);
    t.ledger = ledger_eur;
    t.code = 1;
    if (mix == two_phase) t.flags = flags_of(TransferFlags::pending);
  }
  return events;
}

std::unique_ptr<StateMachine> make_ledger(uint64_t accounts, uint64_t transfers) {
  auto machine = std::make_unique<StateMachine>(
      LedgerConfig{.accounts_max = static_cast<uint32_t>(accounts),
                   .transfers_max = static_cast<uint32_t>(transfers),
                   .failed_ids_max = static_cast<uint32_t>(transfers / 8 + 1),
                   .hash_seed = 1});
  std::vector<CreateAccountResult> results(batch_events_max);
  for_each_account_batch(accounts, [&](std::span<const Account> batch) {
    machine->create_accounts(1, batch, std::span(results).first(batch.size()));
  });
  return machine;
}

void BM_create_transfers(benchmark::State& state) {
  const auto batch = static_cast<uint32_t>(state.range(0));
  const auto accounts = static_cast<uint64_t>(state.range(1));
  const auto mix = static_cast<Mix>(state.range(2));
  const auto ids = static_cast<Ids>(state.range(3));
  const uint64_t batches = events_per_run / batch;
  const std::vector<Transfer> events = make_events(batches * batch, batch, accounts, mix, ids);
  auto machine = make_ledger(accounts, batches * batch);
  std::vector<CreateTransferResult> results(batch);
  uint64_t batch_index = 0;
  uint64_t failed = 0;
  for (auto _ : state) {
    const std::span<const Transfer> slice(events.data() + batch_index * batch, batch);
    machine->create_transfers(1'000'000'000 + batch_index * batch, slice, results);
    benchmark::DoNotOptimize(results.data());
    batch_index += 1;
  }
  for (CreateTransferResult r : results) failed += r == CreateTransferResult::ok ? 0 : 1;
  state.SetItemsProcessed(static_cast<int64_t>(batch_index * batch));
  state.counters["failed_last_batch"] = static_cast<double>(failed);
  state.SetLabel(std::string(mix == two_phase ? "two_phase" : "single_phase") +
                 (ids == hot ? "/hot" : "/uniform"));
}

// One batch per iteration, exactly as many batches as were generated for the run.
void register_create_transfers() {
  for (int64_t accounts : {10'000, 1'000'000}) {
    for (int64_t mix : {single_phase, two_phase}) {
      for (int64_t ids : {uniform, hot}) {
        for (int64_t batch : {1, 100, 8190}) {
          benchmark::RegisterBenchmark("create_transfers", BM_create_transfers)
              ->Args({batch, accounts, mix, ids})
              ->Iterations(static_cast<int64_t>(events_per_run) / batch)
              ->Unit(benchmark::kMicrosecond)
              ->UseRealTime();
        }
      }
    }
  }
}

// The whole-ledger audit `verify` and every simulation run end with: 1,000,000 accounts and
// 2,000,000 two-phase transfers (pendings, each posted one batch later), ids uniform.
void BM_check_invariants(benchmark::State& state) {
  constexpr uint32_t batch = 8190;
  constexpr uint64_t accounts = 1'000'000;
  const uint64_t batches = events_per_run / batch;
  const std::vector<Transfer> events = make_events(batches * batch, batch, accounts, two_phase,
                                                   uniform);
  auto machine = make_ledger(accounts, batches * batch);
  std::vector<CreateTransferResult> results(batch);
  for (uint64_t b = 0; b < batches; ++b) {
    machine->create_transfers(1'000'000'000 + b * batch,
                              std::span<const Transfer>(events.data() + b * batch, batch), results);
  }
  bool ok = true;
  for (auto _ : state) ok = ok && check_invariants(*machine).ok();
  if (!ok) state.SkipWithError("the invariants do not hold");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() *
                                               (machine->accounts_count() +
                                                machine->transfers_count())));
}
BENCHMARK(BM_check_invariants)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

// Marginal bytes allocated per transfer of capacity (records, links, pending state, expiry
// heap, id index with room for failed ids): the difference between two capacities.
void BM_memory_per_transfer(benchmark::State& state) {
  uint64_t bytes_small = 0;
  uint64_t bytes_large = 0;
  for (auto _ : state) {
    bytes_small = make_ledger(1000, 1'000'000)->bytes_allocated();
    bytes_large = make_ledger(1000, 3'000'000)->bytes_allocated();
  }
  state.counters["bytes_per_transfer"] =
      static_cast<double>(bytes_large - bytes_small) / 2'000'000.0;
  const uint64_t accounts_small = make_ledger(10'000, 1000)->bytes_allocated();
  const uint64_t accounts_large = make_ledger(1'010'000, 1000)->bytes_allocated();
  state.counters["bytes_per_account"] =
      static_cast<double>(accounts_large - accounts_small) / 1'000'000.0;
}
BENCHMARK(BM_memory_per_transfer)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

void register_create_transfers_benchmarks() {
  register_create_transfers();
}

}  // namespace kervan

int main(int argc, char** argv) {
  kervan::register_create_transfers_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
