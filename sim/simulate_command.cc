#include "sim/simulate_command.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

#include "sim/movement_log.h"
#include "sim/outcome_log.h"
#include "sim/output.h"
#include "sim/replay.h"
#include "sim/runner.h"
#include "sim/scenario_file.h"
#include "sim/simulate_args.h"
#include "sim/summary.h"
#include "sim/sweep_command.h"

namespace kervan {

namespace {

void usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan simulate [--scenario FILE] [--out DIR] [--replications N]\n"
               "                       [--threads N] [--seed N] [--horizon-days N]\n"
               "                       [--through process|server] [--movement-log]\n"
               "                       [--event-log] [--verify-ledger] [--quiet]\n"
               "       kervan simulate --replay LOG.csv [--scenario FILE] [--out DIR] [--quiet]\n"
               "       kervan simulate --sweep SWEEP.toml [--scenario FILE] [--out DIR]\n"
               "                       [--threads N] [--quiet]\n"
               "  runs the scenario (default: the embedded CAREC scenario) and writes report,\n"
               "  CSV, JSON and SVG plots to DIR (default var/simulation)\n");
}

}  // namespace

int run_simulate_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err,
                         const LedgerPortFactory* server) {
  // A replay or a sweep is a command of its own, with its own flags (sim/replay.h,
  // sim/sweep.h).
  for (int i = 0; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--replay") return run_replay_command(argc, argv, out, err);
    if (flag == "--sweep") return run_sweep_command(argc, argv, out, err);
  }
  SimulateArgs args;
  int bad = 0;
  const SimulateArgsError parsed = parse_simulate_args(argc, argv, &args, &bad);
  if (parsed != SimulateArgsError::ok || (args.through_server && server == nullptr)) {
    if (parsed != SimulateArgsError::ok) {
      std::fprintf(err, "kervan simulate: %s\n",
                   describe_simulate_args_error(parsed, argc, argv, bad).c_str());
    }
    usage(err);
    return 2;
  }
  const std::string& folder = args.folder;
  Scenario scenario;
  LoadError error;
  const LoadErrorCode loaded = args.scenario_path.empty()
                                   ? load_default_scenario(&scenario, &error)
                                   : load_scenario_file(args.scenario_path, &scenario, &error);
  if (loaded != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  apply_simulate_args(args, &scenario);
  if (!args.quiet) {
    std::fprintf(err, "kervan simulate: %s, %u replication(s), %zu scheme(s), output %s%s\n",
                 scenario.name.c_str(), scenario.replications, scenario.schemes.size(),
                 folder.c_str(),
                 args.through_server ? "; every ledger step through a server on loopback" : "");
  }
  SimulationOptions options;
  options.threads = args.threads;
  if (args.through_server) options.port_factory = *server;
  if (args.verify_ledger) options.ledger_check = LedgerCheck::full;
  // The event log is written as each scheme run ends, from the thread that ran it.
  std::mutex event_log_mutex;
  std::string event_log_error;
  if (args.event_log) {
    std::error_code made;
    std::filesystem::create_directories(folder, made);
    options.on_outcomes = [&](uint32_t replication, const Scheme& scheme, const TrafficPlan& plan,
                              const std::vector<TruckOutcome>& outcomes) {
      const std::string path =
          (std::filesystem::path(folder) / outcome_log_file_name(replication, scheme.name))
              .string();
      const std::string csv = outcome_log_csv(scenario, plan, outcomes);
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      file.write(csv.data(), static_cast<std::streamsize>(csv.size()));
      file.close();
      if (!file) {
        std::lock_guard lock(event_log_mutex);
        if (event_log_error.empty()) event_log_error = "cannot write " + path;
      }
    };
  }
  if (!args.quiet) {
    options.progress = [err](const ReplicationResult& r, uint32_t done, uint32_t total) {
      std::fprintf(err, "  replication %u done (%u/%u): %llu trucks, %.2f s\n", r.replication,
                   done, total, static_cast<unsigned long long>(r.trucks), r.seconds);
    };
  }
  const std::vector<ReplicationResult> results = run_replications(scenario, options);
  const SimulationSummary summary = summarize(results);
  std::fprintf(out, "%s", simulation_report(scenario, summary).c_str());
  std::string write_error;
  if (!write_outputs(folder, scenario, results, summary, &write_error)) {
    std::fprintf(err, "kervan simulate: %s\n", write_error.c_str());
    return 1;
  }
  if (!event_log_error.empty()) {
    std::fprintf(err, "kervan simulate: %s\n", event_log_error.c_str());
    return 1;
  }
  if (args.movement_log &&
      !write_movement_logs(folder, scenario, 0, scenario.replications, &write_error)) {
    std::fprintf(err, "kervan simulate: %s\n", write_error.c_str());
    return 1;
  }
  std::fprintf(out, "Outputs: %s/ (report.txt, scenario.json, summary.json, summary.csv, "
                    "runs.csv, daily_cover.csv, four SVG plots%s)\n", folder.c_str(),
               args.movement_log && args.event_log
                   ? ", movements_r<N>.csv and events_r<N>_<scheme>.csv"
               : args.movement_log ? ", movements_r<N>.csv per replication"
               : args.event_log    ? ", events_r<N>_<scheme>.csv"
                                   : "");
  return summary.ledger_agrees ? 0 : 1;
}

}  // namespace kervan
