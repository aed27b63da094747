// Internal to the scenario file reader (sim/scenario_file.cc reads the sections,
// sim/scenario_fields.cc the fields they are made of): the Loader and what both halves share.
// The rest of the simulator sees only sim/scenario_file.h.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/transit/toml_loading.h"
#include "sim/distributions.h"
#include "sim/scenario_file.h"

namespace kervan::scenario_loading {

using toml_loading::child;
using toml_loading::element;
using toml_loading::Keys;
using toml_loading::quoted;

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr std::string_view embedded_reference = "embedded:carec";

// The interval a figure must lie in; open ends exclude the bound.
struct Range {
  double low = -inf;
  double high = inf;
  bool low_open = false;
  bool high_open = false;

  bool contains(double x) const {
    return (low_open ? x > low : x >= low) && (high_open ? x < high : x <= high);
  }
};
inline constexpr Range probability_range{.low = 0, .high = 1};
inline constexpr Range percent_range{.low = 0, .high = 100};
inline constexpr Range days_range{.low = 0, .high = scenario_days_max};
// The figures a fit judges: only an upper bound of sanity here, the fit checks the rest.
constexpr Range fit_input(double high) {
  return Range{.high = high};
}

enum class Need : uint8_t { required, optional };

// Whole numbers as integers ("1000000"), others in the shortest text that reads back as the
// same double ("9.9", "1e-09").
std::string format_number(double x);
std::string describe(const Range& range);
// What a fit's refusal means, in the file's terms.
const char* explain(FitError error);
// "070200" -> 70200, "000000" -> 0 (not classifiable); nullopt for anything else that is not
// six digits of a real chapter (01..99).
std::optional<uint32_t> parse_hs6(std::string_view text);
// The folder of a file name, with its trailing slash ("data/small.toml" -> "data/"); "" when it
// has none.
std::string folder_of(std::string_view file);

// Reads one parsed TOML document into a Scenario. Each read_* and load_* function returns false
// after recording the first error in *error_; callers stop at the first false.
class Loader : public toml_loading::Loader {
 public:
  using toml_loading::Loader::Loader;

  bool load(const toml::table& root, Scenario* scenario);

 private:
  const toml::array* as_array(const toml::node& node, const std::string& path, size_t count_min,
                              size_t count_max, const std::string& example);

  // Each reads table[key] into *out; an absent optional key leaves *out unchanged.
  bool number(const toml::table& table, std::string_view key, const std::string& path, Range range,
              Need need, double* out);
  bool integer(const toml::table& table, std::string_view key, const std::string& path, int64_t low,
               int64_t high, Need need, int64_t* out);
  bool text(const toml::table& table, std::string_view key, const std::string& path,
            std::string_view example, Need need, std::string* out);
  bool name(const toml::table& table, std::string_view key, const std::string& path, Need need,
            std::string* out);
  bool date(const toml::table& table, std::string_view key, const std::string& path, Need need,
            Date* out);
  bool read_number(const toml::node& node, const std::string& path, Range range, double* out);
  bool read_country(const toml::node& node, const std::string& path, Country* out);
  bool read_factors(const toml::table& table, std::string_view key, const std::string& path,
                    std::span<double> factors);
  bool fit_failed(FitError error, const char* fit, const toml::table& table,
                  const std::string& path, std::string_view key);

  bool load_header(const toml::table& root, Scenario* scenario);
  bool load_reference(const toml::table& root, Scenario* scenario);
  bool load_release_lag(const toml::table& root, Lognormal* lag);
  bool load_corridor(const toml::table& table, const std::string& path, Corridor* corridor);
  bool load_countries(const toml::table& table, const std::string& path, Corridor* corridor);
  bool check_country(const toml::node& node, const std::string& path, Country country);
  bool load_distances(const toml::table& table, const std::string& path, Corridor* corridor);
  bool load_crossings(const toml::table& table, const std::string& path, Corridor* corridor);
  bool load_crossing(const toml::table& table, const std::string& path, Country from, Country to,
                     BorderCrossing* crossing);
  bool load_border_time(const toml::table& table, const std::string& path,
                        LognormalMixture* time_h);
  bool load_closures(const toml::node& node, const std::string& path,
                     std::vector<Closure>* closures);
  bool load_closure(const toml::table& table, const std::string& path, const Closure* previous,
                    Closure* closure);
  bool load_cargo_class(const toml::table& table, const std::string& path, CargoClass* cargo);
  bool load_risk_class(const toml::table& table, const std::string& path, RiskClass* risk);
  bool load_incidents(const toml::table& root, Incidents* incidents);
  bool load_costs(const toml::table& root, Costs* costs);
  bool load_scheme(const toml::table& table, const std::string& path, Scheme* scheme);
  bool load_sizing(const toml::table& table, const std::string& path, Scheme* scheme);
  // Reads root[key], an array of 1 to count_max tables, each by load_item; then checks that
  // their names are unique and, for items with a share, that the shares sum to 1.
  template <typename Item>
  bool load_tables(const toml::table& root, std::string_view key, size_t count_max,
                   bool (Loader::*load_item)(const toml::table&, const std::string&, Item*),
                   std::vector<Item>* items);
  template <typename Item>
  bool check_shares(const toml::node& node, const std::string& path,
                    const std::vector<Item>& items);
  template <typename Item>
  bool check_unique_names(const toml::array& array, const std::string& path,
                          const std::vector<Item>& items);

  Date start_;                                // The scenario's start date, once read.
  const ReferenceData* reference_ = nullptr;  // Once loaded.
};

}  // namespace kervan::scenario_loading
