// The simulator's speed on one core: replications of the default CAREC scenario (a year of
// region-wide traffic, about a million movements), each phase timed apart: drawing the
// replication's traffic, sizing each scheme's guarantees (a no-wait pre-run), and running each
// scheme through the in-process transit ledger, ending with its checks (the ledger against the
// simulator, money conserved; with `full`, every invariant of the core ledger over every record,
// as `kervan simulate --verify-ledger` does). Replications after the first reuse
// the table memory the previous one committed, as in `kervan simulate`, where each thread runs
// replication after replication (the first one's page faults vary from 0.5 to 2.7 s per GiB on
// this VM, so steady-state figures are the ones to compare).
//
//   build/bench/kervan_sim_bench [horizon_days [scheme|all [replications [totals|full]]]]
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
  const std::string_view only = argc > 2 ? argv[2] : "all";
  const int replications = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  const kervan::SchemeRunOptions options{.ledger_check =
                                             argc > 4 && std::string_view(argv[4]) == "full"
                                                 ? kervan::LedgerCheck::full
                                                 : kervan::LedgerCheck::totals};
  for (int r = 0; r < replications; ++r) {
    auto start = std::chrono::steady_clock::now();
    const kervan::TrafficPlan plan = kervan::generate_traffic(scenario, uint32_t(r));
    const double traffic_s = seconds_since(start);
    double replication_s = traffic_s;
    std::printf("replication %d: traffic %zu movements in %.2f s (%.0f k/s)\n", r,
                plan.trucks.size(), traffic_s, double(plan.trucks.size()) / traffic_s / 1e3);
    for (const kervan::Scheme& scheme : scenario.schemes) {
      if (only != "all" && scheme.name != only) continue;
      start = std::chrono::steady_clock::now();
      const kervan::GuaranteeSizing sizing = kervan::size_guarantees(scenario, scheme, plan);
      const double sizing_s = seconds_since(start);
      start = std::chrono::steady_clock::now();
      const kervan::SchemeRunResult run =
          kervan::run_scheme(scenario, scheme, plan, sizing, options);
      const double run_s = seconds_since(start);
      replication_s += sizing_s + run_s;
      std::printf(
          "  %-14s sizing %.2f s, run %.2f s (%.0f k movements/s, %.1f M ledger steps/s), "
          "ledger agrees: %s; with the traffic %.2f s\n",
          scheme.name.c_str(), sizing_s, run_s, double(plan.trucks.size()) / run_s / 1e3,
          double(run.ledger_steps) / run_s / 1e6, run.ledger_agrees ? "yes" : "NO",
          traffic_s + sizing_s + run_s);
    }
    std::printf("  replication %d: %.2f s\n", r, replication_s);
  }
  return 0;
}
