#include "api/sim_server_port.h"

#include <stdlib.h>

#include <array>
#include <filesystem>
#include <vector>

#include "api/client.h"
#include "api/keys.h"
#include "api/server.h"

namespace kervan {

namespace {

class ServerPort final : public LedgerPort {
 public:
  ServerPort(const ServerPortOptions& options) : options_(options) {}

  ~ServerPort() override {
    client_.reset();
    if (server_) server_->stop();
    server_.reset();
    std::error_code ignored;
    if (!folder_.empty()) std::filesystem::remove_all(folder_, ignored);
  }

  bool open(const TransitConfig& config, std::string* error) {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/kervan-sim-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      *error = "cannot make a temporary folder for the server";
      return false;
    }
    folder_ = pattern;
    const KeyPair operator_keys = generate_keypair();
    ServerOptions o = loopback_transit_server(
        folder_,
        TransitStoreOptions{.path = folder_ + "/transit",
                            .config = config,
                            .journal_map_bytes_max = uint64_t{64} << 30,
                            .journal_ring_bytes = size_t{32} << 20,
                            .log = [](std::string_view) {}},
        operator_keys);
    o.in_flight_max = options_.window;
    if (const StoreStatus s = Server::open(o, &server_); !s.ok()) {
      *error = "server: " + s.to_string();
      return false;
    }
    server_->start();
    client_ = std::make_unique<Client>(
        server_->endpoint(), ClientSecurity{o.server_keys.public_z85, operator_keys});
    if (client_->ping(options_.timeout_ms) != ProtocolStatus::ok) {
      *error = "server: no answer to ping on " + server_->endpoint();
      return false;
    }
    return true;
  }

  void apply(uint64_t now_ns, const TransitCommand& command) override {
    steps_ += 1;
    // The run's first step registers its operator, which the server's registry seed already did.
    const bool seeded = command.operation == TransitOperation::register_party &&
                        command.party.id == command.actor && command.actor == operator_party_id;
    if (seeded) return;
    coded_.resize(journal_command_bytes_max);
    const size_t size = encode_transit_command(command, coded_);
    KERVAN_ASSERT(size != 0);
    body_.resize(transit_body_bytes(size, 0));
    body_.resize(encode_transit_body(std::span(coded_).first(size), now_ns, body_));
    while (client_->in_flight() >= options_.window && failure_.empty()) receive_one();
    client_->send(Operation::transit_command, 1, body_);
  }

  bool settle(std::string* why) override {
    while (client_->in_flight() > 0 && failure_.empty()) receive_one();
    *why = failure_;
    return failure_.empty();
  }

  std::optional<GuaranteeBalance> balance(const Grn& grn) override {
    TransitAnswer answer;
    const TransitQuery query{.kind = QueryKind::guarantee, .grn = grn};
    if (client_->transit_query(query, &answer, options_.timeout_ms) != ProtocolStatus::ok ||
        answer.result != QueryResult::ok) {
      return std::nullopt;
    }
    return answer.balance;
  }

  uint64_t steps() const override { return steps_; }

 private:
  // One reply: a refused request or a step that did not succeed is the run's failure.
  void receive_one() {
    const std::optional<Reply> reply = client_->receive(options_.timeout_ms);
    if (!reply) {
      failure_ = "no reply from the server within " + std::to_string(options_.timeout_ms) + " ms";
      return;
    }
    if (reply->header.status != ProtocolStatus::ok) {
      failure_ = "request " + std::to_string(reply->header.request_id) + " refused: " +
                 std::string(result_name(reply->header.status));
      return;
    }
    const auto result = static_cast<TransitResult>(reply->body.at(0));
    if (result != TransitResult::ok) {
      failure_ = "request " + std::to_string(reply->header.request_id) + " gave " +
                 std::string(result_name(result));
    }
  }

  ServerPortOptions options_;
  std::string folder_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
  std::vector<uint8_t> coded_;  // A command's coding, then its request body.
  std::vector<uint8_t> body_;
  uint64_t steps_ = 0;
  std::string failure_;
};

}  // namespace

LedgerPortFactory server_port_factory(const ServerPortOptions& options) {
  return [options](const TransitConfig& config,
                   std::string* error) -> std::unique_ptr<LedgerPort> {
    auto port = std::make_unique<ServerPort>(options);
    if (!port->open(config, error)) return nullptr;
    return port;
  };
}

}  // namespace kervan
