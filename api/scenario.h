// `kervan scenario`: the main job on embedded defaults. A scripted regional scenario runs
// through the durable transit ledger: a few hundred movements along CAREC corridors, amounts
// to be covered computed from the shipped tariff tables, some incidents ending in claims; then
// it prints guarantee exposure, claims and the settlement statements, and reopens the store to
// show that the replayed state is the same.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace kervan {

struct ScenarioOptions {
  std::string store_path;  // Empty: a fresh temporary folder, removed at the end.
  uint32_t movements = 300;
  uint64_t seed = 2026;
};

// Returns 0 when every check of the run held, 1 otherwise.
int run_scenario(const ScenarioOptions& options, std::FILE* out);

}  // namespace kervan
