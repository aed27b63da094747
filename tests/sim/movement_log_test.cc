// Movement logs and replay: a plan written and read back is the same plan, field for field (and
// the same bytes); malformed logs name their code, line, column and field; replaying a recorded
// log under the scenario it was recorded with gives the recorded results bit for bit, and under
// other schemes the ledger agrees; logs are recorded per replication; the replay command runs.
#include "sim/movement_log.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/csv_field.h"
#include "sim/replay.h"
#include "sim/runner.h"
#include "sim/scenario_file.h"

namespace kervan {
namespace {

const std::string small_toml = std::string(KERVAN_SIM_TEST_DATA_DIR) + "/small.toml";

Scenario small_scenario() {
  Scenario s;
  LoadError error;
  EXPECT_EQ(load_scenario_file(small_toml, &s, &error), LoadErrorCode::ok) << error.to_string();
  return s;
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// A fresh folder under the test's temporary directory.
std::filesystem::path temp_folder(std::string_view name) {
  const std::filesystem::path folder =
      std::filesystem::path(::testing::TempDir()) / ("kervan_movement_log_" + std::string(name));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

void expect_same_truck(const Truck& a, const Truck& b) {
  SCOPED_TRACE("truck " + std::to_string(a.id));
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.corridor, b.corridor);
  EXPECT_EQ(a.countries, b.countries);
  EXPECT_EQ(a.cargo, b.cargo);
  EXPECT_EQ(a.risk_class, b.risk_class);
  EXPECT_EQ(a.incident_at, b.incident_at);
  EXPECT_EQ(a.incident, b.incident);
  EXPECT_EQ(a.principal, b.principal);
  EXPECT_EQ(a.ready_s, b.ready_s);
  EXPECT_EQ(a.value_cents, b.value_cents);
  EXPECT_EQ(a.duty_cents, b.duty_cents);
  EXPECT_EQ(a.drive_s, b.drive_s);
  EXPECT_EQ(a.border_s, b.border_s);
  EXPECT_EQ(a.release_lag_s, b.release_lag_s);
}

// Writes the plan, reads it back under the same scenario: the same trucks and end, and the
// loaded plan writes the same bytes.
void expect_round_trip(const Scenario& s, const TrafficPlan& plan) {
  const std::string csv = movement_log_csv(s, plan);
  TrafficPlan loaded;
  LoadError error;
  ASSERT_EQ(load_movement_log(csv, "plan.csv", s, &loaded, &error), LoadErrorCode::ok)
      << error.to_string();
  EXPECT_EQ(loaded.replication, 0u);
  EXPECT_EQ(loaded.skipped_no_tariff, 0u);
  EXPECT_EQ(loaded.end_s, plan.end_s);
  ASSERT_EQ(loaded.trucks.size(), plan.trucks.size());
  for (size_t i = 0; i < plan.trucks.size(); ++i)
    expect_same_truck(loaded.trucks[i], plan.trucks[i]);
  EXPECT_EQ(movement_log_csv(s, loaded), csv);
}

TEST(MovementLog, AGeneratedPlanRoundTripsFieldForField) {
  const Scenario s = small_scenario();
  for (const uint32_t replication : {0u, 2u}) {
    SCOPED_TRACE("replication " + std::to_string(replication));
    const TrafficPlan plan = generate_traffic(s, replication);
    ASSERT_GT(plan.trucks.size(), 500u);
    EXPECT_EQ(plan.skipped_no_tariff, 0u);
    expect_round_trip(s, plan);
  }
}

// The field writer every simulator CSV shares (RFC 4180).
TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("Vegetables"), "Vegetables");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  std::string row = "1,";
  append_csv_field(&row, "x,y");
  EXPECT_EQ(row, "1,\"x,y\"");
}

// Three-country corridors, a name with a comma (the default scenario's), and names holding
// quotes, commas and line breaks: quoted on the way out, read back the same.
TEST(MovementLog, NamesThatNeedQuotingRoundTrip) {
  Scenario s;
  LoadError error;
  ASSERT_EQ(load_default_scenario(&s, &error), LoadErrorCode::ok) << error.to_string();
  s.warmup_days = 0;
  s.horizon_days = 2;
  s.cargo[0].name = "Fruit, \"fresh\"\nand dried";
  s.risk_classes[0].name = "class\r\nwith CR LF";
  const TrafficPlan plan = generate_traffic(s, 0);
  ASSERT_GT(plan.trucks.size(), 1000u);
  const std::string csv = movement_log_csv(s, plan);
  EXPECT_NE(csv.find("\"Fruit, \"\"fresh\"\"\nand dried\""), std::string::npos);
  EXPECT_NE(csv.find("\"CN-KZ-UZ (Khorgos, Zhibek Zholy)\",CN;KZ;UZ,"), std::string::npos);
  expect_round_trip(s, plan);
}

// The log's text, exactly: header, integers, cents, lists, the UTC time from the start date.
TEST(MovementLog, TheTextOfAPlan) {
  const Scenario s = small_scenario();
  TrafficPlan plan;
  plan.end_s = 35 * sim_day_s;
  Truck t;
  t.countries = 2;
  t.cargo = 1;
  t.risk_class = 1;
  t.incident = true;
  t.incident_at = 1;
  t.principal = 9;
  t.ready_s = 3 * sim_day_s + 5 * sim_hour_s + 7 * 60 + 9;
  t.value_cents = 8'000'005;
  t.duty_cents = {900'010, 1'200'000};
  t.drive_s = {36'000, 7'200};
  t.border_s = {40'000};
  t.release_lag_s = {172'800, 180'000};
  plan.trucks.push_back(t);
  EXPECT_EQ(movement_log_csv(s, plan),
            "truck,corridor,countries,cargo,risk_class,principal,ready_s,ready_utc,value_eur,"
            "duty_eur,drive_s,border_s,release_lag_s,incident,incident_position\n"
            "0,KZ-UZ,KZ;UZ,Machinery,Other,9,277629,2026-01-04T05:07:09Z,80000.05,"
            "9000.10;12000.00,36000;7200,40000,172800;180000,1,1\n");
}

// A valid log of two trucks for tests/sim/data/small.toml, line by line (line 1 the header).
const std::vector<std::string> valid_lines = {
    "truck,corridor,countries,cargo,risk_class,principal,ready_s,ready_utc,value_eur,duty_eur,"
    "drive_s,border_s,release_lag_s,incident,incident_position",
    "0,KZ-UZ,KZ;UZ,Vegetables,AEO,3,3600,2026-01-01T01:00:00Z,20000.00,2500.00;3100.00,"
    "36000;7200,36000,172800;180000,0,1",
    "1,KZ-UZ,KZ;UZ,Machinery,Other,4,7200,2026-01-01T02:00:00Z,80000.50,9000.10;12000.00,"
    "36000;7200,40000,172800;180000,1,0",
};

std::string log_with(size_t line, const std::string& text) {
  std::string out;
  for (size_t i = 0; i < valid_lines.size(); ++i) {
    out += i + 1 == line ? text : valid_lines[i];
    out += "\n";
  }
  return out;
}

TEST(MovementLog, AHandWrittenLogLoads) {
  const Scenario s = small_scenario();
  TrafficPlan plan;
  LoadError error;
  ASSERT_EQ(load_movement_log(log_with(0, ""), "log.csv", s, &plan, &error), LoadErrorCode::ok)
      << error.to_string();
  ASSERT_EQ(plan.trucks.size(), 2u);
  EXPECT_EQ(plan.end_s, 35 * sim_day_s);
  const Truck& t = plan.trucks[1];
  EXPECT_EQ(t.id, 1u);
  EXPECT_EQ(t.countries, 2);
  EXPECT_EQ(t.cargo, 1);
  EXPECT_EQ(t.risk_class, 1);
  EXPECT_EQ(t.principal, 4u);
  EXPECT_EQ(t.ready_s, 7200);
  EXPECT_EQ(t.value_cents, 8'000'050);
  EXPECT_EQ(t.duty_cents[0], 900'010);
  EXPECT_EQ(t.duty_cents[1], 1'200'000);
  EXPECT_EQ(t.border_s[0], 40'000);
  EXPECT_EQ(t.release_lag_s[1], 180'000);
  EXPECT_TRUE(t.incident);
  EXPECT_EQ(t.incident_at, 0);
  // Without its last line feed it loads too.
  std::string text = log_with(0, "");
  text.pop_back();
  EXPECT_EQ(load_movement_log(text, "log.csv", s, &plan, &error), LoadErrorCode::ok)
      << error.to_string();
}

struct BadLog {
  const char* name;
  size_t line_replaced;  // 1: the header.
  std::string text;      // The line put in its place.
  LoadErrorCode code;
  uint32_t line;
  const char* at;  // The expected column is this text's last place in the line (null: its end).
  const char* path;
};

// Row 0 (line 2) with one field replaced: `field` is the text between the commas.
std::string row0(size_t field, const std::string& text) {
  std::string out;
  std::stringstream fields(valid_lines[1]);
  std::string f;
  for (size_t i = 0; std::getline(fields, f, ','); ++i) {
    if (i > 0) out += ',';
    out += i == field ? text : f;
  }
  return out;
}

const std::string header = valid_lines[0];
const std::string row1 = valid_lines[2];

// The order of a row's checks: field count, then fields left to right, then across rows.
const std::vector<BadLog> bad_logs = {
    {"header misspelt", 1,
     "truck,corridor,countries,cargo,risk_class,principle,ready_s,ready_utc,"
     "value_eur,duty_eur,drive_s,border_s,release_lag_s,incident,incident_position",
     LoadErrorCode::key_unknown, 1, "principle", "header.principal"},
    {"header short", 1, header.substr(0, header.rfind(',')), LoadErrorCode::key_missing, 1, nullptr,
     "header.incident_position"},
    {"header long", 1, header + ",extra", LoadErrorCode::key_unknown, 1, "extra", "header"},
    {"row short", 2, valid_lines[1].substr(0, valid_lines[1].rfind(',')),
     LoadErrorCode::key_missing, 2, nullptr, "trucks[0].incident_position"},
    {"row long", 2, valid_lines[1] + ",extra", LoadErrorCode::key_unknown, 2, "extra", "trucks[0]"},
    {"quote inside a field", 2, row0(3, "Veg\"etables"), LoadErrorCode::syntax, 2, "\"",
     "trucks[0]"},
    {"CR LF", 2, valid_lines[1] + "\r", LoadErrorCode::syntax, 2, "\r", "trucks[0]"},
    {"quote never closed", 2, row0(3, "\"Vegetables"), LoadErrorCode::syntax, 2, "\"", "trucks[0]"},
    {"text after a quote", 2, row0(3, "\"Vegetables\"x"), LoadErrorCode::syntax, 2, "x",
     "trucks[0]"},
    {"truck numbered 1 in row 0", 2, row0(0, "1"), LoadErrorCode::order_invalid, 2, "1,",
     "trucks[0].truck"},
    {"truck not a number", 2, row0(0, "x"), LoadErrorCode::type_wrong, 2, "x", "trucks[0].truck"},
    {"corridor unknown", 2, row0(1, "KZ-TJ"), LoadErrorCode::reference_invalid, 2, "KZ-TJ",
     "trucks[0].corridor"},
    {"countries not the corridor's", 2, row0(2, "KZ;TJ"), LoadErrorCode::reference_invalid, 2,
     "KZ;TJ", "trucks[0].countries"},
    {"cargo unknown", 2, row0(3, "Fruit"), LoadErrorCode::reference_invalid, 2, "Fruit",
     "trucks[0].cargo"},
    {"cargo quoted over two lines", 2, row0(3, "\"Vege\ntables\""),
     LoadErrorCode::reference_invalid, 2, "\"Vege", "trucks[0].cargo"},
    {"risk class unknown", 2, row0(4, "Bad"), LoadErrorCode::reference_invalid, 2, "Bad",
     "trucks[0].risk_class"},
    {"principal 10 of 10", 2, row0(5, "10"), LoadErrorCode::value_out_of_range, 2, "10,",
     "trucks[0].principal"},
    {"principal with a leading zero", 2, row0(5, "03"), LoadErrorCode::type_wrong, 2, "03",
     "trucks[0].principal"},
    {"principal negative", 2, row0(5, "-1"), LoadErrorCode::value_out_of_range, 2, "-1",
     "trucks[0].principal"},
    {"ready at the end of the horizon", 2, row0(6, "3024000"), LoadErrorCode::value_out_of_range, 2,
     "3024000", "trucks[0].ready_s"},
    {"ready_utc a second off", 2, row0(7, "2026-01-01T01:00:01Z"), LoadErrorCode::value_invalid, 2,
     "2026-01-01T01:00:01Z", "trucks[0].ready_utc"},
    {"ready_utc not RFC 3339", 2, row0(7, "2026-01-01 01:00:00"), LoadErrorCode::type_wrong, 2,
     "2026-01-01 01:00:00", "trucks[0].ready_utc"},
    {"value with one decimal", 2, row0(8, "20000.5"), LoadErrorCode::type_wrong, 2, "20000.5",
     "trucks[0].value_eur"},
    {"value without cents", 2, row0(8, "20000"), LoadErrorCode::type_wrong, 2, "20000,",
     "trucks[0].value_eur"},
    {"value above EUR 1e12", 2, row0(8, "1000000000000.01"), LoadErrorCode::value_out_of_range, 2,
     "1000000000000.01", "trucks[0].value_eur"},
    {"one duty for two countries", 2, row0(9, "2500.00"), LoadErrorCode::reference_invalid, 2,
     "2500.00", "trucks[0].duty_eur"},
    {"duty negative", 2, row0(9, "2500.00;-3100.00"), LoadErrorCode::value_out_of_range, 2,
     "-3100.00", "trucks[0].duty_eur[1]"},
    {"three driving times", 2, row0(10, "36000;7200;1"), LoadErrorCode::reference_invalid, 2,
     "36000;7200;1", "trucks[0].drive_s"},
    {"no border time", 2, row0(11, ""), LoadErrorCode::reference_invalid, 2, ",172800",
     "trucks[0].border_s"},
    {"border time past int32", 2, row0(11, "2147483648"), LoadErrorCode::value_out_of_range, 2,
     "2147483648", "trucks[0].border_s[0]"},
    {"release lag not whole", 2, row0(12, "172800;1.5"), LoadErrorCode::type_wrong, 2, "1.5",
     "trucks[0].release_lag_s[1]"},
    {"incident 2", 2, row0(13, "2"), LoadErrorCode::value_out_of_range, 2, "2,1",
     "trucks[0].incident"},
    {"incident yes", 2, row0(13, "yes"), LoadErrorCode::type_wrong, 2, "yes", "trucks[0].incident"},
    {"incident position past the destination", 2, row0(14, "2"), LoadErrorCode::value_out_of_range,
     2, "2", "trucks[0].incident_position"},
    {"rows out of ready order", 3,
     "1,KZ-UZ,KZ;UZ,Machinery,Other,4,1800,2026-01-01T00:30:00Z,80000.50,9000.10;12000.00,"
     "36000;7200,40000,172800;180000,1,0",
     LoadErrorCode::order_invalid, 3, "1800,", "trucks[1].ready_s"},
    {"a principal in two classes", 3,
     "1,KZ-UZ,KZ;UZ,Machinery,Other,3,7200,2026-01-01T02:00:00Z,80000.50,9000.10;12000.00,"
     "36000;7200,40000,172800;180000,1,0",
     LoadErrorCode::value_invalid, 3, "Other", "trucks[1].risk_class"},
    {"an incident where the duty is zero", 3,
     "1,KZ-UZ,KZ;UZ,Machinery,Other,4,7200,2026-01-01T02:00:00Z,80000.50,0.00;12000.00,"
     "36000;7200,40000,172800;180000,1,0",
     LoadErrorCode::value_invalid, 3, "0.00;", "trucks[1].duty_eur[0]"},
    {"two rows numbered 0", 3, "0" + row1.substr(1), LoadErrorCode::order_invalid, 3, "0,KZ",
     "trucks[1].truck"},
};

TEST(MovementLog, MalformedLogsNameTheirCodeLineColumnAndField) {
  const Scenario s = small_scenario();
  for (const BadLog& bad : bad_logs) {
    SCOPED_TRACE(bad.name);
    const std::string text = log_with(bad.line_replaced, bad.text);
    TrafficPlan plan;
    plan.end_s = 17;  // Left alone on error.
    LoadError error;
    EXPECT_EQ(load_movement_log(text, "bad.csv", s, &plan, &error), bad.code) << error.to_string();
    EXPECT_EQ(error.code, bad.code);
    EXPECT_EQ(error.source, "bad.csv");
    EXPECT_EQ(error.line, bad.line);
    const std::string& line_text = bad.text;
    const uint32_t column = bad.at == nullptr ? static_cast<uint32_t>(line_text.size() + 1)
                                              : static_cast<uint32_t>(line_text.rfind(bad.at) + 1);
    EXPECT_EQ(error.column, column) << error.to_string();
    EXPECT_EQ(error.path, bad.path) << error.to_string();
    EXPECT_FALSE(error.message.empty());
    EXPECT_EQ(plan.end_s, 17);
    EXPECT_TRUE(plan.trucks.empty());
  }
}

TEST(MovementLog, EmptyLogsAndFilesThatCannotBeRead) {
  const Scenario s = small_scenario();
  TrafficPlan plan;
  LoadError error;
  EXPECT_EQ(load_movement_log("", "empty.csv", s, &plan, &error), LoadErrorCode::syntax);
  EXPECT_EQ(error.line, 1u);
  EXPECT_EQ(error.path, "header");
  EXPECT_EQ(error.to_string(), "empty.csv:1:1: header: an empty log: expected the header row");
  // The header alone: a log of no trucks.
  EXPECT_EQ(load_movement_log(valid_lines[0] + "\n", "none.csv", s, &plan, &error),
            LoadErrorCode::ok);
  EXPECT_TRUE(plan.trucks.empty());
  EXPECT_EQ(load_movement_log_file("/nonexistent/movements.csv", s, &plan, &error),
            LoadErrorCode::file_unreadable);
  EXPECT_EQ(error.source, "/nonexistent/movements.csv");
}

void expect_same_bits(const std::vector<double>& a, const std::vector<double>& b,
                      const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(a[i]), std::bit_cast<uint64_t>(b[i])) << what << " " << i;
  }
}

void expect_same_run(const SchemeRunResult& a, const SchemeRunResult& b) {
  SCOPED_TRACE("scheme " + a.scheme);
  EXPECT_EQ(a.scheme, b.scheme);
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (size_t m = 0; m < a.metrics.size(); ++m) {
    EXPECT_EQ(a.metrics[m].name, b.metrics[m].name);
    EXPECT_EQ(std::bit_cast<uint64_t>(a.metrics[m].value),
              std::bit_cast<uint64_t>(b.metrics[m].value))
        << a.metrics[m].name << ": " << a.metrics[m].value << " vs " << b.metrics[m].value;
  }
  expect_same_bits(a.daily_cover_eur, b.daily_cover_eur, "daily_cover_eur");
  expect_same_bits(a.transit_days, b.transit_days, "transit_days");
  expect_same_bits(a.claim_losses_eur, b.claim_losses_eur, "claim_losses_eur");
  EXPECT_EQ(a.ledger_steps, b.ledger_steps);
  EXPECT_EQ(a.ledger_agrees, b.ledger_agrees);
  EXPECT_EQ(std::bit_cast<uint64_t>(a.little_relative_error),
            std::bit_cast<uint64_t>(b.little_relative_error));
}

TEST(Replay, ARecordedLogUnderItsOwnSchemesGivesTheRunsResultsBitForBit) {
  const Scenario s = small_scenario();
  for (const uint32_t replication : {0u, 1u}) {
    SCOPED_TRACE("replication " + std::to_string(replication));
    const ReplicationResult original = run_replication(s, replication);
    TrafficPlan plan;
    LoadError error;
    ASSERT_EQ(load_movement_log(movement_log_csv(s, generate_traffic(s, replication)), "r.csv", s,
                                &plan, &error),
              LoadErrorCode::ok)
        << error.to_string();
    const std::vector<ReplicationResult> replayed = replay_movement_log(s, plan);
    ASSERT_EQ(replayed.size(), 1u);
    EXPECT_EQ(replayed[0].replication, 0u);
    EXPECT_EQ(replayed[0].trucks, original.trucks);
    ASSERT_EQ(replayed[0].schemes.size(), original.schemes.size());
    for (size_t k = 0; k < original.schemes.size(); ++k) {
      EXPECT_TRUE(original.schemes[k].ledger_agrees) << original.schemes[k].disagreement;
      expect_same_run(replayed[0].schemes[k], original.schemes[k]);
    }
  }
}

double metric(const SchemeRunResult& run, std::string_view name) {
  for (const Metric& m : run.metrics) {
    if (m.name == name) return m.value;
  }
  ADD_FAILURE() << "no metric " << name;
  return -1;
}

// Recorded under small.toml's national and regional schemes, replayed under a TIR-like chain
// with a low cap, a comprehensive guarantee sized for the mean, and national guarantees too
// small to serve every truck: every run agrees with its ledger.
TEST(Replay, ALogUnderOtherSchemesRunsAndItsLedgerAgrees) {
  const Scenario recorded = small_scenario();
  const TrafficPlan original = generate_traffic(recorded, 0);
  Scenario other = recorded;
  other.schemes = {
      Scheme{.name = "tir 3k",
             .kind = SchemeKind::tir_like,
             .tir_cap_eur = 3'000,
             .premium_percent = 0.3,
             .collateral_percent = 0},
      Scheme{.name = "comprehensive mean",
             .kind = SchemeKind::comprehensive,
             .open_statistic = OpenStatistic::mean,
             .premium_percent = 0.5,
             .collateral_percent = 30},
      Scheme{.name = "national 20k",
             .kind = SchemeKind::national,
             .sizing = SizingRule::given,
             .given_amount_eur = 20'000,
             .premium_percent = 0.25,
             .collateral_percent = 100,
             .max_wait_days = 0.5},
  };
  TrafficPlan plan;
  LoadError error;
  ASSERT_EQ(load_movement_log(movement_log_csv(recorded, original), "r0.csv", other, &plan, &error),
            LoadErrorCode::ok)
      << error.to_string();
  const std::vector<ReplicationResult> replayed = replay_movement_log(other, plan);
  ASSERT_EQ(replayed.size(), 1u);
  ASSERT_EQ(replayed[0].schemes.size(), 3u);
  const ReplicationResult base = run_replication(recorded, 0);
  const double trucks = metric(base.schemes[1], "trucks");
  for (const SchemeRunResult& run : replayed[0].schemes) {
    SCOPED_TRACE(run.scheme);
    EXPECT_TRUE(run.ledger_agrees) << run.disagreement;
    EXPECT_EQ(metric(run, "trucks"), trucks);
  }
  // The same irregularities claim the same duties; the cap leaves some of them uncovered.
  const SchemeRunResult& tir = replayed[0].schemes[0];
  EXPECT_GT(metric(base.schemes[1], "claims"), 0);
  EXPECT_EQ(metric(tir, "claims"), metric(base.schemes[1], "claims"));
  EXPECT_EQ(metric(tir, "claimed_eur"), metric(base.schemes[1], "claimed_eur"));
  EXPECT_GT(metric(tir, "uncovered_eur"), 0);
  EXPECT_GT(metric(replayed[0].schemes[2], "refused"), 0);
}

TEST(Replay, LogsAreRecordedPerReplication) {
  const Scenario s = small_scenario();
  const std::filesystem::path folder = temp_folder("record") / "logs";
  std::string error;
  ASSERT_TRUE(write_movement_logs(folder.string(), s, 1, 2, &error)) << error;
  EXPECT_FALSE(std::filesystem::exists(folder / "movements_r0.csv"));
  EXPECT_FALSE(std::filesystem::exists(folder / "movements_r3.csv"));
  for (const uint32_t r : {1u, 2u}) {
    EXPECT_EQ(read_whole_file(folder / movement_log_file_name(r)),
              movement_log_csv(s, generate_traffic(s, r)));
  }
  EXPECT_FALSE(write_movement_logs("/proc/kervan-no-such-folder", s, 0, 1, &error));
  EXPECT_NE(error.find("/proc/kervan-no-such-folder"), std::string::npos);
}

// Runs the command with its output captured.
struct CommandRun {
  int status = -1;
  std::string out;
  std::string err;
};

CommandRun run_command(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  CommandRun run;
  run.status = run_replay_command(static_cast<int>(argv.size()), argv.data(), out, err);
  for (auto [file, text] : {std::pair{out, &run.out}, std::pair{err, &run.err}}) {
    std::rewind(file);
    char buffer[4096];
    size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text->append(buffer, read);
    std::fclose(file);
  }
  return run;
}

TEST(Replay, TheCommandReplaysALogAndWritesTheOutputs) {
  const Scenario s = small_scenario();
  const std::filesystem::path folder = temp_folder("command");
  std::string error;
  ASSERT_TRUE(write_movement_logs(folder.string(), s, 0, 1, &error)) << error;
  const std::string log = (folder / "movements_r0.csv").string();
  const std::string outputs = (folder / "out").string();
  const CommandRun ok =
      run_command({"--replay", log, "--scenario", small_toml, "--out", outputs, "--quiet"});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.err, "");
  EXPECT_NE(ok.out.find("Replay of " + log), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("small test scenario"), std::string::npos) << ok.out;
  for (const char* file : {"report.txt", "summary.json", "summary.csv", "runs.csv",
                           "daily_cover.csv", "scenario.json", "cover_in_use.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(outputs) / file)) << file;
  }
  EXPECT_NE(read_whole_file(std::filesystem::path(outputs) / "runs.csv").find("0,regional,"),
            std::string::npos);

  // A log that does not load: exit 2, one line naming the place.
  std::ofstream(folder / "bad.csv") << log_with(2, row0(5, "10"));
  const std::string bad = (folder / "bad.csv").string();
  const CommandRun refused = run_command({"--scenario", small_toml, "--replay", bad, "--quiet"});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find(bad + ":2:30: trucks[0].principal: expected 0 to 9, found 10"),
            std::string::npos)
      << refused.err;

  // Bad usage: exit 2.
  EXPECT_EQ(run_command({"--scenario", small_toml}).status, 2);
  EXPECT_EQ(run_command({"--replay", log, "--seed", "7"}).status, 2);
  EXPECT_EQ(run_command({"--replay"}).status, 2);
}

}  // namespace
}  // namespace kervan
