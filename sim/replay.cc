#include "sim/replay.h"

#include <chrono>
#include <string_view>

#include "sim/movement_log.h"
#include "sim/output.h"
#include "sim/scenario_file.h"
#include "sim/scheme_run.h"
#include "sim/summary.h"

namespace kervan {

namespace {

void usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan simulate --replay LOG.csv [--scenario FILE] [--out DIR] [--quiet]\n"
               "  evaluates a recorded movement log under the scenario's schemes (default: the\n"
               "  embedded CAREC scenario) and writes report, CSV, JSON and SVG plots to DIR\n"
               "  (default var/replay)\n");
}

}  // namespace

std::vector<ReplicationResult> replay_movement_log(const Scenario& scenario,
                                                   const TrafficPlan& plan) {
  const auto started = std::chrono::steady_clock::now();
  ReplicationResult r;
  r.replication = 0;
  r.trucks = plan.trucks.size();
  r.skipped_no_tariff = plan.skipped_no_tariff;
  for (const Scheme& scheme : scenario.schemes) {
    const GuaranteeSizing sizing = size_guarantees(scenario, scheme, plan);
    r.schemes.push_back(run_scheme(scenario, scheme, plan, sizing));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<ReplicationResult> results;
  results.push_back(std::move(r));
  return results;
}

int run_replay(const ReplayOptions& options, std::FILE* out, std::FILE* err) {
  Scenario scenario;
  LoadError error;
  const LoadErrorCode loaded = options.scenario_path.empty()
                                   ? load_default_scenario(&scenario, &error)
                                   : load_scenario_file(options.scenario_path, &scenario, &error);
  if (loaded != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  TrafficPlan plan;
  if (load_movement_log_file(options.log_path, scenario, &plan, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  if (!options.quiet) {
    std::fprintf(err,
                 "kervan simulate: replay of %s (%zu trucks) under %s, %zu scheme(s), "
                 "output %s\n",
                 options.log_path.c_str(), plan.trucks.size(), scenario.name.c_str(),
                 scenario.schemes.size(), options.folder.c_str());
  }
  const std::vector<ReplicationResult> results = replay_movement_log(scenario, plan);
  const SimulationSummary summary = summarize(results);
  std::fprintf(out, "Replay of %s: %zu trucks, under the schemes of the scenario below\n",
               options.log_path.c_str(), plan.trucks.size());
  std::fprintf(out, "%s", simulation_report(scenario, summary).c_str());
  std::string write_error;
  if (!write_outputs(options.folder, scenario, results, summary, &write_error)) {
    std::fprintf(err, "kervan simulate: %s\n", write_error.c_str());
    return 1;
  }
  std::fprintf(out,
               "Outputs: %s/ (report.txt, scenario.json, summary.json, summary.csv, "
               "runs.csv, daily_cover.csv, and four SVG plots)\n",
               options.folder.c_str());
  return summary.ledger_agrees ? 0 : 1;
}

int run_replay_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  ReplayOptions options;
  bool log_given = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--quiet") {
      options.quiet = true;
      continue;
    }
    const bool known = flag == "--replay" || flag == "--scenario" || flag == "--out";
    if (!known || i + 1 >= argc) {
      std::fprintf(err, "kervan simulate: %s: %s\n", argv[i],
                   known ? "needs a value" : "not a flag of a replay");
      usage(err);
      return 2;
    }
    const std::string_view value = argv[++i];
    if (flag == "--replay") {
      options.log_path = value;
      log_given = true;
    } else if (flag == "--scenario") {
      options.scenario_path = value;
    } else {
      options.folder = value;
    }
  }
  if (!log_given || options.log_path.empty()) {
    std::fprintf(err, "kervan simulate: --replay LOG.csv is required\n");
    usage(err);
    return 2;
  }
  return run_replay(options, out, err);
}

}  // namespace kervan
