// The server's state, shared by its two source files (internal: only api/server.cc, which
// runs the loop, the sockets and the ledger core's operations, and api/server_transit.cc, which
// serves the transit domain's commands, queries and subscriptions, include it).
#pragma once

#include "api/server.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "api/access_code_checker.h"
#include "api/protocol.h"
#include "api/transit_event.h"
#include "api/transit_query.h"
#include "core/assert.h"
#include "core/bytes.h"
#include "ledger/record_coding.h"
#include "ledger/transit/read_access.h"
#include "ledger/transit/reference_data.h"
#include "ledger/transit/transit_command.h"

namespace kervan {

using Clock = std::chrono::steady_clock;
inline constexpr size_t drain_per_wake_max = 4096;  // Requests read before replies are looked at again.
// ZAP domains: the request socket's, and the feed's (which admits fewer parties).
inline constexpr std::string_view zap_domain_requests = "kervan";
inline constexpr std::string_view zap_domain_feed = "kervan-feed";

inline uint64_t wall_clock_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// A transit step's event, published to the subscriptions that may read it once it is durable.
struct PendingEvent {
  std::vector<uint8_t> framed;  // The transit body around the event's payload (as_of: at_ns).
  TransitCommand step;          // For may_read_step (its reference text, if any, cleared).
};

// A connection subscribed to transit events.
struct Subscriber {
  std::string routing;     // Its ROUTER identity.
  std::string key_z85;     // Its key (empty on an insecure server): checked again at each event.
  uint64_t events = 0;     // Events sent: the next one's number is events + 1.
};

// A reply waiting until the journal is durable up to `sequence`.
struct PendingReply {
  uint64_t sequence = 0;
  zmq::message_t routing;
  std::vector<uint8_t> reply;
  Clock::time_point applied;
  std::vector<uint8_t> feed = {};  // Committed records to publish once durable (may be empty).
  std::unique_ptr<PendingEvent> event = {};  // A transit step's, when someone subscribes.
};

struct Server::State {
  // The counters, in the order of ServerCounters (and of the stats reply).
  enum Counter : size_t {
    requests = 0,
    events = 1,
    replies = 2,
    rejected_malformed = 3,
    rejected_busy = 4,
    replies_undeliverable = 5,
    batches_durable = 6,
    commit_latency_us_max = 7,
    rejected_unauthenticated = 8,
    rejected_forbidden = 9,
    rejected_revoked = 10,
    transit_refused = 11,
    transit_events = 12,
  };

  ServerOptions options;
  zmq::context_t context{1};
  zmq::socket_t zap{context, zmq::socket_type::rep};
  zmq::socket_t router{context, zmq::socket_type::router};
  zmq::socket_t feed{context, zmq::socket_type::pub};
  bool feeding = false;
  std::map<std::string, Party> parties_by_key;  // Without a transit store: options.clients.
  std::vector<Subscriber> subscribers;          // Transit subscriptions, in subscription order.
  int wake_fd = -1;
  std::unique_ptr<Store> store;
  std::deque<PendingReply> pending;
  std::unique_ptr<TransitStore> transit;
  std::deque<PendingReply> pending_transit;  // Behind the transit store's journal sequences.
  // Declarations whose access codes are being checked (by ticket), and the checker.
  struct Checking {
    zmq::message_t routing;
    FrameHeader header;
    TransitCommand command;
  };
  std::map<uint64_t, Checking> checking;
  uint64_t next_ticket = 1;
  std::unique_ptr<AccessCodeChecker> checker;
  std::vector<Account> accounts = std::vector<Account>(batch_events_max);
  std::vector<Transfer> transfers = std::vector<Transfer>(batch_events_max);
  std::vector<CreateAccountResult> account_results =
      std::vector<CreateAccountResult>(batch_events_max);
  std::vector<CreateTransferResult> transfer_results =
      std::vector<CreateTransferResult>(batch_events_max);
  std::vector<uint8_t> body = std::vector<uint8_t>(message_bytes_max);
  std::atomic<uint64_t> counters[server_counters_count] = {};

  void count(size_t which, uint64_t n = 1) { counters[which].fetch_add(n); }

  // Refusals are logged, but at most one line a second per kind (each line says how many were
  // not logged since the last), so that a flood of bad requests cannot flood the log. Each
  // limiter belongs to one thread: the loop's, or the ZAP handler's.
  struct RefusalLog {
    Clock::time_point last{};
    uint64_t unlogged = 0;
    // True when a line may be written now; *skipped is how many were not logged before it.
    bool allow(uint64_t* skipped) {
      const Clock::time_point now = Clock::now();
      if (last != Clock::time_point{} && now - last < std::chrono::seconds(1)) {
        unlogged += 1;
        return false;
      }
      last = now;
      *skipped = unlogged;
      unlogged = 0;
      return true;
    }
  };
  RefusalLog forbidden_log;
  RefusalLog unauthenticated_log;
  RefusalLog reference_log;

  // Logs where refused reference data is wrong (the reply carries only the result): the
  // loader's own message, file line and field.
  void log_reference_error(const TransitCommand& command) {
    ReferenceData data;
    LoadError error;
    uint64_t skipped = 0;
    if (load_reference_data_text(command.reference_text, "reference data", &data, &error) ==
            LoadErrorCode::ok ||
        !reference_log.allow(&skipped)) {
      return;
    }
    log("event=refused status=reference_data_invalid party=" +
        std::to_string(static_cast<uint64_t>(command.actor)) + " error=\"" + error.to_string() +
        "\" not_logged_since_last=" + std::to_string(skipped));
  }

  // Counts, logs and answers a request its party may not make.
  void refuse_forbidden(zmq::message_t& routing, const FrameHeader& h, const Party* party,
                        std::string_view reason);
  void log(const std::string& line) const {
    if (options.log) {
      options.log(line);
    } else {
      std::fprintf(stderr, "kervan serve: %s\n", line.c_str());
    }
  }

  void handle(zmq::message_t& routing, zmq::message_t& payload, bool stopping);
  void reply_now(zmq::message_t& routing, Operation operation, uint64_t request_id,
                 ProtocolStatus status, uint32_t count, std::span<const uint8_t> body_bytes);
  std::vector<uint8_t> encode_reply(Operation operation, uint64_t request_id,
                                    ProtocolStatus status, uint32_t count,
                                    std::span<const uint8_t> body_bytes) const;
  void queue_reply(uint64_t sequence, zmq::message_t& routing, std::vector<uint8_t> reply);
  ProtocolStatus apply_write(const FrameView& frame, uint64_t* sequence, uint32_t* results);
  uint32_t answer_query(const FrameView& frame);
  void send(zmq::message_t& routing, std::span<const uint8_t> reply);
  void send_durable();
  void loop(std::atomic<bool>& stopping);
  bool receive_now(zmq::message_t& message);
  // `party`: the sender's (nullptr on an insecure server).
  void handle_transit(zmq::message_t& routing, const FrameView& view, const Party* party);
  // Hands a declaration's access codes to the checker; false when they do not decode.
  bool check_access_codes(zmq::message_t& routing, const FrameHeader& h,
                          const TransitCommand& command, std::span<const uint8_t> codes);
  void apply_checked();
  void apply_transit(zmq::message_t& routing, const FrameHeader& h,
                     const TransitCommand& command, uint64_t as_of);
  void handle_transit_query(zmq::message_t& routing, const FrameView& view,
                            const Party* reader);
  void release(std::deque<PendingReply>& queue, uint64_t durable, const StoreStatus& health);
  std::vector<uint8_t> committed_records(const FrameView& frame, uint64_t sequence);
  void publish(std::span<const uint8_t> message);
  // Answers the ZAP requests waiting (RFC 27), on the loop's thread, which owns the registry.
  void answer_zap();
  // The party a registered, unrevoked key acts as, or nullptr (*revoked says whether because
  // the key was revoked). `key_z85` is the key's Z85 text.
  const Party* admitted(std::string_view key_z85, bool* revoked) const;
  // The party this message's connection was admitted as, checked again now (so that a key
  // revoked since the handshake is refused), or nullptr (*revoked says whether it was revoked).
  // *key, when given, is the key's Z85 text.
  const Party* party_of(zmq::message_t& payload, bool* revoked, std::string* key = nullptr) const;
  void handle_subscribe(zmq::message_t& routing, const FrameView& view, std::string key);
  // The event of a step just applied (sequence), for the subscriptions; nullptr when none.
  std::unique_ptr<PendingEvent> transit_event(const TransitCommand& step, uint64_t sequence,
                                              uint64_t at_ns);
  void publish_event(const PendingEvent& event);
  StoreStatus seed_registry();
};

}  // namespace kervan
