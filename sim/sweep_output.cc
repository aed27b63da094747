// A sweep's outputs (sim/sweep_output.h): the CSV and JSON texts, the tornado charts, the printed
// report, and writing the files.
#include "sim/sweep_output.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <system_error>
#include <vector>

#include "sim/csv_field.h"
#include "sim/json_writer.h"
#include "sim/scenario_echo.h"
#include "sim/svg_plot.h"

namespace kervan {

using sweep_detail::display_number;
using sweep_detail::format_number;
using sweep_detail::Series;
using sweep_detail::series_of;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

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

}  // namespace kervan
