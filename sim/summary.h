// What a simulation says across its replications: per scheme, each metric's mean with a 95 %
// confidence interval; per other scheme, the paired difference from the first scheme (common
// random numbers make it far tighter than the two intervals apart); distributions pooled over
// replications (transit times, claim losses) and across them (a year's pool loss: VaR and
// expected shortfall at 99 %); the mean cover in use per day; and the self-checks.
#pragma once

#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/statistics.h"

namespace kervan {

struct MetricSummary {
  std::string name;
  std::vector<ConfidenceInterval> schemes;      // Per scheme, in the scenario's order.
  std::vector<ConfidenceInterval> differences;  // Scheme i minus scheme 0 (entry 0: zero).
};

struct SchemeDistributions {
  double transit_days_p50 = 0, transit_days_p95 = 0, transit_days_p99 = 0;  // Pooled.
  TailRisk yearly_pool_loss{};   // Across replications, at 99 % (one year's losses each).
  TailRisk claim_loss{};         // Across every claim of every replication, at 99 %.
  std::vector<double> daily_cover_eur;  // Mean over replications, per day of the window.
  std::vector<double> transit_days_sorted;  // Pooled, for the plots.
  std::vector<double> yearly_pool_loss_sorted;
};

struct SimulationSummary {
  std::vector<std::string> schemes;
  uint32_t replications = 0;
  std::vector<MetricSummary> metrics;
  std::vector<SchemeDistributions> distributions;  // Per scheme.
  bool ledger_agrees = true;          // In every run.
  std::string first_disagreement;     // "replication r, scheme s: ..." when not.
  double little_relative_error_max = 0;
  uint64_t ledger_steps = 0;
};

// REQUIRES: at least one replication; every replication ran the same schemes.
SimulationSummary summarize(const std::vector<ReplicationResult>& replications);

}  // namespace kervan
