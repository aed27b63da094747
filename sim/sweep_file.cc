// The sweep file's loader (sim/sweep_file.h). toml++ is configured as in sim/scenario_file.cc
// (header-only, no exceptions, no formatters): the same macros in every file that includes it.
#include "sim/sweep_file.h"

#include "ledger/transit/toml_loading.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "core/assert.h"
#include "sim/scenario_file.h"
#include "sim/sweep_parameters.h"

namespace kervan {

using toml_loading::quoted;

using sweep_detail::describe;
using sweep_detail::Field;
using sweep_detail::FieldInfo;
using sweep_detail::format_number;
using sweep_detail::known_metrics_text;
using sweep_detail::known_paths;
using sweep_detail::metric_is_known;
using sweep_detail::parse_path;
using sweep_detail::ParsedPath;

namespace {

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
                quoted(text->get()) + " is not one of: grid, latin_hypercube");
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
                  quoted(name->get()) + " is not a metric a sweep can summarize (known: " +
                      known_metrics_text() + ")");
    }
    for (size_t j = 0; j < spec->metrics.size(); ++j) {
      if (spec->metrics[j] == name->get()) {
        return fail(LoadErrorCode::duplicate, item.source(), path,
                    quoted(name->get()) + " is also " + element("metrics", j));
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
                quoted(text->get()) + " is not a parameter path (known: " + known_paths() + ")");
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
                    quoted(parameter.path) + " is also the path of " + element("parameters", j));
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
  SweepSpec spec;
  spec.source = source_name;
  return toml_loading::read_document<SweepLoader>(text, source_name, std::move(spec), out, error);
}

}  // namespace

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

}  // namespace kervan
