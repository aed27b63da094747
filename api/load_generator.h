// `kervan bench`: the end-to-end load generator (client -> ZeroMQ -> state machine -> LMDB
// fsync -> reply). Starts a server in process on a loopback port with a fresh store (or targets
// a running one), creates accounts, then drives pipelined batches of transfers from several
// clients, as fast as possible or open-loop at an offered rate, and reports durable transfers
// per second and latency (p50, p99, p100) per request and per event.
//
// The mix: each transfer is, by a seeded draw, a single-phase transfer, a reservation (a
// pending transfer: cover held), a release (void of an earlier reservation) or a claim (post of
// an earlier reservation). A release or claim resolves a reservation already acknowledged ok;
// when none is waiting it is sent as a reservation instead (counted as a fallback).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "api/client.h"
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
  bool curve = false;       // In-process server: CURVE encryption and ZAP authentication.
  ClientSecurity security;  // Targeting a running server (--endpoint): its key and ours.
  // Percentages, summing to 100.
  uint32_t mix_single = 100;
  uint32_t mix_reserve = 0;
  uint32_t mix_release = 0;
  uint32_t mix_claim = 0;
};

// Reads "single:70,reserve:20,release:5,claim:5" (any order, omitted kinds 0) into *o; false
// unless the kinds are known and the percentages sum to 100.
[[nodiscard]] bool parse_mix(std::string_view text, LoadOptions* o);

// Returns 0 when every transfer was acknowledged ok, 1 otherwise.
int run_load(const LoadOptions& options, std::FILE* out);

}  // namespace kervan
