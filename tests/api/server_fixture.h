// What the tests over real sockets share: a temporary folder, and server options on it (an
// insecure server on a store of small capacities, quiet logs; with a transit store on demand).
#pragma once

#include <string>

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

}  // namespace kervan::testing
