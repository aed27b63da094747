// The kervan command-line tool. Subcommands grow with the product (serve, verify, bench, ...).
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <cstring>

#include "api/cli_client.h"
#include "api/demo.h"
#include "api/load_generator.h"
#include "api/server.h"
#include "api/server_config.h"
#include "api/scenario.h"
#include "api/sim_server_port.h"
#include "sim/simulate_command.h"
#include "ledger/store.h"

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: kervan <command>\n"
               "commands:\n"
               "  scenario [--store DIR] [--movements N] [--through server|store]\n"
               "                 the main job: a CAREC regional scenario on embedded defaults,\n"
               "                 through a server it starts on loopback (default) or straight\n"
               "                 to the durable transit store; DIR is made afresh\n"
               "  simulate [--scenario FILE] [--out DIR] [--replications N] [--threads N]\n"
               "           [--seed N] [--horizon-days N] [--through process|server]\n"
               "           [--verify-ledger] [--quiet]\n"
               "                 compare guarantee schemes on simulated regional traffic\n"
               "                 (the embedded CAREC scenario by default) through the real\n"
               "                 ledger; report, CSV, JSON and SVG plots in DIR\n"
               "  serve [--config FILE] [--endpoint E] [--data DIR]\n"
               "        [--sync durable|no_meta_sync|no_sync] [--accounts-max N]\n"
               "        [--transfers-max N] [--feed E] [--transit yes] [--insecure yes] ...\n"
               "                 run the server (ZeroMQ ROUTER, CURVE) until SIGTERM or SIGINT;\n"
               "                 flags override the TOML file (docs/operations.md lists keys)\n"
               "  keygen <file>  write a new CURVE key pair (0600) and print its public key\n"
               "  register-client --data DIR --public-key K --party N --role R [--country C]\n"
               "                 admit a client key as a party (provider, customs, principal,\n"
               "                 analyst, operator)\n"
               "  bench [--endpoint E] [--transfers N] [--batch N] [--clients N] [--window N]\n"
               "        [--rate N] [--accounts N] [--mix single:70,reserve:20,release:5,claim:5]\n"
               "        [--curve yes] [--server-key K|FILE --key FILE]\n"
               "                 end-to-end load generator (starts a server in process unless\n"
               "                 --endpoint names one)\n"
               "  client [--endpoint E] [--server-key K] [--key FILE] [--json] <command> ...\n"
               "                 the command-line client (kervan client help for its commands)\n"
               "  demo           walk through the ledger core on embedded defaults\n"
               "  verify <path>  check a ledger or transit store: checksums, hash chain,\n"
               "                 replay, invariants\n"
               "  help           print this message\n");
}

kervan::Server* serving = nullptr;

void on_signal(int) {
  if (serving != nullptr) serving->request_stop();  // Only sets an atomic flag.
}

bool parse_uint(const char* text, uint64_t* out) {
  char* end = nullptr;
  *out = std::strtoull(text, &end, 10);
  return end != text && *end == '\0';
}

// `kervan serve`: embedded defaults, then --config FILE (TOML), then the other flags.
// The seed of a new transit store's registry: the operator key in <data>/operator.key (made,
// mode 0600, when the store is new), as the operator party 1. A <data>/clients file is refused:
// with the transit domain, keys live in the registry alone.
kervan::StoreStatus operator_key_seed(const std::string& data,
                                      std::vector<kervan::ClientEntry>* clients) {
  namespace fs = std::filesystem;
  if (fs::exists(data + "/clients")) {
    return kervan::StoreStatus::error(
        kervan::StoreError::invalid_store,
        data + "/clients: with --transit yes, keys live in the transit store's registry and this "
               "file is not read; register each key with `kervan client --key " + data +
               "/operator.key transit register-key 1 PARTY KEY` and remove the file "
               "(docs/operations.md, Onboarding)");
  }
  const bool new_store = !fs::exists(data + "/transit/journal");
  const std::string path = data + "/operator.key";
  if (!new_store && !fs::exists(path)) return kervan::StoreStatus();
  kervan::KeyPair keys;
  if (kervan::StoreStatus s = kervan::load_keypair(path, new_store, &keys); !s.ok()) return s;
  if (new_store) std::fprintf(stderr, "kervan serve: operator key: %s (party 1)\n", path.c_str());
  *clients = {kervan::ClientEntry{
      keys.public_z85, kervan::Party{kervan::operator_party_id, kervan::PartyRole::operator_, {}}}};
  return kervan::StoreStatus();
}

// Makes `path` (and its parents); false, having said why, when it cannot (found from outside:
// serve --data on a path that cannot be made aborted with an uncaught filesystem_error).
bool make_folder(const std::string& path, const char* command) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (!error) return true;
  std::fprintf(stderr, "kervan %s: cannot make %s: %s\n", command, path.c_str(),
               error.message().c_str());
  return false;
}

int serve(int argc, char** argv) {
  if ((argc - 2) % 2 != 0) return 2;
  kervan::ServeSettings settings;
  kervan::ConfigError error;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--config") == 0 &&
        !kervan::apply_config_file(argv[i + 1], &settings, &error)) {
      std::fprintf(stderr, "kervan serve: %s\n", error.message.c_str());
      return 2;
    }
  }
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--config") == 0) continue;
    if (!kervan::apply_flag(argv[i], argv[i + 1], &settings, &error)) {
      std::fprintf(stderr, "kervan serve: %s\n", error.message.c_str());
      return 2;
    }
  }
  kervan::ServerOptions options;
  options.endpoint = settings.endpoint;
  options.feed_endpoint = settings.feed_endpoint;
  options.insecure = settings.insecure;
  options.in_flight_max = settings.in_flight_max;
  options.transit_clock_from_requests = settings.transit_clock_from_requests;
  const std::string& data = settings.data;
  // Capacities are allocated at start-up and recorded in a new store (docs/operations.md).
  options.store.path = data;
  options.store.sync = settings.sync;
  options.store.ledger = kervan::LedgerConfig{
      .accounts_max = settings.accounts_max,
      .transfers_max = settings.transfers_max,
      .failed_ids_max = settings.transfers_max / 8 + 1,
      .hash_seed = static_cast<uint64_t>(std::random_device{}())};
  if (settings.transit) {
    options.transit = kervan::TransitStoreOptions{
        .path = data + "/transit",
        .config = kervan::TransitConfig{.parties_max = settings.parties_max,
                                        .guarantees_max = settings.guarantees_max,
                                        .movements_max = settings.movements_max,
                                        .hash_seed = 1},
        .log = {}};
  }
  if (!options.insecure) {
    // Secure by default: the server's key pair is made on first start. Without the transit
    // domain, clients are listed in <data>/clients (kervan register-client); with it, in the
    // transit store's registry, which the operator key seeds (operator_key_seed).
    if (!make_folder(data, "serve")) return 1;
    kervan::StoreStatus s = kervan::load_keypair(data + "/server.key", true, &options.server_keys);
    if (s.ok()) {
      // The public half alone, to hand to clients (kervan client --server-key <data>/server.pub).
      std::ofstream(data + "/server.pub") << "public " << options.server_keys.public_z85 << "\n";
      s = settings.transit ? operator_key_seed(data, &options.clients)
                           : kervan::load_clients(data + "/clients", &options.clients);
    }
    if (!s.ok()) {
      std::fprintf(stderr, "kervan serve: %s\n", s.to_string().c_str());
      return 1;
    }
  }
  std::unique_ptr<kervan::Server> server;
  if (const kervan::StoreStatus s = kervan::Server::open(options, &server); !s.ok()) {
    std::fprintf(stderr, "kervan serve: %s\n", s.to_string().c_str());
    return 1;
  }
  serving = server.get();
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  server->run();  // Returns once stopped, with every durable reply sent.
  serving = nullptr;
  return 0;
}

int bench(int argc, char** argv) {
  kervan::LoadOptions o;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    uint64_t value = 0;
    if (flag == "--endpoint") {
      o.endpoint = argv[i + 1];
      continue;
    }
    if (flag == "--server-key" || flag == "--key") {
      const kervan::StoreStatus st =
          flag == "--key" ? kervan::load_keypair(argv[i + 1], false, &o.security.keys)
                          : kervan::load_public_key(argv[i + 1], &o.security.server_public_z85);
      if (!st.ok()) {
        std::fprintf(stderr, "kervan bench: %s: %s\n", flag.c_str(), st.to_string().c_str());
        return 1;
      }
      continue;
    }
    if (flag == "--curve") {
      o.curve = std::string(argv[i + 1]) == "yes";
      continue;
    }
    if (flag == "--mix") {
      if (!kervan::parse_mix(argv[i + 1], &o)) return 2;
      continue;
    }
    if (!parse_uint(argv[i + 1], &value)) return 2;
    if (flag == "--transfers") o.transfers = value;
    else if (flag == "--batch" && value >= 1 && value <= kervan::batch_events_max) o.batch = static_cast<uint32_t>(value);
    else if (flag == "--clients" && value >= 1 && value <= 64) o.clients = static_cast<uint32_t>(value);
    else if (flag == "--window" && value >= 1) o.window = static_cast<uint32_t>(value);
    else if (flag == "--rate") o.rate = value;
    else if (flag == "--accounts" && value >= 2) o.accounts = static_cast<uint32_t>(value);
    else return 2;
  }
  return kervan::run_load(o, stdout);
}

// `kervan keygen <file>`: a new CURVE key pair for a client (or a server), mode 0600.
int keygen(int argc, char** argv) {
  if (argc != 3) return 2;
  const kervan::KeyPair keys = kervan::generate_keypair();
  if (const kervan::StoreStatus s = kervan::save_keypair(argv[2], keys); !s.ok()) {
    std::fprintf(stderr, "kervan keygen: %s\n", s.to_string().c_str());
    return 1;
  }
  std::printf("%s\n", keys.public_z85.c_str());
  return 0;
}

// `kervan register-client --data DIR --public-key K --party N --role R [--country C]`.
int register_client_command(int argc, char** argv) {
  std::string data = "var/kervan";
  kervan::ClientEntry entry;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    uint64_t number = 0;
    if (flag == "--data") {
      data = value;
    } else if (flag == "--public-key") {
      entry.public_z85 = value;
    } else if (flag == "--party" && parse_uint(value.c_str(), &number) && number > 0) {
      entry.party.id = kervan::PartyId{number};
    } else if (flag == "--role" && kervan::parse_role(value, &entry.party.role)) {
    } else if (flag == "--country" &&
               kervan::Country::parse(value, &entry.party.country) == kervan::CountryError::ok) {
    } else {
      return 2;
    }
  }
  if (entry.public_z85.size() != 40 || static_cast<uint64_t>(entry.party.id) == 0) return 2;
  if (!make_folder(data, "register-client")) return 1;
  if (const kervan::StoreStatus s = kervan::register_client(data + "/clients", entry); !s.ok()) {
    std::fprintf(stderr, "kervan register-client: %s\n", s.to_string().c_str());
    return 1;
  }
  std::printf("registered party %lu (%s)\n", static_cast<unsigned long>(entry.party.id),
              std::string(kervan::role_name(entry.party.role)).c_str());
  return 0;
}

// `kervan verify <path>`: exit 0 when the store checks, 1 when it does not, 2 on bad usage.
int verify(const char* path) {
  // A transit store has a journal and no checkpoints; a ledger store has both.
  const std::filesystem::path folder(path);
  std::error_code error;  // A folder that cannot be read is the open's to report, not a throw.
  if (std::filesystem::exists(folder / "journal", error) &&
      !std::filesystem::exists(folder / "checkpoint", error)) {
    kervan::TransitVerifyReport transit;
    if (const kervan::StoreStatus s = kervan::verify_transit_store(path, &transit); !s.ok()) {
      std::fprintf(stderr, "kervan verify: %s\n", s.to_string().c_str());
      return 1;
    }
    std::printf("kervan verify: ok: transit store, %lu steps replayed, %zu movements, invariants "
                "hold, ledger state hash %s\n",
                static_cast<unsigned long>(transit.steps), transit.movements,
                kervan::to_hex(transit.state_hash).c_str());
    return 0;
  }
  kervan::VerifyReport report;
  const kervan::StoreStatus status = kervan::verify_store(path, &report);
  if (!status.ok()) {
    std::fprintf(stderr, "kervan verify: %s\n", status.to_string().c_str());
    return 1;
  }
  std::printf("kervan verify: ok: %s%s\n", report.summary.c_str(),
              report.replayed_from_empty ? " (journal replayed from its first record too)"
                                         : " (journal pruned: checkpoint plus journal only)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "scenario") == 0) {
    kervan::ScenarioOptions options;
    for (int i = 2; i + 1 < argc; i += 2) {
      if (std::strcmp(argv[i], "--store") == 0) {
        options.store_path = argv[i + 1];
      } else if (std::strcmp(argv[i], "--through") == 0 &&
                 (std::strcmp(argv[i + 1], "server") == 0 ||
                  std::strcmp(argv[i + 1], "store") == 0)) {
        options.through_server = std::strcmp(argv[i + 1], "server") == 0;
      } else if (std::strcmp(argv[i], "--movements") == 0) {
        options.movements = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
      } else {
        print_usage(stderr);
        return 2;
      }
    }
    if ((argc - 2) % 2 != 0 || options.movements == 0 || options.movements > 100'000) {
      print_usage(stderr);
      return 2;
    }
    return kervan::run_scenario(options, stdout);
  }
  if (std::strcmp(argv[1], "demo") == 0) return kervan::run_demo(stdout);
  if (std::strcmp(argv[1], "simulate") == 0) {
    const kervan::LedgerPortFactory server = kervan::server_port_factory();
    return kervan::run_simulate_command(argc - 2, argv + 2, stdout, stderr, &server);
  }
  if (std::strcmp(argv[1], "serve") == 0) {
    const int rc = serve(argc, argv);
    if (rc == 2) print_usage(stderr);
    return rc;
  }
  if (std::strcmp(argv[1], "keygen") == 0) {
    const int rc = keygen(argc, argv);
    if (rc == 2) print_usage(stderr);
    return rc;
  }
  if (std::strcmp(argv[1], "register-client") == 0) {
    const int rc = register_client_command(argc, argv);
    if (rc == 2) print_usage(stderr);
    return rc;
  }
  if (std::strcmp(argv[1], "bench") == 0) {
    const int rc = bench(argc, argv);
    if (rc == 2) print_usage(stderr);
    return rc;
  }
  if (std::strcmp(argv[1], "client") == 0) {
    return kervan::run_client_command(argc - 2, argv + 2, stdout, stderr);
  }
  if (std::strcmp(argv[1], "verify") == 0) {
    if (argc != 3) {
      print_usage(stderr);
      return 2;
    }
    return verify(argv[2]);
  }
  if (std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0) {
    print_usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "kervan: unknown command '%s'\n", argv[1]);
  print_usage(stderr);
  return 2;
}
