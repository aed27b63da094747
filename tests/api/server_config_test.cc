// `kervan serve` configuration: the TOML file, the flags, and refusals that name the key.
#include "api/server_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kervan {
namespace {

TEST(ServerConfig, FileSetsEveryTableAndLeavesOthersAtDefaults) {
  ServeSettings s;
  ConfigError error;
  ASSERT_TRUE(apply_config_text(R"(
[server]
endpoint = "ipc:///tmp/kervan.sock"
feed = "tcp://127.0.0.1:7421"
in_flight_max = 64
[store]
data = "/srv/kervan"
sync = "no_meta_sync"
transfers_max = 5000
[transit]
enabled = true
movements_max = 777
)",
                                "kervan.toml", &s, &error))
      << error.message;
  EXPECT_EQ(s.endpoint, "ipc:///tmp/kervan.sock");
  EXPECT_EQ(s.feed_endpoint, "tcp://127.0.0.1:7421");
  EXPECT_EQ(s.in_flight_max, 64u);
  EXPECT_EQ(s.data, "/srv/kervan");
  EXPECT_EQ(s.sync, SyncMode::no_meta_sync);
  EXPECT_EQ(s.transfers_max, 5000u);
  EXPECT_TRUE(s.transit);
  EXPECT_EQ(s.movements_max, 777u);
  const ServeSettings defaults;
  EXPECT_EQ(s.accounts_max, defaults.accounts_max);  // Not in the file.
  EXPECT_EQ(s.insecure, defaults.insecure);
  EXPECT_EQ(s.guarantees_max, defaults.guarantees_max);
}

// Each refusal names file, line, column and key, and leaves the settings untouched (even the
// keys before the bad one: a file applies whole or not at all).
TEST(ServerConfig, RefusalsNameTheKeyAndChangeNothing) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"[server]\nendpoint = \"tcp://x:1\"\nendpiont = \"y\"\n", "c.toml:3:1: server.endpiont: unknown key"},
      {"[store]\nsync = \"sometimes\"\n", "c.toml:2:8: store.sync: expected one of durable"},
      {"[store]\naccounts_max = 0\n", "store.accounts_max: expected a count from 1 to"},
      {"[store]\naccounts_max = -3\n", "store.accounts_max: expected a non-negative integer"},
      {"[store]\naccounts_max = \"many\"\n", "store.accounts_max: expected a non-negative integer"},
      {"[transit]\nenabled = \"yes\"\n", "transit.enabled: expected true or false"},
      {"[network]\nport = 1\n", "network: unknown section"},
      {"endpoint = \"tcp://x:1\"\n", "endpoint: unknown section"},
      {"[server\n", "c.toml:1:"},  // TOML syntax error, with its position.
  };
  for (const Case& c : cases) {
    ServeSettings s;
    ConfigError error;
    EXPECT_FALSE(apply_config_text(c.text, "c.toml", &s, &error)) << c.text;
    EXPECT_NE(error.message.find(c.expected), std::string::npos)
        << "got: " << error.message << "\nwanted: " << c.expected;
    EXPECT_EQ(s.endpoint, ServeSettings{}.endpoint);
    EXPECT_EQ(s.accounts_max, ServeSettings{}.accounts_max);
  }
}

TEST(ServerConfig, FlagsUseTheSameSettersAsTheFile) {
  ServeSettings s;
  ConfigError error;
  ASSERT_TRUE(apply_flag("--transit", "yes", &s, &error));
  ASSERT_TRUE(apply_flag("--accounts-max", "42", &s, &error));
  ASSERT_TRUE(apply_flag("--sync", "no_sync", &s, &error));
  EXPECT_TRUE(s.transit);
  EXPECT_EQ(s.accounts_max, 42u);
  EXPECT_EQ(s.sync, SyncMode::no_sync);
  EXPECT_FALSE(apply_flag("--accounts-max", "42x", &s, &error));
  EXPECT_EQ(error.message, "--accounts-max 42x: expected a count");
  EXPECT_FALSE(apply_flag("--insecure", "maybe", &s, &error));
  EXPECT_EQ(error.message, "--insecure maybe: expected yes or no");
  EXPECT_FALSE(apply_flag("--colour", "red", &s, &error));
  EXPECT_EQ(error.message, "--colour: unknown flag");
  EXPECT_EQ(s.accounts_max, 42u);
}

TEST(ServerConfig, FileThatCannotBeReadIsAnError) {
  ServeSettings s;
  ConfigError error;
  EXPECT_FALSE(apply_config_file("/nonexistent/kervan.toml", &s, &error));
  EXPECT_EQ(error.message, "/nonexistent/kervan.toml: cannot be read");
  // Found from outside: a directory read as an empty file, and the server started on every
  // default.
  const std::string folder = std::filesystem::temp_directory_path().string();
  EXPECT_FALSE(apply_config_file(folder, &s, &error));
  EXPECT_EQ(error.message, folder + ": not a configuration file (a regular TOML file)");
  const std::string path =
      (std::filesystem::temp_directory_path() / "kervan_server_config_test.toml").string();
  std::ofstream(path) << "[store]\naccounts_max = 9\n";
  EXPECT_TRUE(apply_config_file(path, &s, &error)) << error.message;
  EXPECT_EQ(s.accounts_max, 9u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace kervan
