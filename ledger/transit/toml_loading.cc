#include "ledger/transit/toml_loading.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <utility>

namespace kervan::toml_loading {

std::string child(const std::string& path, std::string_view key) {
  std::string result = path;
  if (!result.empty()) result += '.';
  result += key;
  return result;
}

std::string element(std::string_view path, size_t index) {
  std::string result(path);
  result += '[';
  result += std::to_string(index);
  result += ']';
  return result;
}

// Appends rather than `"\"" + std::string(text)`, which trips GCC 12's false -Wrestrict.
std::string quoted(std::string_view text) {
  std::string result;
  result.reserve(text.size() + 2);
  result += '"';
  result += text;
  result += '"';
  return result;
}

bool parse(std::string_view text, std::string_view source_name, toml::parse_result* out,
           LoadError* error) {
  *out = toml::parse(text, source_name);
  if (*out) return true;
  const toml::parse_error& failure = out->error();
  *error = LoadError{.code = LoadErrorCode::syntax,
                     .source = std::string(source_name),
                     .line = failure.source().begin.line,
                     .column = failure.source().begin.column,
                     .path = "",
                     .message = std::string(failure.description())};
  return false;
}

LoadErrorCode whole_file_error(LoadErrorCode code, std::string_view source, std::string message,
                               LoadError* error) {
  *error = LoadError{};
  error->code = code;
  error->source = std::string(source);
  error->message = std::move(message);
  return code;
}

LoadErrorCode read_file(const std::string& path, size_t bytes_max, std::string* text,
                        LoadError* error) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    return whole_file_error(LoadErrorCode::file_unreadable, path,
                            std::generic_category().message(errno), error);
  }
  std::array<char, size_t{64} * 1024> buffer;
  size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    if (text->size() + read > bytes_max) {
      return whole_file_error(LoadErrorCode::file_too_large, path,
                              "larger than " + std::to_string(bytes_max) + " bytes", error);
    }
    text->append(buffer.data(), read);
  }
  if (std::ferror(file.get()) != 0) {
    return whole_file_error(LoadErrorCode::file_unreadable, path, "read error", error);
  }
  return LoadErrorCode::ok;
}

bool Loader::fail(LoadErrorCode code, const toml::source_region& where, const std::string& path,
                  std::string message) {
  *error_ = LoadError{.code = code,
                      .source = source_,
                      .line = where.begin.line,
                      .column = where.begin.column,
                      .path = path,
                      .message = std::move(message)};
  if (error_->line == 0) {  // The root table has no position of its own.
    error_->line = 1;
    error_->column = 1;
  }
  return false;
}

bool Loader::check_keys(const toml::table& table, const std::string& path, Keys allowed) {
  for (auto&& [key, value] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
    std::string expected;
    for (std::string_view name : allowed) {
      if (!expected.empty()) expected += ", ";
      expected += name;
    }
    return fail(LoadErrorCode::key_unknown, key.source(), child(path, key.str()),
                "unknown key (expected one of: " + expected + ")");
  }
  return true;
}

bool Loader::refuse_key(const toml::table& table, std::string_view key, const std::string& path,
                        const std::string& why) {
  const auto found = table.find(key);
  if (found == table.end()) return true;
  return fail(LoadErrorCode::key_unknown, found->first.source(), child(path, key), why);
}

const toml::node* Loader::required(const toml::table& table, std::string_view key,
                                   const std::string& path) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    fail(LoadErrorCode::key_missing, table.source(), child(path, key), "missing");
  }
  return node;
}

const toml::table* Loader::as_table(const toml::node& node, const std::string& path) {
  const toml::table* table = node.as_table();
  if (table == nullptr) fail(LoadErrorCode::type_wrong, node.source(), path, "expected a table");
  return table;
}

}  // namespace kervan::toml_loading
