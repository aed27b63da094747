#include "sim/scenario_echo.h"

#include "sim/json_writer.h"

namespace kervan {

namespace {

void lognormal(JsonWriter& j, const Lognormal& l) {
  j.begin_object().key("mu").value(l.mu).key("sigma").value(l.sigma).key("median").value(
      lognormal_quantile(l, 0.5)).key("mean").value(lognormal_mean(l)).end_object();
}

void mixture(JsonWriter& j, const LognormalMixture& m) {
  j.begin_object().key("body");
  lognormal(j, m.body);
  j.key("tail");
  lognormal(j, m.tail);
  j.key("tail_weight").value(m.tail_weight).key("mean").value(lognormal_mean(m)).end_object();
}

void factors(JsonWriter& j, std::span<const double> values) {
  j.begin_array();
  for (const double v : values) j.value(v);
  j.end_array();
}

std::string_view sizing_name(SizingRule rule) {
  return rule == SizingRule::given ? "given" : "reference";
}

std::string_view statistic_name(OpenStatistic statistic) {
  switch (statistic) {
    case OpenStatistic::peak: return "peak";
    case OpenStatistic::mean: return "mean";
    case OpenStatistic::p99: return "p99";
  }
  return "unknown";
}

}  // namespace

std::string scenario_json(const Scenario& s) {
  JsonWriter j;
  j.begin_object();
  j.key("name").value(s.name);
  j.key("seed").value(s.seed);
  j.key("start").value(s.start.to_string());
  j.key("horizon_days").value(s.horizon_days);
  j.key("warmup_days").value(s.warmup_days);
  j.key("replications").value(s.replications);
  j.key("principals").value(s.principals);
  j.key("reference").value(s.reference_source);
  j.key("release_lag_days");
  lognormal(j, s.release_lag_days);
  j.key("corridors").begin_array();
  for (const Corridor& c : s.corridors) {
    j.begin_object().key("name").value(c.name).key("countries").begin_array();
    for (const Country& country : c.countries) j.value(country.text());
    j.end_array().key("distance_km");
    factors(j, c.distance_km);
    j.key("movements_per_day").value(c.movements_per_day).key("monthly");
    factors(j, c.monthly);
    j.key("weekly");
    factors(j, c.weekly);
    j.key("weekly_rate_shape").value(c.weekly_rate_shape).key("crossings").begin_array();
    for (const BorderCrossing& b : c.crossings) {
      j.begin_object().key("name").value(b.name).key("from").value(b.from.text()).key("to").value(
          b.to.text()).key("time_h");
      mixture(j, b.time_h);
      j.key("closures").begin_array();
      for (const Closure& closure : b.closures) {
        j.begin_object().key("from_day").value(closure.from_day).key("to_day").value(
            closure.to_day).key("reason").value(closure.reason).end_object();
      }
      j.end_array().end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();
  j.key("cargo").begin_array();
  for (const CargoClass& c : s.cargo) {
    j.begin_object().key("name").value(c.name).key("hs6").value(c.hs6).key("share").value(
        c.share).key("value_eur");
    lognormal(j, c.value_eur);
    j.key("value_cap_eur").value(c.value_cap_eur).end_object();
  }
  j.end_array();
  j.key("risk_classes").begin_array();
  for (const RiskClass& c : s.risk_classes) {
    j.begin_object().key("name").value(c.name).key("share").value(c.share).key(
        "reduction_percent").value(uint32_t{c.reduction_percent}).key("incident_probability")
        .value(c.incident_probability).key("loss_given_incident").value(c.loss_given_incident)
        .end_object();
  }
  j.end_array();
  j.key("incidents").begin_object().key("correlation").value(s.incidents.correlation).key(
      "enquiry_after_days").value(s.incidents.enquiry_after_days).key("claim_paid_after_days")
      .value(s.incidents.claim_paid_after_days).end_object();
  j.key("costs").begin_object().key("cost_of_capital_percent").value(
      s.costs.cost_of_capital_percent).key("value_of_time_percent_per_day").value(
      s.costs.value_of_time_percent_per_day).key("speed_kmh").value(s.costs.speed_kmh).key(
      "time_limit_days").value(s.costs.time_limit_days).end_object();
  j.key("schemes").begin_array();
  for (const Scheme& scheme : s.schemes) {
    j.begin_object().key("name").value(scheme.name).key("kind").value(
        scheme_kind_name(scheme.kind)).key("sizing").value(sizing_name(scheme.sizing)).key(
        "open_statistic").value(statistic_name(scheme.open_statistic)).key("sizing_factor")
        .value(scheme.sizing_factor).key("given_amount_eur").value(scheme.given_amount_eur)
        .key("tir_cap_eur").value(scheme.tir_cap_eur).key("premium_percent").value(
            scheme.premium_percent).key("collateral_percent").value(scheme.collateral_percent)
        .key("max_wait_days").value(scheme.max_wait_days).end_object();
  }
  j.end_array();
  j.end_object();
  return j.text();
}

}  // namespace kervan
