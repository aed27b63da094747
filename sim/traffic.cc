#include "sim/traffic.h"

#include <algorithm>
#include <cmath>

#include "ledger/transit/covered_amount.h"
#include "sim/random_stream.h"

namespace kervan {

namespace {

constexpr uint64_t arrivals_stream = stream_id_of("arrivals");
constexpr uint64_t week_factor_stream = stream_id_of("week_factor");
constexpr uint64_t systematic_stream = stream_id_of("systematic");
constexpr uint64_t principals_stream = stream_id_of("principals");
constexpr uint64_t truck_stream = stream_id_of("truck");

Date day_of(const Scenario& s, int64_t t_s) {
  const std::optional<Date> d = s.start.plus_days(t_s / sim_day_s);
  KERVAN_ASSERT(d.has_value());
  return *d;
}

// Monday 0 .. Sunday 6 (1970-01-01 was a Thursday).
size_t weekday_of(Date d) {
  return static_cast<size_t>(((int64_t{d.days_since_epoch()} % 7) + 7 + 3) % 7);
}

// An alias table over `weights`, which the scenario loader has checked.
AliasTable table_of(std::span<const double> weights) {
  AliasTable table;
  const CategoricalError error = AliasTable::build(weights, &table);
  KERVAN_ASSERT(error == CategoricalError::ok);
  return table;
}

int32_t seconds(double hours_or_s) {
  KERVAN_ASSERT(std::isfinite(hours_or_s) && hours_or_s >= 0);
  return static_cast<int32_t>(std::min(hours_or_s, 2.0e9));
}

}  // namespace

double corridor_rate_per_day(const Scenario& scenario, const Corridor& corridor, int64_t t_s) {
  const Date d = day_of(scenario, t_s);
  return corridor.movements_per_day * corridor.monthly[d.civil().month - 1] *
         corridor.weekly[weekday_of(d)];
}

TrafficPlan generate_traffic(const Scenario& s, uint32_t replication) {
  TrafficPlan plan;
  plan.replication = replication;
  plan.end_s = (s.warmup_days + s.horizon_days) * sim_day_s;
  const int64_t weeks = plan.end_s / (7 * sim_day_s) + 1;
  // Calendar arithmetic once per day, not per draw.
  const auto days = static_cast<size_t>(plan.end_s / sim_day_s + 1);
  std::vector<Date> date_of_day(days);
  for (size_t d = 0; d < days; ++d) date_of_day[d] = day_of(s, int64_t(d) * sim_day_s);

  // Each principal's risk class, drawn once per replication.
  std::vector<double> class_shares;
  for (const RiskClass& c : s.risk_classes) class_shares.push_back(c.share);
  const AliasTable classes = table_of(class_shares);
  std::vector<uint8_t> principal_class(s.principals);
  RandomStream principal_draws(s.seed, replication, principals_stream);
  for (uint8_t& c : principal_class) c = static_cast<uint8_t>(classes.sample(principal_draws));

  std::vector<double> cargo_shares;
  for (const CargoClass& c : s.cargo) cargo_shares.push_back(c.share);
  const AliasTable cargo = table_of(cargo_shares);
  std::vector<double> thresholds;  // Phi^-1(p) per risk class, for the copula.
  for (const RiskClass& c : s.risk_classes) {
    thresholds.push_back(copula_threshold(c.incident_probability));
  }

  struct Pending {
    int64_t ready_s;
    uint16_t corridor;
    uint32_t k;  // Within the corridor, in arrival order.
  };
  std::vector<Pending> arrivals;
  std::vector<std::vector<double>> systematic(s.corridors.size());
  for (size_t c = 0; c < s.corridors.size(); ++c) {
    const Corridor& corridor = s.corridors[c];
    RandomStream week_draws(s.seed, replication, week_factor_stream + c);
    std::vector<double> week_factor(static_cast<size_t>(weeks), 1.0);
    if (corridor.weekly_rate_shape > 0) {
      for (double& f : week_factor) {
        f = sample_gamma(week_draws, corridor.weekly_rate_shape, 1 / corridor.weekly_rate_shape);
      }
    }
    RandomStream z_draws(s.seed, replication, systematic_stream + c);
    systematic[c].resize(static_cast<size_t>(weeks));
    for (double& z : systematic[c]) z = sample_standard_normal(z_draws);
    const double month_max = *std::max_element(corridor.monthly.begin(), corridor.monthly.end());
    const double weekday_max = *std::max_element(corridor.weekly.begin(), corridor.weekly.end());
    const double week_max = *std::max_element(week_factor.begin(), week_factor.end());
    const double rate_max = corridor.movements_per_day * month_max * weekday_max * week_max;
    if (rate_max <= 0) continue;
    std::vector<double> rate_of_day(days);
    for (size_t d = 0; d < days; ++d) {
      rate_of_day[d] = corridor_rate_per_day(s, corridor, int64_t(d) * sim_day_s);
    }
    RandomStream draws(s.seed, replication, arrivals_stream + c);
    double t = 0;  // Seconds.
    uint32_t k = 0;
    while (true) {
      t += sample_exponential(draws, rate_max / double(sim_day_s));
      if (t >= double(plan.end_s)) break;
      const auto at = static_cast<int64_t>(t);
      const double rate = rate_of_day[static_cast<size_t>(at / sim_day_s)] *
                          week_factor[static_cast<size_t>(at / (7 * sim_day_s))];
      if (draws.uniform01() * rate_max < rate) arrivals.push_back({at, uint16_t(c), k++});
    }
  }
  std::sort(arrivals.begin(), arrivals.end(), [](const Pending& a, const Pending& b) {
    if (a.ready_s != b.ready_s) return a.ready_s < b.ready_s;
    if (a.corridor != b.corridor) return a.corridor < b.corridor;
    return a.k < b.k;
  });

  plan.trucks.reserve(arrivals.size());
  // Trucks come in date order: the calculator looks each day's tariffs and rates up once.
  CoverCalculator calculator(s.reference.tariffs, s.reference.rates);
  CoveredAmount covered;
  for (const Pending& p : arrivals) {
    const Corridor& corridor = s.corridors[p.corridor];
    RandomStream draws(s.seed, replication, truck_stream ^ (uint64_t{p.corridor} << 40) ^ p.k);
    Truck t;
    t.corridor = p.corridor;
    t.countries = static_cast<uint8_t>(corridor.countries.size());
    t.ready_s = p.ready_s;
    t.principal = static_cast<uint32_t>(draws.below(s.principals));
    t.risk_class = principal_class[t.principal];
    t.cargo = static_cast<uint8_t>(cargo.sample(draws));
    const CargoClass& goods = s.cargo[t.cargo];
    const double value = goods.value_cap_eur > 0
                             ? sample_lognormal_truncated(draws, goods.value_eur,
                                                          goods.value_cap_eur)
                             : sample_lognormal(draws, goods.value_eur);
    t.value_cents = static_cast<int64_t>(std::llround(value * 100));
    for (size_t i = 0; i < t.countries; ++i) {
      t.drive_s[i] = seconds(corridor.distance_km[i] / s.costs.speed_kmh * sim_hour_s);
      t.release_lag_s[i] = seconds(sample_lognormal(draws, s.release_lag_days) * sim_day_s);
      if (i + 1 < t.countries) {
        t.border_s[i] =
            seconds(sample_lognormal_mixture(draws, corridor.crossings[i].time_h) * sim_hour_s);
      }
    }
    const double z = systematic[p.corridor][static_cast<size_t>(p.ready_s / (7 * sim_day_s))];
    const double eps = sample_standard_normal(draws);
    t.incident = copula_defaults_below(z, eps, s.incidents.correlation,
                                       thresholds[t.risk_class]);
    t.incident_at = static_cast<uint8_t>(draws.below(t.countries));

    // The duties each country could claim, on the ready date's tariffs and rates.
    const GoodsItem item{.hs6 = goods.hs6,
                         .customs_value = Amount::from_minor(t.value_cents, Currency::eur)};
    const CoverError error = calculator.compute(
        CoverRequest{.items = {&item, 1},
                     .itinerary = corridor.countries,
                     .declared_on = date_of_day[static_cast<size_t>(t.ready_s / sim_day_s)],
                     .guarantee_currency = Currency::eur,
                     .rule = SchemeRule::national},
        &covered);
    if (error != CoverError::ok) {
      plan.skipped_no_tariff += 1;
      continue;
    }
    for (size_t i = 0; i < t.countries; ++i) {
      t.duty_cents[i] = static_cast<int64_t>(covered.amounts[i].minor());
    }
    t.id = static_cast<uint32_t>(plan.trucks.size());
    plan.trucks.push_back(t);
  }
  return plan;
}

}  // namespace kervan
