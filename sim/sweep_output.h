// The files a sweep writes and the report it prints (docs/simulator_sweeps.md, "Outputs"),
// each a pure function of the base scenario, the sweep and its results.
#pragma once

#include <string>

#include "sim/scenario.h"
#include "sim/sweep.h"

namespace kervan {

// write_sweep_outputs() writes into `folder` (created if missing), every file a pure function of
// its inputs (the same sweep gives the same bytes):
//   sweep.csv         one row per point: point, the parameters' values, then per scheme and
//                     metric "<metric>.<scheme>.mean" and ".hw95", then per other scheme and
//                     metric "<metric>.<scheme>_minus_<first>.mean" and ".hw95", then
//                     ledger_agrees (1 or 0); a half-width that cannot be given is empty
//   sweep.json        the sweep as run, the base scenario's name and seed, every row
//   scenario.json     the base scenario, resolved (sim/scenario_echo.h)
//   sensitivity.csv   latin_hypercube: metric,series,parameter,rank,spearman,src,r_squared
//   tornado_<metric>.svg  latin_hypercube: per metric, Spearman's rho per parameter and scheme
std::string sweep_csv(const SweepResult& result);
std::string sweep_json(const Scenario& base, const SweepSpec& spec, const SweepResult& result);
std::string sensitivity_csv(const SweepResult& result);
// The short table printed at the end: the first two metrics per point (at most 40 points),
// and for a Latin hypercube the three strongest parameters per metric and series.
std::string sweep_report(const Scenario& base, const SweepResult& result);

// False, with *error, when the folder cannot be made or a file cannot be written.
[[nodiscard]] bool write_sweep_outputs(const std::string& folder, const Scenario& base,
                                       const SweepSpec& spec, const SweepResult& result,
                                       std::string* error);

}  // namespace kervan
