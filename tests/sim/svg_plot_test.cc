#include "sim/svg_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kervan {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// ---- A small XML checker and reader --------------------------------------------------------
//
// Accepts exactly the subset the chart writer may produce: an optional <?xml ...?> prolog, one
// root element, elements with double-quoted attributes, character data, and the five named
// entities plus numeric character references. Rejects unbalanced or mismatched tags, unquoted
// or duplicate attributes, a raw '<' in an attribute, and a raw '&' (not starting an entity)
// or '>' anywhere outside markup. Texts and attribute values are stored unescaped.

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // Direct character data, unescaped, concatenated.
  int parent = -1;

  const std::string* attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  double number(std::string_view key) const {
    const std::string* v = attribute(key);
    if (v == nullptr) return nan;
    double x = nan;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    return ec == std::errc() && end == v->data() + v->size() ? x : nan;
  }
};

struct Document {
  std::vector<Element> elements;  // In document order; elements[0] is the root.
  std::string error;              // Empty when well-formed.
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == ':' || c == '.';
}

class XmlReader {
 public:
  explicit XmlReader(std::string_view text) : text_(text) {}

  Document read() {
    skip_space();
    if (text_.substr(pos_).starts_with("<?xml")) {
      const size_t end = text_.find("?>", pos_);
      if (end == std::string_view::npos) return fail("unterminated prolog");
      pos_ = end + 2;
    }
    skip_space();
    std::vector<int> open;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '<') {
        if (!read_tag(open)) return std::move(doc_);
      } else if (open.empty()) {
        if (!is_space(text_[pos_])) return fail("text outside the root");
        ++pos_;
      } else if (!read_text(doc_.elements[static_cast<size_t>(open.back())].text)) {
        return std::move(doc_);
      }
      if (open.empty() && !doc_.elements.empty()) skip_space();
      if (open.empty() && !doc_.elements.empty() && pos_ < text_.size()) {
        return fail("content after the root");
      }
    }
    if (doc_.elements.empty()) return fail("no root element");
    if (!open.empty()) {
      return fail("unclosed <" + doc_.elements[static_cast<size_t>(open.back())].name + ">");
    }
    return std::move(doc_);
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  Document fail(std::string message) {
    doc_.error = message + " at byte " + std::to_string(pos_);
    return std::move(doc_);
  }
  bool set_error(std::string message) {
    doc_.error = message + " at byte " + std::to_string(pos_);
    return false;
  }

  std::string read_name() {
    const size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // An entity or character reference at pos_ ('&'), appended unescaped.
  bool read_reference(std::string& out) {
    const size_t end = text_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 10) return set_error("raw '&'");
    const std::string_view name = text_.substr(pos_ + 1, end - pos_ - 1);
    static constexpr std::pair<std::string_view, char> named[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    bool known = false;
    for (const auto& [entity, c] : named) {
      if (name == entity) {
        out += c;
        known = true;
      }
    }
    if (!known && !(name.size() >= 2 && name[0] == '#')) return set_error("unknown entity");
    if (!known) out += '?';  // Numeric references are well-formed; their value is not needed.
    pos_ = end + 1;
    return true;
  }

  bool read_text(std::string& out) {
    while (pos_ < text_.size() && text_[pos_] != '<') {
      if (text_[pos_] == '&') {
        if (!read_reference(out)) return false;
        continue;
      }
      if (text_[pos_] == '>') return set_error("raw '>' in text");
      out += text_[pos_++];
    }
    return true;
  }

  bool read_attributes(Element& element) {
    while (true) {
      const size_t before = pos_;
      skip_space();
      if (pos_ >= text_.size()) return set_error("unterminated tag");
      if (text_[pos_] == '>' || text_[pos_] == '/') return true;
      if (pos_ == before) return set_error("no space before an attribute");
      std::string key = read_name();
      if (key.empty()) return set_error("bad attribute name");
      if (element.attribute(key) != nullptr) return set_error("duplicate attribute " + key);
      if (pos_ + 1 >= text_.size() || text_[pos_] != '=' || text_[pos_ + 1] != '"') {
        return set_error("attribute " + key + " not quoted");
      }
      pos_ += 2;
      std::string value;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '<') return set_error("raw '<' in an attribute");
        if (text_[pos_] == '&') {
          if (!read_reference(value)) return false;
          continue;
        }
        value += text_[pos_++];
      }
      if (pos_ >= text_.size()) return set_error("unterminated attribute");
      ++pos_;
      element.attributes.emplace_back(std::move(key), std::move(value));
    }
  }

  bool read_tag(std::vector<int>& open) {
    ++pos_;  // '<'
    if (pos_ < text_.size() && text_[pos_] == '/') {
      ++pos_;
      const std::string name = read_name();
      if (pos_ >= text_.size() || text_[pos_] != '>') return set_error("bad end tag");
      ++pos_;
      if (open.empty() || doc_.elements[static_cast<size_t>(open.back())].name != name) {
        return set_error("mismatched </" + name + ">");
      }
      open.pop_back();
      return true;
    }
    if (open.empty() && !doc_.elements.empty()) return set_error("second root");
    Element element;
    element.name = read_name();
    if (element.name.empty()) return set_error("bad tag name");
    element.parent = open.empty() ? -1 : open.back();
    if (!read_attributes(element)) return false;
    const bool empty = text_[pos_] == '/';
    if (empty && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '>')) {
      return set_error("bad empty tag");
    }
    pos_ += empty ? 2 : 1;
    doc_.elements.push_back(std::move(element));
    if (!empty) open.push_back(static_cast<int>(doc_.elements.size() - 1));
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  Document doc_;
};

Document parse(std::string_view svg) {
  return XmlReader(svg).read();
}

// Parses and checks well-formedness and the SVG root; fails the test with the reason if not.
Document parse_svg(std::string_view svg) {
  Document doc = parse(svg);
  EXPECT_EQ(doc.error, "") << svg;
  if (doc.error.empty()) {
    EXPECT_EQ(doc.elements[0].name, "svg");
    EXPECT_NE(doc.elements[0].attribute("xmlns"), nullptr);
  }
  return doc;
}

// The elements named `name` whose parent (a <g>) has class `group_class`.
std::vector<const Element*> in_group(const Document& doc, std::string_view group_class,
                                     std::string_view name) {
  std::vector<const Element*> found;
  for (const Element& e : doc.elements) {
    if (e.name != name || e.parent < 0) continue;
    const std::string* c = doc.elements[static_cast<size_t>(e.parent)].attribute("class");
    if (c != nullptr && *c == group_class) found.push_back(&e);
  }
  return found;
}

const Element* with_class(const Document& doc, std::string_view class_name) {
  for (const Element& e : doc.elements) {
    const std::string* c = e.attribute("class");
    if (c != nullptr && *c == class_name) return &e;
  }
  return nullptr;
}

std::vector<double> tick_values(const Document& doc, std::string_view group_class) {
  std::vector<double> values;
  for (const Element* e : in_group(doc, group_class, "text")) {
    double x = nan;
    std::from_chars(e->text.data(), e->text.data() + e->text.size(), x);
    values.push_back(x);
  }
  return values;
}

// The (x, y) pairs of a points="x,y x,y" attribute.
std::vector<std::pair<double, double>> points_of(const Element& e) {
  std::vector<std::pair<double, double>> points;
  const std::string* text = e.attribute("points");
  if (text == nullptr) return points;
  const char* p = text->data();
  const char* end = p + text->size();
  while (p < end) {
    double x = nan;
    double y = nan;
    p = std::from_chars(p, end, x).ptr;
    if (p < end && *p == ',') ++p;
    p = std::from_chars(p, end, y).ptr;
    if (p < end && *p == ' ') ++p;
    points.emplace_back(x, y);
    if (std::isnan(x) || std::isnan(y)) break;
  }
  return points;
}

struct Box {
  double left, top, right, bottom;
};

Box frame_of(const Document& doc) {
  const Element* axes = with_class(doc, "axes");
  EXPECT_NE(axes, nullptr);
  if (axes == nullptr) return Box{0, 0, 0, 0};
  return Box{axes->number("x"), axes->number("y"), axes->number("x") + axes->number("width"),
             axes->number("y") + axes->number("height")};
}

// Ticks equally spaced by 1, 2 or 5 times a power of ten, covering [data_min, data_max].
void expect_nice_ticks(const std::vector<double>& ticks, double data_min, double data_max) {
  ASSERT_GE(ticks.size(), 2u);
  const double step = ticks[1] - ticks[0];
  ASSERT_GT(step, 0);
  const double exponent = std::floor(std::log10(step) + 1e-9);
  const double mantissa = step / std::pow(10, exponent);
  EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
              std::abs(mantissa - 5) < 1e-6)
      << step;
  for (size_t i = 1; i < ticks.size(); ++i) {
    EXPECT_NEAR(ticks[i] - ticks[i - 1], step, step * 1e-6) << i;
    EXPECT_NEAR(ticks[i] / step, std::round(ticks[i] / step), 1e-6) << ticks[i];
  }
  EXPECT_LE(ticks.front(), data_min + step * 1e-9);
  EXPECT_GE(ticks.back(), data_max - step * 1e-9);
  EXPECT_LT(ticks.front(), data_min + step) << "a whole step below the data";
  EXPECT_GT(ticks.back(), data_max - step) << "a whole step above the data";
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// ---- The checker itself ------------------------------------------------------------------

TEST(XmlChecker, AcceptsWellFormedAndRejectsMalformed) {
  const struct {
    std::string_view xml;
    bool ok;
  } cases[] = {
      {"<svg a=\"1\"><g><text>a &amp; b</text></g><rect/></svg>", true},
      {"<?xml version=\"1.0\"?>\n<svg>\n</svg>\n", true},
      {"<svg><g></svg>", false},               // Unclosed.
      {"<svg></g></svg>", false},              // Mismatched.
      {"<svg a=1></svg>", false},              // Unquoted.
      {"<svg a=\"1\" a=\"2\"></svg>", false},  // Duplicate.
      {"<svg a=\"x<y\"></svg>", false},        // Raw '<' in an attribute.
      {"<svg>a & b</svg>", false},             // Raw '&'.
      {"<svg>a > b</svg>", false},             // Raw '>' (the writer escapes it).
      {"<svg>&bogus;</svg>", false},
      {"<svg></svg><svg></svg>", false},
      {"text", false},
      {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(parse(c.xml).error.empty(), c.ok) << c.xml;
}

// ---- Text --------------------------------------------------------------------------------

TEST(XmlEscape, EscapesSpecialsAndReplacesWhatXmlForbids) {
  const struct {
    std::string_view text;
    std::string_view escaped;
  } cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"a & b < c > d", "a &amp; b &lt; c &gt; d"},
      {"\"q\" 'a'", "&quot;q&quot; &apos;a&apos;"},
      {"&amp;", "&amp;amp;"},
      {"tab\tnew\nline", "tab\tnew\nline"},
      {std::string_view("nul\0x", 5), "nul\xEF\xBF\xBDx"},
      {"cr\r bell\a", "cr\xEF\xBF\xBD bell\xEF\xBF\xBD"},
      {"\xD2\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B", "\xD2\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B"},
      {"\xE2\x82\xAC 5", "\xE2\x82\xAC 5"},                                      // Euro sign.
      {"\xF0\x9F\x9A\x9A", "\xF0\x9F\x9A\x9A"},                                  // Truck, 4 bytes.
      {"\xFF", "\xEF\xBF\xBD"},                                                  // Never valid.
      {"\xE2\x82", "\xEF\xBF\xBD\xEF\xBF\xBD"},                                  // Truncated.
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                                  // Overlong '/'.
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // Surrogate.
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // > U+10FFFF.
      {"\xEF\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                  // U+FFFF.
  };
  for (const auto& c : cases) EXPECT_EQ(xml_escape(c.text), c.escaped) << c.text;
}

TEST(FormatValue, FixedDecimalsOrExponentNotation) {
  const struct {
    double value;
    int decimals;
    std::string_view text;
  } cases[] = {
      {0, 0, "0"},
      {-0.0, 1, "0.0"},
      {0.3, 1, "0.3"},
      {0.1 + 0.2, 1, "0.3"},
      {1234.5, 1, "1234.5"},
      {-2.5, 2, "-2.50"},
      {-0.001, 1, "0.0"},
      {25, 0, "25"},
      {999'999'999, 0, "999999999"},
      {1e9, 0, "1e+09"},
      {-2.5e12, 0, "-2.5e+12"},
      {2.5e-7, 7, "2.5e-07"},
      {nan, 0, "nan"},
      {-infinity, 0, "-inf"},
  };
  for (const auto& c : cases) EXPECT_EQ(format_value(c.value, c.decimals), c.text) << c.value;
}

// ---- Ticks -------------------------------------------------------------------------------

TEST(NiceTicks, Table) {
  const struct {
    double min, max;
    int target;
    double low, step, high;
    int decimals;
  } cases[] = {
      {0, 47.3, 6, 0, 10, 50, 0},
      {0, 364, 8, 0, 50, 400, 0},
      {-3.5, 20, 6, -5, 5, 20, 0},
      {0.1, 0.7, 6, 0.1, 0.1, 0.7, 1},
      {0, 1, 6, 0, 0.2, 1, 1},
      {0.0013, 0.0042, 5, 0.001, 0.001, 0.005, 3},
      {-12, -3, 4, -15, 5, 0, 0},
      {1e6, 3.2e6, 5, 1e6, 5e5, 3.5e6, 0},
      {5, 5, 6, 4.4, 0.2, 5.6, 1},  // Flat: widened by a tenth.
      {-2, -2, 6, -2.2, 0.1, -1.8, 1},
      {0, 0, 6, 0, 0.2, 1, 1},                 // Flat at zero: [0, 1].
      {1e-200, 1e-200, 6, 0, 0.2, 1, 1},       // Zero to plotting precision.
      {nan, 1, 6, 0, 0.2, 1, 1},               // No data.
      {infinity, -infinity, 6, 0, 0.2, 1, 1},  // An empty Range.
      {1, 0, 6, 0, 0.2, 1, 1},
      {0, 10, 1, 0, 10, 10, 0},
  };
  for (const auto& c : cases) {
    const AxisTicks ticks = nice_ticks(c.min, c.max, c.target);
    SCOPED_TRACE(std::to_string(c.min) + " .. " + std::to_string(c.max));
    EXPECT_EQ(ticks.low(), c.low);
    EXPECT_EQ(ticks.step(), c.step);
    EXPECT_EQ(ticks.high(), c.high);
    EXPECT_EQ(ticks.decimals, c.decimals);
  }
}

TEST(NiceTicks, TickValuesAreExactDecimals) {
  const AxisTicks ticks = nice_ticks(0.1, 0.9, 9);
  ASSERT_EQ(ticks.step(), 0.1);
  for (int i = 0; i < ticks.count; ++i) {
    EXPECT_EQ(ticks.value(i), (1 + i) / 10.0) << i;  // 0.3, not 3 * 0.1.
  }
}

TEST(TickLabel, DigitsThatTellTicksApart) {
  const struct {
    double min, max;
    std::vector<std::string_view> labels;
  } cases[] = {
      {0, 1, {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
      {-3.5, 20, {"-5", "0", "5", "10", "15", "20"}},
      {1e10, 1.0004e10, {"1.0000e+10", "1.0001e+10", "1.0002e+10", "1.0003e+10", "1.0004e+10"}},
      {0, 4e9, {"0", "1e+09", "2e+09", "3e+09", "4e+09"}},
      {1e-8, 4e-8, {"1e-08", "2e-08", "3e-08", "4e-08"}},
      {-5e9, 5e9, {"-6e+09", "-4e+09", "-2e+09", "0", "2e+09", "4e+09", "6e+09"}},
  };
  for (const auto& c : cases) {
    const AxisTicks ticks = nice_ticks(c.min, c.max, 5);
    std::vector<std::string> labels;
    for (int i = 0; i < ticks.count; ++i) labels.push_back(tick_label(ticks, i));
    EXPECT_EQ(labels, std::vector<std::string>(c.labels.begin(), c.labels.end())) << c.min;
  }
}

// Many ranges, from tiny to huge, both signs: every result is nice and covers its range.
TEST(NiceTicks, NiceAndCoveringOverManyRanges) {
  uint64_t state = 12345;
  const auto next01 = [&state] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<double>(state >> 11) * 0x1p-53;
  };
  for (int i = 0; i < 5000; ++i) {
    const double scale = std::pow(10, std::floor(next01() * 40) - 20);
    const double a = (next01() * 2 - 1) * scale;
    const double b = a + next01() * scale * (next01() < 0.1 ? 1e-6 : 1);
    const int target = 1 + static_cast<int>(next01() * 12);
    const AxisTicks ticks = nice_ticks(a, b, target);
    SCOPED_TRACE(std::to_string(i));
    EXPECT_TRUE(ticks.step_mantissa == 1 || ticks.step_mantissa == 2 || ticks.step_mantissa == 5);
    EXPECT_GE(ticks.count, 2);
    EXPECT_LE(ticks.count, target + 3);
    EXPECT_LE(ticks.low(), a + ticks.step() * 1e-9);
    EXPECT_GE(ticks.high(), b - ticks.step() * 1e-9);
    // The labels tell the ticks apart and read back as the ticks.
    for (int k = 0; k < ticks.count; ++k) {
      const std::string label = tick_label(ticks, k);
      double read = nan;
      std::from_chars(label.data(), label.data() + label.size(), read);
      EXPECT_NEAR(read, ticks.value(k), ticks.step() * 1e-3) << label;
      if (k > 0) {
        EXPECT_NE(label, tick_label(ticks, k - 1));
      }
    }
  }
}

// ---- Line chart --------------------------------------------------------------------------

LineChart cover_chart() {
  LineChart chart{.title = "Cover in use: national & regional <CAREC>",
                  .x_label = "day of the year",
                  .y_label = "cover in use, EUR millions",
                  .series = {},
                  .y_from_zero = true,
                  .width = 900,
                  .height = 500};
  XySeries national{.name = "national \"per border\"", .x = {}, .y = {}};
  XySeries regional{.name = "regional <single>", .x = {}, .y = {}};
  for (int day = 0; day < 365; ++day) {
    national.x.push_back(day);
    national.y.push_back(30 + 10 * std::sin(day / 58.0));
    regional.x.push_back(day);
    regional.y.push_back(18 + 6 * std::sin(day / 58.0));
  }
  chart.series = {national, regional};
  return chart;
}

TEST(LineChart, WellFormedWithEscapedTitleLabelsAndLegend) {
  const LineChart chart = cover_chart();
  const std::string svg = line_chart(chart);
  const Document doc = parse_svg(svg);
  EXPECT_TRUE(contains(svg, "Cover in use: national &amp; regional &lt;CAREC&gt;"));
  EXPECT_TRUE(contains(svg, "national &quot;per border&quot;"));
  EXPECT_FALSE(contains(svg, "<CAREC>"));
  ASSERT_NE(with_class(doc, "title"), nullptr);
  EXPECT_EQ(with_class(doc, "title")->text, chart.title);
  EXPECT_EQ(with_class(doc, "x-label")->text, chart.x_label);
  EXPECT_EQ(with_class(doc, "y-label")->text, chart.y_label);
  const std::vector<const Element*> legend = in_group(doc, "legend", "text");
  ASSERT_EQ(legend.size(), 2u);
  EXPECT_EQ(legend[0]->text, chart.series[0].name);
  EXPECT_EQ(legend[1]->text, chart.series[1].name);
  // The <title> element carries the title too, for screen readers.
  EXPECT_EQ(doc.elements[1].name, "title");
  EXPECT_EQ(doc.elements[1].text, chart.title);
}

TEST(LineChart, TicksAreNiceAndCoverTheData) {
  LineChart chart = cover_chart();
  const Document doc = parse_svg(line_chart(chart));
  expect_nice_ticks(tick_values(doc, "y-ticks"), 0, 40);  // y from zero.
  expect_nice_ticks(tick_values(doc, "x-ticks"), 0, 364);

  chart.y_from_zero = false;
  const Document free = parse_svg(line_chart(chart));
  const std::vector<double> y = tick_values(free, "y-ticks");
  expect_nice_ticks(y, 12, 40);
  EXPECT_GT(y.front(), 0) << "not from zero";
}

TEST(LineChart, PointsStayInsideTheFrameInSeriesColours) {
  const Document doc = parse_svg(line_chart(cover_chart()));
  const Box frame = frame_of(doc);
  const std::vector<const Element*> lines = in_group(doc, "series", "polyline");
  ASSERT_EQ(lines.size(), 2u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(*lines[i]->attribute("stroke"), plot_colour(i));
    const auto points = points_of(*lines[i]);
    EXPECT_EQ(points.size(), 365u);
    for (const auto& [x, y] : points) {
      EXPECT_GE(x, frame.left);
      EXPECT_LE(x, frame.right);
      EXPECT_GE(y, frame.top);
      EXPECT_LE(y, frame.bottom);
    }
  }
}

TEST(LineChart, NonFinitePointsBreakTheLine) {
  LineChart chart;
  chart.series = {
      {.name = "gappy", .x = {0, 1, 2, 3, 4, 5, 6, 7}, .y = {1, 2, nan, 4, 5, infinity, 7, 1e301}}};
  const std::string svg = line_chart(chart);
  const Document doc = parse_svg(svg);
  const std::vector<const Element*> lines = in_group(doc, "series", "polyline");
  ASSERT_EQ(lines.size(), 2u);  // 0-1 and 3-4; 6 alone is a dot; 1e301 is not drawn.
  EXPECT_EQ(points_of(*lines[0]).size(), 2u);
  EXPECT_EQ(points_of(*lines[1]).size(), 2u);
  EXPECT_EQ(in_group(doc, "series", "circle").size(), 1u);
  EXPECT_FALSE(contains(svg, "nan"));
  EXPECT_FALSE(contains(svg, "inf"));
  expect_nice_ticks(tick_values(doc, "x-ticks"), 0, 6);
}

TEST(LineChart, SeriesBeyondThePaletteAreDashed) {
  LineChart chart;
  for (size_t i = 0; i < plot_palette_size + 2; ++i) {
    chart.series.push_back(XySeries{.name = std::to_string(i), .x = {0, 1}, .y = {0, 1}});
  }
  const Document doc = parse_svg(line_chart(chart));
  const std::vector<const Element*> lines = in_group(doc, "series", "polyline");
  ASSERT_EQ(lines.size(), plot_palette_size + 2);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(*lines[i]->attribute("stroke"), plot_colour(i % plot_palette_size));
    EXPECT_EQ(lines[i]->attribute("stroke-dasharray") != nullptr, i >= plot_palette_size) << i;
  }
  EXPECT_EQ(plot_colour(0), "#0072B2");
  EXPECT_EQ(plot_colour(plot_palette_size), plot_colour(0));
}

// ---- Degenerate inputs -------------------------------------------------------------------

// Every chart kind on degenerate data: valid SVG, no non-finite numbers, and a frame with a
// positive size.
void expect_valid_chart(const std::string& svg) {
  const Document doc = parse_svg(svg);
  EXPECT_FALSE(contains(svg, "nan")) << svg;
  EXPECT_FALSE(contains(svg, "inf")) << svg;
  const Box frame = frame_of(doc);
  EXPECT_LT(frame.left, frame.right);
  EXPECT_LT(frame.top, frame.bottom);
  const std::vector<double> y = tick_values(doc, "y-ticks");
  ASSERT_GE(y.size(), 2u);
  expect_nice_ticks(y, y.front(), y.back());
}

TEST(Degenerate, LineCharts) {
  const XySeries cases[] = {
      {.name = "empty", .x = {}, .y = {}},
      {.name = "one point", .x = {3}, .y = {7}},
      {.name = "constant", .x = {0, 1, 2}, .y = {5, 5, 5}},
      {.name = "constant zero", .x = {0, 1, 2}, .y = {0, 0, 0}},
      {.name = "vertical", .x = {2, 2}, .y = {1, 3}},
      {.name = "all NaN", .x = {nan, nan}, .y = {1, nan}},
      {.name = "unbounded", .x = {0, 1}, .y = {infinity, -infinity}},
      {.name = "huge", .x = {-1e300, 1e300}, .y = {-1e300, 1e300}},
      {.name = "tiny", .x = {0, 1e-300}, .y = {1e-300, 2e-300}},
  };
  for (const XySeries& series : cases) {
    SCOPED_TRACE(series.name);
    for (const bool from_zero : {true, false}) {
      LineChart chart;
      chart.y_from_zero = from_zero;
      chart.series = {series};
      expect_valid_chart(line_chart(chart));
    }
  }
  expect_valid_chart(line_chart(LineChart{}));
  LineChart one;
  one.series = {cases[1]};
  const Document doc = parse_svg(line_chart(one));
  EXPECT_EQ(in_group(doc, "series", "circle").size(), 1u);
  expect_nice_ticks(tick_values(doc, "x-ticks"), 3, 3);
}

TEST(Degenerate, BarCharts) {
  const struct {
    std::string_view label;
    std::vector<std::string> categories;
    std::vector<double> values;
  } cases[] = {
      {"no categories", {}, {}},
      {"all zero", {"a", "b"}, {0, 0}},
      {"NaN", {"a", "b"}, {nan, 2}},
      {"all NaN", {"a"}, {nan}},
      {"infinite", {"a", "b"}, {infinity, -infinity}},
      {"one", {"a"}, {-4}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    for (const bool labels : {false, true}) {
      BarChart chart{.title = "t",
                     .x_label = "",
                     .y_label = "",
                     .categories = c.categories,
                     .series = {{.name = "s", .values = c.values}},
                     .value_labels = labels,
                     .width = 900,
                     .height = 500};
      expect_valid_chart(bar_chart(chart));
    }
  }
  expect_valid_chart(bar_chart(BarChart{}));
  const Document doc = parse_svg(bar_chart(BarChart{.title = "",
                                                    .x_label = "",
                                                    .y_label = "",
                                                    .categories = {"a", "b"},
                                                    .series = {{.name = "s", .values = {nan, 2}}},
                                                    .value_labels = true,
                                                    .width = 900,
                                                    .height = 500}));
  EXPECT_EQ(in_group(doc, "series", "rect").size(), 1u) << "no bar for NaN";
  EXPECT_EQ(in_group(doc, "value-labels", "text").size(), 1u);
}

TEST(Degenerate, Distributions) {
  const std::vector<double> samples[] = {
      {}, {4}, {2, 2, 2}, {nan, infinity}, {0, 0}, {-1e300, 1e300},
  };
  for (const std::vector<double>& values : samples) {
    SCOPED_TRACE(std::to_string(values.size()));
    CdfChart chart;
    chart.series = {{.name = "s", .values = values}};
    expect_valid_chart(step_cdf_chart(chart));
  }
  expect_valid_chart(step_cdf_chart(CdfChart{}));

  const HistogramSeries histograms[] = {
      {.name = "empty", .edges = {}, .weights = {}},
      {.name = "zero weights", .edges = {0, 1, 2}, .weights = {0, 0}},
      {.name = "NaN edge", .edges = {0, nan, 2}, .weights = {1, 2}},
      {.name = "NaN weight", .edges = {0, 1, 2}, .weights = {nan, 2}},
      {.name = "decreasing", .edges = {2, 1, 0}, .weights = {1, 1}},
      {.name = "one bin", .edges = {5, 6}, .weights = {3}},
  };
  for (const HistogramSeries& series : histograms) {
    SCOPED_TRACE(series.name);
    for (const bool shares : {false, true}) {
      HistogramChart chart;
      chart.shares = shares;
      chart.series = {series};
      expect_valid_chart(histogram_chart(chart));
    }
  }
  expect_valid_chart(histogram_chart(HistogramChart{}));
}

// ---- Bar chart ---------------------------------------------------------------------------

TEST(BarChart, NegativeBarsHangBelowTheZeroLine) {
  const BarChart chart{.title = "Regional minus national",
                       .x_label = "country",
                       .y_label = "EUR millions",
                       .categories = {"KZ", "KG & TJ"},
                       .series = {{.name = "national", .values = {3, -2}},
                                  {.name = "difference", .values = {-1.5, 0.5}}},
                       .value_labels = true,
                       .width = 900,
                       .height = 500};
  const std::string svg = bar_chart(chart);
  const Document doc = parse_svg(svg);
  const std::vector<const Element*> zero = in_group(doc, "zero-line", "line");
  ASSERT_EQ(zero.size(), 1u);
  const double zero_y = zero[0]->number("y1");
  const std::vector<const Element*> bars = in_group(doc, "series", "rect");
  ASSERT_EQ(bars.size(), 4u);
  const double values[] = {3, -2, -1.5, 0.5};  // Series by series.
  for (size_t i = 0; i < bars.size(); ++i) {
    const double top = bars[i]->number("y");
    const double bottom = top + bars[i]->number("height");
    SCOPED_TRACE(values[i]);
    EXPECT_GT(bars[i]->number("height"), 0);
    // y and height are each rounded to 0.01, so their sum is within 0.01 of the zero line.
    if (values[i] < 0) {
      EXPECT_NEAR(top, zero_y, 0.0101);
      EXPECT_GT(bottom, zero_y);
    } else {
      EXPECT_NEAR(bottom, zero_y, 0.0101);
      EXPECT_LT(top, zero_y);
    }
  }
  // Heights proportional to the values.
  EXPECT_NEAR(bars[0]->number("height") / bars[1]->number("height"), 1.5, 0.01);
  // The y axis spans both signs with nice ticks, zero among them.
  const std::vector<double> ticks = tick_values(doc, "y-ticks");
  expect_nice_ticks(ticks, -2, 3);
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), 0.0), ticks.end());
  // Value labels below negative bars, above positive ones.
  const std::vector<const Element*> labels = in_group(doc, "value-labels", "text");
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[1]->text, "-2.0");
  EXPECT_GT(labels[1]->number("y"), zero_y);
  EXPECT_LT(labels[0]->number("y"), zero_y);
  // Categories and legend, escaped.
  EXPECT_TRUE(contains(svg, ">KG &amp; TJ<"));
  const std::vector<const Element*> categories = in_group(doc, "categories", "text");
  ASSERT_EQ(categories.size(), 2u);
  EXPECT_EQ(categories[1]->text, "KG & TJ");
  EXPECT_EQ(in_group(doc, "legend", "text").size(), 2u);
  // Bars of one category side by side, in series order, inside the frame.
  EXPECT_LT(bars[0]->number("x"), bars[2]->number("x"));
  const Box frame = frame_of(doc);
  for (const Element* bar : bars) {
    EXPECT_GE(bar->number("x"), frame.left);
    EXPECT_LE(bar->number("x") + bar->number("width"), frame.right);
    EXPECT_GE(bar->number("y"), frame.top);
    EXPECT_LE(bar->number("y") + bar->number("height"), frame.bottom);
  }
}

// ---- Distributions -----------------------------------------------------------------------

TEST(StepCdfChart, StepsRiseFromZeroToOne) {
  CdfChart chart;
  chart.series = {{.name = "losses", .values = {3, 1, 2, 2, nan}}};
  const Document doc = parse_svg(step_cdf_chart(chart));
  const Box frame = frame_of(doc);
  const std::vector<const Element*> lines = in_group(doc, "series", "polyline");
  ASSERT_EQ(lines.size(), 1u);
  const auto points = points_of(*lines[0]);
  // (axis low, 0), then a step at each distinct value 1, 2, 3, then (axis high, 1).
  ASSERT_EQ(points.size(), 2u + 2 * 3);
  EXPECT_NEAR(points.front().second, frame.bottom, 0.01);
  EXPECT_NEAR(points.back().second, frame.top, 0.01);
  const double height = frame.bottom - frame.top;
  const double shares[] = {0.25, 0.75, 1.0};  // NaN left out; the tie counts twice.
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(points[2 + 2 * k].second, frame.bottom - shares[k] * height, 0.01) << k;
    EXPECT_EQ(points[1 + 2 * k].first, points[2 + 2 * k].first) << "vertical riser";
  }
  for (size_t k = 1; k < points.size(); ++k) {
    EXPECT_GE(points[k].first, points[k - 1].first);
    EXPECT_LE(points[k].second, points[k - 1].second);
  }
  expect_nice_ticks(tick_values(doc, "y-ticks"), 0, 1);
  expect_nice_ticks(tick_values(doc, "x-ticks"), 1, 3);
}

TEST(StepCdfChart, LargeSamplesAreThinned) {
  CdfChart chart;
  SampleSeries big{.name = "big", .values = {}};
  for (int i = 0; i < 100'000; ++i) big.values.push_back((i * 7919) % 100'003);
  chart.series = {big};
  const Document doc = parse_svg(step_cdf_chart(chart));
  const auto points = points_of(*in_group(doc, "series", "polyline").at(0));
  EXPECT_LE(points.size(), 2 * cdf_steps_max + 2);
  EXPECT_GE(points.size(), cdf_steps_max);
  EXPECT_NEAR(points.back().second, frame_of(doc).top, 0.01);
}

TEST(HistogramChart, BinsAsStepOutlinesAndShares) {
  HistogramChart chart{
      .title = "Transit time",
      .x_label = "hours",
      .y_label = "share of movements",
      .series = {{.name = "national", .edges = {0, 10, 20, 30}, .weights = {1, 6, 3}},
                 {.name = "regional", .edges = {0, 10, 20, 30, 40}, .weights = {2, nan, 1, 1}}},
      .shares = true,
      .width = 900,
      .height = 500};
  const Document doc = parse_svg(histogram_chart(chart));
  const std::vector<const Element*> polygons = in_group(doc, "series", "polygon");
  ASSERT_EQ(polygons.size(), 3u);  // national; regional before and after its NaN bin.
  EXPECT_EQ(points_of(*polygons[0]).size(), 2u + 2 * 3);
  EXPECT_EQ(points_of(*polygons[1]).size(), 2u + 2 * 1);
  EXPECT_EQ(points_of(*polygons[2]).size(), 2u + 2 * 2);
  const std::vector<double> y = tick_values(doc, "y-ticks");
  expect_nice_ticks(y, 0, 0.6);  // 6 of 10, the highest share.
  EXPECT_LE(y.back(), 1);
  expect_nice_ticks(tick_values(doc, "x-ticks"), 0, 40);
  EXPECT_EQ(*polygons[2]->attribute("fill"), plot_colour(1));
}

// ---- Determinism and the exact text ------------------------------------------------------

TEST(Determinism, SameInputSameBytes) {
  const LineChart line = cover_chart();
  EXPECT_EQ(line_chart(line), line_chart(cover_chart()));
  const BarChart bars{.title = "b",
                      .x_label = "x",
                      .y_label = "y",
                      .categories = {"a", "b"},
                      .series = {{.name = "s", .values = {1.25, -3}}},
                      .value_labels = true,
                      .width = 640,
                      .height = 480};
  EXPECT_EQ(bar_chart(bars), bar_chart(BarChart(bars)));
  CdfChart cdf;
  cdf.series = {{.name = "s", .values = {0.1, 0.7, 0.3}}};
  EXPECT_EQ(step_cdf_chart(cdf), step_cdf_chart(CdfChart(cdf)));
  cdf.series[0].values = {0.7, 0.3, 0.1};  // Order does not matter for a sample.
  EXPECT_EQ(step_cdf_chart(cdf), step_cdf_chart(CdfChart(cdf)));
}

// The exact text of a small chart: a change to the output format must be deliberate. To
// update, print line_chart(golden_chart()) and check the new picture by eye.
LineChart golden_chart() {
  return LineChart{.title = "Cover & <use>",
                   .x_label = "day",
                   .y_label = "EUR m",
                   .series = {{.name = "national", .x = {0, 1, 2}, .y = {1, 3, 2}},
                              {.name = "regional", .x = {0, 2}, .y = {0.5, nan}}},
                   .y_from_zero = true,
                   .width = 300,
                   .height = 200};
}

// Raw text: lines are as long as the output's.
constexpr std::string_view golden_svg = R"svg(<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200" viewBox="0 0 300 200" font-family="sans-serif" font-size="12">
<title>Cover &amp; &lt;use&gt;</title>
<rect width="300" height="200" fill="#ffffff"/>
<text class="title" x="150" y="24" text-anchor="middle" font-size="16">Cover &amp; &lt;use&gt;</text>
<g class="grid" stroke="#dddddd">
<line x1="43" y1="150" x2="198" y2="150"/>
<line x1="43" y1="95" x2="198" y2="95"/>
<line x1="43" y1="40" x2="198" y2="40"/>
</g>
<g class="y-ticks" text-anchor="end">
<text x="35" y="154">0</text>
<text x="35" y="99">2</text>
<text x="35" y="44">4</text>
</g>
<text class="y-label" x="16" y="95" text-anchor="middle" transform="rotate(-90 16 95)">EUR m</text>
<rect class="axes" x="43" y="40" width="155" height="110" fill="none" stroke="#333333"/>
<g class="x-tick-marks" stroke="#333333">
<line x1="43" y1="150" x2="43" y2="155"/>
<line x1="120.5" y1="150" x2="120.5" y2="155"/>
<line x1="198" y1="150" x2="198" y2="155"/>
</g>
<g class="x-ticks" text-anchor="middle">
<text x="43" y="170">0</text>
<text x="120.5" y="170">1</text>
<text x="198" y="170">2</text>
</g>
<text class="x-label" x="120.5" y="188" text-anchor="middle">day</text>
<g class="series" fill="none" stroke-width="1.5" stroke-linejoin="round">
<polyline stroke="#0072B2" points="43,122.5 120.5,67.5 198,95"/>
<circle cx="43" cy="136.25" r="2.5" fill="#D55E00"/>
</g>
<g class="legend">
<line x1="214" y1="50" x2="234" y2="50" stroke-width="2" stroke="#0072B2"/>
<text x="240" y="54">national</text>
<line x1="214" y1="68" x2="234" y2="68" stroke-width="2" stroke="#D55E00"/>
<text x="240" y="72">regional</text>
</g>
</svg>
)svg";

TEST(Golden, SmallLineChart) {
  EXPECT_EQ(line_chart(golden_chart()), golden_svg);
}

// ---- Programmer errors -------------------------------------------------------------------

TEST(SvgPlotDeath, MismatchedSizesAndBadDimensions) {
  LineChart mismatched;
  mismatched.series = {{.name = "s", .x = {1, 2}, .y = {1}}};
  EXPECT_DEATH((void)line_chart(mismatched), "size");
  LineChart narrow;
  narrow.width = plot_width_min - 1;
  EXPECT_DEATH((void)line_chart(narrow), "plot_width_min");
  BarChart bars;
  bars.categories = {"a"};
  bars.series = {{.name = "s", .values = {1, 2}}};
  EXPECT_DEATH((void)bar_chart(bars), "categories");
  HistogramChart histogram;
  histogram.series = {{.name = "s", .edges = {0, 1}, .weights = {1, 2}}};
  EXPECT_DEATH((void)histogram_chart(histogram), "edges");
  EXPECT_DEATH((void)nice_ticks(0, 1, 0), "ticks_target");
}

}  // namespace
}  // namespace kervan
