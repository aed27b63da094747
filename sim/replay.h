// Replay: a recorded movement log (sim/movement_log.h) evaluated under a scenario's scheme rules
// (docs/simulator_replay.md). The log fixes the trucks: corridors, cargo, principals and their
// risk classes, ready times, values, the duties each country could claim, driving, border and
// release-lag times, irregularities. The scenario gives everything else: the schemes and their
// sizing, premiums and costs, closures, the time limit and claim delays, the loss given incident
// of each class (by name), the warm-up and horizon. Replaying a log under the scenario it was
// recorded with gives the recorded replication's results bit for bit.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/traffic.h"

namespace kervan {

// Sizes (size_guarantees) and runs (run_scheme) every scheme of the scenario over the plan, in
// the scenario's order, on the calling thread. Returns one ReplicationResult numbered 0 (ready
// for summarize() and write_outputs()). REQUIRES: the plan fits the scenario (as
// load_movement_log checks it).
std::vector<ReplicationResult> replay_movement_log(const Scenario& scenario,
                                                   const TrafficPlan& plan);

struct ReplayOptions {
  std::string log_path;               // Required: the movement log (CSV).
  std::string scenario_path;          // Empty: the embedded CAREC scenario.
  std::string folder = "var/replay";  // The output folder (sim/output.h files).
  bool quiet = false;                 // No progress line on stderr.
};

// Loads the scenario, then the log against it, replays it, prints the report on `out` and
// writes the output folder. Exit status: 0 when every self-check held; 1 when one did not (the
// report says which) or an output file could not be written; 2 when the scenario or the log
// does not load ("file:line:column: path: message" on `err`).
int run_replay(const ReplayOptions& options, std::FILE* out, std::FILE* err);

// `kervan simulate --replay LOG.csv [--scenario FILE] [--out DIR] [--quiet]`: parses the flags
// (argv[0] is the first argument after "simulate", as for run_simulate_command; flags in any
// order, --replay required) and calls run_replay. Any other flag (--replications, --seed,
// --threads, --horizon-days: the log fixes the traffic) is bad usage: exit 2 with usage on `err`.
int run_replay_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace kervan
