#include "api/client.h"

#include <array>
#include <chrono>
#include <zmq.hpp>

#include "core/assert.h"
#include "ledger/journal_format.h"
#include "ledger/record_coding.h"

namespace kervan {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

Client::Client(const std::string& endpoint, const ClientSecurity& security)
    : context_(std::make_unique<zmq::context_t>(1)),
      socket_(std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::dealer)) {
  if (!security.server_public_z85.empty()) {
    socket_->set(zmq::sockopt::curve_serverkey, security.server_public_z85);
    socket_->set(zmq::sockopt::curve_publickey, security.keys.public_z85);
    socket_->set(zmq::sockopt::curve_secretkey, security.keys.secret_z85);
  }
  socket_->set(zmq::sockopt::linger, 0);
  socket_->set(zmq::sockopt::sndhwm, 100'000);
  socket_->set(zmq::sockopt::rcvhwm, 100'000);
  socket_->set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(frame_bytes_max));
  socket_->connect(endpoint);
}

Client::~Client() = default;

uint64_t Client::send(Operation operation, uint32_t count, std::span<const uint8_t> body) {
  const uint64_t id = next_id_++;
  std::vector<uint8_t> message(frame_header_bytes + body.size());
  const size_t n = encode_message(operation, 0, ProtocolStatus::ok, id, count, body, message);
  KERVAN_ASSERT(n == message.size());
  socket_->send(zmq::buffer(message.data(), message.size()), zmq::send_flags::none);
  in_flight_.emplace(id, std::move(message));
  return id;
}

size_t Client::resend_pending() {
  for (const auto& [id, message] : in_flight_) {
    socket_->send(zmq::buffer(message.data(), message.size()), zmq::send_flags::none);
  }
  return in_flight_.size();
}

std::optional<Reply> Client::receive(int timeout_ms) {
  if (!early_.empty()) {
    Reply reply = std::move(early_.begin()->second);
    early_.erase(early_.begin());
    return reply;
  }
  zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) == 0) return std::nullopt;
  zmq::message_t message;
  if (!socket_->recv(message, zmq::recv_flags::dontwait)) return std::nullopt;
  const std::span<const uint8_t> bytes(static_cast<const uint8_t*>(message.data()),
                                       message.size());
  FrameView view;
  Reply reply;
  const ProtocolStatus status = decode_reply(bytes, &view);
  if (status != ProtocolStatus::ok) {
    reply.header.status = status;  // Damaged in flight: its request stays in flight.
    return reply;
  }
  reply.header = view.header;
  reply.body.assign(view.body.begin(), view.body.end());
  // A busy or shutting-down reply did nothing: keep the request to send again.
  const bool retry = reply.header.status == ProtocolStatus::busy ||
                     reply.header.status == ProtocolStatus::shutting_down;
  // A published event's request_id is its own number, not a request's.
  if (!retry && !is_feed(reply.header.operation)) in_flight_.erase(reply.header.request_id);
  return reply;
}

std::optional<Reply> Client::await(uint64_t id, int timeout_ms) {
  if (auto it = early_.find(id); it != early_.end()) {
    Reply reply = std::move(it->second);
    early_.erase(it);
    return reply;
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(remaining_ms(deadline))) == 0) {
      return std::nullopt;
    }
    std::map<uint64_t, Reply> keep = std::move(early_);
    early_.clear();
    std::optional<Reply> reply = receive(0);
    early_ = std::move(keep);
    if (!reply) continue;
    if (reply->header.request_id == id) return reply;
    early_.emplace(reply->header.request_id, std::move(*reply));
  }
}

namespace {

template <typename Record, typename Encode>
std::vector<uint8_t> encode_records(std::span<const Record> records, Encode encode) {
  std::vector<uint8_t> body(records.size() * 128);
  for (size_t i = 0; i < records.size(); ++i) encode(records[i], &body[i * 128]);
  return body;
}

}  // namespace

ProtocolStatus Client::create_accounts(std::span<const Account> accounts,
                                       std::vector<CreateAccountResult>* results, int timeout_ms) {
  const uint64_t id = send(Operation::create_accounts, static_cast<uint32_t>(accounts.size()),
                           encode_records(accounts, encode_account));
  const std::optional<Reply> reply = await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;  // Timed out: the caller resends (same ids).
  results->clear();
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    results->push_back(static_cast<CreateAccountResult>(reply->body[i]));
  }
  return reply->header.status;
}

ProtocolStatus Client::create_transfers(std::span<const Transfer> transfers,
                                        std::vector<CreateTransferResult>* results,
                                        int timeout_ms) {
  const uint64_t id = send(Operation::create_transfers, static_cast<uint32_t>(transfers.size()),
                           encode_records(transfers, encode_transfer));
  const std::optional<Reply> reply = await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;
  results->clear();
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    results->push_back(static_cast<CreateTransferResult>(reply->body[i]));
  }
  return reply->header.status;
}

namespace {

std::vector<uint8_t> encode_ids(std::span<const u128> ids) {
  std::vector<uint8_t> body(ids.size() * 16);
  for (size_t i = 0; i < ids.size(); ++i) encode_id(ids[i], &body[i * 16]);
  return body;
}

}  // namespace

ProtocolStatus Client::lookup_accounts(std::span<const u128> ids, std::vector<Account>* out,
                                       int timeout_ms) {
  const uint64_t id =
      send(Operation::lookup_accounts, static_cast<uint32_t>(ids.size()), encode_ids(ids));
  const std::optional<Reply> reply = await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;
  out->clear();
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    out->push_back(decode_account(&reply->body[i * 128u]));
  }
  return reply->header.status;
}

ProtocolStatus Client::lookup_transfers(std::span<const u128> ids, std::vector<Transfer>* out,
                                        int timeout_ms) {
  const uint64_t id =
      send(Operation::lookup_transfers, static_cast<uint32_t>(ids.size()), encode_ids(ids));
  const std::optional<Reply> reply = await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;
  out->clear();
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    out->push_back(decode_transfer(&reply->body[i * 128u]));
  }
  return reply->header.status;
}

ProtocolStatus Client::transit(const TransitCommand& command, TransitResult* result,
                               int timeout_ms, uint64_t as_of_ns,
                               std::span<const std::string_view> access_codes) {
  coded_.resize(journal_command_bytes_max);  // Allocated once: a command is at most this.
  const size_t size = encode_transit_command(command, coded_);
  KERVAN_ASSERT(size != 0);
  std::array<uint8_t, 1 + access_codes_max_per_request * (1 + access_code_bytes_max)> codes{};
  const size_t codes_size = access_codes.empty() ? 0 : encode_access_codes(access_codes, codes);
  KERVAN_ASSERT(access_codes.empty() || codes_size != 0);
  std::vector<uint8_t> body(transit_body_bytes(size, codes_size));
  body.resize(encode_transit_body(std::span(coded_).first(size), as_of_ns, body,
                                  transit_body_bytes_max, std::span(codes).first(codes_size)));
  const uint64_t id = send(Operation::transit_command, 1, body);
  const std::optional<Reply> reply = await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;
  if (reply->header.status == ProtocolStatus::ok) {
    *result = static_cast<TransitResult>(reply->body[0]);
  }
  return reply->header.status;
}

ProtocolStatus Client::transit_query(const TransitQuery& query, TransitAnswer* answer,
                                     int timeout_ms) {
  std::array<uint8_t, 256> coded{};
  const size_t size = encode_transit_query(query, coded);
  KERVAN_ASSERT(size != 0);
  std::vector<uint8_t> body(transit_body_bytes(size, 0));
  body.resize(encode_transit_body(std::span(coded).first(size), 0, body));
  const uint64_t id = send(Operation::transit_query, 1, body);
  const std::optional<Reply> reply = await(id, timeout_ms);
  if (!reply) return ProtocolStatus::busy;
  if (reply->header.status != ProtocolStatus::ok) return reply->header.status;
  // An answer that does not decode, or answers another kind of query, comes from a server of
  // another version: reported as command_invalid (the query and its answer do not match).
  if (!decode_transit_answer(transit_command_of(reply->body), answer) ||
      answer->kind != query.kind) {
    return ProtocolStatus::command_invalid;
  }
  return ProtocolStatus::ok;
}

ProtocolStatus Client::ping(int timeout_ms) {
  const uint64_t id = send(Operation::ping, 0, {});
  const std::optional<Reply> reply = await(id, timeout_ms);
  return reply ? reply->header.status : ProtocolStatus::busy;
}

}  // namespace kervan
