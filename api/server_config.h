// `kervan serve` configuration: embedded defaults, then a TOML file (--config), then flags.
//
// The file holds one table per concern; every key is optional and unknown keys are refused
// (a misspelt key must not silently fall back to a default). docs/operations.md lists them:
//
//   [server]  endpoint = "tcp://127.0.0.1:7420"   feed = ""   insecure = false
//             in_flight_max = 1024
//   [store]   data = "var/kervan"   sync = "durable"   accounts_max = 100000
//             transfers_max = 2000000
//   [transit] enabled = false   clock = "server"   parties_max = 1024
//             guarantees_max = 4096   movements_max = 100000
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/store.h"

namespace kervan {

struct ServeSettings {
  std::string endpoint = "tcp://127.0.0.1:7420";
  std::string feed_endpoint;  // Empty: no change feed.
  bool insecure = false;
  uint32_t in_flight_max = 1024;
  std::string data = "var/kervan";
  SyncMode sync = SyncMode::durable;
  uint32_t accounts_max = 100'000;
  uint32_t transfers_max = 2'000'000;
  bool transit = false;
  bool transit_clock_from_requests = false;  // [transit] clock = "requests" (else "server").
  uint32_t parties_max = 1024;
  uint32_t guarantees_max = 4096;
  uint32_t movements_max = 100'000;
};

// Why a configuration was refused: where, which key, and what was wrong, in one line
// ("kervan.toml:4:17: store.sync: expected one of durable, no_meta_sync, no_sync").
struct ConfigError {
  std::string message;
};

// Reads `text` (named `source` in messages) over *settings: keys present replace the values
// there. On error returns false, fills *error and leaves *settings as it was.
bool apply_config_text(std::string_view text, std::string_view source, ServeSettings* settings,
                       ConfigError* error);
// Reads the file at `path` as above; an unreadable file is an error too.
bool apply_config_file(const std::string& path, ServeSettings* settings, ConfigError* error);

// One command-line flag ("--endpoint", "tcp://...") over *settings; false when the flag is
// unknown or its value invalid (error says which).
bool apply_flag(std::string_view flag, std::string_view value, ServeSettings* settings,
                ConfigError* error);

}  // namespace kervan
