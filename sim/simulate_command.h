// `kervan simulate`: runs a scenario (the embedded CAREC default, or a file), prints the report
// and progress, and writes the output folder (sim/output.h).
//
//   kervan simulate [--scenario FILE] [--out DIR] [--replications N] [--threads N]
//                   [--seed N] [--horizon-days N] [--quiet]
//
// Exit status: 0 when every self-check held; 1 when one did not (the report says which);
// 2 on bad usage or a scenario that does not load (one line says where and why).
#pragma once

#include <cstdio>

namespace kervan {

// argv[0] is the first argument after "simulate".
int run_simulate_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace kervan
