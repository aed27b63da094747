#include "sim/output.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/json_writer.h"
#include "sim/scenario_echo.h"
#include "sim/svg_plot.h"

namespace kervan {

namespace {

// The report's rows: a metric, its label, and the unit it is shown in.
struct Row {
  const char* metric;
  const char* label;
  double scale;  // Shown value = value / scale.
  int decimals;
};
constexpr Row report_rows[] = {
    {"guarantee_capacity_eur", "Guarantee capacity, EUR M", 1e6, 2},
    {"cover_mean_eur", "Cover in use, mean, EUR M", 1e6, 2},
    {"cover_peak_eur", "Cover in use, peak, EUR M", 1e6, 2},
    {"cover_p99_eur", "Cover in use, p99, EUR M", 1e6, 2},
    {"premium_eur", "Premium, EUR M", 1e6, 3},
    {"capital_cost_eur", "Cost of collateral, EUR M", 1e6, 3},
    {"guarantee_cost_per_movement_eur", "Guarantee cost per movement, EUR", 1, 2},
    {"trucks", "Movements asked", 1, 0},
    {"delayed", "Movements delayed for cover", 1, 0},
    {"refused", "Movements refused for cover", 1, 0},
    {"wait_mean_h", "Wait for cover, mean, h", 1, 2},
    {"transit_days_p50", "Transit time p50, days", 1, 2},
    {"transit_days_p95", "Transit time p95, days", 1, 2},
    {"transit_days_p99", "Transit time p99, days", 1, 2},
    {"value_of_time_eur", "Value-of-time cost, EUR M", 1e6, 2},
    {"claims", "Claims", 1, 1},
    {"claimed_eur", "Duty claimed, EUR k", 1e3, 1},
    {"drawn_eur", "Drawn from guarantees, EUR k", 1e3, 1},
    {"uncovered_eur", "Uncovered duty, EUR k", 1e3, 1},
    {"pool_loss_eur", "Guarantee pool loss, EUR k", 1e3, 1},
};

const MetricSummary* find_metric(const SimulationSummary& s, std::string_view name) {
  for (const MetricSummary& m : s.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string interval(const ConfidenceInterval& ci, double scale, int decimals) {
  std::string text = fixed(ci.mean / scale, decimals);
  if (ci.n >= 2 && std::isfinite(ci.half_width)) {
    text += " ± " + fixed(ci.half_width / scale, decimals);
  }
  return text;
}

// Pads to `width` display columns (± is one column, two bytes).
std::string pad(std::string text, size_t width) {
  size_t columns = 0;
  for (const char c : text) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  if (columns < width) text.append(width - columns, ' ');
  return text;
}

bool write_file(const std::filesystem::path& path, const std::string& text, std::string* error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    *error = "cannot write " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::string summary_json(const Scenario& scenario, const SimulationSummary& s) {
  JsonWriter j;
  j.begin_object();
  j.key("scenario").value(scenario.name);
  j.key("seed").value(scenario.seed);
  j.key("replications").value(s.replications);
  j.key("schemes").begin_array();
  for (const std::string& name : s.schemes) j.value(name);
  j.end_array();
  j.key("metrics").begin_array();
  for (const MetricSummary& m : s.metrics) {
    j.begin_object().key("name").value(m.name).key("schemes").begin_array();
    for (size_t k = 0; k < m.schemes.size(); ++k) {
      const ConfidenceInterval& ci = m.schemes[k];
      j.begin_object().key("scheme").value(s.schemes[k]).key("mean").value(ci.mean).key(
          "half_width_95").value(ci.half_width);
      if (k != 0) {
        const ConfidenceInterval& d = m.differences[k];
        j.key("minus_" + s.schemes[0]).begin_object().key("mean").value(d.mean).key(
            "half_width_95").value(d.half_width).end_object();
      }
      j.end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();
  j.key("distributions").begin_array();
  for (size_t k = 0; k < s.distributions.size(); ++k) {
    const SchemeDistributions& d = s.distributions[k];
    j.begin_object().key("scheme").value(s.schemes[k]);
    j.key("transit_days").begin_object().key("p50").value(d.transit_days_p50).key("p95").value(
        d.transit_days_p95).key("p99").value(d.transit_days_p99).end_object();
    j.key("yearly_pool_loss_eur").begin_object().key("var_99").value(
        d.yearly_pool_loss.value_at_risk).key("es_99").value(
        d.yearly_pool_loss.expected_shortfall).end_object();
    j.key("claim_loss_eur").begin_object().key("var_99").value(d.claim_loss.value_at_risk).key(
        "es_99").value(d.claim_loss.expected_shortfall).end_object();
    j.end_object();
  }
  j.end_array();
  j.key("checks").begin_object().key("ledger_agrees").value(s.ledger_agrees).key(
      "first_disagreement").value(s.first_disagreement).key("little_relative_error_max").value(
      s.little_relative_error_max).key("ledger_steps").value(s.ledger_steps).end_object();
  j.end_object();
  return j.text() + "\n";
}

std::string summary_csv(const SimulationSummary& s) {
  std::string out = "metric,scheme,mean,ci95_low,ci95_high,replications,minus_" +
                    (s.schemes.empty() ? std::string("first") : s.schemes[0]) +
                    "_mean,minus_ci95_low,minus_ci95_high\n";
  for (const MetricSummary& m : s.metrics) {
    for (size_t k = 0; k < m.schemes.size(); ++k) {
      const ConfidenceInterval& ci = m.schemes[k];
      out += m.name + "," + s.schemes[k] + "," + format_double(ci.mean) + "," +
             format_double(ci.lower()) + "," + format_double(ci.upper()) + "," +
             std::to_string(ci.n) + ",";
      if (k != 0) {
        const ConfidenceInterval& d = m.differences[k];
        out += format_double(d.mean) + "," + format_double(d.lower()) + "," +
               format_double(d.upper());
      } else {
        out += ",,";
      }
      out += "\n";
    }
  }
  return out;
}

std::string runs_csv(const std::vector<ReplicationResult>& replications) {
  std::string out = "replication,scheme,metric,value\n";
  for (const ReplicationResult& r : replications) {
    for (const SchemeRunResult& run : r.schemes) {
      for (const Metric& m : run.metrics) {
        out += std::to_string(r.replication) + "," + run.scheme + "," + m.name + "," +
               format_double(m.value) + "\n";
      }
    }
  }
  return out;
}

std::string daily_csv(const Scenario& scenario, const SimulationSummary& s) {
  std::string out = "day,date";
  for (const std::string& name : s.schemes) out += ",cover_eur_" + name;
  out += "\n";
  const size_t days = s.distributions.empty() ? 0 : s.distributions[0].daily_cover_eur.size();
  for (size_t day = 0; day < days; ++day) {
    const std::optional<Date> date =
        scenario.start.plus_days(scenario.warmup_days + static_cast<int64_t>(day));
    out += std::to_string(day) + "," + (date ? date->to_string() : std::string());
    for (const SchemeDistributions& d : s.distributions) {
      out += ',';  // GCC 12 warns falsely (-Wrestrict) on `"," + std::string`: append.
      out += format_double(day < d.daily_cover_eur.size() ? d.daily_cover_eur[day] : 0);
    }
    out += "\n";
  }
  return out;
}

std::string cover_plot(const SimulationSummary& s) {
  LineChart chart;
  chart.title = "Guarantee cover in use (mean over replications)";
  chart.x_label = "day after the warm-up";
  chart.y_label = "EUR million";
  for (size_t k = 0; k < s.schemes.size(); ++k) {
    XySeries series;
    series.name = s.schemes[k];
    const std::vector<double>& daily = s.distributions[k].daily_cover_eur;
    for (size_t day = 0; day < daily.size(); ++day) {
      series.x.push_back(double(day));
      series.y.push_back(daily[day] / 1e6);
    }
    chart.series.push_back(std::move(series));
  }
  return line_chart(chart);
}

std::string transit_plot(const SimulationSummary& s) {
  CdfChart chart;
  chart.title = "Transit time, ready to arrival (all replications)";
  chart.x_label = "days";
  for (size_t k = 0; k < s.schemes.size(); ++k) {
    chart.series.push_back({s.schemes[k], s.distributions[k].transit_days_sorted});
  }
  return step_cdf_chart(chart);
}

std::string loss_plot(const SimulationSummary& s) {
  CdfChart chart;
  chart.title = "Guarantee pool loss over the window (one value per replication)";
  chart.x_label = "EUR thousand";
  for (size_t k = 0; k < s.schemes.size(); ++k) {
    std::vector<double> thousands = s.distributions[k].yearly_pool_loss_sorted;
    for (double& v : thousands) v /= 1e3;
    chart.series.push_back({s.schemes[k], std::move(thousands)});
  }
  return step_cdf_chart(chart);
}

std::string comparison_plot(const SimulationSummary& s) {
  BarChart chart;
  chart.title = "Cover in use by country (mean)";
  chart.x_label = "country";
  chart.y_label = "EUR million";
  const std::string prefix = "cover_mean_eur/country/";
  for (const MetricSummary& m : s.metrics) {
    if (m.name.rfind(prefix, 0) == 0) chart.categories.push_back(m.name.substr(prefix.size()));
  }
  for (size_t k = 0; k < s.schemes.size(); ++k) {
    BarSeries series;
    series.name = s.schemes[k];
    for (const std::string& country : chart.categories) {
      series.values.push_back(find_metric(s, prefix + country)->schemes[k].mean / 1e6);
    }
    chart.series.push_back(std::move(series));
  }
  return bar_chart(chart);
}

}  // namespace

std::string simulation_report(const Scenario& scenario, const SimulationSummary& s) {
  std::string out;
  out += "Kervan simulation: " + scenario.name + "\n";
  out += std::to_string(s.replications) + " replication(s) of " +
         std::to_string(scenario.horizon_days) + " days from " +
         scenario.start.plus_days(scenario.warmup_days)->to_string() + " (after " +
         std::to_string(scenario.warmup_days) + " days of warm-up), seed " +
         std::to_string(scenario.seed) + "; means ± 95 % confidence half-widths\n\n";
  constexpr size_t label_width = 44, column_width = 22;
  std::string header = pad("", label_width);
  for (const std::string& name : s.schemes) header += pad(name, column_width);
  for (size_t k = 1; k < s.schemes.size(); ++k) {
    header += pad(s.schemes[k] + " − " + s.schemes[0], column_width);
  }
  out += header + "\n";
  for (const Row& row : report_rows) {
    const MetricSummary* m = find_metric(s, row.metric);
    if (m == nullptr) continue;
    std::string line = pad(row.label, label_width);
    for (const ConfidenceInterval& ci : m->schemes) {
      line += pad(interval(ci, row.scale, row.decimals), column_width);
    }
    for (size_t k = 1; k < m->differences.size(); ++k) {
      line += pad(interval(m->differences[k], row.scale, row.decimals), column_width);
    }
    out += line + "\n";
  }
  std::string var = pad("Pool loss over the window, VaR 99 %, EUR k", label_width);
  std::string es = pad("Pool loss over the window, ES 99 %, EUR k", label_width);
  for (const SchemeDistributions& d : s.distributions) {
    var += pad(fixed(d.yearly_pool_loss.value_at_risk / 1e3, 1), column_width);
    es += pad(fixed(d.yearly_pool_loss.expected_shortfall / 1e3, 1), column_width);
  }
  out += var + "\n" + es + "\n\n";
  out += "Checks: the ledger's balances agree with the simulator's accounting in every run: " +
         std::string(s.ledger_agrees ? "yes" : "NO (" + s.first_disagreement + ")") + "; " +
         std::to_string(s.ledger_steps) + " ledger steps.\n";
  out += "Little's law (time-average cover = arrival rate x mean time held x mean amount): "
         "largest relative difference " + fixed(s.little_relative_error_max * 100, 2) + " %.\n";
  return out;
}

bool write_outputs(const std::string& folder, const Scenario& scenario,
                   const std::vector<ReplicationResult>& replications,
                   const SimulationSummary& summary, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    *error = "cannot create " + folder + ": " + ec.message();
    return false;
  }
  const std::filesystem::path dir(folder);
  return write_file(dir / "report.txt", simulation_report(scenario, summary), error) &&
         write_file(dir / "scenario.json", scenario_json(scenario) + "\n", error) &&
         write_file(dir / "summary.json", summary_json(scenario, summary), error) &&
         write_file(dir / "summary.csv", summary_csv(summary), error) &&
         write_file(dir / "runs.csv", runs_csv(replications), error) &&
         write_file(dir / "daily_cover.csv", daily_csv(scenario, summary), error) &&
         write_file(dir / "cover_in_use.svg", cover_plot(summary), error) &&
         write_file(dir / "transit_time_cdf.svg", transit_plot(summary), error) &&
         write_file(dir / "pool_loss_cdf.svg", loss_plot(summary), error) &&
         write_file(dir / "scheme_comparison.svg", comparison_plot(summary), error);
}

}  // namespace kervan
