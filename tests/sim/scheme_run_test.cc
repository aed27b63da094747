// The simulator's engine and runner: Little's law on the textbook case, the ledger agreeing with
// the simulator's accounting under every scheme (claims included), what each scheme ties up,
// refusals for lack of cover, and determinism across runs and threads.
#include "sim/scheme_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "sim/level_tracker.h"
#include "sim/outcome_log.h"
#include "sim/runner.h"
#include "sim/scenario_file.h"
#include "sim/summary.h"

namespace kervan {
namespace {

// The sum of the metrics whose names start with `prefix` (a breakdown per corridor or country).
double sum_of(const SchemeRunResult& run, std::string_view prefix) {
  double sum = 0;
  for (const Metric& m : run.metrics) {
    if (m.name.rfind(prefix, 0) == 0) sum += m.value;
  }
  return sum;
}

double metric(const SchemeRunResult& run, std::string_view name) {
  for (const Metric& m : run.metrics) {
    if (m.name == name) return m.value;
  }
  ADD_FAILURE() << "no metric " << name;
  return NAN;
}

// One corridor KZ -> UZ, no driving and (almost) no border time, goods that cannot be
// classified (EUR 10,000 of duty in each country by the NCTS default), a release lag of
// exactly `lag_days`: every movement holds EUR 10,000 for lag_days.
Scenario textbook(double per_day, double lag_days, int64_t horizon_days) {
  Scenario s;
  s.name = "textbook";
  s.seed = 7;
  s.start = *Date::from_civil(2026, 1, 1);
  s.horizon_days = horizon_days;
  s.warmup_days = 20;
  s.replications = 2;
  s.principals = 1;
  s.release_lag_days = Lognormal{.mu = std::log(lag_days), .sigma = 0};
  Corridor c;
  c.name = "KZ-UZ";
  c.countries = {Country::of("KZ"), Country::of("UZ")};
  c.distance_km = {0, 0};
  BorderCrossing b;
  b.name = "Zhibek Zholy";
  b.from = Country::of("KZ");
  b.to = Country::of("UZ");
  b.time_h.body = Lognormal{.mu = std::log(0.001), .sigma = 0};
  c.crossings = {b};
  c.movements_per_day = per_day;
  c.monthly.fill(1);
  c.weekly.fill(1);
  s.corridors = {c};
  s.cargo = {CargoClass{.name = "unclassified", .hs6 = 0, .share = 1,
                        .value_eur = Lognormal{.mu = std::log(20'000.0), .sigma = 0.5}}};
  s.risk_classes = {RiskClass{.name = "all", .share = 1, .reduction_percent = 100,
                              .incident_probability = 0, .loss_given_incident = 1}};
  s.schemes = {Scheme{.name = "regional", .kind = SchemeKind::regional}};
  LoadError error;
  EXPECT_EQ(load_default_reference_data(&s.reference, &error), LoadErrorCode::ok);
  s.reference_source = "embedded:carec";
  return s;
}

// The level tracker behind every cover measure: integral, daily means, peak and hour marks
// within the window only.
TEST(LevelTracker, MeasuresTheLevelWithinItsWindowOnly) {
  LevelTracker level(sim_day_s, 3 * sim_day_s);  // Days 1 and 2.
  level.set(0, 100);                  // Before the window: not counted, but held into it.
  level.set(sim_day_s + sim_day_s / 2, 300);  // Midway through day 1.
  level.set(2 * sim_day_s, 0);
  level.set(5 * sim_day_s, 1'000);    // After the window: ignored.
  level.finish();
  EXPECT_DOUBLE_EQ(level.mean(), (100 * 0.5 + 300 * 0.5 + 0) / 2);
  ASSERT_EQ(level.daily_means().size(), 2u);
  EXPECT_DOUBLE_EQ(level.daily_means()[0], 200);
  EXPECT_DOUBLE_EQ(level.daily_means()[1], 0);
  EXPECT_DOUBLE_EQ(level.peak(), 300);
  ASSERT_EQ(level.hourly().size(), 48u);
  EXPECT_DOUBLE_EQ(level.hourly()[0], 100);
  EXPECT_DOUBLE_EQ(level.hourly()[12], 300);
  EXPECT_DOUBLE_EQ(level.hourly()[24], 0);
}

// Simulation.md check 1: lambda = 2 a day, W = 5 days, D = EUR 10,000: a mean stock of
// EUR 100,000, ten movements open on average (the Finnish customs example).
TEST(SchemeRun, LittlesLawOnTheTextbookCase) {
  const Scenario s = textbook(2, 5, 3650);
  const TrafficPlan plan = generate_traffic(s, 0);
  const SchemeRunResult run =
      run_scheme(s, s.schemes[0], plan, size_guarantees(s, s.schemes[0], plan));
  ASSERT_TRUE(run.ledger_agrees) << run.disagreement;
  // The measured mean, Little's lambda x W x D from the simulated holds, and the analytic
  // 2 x 5 x 10,000 agree within 2 %.
  EXPECT_LT(run.little_relative_error, 0.02);
  EXPECT_NEAR(metric(run, "cover_mean_eur"), 100'000, 2'000);
  EXPECT_NEAR(metric(run, "little_predicted_cover_eur"), 100'000, 2'000);
  EXPECT_EQ(metric(run, "refused"), 0);  // Sized by the peak of a no-wait run: nobody waits.
  EXPECT_EQ(metric(run, "delayed"), 0);
  // Guarantee capacity: EUR 10,000 x the peak of open movements (Poisson(10): about 20+).
  const double capacity = metric(run, "guarantee_capacity_eur");
  EXPECT_GT(capacity, 180'000);
  EXPECT_LT(capacity, 300'000);
  EXPECT_LE(metric(run, "cover_peak_eur"), capacity);
}

TEST(SchemeRun, AGuaranteeSizedForTheMeanMakesTrucksWaitAndSomeAreRefused) {
  Scenario s = textbook(2, 5, 365);
  s.schemes[0].sizing = SizingRule::given;
  s.schemes[0].given_amount_eur = 100'000;  // Ten movements: the mean, not the peak.
  s.schemes[0].max_wait_days = 1;
  const TrafficPlan plan = generate_traffic(s, 0);
  const SchemeRunResult run =
      run_scheme(s, s.schemes[0], plan, size_guarantees(s, s.schemes[0], plan));
  ASSERT_TRUE(run.ledger_agrees) << run.disagreement;
  EXPECT_GT(metric(run, "delayed"), 10);
  EXPECT_GT(metric(run, "refused"), 0);
  EXPECT_LE(metric(run, "cover_peak_eur"), 100'000);
  EXPECT_GT(metric(run, "wait_mean_h"), 0);
}

// The event log agrees with the run's measures, truck by truck.
TEST(SchemeRun, TheEventLogSaysWhatHappenedToEachTruck) {
  Scenario s = textbook(2, 5, 365);
  s.schemes[0].sizing = SizingRule::given;
  s.schemes[0].given_amount_eur = 100'000;
  s.schemes[0].max_wait_days = 1;
  const TrafficPlan plan = generate_traffic(s, 0);
  std::vector<TruckOutcome> outcomes;
  const SchemeRunResult run = run_scheme(s, s.schemes[0], plan,
                                         size_guarantees(s, s.schemes[0], plan),
                                         {.outcomes = &outcomes});
  ASSERT_EQ(outcomes.size(), plan.trucks.size());
  const int64_t window_from = s.warmup_days * sim_day_s;
  double refused = 0, delayed = 0;
  for (const TruckOutcome& o : outcomes) {
    const Truck& t = plan.trucks[o.truck];
    if (o.refused) {
      EXPECT_EQ(o.departed_s, -1);
      EXPECT_EQ(o.arrived_s, -1);
      EXPECT_EQ(o.waited_s, int64_t{sim_day_s});  // Exactly the longest wait allowed.
    } else {
      // One guarantee, one wait at departure: departure is readiness plus the wait.
      EXPECT_EQ(o.departed_s, t.ready_s + o.waited_s);
      EXPECT_GE(o.arrived_s, o.departed_s);
    }
    if (t.ready_s >= window_from) {
      refused += o.refused ? 1 : 0;
      delayed += o.waited_s > 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(refused, metric(run, "refused"));
  EXPECT_EQ(delayed, metric(run, "delayed"));
  EXPECT_GT(refused, 0);
  const std::string csv = outcome_log_csv(s, plan, outcomes);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), std::ptrdiff_t(plan.trucks.size() + 1));
  EXPECT_EQ(csv.rfind("truck,corridor,principal,ready_s,departed_s,waited_s,refused,", 0), 0u);
  EXPECT_EQ(outcome_log_file_name(3, "tir like"), "events_r3_tir_like.csv");
}

// Three countries, real goods, incidents frequent enough to claim: every scheme's ledger agrees
// with the simulator, and the national chain ties up more than one regional guarantee.
// Three countries, a closure at Khorgos, two cargo classes (one unclassifiable), two risk
// classes with incidents, and the four schemes.
Scenario three_countries() {
  Scenario s = textbook(6, 3, 365);
  s.warmup_days = 60;  // Longer than a claimed movement's hold (time limit + enquiry).
  s.principals = 5;
  s.corridors[0].name = "CN-KZ-UZ";
  s.corridors[0].countries = {Country::of("CN"), Country::of("KZ"), Country::of("UZ")};
  s.corridors[0].distance_km = {300, 900, 200};
  BorderCrossing khorgos = s.corridors[0].crossings[0];
  khorgos.name = "Khorgos";
  khorgos.from = Country::of("CN");
  khorgos.to = Country::of("KZ");
  khorgos.time_h = LognormalMixture{.body = Lognormal{.mu = std::log(8.0), .sigma = 0.6},
                                    .tail = Lognormal{.mu = std::log(50.0), .sigma = 0.3},
                                    .tail_weight = 0.05};
  khorgos.closures = {Closure{.from_day = 40, .to_day = 44, .reason = "Spring Festival"}};
  s.corridors[0].crossings.insert(s.corridors[0].crossings.begin(), khorgos);
  s.cargo = {CargoClass{.name = "cars", .hs6 = 870323, .share = 0.7,
                        .value_eur = Lognormal{.mu = std::log(40'000.0), .sigma = 0.9}},
             CargoClass{.name = "unknown", .hs6 = 0, .share = 0.3,
                        .value_eur = Lognormal{.mu = std::log(10'000.0), .sigma = 0.5}}};
  s.risk_classes = {RiskClass{.name = "aeo", .share = 0.5, .reduction_percent = 30,
                              .incident_probability = 0.02, .loss_given_incident = 0.5},
                    RiskClass{.name = "other", .share = 0.5, .reduction_percent = 100,
                              .incident_probability = 0.04, .loss_given_incident = 1}};
  s.incidents.correlation = 0.2;
  s.schemes = {Scheme{.name = "national", .kind = SchemeKind::national, .premium_percent = 0.25,
                      .collateral_percent = 100},
               Scheme{.name = "regional", .kind = SchemeKind::regional, .premium_percent = 0.5,
                      .collateral_percent = 30},
               Scheme{.name = "tir", .kind = SchemeKind::tir_like, .tir_cap_eur = 20'000},
               Scheme{.name = "comprehensive", .kind = SchemeKind::comprehensive,
                      .premium_percent = 0.5}};
  return s;
}

TEST(SchemeRun, EverySchemeAgreesWithTheLedgerAndNationalTiesUpMore) {
  const Scenario s = three_countries();
  // Every invariant of every run's ledger, not only its totals.
  SimulationOptions verify;
  verify.ledger_check = LedgerCheck::full;
  const ReplicationResult r = run_replication(s, 0, nullptr, &verify);
  ASSERT_EQ(r.schemes.size(), 4u);
  for (const SchemeRunResult& run : r.schemes) {
    EXPECT_TRUE(run.ledger_agrees) << run.scheme << ": " << run.disagreement;
    EXPECT_GT(metric(run, "claims"), 0) << run.scheme;
    // The breakdowns add up to the totals.
    EXPECT_EQ(sum_of(run, "trucks/corridor/"), metric(run, "trucks")) << run.scheme;
    EXPECT_EQ(sum_of(run, "refused/corridor/"), metric(run, "refused")) << run.scheme;
    EXPECT_EQ(sum_of(run, "claims/country/"), metric(run, "claims")) << run.scheme;
    EXPECT_NEAR(sum_of(run, "cover_mean_eur/country/"), metric(run, "cover_mean_eur"), 1e-3)
        << run.scheme;
    // Claims hold cover for weeks and amounts vary: edges weigh more than in the textbook.
    EXPECT_LT(run.little_relative_error, 0.05) << run.scheme;
  }
  EXPECT_GT(metric(r.schemes[0], "guarantee_capacity_eur"),
            metric(r.schemes[1], "guarantee_capacity_eur"));
  EXPECT_GT(metric(r.schemes[0], "cover_mean_eur"), metric(r.schemes[1], "cover_mean_eur"));
  // The TIR cap leaves part of large claims uncovered; the regional guarantee none.
  EXPECT_EQ(metric(r.schemes[1], "uncovered_eur"), 0);
  EXPECT_GT(metric(r.schemes[2], "uncovered_eur"), 0);
  // The same trucks met every scheme (common random numbers).
  EXPECT_EQ(metric(r.schemes[0], "trucks"), metric(r.schemes[1], "trucks"));
}

// Sizing from each truck's timeline gives what the no-wait simulation gives, to the cent, for
// every scheme and open-movement statistic: closures, incidents and national legs included.
TEST(SchemeRun, SizingFromTimelinesEqualsSizingBySimulation) {
  Scenario s = three_countries();
  // A second closure at Khorgos, within the counted window, where it moves the statistics.
  s.corridors[0].crossings[0].closures.push_back(
      Closure{.from_day = 100, .to_day = 106, .reason = "snow"});
  Scenario carec;
  LoadError error;
  ASSERT_EQ(load_default_scenario(&carec, &error), LoadErrorCode::ok) << error.to_string();
  carec.warmup_days = 10;
  carec.horizon_days = 10;
  for (Scenario* scenario : {&s, &carec}) {
    const TrafficPlan plan = generate_traffic(*scenario, 1);
    ASSERT_GT(plan.trucks.size(), 1000u);
    for (Scheme scheme : scenario->schemes) {
      for (OpenStatistic statistic : {OpenStatistic::peak, OpenStatistic::mean,
                                      OpenStatistic::p99}) {
        scheme.sizing = SizingRule::reference;
        scheme.open_statistic = statistic;
        const GuaranteeSizing simulated =
            size_guarantees(*scenario, scheme, plan, PreRun::simulation);
        const GuaranteeSizing timelines =
            size_guarantees(*scenario, scheme, plan, PreRun::timelines);
        EXPECT_EQ(timelines.amount_cents, simulated.amount_cents) << scheme.name;
        EXPECT_EQ(timelines.ledger_movements, simulated.ledger_movements) << scheme.name;
        EXPECT_EQ(timelines.peak_live_movements, simulated.peak_live_movements) << scheme.name;
        EXPECT_GT(std::count_if(timelines.amount_cents.begin(), timelines.amount_cents.end(),
                                [](int64_t cents) { return cents > 0; }),
                  0);
      }
    }
  }
}

TEST(SchemeRun, SameSeedSameResultsOnOneThreadOrMany) {
  Scenario s = textbook(4, 3, 60);
  s.replications = 4;
  SimulationOptions one;
  one.threads = 1;
  SimulationOptions two;
  two.threads = 2;
  const std::vector<ReplicationResult> a = run_replications(s, one);
  const std::vector<ReplicationResult> b = run_replications(s, two);
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].replication, b[i].replication);
    ASSERT_EQ(a[i].schemes[0].metrics.size(), b[i].schemes[0].metrics.size());
    for (size_t m = 0; m < a[i].schemes[0].metrics.size(); ++m) {
      // Bit for bit: compare the representations, not within a tolerance.
      EXPECT_EQ(std::memcmp(&a[i].schemes[0].metrics[m].value, &b[i].schemes[0].metrics[m].value,
                            sizeof(double)),
                0)
          << a[i].schemes[0].metrics[m].name;
    }
  }
  // Replications differ from each other (independent streams).
  EXPECT_NE(metric(a[0].schemes[0], "trucks"), metric(a[1].schemes[0], "trucks"));
  // A later part of the replications alone (an MPI rank's share) gives the same results.
  SimulationOptions tail;
  tail.first_replication = 2;
  const std::vector<ReplicationResult> c = run_replications(s, tail);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].replication, 2u);
  EXPECT_EQ(metric(c[0].schemes[0], "cover_mean_eur"), metric(a[2].schemes[0], "cover_mean_eur"));
}

}  // namespace
}  // namespace kervan
