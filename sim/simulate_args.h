// The arguments of a simulation run, as `kervan simulate` and `kervan_sim_mpi` take them
// (docs/simulator.md "Running it", docs/simulator_mpi.md), parsed in one place so that both
// programs accept the same flags with the same ranges:
//
//   [--scenario FILE] [--out DIR] [--replications N] [--threads N] [--seed N]
//   [--horizon-days N] [--through process|server] [--movement-log] [--event-log]
//   [--verify-ledger] [--quiet]
//
// (--through server, --movement-log and --event-log are `kervan simulate`'s: kervan_sim_mpi
// refuses them.)
//
// Pure: no I/O; a caller prints the usage and the error.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario.h"

namespace kervan {

// Ranges of the numeric flags (inclusive).
inline constexpr uint64_t simulate_replications_max = 100'000;  // And at least 1.
inline constexpr uint64_t simulate_threads_max = 1024;          // 0: one per core.
inline constexpr uint64_t simulate_horizon_days_max = 3650;     // And at least 1.

struct SimulateArgs {
  std::string scenario_path;              // Empty: the embedded CAREC default.
  std::string folder = "var/simulation";  // --out.
  uint32_t replications = 0;              // 0: the scenario's own.
  uint32_t threads = 0;                   // 0: one per core.
  uint64_t seed = 0;                      // Used when seed_given.
  bool seed_given = false;
  int64_t horizon_days = 0;               // 0: the scenario's own.
  bool quiet = false;                     // No header line, no progress.
  bool through_server = false;            // --through server (process: false).
  bool movement_log = false;              // Also write movements_r<N>.csv.
  bool event_log = false;                 // Also write events_r<N>_<scheme>.csv.
  // Every run ends checking every invariant of its ledger (LedgerCheck::full), not only that
  // money was conserved.
  bool verify_ledger = false;
};

// Stable numbers; checked per argument in the order unknown, missing, invalid.
enum class SimulateArgsError : uint8_t {
  ok = 0,
  value_missing = 1,  // A flag that takes a value is the last argument.
  flag_unknown = 2,   // Not one of the flags above (the value after it is not looked at).
  value_invalid = 3,  // Not a decimal number, or out of its range.
};

// Parses argv[0..argc) (the arguments after the command's name) into *out. On an error, *out
// holds the flags before it and *bad_index the index of the flag at fault. A flag given twice
// takes its last value.
[[nodiscard]] SimulateArgsError parse_simulate_args(int argc, const char* const* argv,
                                                    SimulateArgs* out, int* bad_index);

// The error in words, naming the flag (and value) at argv[bad_index], e.g.
// "unknown flag --fast", "--replications needs a value", "bad value for --threads: 2000".
// REQUIRES: error != ok; bad_index as parse_simulate_args set it.
std::string describe_simulate_args_error(SimulateArgsError error, int argc,
                                         const char* const* argv, int bad_index);

// Overrides the loaded scenario's replications, seed and horizon where the arguments give them.
void apply_simulate_args(const SimulateArgs& args, Scenario* scenario);

}  // namespace kervan
