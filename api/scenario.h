// `kervan scenario`: the main job on embedded defaults. A scripted regional scenario runs
// through the durable transit ledger: a few hundred movements along CAREC corridors, amounts
// to be covered computed from the shipped tariff tables, some incidents ending in claims; then
// it prints guarantee exposure, claims and the settlement statements, and reopens the store to
// show that the replayed state is the same.
//
// Through the API (the default): the scenario starts a Kervan server on loopback (CURVE, a
// fresh key pair, the scenario registered as the operator, transit clock "requests" so that
// 180 simulated days take seconds) with its data directory at store_path, sends every step as
// a transit_command over ZeroMQ, and keeps a replica of the domain in memory that applies the
// same steps at the same business times: every reply must equal the replica's result. After a
// clean stop of the server it reopens the server's transit store, which must replay to the
// replica's state. Direct: the steps go straight to a TransitStore in this process.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace kervan {

struct ScenarioOptions {
  // Data directory, made afresh: an earlier scenario's folder (it holds a .kervan-scenario
  // marker) is cleared first; any other non-empty folder is refused. Empty: a temporary
  // folder, removed at the end.
  std::string store_path;
  uint32_t movements = 300;
  uint64_t seed = 2026;
  bool through_server = true;  // False: straight to a TransitStore in process.
};

// Returns 0 when every check of the run held, 1 otherwise.
int run_scenario(const ScenarioOptions& options, std::FILE* out);

}  // namespace kervan
