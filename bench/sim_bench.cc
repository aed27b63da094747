// The simulator's speed on one core: one replication of the default CAREC scenario (a year of
// region-wide traffic, about a million movements), each phase timed apart: drawing the traffic,
// sizing each scheme's guarantees (a no-wait pre-run), and running each scheme through the
// in-process transit ledger. With `runs`, each scheme is sized and run that many times: runs
// after the first reuse the table memory the previous one committed, as in `kervan simulate`,
// where every thread runs scheme after scheme (the first run's page faults vary from 0.5 to
// 2.7 s per GiB on this VM, so steady-state figures are the ones to compare).
//
//   build/bench/kervan_sim_bench [horizon_days [scheme|all [runs]]]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sim/runner.h"
#include "sim/scenario_file.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  kervan::Scenario scenario;
  kervan::LoadError error;
  if (kervan::load_default_scenario(&scenario, &error) != kervan::LoadErrorCode::ok) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 1;
  }
  if (argc > 1) scenario.horizon_days = std::atoi(argv[1]);
  auto start = std::chrono::steady_clock::now();
  const kervan::TrafficPlan plan = kervan::generate_traffic(scenario, 0);
  std::printf("traffic: %zu movements in %.2f s (%.0f k/s)\n", plan.trucks.size(),
              seconds_since(start), double(plan.trucks.size()) / seconds_since(start) / 1e3);
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  for (const kervan::Scheme& scheme : scenario.schemes) {
    if (argc > 2 && std::string_view(argv[2]) != "all" && scheme.name != argv[2]) continue;
    for (int run_number = 0; run_number < runs; ++run_number) {
      start = std::chrono::steady_clock::now();
      const kervan::GuaranteeSizing sizing = kervan::size_guarantees(scenario, scheme, plan);
      const double sizing_s = seconds_since(start);
      start = std::chrono::steady_clock::now();
      const kervan::SchemeRunResult run = kervan::run_scheme(scenario, scheme, plan, sizing);
      const double run_s = seconds_since(start);
      std::printf(
          "%-14s sizing %.2f s, run %.2f s (%.0f k movements/s, %.1f M ledger steps/s), "
          "ledger agrees: %s\n",
          scheme.name.c_str(), sizing_s, run_s, double(plan.trucks.size()) / run_s / 1e3,
          double(run.ledger_steps) / run_s / 1e6, run.ledger_agrees ? "yes" : "NO");
    }
  }
  return 0;
}
