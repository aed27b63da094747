// A simulation's output folder (docs/simulator.md, "Outputs"), every file a pure function of the
// scenario and the results, so the same run gives the same bytes:
//   report.txt          the short human-readable report (also printed)
//   scenario.json       the fully resolved scenario
//   summary.json        per scheme and metric: mean and 95 % interval; differences from the
//                       first scheme; distributions; self-checks
//   summary.csv         the same metrics, one row per metric and scheme
//   runs.csv            one row per replication, scheme and metric
//   daily_cover.csv     mean cover in use per day of the window, one column per scheme
//   cover_in_use.svg, transit_time_cdf.svg, pool_loss_cdf.svg, scheme_comparison.svg
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/summary.h"

namespace kervan {

// The report as text.
std::string simulation_report(const Scenario& scenario, const SimulationSummary& summary);

// Writes every file into `folder` (created if missing). False, with *error, when a file cannot
// be written.
[[nodiscard]] bool write_outputs(const std::string& folder, const Scenario& scenario,
                                 const std::vector<ReplicationResult>& replications,
                                 const SimulationSummary& summary, std::string* error);

}  // namespace kervan
