// What every `kervan client` command shares: its output (human or --json), its exit statuses,
// the session it runs in, and the parsing of numbers from arguments.
#pragma once

#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/client.h"
#include "core/int128.h"

namespace kervan {

inline constexpr int exit_ok = 0;
inline constexpr int exit_refused = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_timeout = 3;
inline constexpr int usage_explained = -2;  // Bad usage already explained: exit 2, no usage.

// Output in either form. Fields, then named lists of rows, are gathered, then written at once:
// human text (a "name: value" line per field, then each row indented on one line, under a
// "list:" heading when there are several lists), or exactly one JSON object on one line (u128
// values as decimal strings, since JSON numbers cannot hold them).
class Output {
 public:
  Output(std::FILE* out, bool json) : out_(out), json_(json) {}
  void field(std::string_view name, std::string_view text);
  void number(std::string_view name, uint64_t value);
  void big(std::string_view name, u128 value);
  // Starts a list (printed even when empty); rows go to the latest list.
  void list(std::string_view name);
  void begin_row();
  void row_field(std::string_view name, std::string_view text, bool quoted);
  void row_number(std::string_view name, uint64_t value);
  void end_row();
  void flush();

 private:
  struct Field {
    std::string name;
    std::string json;
    std::string text;
  };
  struct List {
    std::string name;
    std::vector<std::vector<Field>> rows;
  };
  static void append_object_fields(const std::vector<Field>& fields, std::string* line);
  static std::string quote(std::string_view text);

  std::FILE* out_;
  bool json_;
  std::vector<Field> fields_;
  std::vector<Field> row_;
  std::vector<List> lists_;
};

struct Session {
  Client* client;
  Output* out;
  std::FILE* err;
  int timeout_ms;
};

// A request the server refused as a whole: its status, in either form. Returns exit_refused.
int refused(Session& s, std::string_view operation, ProtocolStatus status);
// No reply in time: says why that may be. Returns exit_timeout.
int timed_out(Session& s);
// Bad usage explained in one line on stderr. Returns usage_explained.
int explain_usage(Session& s, const std::string& why);

// A non-zero decimal u128 id.
[[nodiscard]] bool parse_id(std::string_view text, u128* out);
// A decimal number up to max.
[[nodiscard]] bool parse_small(std::string_view text, uint64_t max, uint64_t* out);

}  // namespace kervan
