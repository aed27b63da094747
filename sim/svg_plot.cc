#include "sim/svg_plot.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>

#include "core/assert.h"

namespace kervan {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Okabe and Ito (2008), "Color Universal Design"; their yellow #F0E442 is left out.
constexpr std::string_view palette[plot_palette_size] = {
    "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#000000",
};

// Layout, in pixels. Text widths are estimated as char_width_px per character.
constexpr double char_width_px = 7;
constexpr double title_baseline_px = 24;
constexpr double frame_top_px = 40;
constexpr double frame_bottom_gap_px = 50;  // Below the frame: tick labels and the x label.
constexpr double frame_right_gap_px = 20;   // Right of the frame when there is no legend.
constexpr double legend_gap_px = 16;        // Between the frame and the legend.
constexpr double legend_row_px = 18;
constexpr double legend_width_min_px = 80;
constexpr double tick_length_px = 5;
constexpr double x_tick_spacing_px = 90;  // About one x tick per this many pixels.
constexpr double y_tick_spacing_px = 60;
constexpr double marker_radius_px = 2.5;
constexpr double bar_group_fill = 0.8;         // Share of a category's width its bars take.
constexpr double value_label_headroom = 0.08;  // Of the value range, each way with labels.
constexpr double ten_to_22 = 1e22;             // The largest power of ten a double holds exactly.

// A ratio this close to an integer is that integer (rounding in lo / step).
constexpr double multiple_tolerance = 1e-9;
constexpr double flat_range_relative = 1e-9;
constexpr double zero_magnitude = 1e-100;
constexpr int step_exponent_min = -130;
constexpr int step_exponent_max = 301;
// Numbers in fixed notation: below this magnitude, with at most this many decimals.
constexpr double fixed_notation_max = 1e9;
constexpr int fixed_decimals_max = 6;

bool drawable(double v) {
  return std::isfinite(v) && std::abs(v) <= plot_value_abs_max;
}

// 10^n for 0 <= n <= 308: exact up to 10^22, then repeated multiplication (deterministic).
double pow10_nonnegative(int n) {
  KERVAN_ASSERT(n >= 0 && n <= 308);
  double p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// m * 10^e, correctly rounded when 10^|e| is exact (|e| <= 22).
double scaled(double m, int e) {
  if (e >= 0) return m * pow10_nonnegative(e);
  return m / pow10_nonnegative(-e);
}

std::string format_chars(double v, std::chars_format format, int precision) {
  char buffer[400];  // Fixed notation of any value below 1e300 with 6 decimals fits.
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, format, precision);
  KERVAN_ASSERT(ec == std::errc());
  return std::string(buffer, end);
}

// Fixed notation with `decimals` digits, no "-0".
std::string format_fixed(double v, int decimals) {
  std::string text = format_chars(v, std::chars_format::fixed, decimals);
  if (text.size() > 1 && text[0] == '-' && text.find_first_not_of("0.", 1) == std::string::npos) {
    text.erase(0, 1);
  }
  return text;
}

void append_coordinate(std::string& out, double v) {
  std::string text = format_fixed(v, 2);
  const size_t point = text.find('.');
  if (point != std::string::npos) {
    const size_t last = text.find_last_not_of('0');
    text.erase(last == point ? point : last + 1);
  }
  out += text;
}

std::string coordinate(double v) {
  std::string out;
  append_coordinate(out, v);
  return out;
}

size_t text_chars(std::string_view text) {
  size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// The length of the valid UTF-8 sequence at text[i] that XML allows, or 0.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned lead = byte(i);
  size_t length = 0;
  unsigned second_min = 0x80;
  unsigned second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // Overlong.
    if (lead == 0xED) second_max = 0x9F;  // Surrogates.
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // Overlong.
    if (lead == 0xF4) second_max = 0x8F;  // Beyond U+10FFFF.
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < second_min || byte(i + 1) > second_max) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  // U+FFFE and U+FFFF are not XML characters.
  if (length == 3 && lead == 0xEF && byte(i + 1) == 0xBF && byte(i + 2) >= 0xBE) return 0;
  return length;
}

// ---- Document -----------------------------------------------------------------------------

// Maps data values in [data_low, data_high] linearly onto pixels [px_low, px_high].
struct Scale {
  double data_low;
  double data_high;
  double px_low;
  double px_high;

  double operator()(double v) const {
    return px_low + (v - data_low) / (data_high - data_low) * (px_high - px_low);
  }
};

// The plotting area, in pixels from the top left corner.
struct Frame {
  double left;
  double top;
  double right;
  double bottom;
};

enum class Swatch { line, box };

struct Legend {
  std::vector<std::string_view> names;
  Swatch swatch;
};

void open_document(std::string& out, int width, int height, std::string_view title) {
  const std::string w = std::to_string(width);
  const std::string h = std::to_string(height);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<title>" + xml_escape(title) + "</title>\n";
  out += "<rect width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>\n";
  out += "<text class=\"title\" x=\"" + coordinate(width / 2.0) + "\" y=\"" +
         coordinate(title_baseline_px) + "\" text-anchor=\"middle\" font-size=\"16\">" +
         xml_escape(title) + "</text>\n";
}

void append_text(std::string& out, double x, double y, std::string_view text) {
  out += "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\">";
  out += xml_escape(text);
  out += "</text>\n";
}

void append_line(std::string& out, double x1, double y1, double x2, double y2) {
  out += "<line x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\"" +
         coordinate(x2) + "\" y2=\"" + coordinate(y2) + "\"/>\n";
}

// The frame for a chart of this size, with room on the left for the y tick labels and on the
// right for the legend.
Frame frame_for(int width, int height, const AxisTicks& y_ticks, const Legend& legend) {
  size_t label_chars = 1;
  for (int i = 0; i < y_ticks.count; ++i) {
    label_chars = std::max(label_chars, tick_label(y_ticks, i).size());
  }
  const double left = 36 + char_width_px * static_cast<double>(label_chars);
  double right = width - frame_right_gap_px;
  if (!legend.names.empty()) {
    size_t name_chars = 0;
    for (const std::string_view name : legend.names) {
      name_chars = std::max(name_chars, text_chars(name));
    }
    const double legend_width = std::clamp(30 + char_width_px * static_cast<double>(name_chars),
                                           legend_width_min_px, width / 3.0);
    right = width - legend_width - legend_gap_px;
  }
  return Frame{
      .left = left, .top = frame_top_px, .right = right, .bottom = height - frame_bottom_gap_px};
}

int ticks_for_length(double length_px, double spacing_px) {
  return std::clamp(static_cast<int>(length_px / spacing_px), 2, 12);
}

Scale y_scale(const Frame& frame, const AxisTicks& ticks) {
  return Scale{ticks.low(), ticks.high(), frame.bottom, frame.top};
}

Scale x_scale(const Frame& frame, const AxisTicks& ticks) {
  return Scale{ticks.low(), ticks.high(), frame.left, frame.right};
}

// Horizontal grid lines and labels at the y ticks, the y axis label, and the frame's box.
void append_y_axis(std::string& out, const Frame& frame, const AxisTicks& ticks,
                   std::string_view label) {
  const Scale y = y_scale(frame, ticks);
  out += "<g class=\"grid\" stroke=\"#dddddd\">\n";
  for (int i = 0; i < ticks.count; ++i) {
    append_line(out, frame.left, y(ticks.value(i)), frame.right, y(ticks.value(i)));
  }
  out += "</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n";
  for (int i = 0; i < ticks.count; ++i) {
    append_text(out, frame.left - tick_length_px - 3, y(ticks.value(i)) + 4, tick_label(ticks, i));
  }
  const double middle = (frame.top + frame.bottom) / 2;
  out += "</g>\n<text class=\"y-label\" x=\"16\" y=\"" + coordinate(middle) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + coordinate(middle) + ")\">" +
         xml_escape(label) + "</text>\n";
  out += "<rect class=\"axes\" x=\"" + coordinate(frame.left) + "\" y=\"" + coordinate(frame.top) +
         "\" width=\"" + coordinate(frame.right - frame.left) + "\" height=\"" +
         coordinate(frame.bottom - frame.top) + "\" fill=\"none\" stroke=\"#333333\"/>\n";
}

void append_x_label(std::string& out, const Frame& frame, int height, std::string_view label) {
  out += "<text class=\"x-label\" x=\"" + coordinate((frame.left + frame.right) / 2) + "\" y=\"" +
         coordinate(height - 12.0) + "\" text-anchor=\"middle\">" + xml_escape(label) + "</text>\n";
}

// Tick marks and labels along the bottom at the x ticks, and the x axis label.
void append_x_axis(std::string& out, const Frame& frame, const AxisTicks& ticks, int height,
                   std::string_view label) {
  const Scale x = x_scale(frame, ticks);
  out += "<g class=\"x-tick-marks\" stroke=\"#333333\">\n";
  for (int i = 0; i < ticks.count; ++i) {
    append_line(out, x(ticks.value(i)), frame.bottom, x(ticks.value(i)),
                frame.bottom + tick_length_px);
  }
  out += "</g>\n<g class=\"x-ticks\" text-anchor=\"middle\">\n";
  for (int i = 0; i < ticks.count; ++i) {
    append_text(out, x(ticks.value(i)), frame.bottom + 20, tick_label(ticks, i));
  }
  out += "</g>\n";
  append_x_label(out, frame, height, label);
}

void append_stroke_style(std::string& out, size_t index) {
  out += " stroke=\"" + std::string(plot_colour(index)) + "\"";
  if (index >= plot_palette_size) out += " stroke-dasharray=\"6 3\"";
}

void append_legend(std::string& out, const Frame& frame, const Legend& legend) {
  if (legend.names.empty()) return;
  const double x = frame.right + legend_gap_px;
  out += "<g class=\"legend\">\n";
  for (size_t i = 0; i < legend.names.size(); ++i) {
    const double y = frame.top + 10 + legend_row_px * static_cast<double>(i);
    if (legend.swatch == Swatch::line) {
      out += "<line x1=\"" + coordinate(x) + "\" y1=\"" + coordinate(y) + "\" x2=\"" +
             coordinate(x + 20) + "\" y2=\"" + coordinate(y) + "\" stroke-width=\"2\"";
      append_stroke_style(out, i);
      out += "/>\n";
    } else {
      out += "<rect x=\"" + coordinate(x + 4) + "\" y=\"" + coordinate(y - 6) +
             "\" width=\"12\" height=\"12\" fill=\"" + std::string(plot_colour(i)) + "\"/>\n";
    }
    append_text(out, x + 26, y + 4, legend.names[i]);
  }
  out += "</g>\n";
}

void close_document(std::string& out) {
  out += "</svg>\n";
}

// ---- Data ---------------------------------------------------------------------------------

struct Range {
  double min = infinity;
  double max = -infinity;

  void add(double v) {
    if (!drawable(v)) return;
    min = std::min(min, v);
    max = std::max(max, v);
  }
  void include_zero() {
    min = std::min(min, 0.0);
    max = std::max(max, 0.0);
  }
};

// The y axis's ticks for data spanning `y` in a chart `height` high.
AxisTicks y_ticks_for(const Range& y, int height) {
  const double plot_height = height - frame_top_px - frame_bottom_gap_px;
  return nice_ticks(y.min, y.max, ticks_for_length(plot_height, y_tick_spacing_px));
}

// The x axis's ticks for data spanning `x` across the frame.
AxisTicks x_ticks_for(const Range& x, const Frame& frame) {
  return nice_ticks(x.min, x.max, ticks_for_length(frame.right - frame.left, x_tick_spacing_px));
}

// Opens the document and draws both axes of an x-y chart.
void open_with_axes(std::string& out, int width, int height, std::string_view title,
                    const Frame& frame, const AxisTicks& x_ticks, const AxisTicks& y_ticks,
                    std::string_view x_label, std::string_view y_label) {
  open_document(out, width, height, title);
  append_y_axis(out, frame, y_ticks, y_label);
  append_x_axis(out, frame, x_ticks, height, x_label);
}

void check_size(int width, int height) {
  KERVAN_ASSERT(width >= plot_width_min && width <= plot_width_max);
  KERVAN_ASSERT(height >= plot_height_min && height <= plot_height_max);
}

template <typename SeriesT>
Legend legend_of(const std::vector<SeriesT>& series, Swatch swatch) {
  KERVAN_ASSERT(series.size() <= plot_series_max);
  Legend legend{.names = {}, .swatch = swatch};
  for (const SeriesT& s : series) legend.names.push_back(s.name);
  return legend;
}

// The points "x,y x,y ..." of a polyline or polygon, written after the attribute's opening
// quote: a space separates a point from the previous one.
void append_point(std::string& out, double x, double y) {
  if (out.back() != '"') out += ' ';
  append_coordinate(out, x);
  out += ',';
  append_coordinate(out, y);
}

// One series of a line chart: a polyline per run of drawable points, a dot for a lone point.
void append_xy_series(std::string& out, const XySeries& series, size_t index, const Scale& x,
                      const Scale& y) {
  KERVAN_ASSERT(series.x.size() == series.y.size());
  const size_t n = series.x.size();
  size_t i = 0;
  while (i < n) {
    if (!drawable(series.x[i]) || !drawable(series.y[i])) {
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < n && drawable(series.x[end]) && drawable(series.y[end])) ++end;
    if (end - i == 1) {
      out += "<circle cx=\"" + coordinate(x(series.x[i])) + "\" cy=\"" +
             coordinate(y(series.y[i])) + "\" r=\"" + coordinate(marker_radius_px) + "\" fill=\"" +
             std::string(plot_colour(index)) + "\"/>\n";
    } else {
      out += "<polyline";
      append_stroke_style(out, index);
      out += " points=\"";
      for (size_t k = i; k < end; ++k) append_point(out, x(series.x[k]), y(series.y[k]));
      out += "\"/>\n";
    }
    i = end;
  }
}

// Sorted drawable values of a sample, and the steps of its empirical CDF: (x, share at or
// below x), thinned to cdf_steps_max ranks.
struct Step {
  double x;
  double share;
};

std::vector<Step> cdf_steps(const std::vector<double>& values) {
  std::vector<double> sorted;
  for (const double v : values) {
    if (drawable(v)) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const size_t m = std::min(n, cdf_steps_max);
  std::vector<Step> steps;
  for (size_t k = 1; k <= m; ++k) {
    // Rank ceil(k n / m); every rank when m == n.
    const size_t rank = (k * n + m - 1) / m;
    const Step step{.x = sorted[rank - 1],
                    .share = static_cast<double>(rank) / static_cast<double>(n)};
    if (!steps.empty() && steps.back().x == step.x) {
      steps.back() = step;
    } else {
      steps.push_back(step);
    }
  }
  return steps;
}

// The drawable bins of a histogram series, with heights (weights or shares).
struct Bin {
  size_t index;
  double low;
  double high;
  double height;
};

std::vector<Bin> histogram_bins(const HistogramSeries& series, bool shares) {
  KERVAN_ASSERT(series.edges.size() == series.weights.size() + 1 ||
                (series.edges.empty() && series.weights.empty()));
  std::vector<Bin> bins;
  double total = 0;
  for (size_t i = 0; i < series.weights.size(); ++i) {
    const double low = series.edges[i];
    const double high = series.edges[i + 1];
    const double weight = series.weights[i];
    if (!drawable(low) || !drawable(high) || !drawable(weight) || !(low < high)) continue;
    bins.push_back(Bin{.index = i, .low = low, .high = high, .height = weight});
    total += weight;
  }
  if (shares) {
    for (Bin& bin : bins) bin.height = total != 0 && std::isfinite(total) ? bin.height / total : 0;
  }
  return bins;
}

// A filled step outline per run of adjacent drawn bins.
void append_bins(std::string& out, const std::vector<Bin>& bins, size_t index, const Scale& x,
                 const Scale& y) {
  const std::string colour(plot_colour(index));
  size_t i = 0;
  while (i < bins.size()) {
    size_t end = i + 1;
    while (end < bins.size() && bins[end].index == bins[end - 1].index + 1) ++end;
    out += "<polygon fill=\"" + colour + "\" fill-opacity=\"0.2\"";
    append_stroke_style(out, index);
    out += " points=\"";
    append_point(out, x(bins[i].low), y(0));
    for (size_t k = i; k < end; ++k) {
      append_point(out, x(bins[k].low), y(bins[k].height));
      append_point(out, x(bins[k].high), y(bins[k].height));
    }
    append_point(out, x(bins[end - 1].high), y(0));
    out += "\"/>\n";
    i = end;
  }
}

}  // namespace

std::string_view plot_colour(size_t index) noexcept {
  return palette[index % plot_palette_size];
}

// ---- Ticks --------------------------------------------------------------------------------

double AxisTicks::value(int i) const noexcept {
  KERVAN_ASSERT(i >= 0 && i < count);
  const double multiple = static_cast<double>(first_multiple + i) * step_mantissa;
  return scaled(multiple, step_exponent);
}

double AxisTicks::step() const noexcept {
  return scaled(step_mantissa, step_exponent);
}

AxisTicks nice_ticks(double data_min, double data_max, int ticks_target) noexcept {
  KERVAN_ASSERT(ticks_target >= 1 && ticks_target <= 50);
  double lo = data_min;
  double hi = data_max;
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
    lo = 0;
    hi = 1;
  }
  lo = std::clamp(lo, -plot_value_abs_max, plot_value_abs_max);
  hi = std::clamp(hi, -plot_value_abs_max, plot_value_abs_max);
  const double magnitude = std::max(std::abs(lo), std::abs(hi));
  if (magnitude < zero_magnitude) {
    lo = 0;
    hi = 1;
  } else if (hi - lo <= magnitude * flat_range_relative) {
    lo -= magnitude / 10;
    hi += magnitude / 10;
  }
  // The step: the smallest of 1, 2, 5 x 10^e at or above the raw step.
  const double raw = (hi - lo) / ticks_target;
  int e = 0;
  while (e < step_exponent_max && raw >= scaled(10, e)) ++e;
  while (e > step_exponent_min && raw < scaled(1, e)) --e;
  AxisTicks ticks;
  ticks.step_exponent = e;
  if (raw <= scaled(1, e)) {
    ticks.step_mantissa = 1;
  } else if (raw <= scaled(2, e)) {
    ticks.step_mantissa = 2;
  } else if (raw <= scaled(5, e)) {
    ticks.step_mantissa = 5;
  } else {
    ticks.step_mantissa = 1;
    ticks.step_exponent = e + 1;
  }
  const double step = ticks.step();
  const auto snapped = [](double q) {
    const double nearest = std::round(q);
    return std::abs(q - nearest) < multiple_tolerance ? nearest : q;
  };
  const double first = std::floor(snapped(lo / step));
  const double last = std::ceil(snapped(hi / step));
  ticks.first_multiple = static_cast<int64_t>(first);
  ticks.count = static_cast<int>(last - first) + 1;
  ticks.decimals = std::max(0, -ticks.step_exponent);
  KERVAN_ASSERT(ticks.count >= 2 && ticks.count <= ticks_target + 3);
  return ticks;
}

std::string tick_label(const AxisTicks& ticks, int i) {
  const double value = ticks.value(i);
  const double magnitude_max = std::max(std::abs(ticks.low()), std::abs(ticks.high()));
  if (magnitude_max < fixed_notation_max && ticks.step_exponent >= -fixed_decimals_max) {
    return format_fixed(value, ticks.decimals);
  }
  if (value == 0) return "0";
  // Digits after the point in exponent notation: from the largest tick's exponent down to the
  // step's.
  int exponent_max = ticks.step_exponent;
  while (exponent_max < step_exponent_max && magnitude_max >= scaled(10, exponent_max)) {
    ++exponent_max;
  }
  const int precision = std::clamp(exponent_max - ticks.step_exponent, 0, 16);
  return format_chars(value, std::chars_format::scientific, precision);
}

std::string format_value(double value, int decimals) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value < 0 ? "-inf" : "inf");
  if (std::abs(value) < fixed_notation_max && decimals >= 0 && decimals <= fixed_decimals_max) {
    return format_fixed(value, decimals);
  }
  return format_chars(value, std::chars_format::general, 6);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      const size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD for one invalid byte.
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (byte < 0x20 && c != '\t' && c != '\n') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
    ++i;
  }
  return out;
}

// ---- Charts -------------------------------------------------------------------------------

std::string line_chart(const LineChart& chart) {
  check_size(chart.width, chart.height);
  const Legend legend = legend_of(chart.series, Swatch::line);
  Range x_range;
  Range y_range;
  for (const XySeries& series : chart.series) {
    KERVAN_ASSERT(series.x.size() == series.y.size());
    for (size_t i = 0; i < series.x.size(); ++i) {
      if (!drawable(series.x[i]) || !drawable(series.y[i])) continue;
      x_range.add(series.x[i]);
      y_range.add(series.y[i]);
    }
  }
  if (chart.y_from_zero) y_range.include_zero();
  const AxisTicks y_ticks = y_ticks_for(y_range, chart.height);
  const Frame frame = frame_for(chart.width, chart.height, y_ticks, legend);
  const AxisTicks x_ticks = x_ticks_for(x_range, frame);

  std::string out;
  open_with_axes(out, chart.width, chart.height, chart.title, frame, x_ticks, y_ticks,
                 chart.x_label, chart.y_label);
  out += "<g class=\"series\" fill=\"none\" stroke-width=\"1.5\" stroke-linejoin=\"round\">\n";
  for (size_t i = 0; i < chart.series.size(); ++i) {
    append_xy_series(out, chart.series[i], i, x_scale(frame, x_ticks), y_scale(frame, y_ticks));
  }
  out += "</g>\n";
  append_legend(out, frame, legend);
  close_document(out);
  return out;
}

namespace {

// Bars of one series, and their value labels (appended to `labels`).
void append_bars(std::string& out, std::string& labels, const BarChart& chart, size_t index,
                 const Frame& frame, const AxisTicks& y_ticks) {
  const Scale y = y_scale(frame, y_ticks);
  const double group_px = (frame.right - frame.left) /
                          static_cast<double>(std::max<size_t>(chart.categories.size(), 1));
  const double bar_px = group_px * bar_group_fill / static_cast<double>(chart.series.size());
  const int label_decimals = std::min(y_ticks.decimals + 1, 6);
  const std::vector<double>& values = chart.series[index].values;
  for (size_t c = 0; c < values.size(); ++c) {
    const double v = values[c];
    if (!drawable(v)) continue;
    const double x = frame.left + group_px * (static_cast<double>(c) + (1 - bar_group_fill) / 2) +
                     bar_px * static_cast<double>(index);
    const double top = std::min(y(0), y(v));
    const double bottom = std::max(y(0), y(v));
    out += "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(top) + "\" width=\"" +
           coordinate(bar_px) + "\" height=\"" + coordinate(bottom - top) + "\"/>\n";
    if (chart.value_labels) {
      append_text(labels, x + bar_px / 2, v < 0 ? bottom + 12 : top - 4,
                  format_value(v, label_decimals));
    }
  }
}

void append_categories(std::string& out, const BarChart& chart, const Frame& frame) {
  const double group_px = (frame.right - frame.left) /
                          static_cast<double>(std::max<size_t>(chart.categories.size(), 1));
  out += "<g class=\"categories\" text-anchor=\"middle\">\n";
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    append_text(out, frame.left + group_px * (static_cast<double>(c) + 0.5), frame.bottom + 20,
                chart.categories[c]);
  }
  out += "</g>\n";
  append_x_label(out, frame, chart.height, chart.x_label);
}

}  // namespace

std::string bar_chart(const BarChart& chart) {
  check_size(chart.width, chart.height);
  KERVAN_ASSERT(chart.categories.size() <= plot_categories_max);
  const Legend legend = legend_of(chart.series, Swatch::box);
  Range y_range;
  for (const BarSeries& series : chart.series) {
    KERVAN_ASSERT(series.values.size() == chart.categories.size());
    for (const double v : series.values) y_range.add(v);
  }
  y_range.include_zero();
  if (chart.value_labels) {
    // Headroom, so that labels at the ends of the longest bars stay inside the frame.
    const double span = y_range.max - y_range.min;
    if (y_range.max > 0) y_range.max += span * value_label_headroom;
    if (y_range.min < 0) y_range.min -= span * value_label_headroom;
  }
  const AxisTicks y_ticks = y_ticks_for(y_range, chart.height);
  const Frame frame = frame_for(chart.width, chart.height, y_ticks, legend);

  std::string out;
  open_document(out, chart.width, chart.height, chart.title);
  append_y_axis(out, frame, y_ticks, chart.y_label);
  append_categories(out, chart, frame);
  std::string labels;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    out += "<g class=\"series\" fill=\"" + std::string(plot_colour(i)) + "\">\n";
    append_bars(out, labels, chart, i, frame, y_ticks);
    out += "</g>\n";
  }
  const double zero_y = y_scale(frame, y_ticks)(0);
  out += "<g class=\"zero-line\" stroke=\"#333333\">\n";
  append_line(out, frame.left, zero_y, frame.right, zero_y);
  out += "</g>\n";
  if (chart.value_labels) {
    out +=
        "<g class=\"value-labels\" text-anchor=\"middle\" font-size=\"10\">\n" + labels + "</g>\n";
  }
  append_legend(out, frame, legend);
  close_document(out);
  return out;
}

std::string step_cdf_chart(const CdfChart& chart) {
  check_size(chart.width, chart.height);
  const Legend legend = legend_of(chart.series, Swatch::line);
  std::vector<std::vector<Step>> steps;
  Range x_range;
  for (const SampleSeries& series : chart.series) {
    steps.push_back(cdf_steps(series.values));
    if (!steps.back().empty()) {
      x_range.add(steps.back().front().x);
      x_range.add(steps.back().back().x);
    }
  }
  const AxisTicks y_ticks = y_ticks_for(Range{.min = 0, .max = 1}, chart.height);
  const Frame frame = frame_for(chart.width, chart.height, y_ticks, legend);
  const AxisTicks x_ticks = x_ticks_for(x_range, frame);
  const Scale x = x_scale(frame, x_ticks);
  const Scale y = y_scale(frame, y_ticks);

  std::string out;
  open_with_axes(out, chart.width, chart.height, chart.title, frame, x_ticks, y_ticks,
                 chart.x_label, chart.y_label);
  out += "<g class=\"series\" fill=\"none\" stroke-width=\"1.5\">\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].empty()) continue;
    out += "<polyline";
    append_stroke_style(out, i);
    out += " points=\"";
    append_point(out, x(x_ticks.low()), y(0));
    double share = 0;
    for (const Step& step : steps[i]) {
      append_point(out, x(step.x), y(share));
      append_point(out, x(step.x), y(step.share));
      share = step.share;
    }
    append_point(out, x(x_ticks.high()), y(share));
    out += "\"/>\n";
  }
  out += "</g>\n";
  append_legend(out, frame, legend);
  close_document(out);
  return out;
}

std::string histogram_chart(const HistogramChart& chart) {
  check_size(chart.width, chart.height);
  const Legend legend = legend_of(chart.series, Swatch::box);
  std::vector<std::vector<Bin>> bins;
  Range x_range;
  Range y_range;
  for (const HistogramSeries& series : chart.series) {
    bins.push_back(histogram_bins(series, chart.shares));
    for (const Bin& bin : bins.back()) {
      x_range.add(bin.low);
      x_range.add(bin.high);
      y_range.add(bin.height);
    }
  }
  y_range.include_zero();
  const AxisTicks y_ticks = y_ticks_for(y_range, chart.height);
  const Frame frame = frame_for(chart.width, chart.height, y_ticks, legend);
  const AxisTicks x_ticks = x_ticks_for(x_range, frame);

  std::string out;
  open_with_axes(out, chart.width, chart.height, chart.title, frame, x_ticks, y_ticks,
                 chart.x_label, chart.y_label);
  out += "<g class=\"series\" stroke-width=\"1.5\">\n";
  for (size_t i = 0; i < bins.size(); ++i) {
    append_bins(out, bins[i], i, x_scale(frame, x_ticks), y_scale(frame, y_ticks));
  }
  out += "</g>\n";
  append_legend(out, frame, legend);
  close_document(out);
  return out;
}

}  // namespace kervan
