#include "sim/csv_field.h"

namespace kervan {

void append_csv_field(std::string* out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (const char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string csv_field(std::string_view text) {
  std::string field;
  append_csv_field(&field, text);
  return field;
}

}  // namespace kervan
