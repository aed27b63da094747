// The fully resolved scenario as JSON (docs/simulator.md, "Outputs"): every figure the run used,
// after defaults and fits, so that an output folder says exactly what produced it. Reference
// data (tariffs, rates) is named by its source, not copied.
#pragma once

#include <string>

#include "sim/scenario.h"

namespace kervan {

std::string scenario_json(const Scenario& scenario);

}  // namespace kervan
