#include "sim/simulate_args.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "core/assert.h"
#include "core/int128.h"

namespace kervan {

namespace {

bool number(std::string_view text, uint64_t min, uint64_t max, uint64_t* out) {
  u128 value = 0;
  if (!parse_u128(text.data(), text.data() + text.size(), &value)) return false;
  if (value < min || value > max) return false;
  *out = static_cast<uint64_t>(value);
  return true;
}

// A flag that takes a value: its name, and what the value sets (false: the value is invalid).
struct ValueFlag {
  std::string_view name;
  bool (*set)(std::string_view value, SimulateArgs* out);
};

constexpr ValueFlag value_flags[] = {
    {"--scenario",
     [](std::string_view v, SimulateArgs* out) {
       out->scenario_path = v;
       return true;
     }},
    {"--out",
     [](std::string_view v, SimulateArgs* out) {
       out->folder = v;
       return true;
     }},
    {"--replications",
     [](std::string_view v, SimulateArgs* out) {
       uint64_t n = 0;
       if (!number(v, 1, simulate_replications_max, &n)) return false;
       out->replications = static_cast<uint32_t>(n);
       return true;
     }},
    {"--threads",
     [](std::string_view v, SimulateArgs* out) {
       uint64_t n = 0;
       if (!number(v, 0, simulate_threads_max, &n)) return false;
       out->threads = static_cast<uint32_t>(n);
       return true;
     }},
    {"--seed",
     [](std::string_view v, SimulateArgs* out) {
       if (!number(v, 0, UINT64_MAX, &out->seed)) return false;
       out->seed_given = true;
       return true;
     }},
    {"--through",
     [](std::string_view v, SimulateArgs* out) {
       if (v != "process" && v != "server") return false;
       out->through_server = v == "server";
       return true;
     }},
    {"--horizon-days",
     [](std::string_view v, SimulateArgs* out) {
       uint64_t n = 0;
       if (!number(v, 1, simulate_horizon_days_max, &n)) return false;
       out->horizon_days = static_cast<int64_t>(n);
       return true;
     }},
};

// A flag on its own, and the field it sets.
struct SwitchFlag {
  std::string_view name;
  bool SimulateArgs::*field;
};

constexpr SwitchFlag switch_flags[] = {{"--quiet", &SimulateArgs::quiet},
                                       {"--movement-log", &SimulateArgs::movement_log},
                                       {"--event-log", &SimulateArgs::event_log},
                                       {"--verify-ledger", &SimulateArgs::verify_ledger}};

}  // namespace

SimulateArgsError parse_simulate_args(int argc, const char* const* argv, SimulateArgs* out,
                                      int* bad_index) {
  KERVAN_ASSERT(argc >= 0);
  KERVAN_ASSERT(out != nullptr && bad_index != nullptr);
  for (int i = 0; i < argc; ++i) {
    *bad_index = i;
    const std::string_view flag = argv[i];
    const auto named = [flag](const auto& f) { return f.name == flag; };
    if (const auto* s = std::find_if(std::begin(switch_flags), std::end(switch_flags), named);
        s != std::end(switch_flags)) {
      out->*(s->field) = true;
      continue;
    }
    const auto* v = std::find_if(std::begin(value_flags), std::end(value_flags), named);
    if (v == std::end(value_flags)) return SimulateArgsError::flag_unknown;
    if (i + 1 >= argc) return SimulateArgsError::value_missing;
    if (!v->set(argv[i + 1], out)) return SimulateArgsError::value_invalid;
    ++i;
  }
  return SimulateArgsError::ok;
}

std::string describe_simulate_args_error(SimulateArgsError error, int argc, const char* const* argv,
                                         int bad_index) {
  KERVAN_ASSERT(bad_index >= 0 && bad_index < argc);
  const std::string flag = argv[bad_index];
  switch (error) {
    case SimulateArgsError::flag_unknown:
      return "unknown flag " + flag;
    case SimulateArgsError::value_missing:
      return flag + " needs a value";
    case SimulateArgsError::value_invalid:
      KERVAN_ASSERT(bad_index + 1 < argc);
      return "bad value for " + flag + ": " + argv[bad_index + 1];
    case SimulateArgsError::ok:
      break;
  }
  KERVAN_UNREACHABLE();
}

void apply_simulate_args(const SimulateArgs& args, Scenario* scenario) {
  if (args.replications != 0) scenario->replications = args.replications;
  if (args.seed_given) scenario->seed = args.seed;
  if (args.horizon_days != 0) scenario->horizon_days = args.horizon_days;
}

}  // namespace kervan
