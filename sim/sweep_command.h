// `kervan simulate --sweep` (docs/simulator_sweeps.md, "Running one"): loads the sweep and the
// scenario, plans, runs with a progress line per point, writes the outputs and prints the report.
// sim/sweep.h has the parts it puts together.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace kervan {

// What `kervan simulate --sweep SWEEP.toml [--scenario FILE] [--out DIR] [--threads N]
// [--quiet]` asks for.
struct SweepCommand {
  std::string sweep_path;     // Required.
  std::string scenario_path;  // Empty: the embedded CAREC scenario.
  std::string folder = "var/sweep";
  uint32_t threads = 0;  // Per point's replications; 0: one per core.
  bool quiet = false;    // No progress on `err`.
};

// Loads the sweep and the scenario, plans, prints a header and one progress line per point on
// `err` (unless quiet), runs, writes the outputs to the folder and prints sweep_report() and
// the files written on `out`. Exit status: 0 when the ledger agreed at every point; 1 when it
// did not, or an output could not be written; 2 when the sweep or the scenario does not load
// or the scenario refuses a point (one line on `err`: file:line:column: field: why).
int run_sweep_command(const SweepCommand& command, std::FILE* out, std::FILE* err);

// The same from arguments: argv[0] is the first argument after "simulate", with
// "--sweep FILE" among them; accepts --sweep, --scenario, --out, --threads (0..1024) and
// --quiet in any order. Bad usage: a usage line on `err`, status 2.
int run_sweep_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace kervan
