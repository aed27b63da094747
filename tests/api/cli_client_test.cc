// `kervan client` against a real server over tcp: human and JSON output, exit statuses, CURVE
// keys from files, and transit steps parsed from text.
#include "api/cli_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "api/keys.h"
#include "api/server.h"
#include "ledger/transit/reference_data.h"
#include "tests/api/server_fixture.h"

namespace kervan {
namespace {

using testing::TempDir;
using testing::transit_in;

struct ClientRun {
  int status;
  std::string out;
  std::string err;
};

// Runs `kervan client <args>` in process, capturing both streams.
ClientRun client(std::vector<std::string> args) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  char* out_text = nullptr;
  char* err_text = nullptr;
  size_t out_size = 0, err_size = 0;
  std::FILE* out = open_memstream(&out_text, &out_size);
  std::FILE* err = open_memstream(&err_text, &err_size);
  const int status = run_client_command(static_cast<int>(argv.size()), argv.data(), out, err);
  std::fclose(out);
  std::fclose(err);
  ClientRun run{status, out_text, err_text};
  std::free(out_text);
  std::free(err_text);
  return run;
}

ServerOptions options_in(const TempDir& folder) {
  return testing::options_in(folder, "tcp://127.0.0.1:*");
}

TEST(CommandLineClient, ReservesPostsAndReportsBalancesAsTextAndJson) {
  TempDir folder;
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options_in(folder), &server).ok());
  server->start();
  const std::string e = server->endpoint();
  EXPECT_EQ(client({"--endpoint", e, "ping"}).out, "status: ok\n");
  EXPECT_EQ(client({"--endpoint", e, "create-account", "1", "978", "10"}).status, 0);
  EXPECT_EQ(client({"--endpoint", e, "create-account", "2", "978", "10"}).status, 0);
  ClientRun r = client({"--endpoint", e, "--json", "reserve", "100", "1", "2", "5000", "978", "7"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "{\"id\":\"100\",\"result\":\"ok\"}\n");
  EXPECT_EQ(client({"--endpoint", e, "post", "101", "100", "3000"}).status, 0);
  // Voiding what is already posted fails as an event: exit 1 and the result's name.
  r = client({"--endpoint", e, "void", "102", "100"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "id: 102\nresult: pending_transfer_already_posted\n");
  r = client({"--endpoint", e, "--json", "accounts", "1", "2", "3"});
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\"requested\":3,\"found\":2,\"accounts\":[{\"id\":\"1\","), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"debits_pending\":\"0\",\"debits_posted\":\"3000\""), std::string::npos)
      << r.out;
  r = client({"--endpoint", e, "history", "1", "5"});
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("account_id: 1\n  id=101 ", 0), 0u) << r.out;  // Newest first.
  r = client({"--endpoint", e, "--json", "stats"});
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("{\"requests\":", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\"rejected_forbidden\":0,\"rejected_revoked\":0,\"transit_refused\":0,"
                       "\"transit_events\":0}"),
            std::string::npos)
      << r.out;
  server->stop();
}

// Bad usage is refused before anything is sent (the server counts no request).
TEST(CommandLineClient, BadUsageSendsNothingAndSaysWhy) {
  TempDir folder;
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options_in(folder), &server).ok());
  server->start();
  const std::string e = server->endpoint();
  const std::vector<std::vector<std::string>> bad = {
      {"--endpoint", e, "create-account", "0", "978", "10"},          // Id zero.
      {"--endpoint", e, "create-account", "1", "978", "70000"},       // Code past u16.
      {"--endpoint", e, "transfer", "1", "2", "3", "-5", "978", "1"},  // Negative amount.
      {"--endpoint", e, "accounts"},
      {"--endpoint", e, "frobnicate"},
      {"--endpoint", e, "--colour", "red", "ping"},
      {"--endpoint", e, "transit", "release", "5", "XX"},
      {"--endpoint", e, "transit", "cross", "5", "26KZ0000000000001", "ZZ"},
      {"--endpoint", e, "transit", "claim", "5", "26KZ0000000000001", "12.345", "EUR"},
      {"--endpoint", e, "transit", "levitate", "5"},
      // Found from outside: a directory aborted the client, /dev/zero made it read for ever.
      {"--endpoint", e, "transit", "load-reference", "1", folder.path()},
      {"--endpoint", e, "transit", "load-reference", "1", "/dev/zero"},
      {"--endpoint", e, "transit", "register-key", "1", "30", "/dev/zero"},
      {"--endpoint", e, "transit", "register-key", "1", "30", folder.path()},
      {"--endpoint", e, "transit", "load-reference", "1", "/dev/null", "--effective-from", "x"},
      // Found from outside: endpoints ZeroMQ cannot parse aborted the client (rc 134).
      {"--endpoint", "localhost:27420", "ping"},
      {"--endpoint", "foo://bar", "ping"},
  };
  for (const std::vector<std::string>& args : bad) {
    const ClientRun r = client(args);
    EXPECT_EQ(r.status, 2) << args[2];
    EXPECT_FALSE(r.err.empty()) << args[2];
    EXPECT_TRUE(r.out.empty()) << args[2];
  }
  EXPECT_NE(client(bad[6]).err.find("MRN 'XX': wrong_length"), std::string::npos);
  EXPECT_NE(client(bad[9]).err.find("unknown transit step 'levitate'"), std::string::npos);
  EXPECT_NE(client(bad[11]).err.find("is not a regular file"), std::string::npos);
  EXPECT_NE(client(bad[15]).err.find("--endpoint 'localhost:27420'"), std::string::npos);
  server->stop();
  EXPECT_EQ(server->counters().requests, 0u);
}

TEST(CommandLineClient, NoServerIsATimeoutNotAHang) {
  TempDir folder;
  const ClientRun r = client({"--endpoint", "ipc://" + folder.path() + "/nobody", "--timeout-ms", "200",
                        "ping"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("no reply within 200 ms"), std::string::npos);
}

// CURVE keys from files; transit steps reach the domain, which answers per step, and a party
// acting for another is refused by the server.
TEST(CommandLineClient, TransitStepsWithKeysFromFiles) {
  TempDir folder;
  ServerOptions options = options_in(folder);
  options.insecure = false;
  options.server_keys = generate_keypair();
  const KeyPair customs_keys = generate_keypair();
  const KeyPair operator_keys = generate_keypair();
  constexpr PartyId customs_kz{10};
  options.clients = {ClientEntry{operator_keys.public_z85,
                                 Party{PartyId{1}, PartyRole::operator_, {}}},
                     ClientEntry{customs_keys.public_z85,
                                 Party{customs_kz, PartyRole::customs, Country::of("KZ")}}};
  options.transit = transit_in(folder);
  const std::string server_key = folder.path() + "/server.key";
  const std::string customs_key = folder.path() + "/customs.key";
  const std::string operator_key = folder.path() + "/operator.key";
  const std::string provider_key = folder.path() + "/provider.key";
  ASSERT_TRUE(save_keypair(operator_key, operator_keys).ok());
  ASSERT_TRUE(save_keypair(provider_key, generate_keypair()).ok());
  ASSERT_TRUE(save_keypair(server_key, options.server_keys).ok());
  ASSERT_TRUE(save_keypair(customs_key, customs_keys).ok());
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options, &server).ok());
  server->start();
  const std::string mrn(make_mrn(26, Country::of("KZ"), "NOSUCHMOVE01").text());
  const std::vector<std::string> secure = {"--endpoint", server->endpoint(), "--server-key",
                                           server_key, "--key", customs_key, "--json"};
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> all = secure;
    all.insert(all.end(), args.begin(), args.end());
    return client(all);
  };
  auto as_key = [&](const std::string& key, std::vector<std::string> args) {
    std::vector<std::string> all = {"--endpoint", server->endpoint(), "--server-key", server_key,
                                    "--key", key};
    all.insert(all.end(), args.begin(), args.end());
    return client(all);
  };
  auto as_operator = [&](std::vector<std::string> args) { return as_key(operator_key, args); };
  // The operator registers the parties and the provider's key (from its file); the provider
  // its guarantee. The customs was registered with its key by the seed.
  EXPECT_EQ(as_operator({"transit", "register-party", "1", "10", "customs", "KZ"}).out,
            "step: register-party\nresult: exists\n");
  EXPECT_EQ(as_operator({"transit", "register-party", "1", "20", "provider", "KZ"}).out,
            "step: register-party\nresult: ok\n");
  EXPECT_EQ(as_operator({"transit", "register-party", "1", "30", "principal", "CN"}).status, 0);
  EXPECT_EQ(as_operator({"transit", "register-key", "1", "20", provider_key}).out,
            "step: register-key\nresult: ok\n");
  const std::string grn(make_grn(26, Country::of("KZ"), "CLI000000001").text());
  const std::vector<std::string> guarantee = {"transit", "register-guarantee", "20", grn, "30",
                                              "100000.00", "EUR", "50", "2026-01-01", "2026-12-31"};
  ClientRun r = as_operator(guarantee);  // The operator does not act as the provider.
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "operation: transit_command\nstatus: forbidden\n");
  EXPECT_EQ(as_key(provider_key, guarantee).status, 0);
  r = as_key(provider_key, guarantee);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "step: register-guarantee\nresult: exists\n");
  r = as_operator({"transit", "register-guarantee", "20", grn, "30", "100000.00", "XXX", "50",
                   "2026-01-01", "2026-12-31"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("CURRENCY 'XXX'"), std::string::npos) << r.err;
  r = as_operator({"transit", "register-key", "1", "20", "not-a-key"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("PUBLIC-KEY 'not-a-key'"), std::string::npos) << r.err;
  r = as_operator({"transit", "register-party", "1", "40", "smuggler"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ROLE 'smuggler'"), std::string::npos) << r.err;
  r = with({"transit", "release", "10", mrn});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "{\"step\":\"release\",\"result\":\"movement_not_found\"}\n");
  r = with({"transit", "cross", "11", mrn, "KG"});  // Party 11 is not this key's.
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "{\"operation\":\"transit_command\",\"status\":\"forbidden\"}\n");
  r = with({"create-account", "1", "978", "1"});  // Ledger writes are the operator's.
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "{\"operation\":\"create_accounts\",\"status\":\"forbidden\"}\n");
  server->stop();
  EXPECT_EQ(server->counters().rejected_forbidden, 3u);
}

// A declaration from the command line: the amount to cover computed from the embedded CAREC
// tariffs, the access code hashed at registration and checked by the server; then queries.
TEST(CommandLineClient, DeclaresWithAnAccessCodeAndQueries) {
  TempDir folder;
  ServerOptions options = options_in(folder);
  options.insecure = false;
  options.server_keys = generate_keypair();
  const KeyPair operator_keys = generate_keypair();
  const KeyPair principal_keys = generate_keypair();
  const KeyPair provider_keys = generate_keypair();
  const KeyPair customs_keys = generate_keypair();
  options.clients = {ClientEntry{operator_keys.public_z85,
                                 Party{PartyId{1}, PartyRole::operator_, {}}},
                     ClientEntry{principal_keys.public_z85,
                                 Party{PartyId{30}, PartyRole::principal, Country::of("CN")}},
                     ClientEntry{provider_keys.public_z85,
                                 Party{PartyId{20}, PartyRole::provider, Country::of("KZ")}},
                     ClientEntry{customs_keys.public_z85,
                                 Party{PartyId{10}, PartyRole::customs, Country::of("KZ")}}};
  options.transit = transit_in(folder);
  const std::string server_key = folder.path() + "/server.key";
  const std::string operator_key = folder.path() + "/operator.key";
  const std::string principal_key = folder.path() + "/principal.key";
  const std::string provider_key = folder.path() + "/provider.key";
  const std::string customs_key = folder.path() + "/customs.key";
  ASSERT_TRUE(save_keypair(provider_key, provider_keys).ok());
  ASSERT_TRUE(save_keypair(customs_key, customs_keys).ok());
  ASSERT_TRUE(save_keypair(server_key, options.server_keys).ok());
  ASSERT_TRUE(save_keypair(operator_key, operator_keys).ok());
  ASSERT_TRUE(save_keypair(principal_key, principal_keys).ok());
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options, &server).ok());
  server->start();
  auto as = [&](const std::string& key, std::vector<std::string> args) {
    std::vector<std::string> all = {"--endpoint", server->endpoint(), "--server-key", server_key,
                                    "--key", key, "--json"};
    all.insert(all.end(), args.begin(), args.end());
    return client(all);
  };
  const std::string grn(make_grn(26, Country::of("KZ"), "CLI000000002").text());
  const std::string mrn(make_mrn(26, Country::of("KZ"), "CLI000000001").text());
  ASSERT_EQ(as(provider_key, {"transit", "register-guarantee", "20", grn, "30", "100000.00", "EUR",
                              "100", "2026-01-01", "2099-12-31", "ab12"})
                .status,
            0);
  // The operator loads the reference data the server computes amounts with (checked by the
  // client first: a bad file is refused with its line and field, and nothing is sent).
  const std::string reference = folder.path() + "/carec.toml";
  std::ofstream(reference) << embedded_carec_toml();
  const std::string bad_reference = folder.path() + "/bad.toml";
  std::ofstream(bad_reference) << "format_version = 2\n";
  ClientRun r = as(operator_key, {"transit", "load-reference", "1", bad_reference});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad.toml:1:"), std::string::npos) << r.err;
  r = as(principal_key, {"transit", "declare", "30", mrn, "KZ,KG", "870323:25000.00:EUR",
                         grn + ":AB12"});
  EXPECT_EQ(r.out.rfind("{\"step\":\"declare\",\"result\":\"amount_not_computable\"", 0), 0u)
      << r.out;  // No reference data in force yet.
  r = as(operator_key, {"transit", "load-reference", "1", reference});
  ASSERT_EQ(r.out, "{\"step\":\"load-reference\",\"result\":\"ok\"}\n") << r.err;
  r = as(principal_key, {"query", "reference"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"versions\":[{\"id\":1,\"effective_from\":\""), std::string::npos)
      << r.out;
  // One car (8703.23: duty, excise and VAT by each country's tariff) and one unclassified item
  // (EUR 10,000 by default), KZ -> KG: the regional amount is the higher country's total.
  r = as(principal_key, {"transit", "declare", "30", mrn, "KZ,KG",
                         "870323:25000.00:EUR,0:900.00:USD", grn + ":AB12", "--date",
                         "2026-11-22"});
  EXPECT_EQ(r.status, 2);  // The server's date, not the sender's.
  r = as(principal_key, {"transit", "declare", "30", mrn, "KZ,KG",
                         "870323:25000.00:EUR,0:900.00:USD", grn + ":AB12"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("{\"step\":\"declare\",\"result\":\"ok\",\"mrn\":\"" + mrn +
                            "\",\"reference_version\":1,\"covered_0\":\"",
                        0),
            0u)
      << r.out;
  // What the server would compute for the same goods: the same figure, and nothing declared.
  const std::string covered = r.out.substr(r.out.find("\"covered_0\":"));
  const std::string other_mrn(make_mrn(26, Country::of("KZ"), "CLI000000009").text());
  r = as(principal_key, {"query", "cover", "30", other_mrn, "KZ,KG",
                         "870323:25000.00:EUR,0:900.00:USD", grn});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"result\":\"ok\",\"reference_version\":1,"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(covered.substr(0, covered.find('}'))), std::string::npos) << covered;
  EXPECT_NE(r.out.find("\"duties_0_KZ\":"), std::string::npos) << r.out;
  EXPECT_EQ(as(principal_key, {"query", "movement", other_mrn}).status, 1);  // not_found.
  r = as(customs_key, {"transit", "release", "10", mrn});
  EXPECT_EQ(r.out, "{\"step\":\"release\",\"result\":\"ok\"}\n");
  r = as(principal_key, {"query", "movement", mrn});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"state\":\"released\",\"principal\":30,\"itinerary\":\"KZ,KG\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"history\":[{\"event\":\"declared\",\"country\":\"CN\",\"party\":30"),
            std::string::npos)
      << r.out;
  r = as(principal_key, {"query", "guarantee", grn});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"open_movements\":1"), std::string::npos) << r.out;
  // The principal may not read a country's duty statement: refused, exit 1.
  r = as(principal_key, {"query", "duties", "KZ", "EUR"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "{\"operation\":\"transit_query\",\"status\":\"forbidden\"}\n");
  r = as(operator_key, {"query", "duties", "KZ", "EUR", "2026-01-01", "2026-12-31"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"result\":\"ok\",\"country\":\"KZ\""), std::string::npos) << r.out;
  r = as(operator_key, {"query", "usage", grn, "2026-13-01", "2026-12-31"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("FROM and TO must be dates"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kervan

namespace kervan {
namespace {

using testing::TempDir;

// What a client is handed as the server's key: the text, or a file starting "public <z85>".
TEST(Keys, PublicKeyFromTextOrFile) {
  TempDir folder;
  const KeyPair pair = generate_keypair();
  std::string key;
  ASSERT_TRUE(load_public_key(pair.public_z85, &key).ok());
  EXPECT_EQ(key, pair.public_z85);
  const std::string with_slash = "QteMK<4h!rIH8(Zs^zXwc#+V?t4:0L>z/kj)GtTb";  // Z85 has '/'.
  ASSERT_TRUE(load_public_key(with_slash, &key).ok());
  EXPECT_EQ(key, with_slash);
  const std::string public_only = folder.path() + "/server.pub";
  std::ofstream(public_only) << "public " << pair.public_z85 << "\n";
  key.clear();
  ASSERT_TRUE(load_public_key(public_only, &key).ok());
  EXPECT_EQ(key, pair.public_z85);
  const std::string secret_first = folder.path() + "/wrong.key";
  std::ofstream(secret_first) << "secret " << pair.secret_z85 << "\n";
  EXPECT_EQ(load_public_key(secret_first, &key).message(),
            secret_first + ": expected a first line 'public <40 Z85>'");
  EXPECT_FALSE(load_public_key("tooshort", &key).ok());
  EXPECT_EQ(key, pair.public_z85);  // Unchanged by the refusals.
}

}  // namespace
}  // namespace kervan
