#include "sim/movement_log.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <system_error>
#include <vector>

#include "core/assert.h"
#include "sim/csv_field.h"

namespace kervan {

namespace {

// DO NOT CHANGE the names or their order: the log's header (docs/simulator_replay.md).
enum Column : size_t {
  col_truck,
  col_corridor,
  col_countries,
  col_cargo,
  col_risk_class,
  col_principal,
  col_ready_s,
  col_ready_utc,
  col_value_eur,
  col_duty_eur,
  col_drive_s,
  col_border_s,
  col_release_lag_s,
  col_incident,
  col_incident_position,
  columns_count,
};
constexpr std::array<std::string_view, columns_count> column_names = {
    "truck",     "corridor", "countries",     "cargo",     "risk_class",
    "principal", "ready_s",  "ready_utc",     "value_eur", "duty_eur",
    "drive_s",   "border_s", "release_lag_s", "incident",  "incident_position"};

constexpr size_t record_fields_max = columns_count + 1;  // One more tells "too many" apart.
constexpr size_t utc_text_bytes = 20;                    // "2026-01-01T01:00:00Z".
constexpr uint8_t class_unknown = 0xFF;
constexpr size_t whole_field = SIZE_MAX;  // Not a list element: the field itself.

// ---- Writing ------------------------------------------------------------------------------

template <typename Int>
void append_integer(std::string* out, Int value) {
  char buffer[24];
  const std::to_chars_result r = std::to_chars(buffer, buffer + sizeof buffer, value);
  KERVAN_ASSERT(r.ec == std::errc());
  out->append(buffer, r.ptr);
}

void append_cents(std::string* out, int64_t cents) {
  KERVAN_ASSERT(cents >= 0 && cents <= movement_log_cents_max);
  append_integer(out, cents / 100);
  out->push_back('.');
  out->push_back(static_cast<char>('0' + cents / 10 % 10));
  out->push_back(static_cast<char>('0' + cents % 10));
}

using UtcText = std::array<char, utc_text_bytes>;

// Writes `value` (0 .. 10^digits - 1) as `digits` decimal digits at p.
void put_digits(char* p, int64_t value, size_t digits) {
  for (size_t i = digits; i > 0; --i) {
    p[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// The instant t_s after the scenario's start as "YYYY-MM-DDTHH:MM:SSZ" (no allocation: it is
// checked on every row); false past 9999-12-31.
bool format_utc(const Scenario& s, int64_t t_s, UtcText* out) {
  KERVAN_ASSERT(t_s >= 0);
  const std::optional<Date> day = s.start.plus_days(t_s / sim_day_s);
  if (!day) return false;
  const CivilDate civil = day->civil();
  KERVAN_ASSERT(civil.year >= Date::year_min && civil.year <= Date::year_max);
  const int64_t second = t_s % sim_day_s;
  char* p = out->data();
  put_digits(p, civil.year, 4);
  put_digits(p + 5, civil.month, 2);
  put_digits(p + 8, civil.day, 2);
  put_digits(p + 11, second / sim_hour_s, 2);
  put_digits(p + 14, second / 60 % 60, 2);
  put_digits(p + 17, second % 60, 2);
  p[4] = p[7] = '-';
  p[10] = 'T';
  p[13] = p[16] = ':';
  p[19] = 'Z';
  return true;
}

std::string_view text_of(const UtcText& text) {
  return {text.data(), text.size()};
}

template <typename Int, size_t n>
void append_list(std::string* out, const std::array<Int, n>& values, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out->push_back(';');
    append_integer(out, values[i]);
  }
}

void append_row(std::string* out, const Scenario& s, const Truck& t) {
  KERVAN_ASSERT(t.corridor < s.corridors.size() && t.cargo < s.cargo.size() &&
                t.risk_class < s.risk_classes.size());
  const Corridor& corridor = s.corridors[t.corridor];
  const size_t n = t.countries;
  KERVAN_ASSERT(n == corridor.countries.size() && n >= 1 && n <= truck_countries_max);
  KERVAN_ASSERT(t.incident_at < n && t.ready_s >= 0);
  append_integer(out, t.id);
  out->push_back(',');
  append_csv_field(out, corridor.name);
  out->push_back(',');
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out->push_back(';');
    out->append(corridor.countries[i].text());
  }
  out->push_back(',');
  append_csv_field(out, s.cargo[t.cargo].name);
  out->push_back(',');
  append_csv_field(out, s.risk_classes[t.risk_class].name);
  out->push_back(',');
  append_integer(out, t.principal);
  out->push_back(',');
  append_integer(out, t.ready_s);
  out->push_back(',');
  UtcText utc;
  const bool formatted = format_utc(s, t.ready_s, &utc);
  KERVAN_ASSERT(formatted);
  out->append(text_of(utc));
  out->push_back(',');
  append_cents(out, t.value_cents);
  out->push_back(',');
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out->push_back(';');
    append_cents(out, t.duty_cents[i]);
  }
  out->push_back(',');
  append_list(out, t.drive_s, n);
  out->push_back(',');
  append_list(out, t.border_s, n - 1);
  out->push_back(',');
  append_list(out, t.release_lag_s, n);
  out->push_back(',');
  out->push_back(t.incident ? '1' : '0');
  out->push_back(',');
  append_integer(out, t.incident_at);
  out->push_back('\n');
}

// ---- Reading CSV --------------------------------------------------------------------------

struct Field {
  std::string text;  // Unquoted, quotes undoubled.
  uint32_t line = 0;
  uint32_t column = 0;  // Of its first byte (the opening quote when quoted).
  bool quoted = false;
};

struct SyntaxProblem {
  uint32_t line = 0;
  uint32_t column = 0;
  const char* message = "";
};

enum class ReadStatus : uint8_t { record, end, syntax };

// Splits RFC 4180 text into records of fields, tracking lines and columns (1-based bytes).
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  // The next record into fields[0 .. *count) (fields past record_fields_max share the last
  // slot; *count still counts them). `end` when the text is exhausted.
  ReadStatus next(std::vector<Field>* fields, size_t* count, SyntaxProblem* problem) {
    if (pos_ >= text_.size()) return ReadStatus::end;
    *count = 0;
    while (true) {
      const size_t slot = std::min(*count, record_fields_max - 1);
      if (slot >= fields->size()) fields->resize(slot + 1);
      if (!read_field(&(*fields)[slot], problem)) return ReadStatus::syntax;
      *count += 1;
      end_line_ = line_;
      end_column_ = column();
      if (pos_ >= text_.size()) break;  // The last record may lack its line feed.
      if (text_[pos_++] == '\n') {
        line_ += 1;
        line_start_ = pos_;
        break;
      }
    }
    return ReadStatus::record;
  }

  // Where the last record ended (its line feed, or the end of the text).
  uint32_t end_line() const { return end_line_; }
  uint32_t end_column() const { return end_column_; }

 private:
  uint32_t column() const { return static_cast<uint32_t>(pos_ - line_start_ + 1); }

  bool problem_here(SyntaxProblem* problem, const char* message) const {
    *problem = SyntaxProblem{line_, column(), message};
    return false;
  }

  // One field from pos_, which it leaves at the delimiter (',' or '\n') or the end.
  bool read_field(Field* f, SyntaxProblem* problem) {
    f->text.clear();
    f->line = line_;
    f->column = column();
    f->quoted = pos_ < text_.size() && text_[pos_] == '"';
    if (!f->quoted) {
      const size_t start = pos_;
      for (; pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n'; ++pos_) {
        if (text_[pos_] == '"') {
          return problem_here(problem, "a quote inside an unquoted field (quote the field)");
        }
        if (text_[pos_] == '\r') {
          return problem_here(problem, "a carriage return: the log's lines end with LF only");
        }
      }
      f->text.assign(text_.substr(start, pos_ - start));
      return true;
    }
    pos_ += 1;
    while (true) {
      if (pos_ >= text_.size()) {
        *problem = SyntaxProblem{f->line, f->column, "a quoted field without its closing quote"};
        return false;
      }
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ >= text_.size() || text_[pos_] != '"') break;
        pos_ += 1;
      } else if (c == '\n') {
        line_ += 1;
        line_start_ = pos_;
      }
      f->text.push_back(c);
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') {
      return problem_here(problem, "text after a field's closing quote");
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
  uint32_t end_line_ = 1;
  uint32_t end_column_ = 1;
};

// ---- Reading values -----------------------------------------------------------------------

// A canonical decimal integer (digits, no sign, no leading zero) in [0, max]: ok, type_wrong,
// or value_out_of_range (too large, or negative: "-" before a canonical integer).
LoadErrorCode parse_integer(std::string_view text, uint64_t max, uint64_t* out) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || (text[0] == '0' && text.size() > 1)) return LoadErrorCode::type_wrong;
  for (const char c : text) {
    if (c < '0' || c > '9') return LoadErrorCode::type_wrong;
  }
  if (negative) return LoadErrorCode::value_out_of_range;
  uint64_t value = 0;
  const std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec == std::errc::result_out_of_range || value > max) {
    return LoadErrorCode::value_out_of_range;
  }
  KERVAN_ASSERT(r.ec == std::errc() && r.ptr == text.data() + text.size());
  *out = value;
  return LoadErrorCode::ok;
}

// EUR with exactly two decimals ("1234.50"), in [0, movement_log_cents_max] cents.
LoadErrorCode parse_cents(std::string_view text, int64_t* out) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.size() - dot != 3) return LoadErrorCode::type_wrong;
  const std::string_view cents_text = text.substr(dot + 1);
  if (cents_text[0] < '0' || cents_text[0] > '9' || cents_text[1] < '0' || cents_text[1] > '9') {
    return LoadErrorCode::type_wrong;
  }
  uint64_t euros = 0;
  const LoadErrorCode code =
      parse_integer(text.substr(0, dot), uint64_t(movement_log_cents_max / 100), &euros);
  if (code != LoadErrorCode::ok) return code;
  const int64_t cents = int64_t(euros) * 100 + (cents_text[0] - '0') * 10 + (cents_text[1] - '0');
  if (cents > movement_log_cents_max) return LoadErrorCode::value_out_of_range;
  *out = cents;
  return LoadErrorCode::ok;
}

// The shape of "YYYY-MM-DDTHH:MM:SSZ", digits not judged.
bool looks_like_utc(std::string_view text) {
  constexpr std::string_view shape = "0000-00-00T00:00:00Z";
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == '0' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}
static_assert(utc_text_bytes == std::string_view("0000-00-00T00:00:00Z").size());

// A ';'-separated list's elements (at most parts.size() kept); "" has none. Returns the count.
size_t split_list(std::string_view text, std::array<std::string_view, truck_countries_max>* parts) {
  if (text.empty()) return 0;
  size_t count = 0;
  while (true) {
    const size_t semicolon = text.find(';');
    if (count < parts->size()) (*parts)[count] = text.substr(0, semicolon);
    count += 1;
    if (semicolon == std::string_view::npos) return count;
    text.remove_prefix(semicolon + 1);
  }
}

template <typename Named>
std::optional<size_t> index_of(const std::vector<Named>& items, std::string_view name) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return i;
  }
  return std::nullopt;
}

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out.append(text);
  out.push_back('"');
  return out;
}

// ---- Loading ------------------------------------------------------------------------------

class LogLoader {
 public:
  LogLoader(const Scenario& s, std::string_view source, LoadError* error)
      : s_(s), source_(source), error_(error), principal_class_(s.principals, class_unknown) {
    plan_.end_s = (s.warmup_days + s.horizon_days) * sim_day_s;
  }

  LoadErrorCode load(std::string_view csv) {
    CsvReader reader(csv);
    SyntaxProblem problem;
    ReadStatus status = reader.next(&fields_, &count_, &problem);
    if (status == ReadStatus::syntax) return syntax(problem, "header");
    if (status == ReadStatus::end) {
      return fail(LoadErrorCode::syntax, 1, 1, "header", "an empty log: expected the header row");
    }
    if (!header(reader)) return error_->code;
    while ((status = reader.next(&fields_, &count_, &problem)) == ReadStatus::record) {
      if (plan_.trucks.size() == movement_log_trucks_max) {
        return fail(LoadErrorCode::too_many, fields_[0].line, fields_[0].column, row_path(),
                    "more than " + std::to_string(movement_log_trucks_max) + " trucks");
      }
      Truck t;
      t.id = static_cast<uint32_t>(plan_.trucks.size());
      if (!row(reader, &t)) return error_->code;
      plan_.trucks.push_back(t);
    }
    if (status == ReadStatus::syntax) return syntax(problem, row_path());
    return LoadErrorCode::ok;
  }

  TrafficPlan& plan() { return plan_; }

 private:
  LoadErrorCode syntax(const SyntaxProblem& p, const std::string& path) {
    return fail(LoadErrorCode::syntax, p.line, p.column, path, p.message);
  }

  LoadErrorCode fail(LoadErrorCode code, uint32_t line, uint32_t column, std::string path,
                     std::string message) {
    *error_ = LoadError{.code = code,
                        .source = std::string(source_),
                        .line = line,
                        .column = column,
                        .path = std::move(path),
                        .message = std::move(message)};
    return code;
  }

  bool fail_at(LoadErrorCode code, const Field& f, std::string path, std::string message) {
    fail(code, f.line, f.column, std::move(path), std::move(message));
    return false;
  }

  // "trucks[<row>]", or with ".<column>" and "[<element>]".
  std::string row_path() const { return "trucks[" + std::to_string(plan_.trucks.size()) + "]"; }
  std::string path(Column c) const {
    std::string out = row_path();
    out.push_back('.');
    out.append(column_names[c]);
    return out;
  }
  std::string path(Column c, size_t element) const {
    std::string out = path(c);
    if (element == whole_field) return out;
    out.push_back('[');
    out.append(std::to_string(element));
    out.push_back(']');
    return out;
  }

  // A record's count of fields against the header's: key_missing or key_unknown.
  bool field_count(const CsvReader& reader, bool is_header) {
    if (count_ == columns_count) return true;
    std::string where = is_header ? std::string("header") : row_path();
    if (count_ < columns_count) {
      where.push_back('.');
      where.append(column_names[count_]);
      fail(LoadErrorCode::key_missing, reader.end_line(), reader.end_column(), std::move(where),
           std::to_string(count_) + " fields; expected " + std::to_string(columns_count));
      return false;
    }
    return fail_at(LoadErrorCode::key_unknown, fields_[columns_count], std::move(where),
                   "a field after " + std::string(column_names[columns_count - 1]) +
                       ", the last column; " + std::to_string(count_) + " fields");
  }

  bool header(const CsvReader& reader) {
    if (!field_count(reader, true)) return false;
    for (size_t c = 0; c < columns_count; ++c) {
      if (fields_[c].text != column_names[c]) {
        std::string where = "header.";
        where.append(column_names[c]);
        return fail_at(LoadErrorCode::key_unknown, fields_[c], where,
                       "expected the column " + in_quotes(column_names[c]) + ", found " +
                           in_quotes(fields_[c].text));
      }
    }
    return true;
  }

  bool row(const CsvReader& reader, Truck* t) {
    if (!field_count(reader, false)) return false;
    return truck_number() && names(t) && numbers(t) && lists(t) && incident(t) && across(t);
  }

  // Where `text`, field c or its list element `element` (a view into the field), starts.
  uint32_t column_of(Column c, std::string_view text, size_t element) const {
    return element == whole_field ? fields_[c].column : element_column(c, text);
  }

  // An integer field (or list element) in [0, max]; the error names the range.
  bool integer(Column c, std::string_view text, size_t element, uint64_t max, uint64_t* out) {
    const LoadErrorCode code = parse_integer(text, max, out);
    if (code == LoadErrorCode::ok) return true;
    fail(code, fields_[c].line, column_of(c, text, element), path(c, element),
         code == LoadErrorCode::type_wrong
             ? "expected an integer (decimal digits, no sign or leading zeros), found " +
                   in_quotes(text)
             : "expected 0 to " + std::to_string(max) + ", found " + std::string(text));
    return false;
  }
  bool integer(Column c, uint64_t max, uint64_t* out) {
    return integer(c, fields_[c].text, whole_field, max, out);
  }

  // EUR with two decimals, field c or its list element `element`.
  bool cents(Column c, std::string_view text, size_t element, int64_t* out) {
    const LoadErrorCode code = parse_cents(text, out);
    if (code == LoadErrorCode::ok) return true;
    fail(code, fields_[c].line, column_of(c, text, element), path(c, element),
         code == LoadErrorCode::type_wrong
             ? "expected EUR with two decimals like 1234.50, found " + in_quotes(text)
             : "expected 0.00 to " + std::to_string(movement_log_cents_max / 100) +
                   ".00 EUR, found " + std::string(text));
    return false;
  }

  bool truck_number() {
    uint64_t number = 0;
    if (!integer(col_truck, UINT32_MAX, &number)) return false;
    if (number != plan_.trucks.size()) {
      return fail_at(LoadErrorCode::order_invalid, fields_[col_truck], path(col_truck),
                     "expected truck " + std::to_string(plan_.trucks.size()) +
                         ": trucks are numbered from 0 in row order");
    }
    return true;
  }

  bool names(Truck* t) {
    const std::optional<size_t> corridor = index_of(s_.corridors, fields_[col_corridor].text);
    if (!corridor) return unknown_name(col_corridor, "corridor");
    const Corridor& c = s_.corridors[*corridor];
    if (c.countries.size() > truck_countries_max) {
      return fail_at(LoadErrorCode::too_many, fields_[col_corridor], path(col_corridor),
                     "the corridor has " + std::to_string(c.countries.size()) +
                         " countries; a simulation takes at most " +
                         std::to_string(truck_countries_max));
    }
    t->corridor = static_cast<uint16_t>(*corridor);
    t->countries = static_cast<uint8_t>(c.countries.size());
    std::string expected;
    for (size_t i = 0; i < c.countries.size(); ++i) {
      if (i > 0) expected.push_back(';');
      expected.append(c.countries[i].text());
    }
    if (fields_[col_countries].text != expected) {
      return fail_at(LoadErrorCode::reference_invalid, fields_[col_countries], path(col_countries),
                     "expected " + expected + ", the countries of corridor " + in_quotes(c.name) +
                         " in the scenario, found " + in_quotes(fields_[col_countries].text));
    }
    const std::optional<size_t> cargo = index_of(s_.cargo, fields_[col_cargo].text);
    if (!cargo) return unknown_name(col_cargo, "cargo class");
    t->cargo = static_cast<uint8_t>(*cargo);
    const std::optional<size_t> risk = index_of(s_.risk_classes, fields_[col_risk_class].text);
    if (!risk) return unknown_name(col_risk_class, "risk class");
    t->risk_class = static_cast<uint8_t>(*risk);
    return true;
  }

  bool unknown_name(Column c, const char* what) {
    return fail_at(LoadErrorCode::reference_invalid, fields_[c], path(c),
                   std::string("no ") + what + " " + in_quotes(fields_[c].text) + " in scenario " +
                       in_quotes(s_.name));
  }

  bool numbers(Truck* t) {
    uint64_t principal = 0, ready = 0;
    if (!integer(col_principal, uint64_t{s_.principals} - 1, &principal)) return false;
    t->principal = static_cast<uint32_t>(principal);
    if (!integer(col_ready_s, uint64_t(plan_.end_s - 1), &ready)) {
      if (error_->code == LoadErrorCode::value_out_of_range) {
        error_->message +=
            " (the scenario's warm-up and horizon end at " + std::to_string(plan_.end_s) + " s)";
      }
      return false;
    }
    t->ready_s = static_cast<int64_t>(ready);
    const Field& utc = fields_[col_ready_utc];
    UtcText expected;
    if (!format_utc(s_, t->ready_s, &expected)) {
      return fail_at(LoadErrorCode::value_out_of_range, fields_[col_ready_s], path(col_ready_s),
                     "the instant falls after 9999-12-31");
    }
    if (utc.text != text_of(expected)) {
      return fail_at(
          looks_like_utc(utc.text) ? LoadErrorCode::value_invalid : LoadErrorCode::type_wrong, utc,
          path(col_ready_utc),
          "expected " + std::string(text_of(expected)) + ", ready_s after the scenario's start " +
              s_.start.to_string() + ", found " + in_quotes(utc.text));
    }
    return cents(col_value_eur, fields_[col_value_eur].text, whole_field, &t->value_cents);
  }

  // The elements of a per-country list, `expected` of them; reference_invalid otherwise.
  bool elements(Column c, size_t expected,
                std::array<std::string_view, truck_countries_max>* parts) {
    const size_t found = split_list(fields_[c].text, parts);
    if (found == expected) return true;
    return fail_at(LoadErrorCode::reference_invalid, fields_[c], path(c),
                   "expected " + std::to_string(expected) + " ';'-separated value(s), " +
                       (c == col_border_s ? "one per border crossing" : "one per country") +
                       " of the corridor, found " + std::to_string(found));
  }

  uint32_t element_column(Column c, std::string_view part) const {
    const Field& f = fields_[c];
    return f.column + (f.quoted ? 1u : 0u) + static_cast<uint32_t>(part.data() - f.text.data());
  }

  bool seconds_list(Column c, size_t count, std::array<int32_t, truck_countries_max>* out) {
    std::array<std::string_view, truck_countries_max> parts;
    if (!elements(c, count, &parts)) return false;
    for (size_t i = 0; i < count; ++i) {
      uint64_t value = 0;
      if (!integer(c, parts[i], i, INT32_MAX, &value)) {
        return false;
      }
      (*out)[i] = static_cast<int32_t>(value);
    }
    return true;
  }

  bool lists(Truck* t) {
    const size_t n = t->countries;
    std::array<std::string_view, truck_countries_max> parts;
    if (!elements(col_duty_eur, n, &parts)) return false;
    for (size_t i = 0; i < n; ++i) {
      if (!cents(col_duty_eur, parts[i], i, &t->duty_cents[i])) {
        return false;
      }
    }
    return seconds_list(col_drive_s, n, &t->drive_s) &&
           seconds_list(col_border_s, n - 1, &t->border_s) &&
           seconds_list(col_release_lag_s, n, &t->release_lag_s);
  }

  bool incident(Truck* t) {
    uint64_t flag = 0, position = 0;
    if (!integer(col_incident, 1, &flag)) return false;
    if (!integer(col_incident_position, uint64_t{t->countries} - 1, &position)) return false;
    t->incident = flag == 1;
    t->incident_at = static_cast<uint8_t>(position);
    return true;
  }

  // Checks across fields and rows: ready order, one class per principal, a claim above zero.
  bool across(const Truck* t) {
    if (!plan_.trucks.empty() && t->ready_s < plan_.trucks.back().ready_s) {
      return fail_at(LoadErrorCode::order_invalid, fields_[col_ready_s], path(col_ready_s),
                     "ready at " + std::to_string(t->ready_s) + " s, before the previous row (" +
                         std::to_string(plan_.trucks.back().ready_s) +
                         " s): rows are in ready order");
    }
    uint8_t& known = principal_class_[t->principal];
    if (known != class_unknown && known != t->risk_class) {
      return fail_at(LoadErrorCode::value_invalid, fields_[col_risk_class], path(col_risk_class),
                     "principal " + std::to_string(t->principal) + " is in risk class " +
                         in_quotes(s_.risk_classes[known].name) +
                         " in an earlier row; a principal has one class");
    }
    known = t->risk_class;
    if (t->incident && t->duty_cents[t->incident_at] == 0) {
      std::array<std::string_view, truck_countries_max> parts;
      split_list(fields_[col_duty_eur].text, &parts);
      fail(LoadErrorCode::value_invalid, fields_[col_duty_eur].line,
           element_column(col_duty_eur, parts[t->incident_at]), path(col_duty_eur, t->incident_at),
           "an incident at position " + std::to_string(t->incident_at) +
               " claims this duty, and a claim must be above 0.00");
      return false;
    }
    return true;
  }

  const Scenario& s_;
  std::string_view source_;
  LoadError* error_;
  TrafficPlan plan_;
  std::vector<uint8_t> principal_class_;  // Per principal, its class once seen.
  std::vector<Field> fields_;
  size_t count_ = 0;
};

LoadErrorCode internal_error(std::string_view source, const char* message, LoadError* error) {
  *error = LoadError{.code = LoadErrorCode::internal,
                     .source = std::string(source),
                     .line = 0,
                     .column = 0,
                     .path = {},
                     .message = message};
  return LoadErrorCode::internal;
}

bool read_file(const std::string& path, std::string* text, LoadError* error) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  auto file_error = [&](LoadErrorCode code, std::string message) {
    *error = LoadError{.code = code,
                       .source = path,
                       .line = 0,
                       .column = 0,
                       .path = {},
                       .message = std::move(message)};
    return false;
  };
  if (!file) {
    return file_error(LoadErrorCode::file_unreadable, std::generic_category().message(errno));
  }
  std::array<char, size_t{64} * 1024> buffer;
  size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    if (text->size() + read > movement_log_bytes_max) {
      return file_error(LoadErrorCode::file_too_large,
                        "larger than " + std::to_string(movement_log_bytes_max) + " bytes");
    }
    text->append(buffer.data(), read);
  }
  if (std::ferror(file.get()) != 0) return file_error(LoadErrorCode::file_unreadable, "read error");
  return true;
}

}  // namespace

std::string movement_log_csv(const Scenario& scenario, const TrafficPlan& plan) {
  std::string out;
  out.reserve(160 * (plan.trucks.size() + 1));
  for (size_t c = 0; c < columns_count; ++c) {
    if (c > 0) out.push_back(',');
    out.append(column_names[c]);
  }
  out.push_back('\n');
  for (size_t i = 0; i < plan.trucks.size(); ++i) {
    KERVAN_ASSERT(plan.trucks[i].id == i);
    KERVAN_ASSERT(i == 0 || plan.trucks[i - 1].ready_s <= plan.trucks[i].ready_s);
    append_row(&out, scenario, plan.trucks[i]);
  }
  return out;
}

LoadErrorCode load_movement_log(std::string_view csv, std::string_view source_name,
                                const Scenario& scenario, TrafficPlan* out,
                                LoadError* error) noexcept {
  try {
    LogLoader loader(scenario, source_name, error);
    const LoadErrorCode code = loader.load(csv);
    if (code == LoadErrorCode::ok) *out = std::move(loader.plan());
    return code;
  } catch (const std::bad_alloc&) {
    return internal_error(source_name, "out of memory", error);
  } catch (...) {
    return internal_error(source_name, "unexpected exception while loading", error);
  }
}

LoadErrorCode load_movement_log_file(const std::string& path, const Scenario& scenario,
                                     TrafficPlan* out, LoadError* error) noexcept {
  try {
    std::string text;
    if (!read_file(path, &text, error)) return error->code;
    return load_movement_log(text, path, scenario, out, error);
  } catch (const std::bad_alloc&) {
    return internal_error(path, "out of memory", error);
  } catch (...) {
    return internal_error(path, "unexpected exception while loading", error);
  }
}

std::string movement_log_file_name(uint32_t replication) {
  return "movements_r" + std::to_string(replication) + ".csv";
}

bool write_movement_logs(const std::string& folder, const Scenario& scenario,
                         uint32_t first_replication, uint32_t count, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    *error = "cannot create " + folder + ": " + ec.message();
    return false;
  }
  for (uint32_t k = 0; k < count; ++k) {
    const uint32_t r = first_replication + k;
    const std::string text = movement_log_csv(scenario, generate_traffic(scenario, r));
    const std::string path = (std::filesystem::path(folder) / movement_log_file_name(r)).string();
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"),
                                                               &std::fclose);
    const bool written = file &&
                         std::fwrite(text.data(), 1, text.size(), file.get()) == text.size() &&
                         std::fflush(file.get()) == 0;
    if (!written) {
      *error = "cannot write " + path + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace kervan
