// Reads scenario files (toml++ through ledger/transit/toml_loading.h): the rest of the simulator
// sees Scenario and LoadError. The sections are read here, their fields in scenario_fields.cc.
#include "sim/scenario_file.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "sim/scenario_loader.h"

// The sections of a scenario file, each from the fields scenario_fields.cc reads.
namespace kervan::scenario_loading {

bool Loader::load(const toml::table& root, Scenario* scenario) {
  if (!check_keys(root, "",
                  {"format_version", "name", "seed", "start_date", "horizon_days", "warmup_days",
                   "replications", "principals", "reference", "release_lag", "corridors", "cargo",
                   "risk_classes", "incidents", "costs", "schemes"})) {
    return false;
  }
  return load_header(root, scenario) && load_reference(root, scenario) &&
         load_release_lag(root, &scenario->release_lag_days) &&
         load_tables(root, "corridors", scenario_corridors_max, &Loader::load_corridor,
                     &scenario->corridors) &&
         load_tables(root, "cargo", scenario_cargo_classes_max, &Loader::load_cargo_class,
                     &scenario->cargo) &&
         load_tables(root, "risk_classes", scenario_risk_classes_max, &Loader::load_risk_class,
                     &scenario->risk_classes) &&
         load_incidents(root, &scenario->incidents) && load_costs(root, &scenario->costs) &&
         load_tables(root, "schemes", scenario_schemes_max, &Loader::load_scheme,
                     &scenario->schemes);
}

bool Loader::load_header(const toml::table& root, Scenario* scenario) {
  int64_t version = 0;
  if (!integer(root, "format_version", "", std::numeric_limits<int64_t>::min(),
               std::numeric_limits<int64_t>::max(), Need::required, &version)) {
    return false;
  }
  if (version != scenario_format_version) {
    return fail(
        LoadErrorCode::value_out_of_range, root.get("format_version")->source(), "format_version",
        "expected " + std::to_string(scenario_format_version) + ", the version this loader reads");
  }
  if (!name(root, "name", "", Need::required, &scenario->name)) return false;
  int64_t seed = 0;
  if (!integer(root, "seed", "", 0, std::numeric_limits<int64_t>::max(), Need::required, &seed) ||
      !date(root, "start_date", "", Need::required, &scenario->start)) {
    return false;
  }
  scenario->seed = static_cast<uint64_t>(seed);
  start_ = scenario->start;
  int64_t replications = scenario->replications;
  int64_t principals = scenario->principals;
  if (!integer(root, "horizon_days", "", 1, scenario_horizon_days_max, Need::optional,
               &scenario->horizon_days) ||
      !integer(root, "warmup_days", "", 0, scenario_warmup_days_max, Need::optional,
               &scenario->warmup_days) ||
      !integer(root, "replications", "", 1, scenario_replications_max, Need::optional,
               &replications) ||
      !integer(root, "principals", "", 1, scenario_principals_max, Need::optional, &principals)) {
    return false;
  }
  scenario->replications = static_cast<uint32_t>(replications);
  scenario->principals = static_cast<uint32_t>(principals);
  // Every simulated day must be a date: the run ends warm-up + horizon days after the start.
  if (!start_.plus_days(scenario->warmup_days + scenario->horizon_days)) {
    return fail(LoadErrorCode::value_out_of_range, root.get("start_date")->source(), "start_date",
                "the run would end after 9999-12-31");
  }
  return true;
}

bool Loader::load_reference(const toml::table& root, Scenario* scenario) {
  std::string name_or_path(embedded_reference);
  if (!text(root, "reference", "", embedded_reference, Need::optional, &name_or_path)) {
    return false;
  }
  const toml::node* node = root.get("reference");
  const toml::source_region where = node != nullptr ? node->source() : root.source();
  LoadError inner;
  LoadErrorCode loaded = LoadErrorCode::ok;
  if (name_or_path == embedded_reference) {
    loaded = load_default_reference_data(&scenario->reference, &inner);
    scenario->reference_source = name_or_path;
  } else if (name_or_path.empty() || name_or_path.starts_with("embedded:")) {
    return fail(LoadErrorCode::value_invalid, where, "reference",
                quoted(name_or_path) + " is neither \"embedded:carec\" nor a file path");
  } else {
    const bool absolute = name_or_path.front() == '/';
    scenario->reference_source = absolute ? name_or_path : folder_of(source_) + name_or_path;
    loaded = load_reference_data_file(scenario->reference_source, &scenario->reference, &inner);
  }
  if (loaded != LoadErrorCode::ok) {
    return fail(loaded, where, "reference",
                "the reference data did not load: " + inner.to_string());
  }
  reference_ = &scenario->reference;
  return true;
}

bool Loader::load_release_lag(const toml::table& root, Lognormal* lag) {
  const toml::node* node = required(root, "release_lag", "");
  if (node == nullptr) return false;
  const std::string path = "release_lag";
  const toml::table* table = as_table(*node, path);
  if (table == nullptr || !check_keys(*table, path, {"median_days", "sigma_log"})) return false;
  double median = 0;
  double sigma = 0;
  if (!number(*table, "median_days", path, fit_input(scenario_days_max), Need::required, &median) ||
      !number(*table, "sigma_log", path, fit_input(scenario_sigma_log_max), Need::required,
              &sigma)) {
    return false;
  }
  const FitError fitted = fit_lognormal_median_sigma(median, sigma, lag);
  if (fitted != FitError::ok) {
    return fit_failed(fitted, "fit_lognormal_median_sigma", *table, path,
                      fitted == FitError::median_not_positive ? "median_days" : "sigma_log");
  }
  return true;
}

bool Loader::load_corridor(const toml::table& table, const std::string& path, Corridor* corridor) {
  if (!check_keys(table, path,
                  {"name", "countries", "distance_km", "movements_per_day", "monthly", "weekly",
                   "weekly_rate_shape", "crossings"}) ||
      !name(table, "name", path, Need::required, &corridor->name) ||
      !load_countries(table, path, corridor) || !load_distances(table, path, corridor) ||
      !number(table, "movements_per_day", path,
              Range{.low = 0, .high = scenario_movements_per_day_max, .low_open = true},
              Need::required, &corridor->movements_per_day) ||
      !read_factors(table, "monthly", path, corridor->monthly) ||
      !read_factors(table, "weekly", path, corridor->weekly) ||
      !number(table, "weekly_rate_shape", path, Range{.low = 0, .high = 1e6}, Need::optional,
              &corridor->weekly_rate_shape)) {
    return false;
  }
  return load_crossings(table, path, corridor);
}

bool Loader::load_countries(const toml::table& table, const std::string& path, Corridor* corridor) {
  const toml::node* node = required(table, "countries", path);
  if (node == nullptr) return false;
  const std::string countries_path = child(path, "countries");
  const toml::array* array = as_array(*node, countries_path, 1, corridor_countries_max,
                                      "of country codes like [\"CN\", \"KZ\"]");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& country_node = *array->get(i);
    const std::string country_path = element(countries_path, i);
    Country country;
    if (!read_country(country_node, country_path, &country)) return false;
    if (!corridor->countries.empty() && corridor->countries.back() == country) {
      return fail(LoadErrorCode::duplicate, country_node.source(), country_path,
                  std::string(country.text()) + " twice in a row: no border between them");
    }
    if (!check_country(country_node, country_path, country)) return false;
    corridor->countries.push_back(country);
  }
  return true;
}

// The reference data must be able to price the country's leg from the start date on.
bool Loader::check_country(const toml::node& node, const std::string& path, Country country) {
  const std::string code(country.text());
  const CountryTariff* tariff = reference_->tariffs.find(country);
  if (tariff == nullptr) {
    return fail(LoadErrorCode::reference_invalid, node.source(), path,
                code + " has no tariff in the reference data");
  }
  if (tariff_version_in_force(*tariff, start_) == nullptr) {
    return fail(LoadErrorCode::reference_invalid, node.source(), path,
                "no tariff of " + code + " in force on the start date " + start_.to_string());
  }
  if (!reference_->rates.rate_at(tariff->currency, start_)) {
    return fail(LoadErrorCode::reference_invalid, node.source(), path,
                "no exchange rate for " + std::string(currency_code(tariff->currency)) + " (" +
                    code + ") on the start date " + start_.to_string());
  }
  return true;
}

bool Loader::load_distances(const toml::table& table, const std::string& path, Corridor* corridor) {
  const toml::node* node = required(table, "distance_km", path);
  if (node == nullptr) return false;
  const std::string distances_path = child(path, "distance_km");
  const toml::array* array = as_array(*node, distances_path, 0, corridor_countries_max,
                                      "of numbers like [670, 1050]");
  if (array == nullptr) return false;
  if (array->size() != corridor->countries.size()) {
    return fail(LoadErrorCode::reference_invalid, node->source(), distances_path,
                std::to_string(array->size()) + " distances for " +
                    std::to_string(corridor->countries.size()) +
                    " countries: one per country, in the order of `countries`");
  }
  corridor->distance_km.resize(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    if (!read_number(*array->get(i), element(distances_path, i),
                     Range{.low = 0, .high = scenario_distance_km_max},
                     &corridor->distance_km[i])) {
      return false;
    }
  }
  return true;
}

bool Loader::load_crossings(const toml::table& table, const std::string& path, Corridor* corridor) {
  const size_t expected = corridor->countries.size() - 1;
  const toml::node* node = table.get("crossings");
  const std::string crossings_path = child(path, "crossings");
  if (node == nullptr) {
    if (expected == 0) return true;
    return fail(LoadErrorCode::key_missing, table.source(), crossings_path,
                "missing: " + std::to_string(expected) + " crossings link the countries");
  }
  const toml::array* array = as_array(*node, crossings_path, 0, corridor_countries_max,
                                      "of tables ([[corridors.crossings]])");
  if (array == nullptr) return false;
  if (array->size() != expected) {
    return fail(LoadErrorCode::reference_invalid, node->source(), crossings_path,
                std::to_string(array->size()) + " crossings for " +
                    std::to_string(corridor->countries.size()) + " countries: expected " +
                    std::to_string(expected) + ", one between each two in a row");
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string crossing_path = element(crossings_path, i);
    const toml::table* crossing_table = as_table(*array->get(i), crossing_path);
    BorderCrossing crossing;
    if (crossing_table == nullptr ||
        !load_crossing(*crossing_table, crossing_path, corridor->countries[i],
                       corridor->countries[i + 1], &crossing)) {
      return false;
    }
    corridor->crossings.push_back(std::move(crossing));
  }
  return true;
}

bool Loader::load_crossing(const toml::table& table, const std::string& path, Country from,
                           Country to, BorderCrossing* crossing) {
  if (!check_keys(table, path,
                  {"name", "from", "to", "mean_h", "p95_h", "tail_weight", "tail_median_h",
                   "tail_sigma_log", "body_sigma_log", "closures"}) ||
      !name(table, "name", path, Need::required, &crossing->name)) {
    return false;
  }
  const std::pair<std::string_view, Country> ends[] = {{"from", from}, {"to", to}};
  for (const auto& [key, expected] : ends) {
    const toml::node* node = required(table, key, path);
    Country country;
    if (node == nullptr || !read_country(*node, child(path, key), &country)) return false;
    if (country != expected) {
      return fail(LoadErrorCode::reference_invalid, node->source(), child(path, key),
                  "expected " + quoted(expected.text()) + ": the crossing links " +
                      std::string(from.text()) + " to " + std::string(to.text()) +
                      " in the corridor's countries");
    }
  }
  crossing->from = from;
  crossing->to = to;
  if (!load_border_time(table, path, &crossing->time_h)) return false;
  const toml::node* closures = table.get("closures");
  return closures == nullptr ||
         load_closures(*closures, child(path, "closures"), &crossing->closures);
}

// mean_h with either p95_h (one lognormal) or the four keys of a mixture.
bool Loader::load_border_time(const toml::table& table, const std::string& path,
                              LognormalMixture* time_h) {
  constexpr std::array<std::string_view, 4> mixture_keys = {"tail_weight", "tail_median_h",
                                                            "tail_sigma_log", "body_sigma_log"};
  const Range hours = fit_input(scenario_border_time_h_max);
  double mean = 0;
  if (!number(table, "mean_h", path, hours, Need::required, &mean)) return false;
  if (table.get("p95_h") != nullptr) {
    for (std::string_view key : mixture_keys) {
      if (!refuse_key(table, key, path,
                      "not with p95_h: a crossing's tail is either p95_h or tail_weight, "
                      "tail_median_h, tail_sigma_log and body_sigma_log")) {
        return false;
      }
    }
    double p95 = 0;
    Lognormal time;
    if (!number(table, "p95_h", path, hours, Need::required, &p95)) return false;
    const FitError fitted = fit_lognormal_mean_p95(mean, p95, &time);
    if (fitted != FitError::ok) {
      return fit_failed(fitted, "fit_lognormal_mean_p95", table, path,
                        fitted == FitError::mean_not_positive ? "mean_h" : "p95_h");
    }
    *time_h = LognormalMixture{.body = time, .tail = time, .tail_weight = 0};
    return true;
  }
  if (table.get("tail_weight") == nullptr) {
    return fail(LoadErrorCode::key_missing, table.source(), child(path, "p95_h"),
                "missing: give p95_h, or tail_weight, tail_median_h, tail_sigma_log and "
                "body_sigma_log");
  }
  const Range sigma_range = fit_input(scenario_sigma_log_max);
  const std::array<Range, 4> ranges = {Range{}, hours, sigma_range, sigma_range};
  std::array<double, 4> mixture{};  // In the order of mixture_keys.
  for (size_t i = 0; i < mixture_keys.size(); ++i) {
    const Range& range = ranges[i];
    if (!number(table, mixture_keys[i], path, range, Need::required, &mixture[i])) return false;
  }
  const auto [weight, tail_median, tail_sigma, body_sigma] = mixture;
  const FitError fitted =
      fit_lognormal_mixture(mean, body_sigma, weight, tail_median, tail_sigma, time_h);
  std::string_view blame = "tail_weight";  // weight_out_of_range, tail_too_heavy_for_mean.
  if (fitted == FitError::mean_not_positive) blame = "mean_h";
  if (fitted == FitError::sigma_negative) {
    blame = body_sigma < 0 ? "body_sigma_log" : "tail_sigma_log";  // The fit checks body first.
  }
  if (fitted == FitError::median_not_positive) blame = "tail_median_h";
  return fitted == FitError::ok || fit_failed(fitted, "fit_lognormal_mixture", table, path, blame);
}

bool Loader::load_closures(const toml::node& node, const std::string& path,
                           std::vector<Closure>* closures) {
  const toml::array* array = as_array(node, path, 0, scenario_closures_per_crossing_max,
                                      "of tables ([[corridors.crossings.closures]])");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string closure_path = element(path, i);
    const toml::table* table = as_table(*array->get(i), closure_path);
    Closure closure;
    if (table == nullptr ||
        !load_closure(*table, closure_path, closures->empty() ? nullptr : &closures->back(),
                      &closure)) {
      return false;
    }
    closures->push_back(std::move(closure));
  }
  return true;
}

// Dates in the file, both days closed; in the Scenario, [from_day, to_day) since the start.
bool Loader::load_closure(const toml::table& table, const std::string& path,
                          const Closure* previous, Closure* closure) {
  Date first;
  Date last;
  if (!check_keys(table, path, {"first_day", "last_day", "reason"}) ||
      !date(table, "first_day", path, Need::required, &first) ||
      !date(table, "last_day", path, Need::required, &last) ||
      !text(table, "reason", path, "Spring Festival", Need::optional, &closure->reason)) {
    return false;
  }
  const toml::node& first_node = *table.get("first_day");
  if (first < start_) {
    return fail(LoadErrorCode::value_out_of_range, first_node.source(), child(path, "first_day"),
                first.to_string() + " is before the start date " + start_.to_string());
  }
  if (last < first) {
    return fail(LoadErrorCode::order_invalid, table.get("last_day")->source(),
                child(path, "last_day"),
                last.to_string() + " is before first_day " + first.to_string());
  }
  closure->from_day = first.days_since_epoch() - start_.days_since_epoch();
  closure->to_day = last.days_since_epoch() - start_.days_since_epoch() + 1;
  if (previous != nullptr && closure->from_day < previous->to_day) {
    return fail(
        LoadErrorCode::order_invalid, first_node.source(), child(path, "first_day"),
        first.to_string() + " is not after the previous closure (closures in date order, apart)");
  }
  return true;
}

bool Loader::load_cargo_class(const toml::table& table, const std::string& path,
                              CargoClass* cargo) {
  std::string hs6;
  if (!check_keys(table, path,
                  {"name", "hs6", "share", "median_eur", "sigma_log", "value_cap_eur"}) ||
      !name(table, "name", path, Need::required, &cargo->name) ||
      !text(table, "hs6", path, "070200", Need::required, &hs6)) {
    return false;
  }
  const std::optional<uint32_t> code = parse_hs6(hs6);
  if (!code) {
    return fail(LoadErrorCode::value_invalid, table.get("hs6")->source(), child(path, "hs6"),
                quoted(hs6) + " is not six digits of a chapter 01-99 like \"070200\", nor " +
                    "\"000000\" (not classifiable)");
  }
  cargo->hs6 = *code;
  double median = 0;
  double sigma = 0;
  if (!number(table, "share", path, probability_range, Need::required, &cargo->share) ||
      !number(table, "median_eur", path, fit_input(scenario_money_eur_max), Need::required,
              &median) ||
      !number(table, "sigma_log", path, fit_input(scenario_sigma_log_max), Need::required,
              &sigma)) {
    return false;
  }
  const FitError fitted = fit_lognormal_median_sigma(median, sigma, &cargo->value_eur);
  if (fitted != FitError::ok) {
    return fit_failed(fitted, "fit_lognormal_median_sigma", table, path,
                      fitted == FitError::median_not_positive ? "median_eur" : "sigma_log");
  }
  if (!number(table, "value_cap_eur", path, Range{.low = 0, .high = scenario_money_eur_max},
              Need::optional, &cargo->value_cap_eur)) {
    return false;
  }
  if (cargo->value_cap_eur != 0 && cargo->value_cap_eur < median) {
    return fail(LoadErrorCode::value_out_of_range, table.get("value_cap_eur")->source(),
                child(path, "value_cap_eur"),
                "a cap must be 0 (none) or at least median_eur (" + format_number(median) + ")");
  }
  return true;
}

bool Loader::load_risk_class(const toml::table& table, const std::string& path, RiskClass* risk) {
  int64_t reduction = 100;
  if (!check_keys(
          table, path,
          {"name", "share", "reduction_percent", "incident_probability", "loss_given_incident"}) ||
      !name(table, "name", path, Need::required, &risk->name) ||
      !number(table, "share", path, probability_range, Need::required, &risk->share) ||
      !integer(table, "reduction_percent", path, 0, 100, Need::required, &reduction)) {
    return false;
  }
  if (reduction != 100 && reduction != 50 && reduction != 30 && reduction != 0) {
    return fail(
        LoadErrorCode::value_invalid, table.get("reduction_percent")->source(),
        child(path, "reduction_percent"),
        std::to_string(reduction) + " is not a reduction level: 100, 50, 30 or 0 (a waiver)");
  }
  risk->reduction_percent = static_cast<uint8_t>(reduction);
  return number(table, "incident_probability", path, probability_range, Need::required,
                &risk->incident_probability) &&
         number(table, "loss_given_incident", path, probability_range, Need::required,
                &risk->loss_given_incident);
}

bool Loader::load_incidents(const toml::table& root, Incidents* incidents) {
  const toml::node* node = root.get("incidents");
  if (node == nullptr) return true;
  const std::string path = "incidents";
  const toml::table* table = as_table(*node, path);
  return table != nullptr &&
         check_keys(*table, path, {"correlation", "enquiry_after_days", "claim_paid_after_days"}) &&
         number(*table, "correlation", path, Range{.low = 0, .high = 1, .high_open = true},
                Need::optional, &incidents->correlation) &&
         number(*table, "enquiry_after_days", path, days_range, Need::optional,
                &incidents->enquiry_after_days) &&
         number(*table, "claim_paid_after_days", path, days_range, Need::optional,
                &incidents->claim_paid_after_days);
}

bool Loader::load_costs(const toml::table& root, Costs* costs) {
  const toml::node* node = root.get("costs");
  if (node == nullptr) return true;
  const std::string path = "costs";
  const toml::table* table = as_table(*node, path);
  return table != nullptr &&
         check_keys(*table, path,
                    {"cost_of_capital_percent", "value_of_time_percent_per_day", "speed_kmh",
                     "time_limit_days"}) &&
         number(*table, "cost_of_capital_percent", path, percent_range, Need::optional,
                &costs->cost_of_capital_percent) &&
         number(*table, "value_of_time_percent_per_day", path, percent_range, Need::optional,
                &costs->value_of_time_percent_per_day) &&
         number(*table, "speed_kmh", path, Range{.low = 0, .high = 200, .low_open = true},
                Need::optional, &costs->speed_kmh) &&
         number(*table, "time_limit_days", path,
                Range{.low = 0, .high = scenario_days_max, .low_open = true}, Need::optional,
                &costs->time_limit_days);
}

bool Loader::load_scheme(const toml::table& table, const std::string& path, Scheme* scheme) {
  std::string kind;
  if (!check_keys(table, path,
                  {"name", "kind", "sizing", "open_statistic", "sizing_factor", "given_amount_eur",
                   "tir_cap_eur", "premium_percent", "collateral_percent", "max_wait_days"}) ||
      !name(table, "name", path, Need::required, &scheme->name) ||
      !text(table, "kind", path, "regional", Need::required, &kind)) {
    return false;
  }
  constexpr std::array<SchemeKind, 4> kinds = {SchemeKind::national, SchemeKind::regional,
                                               SchemeKind::tir_like, SchemeKind::comprehensive};
  const auto found = std::find_if(kinds.begin(), kinds.end(), [&kind](SchemeKind known) {
    return scheme_kind_name(known) == kind;
  });
  if (found == kinds.end()) {
    return fail(LoadErrorCode::value_invalid, table.get("kind")->source(), child(path, "kind"),
                quoted(kind) + " is not one of: national, regional, tir_like, comprehensive");
  }
  scheme->kind = *found;
  if (scheme->kind == SchemeKind::tir_like) {
    if (!number(table, "tir_cap_eur", path,
                Range{.low = 0, .high = scenario_money_eur_max, .low_open = true}, Need::optional,
                &scheme->tir_cap_eur)) {
      return false;
    }
  } else if (!refuse_key(table, "tir_cap_eur", path, "only a tir_like scheme has a cap")) {
    return false;
  }
  return load_sizing(table, path, scheme) &&
         number(table, "premium_percent", path, percent_range, Need::required,
                &scheme->premium_percent) &&
         number(table, "collateral_percent", path, percent_range, Need::required,
                &scheme->collateral_percent) &&
         number(table, "max_wait_days", path, days_range, Need::optional, &scheme->max_wait_days);
}

bool Loader::load_sizing(const toml::table& table, const std::string& path, Scheme* scheme) {
  std::string sizing = "reference";
  if (!text(table, "sizing", path, "reference", Need::optional, &sizing)) return false;
  if (sizing == "given") {
    scheme->sizing = SizingRule::given;
    const std::string why = "only with sizing = \"reference\"";
    return refuse_key(table, "open_statistic", path, why) &&
           refuse_key(table, "sizing_factor", path, why) &&
           number(table, "given_amount_eur", path,
                  Range{.low = 0, .high = scenario_money_eur_max, .low_open = true}, Need::required,
                  &scheme->given_amount_eur);
  }
  if (sizing != "reference") {
    return fail(LoadErrorCode::value_invalid, table.get("sizing")->source(), child(path, "sizing"),
                quoted(sizing) + " is not one of: reference, given");
  }
  scheme->sizing = SizingRule::reference;
  std::string statistic = "peak";
  if (!refuse_key(table, "given_amount_eur", path, "only with sizing = \"given\"") ||
      !text(table, "open_statistic", path, "peak", Need::optional, &statistic)) {
    return false;
  }
  constexpr std::array<std::pair<std::string_view, OpenStatistic>, 3> statistics = {{
      {"peak", OpenStatistic::peak},
      {"mean", OpenStatistic::mean},
      {"p99", OpenStatistic::p99},
  }};
  const auto found =
      std::find_if(statistics.begin(), statistics.end(),
                   [&statistic](const auto& known) { return known.first == statistic; });
  if (found == statistics.end()) {
    return fail(LoadErrorCode::value_invalid, table.get("open_statistic")->source(),
                child(path, "open_statistic"),
                quoted(statistic) + " is not one of: peak, mean, p99");
  }
  scheme->open_statistic = found->second;
  return number(table, "sizing_factor", path, Range{.low = 0, .high = 100, .low_open = true},
                Need::optional, &scheme->sizing_factor);
}

template <typename Item>
bool Loader::load_tables(const toml::table& root, std::string_view key, size_t count_max,
                         bool (Loader::*load_item)(const toml::table&, const std::string&, Item*),
                         std::vector<Item>* items) {
  const std::string path(key);
  const toml::node* node = required(root, key, "");
  if (node == nullptr) return false;
  const toml::array* array =
      as_array(*node, path, 1, count_max, "of tables ([[" + path + "]] sections)");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string item_path = element(path, i);
    const toml::table* table = as_table(*array->get(i), item_path);
    Item item;
    if (table == nullptr || !(this->*load_item)(*table, item_path, &item)) return false;
    items->push_back(std::move(item));
  }
  if (!check_unique_names(*array, path, *items)) return false;
  if constexpr (requires(const Item& item) { item.share; }) {
    return check_shares(*node, path, *items);
  }
  return true;
}

// Shares of the elements of an array of tables must sum to 1 (reported at the array).
template <typename Item>
bool Loader::check_shares(const toml::node& node, const std::string& path,
                          const std::vector<Item>& items) {
  double sum = 0;
  for (const Item& item : items) sum += item.share;
  if (std::fabs(sum - 1) > scenario_sum_tolerance) {
    return fail(LoadErrorCode::value_invalid, node.source(), path,
                "the shares sum to " + format_number(sum) + ", not 1");
  }
  return true;
}

// Names must be unique within an array (reported at the second one).
template <typename Item>
bool Loader::check_unique_names(const toml::array& array, const std::string& path,
                                const std::vector<Item>& items) {
  for (size_t i = 1; i < items.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (items[i].name != items[j].name) continue;
      const std::string item_path = element(path, i);
      const toml::node* name_node = array.get(i)->as_table()->get("name");
      return fail(LoadErrorCode::duplicate, name_node->source(), child(item_path, "name"),
                  quoted(items[i].name) + " is also the name of " + element(path, j));
    }
  }
  return true;
}
}  // namespace kervan::scenario_loading

namespace kervan {
namespace {

using scenario_loading::Loader;

LoadErrorCode load_text(std::string_view text, std::string_view source_name, Scenario* out,
                        LoadError* error) {
  return toml_loading::read_document<Loader>(text, source_name, Scenario(), out, error);
}

}  // namespace

LoadErrorCode load_scenario_text(std::string_view text, std::string_view source_name, Scenario* out,
                                 LoadError* error) noexcept {
  return toml_loading::without_exceptions(
      source_name, error, [&] { return load_text(text, source_name, out, error); });
}

LoadErrorCode load_scenario_file(const std::string& path, Scenario* out,
                                 LoadError* error) noexcept {
  return toml_loading::load_file(path, scenario_file_bytes_max, error, [&](const std::string& text) {
    return load_text(text, path, out, error);
  });
}

LoadErrorCode load_default_scenario(Scenario* out, LoadError* error) noexcept {
  return load_scenario_text(embedded_carec_scenario_toml(), embedded_carec_scenario_name, out,
                            error);
}

}  // namespace kervan
