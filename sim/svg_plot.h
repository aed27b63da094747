// SVG charts for the simulator's outputs (issue 6): cover in use over time per scheme (line
// chart), scheme comparison bars (grouped bar chart, negative values for differences), and loss
// and transit-time distributions (empirical CDF as a step line, or histogram bins).
//
// Contract, for every chart function here:
// - Pure: plain data in, the whole SVG document out as a std::string. No I/O, no clock, no
//   locale, no exceptions; the caller writes the file (UTF-8, extension .svg).
// - Deterministic: the same input gives the same bytes on every machine. Only exact IEEE
//   operations are used (no log or pow); numbers are written by std::to_chars (coordinates in
//   fixed notation with two decimals, trailing zeros cut); ticks are integer multiples of 1, 2
//   or 5 times a power of ten.
// - Total over data: empty charts, empty series, a single point and all-equal values all give
//   a valid document (a flat range is widened, see nice_ticks()). A value that is NaN, infinite
//   or beyond +-plot_value_abs_max is not drawn (a line breaks there; a bar or bin is left out).
// - Texts (titles, labels, names, categories) are UTF-8. XML's special characters are escaped;
//   control characters and invalid UTF-8 bytes become U+FFFD, so the output is always
//   well-formed XML. Text widths are estimated from the character count (no font metrics):
//   very long names may overflow the legend or overlap.
// - Colours are the Okabe-Ito palette (distinguishable with any colour-vision deficiency), in a
//   fixed order by series index: plot_colour(). Series beyond the seventh reuse the colours,
//   drawn dashed in line, CDF and histogram charts (bars cannot be told apart then).
// - Output grows linearly with the points given; step_cdf_chart() thins a sample to at most
//   cdf_steps_max steps. Sizes and counts above the limits below are programmer errors
//   (KERVAN_ASSERT), as are mismatched vector lengths.
// docs/simulator_plots.md shows the charts and how to read them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kervan {

// Limits. A chart's width and height in pixels; series per chart; categories per bar chart.
inline constexpr int plot_width_min = 300;
inline constexpr int plot_width_max = 10'000;
inline constexpr int plot_height_min = 200;
inline constexpr int plot_height_max = 10'000;
inline constexpr size_t plot_series_max = 64;
inline constexpr size_t plot_categories_max = 1'000;
// Values beyond this magnitude are not drawn, so that ranges and ticks never overflow.
inline constexpr double plot_value_abs_max = 1e300;
// The most steps one series of step_cdf_chart() draws.
inline constexpr size_t cdf_steps_max = 1'000;

// The colour of series `index` ("#rrggbb"): the Okabe-Ito palette without its yellow (too
// pale on white), blue first; it repeats every plot_palette_size series.
inline constexpr size_t plot_palette_size = 7;
std::string_view plot_colour(size_t index) noexcept;

// Tick marks of an axis: count values low, low + step, ..., high, where step is 1, 2 or 5
// times a power of ten and [low, high] covers the data range asked for.
struct AxisTicks {
  int64_t first_multiple = 0;  // low = first_multiple * step.
  int step_mantissa = 1;       // 1, 2 or 5.
  int step_exponent = 0;       // step = step_mantissa * 10^step_exponent.
  int count = 2;               // >= 2.
  int decimals = 0;            // Digits after the point that show every tick exactly.

  // Tick i, computed as an integer times a power of ten (0.3, not 0.30000000000000004).
  // REQUIRES: 0 <= i < count.
  double value(int i) const noexcept;
  double low() const noexcept { return value(0); }
  double high() const noexcept { return value(count - 1); }
  double step() const noexcept;
};

// Ticks for data in [data_min, data_max], about ticks_target intervals (never more than
// ticks_target + 3 ticks). low <= data_min and high >= data_max (to a billionth of a step).
// A range narrower than 1e-9 of the values' magnitude is widened by a tenth of that magnitude
// each way; all values within 1e-100 of zero, non-finite bounds or data_min > data_max (no
// data) give [0, 1]; bounds are clamped to +-plot_value_abs_max.
// REQUIRES: 1 <= ticks_target <= 50.
[[nodiscard]] AxisTicks nice_ticks(double data_min, double data_max, int ticks_target) noexcept;

// The label of tick i, with just the digits that tell the ticks apart: fixed notation with
// `decimals` digits while the ticks stay below 1e9 in magnitude and the step at or above 1e-6,
// exponent notation with as many digits as the step needs beyond that ("1.0005e+10"); "0" for
// zero. "C" formatting, no digit grouping. REQUIRES: 0 <= i < ticks.count.
[[nodiscard]] std::string tick_label(const AxisTicks& ticks, int i);

// A value for display (bar value labels): `decimals` digits after the point, or 6 significant
// digits in exponent notation (printf's "%.6g") for magnitudes of 1e9 and above or decimals
// outside 0..6; "nan", "inf" and "-inf" for non-finite values; never "-0".
[[nodiscard]] std::string format_value(double value, int decimals);

// The text with &, <, >, " and ' escaped, control characters (other than tab and newline) and
// invalid UTF-8 replaced by U+FFFD. Safe in element text and in quoted attribute values.
[[nodiscard]] std::string xml_escape(std::string_view text);

// ---- Line chart ---------------------------------------------------------------------------

// One line: points (x[i], y[i]) joined in the order given (sort by x for a time series). A
// point with a non-finite coordinate is skipped and the line breaks there; a point with no
// drawn neighbour shows as a dot. REQUIRES: x.size() == y.size().
struct XySeries {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

// Several series over a shared x axis, e.g. day of the year against cover in use (EUR
// millions), one series per scheme. The axes span all the series' finite points.
struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<XySeries> series;  // Legend in this order. REQUIRES: size <= plot_series_max.
  bool y_from_zero = true;       // The y axis includes 0, even if every value is far from it.
  int width = 900;               // Pixels, within the plot_width/plot_height limits.
  int height = 500;
};

[[nodiscard]] std::string line_chart(const LineChart& chart);

// ---- Bar chart ----------------------------------------------------------------------------

// One value per category (NaN: no bar), e.g. the cover tied up by one scheme in each country.
// REQUIRES: values.size() == the chart's categories.size().
struct BarSeries {
  std::string name;
  std::vector<double> values;
};

// Grouped bars: a group per category, a bar per series within it, in series order. Bars start
// at zero, so negative values (a difference between schemes) hang below the zero line; the y
// axis always includes 0.
struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;  // REQUIRES: size <= plot_categories_max.
  std::vector<BarSeries> series;        // REQUIRES: size <= plot_series_max.
  bool value_labels = false;  // Each bar's value at its end, one decimal finer than the ticks.
  int width = 900;
  int height = 500;
};

[[nodiscard]] std::string bar_chart(const BarChart& chart);

// ---- Distributions ------------------------------------------------------------------------

// A sample in any order (losses per replication, transit times in hours). Non-finite values
// are left out; the rest count equally.
struct SampleSeries {
  std::string name;
  std::vector<double> values;
};

// The empirical cumulative distribution of each sample as a step line: the share of the
// sample at or below x, rising from 0 to 1 over the x axis, with a step at each distinct value.
// A sample with more than cdf_steps_max distinct values is drawn at the cdf_steps_max ranks
// ceil(k n / cdf_steps_max) (accurate to 1/cdf_steps_max in share). The y axis is 0 to 1;
// y_label defaults to "share at or below".
struct CdfChart {
  std::string title;
  std::string x_label;
  std::string y_label = "share at or below";
  std::vector<SampleSeries> series;  // REQUIRES: size <= plot_series_max.
  int width = 900;
  int height = 500;
};

[[nodiscard]] std::string step_cdf_chart(const CdfChart& chart);

// Binned weights: bin i holds [edges[i], edges[i + 1]) with weight weights[i], e.g. from
// sim/statistics.h's Histogram (bin_low(i), bin_high(i), bin_weight(i)). A bin whose edges or
// weight are not finite, or whose edges are not increasing, is left out.
// REQUIRES: edges.size() == weights.size() + 1, or both empty.
struct HistogramSeries {
  std::string name;
  std::vector<double> edges;
  std::vector<double> weights;
};

// Each series as a filled step outline, translucent so overlapping series stay visible. The y
// axis starts at zero. With shares, a bin's height is its share of its series' drawn weight,
// so samples of different sizes compare.
struct HistogramChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<HistogramSeries> series;  // REQUIRES: size <= plot_series_max.
  bool shares = false;
  int width = 900;
  int height = 500;
};

[[nodiscard]] std::string histogram_chart(const HistogramChart& chart);

}  // namespace kervan
