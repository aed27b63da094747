// `kervan simulate`: runs a scenario (the embedded CAREC default, or a file), prints the report
// and progress, and writes the output folder (sim/output.h).
//
//   kervan simulate [--scenario FILE] [--out DIR] [--replications N] [--threads N]
//                   [--seed N] [--horizon-days N] [--through process|server] [--movement-log]
//                   [--event-log] [--verify-ledger] [--quiet]
//   kervan simulate --replay LOG.csv ...   a recorded movement log under the scenario's schemes
//   kervan simulate --sweep SWEEP.toml ... a parameter sweep (grid or Latin hypercube)
//
// --movement-log also writes each replication's traffic as movements_r<N>.csv (sim/movement_log.h),
// for a replay under other schemes.
//
// --through server sends every ledger step to a Kervan server (one per scheme run, started on
// loopback: api/sim_server_port.h) instead of an in-process ledger: a load test of the API.
//
// Exit status: 0 when every self-check held; 1 when one did not (the report says which);
// 2 on bad usage or a scenario that does not load (one line says where and why).
#pragma once

#include <cstdio>

#include "sim/ledger_port.h"

namespace kervan {

// argv[0] is the first argument after "simulate". `server`: the ports for --through server
// (given by the kervan tool, which links the API; null: the flag is refused).
int run_simulate_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err,
                         const LedgerPortFactory* server = nullptr);

}  // namespace kervan
