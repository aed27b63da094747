// What the tests over real sockets share: a temporary folder, and server options on it (an
// insecure server on a store of small capacities, quiet logs; with a transit store on demand).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "api/server.h"
#include "tests/support/temp_dir.h"

namespace kervan::testing {

// Insecure (the security tests turn it on), ledger store in <folder>/store, no transit store.
inline ServerOptions options_in(const TempDir& folder, const std::string& endpoint) {
  ServerOptions o;
  o.endpoint = endpoint;
  o.store = StoreOptions{.path = folder.path() + "/store",
                         .ledger = LedgerConfig{.accounts_max = 64, .transfers_max = 100'000,
                                                .failed_ids_max = 1024, .hash_seed = 3},
                         .journal_map_bytes_max = uint64_t{1} << 30,
                         .checkpoint_map_bytes_max = uint64_t{1} << 30,
                         .journal_ring_bytes = size_t{8} << 20,
                         .log = [](std::string_view) {}};
  o.log = [](std::string_view) {};
  o.insecure = true;
  return o;
}

// A small transit store in <folder>/transit.
inline TransitStoreOptions transit_in(const TempDir& folder) {
  return TransitStoreOptions{
      .path = folder.path() + "/transit",
      .config = TransitConfig{.parties_max = 16, .guarantees_max = 16, .movements_max = 16,
                              .hash_seed = 2},
      .journal_map_bytes_max = uint64_t{1} << 30,
      .journal_ring_bytes = size_t{4} << 20,
      .log = [](std::string_view) {}};
}

// A secure server (CURVE, a fresh server key pair) on a small transit store, whose registry the
// parties added with seed() start.
inline ServerOptions secure_transit_options(const TempDir& folder) {
  ServerOptions o = options_in(folder, "tcp://127.0.0.1:*");
  o.insecure = false;
  o.server_keys = generate_keypair();
  o.transit = transit_in(folder);
  return o;
}

// Adds `party` with a fresh key pair (appended to *keys) to the registry's seed: the first one
// seeded must be an operator (ServerOptions::clients).
inline void seed(ServerOptions* options, const Party& party, std::vector<KeyPair>* keys) {
  keys->push_back(generate_keypair());
  options->clients.push_back(ClientEntry{keys->back().public_z85, party});
}

// The business date of a step at the server's clock (the wall clock's date, UTC).
inline Date today() {
  return date_of_ns(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count()));
}

}  // namespace kervan::testing
