#include "api/cli_output.h"

namespace kervan {

void Output::field(std::string_view name, std::string_view text) {
  fields_.push_back({std::string(name), quote(text), std::string(text)});
}

void Output::number(std::string_view name, uint64_t value) {
  fields_.push_back({std::string(name), std::to_string(value), std::to_string(value)});
}

void Output::big(std::string_view name, u128 value) { field(name, to_string_u128(value)); }

void Output::list(std::string_view name) { lists_.push_back({std::string(name), {}}); }

void Output::begin_row() { row_.clear(); }

void Output::row_field(std::string_view name, std::string_view text, bool quoted) {
  row_.push_back({std::string(name), quoted ? quote(text) : std::string(text), std::string(text)});
}

void Output::row_number(std::string_view name, uint64_t value) {
  row_field(name, std::to_string(value), false);
}

void Output::end_row() {
  if (lists_.empty()) list("rows");
  lists_.back().rows.push_back(row_);
}

void Output::flush() {
  if (json_) {
    std::string line = "{";
    append_object_fields(fields_, &line);
    for (size_t l = 0; l < lists_.size(); ++l) {
      if (l != 0 || !fields_.empty()) line += ',';
      line += quote(lists_[l].name);
      line += ":[";
      for (size_t r = 0; r < lists_[l].rows.size(); ++r) {
        if (r != 0) line += ',';
        line += '{';
        append_object_fields(lists_[l].rows[r], &line);
        line += '}';
      }
      line += ']';
    }
    std::fprintf(out_, "%s}\n", line.c_str());
    return;
  }
  for (const Field& f : fields_) std::fprintf(out_, "%s: %s\n", f.name.c_str(), f.text.c_str());
  for (const List& list : lists_) {
    if (lists_.size() > 1) std::fprintf(out_, "%s:\n", list.name.c_str());
    for (const auto& row : list.rows) {
      std::string line = " ";
      for (const Field& f : row) {
        line += ' ';
        line += f.name;
        line += '=';
        line += f.text;
      }
      std::fprintf(out_, "%s\n", line.c_str());
    }
  }
}

// GCC 12 warns falsely (-Wrestrict) on `const char* + std::string`: append instead.
void Output::append_object_fields(const std::vector<Field>& fields, std::string* line) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) *line += ',';
    *line += quote(fields[i].name);
    *line += ':';
    *line += fields[i].json;
  }
}

std::string Output::quote(std::string_view text) {
  std::string q = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') q += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(c));
      q += hex;
      continue;
    }
    q += c;
  }
  return q + "\"";
}

int refused(Session& s, std::string_view operation, ProtocolStatus status) {
  s.out->field("operation", operation);
  s.out->field("status", result_name(status));
  s.out->flush();
  return exit_refused;
}

int timed_out(Session& s) {
  std::fprintf(s.err, "kervan client: no reply within %d ms (server down, busy, or this key "
                      "not registered: CURVE refusals are silent)\n", s.timeout_ms);
  return exit_timeout;
}

int explain_usage(Session& s, const std::string& why) {
  std::fprintf(s.err, "kervan client: %s\n", why.c_str());
  return usage_explained;
}

bool parse_id(std::string_view text, u128* out) {
  return parse_u128(text.data(), text.data() + text.size(), out) && *out != 0;
}

bool parse_small(std::string_view text, uint64_t max, uint64_t* out) {
  u128 value = 0;
  if (!parse_u128(text.data(), text.data() + text.size(), &value) || value > max) return false;
  *out = static_cast<uint64_t>(value);
  return true;
}

}  // namespace kervan
