// The fields a scenario file is made of (numbers in ranges, integers, names, dates, countries,
// factor lists, fitted distributions), each read with the line and key of any error; and the
// helpers the section readers in scenario_file.cc share.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

#include "sim/scenario_loader.h"

namespace kervan::scenario_loading {

// Whole numbers as integers ("1000000"), others in the shortest text that reads back as the
// same double ("9.9", "1e-09").
std::string format_number(double x) {
  if (std::fabs(x) < 1e15 && x == std::trunc(x)) return std::to_string(static_cast<int64_t>(x));
  std::array<char, 64> buffer;
  const std::to_chars_result written =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  KERVAN_ASSERT(written.ec == std::errc());
  return std::string(buffer.data(), written.ptr);
}

std::string describe(const Range& range) {
  if (range.low == -inf) {
    return std::string(range.high_open ? "below " : "at most ") + format_number(range.high);
  }
  if (range.high == inf) {
    return std::string(range.low_open ? "above " : "at least ") + format_number(range.low);
  }
  return std::string("in ") + (range.low_open ? "(" : "[") + format_number(range.low) + ", " +
         format_number(range.high) + (range.high_open ? ")" : "]");
}

// What a fit's refusal means, in the file's terms.
const char* explain(FitError error) {
  switch (error) {
    case FitError::mean_not_positive:
      return "the mean must be above 0";
    case FitError::median_not_positive:
      return "the median must be above 0";
    case FitError::sigma_negative:
      return "a log standard deviation must be 0 or more";
    case FitError::quantile_not_above_mean:
      return "the 95th percentile must be above the mean";
    case FitError::quantile_too_far_above_mean:
      return "a lognormal's 95th percentile is at most 3.8687 times its mean";
    case FitError::weight_out_of_range:
      return "the tail weight must lie in [0, 1)";
    case FitError::tail_too_heavy_for_mean:
      return "tail_weight times the tail's mean must stay below the mean";
    case FitError::ok:
      break;
  }
  return "";
}

// "070200" -> 70200, "000000" -> 0 (not classifiable); nullopt for anything else that is not
// six digits of a real chapter (01..99).
std::optional<uint32_t> parse_hs6(std::string_view text) {
  if (text.size() != 6) return std::nullopt;
  uint32_t code = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + static_cast<uint32_t>(c - '0');
  }
  if (code != hs6_unclassified && !hs6_is_classified(code)) return std::nullopt;
  return code;
}

// The folder of a file name, with its trailing slash ("data/small.toml" -> "data/"); "" when it
// has none.
std::string folder_of(std::string_view file) {
  const size_t slash = file.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(file.substr(0, slash + 1));
}
const toml::array* Loader::as_array(const toml::node& node, const std::string& path,
                                    size_t count_min, size_t count_max,
                                    const std::string& example) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    fail(LoadErrorCode::type_wrong, node.source(), path, "expected an array " + example);
    return nullptr;
  }
  if (array->size() > count_max) {
    fail(LoadErrorCode::too_many, node.source(), path,
         "more than " + std::to_string(count_max) + " elements");
    return nullptr;
  }
  if (array->size() < count_min) {
    fail(LoadErrorCode::value_invalid, node.source(), path,
         "expected at least " + std::to_string(count_min) + " element" +
             (count_min == 1 ? "" : "s"));
    return nullptr;
  }
  return array;
}

bool Loader::read_number(const toml::node& node, const std::string& path, Range range,
                         double* out) {
  double value = 0;
  if (const toml::value<double>* floating = node.as_floating_point()) {
    value = floating->get();
  } else if (const toml::value<int64_t>* whole = node.as_integer()) {
    value = static_cast<double>(whole->get());
  } else {
    std::string message = "expected a number like 9.9";
    if (node.is_string()) message += " (without quotes)";
    return fail(LoadErrorCode::type_wrong, node.source(), path, std::move(message));
  }
  if (!std::isfinite(value)) {
    return fail(LoadErrorCode::value_invalid, node.source(), path, "not a finite number");
  }
  if (!range.contains(value)) {
    return fail(LoadErrorCode::value_out_of_range, node.source(), path,
                format_number(value) + " is not " + describe(range));
  }
  *out = value;
  return true;
}

bool Loader::number(const toml::table& table, std::string_view key, const std::string& path,
                    Range range, Need need, double* out) {
  const toml::node* node = need == Need::required ? required(table, key, path) : table.get(key);
  if (node == nullptr) return need == Need::optional;
  return read_number(*node, child(path, key), range, out);
}

bool Loader::integer(const toml::table& table, std::string_view key, const std::string& path,
                     int64_t low, int64_t high, Need need, int64_t* out) {
  const toml::node* node = need == Need::required ? required(table, key, path) : table.get(key);
  if (node == nullptr) return need == Need::optional;
  const toml::value<int64_t>* value = node->as_integer();
  std::string range = "[";  // Appended: GCC 12 warns falsely (-Wrestrict) on "[" + a + ...
  range += std::to_string(low);
  range += ", ";
  range += std::to_string(high);
  range += ']';
  if (value == nullptr) {
    return fail(LoadErrorCode::type_wrong, node->source(), child(path, key),
                "expected an integer in " + range);
  }
  if (value->get() < low || value->get() > high) {
    return fail(LoadErrorCode::value_out_of_range, node->source(), child(path, key),
                std::to_string(value->get()) + " is not in " + range);
  }
  *out = value->get();
  return true;
}

bool Loader::text(const toml::table& table, std::string_view key, const std::string& path,
                  std::string_view example, Need need, std::string* out) {
  const toml::node* node = need == Need::required ? required(table, key, path) : table.get(key);
  if (node == nullptr) return need == Need::optional;
  const toml::value<std::string>* value = node->as_string();
  if (value == nullptr) {
    return fail(LoadErrorCode::type_wrong, node->source(), child(path, key),
                "expected a string like " + quoted(example));
  }
  *out = value->get();
  return true;
}

bool Loader::name(const toml::table& table, std::string_view key, const std::string& path,
                  Need need, std::string* out) {
  std::string value;
  if (!text(table, key, path, "a name", need, &value)) return false;
  if (table.get(key) == nullptr) return true;
  if (value.empty() || value.size() > scenario_name_bytes_max) {
    return fail(LoadErrorCode::value_invalid, table.get(key)->source(), child(path, key),
                "expected 1 to " + std::to_string(scenario_name_bytes_max) + " bytes");
  }
  *out = std::move(value);
  return true;
}

bool Loader::date(const toml::table& table, std::string_view key, const std::string& path,
                  Need need, Date* out) {
  const toml::node* node = need == Need::required ? required(table, key, path) : table.get(key);
  if (node == nullptr) return need == Need::optional;
  const toml::value<toml::date>* value = node->as_date();
  if (value == nullptr) {
    std::string message = "expected a date like 2026-01-01";
    if (node->is_string()) message += " (a TOML date, without quotes)";
    return fail(LoadErrorCode::type_wrong, node->source(), child(path, key), std::move(message));
  }
  const toml::date& civil = value->get();
  const std::optional<Date> day = Date::from_civil(civil.year, civil.month, civil.day);
  if (!day) {
    return fail(LoadErrorCode::value_invalid, node->source(), child(path, key),
                "not a date between 0001-01-01 and 9999-12-31");
  }
  *out = *day;
  return true;
}

bool Loader::read_country(const toml::node& node, const std::string& path, Country* out) {
  const toml::value<std::string>* value = node.as_string();
  if (value == nullptr) {
    return fail(LoadErrorCode::type_wrong, node.source(), path, "expected a string like \"KZ\"");
  }
  const CountryError parsed = Country::parse(value->get(), out);
  if (parsed != CountryError::ok) {
    return fail(LoadErrorCode::value_invalid, node.source(), path,
                quoted(value->get()) + " is not an ISO 3166-1 alpha-2 code like \"KZ\" (" +
                    std::string(to_string(parsed)) + ")");
  }
  return true;
}

// An optional array of factors.size() seasonal factors in [0, 12] averaging 1; all 1 if absent.
bool Loader::read_factors(const toml::table& table, std::string_view key, const std::string& path,
                          std::span<double> factors) {
  std::fill(factors.begin(), factors.end(), 1.0);
  const toml::node* node = table.get(key);
  if (node == nullptr) return true;
  const std::string factors_path = child(path, key);
  const toml::array* array = as_array(*node, factors_path, 0, std::numeric_limits<size_t>::max(),
                                      "of numbers like [1.1, 0.9]");
  if (array == nullptr) return false;
  if (array->size() != factors.size()) {
    return fail(LoadErrorCode::value_invalid, node->source(), factors_path,
                "expected " + std::to_string(factors.size()) + " factors");
  }
  double sum = 0;
  for (size_t i = 0; i < factors.size(); ++i) {
    if (!read_number(*array->get(i), element(factors_path, i),
                     Range{.low = 0, .high = scenario_seasonal_factor_max}, &factors[i])) {
      return false;
    }
    sum += factors[i];
  }
  const double mean = sum / static_cast<double>(factors.size());
  if (std::fabs(mean - 1) > scenario_sum_tolerance) {
    return fail(LoadErrorCode::value_invalid, node->source(), factors_path,
                "the factors average " + format_number(mean) +
                    "; they must average 1 (movements_per_day is the mean)");
  }
  return true;
}

// Reports a fit's refusal at `key` of `table` (the figure most to blame).
bool Loader::fit_failed(FitError error, const char* fit, const toml::table& table,
                        const std::string& path, std::string_view key) {
  KERVAN_ASSERT(error != FitError::ok);
  const toml::node* node = table.get(key);
  const toml::source_region where = node != nullptr ? node->source() : table.source();
  return fail(LoadErrorCode::value_invalid, where, child(path, key),
              std::string(fit) + " refused the figures: " + fit_error_name(error) + " (" +
                  explain(error) + ")");
}

}  // namespace kervan::scenario_loading
