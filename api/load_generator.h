// `kervan bench`: the end-to-end load generator (client -> ZeroMQ -> state machine -> LMDB
// fsync -> reply). Starts a server in process on a loopback port with a fresh store (or targets
// a running one), creates accounts, then drives pipelined batches of transfers from several
// clients, as fast as possible or open-loop at an offered rate, and reports durable transfers
// per second and request latency (p50, p99, p100).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "ledger/lmdb_env.h"

namespace kervan {

struct LoadOptions {
  std::string endpoint;          // Empty: an in-process server on tcp://127.0.0.1:*.
  std::string store_path;        // In-process server's store; empty: a temporary folder.
  uint32_t accounts = 10'000;
  uint32_t batch = 8'000;        // Transfers per request.
  uint32_t clients = 1;
  uint32_t window = 4;           // Requests in flight per client.
  uint64_t transfers = 2'000'000;
  uint64_t rate = 0;             // Transfers per second offered; 0: as fast as possible.
  SyncMode sync = SyncMode::durable;
};

// Returns 0 when every transfer was acknowledged ok, 1 otherwise.
int run_load(const LoadOptions& options, std::FILE* out);

}  // namespace kervan
