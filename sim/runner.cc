#include "sim/runner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kervan {

ReplicationResult run_replication(const Scenario& scenario, uint32_t replication,
                                  const LedgerPortFactory* port_factory,
                                  const SimulationOptions* options) {
  const auto started = std::chrono::steady_clock::now();
  ReplicationResult r;
  r.replication = replication;
  const TrafficPlan plan = generate_traffic(scenario, replication);
  r.trucks = plan.trucks.size();
  r.skipped_no_tariff = plan.skipped_no_tariff;
  for (const Scheme& scheme : scenario.schemes) {
    const GuaranteeSizing sizing = size_guarantees(scenario, scheme, plan);
    const bool log = options != nullptr && options->on_outcomes;
    std::vector<TruckOutcome> outcomes;
    r.schemes.push_back(run_scheme(
        scenario, scheme, plan, sizing,
        {.port_factory = port_factory,
         .outcomes = log ? &outcomes : nullptr,
         .ledger_check = options != nullptr ? options->ledger_check : LedgerCheck::totals}));
    if (log) options->on_outcomes(replication, scheme, plan, outcomes);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

std::vector<ReplicationResult> run_replications(const Scenario& scenario,
                                                const SimulationOptions& options) {
  const uint32_t first = options.first_replication;
  const uint32_t count = options.replication_count != 0
                             ? options.replication_count
                             : (scenario.replications > first ? scenario.replications - first : 0);
  std::vector<ReplicationResult> results(count);
  uint32_t threads = options.threads != 0 ? options.threads
                                          : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max(count, 1u));
  std::atomic<uint32_t> next{0};
  std::mutex mutex;
  std::condition_variable finished;
  std::vector<uint32_t> done_order;  // Indices finished, for progress reports.
  // Takes the next replication and runs it; false once none is left.
  auto run_next = [&] {
    const uint32_t i = next.fetch_add(1);
    if (i >= count) return false;
    ReplicationResult r = run_replication(scenario, first + i, &options.port_factory, &options);
    const std::lock_guard lock(mutex);
    results[i] = std::move(r);
    done_order.push_back(i);
    return true;
  };
  auto work = [&] {
    while (run_next()) finished.notify_one();
  };
  std::vector<std::thread> pool;
  for (uint32_t t = 1; t < threads; ++t) pool.emplace_back(work);
  // The calling thread works too, and reports progress between its own replications.
  size_t reported = 0;
  auto report = [&] {
    std::vector<uint32_t> fresh;
    {
      std::lock_guard lock(mutex);
      fresh.assign(done_order.begin() + static_cast<long>(reported), done_order.end());
      reported = done_order.size();
    }
    if (!options.progress) return;
    for (size_t k = 0; k < fresh.size(); ++k) {
      options.progress(results[fresh[k]], uint32_t(reported - fresh.size() + k + 1), count);
    }
  };
  while (run_next()) report();
  {
    std::unique_lock lock(mutex);
    while (done_order.size() < count) {
      lock.unlock();
      report();
      lock.lock();
      if (done_order.size() < count) finished.wait(lock);
    }
  }
  for (std::thread& t : pool) t.join();
  report();
  return results;
}

}  // namespace kervan
