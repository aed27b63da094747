// Runs a scenario's replications: each draws its traffic (sim/traffic.h), sizes and runs every
// scheme on it (sim/scheme_run.h). Replications run on a pool of threads; each is independent
// and deterministic, and the results are kept in replication order, so a run on one thread, on
// many, or split across processes (MPI) gives the same results bit for bit.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "sim/scenario.h"
#include "sim/scheme_run.h"

namespace kervan {

struct ReplicationResult {
  uint32_t replication = 0;
  uint64_t trucks = 0;            // In the plan (warm-up included).
  uint32_t skipped_no_tariff = 0;
  std::vector<SchemeRunResult> schemes;  // In the scenario's scheme order.
  double seconds = 0;             // Wall time of the replication (not part of the results).
};

struct SimulationOptions {
  uint32_t threads = 1;          // 0: one per core.
  uint32_t first_replication = 0;  // Run [first, first + count): a process's share under MPI.
  uint32_t replication_count = 0;  // 0: the scenario's replications, from first.
  // Where the ledger steps go (sim/ledger_port.h); empty: an in-process ledger per run.
  LedgerPortFactory port_factory;
  // What each run checks of an in-process ledger at its end (sim/scheme_run.h).
  LedgerCheck ledger_check = LedgerCheck::totals;
  // When set, called after each scheme run with what happened to every truck (the event log:
  // sim/outcome_log.h). Called from the thread that ran the replication: several may call it
  // at once, each with its own replication.
  std::function<void(uint32_t replication, const Scheme& scheme, const TrafficPlan& plan,
                     const std::vector<TruckOutcome>& outcomes)>
      on_outcomes;
  // Called (from the calling thread) after each replication finishes, in completion order.
  std::function<void(const ReplicationResult&, uint32_t done, uint32_t total)> progress;
};

// The replications of the scenario, in replication order.
std::vector<ReplicationResult> run_replications(const Scenario& scenario,
                                                const SimulationOptions& options);

// One replication: traffic, sizing and every scheme.
ReplicationResult run_replication(const Scenario& scenario, uint32_t replication,
                                  const LedgerPortFactory* port_factory = nullptr,
                                  const SimulationOptions* options = nullptr);

}  // namespace kervan
