// Parameter paths and metric names (sim/sweep_parameters.h): the table of paths with the
// scenario file's ranges, and applying a value to a Scenario, every check before the first change.
#include "sim/sweep_parameters.h"

#include "ledger/transit/toml_loading.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <utility>

#include "core/assert.h"
#include "sim/json_writer.h"
#include "sim/scenario_file.h"

namespace kervan {

using toml_loading::quoted;

using sweep_detail::Collection;
using sweep_detail::describe;
using sweep_detail::Field;
using sweep_detail::FieldInfo;
using sweep_detail::format_number;
using sweep_detail::known_paths;
using sweep_detail::parse_path;
using sweep_detail::ParsedPath;
using sweep_detail::Range;

namespace {

// 2^53: every integer up to it is exactly a double, so a seed survives the plan's doubles.
constexpr double seed_max = 9007199254740992.0;

constexpr Range percent{.low = 0, .high = 100};
constexpr Range probability{.low = 0, .high = 1};
constexpr Range days{.low = 0, .high = scenario_days_max};
constexpr Range positive_days{.low = 0, .high = scenario_days_max, .low_open = true};
constexpr Range positive_money{.low = 0, .high = scenario_money_eur_max, .low_open = true};

constexpr FieldInfo field_table[] = {
    {Collection::none, "seed", Field::seed, true, {.low = 0, .high = seed_max}},
    {Collection::none,
     "principals",
     Field::principals,
     true,
     {.low = 1, .high = double(scenario_principals_max)}},
    {Collection::none,
     "horizon_days",
     Field::horizon_days,
     true,
     {.low = 1, .high = double(scenario_horizon_days_max)}},
    {Collection::none,
     "warmup_days",
     Field::warmup_days,
     true,
     {.low = 0, .high = double(scenario_warmup_days_max)}},
    {Collection::none,
     "traffic_factor",
     Field::traffic_factor,
     false,
     {.low = 0, .high = scenario_movements_per_day_max, .low_open = true}},
    {Collection::none, "release_lag.median_days", Field::release_lag_median, false, positive_days},
    {Collection::none,
     "release_lag.sigma_log",
     Field::release_lag_sigma,
     false,
     {.low = 0, .high = scenario_sigma_log_max}},
    {Collection::none,
     "incidents.correlation",
     Field::correlation,
     false,
     {.low = 0, .high = 1, .high_open = true}},
    {Collection::none, "incidents.enquiry_after_days", Field::enquiry_after, false, days},
    {Collection::none, "incidents.claim_paid_after_days", Field::claim_paid_after, false, days},
    {Collection::none, "costs.cost_of_capital_percent", Field::cost_of_capital, false, percent},
    {Collection::none, "costs.value_of_time_percent_per_day", Field::value_of_time, false, percent},
    {Collection::none,
     "costs.speed_kmh",
     Field::speed,
     false,
     {.low = 0, .high = 200, .low_open = true}},
    {Collection::none, "costs.time_limit_days", Field::time_limit, false, positive_days},
    {Collection::risk_classes, "incident_probability", Field::incident_probability, false,
     probability},
    {Collection::risk_classes, "loss_given_incident", Field::loss_given_incident, false,
     probability},
    {Collection::risk_classes, "share", Field::share, false, probability},
    {Collection::corridors,
     "movements_per_day",
     Field::movements_per_day,
     false,
     {.low = 0, .high = scenario_movements_per_day_max, .low_open = true}},
    {Collection::schemes, "premium_percent", Field::premium, false, percent},
    {Collection::schemes, "collateral_percent", Field::collateral, false, percent},
    {Collection::schemes,
     "sizing_factor",
     Field::sizing_factor,
     false,
     {.low = 0, .high = 100, .low_open = true}},
    {Collection::schemes, "max_wait_days", Field::max_wait, false, days},
    {Collection::schemes, "tir_cap_eur", Field::tir_cap, false, positive_money},
    {Collection::schemes, "given_amount_eur", Field::given_amount, false, positive_money},
};

std::string_view collection_name(Collection collection) {
  switch (collection) {
    case Collection::risk_classes:
      return "risk_classes";
    case Collection::corridors:
      return "corridors";
    case Collection::schemes:
      return "schemes";
    case Collection::none:
      break;
  }
  return "";
}

}  // namespace

namespace sweep_detail {

bool parse_path(std::string_view path, ParsedPath* out) {
  for (const FieldInfo& info : field_table) {
    if (info.collection == Collection::none && info.key == path) {
      *out = ParsedPath{.info = &info, .name = {}};
      return true;
    }
  }
  for (const Collection collection :
       {Collection::risk_classes, Collection::corridors, Collection::schemes}) {
    const std::string_view prefix = collection_name(collection);
    if (!path.starts_with(prefix) || path.size() <= prefix.size() || path[prefix.size()] != '[') {
      continue;
    }
    const std::string_view rest = path.substr(prefix.size() + 1);
    const size_t close = rest.rfind("].");
    if (close == std::string_view::npos || close == 0) return false;
    const std::string_view key = rest.substr(close + 2);
    for (const FieldInfo& info : field_table) {
      if (info.collection == collection && info.key == key) {
        *out = ParsedPath{.info = &info, .name = rest.substr(0, close)};
        return true;
      }
    }
    return false;
  }
  return false;
}

std::string format_number(double x) {
  if (std::fabs(x) < 1e15 && x == std::trunc(x)) return std::to_string(static_cast<int64_t>(x));
  return format_double(x);
}

std::string describe(const Range& range) {
  std::string text = range.low_open ? "(" : "[";
  text += format_number(range.low);
  text += ", ";
  text += format_number(range.high);
  text += range.high_open ? ")" : "]";
  return text;
}

std::string known_paths() {
  std::string text;
  for (const FieldInfo& info : field_table) {
    if (!text.empty()) text += ", ";
    if (info.collection != Collection::none) {
      text += collection_name(info.collection);
      text += "[<name>].";
    }
    text += info.key;
  }
  return text;
}

std::string display_number(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

std::string point_text(const std::vector<std::string>& names, std::span<const double> values,
                       bool exact) {
  std::string text = "(";
  for (size_t d = 0; d < names.size(); ++d) {
    if (d != 0) text += ", ";
    text += names[d];
    text += " = ";
    text += exact ? format_number(values[d]) : display_number(values[d]);
  }
  text += ')';
  return text;
}

}  // namespace sweep_detail

namespace {

ParameterError fail(ParameterError code, std::string message, std::string* error) {
  *error = std::move(message);
  return code;
}

// The checks that need no scenario: finite, whole for a count, within the field's range.
ParameterError check_value(const FieldInfo& info, std::string_view path, double value,
                           std::string* error) {
  std::string head(path);
  head += " = ";
  if (!std::isfinite(value)) {
    return fail(ParameterError::value_not_finite, head + "a value that is not a finite number",
                error);
  }
  head += format_number(value);
  if (info.integer && value != std::trunc(value)) {
    return fail(ParameterError::value_not_integer, head + ": expected a whole number", error);
  }
  if (!info.range.contains(value)) {
    return fail(ParameterError::value_out_of_range, head + " is not in " + describe(info.range),
                error);
  }
  return ParameterError::ok;
}

template <typename Item>
Item* find_named(std::vector<Item>& items, std::string_view name) {
  for (Item& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

template <typename Item>
ParameterError name_unknown(const std::vector<Item>& items, const ParsedPath& parsed,
                            std::string* error) {
  std::string message = "the scenario has no ";
  message += collection_name(parsed.info->collection);
  message += " element named " + quoted(parsed.name) + " (it has: ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) message += ", ";
    message += quoted(items[i].name);
  }
  message += ")";
  return fail(ParameterError::name_unknown, std::move(message), error);
}

ParameterError apply_global(Scenario* s, const FieldInfo& info, double value, std::string* error) {
  switch (info.field) {
    case Field::seed:
      s->seed = static_cast<uint64_t>(value);
      return ParameterError::ok;
    case Field::principals:
      s->principals = static_cast<uint32_t>(value);
      return ParameterError::ok;
    case Field::horizon_days:
    case Field::warmup_days: {
      const auto whole = static_cast<int64_t>(value);
      const int64_t horizon = info.field == Field::horizon_days ? whole : s->horizon_days;
      const int64_t warmup = info.field == Field::warmup_days ? whole : s->warmup_days;
      if (!s->start.plus_days(warmup + horizon)) {
        return fail(ParameterError::value_out_of_range,
                    std::string(info.key) + " = " + format_number(value) +
                        ": the run would end after 9999-12-31",
                    error);
      }
      s->horizon_days = horizon;
      s->warmup_days = warmup;
      return ParameterError::ok;
    }
    case Field::traffic_factor:
      for (const Corridor& corridor : s->corridors) {
        if (corridor.movements_per_day * value > scenario_movements_per_day_max) {
          return fail(ParameterError::value_out_of_range,
                      "traffic_factor = " + format_number(value) + " gives corridor " +
                          quoted(corridor.name) + " more than " +
                          format_number(scenario_movements_per_day_max) + " movements a day",
                      error);
        }
      }
      for (Corridor& corridor : s->corridors) corridor.movements_per_day *= value;
      return ParameterError::ok;
    case Field::release_lag_median:
    case Field::release_lag_sigma: {
      const bool median = info.field == Field::release_lag_median;
      Lognormal lag;
      const FitError fitted =
          fit_lognormal_median_sigma(median ? value : std::exp(s->release_lag_days.mu),
                                     median ? s->release_lag_days.sigma : value, &lag);
      KERVAN_ASSERT(fitted == FitError::ok);  // Both figures were range-checked.
      s->release_lag_days = lag;
      return ParameterError::ok;
    }
    case Field::correlation:
      s->incidents.correlation = value;
      return ParameterError::ok;
    case Field::enquiry_after:
      s->incidents.enquiry_after_days = value;
      return ParameterError::ok;
    case Field::claim_paid_after:
      s->incidents.claim_paid_after_days = value;
      return ParameterError::ok;
    case Field::cost_of_capital:
      s->costs.cost_of_capital_percent = value;
      return ParameterError::ok;
    case Field::value_of_time:
      s->costs.value_of_time_percent_per_day = value;
      return ParameterError::ok;
    case Field::speed:
      s->costs.speed_kmh = value;
      return ParameterError::ok;
    case Field::time_limit:
      s->costs.time_limit_days = value;
      return ParameterError::ok;
    default:
      break;
  }
  KERVAN_ASSERT(false);  // The table pairs every top-level path with a field above.
  return ParameterError::path_unknown;
}

// The class's share becomes `value`; the others keep their proportions and take up the rest.
ParameterError apply_share(Scenario* s, RiskClass* target, double value, std::string* error) {
  double others = 0;
  for (const RiskClass& risk : s->risk_classes) {
    if (&risk != target) others += risk.share;
  }
  if (others <= 0) {
    if (value != 1) {
      return fail(ParameterError::share_rest_empty,
                  "risk_classes[" + target->name + "].share = " + format_number(value) +
                      ": no other class has a share to take up the rest (shares sum to 1)",
                  error);
    }
  } else {
    const double scale = (1 - value) / others;
    for (RiskClass& risk : s->risk_classes) {
      if (&risk != target) risk.share *= scale;
    }
  }
  target->share = value;
  return ParameterError::ok;
}

ParameterError apply_scheme(Scheme* scheme, const FieldInfo& info, double value,
                            std::string* error) {
  const char* why = nullptr;
  if (info.field == Field::sizing_factor && scheme->sizing != SizingRule::reference) {
    why = "has sizing = \"given\": it has no sizing_factor";
  } else if (info.field == Field::given_amount && scheme->sizing != SizingRule::given) {
    why = "has sizing = \"reference\": it has no given_amount_eur";
  } else if (info.field == Field::tir_cap && scheme->kind != SchemeKind::tir_like) {
    why = "is not tir_like: it has no tir_cap_eur";
  }
  if (why != nullptr) {
    return fail(ParameterError::field_not_applicable,
                "scheme " + quoted(scheme->name) + " " + why, error);
  }
  switch (info.field) {
    case Field::premium:
      scheme->premium_percent = value;
      break;
    case Field::collateral:
      scheme->collateral_percent = value;
      break;
    case Field::sizing_factor:
      scheme->sizing_factor = value;
      break;
    case Field::max_wait:
      scheme->max_wait_days = value;
      break;
    case Field::tir_cap:
      scheme->tir_cap_eur = value;
      break;
    case Field::given_amount:
      scheme->given_amount_eur = value;
      break;
    default:
      KERVAN_ASSERT(false);
  }
  return ParameterError::ok;
}

ParameterError apply_parsed(Scenario* s, const ParsedPath& parsed, double value,
                            std::string* error) {
  const FieldInfo& info = *parsed.info;
  switch (info.collection) {
    case Collection::none:
      return apply_global(s, info, value, error);
    case Collection::risk_classes: {
      RiskClass* risk = find_named(s->risk_classes, parsed.name);
      if (risk == nullptr) return name_unknown(s->risk_classes, parsed, error);
      if (info.field == Field::share) return apply_share(s, risk, value, error);
      (info.field == Field::incident_probability ? risk->incident_probability
                                                 : risk->loss_given_incident) = value;
      return ParameterError::ok;
    }
    case Collection::corridors: {
      Corridor* corridor = find_named(s->corridors, parsed.name);
      if (corridor == nullptr) return name_unknown(s->corridors, parsed, error);
      corridor->movements_per_day = value;
      return ParameterError::ok;
    }
    case Collection::schemes: {
      Scheme* scheme = find_named(s->schemes, parsed.name);
      if (scheme == nullptr) return name_unknown(s->schemes, parsed, error);
      return apply_scheme(scheme, info, value, error);
    }
  }
  KERVAN_ASSERT(false);
  return ParameterError::path_unknown;
}

}  // namespace

const char* parameter_error_name(ParameterError error) noexcept {
  switch (error) {
    case ParameterError::ok:
      return "ok";
    case ParameterError::path_unknown:
      return "path_unknown";
    case ParameterError::value_not_finite:
      return "value_not_finite";
    case ParameterError::value_not_integer:
      return "value_not_integer";
    case ParameterError::value_out_of_range:
      return "value_out_of_range";
    case ParameterError::name_unknown:
      return "name_unknown";
    case ParameterError::field_not_applicable:
      return "field_not_applicable";
    case ParameterError::share_rest_empty:
      return "share_rest_empty";
  }
  return "unknown";
}

ParameterError apply_parameter(Scenario* scenario, std::string_view path, double value,
                               std::string* error) {
  KERVAN_ASSERT(scenario != nullptr && error != nullptr);
  ParsedPath parsed;
  if (!parse_path(path, &parsed)) {
    return fail(ParameterError::path_unknown,
                quoted(path) + " is not a parameter path (known: " + known_paths() + ")", error);
  }
  const ParameterError checked = check_value(*parsed.info, path, value, error);
  if (checked != ParameterError::ok) return checked;
  // Every check comes before the first change, so a refusal leaves the scenario as it was.
  return apply_parsed(scenario, parsed, value, error);
}

ParameterError apply_point(Scenario* scenario, std::span<const std::string> names,
                           std::span<const double> values, size_t* failed, std::string* error) {
  KERVAN_ASSERT(names.size() == values.size());
  for (const bool factor_pass : {false, true}) {
    for (size_t d = 0; d < names.size(); ++d) {
      if ((names[d] == "traffic_factor") != factor_pass) continue;
      const ParameterError applied = apply_parameter(scenario, names[d], values[d], error);
      if (applied != ParameterError::ok) {
        *failed = d;
        return applied;
      }
    }
  }
  return ParameterError::ok;
}

bool parameter_is_integer(std::string_view path) noexcept {
  ParsedPath parsed;
  return parse_path(path, &parsed) && parsed.info->integer;
}

// ---- Metric names ----------------------------------------------------------------------------

namespace {

constexpr std::string_view known_metric_names[] = {
    "trucks",
    "released",
    "refused",
    "delayed",
    "arrived",
    "wait_mean_h",
    "guarantee_capacity_eur",
    "cover_mean_eur",
    "cover_peak_eur",
    "cover_p99_eur",
    "premium_eur",
    "capital_cost_eur",
    "guarantee_cost_per_movement_eur",
    "transit_days_p50",
    "transit_days_p95",
    "transit_days_p99",
    "value_of_time_eur",
    "claims",
    "claimed_eur",
    "drawn_eur",
    "uncovered_eur",
    "pool_loss_eur",
    "little_predicted_cover_eur",
    "little_relative_error",
};

}  // namespace

namespace sweep_detail {

bool metric_is_known(std::string_view name) {
  return std::find(std::begin(known_metric_names), std::end(known_metric_names), name) !=
         std::end(known_metric_names);
}

std::string known_metrics_text() {
  std::string text;
  for (const std::string_view name : known_metric_names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace sweep_detail

std::span<const std::string_view> sweep_known_metrics() noexcept {
  return known_metric_names;
}

}  // namespace kervan
