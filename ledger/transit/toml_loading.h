// What Kervan's TOML loaders share (reference data, simulation scenarios, parameter sweeps):
// toml++ configured one way for every file that includes it (header-only, without exceptions,
// without formatters), field paths for error messages ("corridors[2].crossings[0].mean_h"),
// file reading with a size limit, syntax errors, and the checks every loader makes the same way
// (unknown keys refused, required keys, tables). Errors are LoadError (reference_data.h):
// "file:line:column: path: message".
//
// Include this header, never <toml++/toml.h> directly, so that the configuration macros are the
// same in every translation unit. Only loaders include it; the rest of Kervan never sees a
// toml:: type.
#pragma once

#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <cstddef>
#include <initializer_list>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "core/assert.h"

#include "ledger/transit/reference_data.h"

namespace kervan::toml_loading {

using Keys = std::initializer_list<std::string_view>;

// "a.b" from "a" and "b" ("b" alone from ""); "a[3]"; "\"text\"".
std::string child(const std::string& path, std::string_view key);
std::string element(std::string_view path, size_t index);
std::string quoted(std::string_view text);

// Parses TOML text; false with *error filled (syntax, the parser's position and message).
[[nodiscard]] bool parse(std::string_view text, std::string_view source_name,
                         toml::parse_result* out, LoadError* error);

// Reads a whole file of at most bytes_max bytes into *text (appended): ok, or file_unreadable
// or file_too_large with *error filled.
[[nodiscard]] LoadErrorCode read_file(const std::string& path, size_t bytes_max,
                                      std::string* text, LoadError* error);

// Fills *error for a failure of the file as a whole (no position, no path); returns `code`.
LoadErrorCode whole_file_error(LoadErrorCode code, std::string_view source, std::string message,
                               LoadError* error);

// Parses `text` and reads it with a `Reader` (made from the source name and `error`, with
// `bool load(const toml::table&, Out*)`) into `fresh`, which goes to *out only when read whole:
// on any error *out is unchanged.
template <typename Reader, typename Out>
LoadErrorCode read_document(std::string_view text, std::string_view source_name, Out fresh,
                            Out* out, LoadError* error) {
  toml::parse_result parsed;
  if (!parse(text, source_name, &parsed, error)) return error->code;
  Reader reader(source_name, error);
  if (!reader.load(parsed.table(), &fresh)) {
    KERVAN_ASSERT(error->code != LoadErrorCode::ok);
    return error->code;
  }
  *out = std::move(fresh);
  return LoadErrorCode::ok;
}

// Runs `load` (returning a LoadErrorCode), turning an exception (out of memory, inside toml++ or
// the standard library) into `internal` with *error filled: the loaders' entry points are
// noexcept.
template <typename Load>
LoadErrorCode without_exceptions(std::string_view source, LoadError* error, Load load) noexcept {
  try {
    return load();
  } catch (const std::bad_alloc&) {
    return whole_file_error(LoadErrorCode::internal, source, "out of memory", error);
  } catch (...) {
    return whole_file_error(LoadErrorCode::internal, source, "unexpected exception while loading",
                            error);
  }
}

// Reads the file (at most bytes_max bytes), then `load_text(text)`, without exceptions.
template <typename LoadText>
LoadErrorCode load_file(const std::string& path, size_t bytes_max, LoadError* error,
                        LoadText load_text) noexcept {
  return without_exceptions(path, error, [&] {
    std::string text;
    if (read_file(path, bytes_max, &text, error) != LoadErrorCode::ok) return error->code;
    return load_text(text);
  });
}

// The base of a loader: where its errors go, and the checks every loader makes alike. Each
// returns false (or nullptr) with *error filled on the first failure.
class Loader {
 public:
  Loader(std::string_view source, LoadError* error) : source_(source), error_(error) {}

 protected:
  // Fills the error at `where` (the root table, which has no position, as line 1 column 1).
  bool fail(LoadErrorCode code, const toml::source_region& where, const std::string& path,
            std::string message);
  // Refuses any key of `table` not in `allowed` (key_unknown, listing what is allowed).
  bool check_keys(const toml::table& table, const std::string& path, Keys allowed);
  // A key the format defines, present where it does not apply: refused like an unknown key,
  // with `why`.
  bool refuse_key(const toml::table& table, std::string_view key, const std::string& path,
                  const std::string& why);
  // The node under `key`, or nullptr after key_missing.
  const toml::node* required(const toml::table& table, std::string_view key,
                             const std::string& path);
  // The node as a table, or nullptr after type_wrong.
  const toml::table* as_table(const toml::node& node, const std::string& path);

  std::string source_;
  LoadError* error_;
};

}  // namespace kervan::toml_loading
