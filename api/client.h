// The C++ client: a ZeroMQ DEALER that pipelines requests (many in flight, matched to their
// replies by request id) and keeps every request until its reply arrives, so that after a
// timeout or a server restart it can send them again with the same ids: the ledger answers
// `exists` for what it had applied, so a retry never applies twice.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/keys.h"
#include "api/protocol.h"
#include "api/transit_query.h"
#include "ledger/results.h"
#include "ledger/transit/transit_command.h"
#include "ledger/types.h"

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace kervan {

struct Reply {
  FrameHeader header;
  std::vector<uint8_t> body;
};

// CURVE: the server's public key and this client's pair (registered with the server). Empty
// server key: plain (for an --insecure server only).
struct ClientSecurity {
  std::string server_public_z85;
  KeyPair keys;
};

class Client {
 public:
  // Connects (lazily, as ZeroMQ does) to `endpoint`, e.g. "tcp://127.0.0.1:7420". A server that
  // refuses the key answers nothing: calls time out (ZeroMQ does not report the refusal).
  explicit Client(const std::string& endpoint, const ClientSecurity& security = {});
  ~Client();
  Client(const Client&) = delete;

  // Sends a request; returns its id. Blocks only while ZeroMQ's send queue is full.
  uint64_t send(Operation operation, uint32_t count, std::span<const uint8_t> body);
  // The next reply to any request, or nullopt after timeout_ms. A reply that does not decode
  // comes back with its status (the bytes were damaged in flight: resend).
  std::optional<Reply> receive(int timeout_ms);
  // Sends every request that has no reply yet again, with its id. Returns how many.
  size_t resend_pending();
  size_t in_flight() const { return in_flight_.size(); }

  // Synchronous calls: send, then wait for that reply (others are kept for receive()).
  ProtocolStatus create_accounts(std::span<const Account> accounts,
                                 std::vector<CreateAccountResult>* results, int timeout_ms);
  ProtocolStatus create_transfers(std::span<const Transfer> transfers,
                                  std::vector<CreateTransferResult>* results, int timeout_ms);
  ProtocolStatus lookup_accounts(std::span<const u128> ids, std::vector<Account>* out,
                                 int timeout_ms);
  ProtocolStatus lookup_transfers(std::span<const u128> ids, std::vector<Transfer>* out,
                                  int timeout_ms);
  ProtocolStatus ping(int timeout_ms);
  // One step of the transit domain; *result is the step's outcome when the status is ok.
  // as_of_ns 0: at the server's clock; otherwise the step's business time (a simulation or
  // replay: operator only, on a server whose transit clock is "requests").
  // access_codes: a declaration's, one per guarantee reference ("" where none), for the server
  // to check against the guarantees' stored hashes (docs/protocol.md).
  ProtocolStatus transit(const TransitCommand& command, TransitResult* result, int timeout_ms,
                         uint64_t as_of_ns = 0,
                         std::span<const std::string_view> access_codes = {});
  // A query of the transit ledger; *answer is filled when the status is ok. A reader that may
  // not read the object gets forbidden; an answer that does not decode, command_invalid.
  ProtocolStatus transit_query(const TransitQuery& query, TransitAnswer* answer, int timeout_ms);
  // The reply to request `id`, waiting up to timeout_ms (nullopt: none yet).
  std::optional<Reply> await(uint64_t id, int timeout_ms);

 private:
  std::unique_ptr<zmq::context_t> context_;
  std::unique_ptr<zmq::socket_t> socket_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::vector<uint8_t>> in_flight_;  // Request bytes, until replied.
  std::map<uint64_t, Reply> early_;                     // Replies received while awaiting another.
  std::vector<uint8_t> coded_;                          // A transit command's coding.
};

}  // namespace kervan
