// `kervan demo`: a short, printed walk through the ledger core on embedded defaults: a
// guarantee's cover reserved for transits, released on discharge, drawn by a claim, expired,
// and a linked release across two guarantees that fails as a whole.
#pragma once

#include <cstdio>

namespace kervan {

// Runs the demonstration, printing each step to `out`. Returns 0 when every step gave the
// expected result and the ledger's invariants hold, 1 otherwise.
int run_demo(std::FILE* out);

}  // namespace kervan
