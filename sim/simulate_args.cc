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

}  // namespace

SimulateArgsError parse_simulate_args(int argc, const char* const* argv, SimulateArgs* out,
                                      int* bad_index) {
  KERVAN_ASSERT(argc >= 0);
  KERVAN_ASSERT(out != nullptr && bad_index != nullptr);
  for (int i = 0; i < argc; ++i) {
    *bad_index = i;
    const std::string_view flag = argv[i];
    if (flag == "--quiet") {
      out->quiet = true;
      continue;
    }
    if (flag == "--movement-log" || flag == "--event-log") {
      (flag == "--event-log" ? out->event_log : out->movement_log) = true;
      continue;
    }
    if (flag == "--verify-ledger") {
      out->verify_ledger = true;
      continue;
    }
    constexpr std::string_view takes_a_value[] = {"--scenario", "--out",  "--replications",
                                                  "--threads",  "--seed", "--through",
                                                  "--horizon-days"};
    if (std::find(std::begin(takes_a_value), std::end(takes_a_value), flag) ==
        std::end(takes_a_value)) {
      return SimulateArgsError::flag_unknown;
    }
    if (i + 1 >= argc) return SimulateArgsError::value_missing;
    const std::string_view value = argv[i + 1];
    uint64_t n = 0;
    if (flag == "--scenario") {
      out->scenario_path = value;
    } else if (flag == "--out") {
      out->folder = value;
    } else if (flag == "--replications") {
      if (!number(value, 1, simulate_replications_max, &n)) return SimulateArgsError::value_invalid;
      out->replications = static_cast<uint32_t>(n);
    } else if (flag == "--threads") {
      if (!number(value, 0, simulate_threads_max, &n)) return SimulateArgsError::value_invalid;
      out->threads = static_cast<uint32_t>(n);
    } else if (flag == "--seed") {
      if (!number(value, 0, UINT64_MAX, &n)) return SimulateArgsError::value_invalid;
      out->seed = n;
      out->seed_given = true;
    } else if (flag == "--through") {
      if (value != "process" && value != "server") return SimulateArgsError::value_invalid;
      out->through_server = value == "server";
    } else if (flag == "--horizon-days") {
      if (!number(value, 1, simulate_horizon_days_max, &n)) return SimulateArgsError::value_invalid;
      out->horizon_days = static_cast<int64_t>(n);
    } else {
      KERVAN_UNREACHABLE();
    }
    ++i;
  }
  return SimulateArgsError::ok;
}

std::string describe_simulate_args_error(SimulateArgsError error, int argc,
                                         const char* const* argv, int bad_index) {
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
