// A small JSON writer for the simulator's outputs: objects, arrays, strings (escaped), integers,
// booleans and doubles in their shortest round-trip form (std::to_chars), so that the same
// values always give the same bytes. Non-finite doubles become null (JSON has no NaN).
// Commas and nesting are the writer's business; the caller says what comes next.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kervan {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);  // Inside an object, before its value.
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(uint32_t number) { return value(uint64_t{number}); }
  JsonWriter& value(int number) { return value(int64_t{number}); }
  JsonWriter& value(bool flag);
  JsonWriter& null();

  // The text written so far (complete once every object and array is closed).
  const std::string& text() const { return out_; }

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;  // Per open object or array: nothing written in it yet.
  bool after_key_ = false;
};

// The shortest decimal text that reads back as `number` ("0.1", "1e+300", "nan" never: null).
std::string format_double(double number);

}  // namespace kervan
