// The server's transit domain: commands (with their access codes checked off the loop),
// queries, subscriptions and their events (api/server.h; the state is api/server_state.h).
#include "api/server_state.h"

namespace kervan {

void Server::State::handle_transit(zmq::message_t& routing, const FrameView& view,
                                   const Party* party) {
  const FrameHeader& h = view.header;
  if (!transit) {
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::unknown_operation, 0, {});
    return;
  }
  TransitCommand command;
  if (!decode_transit_command(transit_command_of(view.body), &command)) {
    count(rejected_malformed);
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::command_invalid, 0, {});
    return;
  }
  KERVAN_ASSERT(options.insecure == (party == nullptr));
  if (!options.insecure && party->id != command.actor) {
    // A key acts only as its party; an operator drives every party only on a server whose
    // business time comes from requests (simulations and replays).
    const bool drives = party->role == PartyRole::operator_ && options.transit_clock_from_requests;
    if (!drives) {
      refuse_forbidden(routing, h, party, "actor_not_self");
      return;
    }
  }
  // The server's own public key is no client's (whoever holds its secret is the server).
  if (command.operation == TransitOperation::register_key && !options.insecure &&
      encode_public_key(command.key) == options.server_keys.public_z85) {
    refuse_forbidden(routing, h, party, "server_key");
    return;
  }
  // Amounts to be covered are the server's to compute: a declaration's figures are the sender's
  // expectations, except from an operator driving a simulation or a replay.
  const bool operator_or_insecure = options.insecure || party->role == PartyRole::operator_;
  if (command.operation == TransitOperation::declare_movement &&
      command.declaration.amounts != DeclaredAmounts::expected &&
      !(operator_or_insecure && options.transit_clock_from_requests)) {
    refuse_forbidden(routing, h, party, "amounts_not_computed_by_server");
    return;
  }
  // Business time: the server's clock, or the request's (simulations), never backwards.
  const uint64_t as_of = transit_as_of_of(view.body);
  if (as_of != 0) {
    if (!options.transit_clock_from_requests || !operator_or_insecure) {
      refuse_forbidden(routing, h, party,
                       options.transit_clock_from_requests ? "business_time_not_operator"
                                                           : "business_time_not_enabled");
      return;
    }
    if (as_of < transit->last_now_ns()) {
      reply_now(routing, h.operation, h.request_id, ProtocolStatus::clock_regressed, 0, {});
      return;
    }
  }
  // A declaration's access codes: checked by the server, never taken from the sender, except
  // that an operator's declaration without codes keeps its flags (system steps, simulations).
  const std::span<const uint8_t> codes = transit_access_codes_of(view.body);
  const bool declaration = command.operation == TransitOperation::declare_movement;
  if (!codes.empty()) {
    if (!declaration || !check_access_codes(routing, h, command, codes)) {
      count(rejected_malformed);
      reply_now(routing, h.operation, h.request_id, ProtocolStatus::command_invalid, 0, {});
    }
    return;  // Applied once checked (apply_checked), or refused.
  }
  if (declaration && !operator_or_insecure) {
    for (size_t i = 0; i < command.declaration.references_count; ++i) {
      command.declaration.references[i].access_code_valid = false;
    }
  }
  apply_transit(routing, h, command, as_of);
}

bool Server::State::check_access_codes(zmq::message_t& routing, const FrameHeader& h,
                                       const TransitCommand& command,
                                       std::span<const uint8_t> codes) {
  std::array<std::string_view, access_codes_max_per_request> given{};
  size_t count_given = 0;
  const Declaration& d = command.declaration;
  if (!decode_access_codes(codes, given, &count_given) || count_given != d.references_count) {
    return false;
  }
  AccessCodeJob job;
  job.ticket = next_ticket++;
  job.references = d.references_count;
  for (size_t i = 0; i < d.references_count; ++i) {
    job.codes[i] = std::string(given[i]);
    if (const Guarantee* g = transit->ledger().guarantee(d.references[i].grn)) {
      job.hash_count[i] = g->spec.access_codes_count;
      for (size_t k = 0; k < g->spec.access_codes_count; ++k) {
        job.hashes[i][k] = g->spec.access_codes[k];
      }
    }
  }
  checking.emplace(job.ticket, Checking{std::move(routing), h, command});
  checker->submit(std::move(job));
  return true;
}

// Applies the declarations whose access codes the checker has looked at, with its verdicts.
void Server::State::apply_checked() {
  for (AccessCodeJob& job : checker->take_done()) {
    const auto it = checking.find(job.ticket);
    KERVAN_ASSERT(it != checking.end());
    Checking c = std::move(it->second);
    checking.erase(it);
    for (size_t i = 0; i < job.references; ++i) {
      c.command.declaration.references[i].access_code_valid = job.valid[i];
    }
    apply_transit(c.routing, c.header, c.command, 0);
  }
}

void Server::State::apply_transit(zmq::message_t& routing, const FrameHeader& h,
                                  const TransitCommand& command, uint64_t as_of) {
  const uint64_t now = std::max(transit->last_now_ns(), as_of != 0 ? as_of : wall_clock_ns());
  TransitResult result = TransitResult::ok;
  uint64_t sequence = 0;
  const StoreStatus status = transit->apply(now, command, &result, &sequence);
  if (!status.ok()) {
    log("event=store_failed error=" + status.to_string());
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::store_failed, 0, {});
    return;
  }
  count(events);
  if (result != TransitResult::ok && result != TransitResult::exists) count(transit_refused);
  if (result == TransitResult::reference_data_invalid) log_reference_error(command);
  const std::array<uint8_t, 8> results = {static_cast<uint8_t>(result)};
  pending_transit.push_back(PendingReply{
      .sequence = sequence,
      .routing = std::move(routing),
      .reply = encode_reply(h.operation, h.request_id, ProtocolStatus::ok, 1, results),
      .applied = Clock::now(),
      .event = result == TransitResult::ok ? transit_event(command, sequence, now) : nullptr});
}

void Server::State::handle_transit_query(zmq::message_t& routing, const FrameView& view,
                                         const Party* reader) {
  const FrameHeader& h = view.header;
  if (!transit) {
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::unknown_operation, 0, {});
    return;
  }
  TransitQuery query;
  if (!decode_transit_query(transit_command_of(view.body), &query)) {
    count(rejected_malformed);
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::command_invalid, 0, {});
    return;
  }
  const std::span<uint8_t> answer = std::span(body).first(transit_answer_bytes_max);
  size_t written = 0;
  const uint64_t now = std::max(transit->last_now_ns(), wall_clock_ns());
  if (query.kind == QueryKind::events) {  // From the journal: what the reader may read of it.
    if (const StoreStatus status = answer_events_query(*transit, reader, query, answer, &written);
        !status.ok()) {
      log("event=store_failed error=" + status.to_string());
      reply_now(routing, h.operation, h.request_id, ProtocolStatus::store_failed, 0, {});
      return;
    }
  } else if (answer_transit_query(transit->ledger(), reader, query, answer, &written, now) ==
             QueryAccess::forbidden) {
    refuse_forbidden(routing, h, reader, "not_readable");
    return;
  }
  // The answer waits behind every step applied before it, so that a query never shows what a
  // crash could take back.
  std::vector<uint8_t> framed((written + transit_body_prefix_bytes + 7) / 8 * 8);
  const size_t size = encode_transit_body(answer.first(written), 0, framed,
                                          transit_answer_body_bytes_max);
  KERVAN_ASSERT(size == framed.size());
  pending_transit.push_back(PendingReply{
      .sequence = transit->last_sequence(),
      .routing = std::move(routing),
      .reply = encode_reply(h.operation, h.request_id, ProtocolStatus::ok, 1,
                            std::span(framed).first(size)),
      .applied = Clock::now()});
}

// A subscription: the connection receives, once each is durable, the events of the steps applied
// after this one that its party may read (api/transit_event.h).
void Server::State::handle_subscribe(zmq::message_t& routing, const FrameView& view,
                                     std::string key) {
  const FrameHeader& h = view.header;
  if (!transit) {
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::unknown_operation, 0, {});
    return;
  }
  const std::span<const uint8_t> payload = transit_command_of(view.body);
  if (payload.size() != 8 || load_u64_le(payload.data()) != 0) {
    count(rejected_malformed);
    reply_now(routing, h.operation, h.request_id, ProtocolStatus::command_invalid, 0, {});
    return;
  }
  const std::string identity(static_cast<const char*>(routing.data()), routing.size());
  const auto same = [&](const Subscriber& s) { return s.routing == identity; };
  if (std::find_if(subscribers.begin(), subscribers.end(), same) == subscribers.end()) {
    if (subscribers.size() >= transit_subscribers_max) {
      count(rejected_busy);
      reply_now(routing, h.operation, h.request_id, ProtocolStatus::busy, 0, {});
      return;
    }
    subscribers.push_back(Subscriber{.routing = identity, .key_z85 = std::move(key)});
  }
  std::array<uint8_t, 8> from{};
  store_u64_le(from.data(), transit->last_sequence());
  std::array<uint8_t, transit_body_bytes(8, 0)> framed{};
  KERVAN_ASSERT(encode_transit_body(from, 0, framed) == framed.size());
  // Behind every step applied before it: its events, if any, go to earlier subscriptions only.
  pending_transit.push_back(PendingReply{
      .sequence = transit->last_sequence(),
      .routing = std::move(routing),
      .reply = encode_reply(h.operation, h.request_id, ProtocolStatus::ok, 1, framed),
      .applied = Clock::now()});
}

std::unique_ptr<PendingEvent> Server::State::transit_event(const TransitCommand& step,
                                                           uint64_t sequence, uint64_t at_ns) {
  if (subscribers.empty()) return nullptr;  // Nothing built when no one listens.
  size_t snapshot_bytes = 0;
  const std::span<uint8_t> answer = std::span(body).first(transit_answer_bytes_max);
  if (const std::optional<TransitQuery> q = snapshot_query(step)) {
    (void)answer_transit_query(transit->ledger(), nullptr, *q, answer, &snapshot_bytes);
  }
  const std::span<const uint8_t> command = transit->last_command();
  std::vector<uint8_t> payload(8 + 4 + command.size() + 4 + snapshot_bytes);
  const size_t size =
      encode_transit_event(sequence, command, answer.first(snapshot_bytes), payload);
  KERVAN_ASSERT(size == payload.size());
  auto event = std::make_unique<PendingEvent>();
  event->framed.resize(transit_body_bytes(size, 0));
  KERVAN_ASSERT(encode_transit_body(payload, at_ns, event->framed, transit_body_bytes_max) ==
                event->framed.size());
  event->step = step;
  event->step.reference_text = {};  // A view into the request: gone by the time it is sent.
  return event;
}

// Sends the event to each subscription whose party may read it, dropping those whose key was
// revoked or whose peer has gone.
void Server::State::publish_event(const PendingEvent& event) {
  for (size_t i = 0; i < subscribers.size();) {
    Subscriber& s = subscribers[i];
    bool revoked = false;
    const Party* reader = options.insecure ? nullptr : admitted(s.key_z85, &revoked);
    if (!options.insecure && reader == nullptr) {
      if (revoked) count(rejected_revoked);
      subscribers.erase(subscribers.begin() + static_cast<ptrdiff_t>(i));
      continue;
    }
    i += 1;
    if (reader != nullptr && !may_read_step(transit->ledger(), *reader, event.step)) continue;
    const std::vector<uint8_t> message = encode_reply(
        Operation::transit_event, s.events + 1, ProtocolStatus::ok, 1, event.framed);
    try {
      if (!router.send(zmq::buffer(s.routing), zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
          !router.send(zmq::buffer(message), zmq::send_flags::dontwait)) {
        count(replies_undeliverable);  // Its queue is full: it sees the number skipped.
      } else {
        count(transit_events);
      }
      s.events += 1;
    } catch (const zmq::error_t&) {
      count(replies_undeliverable);  // The peer is gone: so is its subscription.
      subscribers.erase(subscribers.begin() + static_cast<ptrdiff_t>(i - 1));
      i -= 1;
    }
  }
}

}  // namespace kervan
