// parse_simulate_args: each flag, the defaults, and every error with the index of the flag at
// fault.
#include "sim/simulate_args.h"

#include <gtest/gtest.h>

#include <vector>

namespace kervan {
namespace {

SimulateArgsError parse(std::vector<const char*> argv, SimulateArgs* out, int* bad = nullptr) {
  int index = -1;
  const SimulateArgsError error =
      parse_simulate_args(static_cast<int>(argv.size()), argv.data(), out, &index);
  if (bad != nullptr) *bad = index;
  return error;
}

TEST(SimulateArgs, NoFlagsLeaveTheDefaults) {
  SimulateArgs args;
  ASSERT_EQ(parse({}, &args), SimulateArgsError::ok);
  EXPECT_EQ(args.folder, "var/simulation");
  EXPECT_TRUE(args.scenario_path.empty());
  EXPECT_EQ(args.replications, 0u);
  EXPECT_FALSE(args.seed_given);
  EXPECT_FALSE(args.through_server);
  EXPECT_FALSE(args.verify_ledger);
  EXPECT_FALSE(args.quiet);
}

TEST(SimulateArgs, EveryFlagSetsItsField) {
  SimulateArgs args;
  ASSERT_EQ(parse({"--scenario", "s.toml", "--out", "o", "--replications", "7", "--threads", "0",
                   "--seed", "18446744073709551615", "--horizon-days", "3650", "--through",
                   "server", "--movement-log", "--event-log", "--verify-ledger", "--quiet"},
                  &args),
            SimulateArgsError::ok);
  EXPECT_EQ(args.scenario_path, "s.toml");
  EXPECT_EQ(args.folder, "o");
  EXPECT_EQ(args.replications, 7u);
  EXPECT_EQ(args.threads, 0u);
  EXPECT_TRUE(args.seed_given);
  EXPECT_EQ(args.seed, UINT64_MAX);
  EXPECT_EQ(args.horizon_days, 3650);
  EXPECT_TRUE(args.through_server);
  EXPECT_TRUE(args.movement_log);
  EXPECT_TRUE(args.event_log);
  EXPECT_TRUE(args.verify_ledger);
  EXPECT_TRUE(args.quiet);
}

TEST(SimulateArgs, ErrorsNameTheFlagAtFault) {
  struct Case {
    std::vector<const char*> argv;
    SimulateArgsError error;
    int bad;
  };
  const Case cases[] = {
      {{"--quiet", "--replications"}, SimulateArgsError::value_missing, 1},
      {{"--verify-ledger", "--fast"}, SimulateArgsError::flag_unknown, 1},
      {{"--fast", "--replications", "2"}, SimulateArgsError::flag_unknown, 0},
      {{"--replications", "0"}, SimulateArgsError::value_invalid, 0},
      {{"--replications", "100001"}, SimulateArgsError::value_invalid, 0},
      {{"--threads", "1025"}, SimulateArgsError::value_invalid, 0},
      {{"--horizon-days", "0"}, SimulateArgsError::value_invalid, 0},
      {{"--seed", "18446744073709551616"}, SimulateArgsError::value_invalid, 0},
      {{"--out", "o", "--through", "mpi"}, SimulateArgsError::value_invalid, 2},
      {{"--seed", "-1"}, SimulateArgsError::value_invalid, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.argv.front());
    SimulateArgs args;
    int bad = -1;
    EXPECT_EQ(parse(c.argv, &args, &bad), c.error);
    EXPECT_EQ(bad, c.bad);
  }
}

TEST(SimulateArgs, ErrorsInWords) {
  const auto described = [](std::vector<const char*> argv) {
    SimulateArgs args;
    int bad = -1;
    const SimulateArgsError error = parse(argv, &args, &bad);
    return describe_simulate_args_error(error, static_cast<int>(argv.size()), argv.data(), bad);
  };
  EXPECT_EQ(described({"--quiet", "--fast", "1"}), "unknown flag --fast");
  EXPECT_EQ(described({"--replications"}), "--replications needs a value");
  EXPECT_EQ(described({"--threads", "2000"}), "bad value for --threads: 2000");
}

TEST(SimulateArgs, OverridesOnlyWhatIsGiven) {
  Scenario scenario;
  scenario.replications = 5;
  scenario.seed = 9;
  scenario.horizon_days = 365;
  SimulateArgs args;
  ASSERT_EQ(parse({"--horizon-days", "30"}, &args), SimulateArgsError::ok);
  apply_simulate_args(args, &scenario);
  EXPECT_EQ(scenario.replications, 5u);
  EXPECT_EQ(scenario.seed, 9u);
  EXPECT_EQ(scenario.horizon_days, 30);
}

}  // namespace
}  // namespace kervan
