// Parameter sweeps: every parameter path applied and refused, sweep files with exact error
// positions, a grid run equal to running its points by hand with the effects it must show, Latin
// hypercube strata, the rank statistics of the sensitivity table, determinism, the command.
#include "sim/sweep.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/scenario_echo.h"
#include "sim/scenario_file.h"
#include "sim/summary.h"
#include "sim/sweep_command.h"
#include "sim/sweep_output.h"

namespace kervan {
namespace {

const std::string data_dir = KERVAN_SIM_TEST_DATA_DIR;

Scenario small_scenario() {
  Scenario scenario;
  LoadError error;
  EXPECT_EQ(load_scenario_file(data_dir + "/small.toml", &scenario, &error), LoadErrorCode::ok)
      << error.to_string();
  return scenario;
}

SweepSpec sweep_file(const std::string& name) {
  SweepSpec spec;
  LoadError error;
  EXPECT_EQ(load_sweep_file(data_dir + "/" + name, &spec, &error), LoadErrorCode::ok)
      << error.to_string();
  return spec;
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// A fresh folder under the system's temporary folder, removed first if a run left it.
std::filesystem::path temporary_folder(const std::string& name) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(folder);
  return folder;
}

// ---- apply_parameter -----------------------------------------------------------------------

struct AppliedCase {
  const char* path;
  double value;
  std::function<bool(const Scenario&)> holds;
};

TEST(Sweep, ApplyParameterSetsEveryPathKind) {
  const std::vector<AppliedCase> cases = {
      {"seed", 7, [](const Scenario& s) { return s.seed == 7; }},
      {"principals", 20, [](const Scenario& s) { return s.principals == 20; }},
      {"horizon_days", 10, [](const Scenario& s) { return s.horizon_days == 10; }},
      {"warmup_days", 0, [](const Scenario& s) { return s.warmup_days == 0; }},
      {"traffic_factor", 1.5,
       [](const Scenario& s) { return s.corridors[0].movements_per_day == 30; }},
      {"release_lag.median_days", 4,
       [](const Scenario& s) {
         return std::fabs(std::exp(s.release_lag_days.mu) - 4) < 1e-12 &&
                s.release_lag_days.sigma == 0.5;
       }},
      {"release_lag.sigma_log", 0.8,
       [](const Scenario& s) {
         return std::fabs(std::exp(s.release_lag_days.mu) - 2) < 1e-12 &&
                s.release_lag_days.sigma == 0.8;
       }},
      {"incidents.correlation", 0.3,
       [](const Scenario& s) { return s.incidents.correlation == 0.3; }},
      {"incidents.enquiry_after_days", 10,
       [](const Scenario& s) { return s.incidents.enquiry_after_days == 10; }},
      {"incidents.claim_paid_after_days", 5,
       [](const Scenario& s) { return s.incidents.claim_paid_after_days == 5; }},
      {"costs.cost_of_capital_percent", 7,
       [](const Scenario& s) { return s.costs.cost_of_capital_percent == 7; }},
      {"costs.value_of_time_percent_per_day", 0.6,
       [](const Scenario& s) { return s.costs.value_of_time_percent_per_day == 0.6; }},
      {"costs.speed_kmh", 30, [](const Scenario& s) { return s.costs.speed_kmh == 30; }},
      {"costs.time_limit_days", 12,
       [](const Scenario& s) { return s.costs.time_limit_days == 12; }},
      {"risk_classes[AEO].incident_probability", 0.02,
       [](const Scenario& s) { return s.risk_classes[0].incident_probability == 0.02; }},
      {"risk_classes[Other].loss_given_incident", 0.25,
       [](const Scenario& s) { return s.risk_classes[1].loss_given_incident == 0.25; }},
      // 0.4 / 0.6 becomes 0.7 and the rest: Other takes 0.3.
      {"risk_classes[AEO].share", 0.7,
       [](const Scenario& s) {
         return s.risk_classes[0].share == 0.7 && std::fabs(s.risk_classes[1].share - 0.3) < 1e-15;
       }},
      {"corridors[KZ-UZ].movements_per_day", 5,
       [](const Scenario& s) { return s.corridors[0].movements_per_day == 5; }},
      {"schemes[national].premium_percent", 1,
       [](const Scenario& s) { return s.schemes[0].premium_percent == 1; }},
      {"schemes[regional].collateral_percent", 50,
       [](const Scenario& s) { return s.schemes[1].collateral_percent == 50; }},
      {"schemes[regional].sizing_factor", 1.5,
       [](const Scenario& s) { return s.schemes[1].sizing_factor == 1.5; }},
      {"schemes[national].max_wait_days", 1,
       [](const Scenario& s) { return s.schemes[0].max_wait_days == 1; }},
  };
  const Scenario base = small_scenario();
  for (const AppliedCase& c : cases) {
    Scenario s = base;
    std::string error;
    ASSERT_EQ(apply_parameter(&s, c.path, c.value, &error), ParameterError::ok)
        << c.path << ": " << error;
    EXPECT_TRUE(c.holds(s)) << c.path;
  }
}

TEST(Sweep, ApplyParameterSetsSchemeFieldsOnlyWhereTheyApply) {
  Scenario s = small_scenario();
  s.schemes[0].sizing = SizingRule::given;
  s.schemes[1].kind = SchemeKind::tir_like;
  std::string error;
  ASSERT_EQ(apply_parameter(&s, "schemes[national].given_amount_eur", 250'000, &error),
            ParameterError::ok);
  EXPECT_EQ(s.schemes[0].given_amount_eur, 250'000);
  ASSERT_EQ(apply_parameter(&s, "schemes[regional].tir_cap_eur", 50'000, &error),
            ParameterError::ok);
  EXPECT_EQ(s.schemes[1].tir_cap_eur, 50'000);
  EXPECT_EQ(apply_parameter(&s, "schemes[national].sizing_factor", 2, &error),
            ParameterError::field_not_applicable);
  EXPECT_EQ(error, "scheme \"national\" has sizing = \"given\": it has no sizing_factor");
}

TEST(Sweep, ANameRunsToTheLastBracketDot) {
  Scenario s = small_scenario();
  s.corridors[0].name = "A].B (x, y)";
  std::string error;
  ASSERT_EQ(apply_parameter(&s, "corridors[A].B (x, y)].movements_per_day", 3, &error),
            ParameterError::ok)
      << error;
  EXPECT_EQ(s.corridors[0].movements_per_day, 3);
}

struct RefusedCase {
  const char* path;
  double value;
  ParameterError expected;
};

TEST(Sweep, ApplyParameterRefusesAndLeavesTheScenarioUnchanged) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<RefusedCase> cases = {
      {"nonsense", 1, ParameterError::path_unknown},
      {"", 1, ParameterError::path_unknown},
      {"risk_classes[AEO].reduction_percent", 30, ParameterError::path_unknown},
      {"risk_classes[].share", 0.5, ParameterError::path_unknown},
      {"risk_classes[AEO]share", 0.5, ParameterError::path_unknown},
      {"schemes[national].share", 0.5, ParameterError::path_unknown},
      {"costs", 1, ParameterError::path_unknown},
      {"incidents.correlation", nan, ParameterError::value_not_finite},
      {"traffic_factor", std::numeric_limits<double>::infinity(), ParameterError::value_not_finite},
      {"principals", 10.5, ParameterError::value_not_integer},
      {"seed", 0.5, ParameterError::value_not_integer},
      {"incidents.correlation", 1, ParameterError::value_out_of_range},
      {"principals", 0, ParameterError::value_out_of_range},
      {"seed", 0x1p60, ParameterError::value_out_of_range},
      {"horizon_days", 3651, ParameterError::value_out_of_range},
      {"risk_classes[AEO].share", 1.5, ParameterError::value_out_of_range},
      {"costs.cost_of_capital_percent", -1, ParameterError::value_out_of_range},
      {"release_lag.median_days", 0, ParameterError::value_out_of_range},
      {"traffic_factor", 0, ParameterError::value_out_of_range},
      {"traffic_factor", 100'000, ParameterError::value_out_of_range},  // 2,000,000 a day.
      {"risk_classes[AOE].share", 0.5, ParameterError::name_unknown},
      {"corridors[KZ-KG].movements_per_day", 5, ParameterError::name_unknown},
      {"schemes[tir].premium_percent", 1, ParameterError::name_unknown},
      {"schemes[national].tir_cap_eur", 50'000, ParameterError::field_not_applicable},
      {"schemes[national].given_amount_eur", 50'000, ParameterError::field_not_applicable},
  };
  const Scenario base = small_scenario();
  const std::string before = scenario_json(base);
  for (const RefusedCase& c : cases) {
    Scenario s = base;
    std::string error;
    EXPECT_EQ(apply_parameter(&s, c.path, c.value, &error), c.expected)
        << c.path << " = " << c.value << ": " << error;
    EXPECT_FALSE(error.empty()) << c.path;
    EXPECT_EQ(scenario_json(s), before) << c.path;
  }
}

TEST(Sweep, ApplyParameterMessagesNameWhatIsWrong) {
  Scenario s = small_scenario();
  std::string error;
  EXPECT_EQ(apply_parameter(&s, "risk_classes[AOE].share", 0.5, &error),
            ParameterError::name_unknown);
  EXPECT_EQ(error,
            "the scenario has no risk_classes element named \"AOE\" (it has: \"AEO\", \"Other\")");
  EXPECT_EQ(apply_parameter(&s, "incidents.correlation", 1, &error),
            ParameterError::value_out_of_range);
  EXPECT_EQ(error, "incidents.correlation = 1 is not in [0, 1)");
}

TEST(Sweep, RunEndingAfterTheLastDateIsRefused) {
  Scenario s = small_scenario();
  s.start = *Date::from_civil(9990, 1, 1);
  std::string error;
  EXPECT_EQ(apply_parameter(&s, "horizon_days", 3650, &error), ParameterError::value_out_of_range);
  EXPECT_EQ(error, "horizon_days = 3650: the run would end after 9999-12-31");
  EXPECT_EQ(s.horizon_days, 30);
}

TEST(Sweep, AShareWithNoOtherClassToTakeTheRestIsRefused) {
  Scenario s = small_scenario();
  std::string error;
  ASSERT_EQ(apply_parameter(&s, "risk_classes[AEO].share", 1, &error), ParameterError::ok);
  EXPECT_EQ(s.risk_classes[1].share, 0);
  EXPECT_EQ(apply_parameter(&s, "risk_classes[AEO].share", 0.5, &error),
            ParameterError::share_rest_empty);
  EXPECT_EQ(apply_parameter(&s, "risk_classes[AEO].share", 1, &error), ParameterError::ok);
  // From 0 the other class can hand its share back.
  ASSERT_EQ(apply_parameter(&s, "risk_classes[Other].share", 0.25, &error), ParameterError::ok);
  EXPECT_EQ(s.risk_classes[0].share, 0.75);
}

TEST(Sweep, TrafficFactorScalesTheRatesThePointSets) {
  Scenario s = small_scenario();
  const std::vector<std::string> names = {"traffic_factor", "corridors[KZ-UZ].movements_per_day"};
  const std::vector<double> values = {2, 5};
  size_t failed = 99;
  std::string error;
  ASSERT_EQ(apply_point(&s, names, values, &failed, &error), ParameterError::ok) << error;
  EXPECT_EQ(s.corridors[0].movements_per_day, 10);
  const std::vector<double> bad = {2, -5};
  EXPECT_EQ(apply_point(&s, names, bad, &failed, &error), ParameterError::value_out_of_range);
  EXPECT_EQ(failed, 1u);
  EXPECT_TRUE(parameter_is_integer("principals"));
  EXPECT_FALSE(parameter_is_integer("traffic_factor"));
  EXPECT_FALSE(parameter_is_integer("nonsense"));
}

// ---- The sweep file ------------------------------------------------------------------------

TEST(SweepFile, LoadsAGridAndAHypercube) {
  const SweepSpec grid = sweep_file("sweep_grid.toml");
  EXPECT_EQ(grid.method, SweepMethod::grid);
  EXPECT_EQ(grid.replications, 2u);
  EXPECT_EQ(grid.metrics, (std::vector<std::string>{"claims", "cover_mean_eur",
                                                    "guarantee_capacity_eur", "refused"}));
  ASSERT_EQ(grid.parameters.size(), 2u);
  EXPECT_EQ(grid.parameters[0].path, "risk_classes[Other].incident_probability");
  EXPECT_EQ(grid.parameters[0].values, (std::vector<double>{0.01, 0.05}));
  EXPECT_EQ(grid.parameters[0].line, 8u);
  EXPECT_EQ(grid.parameters[0].column, 8u);
  EXPECT_EQ(grid.parameters[1].values, (std::vector<double>{1, 2}));

  const SweepSpec lhs = sweep_file("sweep_lhs.toml");
  EXPECT_EQ(lhs.method, SweepMethod::latin_hypercube);
  EXPECT_EQ(lhs.points, 8u);
  EXPECT_EQ(lhs.seed, 11u);
  ASSERT_EQ(lhs.parameters.size(), 3u);
  EXPECT_EQ(lhs.parameters[2].path, "principals");
  EXPECT_EQ(lhs.parameters[2].low, 5);
  EXPECT_EQ(lhs.parameters[2].high, 50);
  EXPECT_TRUE(lhs.parameters[2].values.empty());

  SweepSpec minimal;
  LoadError error;
  ASSERT_EQ(load_sweep_text("method = \"grid\"\n[[parameters]]\npath = \"seed\"\nvalues = [1]\n",
                            "minimal.toml", &minimal, &error),
            LoadErrorCode::ok)
      << error.to_string();
  EXPECT_EQ(minimal.replications, 0u);   // The scenario's.
  EXPECT_TRUE(minimal.metrics.empty());  // sweep_default_metrics.
  EXPECT_EQ(minimal.source, "minimal.toml");
}

struct FileErrorCase {
  const char* text;
  LoadErrorCode code;
  uint32_t line;
  uint32_t column;
  const char* path;
};

constexpr const char* grid_parameter = "[[parameters]]\npath = \"seed\"\nvalues = [1, 2]\n";

TEST(SweepFile, ErrorsNameCodeLineColumnAndField) {
  const std::string g = std::string("method = \"grid\"\n");
  const std::string l = std::string("method = \"latin_hypercube\"\npoints = 4\n");
  const std::string p = grid_parameter;
  const std::string share = "[[parameters]]\npath = \"risk_classes[AEO].share\"\nvalues = [0.5]\n";
  const std::string other =
      "[[parameters]]\npath = \"risk_classes[Other].share\"\nvalues = [0.5]\n";
  const std::string hundred = "values = [" + [] {
    std::string v;
    for (int i = 0; i < 100; ++i) v += std::to_string(i) + (i < 99 ? ", " : "");
    return v;
  }() + "]\n";
  const std::string big = "[[parameters]]\npath = \"seed\"\n" + hundred +
                          "[[parameters]]\npath = \"principals\"\n" +
                          std::string(hundred).replace(10, 1, "100") +
                          "[[parameters]]\npath = \"warmup_days\"\n" + hundred;
  const std::vector<std::pair<std::string, FileErrorCase>> cases = {
      {"method = \n", {"", LoadErrorCode::syntax, 1, 10, ""}},
      {"mehtod = \"grid\"\n" + p, {"", LoadErrorCode::key_unknown, 1, 1, "mehtod"}},
      {"format_version = 2\n" + g + p,
       {"", LoadErrorCode::value_out_of_range, 1, 18, "format_version"}},
      {p, {"", LoadErrorCode::key_missing, 1, 1, "method"}},
      {"method = 1\n" + p, {"", LoadErrorCode::type_wrong, 1, 10, "method"}},
      {"method = \"random\"\n" + p, {"", LoadErrorCode::value_invalid, 1, 10, "method"}},
      {g + "points = 4\n" + p, {"", LoadErrorCode::key_unknown, 2, 1, "points"}},
      {g + "seed = 4\n" + p, {"", LoadErrorCode::key_unknown, 2, 1, "seed"}},
      {"method = \"latin_hypercube\"\n[[parameters]]\npath = \"seed\"\nlow = 1\nhigh = 2\n",
       {"", LoadErrorCode::key_missing, 1, 1, "points"}},
      {"method = \"latin_hypercube\"\npoints = 0\n",
       {"", LoadErrorCode::value_out_of_range, 2, 10, "points"}},
      {g + "replications = 2.5\n" + p, {"", LoadErrorCode::type_wrong, 2, 16, "replications"}},
      {g + "metrics = [\"cover_mean_eur\", \"nope\"]\n" + p,
       {"", LoadErrorCode::value_invalid, 2, 30, "metrics[1]"}},
      {g + "metrics = [\"claims\", \"claims\"]\n" + p,
       {"", LoadErrorCode::duplicate, 2, 22, "metrics[1]"}},
      {g + "metrics = []\n" + p, {"", LoadErrorCode::value_invalid, 2, 11, "metrics"}},
      {g, {"", LoadErrorCode::key_missing, 1, 1, "parameters"}},
      {g + "parameters = 3\n", {"", LoadErrorCode::type_wrong, 2, 14, "parameters"}},
      {g + "[[parameters]]\npath = \"risk_classes[AEO].reduction_percent\"\nvalues = [30]\n",
       {"", LoadErrorCode::value_invalid, 3, 8, "parameters[0].path"}},
      {g + "[[parameters]]\npath = 3\nvalues = [30]\n",
       {"", LoadErrorCode::type_wrong, 3, 8, "parameters[0].path"}},
      {g + "[[parameters]]\nvalues = [30]\n",
       {"", LoadErrorCode::key_missing, 2, 1, "parameters[0].path"}},
      {g + "[[parameters]]\npath = \"seed\"\nvalue = [30]\n",
       {"", LoadErrorCode::key_unknown, 4, 1, "parameters[0].value"}},
      {g + "[[parameters]]\npath = \"seed\"\n",
       {"", LoadErrorCode::key_missing, 2, 1, "parameters[0].values"}},
      {g + "[[parameters]]\npath = \"seed\"\nlow = 1\nhigh = 2\n",
       {"", LoadErrorCode::key_unknown, 4, 1, "parameters[0].low"}},
      {l + "[[parameters]]\npath = \"seed\"\nvalues = [1]\n",
       {"", LoadErrorCode::key_unknown, 5, 1, "parameters[0].values"}},
      {l + "[[parameters]]\npath = \"seed\"\nlow = 1\n",
       {"", LoadErrorCode::key_missing, 3, 1, "parameters[0].high"}},
      {l + "[[parameters]]\npath = \"seed\"\nlow = 9\nhigh = 2\n",
       {"", LoadErrorCode::order_invalid, 6, 8, "parameters[0].high"}},
      {g + "[[parameters]]\npath = \"incidents.correlation\"\nvalues = [0.1, 1.0]\n",
       {"", LoadErrorCode::value_out_of_range, 4, 16, "parameters[0].values[1]"}},
      {g + "[[parameters]]\npath = \"incidents.correlation\"\nvalues = [0.1, nan]\n",
       {"", LoadErrorCode::value_invalid, 4, 16, "parameters[0].values[1]"}},
      {g + "[[parameters]]\npath = \"incidents.correlation\"\nvalues = [\"0.1\"]\n",
       {"", LoadErrorCode::type_wrong, 4, 11, "parameters[0].values[0]"}},
      {g + "[[parameters]]\npath = \"principals\"\nvalues = [10.0]\n",
       {"", LoadErrorCode::type_wrong, 4, 11, "parameters[0].values[0]"}},
      {g + "[[parameters]]\npath = \"principals\"\nvalues = []\n",
       {"", LoadErrorCode::value_invalid, 4, 10, "parameters[0].values"}},
      {g + p + p, {"", LoadErrorCode::duplicate, 6, 8, "parameters[1].path"}},
      {g + share + other, {"", LoadErrorCode::duplicate, 6, 8, "parameters[1].path"}},
      {g + big, {"", LoadErrorCode::too_many, 2, 1, "parameters"}},
  };
  for (const auto& [text, expected] : cases) {
    SweepSpec spec;
    spec.points = 77;
    LoadError error;
    EXPECT_EQ(load_sweep_text(text, "bad.toml", &spec, &error), expected.code) << text << "\n"
                                                                               << error.to_string();
    EXPECT_EQ(error.line, expected.line) << text << "\n" << error.to_string();
    EXPECT_EQ(error.column, expected.column) << text << "\n" << error.to_string();
    EXPECT_EQ(error.path, expected.path) << text << "\n" << error.to_string();
    EXPECT_EQ(error.source, "bad.toml");
    EXPECT_EQ(spec.points, 77u);  // Unchanged on error.
  }
}

TEST(SweepFile, UnreadableFile) {
  SweepSpec spec;
  LoadError error;
  EXPECT_EQ(load_sweep_file(data_dir + "/no_such_sweep.toml", &spec, &error),
            LoadErrorCode::file_unreadable);
  EXPECT_EQ(error.line, 0u);
}

TEST(SweepFile, ThePointsAreCheckedAgainstTheScenarioAtThePath) {
  const Scenario scenario = small_scenario();
  struct Case {
    std::string text;
    LoadErrorCode code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"method = \"grid\"\n[[parameters]]\npath = \"risk_classes[AOE].share\"\nvalues = [0.5]\n",
       LoadErrorCode::reference_invalid,
       "point 0 (risk_classes[AOE].share = 0.5): the scenario has no risk_classes element named "
       "\"AOE\" (it has: \"AEO\", \"Other\") [name_unknown]"},
      {"method = \"grid\"\n[[parameters]]\npath = \"schemes[national].given_amount_eur\"\n"
       "values = [1000]\n",
       LoadErrorCode::reference_invalid,
       "point 0 (schemes[national].given_amount_eur = 1000): scheme \"national\" has sizing = "
       "\"reference\": it has no given_amount_eur [field_not_applicable]"},
      {"method = \"latin_hypercube\"\npoints = 3\n[[parameters]]\npath = \"traffic_factor\"\n"
       "low = 1\nhigh = 100000\n",
       LoadErrorCode::value_out_of_range, nullptr},
  };
  for (const Case& c : cases) {
    SweepSpec spec;
    LoadError error;
    ASSERT_EQ(load_sweep_text(c.text, "s.toml", &spec, &error), LoadErrorCode::ok)
        << error.to_string();
    SamplingPlan plan;
    EXPECT_EQ(plan_sweep(scenario, spec, &plan, &error), c.code) << error.to_string();
    EXPECT_EQ(error.path, "parameters[0].path");
    EXPECT_EQ(error.line, c.text.starts_with("method = \"grid\"") ? 3u : 4u);
    EXPECT_EQ(error.column, 8u);
    if (c.message != nullptr) {
      EXPECT_EQ(error.message, c.message);
    }
    EXPECT_TRUE(plan.points.empty());
  }
}

// ---- Running -------------------------------------------------------------------------------

double mean_of(const SweepRow& row, const SweepResult& r, size_t scheme, std::string_view metric) {
  for (size_t m = 0; m < r.metrics.size(); ++m) {
    if (r.metrics[m] == metric) return row.schemes[scheme][m].mean;
  }
  ADD_FAILURE() << "no metric " << metric;
  return NAN;
}

TEST(SweepRun, AGridIsItsPointsRunByHandWithTheEffectsTheyMustHave) {
  const Scenario base = small_scenario();
  const SweepSpec spec = sweep_file("sweep_grid.toml");
  SweepResult result;
  LoadError error;
  ASSERT_EQ(run_sweep(base, spec, SweepOptions{}, &result, &error), LoadErrorCode::ok)
      << error.to_string();
  ASSERT_EQ(result.rows.size(), 4u);
  EXPECT_EQ(result.replications, 2u);
  EXPECT_EQ(result.schemes, (std::vector<std::string>{"national", "regional"}));
  EXPECT_TRUE(result.ledger_agrees);
  EXPECT_TRUE(result.sensitivity.empty());  // A grid has no tornado.
  const std::vector<std::vector<double>> expected_values = {
      {0.01, 1}, {0.01, 2}, {0.05, 1}, {0.05, 2}};
  for (size_t i = 0; i < 4; ++i) {
    const SweepRow& row = result.rows[i];
    EXPECT_EQ(row.point, i);
    EXPECT_EQ(row.values, expected_values[i]);
    // The same point, set by hand and run: the same numbers, bit for bit.
    Scenario s = base;
    s.risk_classes[1].incident_probability = expected_values[i][0];
    s.corridors[0].movements_per_day *= expected_values[i][1];
    s.replications = 2;
    const SimulationSummary summary = summarize(run_replications(s, SimulationOptions{}));
    for (size_t m = 0; m < result.metrics.size(); ++m) {
      const MetricSummary* by_hand = nullptr;
      for (const MetricSummary& ms : summary.metrics) {
        if (ms.name == result.metrics[m]) by_hand = &ms;
      }
      ASSERT_NE(by_hand, nullptr);
      for (size_t k = 0; k < 2; ++k) {
        EXPECT_EQ(row.schemes[k][m].mean, by_hand->schemes[k].mean) << i << result.metrics[m];
        EXPECT_EQ(row.schemes[k][m].half_width, by_hand->schemes[k].half_width);
        EXPECT_EQ(row.differences[k][m].mean, by_hand->differences[k].mean);
        EXPECT_EQ(row.differences[k][m].half_width, by_hand->differences[k].half_width);
      }
    }
  }
  for (size_t k = 0; k < 2; ++k) {
    // Common random numbers: a higher irregularity probability turns more of the same trucks'
    // draws into incidents; twice the traffic ties up more cover.
    for (size_t traffic = 0; traffic < 2; ++traffic) {
      EXPECT_GT(mean_of(result.rows[2 + traffic], result, k, "claims"),
                mean_of(result.rows[traffic], result, k, "claims"));
    }
    for (size_t p = 0; p < 2; ++p) {
      EXPECT_GT(mean_of(result.rows[2 * p + 1], result, k, "cover_mean_eur"),
                1.5 * mean_of(result.rows[2 * p], result, k, "cover_mean_eur"));
    }
  }
  // The CSV: a header and one row per point, the values first.
  const std::string csv = sweep_csv(result);
  EXPECT_TRUE(csv.starts_with(
      "point,risk_classes[Other].incident_probability,traffic_factor,claims.national.mean,"
      "claims.national.hw95,cover_mean_eur.national.mean,"))
      << csv;
  EXPECT_NE(csv.find(",claims.regional_minus_national.mean,"), std::string::npos);
  EXPECT_NE(csv.find("\n2,0.05,1,"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
}

TEST(SweepRun, EveryKnownMetricIsMeasured) {
  Scenario s = small_scenario();
  s.replications = 1;
  const ReplicationResult r = run_replication(s, 0);
  for (const std::string_view name : sweep_known_metrics()) {
    bool found = false;
    for (const Metric& m : r.schemes[0].metrics) found = found || m.name == name;
    EXPECT_TRUE(found) << name;
  }
  for (const std::string_view name : sweep_default_metrics) {
    EXPECT_NE(std::find(sweep_known_metrics().begin(), sweep_known_metrics().end(), name),
              sweep_known_metrics().end());
  }
}

TEST(SweepRun, LatinHypercubePointsAreStratifiedAndCountsRounded) {
  const Scenario base = small_scenario();
  SweepSpec spec = sweep_file("sweep_lhs.toml");
  spec.points = 40;
  SamplingPlan plan;
  LoadError error;
  ASSERT_EQ(plan_sweep(base, spec, &plan, &error), LoadErrorCode::ok) << error.to_string();
  ASSERT_EQ(plan.points.size(), 40u);
  for (size_t d = 0; d < 2; ++d) {
    const SweepParameter& p = spec.parameters[d];
    std::vector<int> per_stratum(40, 0);
    for (const std::vector<double>& point : plan.points) {
      const double u = (point[d] - p.low) / (p.high - p.low) * 40;
      ASSERT_GE(u, 0);
      ASSERT_LT(u, 40);
      per_stratum[static_cast<size_t>(u)] += 1;
    }
    for (size_t s = 0; s < 40; ++s) EXPECT_EQ(per_stratum[s], 1) << p.path << " stratum " << s;
  }
  for (const std::vector<double>& point : plan.points) {
    EXPECT_EQ(point[2], std::round(point[2]));
    EXPECT_GE(point[2], 5);
    EXPECT_LE(point[2], 50);
  }
  // Another plan seed, another plan; the same seed, the same plan.
  SamplingPlan again;
  ASSERT_EQ(plan_sweep(base, spec, &again, &error), LoadErrorCode::ok);
  EXPECT_EQ(again.points, plan.points);
  spec.seed = 12;
  ASSERT_EQ(plan_sweep(base, spec, &again, &error), LoadErrorCode::ok);
  EXPECT_NE(again.points, plan.points);
}

TEST(SweepRun, HypercubeSensitivityFindsTheParameterThatMatters) {
  const Scenario base = small_scenario();
  const SweepSpec spec = sweep_file("sweep_lhs.toml");
  SweepResult result;
  LoadError error;
  ASSERT_EQ(run_sweep(base, spec, SweepOptions{}, &result, &error), LoadErrorCode::ok)
      << error.to_string();
  ASSERT_EQ(result.rows.size(), 8u);
  // 2 metrics x (2 schemes + 1 difference) x 3 parameters.
  ASSERT_EQ(result.sensitivity.size(), 18u);
  for (const SensitivityRow& row : result.sensitivity) {
    if (row.metric != "cover_mean_eur" || row.series.find("_minus_") != std::string::npos) {
      continue;
    }
    if (row.rank == 1) {
      EXPECT_EQ(row.parameter, "traffic_factor") << row.series;
      EXPECT_GT(row.spearman, 0.8) << row.series;
      EXPECT_GT(row.src, 0.5) << row.series;
      EXPECT_GT(row.r_squared, 0.8) << row.series;
    }
  }
  const std::string table = sensitivity_csv(result);
  EXPECT_TRUE(
      table.starts_with("metric,series,parameter,rank,spearman,src,r_squared\n"
                        "cover_mean_eur,national,traffic_factor,1,"))
      << table;
}

TEST(SweepRun, SameSweepSameBytesOnOneThreadOrTwo) {
  const Scenario base = small_scenario();
  const SweepSpec spec = sweep_file("sweep_lhs.toml");
  SweepResult one;
  SweepResult two;
  LoadError error;
  SweepOptions options;
  size_t progress_calls = 0;
  options.progress = [&](const SweepRow& row, size_t done, size_t total) {
    EXPECT_EQ(row.point + 1, done);
    EXPECT_EQ(total, 8u);
    progress_calls += 1;
  };
  ASSERT_EQ(run_sweep(base, spec, options, &one, &error), LoadErrorCode::ok);
  EXPECT_EQ(progress_calls, 8u);
  options.threads = 2;
  options.progress = nullptr;
  ASSERT_EQ(run_sweep(base, spec, options, &two, &error), LoadErrorCode::ok);
  const std::filesystem::path a = temporary_folder("kervan_sweep_test_a");
  const std::filesystem::path b = temporary_folder("kervan_sweep_test_b");
  std::string write_error;
  ASSERT_TRUE(write_sweep_outputs(a.string(), base, spec, one, &write_error)) << write_error;
  ASSERT_TRUE(write_sweep_outputs(b.string(), base, spec, two, &write_error)) << write_error;
  for (const char* file : {"sweep.csv", "sweep.json", "scenario.json", "sensitivity.csv",
                           "tornado_cover_mean_eur.svg", "tornado_value_of_time_eur.svg"}) {
    const std::string bytes = read_whole_file(a / file);
    EXPECT_FALSE(bytes.empty()) << file;
    EXPECT_EQ(bytes, read_whole_file(b / file)) << file;
  }
  EXPECT_NE(read_whole_file(a / "sweep.json").find("\"method\":\"latin_hypercube\""),
            std::string::npos);
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

// ---- Statistics of the sensitivity table ---------------------------------------------------

TEST(SweepStatistics, SpearmanRankCorrelation) {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  const std::vector<double> squares = {1, 4, 9, 16, 25};
  const std::vector<double> reversed = {5, 3, 2, 1, 0};
  const std::vector<double> constant = {2, 2, 2, 2, 2};
  EXPECT_DOUBLE_EQ(spearman_rank_correlation(x, squares), 1);
  EXPECT_DOUBLE_EQ(spearman_rank_correlation(x, reversed), -1);
  EXPECT_TRUE(std::isnan(spearman_rank_correlation(x, constant)));
  EXPECT_TRUE(
      std::isnan(spearman_rank_correlation(std::vector<double>{1}, std::vector<double>{2})));
  // Ties take their mean rank: x ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4 gives
  // sum((rx - 2.5)(ry - 2.5)) / sqrt(4.5 x 5) = 4.5 / sqrt(22.5).
  const std::vector<double> tied = {1, 2, 2, 3};
  const std::vector<double> line = {10, 20, 30, 40};
  EXPECT_NEAR(spearman_rank_correlation(tied, line), 4.5 / std::sqrt(22.5), 1e-15);
}

TEST(SweepStatistics, StandardizedRegressionRecoversTheCoefficients) {
  // y = 2 x1 - x2 exactly: the standardized coefficients are b sd(x) / sd(y), R^2 = 1.
  const std::vector<std::vector<double>> x = {{1, 2, 3, 4, 5, 6}, {3, 1, 4, 1, 5, 9}};
  std::vector<double> y;
  for (size_t i = 0; i < 6; ++i) y.push_back(2 * x[0][i] - x[1][i]);
  std::vector<double> src;
  double r_squared = 0;
  standardized_regression(x, y, &src, &r_squared);
  auto sd = [](const std::vector<double>& v) {
    RunningStats stats;
    for (const double e : v) stats.add(e);
    return stats.standard_deviation();
  };
  ASSERT_EQ(src.size(), 2u);
  EXPECT_NEAR(src[0], 2 * sd(x[0]) / sd(y), 1e-12);
  EXPECT_NEAR(src[1], -sd(x[1]) / sd(y), 1e-12);
  EXPECT_NEAR(r_squared, 1, 1e-12);
  // A constant column is left out (NaN); too few points for the columns: all NaN.
  const std::vector<std::vector<double>> with_constant = {x[0], {7, 7, 7, 7, 7, 7}};
  standardized_regression(with_constant, y, &src, &r_squared);
  EXPECT_TRUE(std::isnan(src[1]));
  EXPECT_FALSE(std::isnan(src[0]));
  const std::vector<std::vector<double>> short_x = {{1, 2, 3}, {3, 1, 2}};
  standardized_regression(short_x, std::vector<double>{1, 2, 4}, &src, &r_squared);
  EXPECT_TRUE(std::isnan(src[0]) && std::isnan(src[1]) && std::isnan(r_squared));
}

// ---- The command ---------------------------------------------------------------------------

struct Captured {
  int status = 0;
  std::string out;
  std::string err;
};

Captured run_command(const std::vector<std::string>& arguments) {
  std::vector<const char*> argv;
  for (const std::string& a : arguments) argv.push_back(a.c_str());
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  Captured captured;
  captured.status = run_sweep_command(static_cast<int>(argv.size()), argv.data(), out, err);
  for (auto [file, text] : {std::pair{out, &captured.out}, std::pair{err, &captured.err}}) {
    std::rewind(file);
    char buffer[4096];
    size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text->append(buffer, read);
    std::fclose(file);
  }
  return captured;
}

TEST(SweepCommand, RunsWritesAndReports) {
  const std::filesystem::path folder = temporary_folder("kervan_sweep_test_command");
  const Captured run =
      run_command({"--sweep", data_dir + "/sweep_grid.toml", "--scenario", data_dir + "/small.toml",
                   "--out", folder.string(), "--threads", "1"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.err.find("grid, 4 point(s) x 2 replication(s), 2 scheme(s)"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("point 4/4 (risk_classes[Other].incident_probability = 0.05, "
                         "traffic_factor = 2)"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.out.find("Kervan sweep: small test scenario; grid, 4 point(s) x 2"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("at every point: yes"), std::string::npos) << run.out;
  EXPECT_TRUE(std::filesystem::exists(folder / "sweep.csv"));
  EXPECT_TRUE(std::filesystem::exists(folder / "sweep.json"));
  EXPECT_FALSE(std::filesystem::exists(folder / "sensitivity.csv"));
  std::filesystem::remove_all(folder);
}

TEST(SweepCommand, BadUsageAndFilesThatDoNotLoad) {
  EXPECT_EQ(run_command({}).status, 2);
  EXPECT_EQ(run_command({"--sweep"}).status, 2);
  EXPECT_EQ(run_command({"--sweep", "x.toml", "--threads", "many"}).status, 2);
  EXPECT_EQ(run_command({"--sweep", "x.toml", "--replications", "2"}).status, 2);
  const Captured missing = run_command({"--sweep", data_dir + "/no_such_sweep.toml"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no_such_sweep.toml: No such file"), std::string::npos) << missing.err;
  // The sweep names a corridor the default CAREC scenario does not have: refused before any
  // run, at the path.
  const std::filesystem::path folder = temporary_folder("kervan_sweep_test_refused");
  std::filesystem::create_directories(folder);
  const std::filesystem::path sweep = folder / "sweep.toml";
  std::ofstream(sweep) << "method = \"grid\"\n[[parameters]]\n"
                          "path = \"corridors[KZ-UZ].movements_per_day\"\nvalues = [5]\n";
  const Captured refused = run_command({"--sweep", sweep.string(), "--quiet"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("sweep.toml:3:8: parameters[0].path: point 0"), std::string::npos)
      << refused.err;
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace kervan
