// The sweep command (sim/sweep_command.h): its flags, the header and progress lines on `err`,
// and the exit status.
#include "sim/sweep_command.h"

#include <cstdio>
#include <string>
#include <string_view>

#include "core/int128.h"
#include "sim/scenario_file.h"
#include "sim/sweep_output.h"

namespace kervan {

using sweep_detail::Field;
using sweep_detail::parse_path;
using sweep_detail::ParsedPath;
using sweep_detail::point_text;

namespace {

void usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan simulate --sweep SWEEP.toml [--scenario FILE] [--out DIR]\n"
               "                       [--threads N] [--quiet]\n"
               "  runs the scenario (default: the embedded CAREC scenario) at every point of the\n"
               "  sweep and writes sweep.csv, sweep.json (and for a Latin hypercube\n"
               "  sensitivity.csv and tornado SVGs) to DIR (default var/sweep)\n");
}

void print_header(const Scenario& scenario, const SweepSpec& spec, const SamplingPlan& plan,
                  const SweepCommand& command, std::FILE* err) {
  const uint32_t replications = spec.replications != 0 ? spec.replications : scenario.replications;
  std::fprintf(err,
               "kervan simulate --sweep: %s, %s, %zu point(s) x %u replication(s), %zu "
               "scheme(s), output %s\n",
               scenario.name.c_str(), std::string(sweep_method_name(spec.method)).c_str(),
               plan.points.size(), replications, scenario.schemes.size(), command.folder.c_str());
  for (const SweepParameter& p : spec.parameters) {
    ParsedPath parsed;
    if (!parse_path(p.path, &parsed) || parsed.info->field != Field::share) continue;
    std::fprintf(err,
                 "  note: %s: the other risk classes' shares are scaled by (1 - share) / (their "
                 "sum), so the shares still sum to 1\n",
                 p.path.c_str());
  }
}

}  // namespace

int run_sweep_command(const SweepCommand& command, std::FILE* out, std::FILE* err) {
  SweepSpec spec;
  LoadError error;
  if (load_sweep_file(command.sweep_path, &spec, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  Scenario scenario;
  const LoadErrorCode loaded = command.scenario_path.empty()
                                   ? load_default_scenario(&scenario, &error)
                                   : load_scenario_file(command.scenario_path, &scenario, &error);
  SamplingPlan plan;
  if (loaded != LoadErrorCode::ok ||
      plan_sweep(scenario, spec, &plan, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  SweepOptions options;
  options.threads = command.threads;
  if (!command.quiet) {
    print_header(scenario, spec, plan, command, err);
    options.progress = [err, &plan](const SweepRow& row, size_t done, size_t total) {
      std::fprintf(err, "  point %zu/%zu %s: %.2f s%s\n", done, total,
                   point_text(plan.names, row.values, false).c_str(), row.seconds,
                   row.ledger_agrees ? "" : ", THE LEDGER DISAGREES");
    };
  }
  SweepResult result;
  if (run_sweep(scenario, spec, options, &result, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  std::fprintf(out, "%s", sweep_report(scenario, result).c_str());
  std::string write_error;
  if (!write_sweep_outputs(command.folder, scenario, spec, result, &write_error)) {
    std::fprintf(err, "kervan simulate: %s\n", write_error.c_str());
    return 1;
  }
  std::fprintf(
      out, "Outputs: %s/ (sweep.csv, sweep.json, scenario.json%s)\n", command.folder.c_str(),
      result.method == SweepMethod::latin_hypercube ? ", sensitivity.csv, tornado_<metric>.svg"
                                                    : "");
  return result.ledger_agrees ? 0 : 1;
}

int run_sweep_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  SweepCommand command;
  for (int i = 0; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--quiet") {
      command.quiet = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(err, "kervan simulate: %s needs a value\n", argv[i]);
      usage(err);
      return 2;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--sweep") {
      command.sweep_path = value;
    } else if (flag == "--scenario") {
      command.scenario_path = value;
    } else if (flag == "--out") {
      command.folder = value;
    } else if (flag == "--threads") {
      u128 threads = 0;
      ok = parse_u128(value.data(), value.data() + value.size(), &threads) && threads <= 1024;
      command.threads = static_cast<uint32_t>(threads);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(err, "kervan simulate: bad flag or value: %s %s\n", argv[i - 1], argv[i]);
      usage(err);
      return 2;
    }
  }
  if (command.sweep_path.empty()) {
    usage(err);
    return 2;
  }
  return run_sweep_command(command, out, err);
}

}  // namespace kervan
