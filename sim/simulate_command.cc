#include "sim/simulate_command.h"

#include <cstring>
#include <string>
#include <string_view>

#include "core/int128.h"
#include "sim/movement_log.h"
#include "sim/output.h"
#include "sim/replay.h"
#include "sim/runner.h"
#include "sim/scenario_file.h"
#include "sim/summary.h"
#include "sim/sweep.h"

namespace kervan {

namespace {

void usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan simulate [--scenario FILE] [--out DIR] [--replications N]\n"
               "                       [--threads N] [--seed N] [--horizon-days N]\n"
               "                       [--through process|server] [--movement-log] [--quiet]\n"
               "       kervan simulate --replay LOG.csv [--scenario FILE] [--out DIR] [--quiet]\n"
               "       kervan simulate --sweep SWEEP.toml [--scenario FILE] [--out DIR]\n"
               "                       [--threads N] [--quiet]\n"
               "  runs the scenario (default: the embedded CAREC scenario) and writes report,\n"
               "  CSV, JSON and SVG plots to DIR (default var/simulation)\n");
}

bool number(std::string_view text, uint64_t max, uint64_t* out) {
  u128 value = 0;
  if (!parse_u128(text.data(), text.data() + text.size(), &value) || value > max) return false;
  *out = static_cast<uint64_t>(value);
  return true;
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
  std::string scenario_path;
  std::string folder = "var/simulation";
  uint64_t replications = 0, threads = 0, seed = 0, horizon = 0;
  bool seed_given = false, quiet = false, through_server = false, movement_log = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--quiet" || flag == "--movement-log") {
      (flag == "--quiet" ? quiet : movement_log) = true;
      continue;
    }
    if (i + 1 >= argc) {
      usage(err);
      return 2;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--scenario") {
      scenario_path = value;
    } else if (flag == "--out") {
      folder = value;
    } else if (flag == "--replications") {
      ok = number(value, 100'000, &replications) && replications > 0;
    } else if (flag == "--threads") {
      ok = number(value, 1024, &threads);
    } else if (flag == "--seed") {
      ok = number(value, UINT64_MAX, &seed);
      seed_given = true;
    } else if (flag == "--through") {
      ok = value == "process" || (value == "server" && server != nullptr);
      through_server = value == "server";
    } else if (flag == "--horizon-days") {
      ok = number(value, 3650, &horizon) && horizon > 0;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(err, "kervan simulate: bad flag or value: %s %s\n", argv[i - 1], argv[i]);
      usage(err);
      return 2;
    }
  }
  Scenario scenario;
  LoadError error;
  const LoadErrorCode loaded = scenario_path.empty()
                                   ? load_default_scenario(&scenario, &error)
                                   : load_scenario_file(scenario_path, &scenario, &error);
  if (loaded != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  if (replications != 0) scenario.replications = static_cast<uint32_t>(replications);
  if (seed_given) scenario.seed = seed;
  if (horizon != 0) scenario.horizon_days = static_cast<int64_t>(horizon);
  if (!quiet) {
    std::fprintf(err, "kervan simulate: %s, %u replication(s), %zu scheme(s), output %s%s\n",
                 scenario.name.c_str(), scenario.replications, scenario.schemes.size(),
                 folder.c_str(),
                 through_server ? "; every ledger step through a server on loopback" : "");
  }
  SimulationOptions options;
  options.threads = static_cast<uint32_t>(threads);
  if (through_server) options.port_factory = *server;
  if (!quiet) {
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
  if (movement_log &&
      !write_movement_logs(folder, scenario, 0, scenario.replications, &write_error)) {
    std::fprintf(err, "kervan simulate: %s\n", write_error.c_str());
    return 1;
  }
  std::fprintf(out, "Outputs: %s/ (report.txt, scenario.json, summary.json, summary.csv, "
                    "runs.csv, daily_cover.csv, four SVG plots%s)\n", folder.c_str(),
               movement_log ? ", movements_r<N>.csv per replication" : "");
  return summary.ledger_agrees ? 0 : 1;
}

}  // namespace kervan
