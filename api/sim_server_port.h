// The simulator's ledger port onto a Kervan server (sim/ledger_port.h): each scheme run starts
// a server of its own on loopback (CURVE, a fresh key pair, the run's capacities, its transit
// store in a temporary folder removed afterwards; transit clock `requests`, so the simulated
// business time travels with each step) and connects as the operator. Steps are pipelined, up
// to `window` requests in flight on one connection, which the server applies in order; each
// reply is checked as it comes. A realistic load test of the whole path: ZeroMQ, CURVE, the
// transit store's journal with group commit and fsync, replies after durability.
#pragma once

#include <cstdint>

#include "sim/ledger_port.h"

namespace kervan {

struct ServerPortOptions {
  uint32_t window = 1024;  // Requests in flight at most (the server's in_flight_max).
  int timeout_ms = 60'000;  // For any one reply.
};

LedgerPortFactory server_port_factory(const ServerPortOptions& options = {});

}  // namespace kervan
