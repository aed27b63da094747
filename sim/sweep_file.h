// The sweep file (docs/simulator_sweeps.md, "The sweep file"): what a sweep asks for (SweepSpec:
// the method, the parameters with their values or ranges, the points, replications, plan seed
// and metrics) and its loader. The paths and metric names it accepts are sim/sweep_parameters.h's.
//
// The sweep file is TOML read with toml++ (no exceptions), errors in the scenario file's style:
// LoadError and LoadErrorCode, "file:line:column: path: message". Nothing here throws; the
// loaders catch allocation failure and report it as `internal`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/transit/reference_data.h"
#include "sim/sampling_plan.h"

namespace kervan {

inline constexpr int64_t sweep_format_version = 1;
inline constexpr size_t sweep_file_bytes_max = size_t{1024} * 1024;
inline constexpr size_t sweep_parameters_max = plan_parameters_max;
inline constexpr size_t sweep_points_max = plan_points_max;  // Hypercube points; grid product.
inline constexpr size_t sweep_metrics_max = 32;

enum class SweepMethod : uint8_t { grid = 1, latin_hypercube = 2 };
std::string_view sweep_method_name(SweepMethod method) noexcept;  // "grid", "latin_hypercube".

struct SweepParameter {
  std::string path;
  std::vector<double> values;  // grid: the values, in the order to run them.
  double low = 0;              // latin_hypercube: the range [low, high].
  double high = 0;
  uint32_t line = 0;  // Where `path` stands in the sweep file; 0 when built in code.
  uint32_t column = 0;
};

struct SweepSpec {
  SweepMethod method = SweepMethod::grid;
  std::vector<SweepParameter> parameters;  // In the file's order: the columns of the rows.
  uint32_t points = 0;                     // latin_hypercube: how many points.
  uint32_t replications = 0;               // Per point; 0: the scenario's.
  uint64_t seed = 1;                       // latin_hypercube: names the plan's random stream.
  std::vector<std::string> metrics;        // Headline metrics; empty: sweep_default_metrics.
  std::string source;                      // The file's name, for errors about it ("" in code).
};

// Loads a sweep from TOML text (`source_name` names it in errors). Returns ok and fills *out,
// or the first error, with *error filled and *out unchanged. Never throws. Order: syntax;
// unknown top-level keys; then format_version (optional, 1), method, points, replications,
// seed, metrics, parameters (each: unknown keys, path, then values or low and high, in order);
// then across parameters: the same path twice, two share parameters, too many grid points.
// Codes: syntax; key_unknown (also points or seed with method = "grid", values with
// "latin_hypercube", low or high with "grid"); key_missing; type_wrong (a float for an integer
// path or count); value_invalid (an unknown method, metric or path, a non-finite number);
// value_out_of_range (a value outside its path's range, a count out of bounds); order_invalid
// (high below low); duplicate (a path or metric twice; a second share parameter: each share
// rescales the other classes); too_many (more than sweep_parameters_max parameters,
// sweep_metrics_max metrics or sweep_points_max grid points). Whether a <name> exists is known
// only with the scenario: plan_sweep() checks it.
[[nodiscard]] LoadErrorCode load_sweep_text(std::string_view text, std::string_view source_name,
                                            SweepSpec* out, LoadError* error) noexcept;

// Reads the file at `path` (at most sweep_file_bytes_max bytes), then as above:
// file_unreadable or file_too_large before any of the above.
[[nodiscard]] LoadErrorCode load_sweep_file(const std::string& path, SweepSpec* out,
                                            LoadError* error) noexcept;

}  // namespace kervan
