#include "api/server_state.h"

namespace kervan {

ServerOptions loopback_transit_server(const std::string& folder, const TransitStoreOptions& transit,
                                      const KeyPair& operator_keys, PartyId operator_party) {
  ServerOptions o;
  o.endpoint = "tcp://127.0.0.1:*";
  o.store = StoreOptions{.path = folder + "/ledger",
                         .ledger = LedgerConfig{.accounts_max = 1024,
                                                .transfers_max = 1024,
                                                .failed_ids_max = 128,
                                                .hash_seed = 1},
                         .journal_map_bytes_max = uint64_t{1} << 30,
                         .checkpoint_map_bytes_max = uint64_t{1} << 30,
                         .journal_ring_bytes = size_t{4} << 20,
                         .log = [](std::string_view) {}};
  o.transit = transit;
  o.transit_clock_from_requests = true;
  o.server_keys = generate_keypair();
  o.clients = {ClientEntry{operator_keys.public_z85,
                           Party{operator_party, PartyRole::operator_, {}}}};
  o.log = [](std::string_view) {};
  return o;
}

std::vector<TransitCommand> registry_seed_commands(std::span<const ClientEntry> clients) {
  if (clients.empty() || clients[0].party.role != PartyRole::operator_) return {};
  const PartyId registrar = clients[0].party.id;
  std::vector<TransitCommand> commands;
  for (const ClientEntry& client : clients) {
    TransitCommand party{.operation = TransitOperation::register_party, .actor = registrar};
    party.party = client.party;
    TransitCommand key{.operation = TransitOperation::register_key, .actor = registrar};
    key.key_party = client.party.id;
    if (!decode_public_key(client.public_z85, &key.key)) return {};
    // A party with several keys is registered once (its second registration is `exists`).
    commands.push_back(party);
    commands.push_back(key);
  }
  KERVAN_ASSERT(commands.size() == 2 * clients.size());
  return commands;
}

bool operation_allowed(PartyRole role, uint16_t operation) {
  switch (static_cast<Operation>(operation)) {
    case Operation::ping:
      return true;
    case Operation::create_accounts:
    case Operation::create_transfers:
      return role == PartyRole::operator_;
    case Operation::lookup_accounts:
    case Operation::lookup_transfers:
    case Operation::get_account_transfers:
    case Operation::stats:
      return role == PartyRole::operator_ || role == PartyRole::analyst;
    case Operation::transit_command:
      return true;  // Every party; each command is checked against its actor (handle_transit).
    case Operation::transit_query:
    case Operation::transit_subscribe:
      return true;  // Every party; each object is checked against its reader (read_access.h).
    case Operation::feed_accounts:
    case Operation::feed_transfers:
    case Operation::transit_event:
      return false;  // Published, never requested.
  }
  return false;
}


StoreStatus Server::open(const ServerOptions& options, std::unique_ptr<Server>* out) {
  std::unique_ptr<Server> server(new Server());
  server->state_ = std::make_unique<State>();
  State& s = *server->state_;
  s.options = options;
  s.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  KERVAN_ASSERT(s.wake_fd >= 0);
  StoreOptions store_options = options.store;
  const int fd = s.wake_fd;
  store_options.on_durable = [fd] {
    const uint64_t one = 1;
    (void)!::write(fd, &one, sizeof one);
  };
  if (StoreStatus status = Store::open(store_options, &s.store); !status.ok()) return status;
  if (!options.transit.path.empty()) {
    TransitStoreOptions transit_options = options.transit;
    transit_options.on_durable = store_options.on_durable;
    if (StoreStatus status = TransitStore::open(transit_options, &s.transit); !status.ok()) {
      return status;
    }
    if (StoreStatus status = s.seed_registry(); !status.ok()) return status;
    s.checker = std::make_unique<AccessCodeChecker>([fd] {
      const uint64_t one = 1;
      (void)!::write(fd, &one, sizeof one);
    });
  }
  try {
    if (!options.insecure) {
      // The ZAP handler must be bound before the ROUTER, in the same context. The loop answers
      // it: a handshake waits at most one turn of the loop.
      if (!s.transit) {
        for (const ClientEntry& client : options.clients) {
          s.parties_by_key[client.public_z85] = client.party;
        }
      }
      s.zap.set(zmq::sockopt::linger, 0);
      s.zap.bind("inproc://zeromq.zap.01");
      s.router.set(zmq::sockopt::curve_server, 1);
      s.router.set(zmq::sockopt::curve_secretkey, options.server_keys.secret_z85);
      s.router.set(zmq::sockopt::zap_domain, std::string(zap_domain_requests));
    }
    s.router.set(zmq::sockopt::router_mandatory, 1);
    s.router.set(zmq::sockopt::sndhwm, 100'000);
    s.router.set(zmq::sockopt::rcvhwm, 100'000);
    s.router.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(frame_bytes_max));
    s.router.set(zmq::sockopt::linger, 1000);
    s.router.bind(options.endpoint);
    server->endpoint_ = s.router.get(zmq::sockopt::last_endpoint);
    if (!options.feed_endpoint.empty()) {
      if (!options.insecure) {
        s.feed.set(zmq::sockopt::curve_server, 1);
        s.feed.set(zmq::sockopt::curve_secretkey, options.server_keys.secret_z85);
        s.feed.set(zmq::sockopt::zap_domain, std::string(zap_domain_feed));
      }
      s.feed.set(zmq::sockopt::sndhwm, 100'000);
      s.feed.set(zmq::sockopt::linger, 1000);
      s.feed.bind(options.feed_endpoint);
      server->feed_endpoint_ = s.feed.get(zmq::sockopt::last_endpoint);
      s.feeding = true;
    }
  } catch (const zmq::error_t& error) {
    return StoreStatus::error(StoreError::io_error,
                              "cannot listen on " + options.endpoint + ": " + error.what());
  }
  if (options.insecure) {
    s.log("event=insecure warning=\"INSECURE MODE: no encryption, no authentication, every "
          "request acts as an operator; for local development only\"");
  } else {
    const size_t keys = s.transit ? s.transit->ledger().client_keys().size()
                                  : options.clients.size();
    s.log("event=curve server_public_key=" + options.server_keys.public_z85 +
          " keys=" + std::to_string(keys) + " registry=" + (s.transit ? "journal" : "clients"));
  }
  s.log("event=listening endpoint=" + server->endpoint_ + " accounts=" +
        std::to_string(s.store->ledger().accounts_count()) +
        " transfers=" + std::to_string(s.store->ledger().transfers_count()));
  *out = std::move(server);
  return StoreStatus();
}

// Seeds a new store's empty registry with options.clients (ServerOptions::clients), each step
// journaled and durable before the server listens.
StoreStatus Server::State::seed_registry() {
  if (options.insecure || !transit->ledger().parties().empty()) return StoreStatus();
  if (options.clients.empty()) {
    log("event=registry_empty warning=\"no party and no key: no client can connect; start with "
        "an operator key (docs/operations.md, Onboarding)\"");
    return StoreStatus();
  }
  const std::vector<TransitCommand> commands = registry_seed_commands(options.clients);
  if (commands.empty()) {
    return StoreStatus::error(StoreError::invalid_store,
                              "the first client seeding a new registry must be an operator with "
                              "a valid public key");
  }
  // On a clock from requests, business time is the requests' alone: the seed takes none.
  const uint64_t now = options.transit_clock_from_requests ? transit->last_now_ns()
                                                           : std::max(transit->last_now_ns(),
                                                                      wall_clock_ns());
  uint64_t sequence = 0;
  for (const TransitCommand& command : commands) {
    TransitResult result = TransitResult::ok;
    if (StoreStatus status = transit->apply(now, command, &result, &sequence); !status.ok()) {
      return status;
    }
    if (result != TransitResult::ok && result != TransitResult::exists) {
      return StoreStatus::error(
          StoreError::invalid_store,
          "seeding the registry with party " +
              std::to_string(static_cast<uint64_t>(command.operation ==
                                                           TransitOperation::register_key
                                                       ? command.key_party
                                                       : command.party.id)) +
              ": " + std::string(result_name(result)));
    }
  }
  KERVAN_ASSERT(!transit->ledger().client_keys().empty());
  log("event=registry_seeded parties=" + std::to_string(transit->ledger().parties().size()) +
      " keys=" + std::to_string(transit->ledger().client_keys().size()));
  return transit->wait_durable(sequence);
}

Server::~Server() {
  stop();
  if (!state_) return;
  state_->checker.reset();  // Its thread wakes the loop through wake_fd: gone before it closes.
  if (state_->wake_fd >= 0) ::close(state_->wake_fd);
}

void Server::start() {
  KERVAN_ASSERT(!thread_.joinable());
  thread_ = std::thread([this] { run(); });
}

void Server::stop() {
  stopping_.store(true);
  if (state_ && state_->wake_fd >= 0) {
    const uint64_t one = 1;
    (void)!::write(state_->wake_fd, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
}

void Server::run() { state_->loop(stopping_); }

ServerCounters Server::counters() const {
  ServerCounters c;
  uint64_t* fields[] = {&c.requests,           &c.events,
                        &c.replies,            &c.rejected_malformed,
                        &c.rejected_busy,      &c.replies_undeliverable,
                        &c.batches_durable,    &c.commit_latency_us_max,
                        &c.rejected_unauthenticated, &c.rejected_forbidden,
                        &c.rejected_revoked,   &c.transit_refused,
                        &c.transit_events};
  for (size_t i = 0; i < server_counters_count; ++i) *fields[i] = state_->counters[i].load();
  return c;
}


void Server::State::refuse_forbidden(zmq::message_t& routing, const FrameHeader& h,
                                     const Party* party, std::string_view reason) {
  count(rejected_forbidden);
  uint64_t skipped = 0;
  if (forbidden_log.allow(&skipped)) {
    log("event=refused status=forbidden operation=" + std::string(operation_name(h.operation)) +
        " party=" + (party ? std::to_string(static_cast<uint64_t>(party->id)) : "-") +
        " role=" + (party ? std::string(role_name(party->role)) : "-") + " reason=" +
        std::string(reason) + " not_logged_since_last=" + std::to_string(skipped));
  }
  reply_now(routing, h.operation, h.request_id, ProtocolStatus::forbidden, 0, {});
}

const Party* Server::State::admitted(std::string_view key_z85, bool* revoked) const {
  *revoked = false;
  if (!transit) {
    const auto it = parties_by_key.find(std::string(key_z85));
    return it == parties_by_key.end() ? nullptr : &it->second;
  }
  ClientPublicKey key{};
  if (!decode_public_key(key_z85, &key)) return nullptr;
  const ClientKey* found = transit->ledger().client_key(key);
  if (found == nullptr) return nullptr;
  *revoked = found->revoked;
  const Party* party = transit->ledger().party(found->party);
  KERVAN_ASSERT(party != nullptr);  // A key is registered only for a registered party.
  return found->revoked ? nullptr : party;
}

const Party* Server::State::party_of(zmq::message_t& payload, bool* revoked,
                                     std::string* key) const {
  *revoked = false;
  const char* user = nullptr;
  try {
    user = payload.gets("User-Id");  // The key's Z85 text, as the ZAP handler named it.
  } catch (const zmq::error_t&) {
    return nullptr;
  }
  if (user != nullptr && key != nullptr) *key = user;
  return user == nullptr ? nullptr : admitted(user, revoked);
}

// ZAP (RFC 27): admits a CURVE connection only when its client key is registered and not
// revoked, and, on the feed, only for a party that may read everything (the feed carries every
// committed record). Names the key as the user id carried on every message of the connection.
void Server::State::answer_zap() {
  for (;;) {
    std::vector<zmq::message_t> request;
    try {
      if (!zmq::recv_multipart(zap, std::back_inserter(request), zmq::recv_flags::dontwait)) {
        return;
      }
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) continue;
      return;  // The context is closing.
    }
    if (request.size() < 6) continue;
    std::string status = "400", text = "unknown key", user;
    const bool feed_domain = request[2].to_string_view() == zap_domain_feed;
    bool revoked = false;
    if (request[5].to_string_view() == "CURVE" && request.size() >= 7 && request[6].size() == 32) {
      ClientPublicKey key{};
      std::memcpy(key.data(), request[6].data(), key.size());
      const std::string z85 = encode_public_key(key);
      const Party* party = admitted(z85, &revoked);
      if (revoked) text = "key revoked";
      if (party != nullptr && feed_domain && !reads_everything(*party)) {
        text = "the feed is for operators and analysts";
      } else if (party != nullptr) {
        status = "200";
        text = "ok";
        user = z85;
      }
    }
    if (status != "200") {
      count(revoked ? rejected_revoked
                    : (text == "unknown key" ? rejected_unauthenticated : rejected_forbidden));
      uint64_t skipped = 0;
      if (unauthenticated_log.allow(&skipped)) {
        // The peer's address (ZAP frame 3) and the mechanism; never a key in full.
        log("event=refused status=unauthenticated mechanism=" + request[5].to_string() +
            " domain=" + request[2].to_string() + " reason=\"" + text + "\" address=" +
            request[3].to_string() + " not_logged_since_last=" + std::to_string(skipped));
      }
    }
    std::array<zmq::const_buffer, 6> reply = {
        zmq::str_buffer("1.0"), zmq::buffer(request[1].data(), request[1].size()),
        zmq::buffer(status), zmq::buffer(text), zmq::buffer(user), zmq::str_buffer("")};
    try {
      (void)zmq::send_multipart(zap, reply);
    } catch (const zmq::error_t&) {
      return;
    }
  }
}

// A non-blocking receive that treats an interrupting signal as "nothing now".
bool Server::State::receive_now(zmq::message_t& message) {
  try {
    return router.recv(message, zmq::recv_flags::dontwait).has_value();
  } catch (const zmq::error_t& error) {
    if (error.num() != EINTR) throw;
    return false;
  }
}

void Server::State::loop(std::atomic<bool>& stopping) {
  zmq::pollitem_t items[] = {{router.handle(), 0, ZMQ_POLLIN, 0},
                             {nullptr, wake_fd, ZMQ_POLLIN, 0},
                             {zap.handle(), 0, ZMQ_POLLIN, 0}};
  const size_t polled = options.insecure ? 2 : 3;
  uint64_t commits_seen = store->journal_commits();
  for (;;) {
    const bool stop = stopping.load();
    if (stop && pending.empty() && pending_transit.empty() && checking.empty()) break;
    // The timeout only bounds how late a stop request is noticed; work arrives by events.
    try {
      zmq::poll(items, polled, std::chrono::milliseconds(stop ? 5 : 50));
    } catch (const zmq::error_t& error) {
      if (error.num() != EINTR) throw;  // A signal (SIGTERM): look at the stop flag again.
      continue;
    }
    if ((items[1].revents & ZMQ_POLLIN) != 0) {
      uint64_t wakes = 0;
      (void)!::read(wake_fd, &wakes, sizeof wakes);
    }
    if (polled == 3 && (items[2].revents & ZMQ_POLLIN) != 0) answer_zap();
    if (checker) apply_checked();
    const uint64_t commits = store->journal_commits();
    count(batches_durable, commits - commits_seen);
    commits_seen = commits;
    send_durable();
    for (size_t n = 0; n < drain_per_wake_max; ++n) {
      zmq::message_t routing;
      zmq::message_t payload;
      if (!receive_now(routing)) break;
      bool complete = routing.more() && router.recv(payload, zmq::recv_flags::none).has_value();
      while (payload.more()) {  // Extra frames: read and ignore; the request is malformed.
        zmq::message_t extra;
        (void)router.recv(extra, zmq::recv_flags::none);
        complete = false;
        payload = std::move(extra);
      }
      if (!complete) payload.rebuild(size_t{0});
      handle(routing, payload, stop);
    }
    send_durable();
  }
  log("event=stopped requests=" + std::to_string(counters[requests].load()) +
      " replies=" + std::to_string(counters[replies].load()) +
      " rejected_malformed=" + std::to_string(counters[rejected_malformed].load()) +
      " rejected_busy=" + std::to_string(counters[rejected_busy].load()) +
      " rejected_unauthenticated=" + std::to_string(counters[rejected_unauthenticated].load()) +
      " rejected_forbidden=" + std::to_string(counters[rejected_forbidden].load()) +
      " rejected_revoked=" + std::to_string(counters[rejected_revoked].load()) +
      " transit_refused=" + std::to_string(counters[transit_refused].load()));
}

void Server::State::handle(zmq::message_t& routing, zmq::message_t& payload, bool stopping) {
  count(requests);
  const std::span<const uint8_t> frame(static_cast<const uint8_t*>(payload.data()),
                                       payload.size());
  FrameView view;
  const ProtocolStatus status = decode_request(frame, &view);
  if (status != ProtocolStatus::ok) {
    count(rejected_malformed);
    // The request id is echoed only when the header checksum held (else it may be noise).
    const bool readable = header_readable(status);
    reply_now(routing, readable ? view.header.operation : Operation::ping,
              readable ? view.header.request_id : 0, status, 0, {});
    return;
  }
  const FrameHeader& h = view.header;
  bool revoked = false;
  std::string key;
  const Party* party = options.insecure ? nullptr : party_of(payload, &revoked, &key);
  if (!options.insecure) {
    if (party == nullptr) {
      count(revoked ? rejected_revoked : rejected_unauthenticated);
      reply_now(routing, h.operation, h.request_id, ProtocolStatus::unauthenticated, 0, {});
      return;
    }
    if (!operation_allowed(party->role, static_cast<uint16_t>(h.operation))) {
      refuse_forbidden(routing, h, party, "role");
      return;
    }
  }
  if (stopping) {
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::shutting_down, 0, {});
    return;
  }
  if (pending.size() + pending_transit.size() + checking.size() >= options.in_flight_max) {
    count(rejected_busy);
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::busy, 0, {});
    return;
  }
  if (h.operation == Operation::transit_command) {
    handle_transit(routing, view, party);
    return;
  }
  if (h.operation == Operation::transit_query) {
    handle_transit_query(routing, view, party);
    return;
  }
  if (h.operation == Operation::transit_subscribe) {
    handle_subscribe(routing, view, std::move(key));
    return;
  }
  if (h.operation == Operation::ping) {
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::ok, 0, {});
    return;
  }
  if (h.operation == Operation::create_accounts || h.operation == Operation::create_transfers) {
    uint64_t sequence = 0;
    uint32_t results = 0;
    const ProtocolStatus applied = apply_write(view, &sequence, &results);
    if (applied != ProtocolStatus::ok) {
      reply_now(routing, h.operation, h.request_id, applied, 0, {});
      return;
    }
    count(events, h.count);
    std::vector<uint8_t> reply = encode_reply(h.operation, h.request_id, ProtocolStatus::ok,
                                              results,
                                              std::span(body).first(results_body_bytes(results)));
    std::vector<uint8_t> feed_message = feeding ? committed_records(view, sequence)
                                                : std::vector<uint8_t>();
    queue_reply(sequence, routing, std::move(reply));
    pending.back().feed = std::move(feed_message);
    return;
  }
  const uint32_t records = answer_query(view);
  // Behind every write applied before it: the query sees nothing a crash could take back.
  queue_reply(store->last_sequence(), routing,
              encode_reply(h.operation, h.request_id, ProtocolStatus::ok, records,
                           std::span(body).first(reply_body_bytes(h.operation, records))));
}

ProtocolStatus Server::State::apply_write(const FrameView& frame, uint64_t* sequence,
                                          uint32_t* results) {
  const uint32_t n = frame.header.count;
  const uint64_t now = wall_clock_ns();
  StoreStatus status;
  std::fill(body.begin(), body.begin() + static_cast<ptrdiff_t>(results_body_bytes(n)), 0);
  if (frame.header.operation == Operation::create_accounts) {
    for (uint32_t i = 0; i < n; ++i) accounts[i] = decode_account(&frame.body[i * 128u]);
    const auto slots = std::span(account_results).first(n);
    status = store->create_accounts(now, 0, std::span(accounts).first(n), slots, sequence);
    for (uint32_t i = 0; i < n; ++i) body[i] = static_cast<uint8_t>(slots[i]);
  } else {
    for (uint32_t i = 0; i < n; ++i) transfers[i] = decode_transfer(&frame.body[i * 128u]);
    const auto slots = std::span(transfer_results).first(n);
    status = store->create_transfers(now, 0, std::span(transfers).first(n), slots, sequence);
    for (uint32_t i = 0; i < n; ++i) body[i] = static_cast<uint8_t>(slots[i]);
  }
  if (!status.ok()) {
    log("event=store_failed error=" + status.to_string());
    return ProtocolStatus::store_failed;
  }
  *results = n;
  return ProtocolStatus::ok;
}

uint32_t Server::State::answer_query(const FrameView& frame) {
  const StateMachine& ledger = store->ledger();
  uint32_t found = 0;
  switch (frame.header.operation) {
    case Operation::lookup_accounts:
      for (uint32_t i = 0; i < frame.header.count; ++i) {
        const Account* a = ledger.lookup_account(decode_id(&frame.body[i * 16u]));
        if (a != nullptr) encode_account(*a, &body[128u * found++]);
      }
      return found;
    case Operation::lookup_transfers:
      for (uint32_t i = 0; i < frame.header.count; ++i) {
        const Transfer* t = ledger.lookup_transfer(decode_id(&frame.body[i * 16u]));
        if (t != nullptr) encode_transfer(*t, &body[128u * found++]);
      }
      return found;
    case Operation::get_account_transfers: {
      AccountTransfersFilter filter;
      if (!decode_filter(frame.body.data(), &filter)) return 0;
      filter.limit = std::min<uint32_t>(filter.limit, batch_events_max);
      std::vector<Transfer> out(filter.limit);
      found = ledger.get_account_transfers(filter, out);
      for (uint32_t i = 0; i < found; ++i) encode_transfer(out[i], &body[128u * i]);
      return found;
    }
    case Operation::stats:
      for (uint32_t i = 0; i < server_counters_count; ++i) {
        store_u64_le(&body[8u * i], counters[i].load());
      }
      return server_counters_count;
    default:
      return 0;
  }
}

std::vector<uint8_t> Server::State::encode_reply(Operation operation, uint64_t request_id,
                                                 ProtocolStatus status, uint32_t count,
                                                 std::span<const uint8_t> body_bytes) const {
  std::vector<uint8_t> reply(frame_header_bytes + body_bytes.size());
  const size_t written =
      encode_message(operation, flag_reply, status, request_id, count, body_bytes, reply);
  KERVAN_ASSERT(written == reply.size());
  return reply;
}

void Server::State::reply_now(zmq::message_t& routing, Operation operation, uint64_t request_id,
                              ProtocolStatus status, uint32_t count,
                              std::span<const uint8_t> body_bytes) {
  const std::vector<uint8_t> reply = encode_reply(operation, request_id, status, count, body_bytes);
  send(routing, reply);
}

void Server::State::queue_reply(uint64_t sequence, zmq::message_t& routing,
                                std::vector<uint8_t> reply) {
  pending.push_back(PendingReply{.sequence = sequence,
                                 .routing = std::move(routing),
                                 .reply = std::move(reply),
                                 .applied = Clock::now()});
}

void Server::State::send(zmq::message_t& routing, std::span<const uint8_t> reply) {
  try {
    zmq::message_t id;
    id.copy(routing);
    if (!router.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
        !router.send(zmq::buffer(reply.data(), reply.size()), zmq::send_flags::dontwait)) {
      count(replies_undeliverable);
      return;
    }
    count(replies);
  } catch (const zmq::error_t&) {
    count(replies_undeliverable);  // The peer is gone (EHOSTUNREACH under ROUTER_MANDATORY).
  }
}

// The feed message of a write: the records it created (as stored, with their timestamps), under
// the batch's journal sequence (request_id) so that a subscriber sees a gap as a jump.
std::vector<uint8_t> Server::State::committed_records(const FrameView& frame, uint64_t sequence) {
  const bool transfers_op = frame.header.operation == Operation::create_transfers;
  std::vector<uint8_t> records;
  records.reserve(size_t{frame.header.count} * 128);
  uint32_t count = 0;
  for (uint32_t i = 0; i < frame.header.count; ++i) {
    if (body[i] != 0) continue;  // Only what took effect (results still in `body`).
    const u128 id = load_u128_le(&frame.body[i * 128u]);
    records.resize(size_t{count + 1} * 128);
    if (transfers_op) {
      encode_transfer(*store->ledger().lookup_transfer(id), &records[size_t{count} * 128]);
    } else {
      encode_account(*store->ledger().lookup_account(id), &records[size_t{count} * 128]);
    }
    count += 1;
  }
  return encode_reply(transfers_op ? Operation::feed_transfers : Operation::feed_accounts,
                      sequence, ProtocolStatus::ok, count, records);
}

void Server::State::publish(std::span<const uint8_t> message) {
  try {
    (void)feed.send(zmq::buffer(message.data(), message.size()), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
    // A PUB socket drops for slow subscribers by design; they see the gap and catch up.
  }
}

void Server::State::send_durable() {
  release(pending, store->durable_sequence(), store->health());
  if (transit) release(pending_transit, transit->durable_sequence(), transit->health());
}

// Sends, in order, the replies whose journal sequence is durable; when the journal has failed,
// answers every waiting request store_failed (it will never be durable).
void Server::State::release(std::deque<PendingReply>& queue, uint64_t durable,
                            const StoreStatus& health) {
  const Clock::time_point now = Clock::now();
  if (!queue.empty() && queue.front().sequence > durable && !health.ok()) {
    log("event=store_failed error=" + health.to_string());
    for (PendingReply& p : queue) {
      std::array<uint8_t, frame_header_bytes> header{};
      const uint64_t id = load_u64_le(p.reply.data() + 16);
      const auto operation = static_cast<Operation>(load_u16_le(p.reply.data() + 6));
      const size_t n = encode_message(operation, flag_reply, ProtocolStatus::store_failed, id, 0,
                                      {}, header);
      send(p.routing, std::span(header).first(n));
    }
    queue.clear();
    return;
  }
  while (!queue.empty() && queue.front().sequence <= durable) {
    PendingReply& next = queue.front();
    const auto latency_us = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - next.applied).count());
    uint64_t max = counters[commit_latency_us_max].load();
    while (latency_us > max &&
           !counters[commit_latency_us_max].compare_exchange_weak(max, latency_us)) {
    }
    // Published before the reply: a client that subscribes once it has its reply never sees
    // that write on the feed (it reads it from the journal when catching up).
    if (!next.feed.empty()) publish(next.feed);
    if (next.event) publish_event(*next.event);
    send(next.routing, next.reply);
    queue.pop_front();
  }
}

}  // namespace kervan
