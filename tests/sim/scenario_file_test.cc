#include "sim/scenario_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace kervan {
namespace {

constexpr Country CN = Country::of("CN");
constexpr Country KG = Country::of("KG");
constexpr Country KZ = Country::of("KZ");
constexpr Country UZ = Country::of("UZ");

std::string read_whole_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

Date day(std::string_view text) {
  Date date;
  EXPECT_EQ(Date::parse(text, &date), DateError::ok) << text;
  return date;
}

const Corridor& corridor_named(const Scenario& scenario, std::string_view name) {
  for (const Corridor& corridor : scenario.corridors) {
    if (corridor.name == name) return corridor;
  }
  ADD_FAILURE() << "no corridor " << name;
  return scenario.corridors.front();
}

const Scheme& scheme_named(const Scenario& scenario, std::string_view name) {
  for (const Scheme& scheme : scenario.schemes) {
    if (scheme.name == name) return scheme;
  }
  ADD_FAILURE() << "no scheme " << name;
  return scenario.schemes.front();
}

TEST(ScenarioFile, DefaultCarecScenarioHasTheFiguresOfItsFile) {
  Scenario scenario;
  LoadError error;
  ASSERT_EQ(load_default_scenario(&scenario, &error), LoadErrorCode::ok) << error.to_string();
  EXPECT_EQ(scenario.start, day("2026-01-01"));
  EXPECT_EQ(scenario.horizon_days, 365);
  EXPECT_EQ(scenario.warmup_days, 30);
  EXPECT_EQ(scenario.replications, 10u);
  EXPECT_EQ(scenario.principals, 1000u);
  EXPECT_EQ(scenario.seed, 20260101u);
  EXPECT_EQ(scenario.reference_source, "embedded:carec");
  ASSERT_NE(scenario.reference.tariffs.find(KZ), nullptr);

  // Six corridors, 2,740 movements a day: about 1,000,000 a year.
  ASSERT_EQ(scenario.corridors.size(), 6u);
  double movements_per_day = 0;
  for (const Corridor& corridor : scenario.corridors) {
    movements_per_day += corridor.movements_per_day;
    ASSERT_EQ(corridor.crossings.size() + 1, corridor.countries.size()) << corridor.name;
    ASSERT_EQ(corridor.distance_km.size(), corridor.countries.size()) << corridor.name;
    for (size_t i = 0; i < corridor.crossings.size(); ++i) {
      EXPECT_EQ(corridor.crossings[i].from, corridor.countries[i]);
      EXPECT_EQ(corridor.crossings[i].to, corridor.countries[i + 1]);
    }
  }
  EXPECT_DOUBLE_EQ(movements_per_day, 2740);

  // Khorgos: the CPMM 2023 average of 51.4 h, one lognormal (tail weight 0).
  const Corridor& china_kazakhstan = corridor_named(scenario, "CN-KZ-UZ (Khorgos, Zhibek Zholy)");
  EXPECT_EQ(china_kazakhstan.countries, (std::vector<Country>{CN, KZ, UZ}));
  const BorderCrossing& khorgos = china_kazakhstan.crossings[0];
  EXPECT_EQ(khorgos.name, "Khorgos / Nur Zholy");
  EXPECT_EQ(khorgos.time_h.tail_weight, 0);
  EXPECT_NEAR(lognormal_mean(khorgos.time_h), 51.4, 1e-9);
  EXPECT_NEAR(lognormal_quantile(khorgos.time_h.body, 0.95), 120, 1e-9);
  // The generic crossing: the CPMM 2022 average of 9.9 h, 5 % of trucks around 50 h.
  const BorderCrossing& zhibek_zholy = china_kazakhstan.crossings[1];
  EXPECT_NEAR(lognormal_mean(zhibek_zholy.time_h), 9.9, 1e-9);
  EXPECT_EQ(zhibek_zholy.time_h.tail_weight, 0.05);
  EXPECT_NEAR(std::exp(zhibek_zholy.time_h.tail.mu), 50, 1e-9);
  EXPECT_EQ(china_kazakhstan.monthly[9], 1.15);
  EXPECT_EQ(china_kazakhstan.weekly[6], 0.7);

  // Torugart: the Kyrgyz 2.1 h, closed on Chinese holidays (9 days in 2026).
  const BorderCrossing& torugart =
      corridor_named(scenario, "CN-KG-UZ (Torugart, Dostuk)").crossings[0];
  EXPECT_EQ(torugart.to, KG);
  EXPECT_NEAR(lognormal_mean(torugart.time_h), 2.1, 1e-9);
  ASSERT_EQ(torugart.closures.size(), 4u);
  EXPECT_EQ(torugart.closures[0].from_day, 46);  // 2026-02-16.
  EXPECT_EQ(torugart.closures[0].to_day, 50);    // 2026-02-19 is the last closed day.
  EXPECT_EQ(torugart.closures[0].reason, "Spring Festival");
  int64_t closed_days = 0;
  for (const Closure& closure : torugart.closures) closed_days += closure.to_day - closure.from_day;
  EXPECT_EQ(closed_days, 9);

  // Cargo: CPMM 2023 shares, the EUR 10,000 default for unclassifiable goods via hs6 0.
  ASSERT_EQ(scenario.cargo.size(), 9u);
  EXPECT_EQ(scenario.cargo[0].hs6, 70200u);
  EXPECT_EQ(scenario.cargo[0].share, 0.294);
  EXPECT_EQ(scenario.cargo[1].share, 0.169);
  EXPECT_EQ(scenario.cargo.back().hs6, hs6_unclassified);
  EXPECT_NEAR(std::exp(scenario.cargo.back().value_eur.mu), 40'000, 1e-6);
  EXPECT_EQ(scenario.cargo.back().value_eur.sigma, 0.9);

  ASSERT_EQ(scenario.risk_classes.size(), 3u);
  EXPECT_EQ(scenario.risk_classes[0].reduction_percent, 30);
  EXPECT_EQ(scenario.risk_classes[1].reduction_percent, 50);
  EXPECT_EQ(scenario.risk_classes[2].reduction_percent, 100);
  EXPECT_EQ(scenario.incidents.correlation, 0.1);
  EXPECT_EQ(scenario.costs.value_of_time_percent_per_day, 1.0);
  EXPECT_EQ(scenario.costs.speed_kmh, 42.0);
  EXPECT_EQ(scenario.costs.cost_of_capital_percent, 10);

  ASSERT_EQ(scenario.schemes.size(), 4u);
  EXPECT_EQ(scheme_named(scenario, "national").kind, SchemeKind::national);
  EXPECT_EQ(scheme_named(scenario, "national").premium_percent, 0.25);
  EXPECT_EQ(scheme_named(scenario, "national").collateral_percent, 100);
  EXPECT_EQ(scheme_named(scenario, "regional").premium_percent, 0.5);
  EXPECT_EQ(scheme_named(scenario, "tir_like").tir_cap_eur, 100'000);
  EXPECT_EQ(scheme_named(scenario, "comprehensive").kind, SchemeKind::comprehensive);
  EXPECT_EQ(scheme_named(scenario, "comprehensive").sizing, SizingRule::reference);
  EXPECT_EQ(scheme_named(scenario, "comprehensive").open_statistic, OpenStatistic::peak);

  // The copy compiled into the binary is the file, byte for byte.
  EXPECT_EQ(embedded_carec_scenario_toml(), read_whole_file(KERVAN_SIM_CAREC_TOML));
  Scenario from_file;
  ASSERT_EQ(load_scenario_file(KERVAN_SIM_CAREC_TOML, &from_file, &error), LoadErrorCode::ok)
      << error.to_string();
  EXPECT_EQ(from_file.corridors.size(), scenario.corridors.size());
}

TEST(ScenarioFile, SmallTestScenario) {
  Scenario scenario;
  LoadError error;
  const std::string path = KERVAN_SIM_TEST_DATA_DIR "/small.toml";
  ASSERT_EQ(load_scenario_file(path, &scenario, &error), LoadErrorCode::ok) << error.to_string();
  EXPECT_EQ(scenario.name, "small test scenario");
  EXPECT_EQ(scenario.seed, 42u);
  EXPECT_EQ(scenario.horizon_days, 30);
  EXPECT_EQ(scenario.warmup_days, 5);
  EXPECT_EQ(scenario.replications, 3u);
  EXPECT_EQ(scenario.principals, 10u);
  EXPECT_NEAR(lognormal_mean(scenario.release_lag_days), 2 * std::exp(0.125), 1e-12);

  ASSERT_EQ(scenario.corridors.size(), 1u);
  const Corridor& corridor = scenario.corridors[0];
  EXPECT_EQ(corridor.countries, (std::vector<Country>{KZ, UZ}));
  EXPECT_EQ(corridor.distance_km, (std::vector<double>{420, 84}));
  EXPECT_EQ(corridor.movements_per_day, 20);
  for (double factor : corridor.monthly) EXPECT_EQ(factor, 1);  // The default.
  EXPECT_EQ(corridor.weekly[0], 1.2);
  EXPECT_EQ(corridor.weekly[6], 0.5);
  EXPECT_EQ(corridor.weekly_rate_shape, 0);
  ASSERT_EQ(corridor.crossings.size(), 1u);
  const BorderCrossing& crossing = corridor.crossings[0];
  EXPECT_NEAR(lognormal_mean(crossing.time_h), 10, 1e-12);
  EXPECT_NEAR(lognormal_quantile(crossing.time_h.body, 0.95), 30, 1e-9);
  ASSERT_EQ(crossing.closures.size(), 1u);
  EXPECT_EQ(crossing.closures[0].from_day, 9);  // 2026-01-10 to 2026-01-11, both closed.
  EXPECT_EQ(crossing.closures[0].to_day, 11);

  ASSERT_EQ(scenario.cargo.size(), 3u);
  EXPECT_EQ(scenario.cargo[1].hs6, 842952u);
  EXPECT_EQ(scenario.cargo[1].value_cap_eur, 1'000'000);
  EXPECT_EQ(scenario.cargo[2].value_cap_eur, 0);
  ASSERT_EQ(scenario.risk_classes.size(), 2u);
  EXPECT_EQ(scenario.risk_classes[1].incident_probability, 0.01);

  // Defaults of the tables left out or half given.
  EXPECT_EQ(scenario.incidents.correlation, 0.1);
  EXPECT_EQ(scenario.incidents.enquiry_after_days, 30);
  EXPECT_EQ(scenario.costs.speed_kmh, 42);
  EXPECT_EQ(scenario.costs.time_limit_days, 8);
  ASSERT_EQ(scenario.schemes.size(), 2u);
  EXPECT_EQ(scenario.schemes[0].kind, SchemeKind::national);
  EXPECT_EQ(scenario.schemes[0].sizing, SizingRule::reference);
  EXPECT_EQ(scenario.schemes[0].sizing_factor, 1);
  EXPECT_EQ(scenario.schemes[0].max_wait_days, 2);
  EXPECT_EQ(scenario.schemes[1].collateral_percent, 30);
}

// The smallest valid file; each bad file below changes one line of it (or adds lines).
constexpr std::string_view base = R"(format_version = 1
name = "t"
seed = 1
start_date = 2026-01-01
[release_lag]
median_days = 2
sigma_log = 0.5
[[corridors]]
name = "KZ-UZ"
countries = ["KZ", "UZ"]
distance_km = [420, 84]
movements_per_day = 20
[[corridors.crossings]]
name = "Gisht Kuprik"
from = "KZ"
to = "UZ"
mean_h = 10
p95_h = 30
[[cargo]]
name = "Vegetables"
hs6 = "070200"
share = 0.6
median_eur = 20000
sigma_log = 0.5
[[cargo]]
name = "Other"
hs6 = "000000"
share = 0.4
median_eur = 40000
sigma_log = 0.9
[[risk_classes]]
name = "All"
share = 1
reduction_percent = 100
incident_probability = 0.001
loss_given_incident = 1
[[schemes]]
name = "regional"
kind = "regional"
premium_percent = 0.5
collateral_percent = 30
)";

// `text` (the base by default) with the one line `line` replaced by `replacement` (several
// lines, or none).
std::string edit(std::string_view line, std::string_view replacement,
                 std::string text = std::string(base)) {
  const std::string whole = std::string(line) + "\n";
  const size_t at = text.find(whole);
  EXPECT_TRUE(at != std::string::npos && (at == 0 || text[at - 1] == '\n')) << line;
  EXPECT_EQ(text.find(whole, at + 1), std::string::npos) << "not unique: " << line;
  if (at == std::string::npos) return text;
  const std::string with = replacement.empty() ? "" : std::string(replacement) + "\n";
  return text.replace(at, whole.size(), with);
}

// The 1-based number of the line that starts with `start` in `text`.
uint32_t line_of(const std::string& text, std::string_view start) {
  uint32_t line = 1;
  for (size_t at = 0; at < text.size(); at = text.find('\n', at) + 1, ++line) {
    if (std::string_view(text).substr(at).starts_with(start)) return line;
    if (text.find('\n', at) == std::string::npos) break;
  }
  ADD_FAILURE() << "no line starts with " << start;
  return 0;
}

TEST(ScenarioFile, BaseTextLoads) {
  Scenario scenario;
  LoadError error;
  ASSERT_EQ(load_scenario_text(base, "base.toml", &scenario, &error), LoadErrorCode::ok)
      << error.to_string();
  // Defaults of everything left out.
  EXPECT_EQ(scenario.horizon_days, 365);
  EXPECT_EQ(scenario.warmup_days, 30);
  EXPECT_EQ(scenario.replications, 10u);
  EXPECT_EQ(scenario.principals, 1000u);
  EXPECT_EQ(scenario.incidents.correlation, 0);
  EXPECT_EQ(scenario.costs.cost_of_capital_percent, 10);
  EXPECT_EQ(scenario.schemes[0].open_statistic, OpenStatistic::peak);
  EXPECT_EQ(scenario.schemes[0].tir_cap_eur, 100'000);  // Not a tir_like scheme: unused.
}

TEST(ScenarioFile, BadFilesNameCodeLineAndField) {
  using LE = LoadErrorCode;
  const std::string closures_header = "[[corridors.crossings.closures]]\n";
  const std::string without_schemes = std::string(base.substr(0, base.find("[[schemes]]")));
  const std::string mixture =
      "tail_weight = 0.05\ntail_median_h = 50\ntail_sigma_log = 0.3\nbody_sigma_log = 0.5";
  const struct {
    const char* name;
    std::string text;
    LE code;
    std::string_view line_start;  // The line the error points at starts with this.
    const char* path;
    const char* message;  // A part of the message.
  } cases[] = {
      {"syntax", edit("seed = 1", "seed = = 1"), LE::syntax, "seed", "", ""},
      {"unknown top-level key", edit("seed = 1", "seed = 1\ncolour = \"red\""), LE::key_unknown,
       "colour", "colour", "unknown key (expected one of: format_version, name, seed"},
      {"unknown crossing key", edit("p95_h = 30", "p95_h = 30\nmeanh = 10"), LE::key_unknown,
       "meanh", "corridors[0].crossings[0].meanh", "unknown key"},
      {"format version 2", edit("format_version = 1", "format_version = 2"), LE::value_out_of_range,
       "format_version", "format_version", "expected 1, the version this loader reads"},
      {"missing start date", edit("start_date = 2026-01-01", ""), LE::key_missing, "format_version",
       "start_date", "missing"},
      {"start date as a string", edit("start_date = 2026-01-01", "start_date = \"2026-01-01\""),
       LE::type_wrong, "start_date", "start_date", "without quotes"},
      {"seed a float", edit("seed = 1", "seed = 1.5"), LE::type_wrong, "seed", "seed",
       "expected an integer"},
      {"seed negative", edit("seed = 1", "seed = -1"), LE::value_out_of_range, "seed", "seed",
       "-1 is not in [0, "},
      {"horizon zero", edit("seed = 1", "seed = 1\nhorizon_days = 0"), LE::value_out_of_range,
       "horizon_days", "horizon_days", "0 is not in [1, 3650]"},
      {"replications too many", edit("seed = 1", "seed = 1\nreplications = 100001"),
       LE::value_out_of_range, "replications", "replications", "not in [1, 100000]"},
      {"name empty", edit("name = \"t\"", "name = \"\""), LE::value_invalid, "name", "name",
       "1 to 128 bytes"},
      {"reference of another embedded name",
       edit("seed = 1", "seed = 1\nreference = \"embedded:eu\""), LE::value_invalid, "reference",
       "reference", "neither \"embedded:carec\" nor a file path"},
      {"reference file missing", edit("seed = 1", "seed = 1\nreference = \"no/such.toml\""),
       LE::file_unreadable, "reference", "reference",
       "the reference data did not load: tests/no/such.toml: No such file"},
      {"release lag median zero", edit("median_days = 2", "median_days = 0"), LE::value_invalid,
       "median_days", "release_lag.median_days",
       "fit_lognormal_median_sigma refused the figures: median_not_positive"},
      {"release lag misspelt", edit("[release_lag]", "[release_lagg]"), LE::key_unknown,
       "[release_lagg]", "release_lagg", "unknown key"},
      {"movements a string", edit("movements_per_day = 20", "movements_per_day = \"20\""),
       LE::type_wrong, "movements_per_day", "corridors[0].movements_per_day",
       "expected a number like 9.9 (without quotes)"},
      {"movements zero", edit("movements_per_day = 20", "movements_per_day = 0"),
       LE::value_out_of_range, "movements_per_day", "corridors[0].movements_per_day",
       "0 is not in (0, 1000000]"},
      {"country lower case", edit("countries = [\"KZ\", \"UZ\"]", "countries = [\"KZ\", \"uz\"]"),
       LE::value_invalid, "countries", "corridors[0].countries[1]", "lower_case"},
      {"country without a tariff",
       edit("countries = [\"KZ\", \"UZ\"]", "countries = [\"KZ\", \"FR\"]"), LE::reference_invalid,
       "countries", "corridors[0].countries[1]", "FR has no tariff in the reference data"},
      {"country before its first tariff",
       edit("start_date = 2026-01-01", "start_date = 2023-06-01"), LE::reference_invalid,
       "countries", "corridors[0].countries[0]",
       "no tariff of KZ in force on the start date 2023-06-01"},
      {"country twice in a row",
       edit("countries = [\"KZ\", \"UZ\"]", "countries = [\"KZ\", \"KZ\"]"), LE::duplicate,
       "countries", "corridors[0].countries[1]", "KZ twice in a row"},
      {"too many countries",
       edit("countries = [\"KZ\", \"UZ\"]",
            "countries = [\"KZ\", \"UZ\", \"KZ\", \"UZ\", \"KZ\", \"UZ\", \"KZ\", \"UZ\", "
            "\"KZ\"]"),
       LE::too_many, "countries", "corridors[0].countries", "more than 8 elements"},
      {"one distance for two countries", edit("distance_km = [420, 84]", "distance_km = [420]"),
       LE::reference_invalid, "distance_km", "corridors[0].distance_km",
       "1 distances for 2 countries"},
      {"distance negative", edit("distance_km = [420, 84]", "distance_km = [420, -84]"),
       LE::value_out_of_range, "distance_km", "corridors[0].distance_km[1]",
       "-84 is not in [0, 20000]"},
      {"crossing to the wrong country", edit("to = \"UZ\"", "to = \"KG\""), LE::reference_invalid,
       "to =", "corridors[0].crossings[0].to",
       "expected \"UZ\": the crossing links KZ to UZ in the corridor's countries"},
      {"crossing count",
       edit("countries = [\"KZ\", \"UZ\"]", "countries = [\"KZ\", \"UZ\", \"TM\"]",
            edit("distance_km = [420, 84]", "distance_km = [420, 84, 100]")),
       LE::reference_invalid, "[[corridors.crossings]]", "corridors[0].crossings",
       "1 crossings for 3 countries: expected 2"},
      {"monthly of 11 factors",
       edit("movements_per_day = 20", "movements_per_day = 20\nmonthly = [1,1,1,1,1,1,1,1,1,1,1]"),
       LE::value_invalid, "monthly", "corridors[0].monthly", "expected 12 factors"},
      {"weekly not averaging 1",
       edit("movements_per_day = 20", "movements_per_day = 20\nweekly = [1,1,1,1,1,1,0.9]"),
       LE::value_invalid, "weekly", "corridors[0].weekly", "the factors average 0.98571"},
      {"p95 too far above the mean", edit("p95_h = 30", "p95_h = 50"), LE::value_invalid, "p95_h",
       "corridors[0].crossings[0].p95_h",
       "fit_lognormal_mean_p95 refused the figures: quantile_too_far_above_mean"},
      {"p95 below the mean", edit("p95_h = 30", "p95_h = 5"), LE::value_invalid, "p95_h",
       "corridors[0].crossings[0].p95_h", "quantile_not_above_mean"},
      {"mean not a number", edit("mean_h = 10", "mean_h = nan"), LE::value_invalid, "mean_h",
       "corridors[0].crossings[0].mean_h", "not a finite number"},
      {"mixture tail too heavy",
       edit("p95_h = 30",
            "tail_weight = 0.5\ntail_median_h = 50\ntail_sigma_log = 0.3\nbody_sigma_log = 0.5"),
       LE::value_invalid, "tail_weight", "corridors[0].crossings[0].tail_weight",
       "fit_lognormal_mixture refused the figures: tail_too_heavy_for_mean"},
      {"mixture sigma negative",
       edit("p95_h = 30",
            "tail_weight = 0.05\ntail_median_h = 50\ntail_sigma_log = -0.3\nbody_sigma_log = 0.5"),
       LE::value_invalid, "tail_sigma_log", "corridors[0].crossings[0].tail_sigma_log",
       "fit_lognormal_mixture refused the figures: sigma_negative"},
      {"mixture without its body", edit("p95_h = 30", "tail_weight = 0.05\ntail_median_h = 50"),
       LE::key_missing, "[[corridors.crossings]]", "corridors[0].crossings[0].tail_sigma_log",
       "missing"},
      {"p95 and a mixture", edit("p95_h = 30", "p95_h = 30\n" + mixture), LE::key_unknown,
       "tail_weight", "corridors[0].crossings[0].tail_weight", "not with p95_h"},
      {"no tail", edit("p95_h = 30", ""), LE::key_missing, "[[corridors.crossings]]",
       "corridors[0].crossings[0].p95_h", "missing: give p95_h, or tail_weight"},
      {"closure ends before it starts",
       edit("p95_h = 30",
            "p95_h = 30\n" + closures_header + "first_day = 2026-02-20\nlast_day = 2026-02-16"),
       LE::order_invalid, "last_day", "corridors[0].crossings[0].closures[0].last_day",
       "2026-02-16 is before first_day 2026-02-20"},
      {"closures overlap",
       edit("p95_h = 30", "p95_h = 30\n" + closures_header +
                              "first_day = 2026-02-16\nlast_day = 2026-02-19\n" + closures_header +
                              "first_day = 2026-02-19\nlast_day = 2026-02-20"),
       LE::order_invalid, "first_day = 2026-02-19",
       "corridors[0].crossings[0].closures[1].first_day", "is not after the previous closure"},
      {"closure before the start",
       edit("p95_h = 30",
            "p95_h = 30\n" + closures_header + "first_day = 2025-12-31\nlast_day = 2026-01-02"),
       LE::value_out_of_range, "first_day", "corridors[0].crossings[0].closures[0].first_day",
       "2025-12-31 is before the start date 2026-01-01"},
      {"closure without last day",
       edit("p95_h = 30", "p95_h = 30\n" + closures_header + "first_day = 2026-02-16"),
       LE::key_missing, "[[corridors.crossings.closures]]",
       "corridors[0].crossings[0].closures[0].last_day", "missing"},
      {"closure unknown key",
       edit("p95_h = 30", "p95_h = 30\n" + closures_header +
                              "first_day = 2026-02-16\nlast_day = 2026-02-16\nto = 2026-02-17"),
       LE::key_unknown, "to = 2026", "corridors[0].crossings[0].closures[0].to",
       "expected one of: first_day, last_day, reason"},
      {"cargo shares sum to 0.9", edit("share = 0.6", "share = 0.5"), LE::value_invalid,
       "[[cargo]]", "cargo", "the shares sum to 0.9, not 1"},
      {"cargo share above 1", edit("share = 0.6", "share = 1.6"), LE::value_out_of_range,
       "share = 1.6", "cargo[0].share", "1.6 is not in [0, 1]"},
      {"cargo missing median", edit("median_eur = 20000", ""), LE::key_missing, "[[cargo]]",
       "cargo[0].median_eur", "missing"},
      {"cargo sigma negative", edit("sigma_log = 0.9", "sigma_log = -0.9"), LE::value_invalid,
       "sigma_log = -0.9", "cargo[1].sigma_log",
       "fit_lognormal_median_sigma refused the figures: sigma_negative"},
      {"hs6 of four digits", edit("hs6 = \"070200\"", "hs6 = \"0702\""), LE::value_invalid, "hs6",
       "cargo[0].hs6", "\"0702\" is not six digits"},
      {"hs6 of chapter 00", edit("hs6 = \"070200\"", "hs6 = \"000702\""), LE::value_invalid, "hs6",
       "cargo[0].hs6", "is not six digits of a chapter 01-99"},
      {"hs6 a number", edit("hs6 = \"070200\"", "hs6 = 70200"), LE::type_wrong, "hs6",
       "cargo[0].hs6", "expected a string like \"070200\""},
      {"value cap below the median",
       edit("median_eur = 20000", "median_eur = 20000\nvalue_cap_eur = 10000"),
       LE::value_out_of_range, "value_cap_eur", "cargo[0].value_cap_eur",
       "0 (none) or at least median_eur (20000)"},
      {"cargo names twice", edit("name = \"Other\"", "name = \"Vegetables\""), LE::duplicate,
       "name = \"Vegetables\"\nhs6 = \"000000\"", "cargo[1].name",
       "\"Vegetables\" is also the name of cargo[0]"},
      {"reduction of 40 %", edit("reduction_percent = 100", "reduction_percent = 40"),
       LE::value_invalid, "reduction_percent", "risk_classes[0].reduction_percent",
       "40 is not a reduction level: 100, 50, 30 or 0"},
      {"probability above 1", edit("incident_probability = 0.001", "incident_probability = 1.5"),
       LE::value_out_of_range, "incident_probability", "risk_classes[0].incident_probability",
       "1.5 is not in [0, 1]"},
      {"risk shares sum to 0.5", edit("share = 1", "share = 0.5"), LE::value_invalid,
       "[[risk_classes]]", "risk_classes", "the shares sum to 0.5, not 1"},
      {"correlation of 1", edit("[[schemes]]", "[incidents]\ncorrelation = 1\n[[schemes]]"),
       LE::value_out_of_range, "correlation", "incidents.correlation", "1 is not in [0, 1)"},
      {"costs unknown key", edit("[[schemes]]", "[costs]\nspeed = 42\n[[schemes]]"),
       LE::key_unknown, "speed", "costs.speed", "unknown key"},
      {"scheme kind unknown", edit("kind = \"regional\"", "kind = \"bonded\""), LE::value_invalid,
       "kind", "schemes[0].kind", "\"bonded\" is not one of: national, regional, tir_like"},
      {"scheme without premium", edit("premium_percent = 0.5", ""), LE::key_missing, "[[schemes]]",
       "schemes[0].premium_percent", "missing"},
      {"cap of a regional scheme",
       edit("kind = \"regional\"", "kind = \"regional\"\ntir_cap_eur = 50000"), LE::key_unknown,
       "tir_cap_eur", "schemes[0].tir_cap_eur", "only a tir_like scheme has a cap"},
      {"given sizing without an amount",
       edit("kind = \"regional\"", "kind = \"regional\"\nsizing = \"given\""), LE::key_missing,
       "[[schemes]]", "schemes[0].given_amount_eur", "missing"},
      {"amount with reference sizing",
       edit("kind = \"regional\"", "kind = \"regional\"\ngiven_amount_eur = 1e6"), LE::key_unknown,
       "given_amount_eur", "schemes[0].given_amount_eur", "only with sizing = \"given\""},
      {"open statistic unknown",
       edit("kind = \"regional\"", "kind = \"regional\"\nopen_statistic = \"p95\""),
       LE::value_invalid, "open_statistic", "schemes[0].open_statistic",
       "\"p95\" is not one of: peak, mean, p99"},
      {"scheme names twice",
       std::string(base) + "[[schemes]]\nname = \"regional\"\nkind = \"national\"\n"
                           "premium_percent = 0.25\ncollateral_percent = 100\n",
       LE::duplicate, "name = \"regional\"\nkind = \"national\"", "schemes[1].name",
       "\"regional\" is also the name of schemes[0]"},
      {"no schemes", edit("seed = 1", "seed = 1\nschemes = []", without_schemes), LE::value_invalid,
       "schemes = []", "schemes", "expected at least 1 element"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Scenario scenario;
    scenario.name = "untouched";
    LoadError error;
    EXPECT_EQ(load_scenario_text(c.text, "tests/case.toml", &scenario, &error), c.code)
        << error.to_string();
    EXPECT_EQ(error.code, c.code);
    EXPECT_EQ(error.source, "tests/case.toml");
    EXPECT_EQ(error.line, line_of(c.text, c.line_start)) << error.to_string();
    EXPECT_EQ(error.path, c.path) << error.to_string();
    EXPECT_NE(error.message.find(c.message), std::string::npos) << error.to_string();
    EXPECT_EQ(scenario.name, "untouched");  // *out is unchanged on error.
  }
}

// A reference path is relative to the scenario's folder. tests/transit/data/tiny.toml has
// tariffs for KZ, UZ and KG, and exchange rates for KZT and UZS only.
TEST(ScenarioFile, ReferenceFileRelativeToTheScenarioFolder) {
  const std::string text =
      edit("seed = 1", "seed = 1\nreference = \"../../transit/data/tiny.toml\"");
  const std::string source = KERVAN_SIM_TEST_DATA_DIR "/inline.toml";
  Scenario scenario;
  LoadError error;
  ASSERT_EQ(load_scenario_text(text, source, &scenario, &error), LoadErrorCode::ok)
      << error.to_string();
  EXPECT_EQ(scenario.reference_source, KERVAN_SIM_TEST_DATA_DIR "/../../transit/data/tiny.toml");
  EXPECT_EQ(scenario.reference.tariffs.countries().size(), 3u);

  // KG has a tariff there but no rate for its currency: its legs could not be priced.
  const std::string to_kyrgyzstan =
      edit("countries = [\"KZ\", \"UZ\"]", "countries = [\"KZ\", \"KG\"]",
           edit("to = \"UZ\"", "to = \"KG\"", text));
  ASSERT_EQ(load_scenario_text(to_kyrgyzstan, source, &scenario, &error),
            LoadErrorCode::reference_invalid);
  EXPECT_EQ(error.path, "corridors[0].countries[1]");
  EXPECT_EQ(error.line, line_of(to_kyrgyzstan, "countries"));
  EXPECT_EQ(error.message, "no exchange rate for KGS (KG) on the start date 2026-01-01");
}

TEST(ScenarioFile, ErrorTextNamesFileLineColumnAndField) {
  Scenario scenario;
  LoadError error;
  ASSERT_EQ(
      load_scenario_text(edit("p95_h = 30", "p95_h = 50"), "data/bad.toml", &scenario, &error),
      LoadErrorCode::value_invalid);
  EXPECT_EQ(error.to_string(),
            "data/bad.toml:18:9: corridors[0].crossings[0].p95_h: fit_lognormal_mean_p95 refused "
            "the figures: quantile_too_far_above_mean (a lognormal's 95th percentile is at most "
            "3.8687 times its mean)");
}

TEST(ScenarioFile, UnreadableFile) {
  Scenario scenario;
  LoadError error;
  EXPECT_EQ(load_scenario_file("/nonexistent/scenario.toml", &scenario, &error),
            LoadErrorCode::file_unreadable);
  EXPECT_EQ(error.line, 0u);
  EXPECT_EQ(error.to_string(), "/nonexistent/scenario.toml: No such file or directory");
}

}  // namespace
}  // namespace kervan
