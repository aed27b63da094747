// Parameter sweeps. toml++ is configured as in sim/scenario_file.cc (header-only, no exceptions,
// no formatters): the same macros in every file that includes it.
#include "sim/sweep.h"

#include "ledger/transit/toml_loading.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <new>
#include <numeric>
#include <system_error>
#include <utility>

#include "core/assert.h"
#include "core/int128.h"
#include "sim/json_writer.h"
#include "sim/runner.h"
#include "sim/scenario_echo.h"
#include "sim/scenario_file.h"
#include "sim/summary.h"
#include "sim/svg_plot.h"

namespace kervan {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// 2^53: every integer up to it is exactly a double, so a seed survives the plan's doubles.
constexpr double seed_max = 9007199254740992.0;
constexpr uint64_t hypercube_stream = stream_id_of("sweep_latin_hypercube");

// ---- Parameter paths ------------------------------------------------------------------------

// The interval a value must lie in; open ends exclude the bound.
struct Range {
  double low = -inf;
  double high = inf;
  bool low_open = false;
  bool high_open = false;

  bool contains(double x) const {
    return (low_open ? x > low : x >= low) && (high_open ? x < high : x <= high);
  }
};

enum class Collection : uint8_t { none, risk_classes, corridors, schemes };

enum class Field : uint8_t {
  seed,
  principals,
  horizon_days,
  warmup_days,
  traffic_factor,
  release_lag_median,
  release_lag_sigma,
  correlation,
  enquiry_after,
  claim_paid_after,
  cost_of_capital,
  value_of_time,
  speed,
  time_limit,
  incident_probability,
  loss_given_incident,
  share,
  movements_per_day,
  premium,
  collateral,
  sizing_factor,
  max_wait,
  tir_cap,
  given_amount,
};

struct FieldInfo {
  Collection collection;
  std::string_view key;  // The whole path (Collection::none), else what follows "].".
  Field field;
  bool integer;
  Range range;  // The scenario file's range for the field.
};

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

struct ParsedPath {
  const FieldInfo* info = nullptr;
  std::string_view name;  // The element's name; empty for a top-level path.
};

// "risk_classes[AEO].share": the name runs from the first '[' to the last "].".
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

// Whole numbers as integers ("1000000"), others in the shortest text that reads back.
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

std::string in_quotes(std::string_view text) {
  std::string result;
  result.reserve(text.size() + 2);
  result += '"';
  result += text;
  result += '"';
  return result;
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
  message += " element named " + in_quotes(parsed.name) + " (it has: ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) message += ", ";
    message += in_quotes(items[i].name);
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
                          in_quotes(corridor.name) + " more than " +
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
                "scheme " + in_quotes(scheme->name) + " " + why, error);
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
                in_quotes(path) + " is not a parameter path (known: " + known_paths() + ")", error);
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

// ---- The sweep file -----------------------------------------------------------------------

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

using toml_loading::child;
using toml_loading::element;
using toml_loading::Keys;

// Reads one parsed sweep file. Each function returns false after recording the first error.
class SweepLoader : public toml_loading::Loader {
 public:
  using toml_loading::Loader::Loader;

  bool load(const toml::table& root, SweepSpec* spec);

 private:
  const toml::array* array_of(const toml::node& node, const std::string& path, size_t count_max,
                              std::string_view example);
  bool integer(const toml::table& table, std::string_view key, int64_t low, int64_t high,
               bool required, int64_t* out);
  bool value(const toml::node& node, const std::string& path, const ParsedPath& parsed,
             double* out);
  bool load_header(const toml::table& root, SweepSpec* spec);
  bool load_metrics(const toml::table& root, SweepSpec* spec);
  bool load_parameter(const toml::table& table, const std::string& path, SweepMethod method,
                      SweepParameter* parameter);
  bool load_parameters(const toml::table& root, SweepSpec* spec);
  bool check_across(const toml::array& array, const SweepSpec& spec);
};

const toml::array* SweepLoader::array_of(const toml::node& node, const std::string& path,
                                         size_t count_max, std::string_view example) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    std::string message = "expected an array ";
    message += example;
    fail(LoadErrorCode::type_wrong, node.source(), path, std::move(message));
    return nullptr;
  }
  if (array->size() > count_max) {
    fail(LoadErrorCode::too_many, node.source(), path,
         "more than " + std::to_string(count_max) + " elements");
    return nullptr;
  }
  if (array->empty()) {
    fail(LoadErrorCode::value_invalid, node.source(), path, "expected at least 1 element");
    return nullptr;
  }
  return array;
}

bool SweepLoader::integer(const toml::table& table, std::string_view key, int64_t low, int64_t high,
                          bool required, int64_t* out) {
  const toml::node* node = table.get(key);
  const std::string path(key);
  if (node == nullptr) {
    return !required || fail(LoadErrorCode::key_missing, table.source(), path, "missing");
  }
  std::string range = "[";
  range += std::to_string(low);
  range += ", ";
  range += std::to_string(high);
  range += ']';
  const toml::value<int64_t>* whole = node->as_integer();
  if (whole == nullptr) {
    return fail(LoadErrorCode::type_wrong, node->source(), path, "expected an integer in " + range);
  }
  if (whole->get() < low || whole->get() > high) {
    return fail(LoadErrorCode::value_out_of_range, node->source(), path,
                std::to_string(whole->get()) + " is not in " + range);
  }
  *out = whole->get();
  return true;
}

// A value of the parameter `parsed` names: a TOML integer for a count, else any number; finite
// and within the field's range.
bool SweepLoader::value(const toml::node& node, const std::string& path, const ParsedPath& parsed,
                        double* out) {
  const FieldInfo& info = *parsed.info;
  double number = 0;
  if (const toml::value<int64_t>* whole = node.as_integer()) {
    number = static_cast<double>(whole->get());
  } else if (const toml::value<double>* floating = node.as_floating_point();
             floating != nullptr && !info.integer) {
    number = floating->get();
  } else {
    std::string message =
        info.integer ? "expected an integer like 1000 (" : "expected a number like 0.5 (";
    message += info.integer ? "a count" : "a figure";
    message += node.is_string() ? ", without quotes)" : ")";
    return fail(LoadErrorCode::type_wrong, node.source(), path, std::move(message));
  }
  if (!std::isfinite(number)) {
    return fail(LoadErrorCode::value_invalid, node.source(), path, "not a finite number");
  }
  if (!info.range.contains(number)) {
    return fail(LoadErrorCode::value_out_of_range, node.source(), path,
                format_number(number) + " is not in " + describe(info.range));
  }
  *out = number;
  return true;
}

bool SweepLoader::load(const toml::table& root, SweepSpec* spec) {
  return check_keys(root, "",
                    {"format_version", "method", "points", "replications", "seed", "metrics",
                     "parameters"}) &&
         load_header(root, spec) && load_metrics(root, spec) && load_parameters(root, spec);
}

bool SweepLoader::load_header(const toml::table& root, SweepSpec* spec) {
  int64_t version = sweep_format_version;
  if (!integer(root, "format_version", sweep_format_version, sweep_format_version, false,
               &version)) {
    return false;
  }
  const toml::node* method = root.get("method");
  if (method == nullptr)
    return fail(LoadErrorCode::key_missing, root.source(), "method", "missing");
  const toml::value<std::string>* text = method->as_string();
  if (text == nullptr) {
    return fail(LoadErrorCode::type_wrong, method->source(), "method",
                "expected a string: \"grid\" or \"latin_hypercube\"");
  }
  if (text->get() == "grid") {
    spec->method = SweepMethod::grid;
  } else if (text->get() == "latin_hypercube") {
    spec->method = SweepMethod::latin_hypercube;
  } else {
    return fail(LoadErrorCode::value_invalid, method->source(), "method",
                in_quotes(text->get()) + " is not one of: grid, latin_hypercube");
  }
  const bool grid = spec->method == SweepMethod::grid;
  const std::string why = "only with method = \"latin_hypercube\"";
  int64_t points = 0;
  int64_t replications = 0;
  int64_t seed = int64_t(spec->seed);
  if ((grid ? !refuse_key(root, "points", "", why)
            : !integer(root, "points", 1, int64_t(sweep_points_max), true, &points)) ||
      !integer(root, "replications", 1, scenario_replications_max, false, &replications) ||
      (grid ? !refuse_key(root, "seed", "", why)
            : !integer(root, "seed", 0, std::numeric_limits<int64_t>::max(), false, &seed))) {
    return false;
  }
  spec->points = static_cast<uint32_t>(points);
  spec->replications = static_cast<uint32_t>(replications);
  spec->seed = static_cast<uint64_t>(seed);
  return true;
}

bool SweepLoader::load_metrics(const toml::table& root, SweepSpec* spec) {
  const toml::node* node = root.get("metrics");
  if (node == nullptr) return true;
  const toml::array* array =
      array_of(*node, "metrics", sweep_metrics_max, "of metric names like [\"cover_mean_eur\"]");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    const std::string path = element("metrics", i);
    const toml::value<std::string>* name = item.as_string();
    if (name == nullptr) {
      return fail(LoadErrorCode::type_wrong, item.source(), path,
                  "expected a string like \"cover_mean_eur\"");
    }
    if (!metric_is_known(name->get())) {
      return fail(LoadErrorCode::value_invalid, item.source(), path,
                  in_quotes(name->get()) + " is not a metric a sweep can summarize (known: " +
                      known_metrics_text() + ")");
    }
    for (size_t j = 0; j < spec->metrics.size(); ++j) {
      if (spec->metrics[j] == name->get()) {
        return fail(LoadErrorCode::duplicate, item.source(), path,
                    in_quotes(name->get()) + " is also " + element("metrics", j));
      }
    }
    spec->metrics.push_back(name->get());
  }
  return true;
}

bool SweepLoader::load_parameter(const toml::table& table, const std::string& path,
                                 SweepMethod method, SweepParameter* parameter) {
  if (!check_keys(table, path, {"path", "values", "low", "high"})) return false;
  const toml::node* path_node = table.get("path");
  const std::string path_path = child(path, "path");
  if (path_node == nullptr) {
    return fail(LoadErrorCode::key_missing, table.source(), path_path, "missing");
  }
  const toml::value<std::string>* text = path_node->as_string();
  if (text == nullptr) {
    return fail(LoadErrorCode::type_wrong, path_node->source(), path_path,
                "expected a string like \"incidents.correlation\"");
  }
  ParsedPath parsed;
  if (!parse_path(text->get(), &parsed)) {
    return fail(LoadErrorCode::value_invalid, path_node->source(), path_path,
                in_quotes(text->get()) + " is not a parameter path (known: " + known_paths() + ")");
  }
  parameter->path = text->get();
  parameter->line = path_node->source().begin.line;
  parameter->column = path_node->source().begin.column;
  if (method == SweepMethod::grid) {
    const std::string why = "only with method = \"latin_hypercube\" (a grid lists values)";
    if (!refuse_key(table, "low", path, why) || !refuse_key(table, "high", path, why)) {
      return false;
    }
    const toml::node* values = table.get("values");
    const std::string values_path = child(path, "values");
    if (values == nullptr) {
      return fail(LoadErrorCode::key_missing, table.source(), values_path, "missing");
    }
    const toml::array* array = array_of(*values, values_path, sweep_points_max, "of numbers");
    if (array == nullptr) return false;
    parameter->values.resize(array->size());
    for (size_t i = 0; i < array->size(); ++i) {
      if (!value(*array->get(i), element(values_path, i), parsed, &parameter->values[i])) {
        return false;
      }
    }
    return true;
  }
  if (!refuse_key(table, "values", path,
                  "only with method = \"grid\" (a Latin hypercube takes low and high)")) {
    return false;
  }
  for (const std::string_view key : {"low", "high"}) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return fail(LoadErrorCode::key_missing, table.source(), child(path, key), "missing");
    }
    if (!value(*node, child(path, key), parsed,
               key == "low" ? &parameter->low : &parameter->high)) {
      return false;
    }
  }
  if (parameter->high < parameter->low) {
    return fail(
        LoadErrorCode::order_invalid, table.get("high")->source(), child(path, "high"),
        format_number(parameter->high) + " is below low (" + format_number(parameter->low) + ")");
  }
  return true;
}

bool SweepLoader::load_parameters(const toml::table& root, SweepSpec* spec) {
  const toml::node* node = root.get("parameters");
  if (node == nullptr) {
    return fail(LoadErrorCode::key_missing, root.source(), "parameters",
                "missing: at least one [[parameters]] section");
  }
  const toml::array* array =
      array_of(*node, "parameters", sweep_parameters_max, "of tables ([[parameters]] sections)");
  if (array == nullptr) return false;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = element("parameters", i);
    const toml::table* table = array->get(i)->as_table();
    if (table == nullptr) {
      return fail(LoadErrorCode::type_wrong, array->get(i)->source(), path, "expected a table");
    }
    SweepParameter parameter;
    if (!load_parameter(*table, path, spec->method, &parameter)) return false;
    spec->parameters.push_back(std::move(parameter));
  }
  return check_across(*array, *spec);
}

// Paths unique; at most one share (each rescales the other classes, so a second would undo
// the first); a grid of at most sweep_points_max points.
bool SweepLoader::check_across(const toml::array& array, const SweepSpec& spec) {
  size_t share = spec.parameters.size();
  size_t points = 1;
  for (size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweepParameter& parameter = spec.parameters[i];
    const toml::node& path_node = *array.get(i)->as_table()->get("path");
    const std::string path = child(element("parameters", i), "path");
    for (size_t j = 0; j < i; ++j) {
      if (spec.parameters[j].path == parameter.path) {
        return fail(LoadErrorCode::duplicate, path_node.source(), path,
                    in_quotes(parameter.path) + " is also the path of " + element("parameters", j));
      }
    }
    ParsedPath parsed;
    const bool known = parse_path(parameter.path, &parsed);
    KERVAN_ASSERT(known);
    if (parsed.info->field == Field::share) {
      if (share != spec.parameters.size()) {
        return fail(LoadErrorCode::duplicate, path_node.source(), path,
                    "a second share parameter (" + element("parameters", share) +
                        " is one): setting a share rescales every other class, so a sweep "
                        "sets at most one");
      }
      share = i;
    }
    if (spec.method == SweepMethod::grid) {
      points = parameter.values.size() > sweep_points_max / points
                   ? sweep_points_max + 1
                   : points * parameter.values.size();
    }
  }
  if (points > sweep_points_max) {
    return fail(LoadErrorCode::too_many, array.source(), "parameters",
                "the grid has more than " + std::to_string(sweep_points_max) + " points");
  }
  return true;
}

LoadErrorCode load_sweep(std::string_view text, std::string_view source_name, SweepSpec* out,
                         LoadError* error) {
  toml::parse_result parsed;
  if (!toml_loading::parse(text, source_name, &parsed, error)) return error->code;
  SweepSpec spec;
  spec.source = source_name;
  SweepLoader loader(source_name, error);
  if (!loader.load(parsed.table(), &spec)) {
    KERVAN_ASSERT(error->code != LoadErrorCode::ok);
    return error->code;
  }
  *out = std::move(spec);
  return LoadErrorCode::ok;
}

}  // namespace

std::span<const std::string_view> sweep_known_metrics() noexcept {
  return known_metric_names;
}

std::string_view sweep_method_name(SweepMethod method) noexcept {
  return method == SweepMethod::grid ? "grid" : "latin_hypercube";
}

LoadErrorCode load_sweep_text(std::string_view text, std::string_view source_name, SweepSpec* out,
                              LoadError* error) noexcept {
  return toml_loading::without_exceptions(
      source_name, error, [&] { return load_sweep(text, source_name, out, error); });
}

LoadErrorCode load_sweep_file(const std::string& path, SweepSpec* out, LoadError* error) noexcept {
  return toml_loading::load_file(path, sweep_file_bytes_max, error, [&](const std::string& text) {
    return load_sweep(text, path, out, error);
  });
}

// ---- Planning and running ----------------------------------------------------------------

namespace {

std::vector<std::string> metrics_of(const SweepSpec& spec) {
  if (!spec.metrics.empty()) return spec.metrics;
  return std::vector<std::string>(sweep_default_metrics.begin(), sweep_default_metrics.end());
}

LoadErrorCode plan_error(const SweepSpec& spec, LoadErrorCode code, std::string path, uint32_t line,
                         uint32_t column, std::string message, LoadError* error) {
  *error = LoadError{.code = code,
                     .source = spec.source,
                     .line = line,
                     .column = column,
                     .path = std::move(path),
                     .message = std::move(message)};
  return code;
}

LoadErrorCode load_code_of(ParameterError error) {
  switch (error) {
    case ParameterError::value_out_of_range:
      return LoadErrorCode::value_out_of_range;
    case ParameterError::name_unknown:
    case ParameterError::field_not_applicable:
      return LoadErrorCode::reference_invalid;
    default:
      return LoadErrorCode::value_invalid;
  }
}

// Six significant digits, for people; files keep every digit.
std::string display_number(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

// "(a = 1, b = 0.25)": a point's values, exact (for errors) or for display (progress).
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

SamplingPlan unchecked_plan(const SweepSpec& spec, PlanError* error) {
  SamplingPlan plan;
  if (spec.method == SweepMethod::grid) {
    std::vector<ParameterValues> grid;
    for (const SweepParameter& p : spec.parameters) grid.push_back({p.path, p.values});
    *error = full_grid(grid, &plan);
    return plan;
  }
  std::vector<ParameterRange> ranges;
  for (const SweepParameter& p : spec.parameters) ranges.push_back({p.path, p.low, p.high});
  RandomStream stream(spec.seed, 0, hypercube_stream);
  *error = latin_hypercube(ranges, spec.points, stream, &plan);
  if (*error != PlanError::ok) return plan;
  for (size_t d = 0; d < spec.parameters.size(); ++d) {
    if (!parameter_is_integer(spec.parameters[d].path)) continue;
    for (std::vector<double>& point : plan.points) point[d] = std::round(point[d]);
  }
  return plan;
}

ConfidenceInterval interval_of(const MetricSummary& metric, size_t scheme, bool difference) {
  return difference ? metric.differences[scheme] : metric.schemes[scheme];
}

SweepRow row_of(const SimulationSummary& summary, const std::vector<std::string>& metrics,
                size_t point, std::span<const double> values) {
  SweepRow row;
  row.point = point;
  row.values.assign(values.begin(), values.end());
  const size_t schemes = summary.schemes.size();
  row.schemes.assign(schemes, std::vector<ConfidenceInterval>(metrics.size()));
  row.differences.assign(schemes, std::vector<ConfidenceInterval>(metrics.size()));
  for (size_t m = 0; m < metrics.size(); ++m) {
    const auto found = std::find_if(summary.metrics.begin(), summary.metrics.end(),
                                    [&](const MetricSummary& s) { return s.name == metrics[m]; });
    KERVAN_ASSERT(found != summary.metrics.end());  // sweep_known_metrics() are all measured.
    for (size_t k = 0; k < schemes; ++k) {
      row.schemes[k][m] = interval_of(*found, k, false);
      row.differences[k][m] = interval_of(*found, k, true);
    }
  }
  row.ledger_agrees = summary.ledger_agrees;
  row.first_disagreement = summary.first_disagreement;
  row.little_relative_error_max = summary.little_relative_error_max;
  return row;
}

// Mean ranks from 1, ties sharing the mean of the ranks they span.
std::vector<double> ranks_of(std::span<const double> values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t t = i; t < j; ++t) ranks[order[t]] = mean_rank;
    i = j;
  }
  return ranks;
}

// (v - mean) / sd with the n - 1 standard deviation; false when v is constant or not finite.
bool standardize(std::span<const double> values, std::vector<double>* out) {
  RunningStats stats;
  for (const double v : values) {
    if (!std::isfinite(v)) return false;
    stats.add(v);
  }
  if (stats.count() < 2) return false;
  const double sd = stats.standard_deviation();
  if (!(sd > 0) || !std::isfinite(sd)) return false;
  out->resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) (*out)[i] = (values[i] - stats.mean()) / sd;
  // A spread within rounding of the mean is no spread.
  return sd > 1e-12 * std::max(1.0, std::fabs(stats.mean()));
}

double dot(std::span<const double> a, std::span<const double> b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Solves a x = b (a is p x p, row-major in rows) by Gaussian elimination with partial
// pivoting; false when a pivot falls below `tiny` (singular for practical purposes).
bool solve(std::vector<std::vector<double>> a, std::vector<double> b, double tiny,
           std::vector<double>* x) {
  const size_t p = b.size();
  for (size_t col = 0; col < p; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < p; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    }
    if (!(std::fabs(a[pivot][col]) > tiny)) return false;
    std::swap(a[pivot], a[col]);
    std::swap(b[pivot], b[col]);
    for (size_t r = col + 1; r < p; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t c = col; c < p; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  x->assign(p, 0);
  for (size_t r = p; r-- > 0;) {
    double sum = b[r];
    for (size_t c = r + 1; c < p; ++c) sum -= a[r][c] * (*x)[c];
    (*x)[r] = sum / a[r][r];
  }
  return true;
}

struct Series {
  std::string name;
  size_t scheme;
  bool difference;
};

std::vector<Series> series_of(const std::vector<std::string>& schemes) {
  std::vector<Series> series;
  for (size_t k = 0; k < schemes.size(); ++k) series.push_back({schemes[k], k, false});
  for (size_t k = 1; k < schemes.size(); ++k) {
    series.push_back({schemes[k] + "_minus_" + schemes[0], k, true});
  }
  return series;
}

// Per metric and series: each parameter's Spearman rho and SRC across the points, strongest
// |rho| first (an undefined rho last, ties in parameter order).
std::vector<SensitivityRow> sensitivity_of(const SweepResult& r) {
  const size_t k = r.parameters.size();
  std::vector<std::vector<double>> x(k);
  for (const SweepRow& row : r.rows) {
    for (size_t d = 0; d < k; ++d) x[d].push_back(row.values[d]);
  }
  std::vector<SensitivityRow> table;
  for (size_t m = 0; m < r.metrics.size(); ++m) {
    for (const Series& s : series_of(r.schemes)) {
      std::vector<double> y;
      for (const SweepRow& row : r.rows) {
        y.push_back((s.difference ? row.differences : row.schemes)[s.scheme][m].mean);
      }
      std::vector<double> rho(k);
      for (size_t d = 0; d < k; ++d) rho[d] = spearman_rank_correlation(x[d], y);
      std::vector<double> src;
      double r_squared = nan;
      standardized_regression(x, y, &src, &r_squared);
      std::vector<size_t> order(k);
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const double fa = std::isnan(rho[a]) ? -1 : std::fabs(rho[a]);
        const double fb = std::isnan(rho[b]) ? -1 : std::fabs(rho[b]);
        return fa > fb;
      });
      for (size_t i = 0; i < k; ++i) {
        const size_t d = order[i];
        table.push_back(SensitivityRow{.metric = r.metrics[m],
                                       .series = s.name,
                                       .parameter = r.parameters[d],
                                       .rank = static_cast<uint32_t>(i + 1),
                                       .spearman = rho[d],
                                       .src = src[d],
                                       .r_squared = r_squared});
      }
    }
  }
  return table;
}

}  // namespace

double spearman_rank_correlation(std::span<const double> x, std::span<const double> y) {
  KERVAN_ASSERT(x.size() == y.size());
  if (x.size() < 2) return nan;
  std::vector<double> zx;
  std::vector<double> zy;
  if (!standardize(ranks_of(x), &zx) || !standardize(ranks_of(y), &zy)) return nan;
  const double rho = dot(zx, zy) / static_cast<double>(x.size() - 1);
  return std::clamp(rho, -1.0, 1.0);
}

void standardized_regression(const std::vector<std::vector<double>>& x, std::span<const double> y,
                             std::vector<double>* coefficients, double* r_squared) {
  coefficients->assign(x.size(), nan);
  *r_squared = nan;
  const size_t n = y.size();
  std::vector<double> zy;
  if (n < 2 || !standardize(y, &zy)) return;
  std::vector<size_t> used;
  std::vector<std::vector<double>> zx;
  for (size_t d = 0; d < x.size(); ++d) {
    KERVAN_ASSERT(x[d].size() == n);
    std::vector<double> z;
    if (!standardize(x[d], &z)) continue;
    used.push_back(d);
    zx.push_back(std::move(z));
  }
  const size_t p = used.size();
  if (p == 0 || n < p + 2) return;
  // The normal equations on standardized columns: the correlation matrix times beta equals
  // the correlations with y (both scaled by n - 1).
  std::vector<std::vector<double>> a(p, std::vector<double>(p));
  std::vector<double> b(p);
  for (size_t i = 0; i < p; ++i) {
    for (size_t j = 0; j < p; ++j) a[i][j] = dot(zx[i], zx[j]);
    b[i] = dot(zx[i], zy);
  }
  std::vector<double> beta;
  if (!solve(a, b, 1e-9 * static_cast<double>(n - 1), &beta)) return;
  for (size_t j = 0; j < p; ++j) (*coefficients)[used[j]] = beta[j];
  *r_squared = dot(beta, b) / static_cast<double>(n - 1);
}

LoadErrorCode plan_sweep(const Scenario& base, const SweepSpec& spec, SamplingPlan* out,
                         LoadError* error) {
  const std::vector<std::string> metrics = metrics_of(spec);
  for (size_t m = 0; m < metrics.size(); ++m) {
    if (!metric_is_known(metrics[m])) {
      return plan_error(spec, LoadErrorCode::value_invalid, element("metrics", m), 0, 0,
                        in_quotes(metrics[m]) + " is not a metric a sweep can summarize", error);
    }
  }
  PlanError planned = PlanError::ok;
  SamplingPlan plan = unchecked_plan(spec, &planned);
  if (planned != PlanError::ok) {
    const bool too_many =
        planned == PlanError::points_too_many || planned == PlanError::parameters_too_many;
    return plan_error(
        spec, too_many ? LoadErrorCode::too_many : LoadErrorCode::value_invalid, "parameters", 0, 0,
        std::string("the sampling plan was refused: ") + plan_error_name(planned), error);
  }
  // Each point on a copy without the reference data (which no parameter touches): the
  // checks cost a copy of a few vectors per point.
  Scenario light = base;
  light.reference = ReferenceData();
  for (size_t i = 0; i < plan.points.size(); ++i) {
    Scenario point = light;
    size_t failed = 0;
    std::string why;
    const ParameterError applied = apply_point(&point, plan.names, plan.points[i], &failed, &why);
    if (applied == ParameterError::ok) continue;
    const SweepParameter& parameter = spec.parameters[failed];
    return plan_error(spec, load_code_of(applied), child(element("parameters", failed), "path"),
                      parameter.line, parameter.column,
                      "point " + std::to_string(i) + " " +
                          point_text(plan.names, plan.points[i], true) + ": " + why + " [" +
                          parameter_error_name(applied) + "]",
                      error);
  }
  *out = std::move(plan);
  return LoadErrorCode::ok;
}

LoadErrorCode run_sweep(const Scenario& base, const SweepSpec& spec, const SweepOptions& options,
                        SweepResult* out, LoadError* error) {
  KERVAN_ASSERT(!base.schemes.empty());
  SamplingPlan plan;
  if (plan_sweep(base, spec, &plan, error) != LoadErrorCode::ok) return error->code;
  SweepResult result;
  result.method = spec.method;
  result.replications = spec.replications != 0 ? spec.replications : base.replications;
  result.parameters = plan.names;
  for (const Scheme& scheme : base.schemes) result.schemes.push_back(scheme.name);
  result.metrics = metrics_of(spec);
  for (size_t i = 0; i < plan.points.size(); ++i) {
    const auto started = std::chrono::steady_clock::now();
    Scenario scenario = base;
    size_t failed = 0;
    std::string why;
    const ParameterError applied =
        apply_point(&scenario, plan.names, plan.points[i], &failed, &why);
    KERVAN_ASSERT(applied == ParameterError::ok);  // plan_sweep() checked every point.
    scenario.replications = result.replications;
    SimulationOptions simulation;
    simulation.threads = options.threads;
    const SimulationSummary summary = summarize(run_replications(scenario, simulation));
    SweepRow row = row_of(summary, result.metrics, i, plan.points[i]);
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.ledger_agrees = result.ledger_agrees && row.ledger_agrees;
    result.rows.push_back(std::move(row));
    if (options.progress) options.progress(result.rows.back(), i + 1, plan.points.size());
  }
  if (spec.method == SweepMethod::latin_hypercube) result.sensitivity = sensitivity_of(result);
  *out = std::move(result);
  return LoadErrorCode::ok;
}

// ---- Outputs --------------------------------------------------------------------------------

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted_text = "\"";
  for (const char c : text) {
    if (c == '"') quoted_text += '"';
    quoted_text += c;
  }
  quoted_text += '"';
  return quoted_text;
}

// Non-finite (a half-width from one replication, an undefined correlation): an empty field.
std::string csv_number(double x) {
  return std::isfinite(x) ? format_double(x) : std::string();
}

void append_cell(std::string* line, std::string_view cell) {
  if (!line->empty()) *line += ',';
  *line += cell;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// For the printed table: 12.35M, 850.2k, 0.0123.
std::string short_number(double x) {
  if (!std::isfinite(x)) return "-";
  const double magnitude = std::fabs(x);
  if (magnitude >= 1e6) return fixed(x / 1e6, 2) + "M";
  if (magnitude >= 1e4) return fixed(x / 1e3, 1) + "k";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text + " ";
}

bool write_file(const std::filesystem::path& path, const std::string& text, std::string* error) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file) {
    *error = "cannot write " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void json_intervals(JsonWriter& j, const SweepResult& r,
                    const std::vector<ConfidenceInterval>& intervals) {
  j.key("metrics").begin_object();
  for (size_t m = 0; m < r.metrics.size(); ++m) {
    j.key(r.metrics[m]).begin_object().key("mean").value(intervals[m].mean);
    j.key("half_width_95").value(intervals[m].half_width).end_object();
  }
  j.end_object();
}

void json_spec(JsonWriter& j, const SweepSpec& spec, const SweepResult& r) {
  j.key("method").value(sweep_method_name(spec.method));
  j.key("points").value(uint64_t{r.rows.size()});
  j.key("replications").value(r.replications);
  if (spec.method == SweepMethod::latin_hypercube) j.key("plan_seed").value(spec.seed);
  j.key("parameters").begin_array();
  for (const SweepParameter& p : spec.parameters) {
    j.begin_object().key("path").value(p.path);
    if (spec.method == SweepMethod::grid) {
      j.key("values").begin_array();
      for (const double v : p.values) j.value(v);
      j.end_array();
    } else {
      j.key("low").value(p.low).key("high").value(p.high);
    }
    j.end_object();
  }
  j.end_array();
}

std::string tornado_svg(const SweepResult& r, size_t metric) {
  BarChart chart;
  chart.title = "Sensitivity of " + r.metrics[metric] + ": Spearman's rho over " +
                std::to_string(r.rows.size()) + " points";
  chart.x_label = "parameter (strongest first)";
  chart.y_label = "Spearman's rho";
  chart.value_labels = true;
  // Parameters by their strongest |rho| over the schemes.
  std::vector<double> strength(r.parameters.size(), -1);
  std::vector<std::vector<double>> rho(r.schemes.size(),
                                       std::vector<double>(r.parameters.size(), nan));
  for (const SensitivityRow& row : r.sensitivity) {
    if (row.metric != r.metrics[metric]) continue;
    const auto k = std::find(r.schemes.begin(), r.schemes.end(), row.series);
    if (k == r.schemes.end()) continue;  // A difference: not drawn.
    const auto d = static_cast<size_t>(
        std::find(r.parameters.begin(), r.parameters.end(), row.parameter) - r.parameters.begin());
    rho[static_cast<size_t>(k - r.schemes.begin())][d] = row.spearman;
    if (!std::isnan(row.spearman)) strength[d] = std::max(strength[d], std::fabs(row.spearman));
  }
  std::vector<size_t> order(r.parameters.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return strength[a] > strength[b]; });
  for (const size_t d : order) chart.categories.push_back(r.parameters[d]);
  for (size_t k = 0; k < r.schemes.size(); ++k) {
    BarSeries series{.name = r.schemes[k], .values = {}};
    for (const size_t d : order) series.values.push_back(rho[k][d]);
    chart.series.push_back(std::move(series));
  }
  return bar_chart(chart);
}

}  // namespace

std::string sweep_csv(const SweepResult& r) {
  std::string header = "point";
  for (const std::string& name : r.parameters) append_cell(&header, csv_field(name));
  const std::vector<Series> series = series_of(r.schemes);
  for (const Series& s : series) {
    for (const std::string& metric : r.metrics) {
      append_cell(&header, csv_field(metric + "." + s.name + ".mean"));
      append_cell(&header, csv_field(metric + "." + s.name + ".hw95"));
    }
  }
  append_cell(&header, "ledger_agrees");
  std::string out = header + "\n";
  for (const SweepRow& row : r.rows) {
    std::string line = std::to_string(row.point);
    for (const double v : row.values) append_cell(&line, format_number(v));
    for (const Series& s : series) {
      const std::vector<ConfidenceInterval>& intervals =
          (s.difference ? row.differences : row.schemes)[s.scheme];
      for (const ConfidenceInterval& ci : intervals) {
        append_cell(&line, csv_number(ci.mean));
        append_cell(&line, csv_number(ci.half_width));
      }
    }
    append_cell(&line, row.ledger_agrees ? "1" : "0");
    out += line;
    out += '\n';
  }
  return out;
}

std::string sensitivity_csv(const SweepResult& r) {
  std::string out = "metric,series,parameter,rank,spearman,src,r_squared\n";
  for (const SensitivityRow& row : r.sensitivity) {
    std::string line = csv_field(row.metric);
    append_cell(&line, csv_field(row.series));
    append_cell(&line, csv_field(row.parameter));
    append_cell(&line, std::to_string(row.rank));
    append_cell(&line, csv_number(row.spearman));
    append_cell(&line, csv_number(row.src));
    append_cell(&line, csv_number(row.r_squared));
    out += line;
    out += '\n';
  }
  return out;
}

std::string sweep_json(const Scenario& base, const SweepSpec& spec, const SweepResult& r) {
  JsonWriter j;
  j.begin_object();
  j.key("scenario").value(base.name);
  j.key("scenario_seed").value(base.seed);
  json_spec(j, spec, r);
  j.key("schemes").begin_array();
  for (const std::string& name : r.schemes) j.value(name);
  j.end_array();
  j.key("metrics").begin_array();
  for (const std::string& name : r.metrics) j.value(name);
  j.end_array();
  j.key("ledger_agrees").value(r.ledger_agrees);
  j.key("rows").begin_array();
  for (const SweepRow& row : r.rows) {
    j.begin_object().key("point").value(uint64_t{row.point}).key("values").begin_object();
    for (size_t d = 0; d < r.parameters.size(); ++d) j.key(r.parameters[d]).value(row.values[d]);
    j.end_object();
    j.key("ledger_agrees").value(row.ledger_agrees);
    j.key("first_disagreement").value(row.first_disagreement);
    j.key("little_relative_error_max").value(row.little_relative_error_max);
    j.key("schemes").begin_array();
    for (size_t k = 0; k < r.schemes.size(); ++k) {
      j.begin_object().key("scheme").value(r.schemes[k]);
      json_intervals(j, r, row.schemes[k]);
      j.end_object();
    }
    j.end_array().key("differences").begin_array();
    for (size_t k = 1; k < r.schemes.size(); ++k) {
      j.begin_object().key("scheme").value(r.schemes[k]).key("minus").value(r.schemes[0]);
      json_intervals(j, r, row.differences[k]);
      j.end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();
  if (spec.method == SweepMethod::latin_hypercube) {
    j.key("sensitivity").begin_array();
    for (const SensitivityRow& row : r.sensitivity) {
      j.begin_object().key("metric").value(row.metric).key("series").value(row.series);
      j.key("parameter").value(row.parameter).key("rank").value(row.rank);
      j.key("spearman").value(row.spearman).key("src").value(row.src);
      j.key("r_squared").value(row.r_squared).end_object();
    }
    j.end_array();
  }
  j.end_object();
  return j.text() + "\n";
}

std::string sweep_report(const Scenario& base, const SweepResult& r) {
  constexpr size_t points_shown_max = 40;
  constexpr size_t column_width = 12;
  std::string out = "Kervan sweep: " + base.name + "; " + std::string(sweep_method_name(r.method)) +
                    ", " + std::to_string(r.rows.size()) + " point(s) x " +
                    std::to_string(r.replications) + " replication(s); means over replications\n\n";
  const size_t metrics_shown = std::min<size_t>(2, r.metrics.size());
  const std::vector<Series> series = series_of(r.schemes);
  std::string header = pad("point", 6);
  for (const std::string& name : r.parameters)
    header += pad(name, std::max(column_width, name.size()));
  for (size_t m = 0; m < metrics_shown; ++m) {
    for (const Series& s : series) {
      const std::string title = r.metrics[m] + " " + s.name;
      header += pad(title, std::max(column_width, title.size()));
    }
  }
  out += header + "\n";
  for (size_t i = 0; i < r.rows.size() && i < points_shown_max; ++i) {
    const SweepRow& row = r.rows[i];
    std::string line = pad(std::to_string(row.point), 6);
    for (size_t d = 0; d < r.parameters.size(); ++d) {
      line += pad(display_number(row.values[d]), std::max(column_width, r.parameters[d].size()));
    }
    for (size_t m = 0; m < metrics_shown; ++m) {
      for (const Series& s : series) {
        const double mean = (s.difference ? row.differences : row.schemes)[s.scheme][m].mean;
        line += pad(short_number(mean),
                    std::max(column_width, r.metrics[m].size() + 1 + s.name.size()));
      }
    }
    out += line + "\n";
  }
  if (r.rows.size() > points_shown_max) {
    out += "... " + std::to_string(r.rows.size() - points_shown_max) + " more in sweep.csv\n";
  }
  if (!r.sensitivity.empty()) {
    out += "\nSensitivity (Spearman's rho across the points; strongest three):\n";
    for (const SensitivityRow& row : r.sensitivity) {
      if (row.rank > 3) continue;
      if (row.rank == 1) out += "  " + row.metric + ", " + row.series + ":";
      out += " " + row.parameter + " " + (std::isnan(row.spearman) ? "-" : fixed(row.spearman, 2));
      const bool last = row.rank == 3 || row.rank == r.parameters.size();
      if (last) out += "\n";
    }
  }
  out += "\nChecks: the ledger agreed with the simulator's accounting at every point: ";
  if (r.ledger_agrees) {
    out += "yes\n";
  } else {
    for (const SweepRow& row : r.rows) {
      if (row.ledger_agrees) continue;
      out += "NO (point " + std::to_string(row.point) + ": " + row.first_disagreement + ")\n";
      break;
    }
  }
  return out;
}

bool write_sweep_outputs(const std::string& folder, const Scenario& base, const SweepSpec& spec,
                         const SweepResult& result, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    *error = "cannot create " + folder + ": " + ec.message();
    return false;
  }
  const std::filesystem::path dir(folder);
  if (!write_file(dir / "sweep.csv", sweep_csv(result), error) ||
      !write_file(dir / "sweep.json", sweep_json(base, spec, result), error) ||
      !write_file(dir / "scenario.json", scenario_json(base) + "\n", error)) {
    return false;
  }
  if (result.method != SweepMethod::latin_hypercube) return true;
  if (!write_file(dir / "sensitivity.csv", sensitivity_csv(result), error)) return false;
  for (size_t m = 0; m < result.metrics.size(); ++m) {
    if (!write_file(dir / ("tornado_" + result.metrics[m] + ".svg"), tornado_svg(result, m),
                    error)) {
      return false;
    }
  }
  return true;
}

// ---- The command ----------------------------------------------------------------------------

namespace {

void usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan simulate --sweep SWEEP.toml [--scenario FILE] [--out DIR]\n"
               "                       [--threads N] [--quiet]\n"
               "  runs the scenario (default: the embedded CAREC scenario) at every point of the\n"
               "  sweep and writes sweep.csv, sweep.json (and for a Latin hypercube\n"
               "  sensitivity.csv and tornado SVGs) to DIR (default var/sweep)\n");
}

void print_header(const Scenario& scenario, const SweepSpec& spec, const SamplingPlan& plan,
                  const SweepCommand& command, std::FILE* err) {
  const uint32_t replications = spec.replications != 0 ? spec.replications : scenario.replications;
  std::fprintf(err,
               "kervan simulate --sweep: %s, %s, %zu point(s) x %u replication(s), %zu "
               "scheme(s), output %s\n",
               scenario.name.c_str(), std::string(sweep_method_name(spec.method)).c_str(),
               plan.points.size(), replications, scenario.schemes.size(), command.folder.c_str());
  for (const SweepParameter& p : spec.parameters) {
    ParsedPath parsed;
    if (!parse_path(p.path, &parsed) || parsed.info->field != Field::share) continue;
    std::fprintf(err,
                 "  note: %s: the other risk classes' shares are scaled by (1 - share) / (their "
                 "sum), so the shares still sum to 1\n",
                 p.path.c_str());
  }
}

}  // namespace

int run_sweep_command(const SweepCommand& command, std::FILE* out, std::FILE* err) {
  SweepSpec spec;
  LoadError error;
  if (load_sweep_file(command.sweep_path, &spec, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  Scenario scenario;
  const LoadErrorCode loaded = command.scenario_path.empty()
                                   ? load_default_scenario(&scenario, &error)
                                   : load_scenario_file(command.scenario_path, &scenario, &error);
  SamplingPlan plan;
  if (loaded != LoadErrorCode::ok ||
      plan_sweep(scenario, spec, &plan, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  SweepOptions options;
  options.threads = command.threads;
  if (!command.quiet) {
    print_header(scenario, spec, plan, command, err);
    options.progress = [err, &plan](const SweepRow& row, size_t done, size_t total) {
      std::fprintf(err, "  point %zu/%zu %s: %.2f s%s\n", done, total,
                   point_text(plan.names, row.values, false).c_str(), row.seconds,
                   row.ledger_agrees ? "" : ", THE LEDGER DISAGREES");
    };
  }
  SweepResult result;
  if (run_sweep(scenario, spec, options, &result, &error) != LoadErrorCode::ok) {
    std::fprintf(err, "kervan simulate: %s\n", error.to_string().c_str());
    return 2;
  }
  std::fprintf(out, "%s", sweep_report(scenario, result).c_str());
  std::string write_error;
  if (!write_sweep_outputs(command.folder, scenario, spec, result, &write_error)) {
    std::fprintf(err, "kervan simulate: %s\n", write_error.c_str());
    return 1;
  }
  std::fprintf(
      out, "Outputs: %s/ (sweep.csv, sweep.json, scenario.json%s)\n", command.folder.c_str(),
      result.method == SweepMethod::latin_hypercube ? ", sensitivity.csv, tornado_<metric>.svg"
                                                    : "");
  return result.ledger_agrees ? 0 : 1;
}

int run_sweep_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  SweepCommand command;
  for (int i = 0; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--quiet") {
      command.quiet = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(err, "kervan simulate: %s needs a value\n", argv[i]);
      usage(err);
      return 2;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--sweep") {
      command.sweep_path = value;
    } else if (flag == "--scenario") {
      command.scenario_path = value;
    } else if (flag == "--out") {
      command.folder = value;
    } else if (flag == "--threads") {
      u128 threads = 0;
      ok = parse_u128(value.data(), value.data() + value.size(), &threads) && threads <= 1024;
      command.threads = static_cast<uint32_t>(threads);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(err, "kervan simulate: bad flag or value: %s %s\n", argv[i - 1], argv[i]);
      usage(err);
      return 2;
    }
  }
  if (command.sweep_path.empty()) {
    usage(err);
    return 2;
  }
  return run_sweep_command(command, out, err);
}

}  // namespace kervan
