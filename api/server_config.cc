// Reading `kervan serve` settings from TOML (toml++, header-only, without exceptions, as in
// ledger/transit/reference_data.cc) and from flags. Both paths set a key through the same
// table of setters, so a key means the same in the file and on the command line.
#include "api/server_config.h"

#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kervan {
namespace {

enum class Kind : uint8_t { text, boolean, count };

// One setting: its table and key in the file, its flag, and how to store a parsed value.
struct Setting {
  std::string_view table;
  std::string_view key;
  std::string_view flag;
  Kind kind;
  // Stores the value; returns an empty string or why the value is wrong.
  std::string (*set)(ServeSettings*, std::string_view text, bool flag_value, uint64_t count);
};

std::string set_count(uint32_t* target, uint64_t value, uint64_t max) {
  if (value == 0 || value > max) return "expected a count from 1 to " + std::to_string(max);
  *target = static_cast<uint32_t>(value);
  return {};
}

constexpr uint64_t capacity_max = 1u << 30;  // Capacities are uint32 indexes; keep headroom.

const std::array<Setting, 13> settings_table{{
    {"server", "endpoint", "--endpoint", Kind::text,
     [](ServeSettings* s, std::string_view v, bool, uint64_t) -> std::string {
       if (v.empty()) return "expected a ZeroMQ endpoint such as tcp://127.0.0.1:7420";
       s->endpoint = std::string(v);
       return {};
     }},
    {"server", "feed", "--feed", Kind::text,
     [](ServeSettings* s, std::string_view v, bool, uint64_t) -> std::string {
       s->feed_endpoint = std::string(v);
       return {};
     }},
    {"server", "insecure", "--insecure", Kind::boolean,
     [](ServeSettings* s, std::string_view, bool b, uint64_t) -> std::string {
       s->insecure = b;
       return {};
     }},
    {"server", "in_flight_max", "--in-flight-max", Kind::count,
     [](ServeSettings* s, std::string_view, bool, uint64_t n) {
       return set_count(&s->in_flight_max, n, 1u << 20);
     }},
    {"store", "data", "--data", Kind::text,
     [](ServeSettings* s, std::string_view v, bool, uint64_t) -> std::string {
       if (v.empty()) return "expected a directory";
       s->data = std::string(v);
       return {};
     }},
    {"store", "sync", "--sync", Kind::text,
     [](ServeSettings* s, std::string_view v, bool, uint64_t) -> std::string {
       if (!parse_sync_mode(v, &s->sync)) return "expected one of durable, no_meta_sync, no_sync";
       return {};
     }},
    {"store", "accounts_max", "--accounts-max", Kind::count,
     [](ServeSettings* s, std::string_view, bool, uint64_t n) {
       return set_count(&s->accounts_max, n, capacity_max);
     }},
    {"store", "transfers_max", "--transfers-max", Kind::count,
     [](ServeSettings* s, std::string_view, bool, uint64_t n) {
       return set_count(&s->transfers_max, n, capacity_max);
     }},
    {"transit", "enabled", "--transit", Kind::boolean,
     [](ServeSettings* s, std::string_view, bool b, uint64_t) -> std::string {
       s->transit = b;
       return {};
     }},
    {"transit", "clock", "--transit-clock", Kind::text,
     [](ServeSettings* s, std::string_view v, bool, uint64_t) -> std::string {
       if (v != "server" && v != "requests") return "expected server or requests";
       s->transit_clock_from_requests = v == "requests";
       return {};
     }},
    {"transit", "parties_max", "--parties-max", Kind::count,
     [](ServeSettings* s, std::string_view, bool, uint64_t n) {
       return set_count(&s->parties_max, n, 1u << 20);
     }},
    {"transit", "guarantees_max", "--guarantees-max", Kind::count,
     [](ServeSettings* s, std::string_view, bool, uint64_t n) {
       return set_count(&s->guarantees_max, n, 1u << 24);
     }},
    {"transit", "movements_max", "--movements-max", Kind::count,
     [](ServeSettings* s, std::string_view, bool, uint64_t n) {
       return set_count(&s->movements_max, n, 1u << 26);
     }},
}};

std::string where(std::string_view source, const toml::source_region& region) {
  return std::string(source) + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column);
}

// Applies one file value; returns an empty string or the reason it is refused.
std::string apply_node(const Setting& setting, const toml::node& node, ServeSettings* s) {
  switch (setting.kind) {
    case Kind::text:
      if (const auto* v = node.as_string()) return setting.set(s, v->get(), false, 0);
      return "expected a string";
    case Kind::boolean:
      if (const auto* v = node.as_boolean()) return setting.set(s, {}, v->get(), 0);
      return "expected true or false";
    case Kind::count:
      if (const auto* v = node.as_integer(); v != nullptr && v->get() >= 0) {
        return setting.set(s, {}, false, static_cast<uint64_t>(v->get()));
      }
      return "expected a non-negative integer";
  }
  return "unsupported";
}

}  // namespace

bool apply_config_text(std::string_view text, std::string_view source, ServeSettings* settings,
                       ConfigError* error) {
  toml::parse_result parsed = toml::parse(text, source);
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    error->message = where(source, e.source()) + ": " + std::string(e.description());
    return false;
  }
  ServeSettings next = *settings;  // Applied whole or not at all.
  for (const auto& [table_key, table_node] : parsed.table()) {
    const auto* table = table_node.as_table();
    bool known_table = false;
    for (const Setting& setting : settings_table) known_table |= setting.table == table_key.str();
    if (table == nullptr || !known_table) {
      error->message = where(source, table_key.source()) + ": " + std::string(table_key.str()) +
                       ": unknown section (expected [server], [store] or [transit])";
      return false;
    }
    for (const auto& [key, node] : *table) {
      const Setting* match = nullptr;
      for (const Setting& setting : settings_table) {
        if (setting.table == table_key.str() && setting.key == key.str()) match = &setting;
      }
      const std::string path = std::string(table_key.str()) + "." + std::string(key.str());
      if (match == nullptr) {
        error->message = where(source, key.source()) + ": " + path + ": unknown key";
        return false;
      }
      if (std::string why = apply_node(*match, node, &next); !why.empty()) {
        error->message = where(source, node.source()) + ": " + path + ": " + why;
        return false;
      }
    }
  }
  *settings = std::move(next);
  return true;
}

bool apply_config_file(const std::string& path, ServeSettings* settings, ConfigError* error) {
  // A directory opens as an empty stream: it must not start a server on every default (found
  // from outside).
  std::error_code fs_error;
  if (std::filesystem::exists(path, fs_error) &&
      !std::filesystem::is_regular_file(path, fs_error)) {
    error->message = path + ": not a configuration file (a regular TOML file)";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error->message = path + ": cannot be read";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return apply_config_text(text.str(), path, settings, error);
}

bool apply_flag(std::string_view flag, std::string_view value, ServeSettings* settings,
                ConfigError* error) {
  for (const Setting& setting : settings_table) {
    if (setting.flag != flag) continue;
    std::string why;
    switch (setting.kind) {
      case Kind::text:
        why = setting.set(settings, value, false, 0);
        break;
      case Kind::boolean:
        if (value == "yes" || value == "true") why = setting.set(settings, {}, true, 0);
        else if (value == "no" || value == "false") why = setting.set(settings, {}, false, 0);
        else why = "expected yes or no";
        break;
      case Kind::count: {
        uint64_t n = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        why = (ec == std::errc() && end == value.data() + value.size())
                  ? setting.set(settings, {}, false, n)
                  : "expected a count";
        break;
      }
    }
    if (why.empty()) return true;
    error->message = std::string(flag) + " " + std::string(value) + ": " + why;
    return false;
  }
  error->message = std::string(flag) + ": unknown flag";
  return false;
}

}  // namespace kervan
