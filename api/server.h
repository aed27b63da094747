// The Kervan server: a ZeroMQ ROUTER in front of the durable ledger store.
//
// One thread owns the socket and the store: it decodes each request, applies it at once, and
// queues its reply behind the request's journal sequence. The journal's writer thread commits
// in the background (group commit: everything applied while one commit is flushed goes into the
// next) and wakes the loop through an eventfd; replies whose sequence is durable are sent.
// Queries are answered in the same order, after the writes applied before them are durable, so
// that a client never sees a state that a crash could take back.
//
// The queue of replies waiting for durability is bounded: a request that finds it full is
// answered `busy` at once, having done nothing. Malformed frames get their specific status.
// Nothing is dropped silently: the ROUTER is mandatory-routing, and a reply to a peer that has
// gone is counted (replies_undeliverable).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "api/keys.h"
#include "ledger/store.h"
#include "ledger/transit/transit_store.h"

namespace kervan {

struct ServerOptions {
  std::string endpoint = "tcp://127.0.0.1:7420";
  StoreOptions store;
  // Requests applied and waiting for durability; beyond it, `busy`.
  uint32_t in_flight_max = 1024;
  // Security (docs/operations.md). Unless insecure, the ROUTER speaks CURVE with server_keys and
  // a ZAP handler admits only registered keys; every request is authorised against the key's
  // party. Insecure (local development only: no encryption, no authentication, every request
  // acts as the party it names) says so when the server starts.
  bool insecure = false;
  KeyPair server_keys;
  // Without a transit store: the keys admitted, each with its party. With one, the registry of
  // parties and keys lives in the transit store's journal, and these only seed a new store's
  // empty registry: the first must be an operator (it registers itself, the bootstrap, then
  // every other party and key), each registered by journaled steps before the server listens.
  // On a store whose registry has parties they are ignored: the journal is the authority.
  std::vector<ClientEntry> clients;
  // The change feed (docs/protocol.md, "Change feed"): a PUB socket publishing each durable
  // write's committed records under its journal sequence. Empty: no feed.
  std::string feed_endpoint;
  // The transit domain's store (guarantees, movements, claims, settlement): served through the
  // transit_command operation. Empty path: not served.
  TransitStoreOptions transit;
  // Whether an operator's transit_command may carry its business time (as_of_ns): for
  // simulations and replays (docs/protocol.md). Off: every step is at the server's clock.
  bool transit_clock_from_requests = false;
  std::function<void(std::string_view)> log;  // Structured lines; stderr when empty.
};

// Counters, readable through the `stats` operation (in this order, 8 bytes each).
struct ServerCounters {
  uint64_t requests = 0;
  uint64_t events = 0;
  uint64_t replies = 0;
  uint64_t rejected_malformed = 0;
  uint64_t rejected_busy = 0;
  uint64_t replies_undeliverable = 0;
  uint64_t batches_durable = 0;  // Journal commits seen.
  uint64_t commit_latency_us_max = 0;
  uint64_t rejected_unauthenticated = 0;  // Connections the ZAP handler refused.
  uint64_t rejected_forbidden = 0;        // Requests the party may not make.
  uint64_t rejected_revoked = 0;          // Connections and requests of revoked keys.
  uint64_t transit_refused = 0;           // Transit steps answered with a refusal.
  uint64_t transit_events = 0;            // Events sent to transit subscriptions.
};
inline constexpr uint32_t server_counters_count = 13;
// Connections subscribed to transit events at once; beyond it a subscription is `busy`.
inline constexpr size_t transit_subscribers_max = 256;

// A server serving the transit domain as the main job's scenario and the simulator's server
// port run one: on loopback (a free port), CURVE with a fresh server key pair, `operator_keys`
// seeding the registry as the operator `operator_party`, a small ledger store in
// <folder>/ledger beside `transit`, business time taken from requests, and no log lines.
ServerOptions loopback_transit_server(const std::string& folder, const TransitStoreOptions& transit,
                                      const KeyPair& operator_keys,
                                      PartyId operator_party = operator_party_id);

// The steps that seed an empty registry with `clients` (ServerOptions::clients): the first, an
// operator, registers itself and its key, then every other party and key. Empty when the first
// is not an operator.
std::vector<TransitCommand> registry_seed_commands(std::span<const ClientEntry> clients);

// What a party may do over the wire: ledger writes are the operator's (the transit domain's
// own steps carry their own checks); reads are the operator's and analysts'.
bool operation_allowed(PartyRole role, uint16_t operation);

class Server {
 public:
  // Opens the store (recovering it) and binds the socket; the loop runs once start() is
  // called. Errors: the store's, or io_error when the endpoint cannot be bound.
  static StoreStatus open(const ServerOptions& options, std::unique_ptr<Server>* out);
  ~Server();  // Stops (as stop()) if running.
  Server(const Server&) = delete;

  // Runs the loop in its own thread.
  void start();
  // Stops taking requests, sends every reply whose batch is made durable, closes. Safe to call
  // from any thread (a signal handler sets a flag the loop polls instead: request_stop()).
  void stop();
  void request_stop() { stopping_.store(true); }
  // Runs the loop in the calling thread until request_stop() (the `kervan serve` command).
  void run();

  ServerCounters counters() const;
  const std::string& endpoint() const { return endpoint_; }
  const std::string& feed_endpoint() const { return feed_endpoint_; }

 private:
  struct State;
  Server() = default;

  std::unique_ptr<State> state_;
  std::string endpoint_;
  std::string feed_endpoint_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace kervan
