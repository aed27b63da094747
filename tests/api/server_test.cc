// The server and the client over real sockets: results only once durable, malformed frames,
// back-pressure, tcp and ipc, and an idempotent retry across a killed and restarted server.
#include "api/server.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "api/client.h"
#include "tests/api/server_fixture.h"
#include "ledger/journal.h"
#include "ledger/record_coding.h"

namespace kervan {
namespace {

constexpr int timeout_ms = 10'000;

using testing::options_in;
using testing::TempDir;
using testing::transit_in;

std::vector<Account> accounts(uint64_t count) {
  std::vector<Account> out;
  for (uint64_t id = 1; id <= count; ++id) {
    Account a;
    a.id = id;
    a.ledger = 978;
    a.code = 1;
    out.push_back(a);
  }
  return out;
}

std::vector<Transfer> transfers(uint64_t first_id, uint64_t count) {
  std::vector<Transfer> out;
  for (uint64_t i = 0; i < count; ++i) {
    Transfer t;
    t.id = first_id + i;
    t.debit_account_id = 1 + i % 4;
    t.credit_account_id = 5 + i % 4;
    t.amount = 10 + i;
    t.ledger = 978;
    t.code = 1;
    out.push_back(t);
  }
  return out;
}

void round_trip(const std::string& endpoint) {
  TempDir folder;
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options_in(folder, endpoint), &server).ok());
  server->start();
  Client client(server->endpoint());
  EXPECT_EQ(client.ping(timeout_ms), ProtocolStatus::ok);
  std::vector<CreateAccountResult> account_results;
  ASSERT_EQ(client.create_accounts(accounts(8), &account_results, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(account_results, std::vector<CreateAccountResult>(8, CreateAccountResult::ok));
  std::vector<CreateTransferResult> results;
  const std::vector<Transfer> batch = transfers(1, 1000);
  ASSERT_EQ(client.create_transfers(batch, &results, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(results, std::vector<CreateTransferResult>(1000, CreateTransferResult::ok));
  ASSERT_EQ(client.create_transfers(batch, &results, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(results, std::vector<CreateTransferResult>(1000, CreateTransferResult::exists));
  std::vector<Account> found;
  const u128 ids[] = {1, 5, 99};
  ASSERT_EQ(client.lookup_accounts(ids, &found, timeout_ms), ProtocolStatus::ok);
  ASSERT_EQ(found.size(), 2u);  // 99 does not exist.
  EXPECT_EQ(found[0].id, 1u);
  EXPECT_GT(found[0].debits_posted, 0u);
  server->stop();
  const ServerCounters c = server->counters();
  EXPECT_GE(c.batches_durable, 1u);
  EXPECT_EQ(c.replies, c.requests);
}

TEST(Server, RequestsOverTcpGetTheirResultsOnceDurable) { round_trip("tcp://127.0.0.1:*"); }

TEST(Server, RequestsOverIpcToo) {
  TempDir socket_folder;
  round_trip("ipc://" + socket_folder.path() + "/kervan.sock");
}

TEST(Server, AMalformedFrameGetsItsStatusAndChangesNothing) {
  TempDir folder;
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options_in(folder, "tcp://127.0.0.1:*"), &server).ok());
  server->start();
  zmq::context_t context(1);
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 0);
  raw.connect(server->endpoint());
  std::vector<uint8_t> message(frame_header_bytes + 128);
  std::vector<uint8_t> body(128);
  encode_transfer(transfers(1, 1)[0], body.data());
  ASSERT_GT(encode_message(Operation::create_transfers, 0, ProtocolStatus::ok, 42, 1, body,
                           message),
            0u);
  message[0] ^= 0xFF;  // Bad magic.
  raw.send(zmq::buffer(message), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(raw.recv(reply, zmq::recv_flags::none));
  FrameView view;
  ASSERT_EQ(decode_reply({static_cast<const uint8_t*>(reply.data()), reply.size()}, &view),
            ProtocolStatus::ok);
  EXPECT_EQ(view.header.status, ProtocolStatus::bad_magic);
  raw.send(zmq::buffer(message.data(), 10), zmq::send_flags::none);  // Too short.
  ASSERT_TRUE(raw.recv(reply, zmq::recv_flags::none));
  ASSERT_EQ(decode_reply({static_cast<const uint8_t*>(reply.data()), reply.size()}, &view),
            ProtocolStatus::ok);
  EXPECT_EQ(view.header.status, ProtocolStatus::frame_too_short);
  server->stop();
  EXPECT_EQ(server->counters().rejected_malformed, 2u);
  EXPECT_EQ(server->counters().events, 0u);
}

TEST(Server, AFloodIsAnsweredBusyNeverDropped) {
  TempDir folder;
  ServerOptions options = options_in(folder, "tcp://127.0.0.1:*");
  options.in_flight_max = 2;
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options, &server).ok());
  server->start();
  Client client(server->endpoint());
  std::vector<CreateAccountResult> account_results;
  ASSERT_EQ(client.create_accounts(accounts(8), &account_results, timeout_ms), ProtocolStatus::ok);
  std::vector<uint8_t> body(128 * 100);
  constexpr int requests = 200;
  std::set<uint64_t> ids;
  for (int r = 0; r < requests; ++r) {
    const std::vector<Transfer> batch = transfers(1 + uint64_t(r) * 100, 100);
    for (size_t i = 0; i < batch.size(); ++i) encode_transfer(batch[i], &body[i * 128]);
    ids.insert(client.send(Operation::create_transfers, 100, body));
  }
  int busy = 0, ok = 0;
  for (int r = 0; r < requests; ++r) {
    const std::optional<Reply> reply = client.receive(timeout_ms);
    ASSERT_TRUE(reply.has_value()) << "a request got no reply";
    ASSERT_EQ(ids.erase(reply->header.request_id), 1u);  // Exactly one reply per request.
    (reply->header.status == ProtocolStatus::busy ? busy : ok) += 1;
  }
  EXPECT_GT(busy, 0);
  EXPECT_GT(ok, 0);
  // The busy ones did nothing: sent again (same ids), every one is applied exactly once.
  while (client.in_flight() > 0) {
    client.resend_pending();
    for (size_t pending = client.in_flight(); pending > 0; --pending) {
      ASSERT_TRUE(client.receive(timeout_ms).has_value());
    }
  }
  server->stop();
  EXPECT_EQ(server->counters().events, uint64_t{requests} * 100 + 8);
}

// `kervan serve` as a child process. The guard kills it if a test stops early (a failed ASSERT),
// so that no server outlives its test (ctest would wait on its output until the timeout).
class ChildServer {
 public:
  ChildServer(const std::string& endpoint, const std::string& data, const std::string& feed = {}) {
    pid_ = fork();
    if (pid_ == 0) {
      if (feed.empty()) {
        execl(KERVAN_BINARY, KERVAN_BINARY, "serve", "--endpoint", endpoint.c_str(), "--data",
              data.c_str(), "--accounts-max", "64", "--transfers-max", "100000", "--insecure",
              "yes", static_cast<char*>(nullptr));
      } else {
        execl(KERVAN_BINARY, KERVAN_BINARY, "serve", "--endpoint", endpoint.c_str(), "--data",
              data.c_str(), "--accounts-max", "64", "--transfers-max", "100000", "--feed",
              feed.c_str(), "--insecure", "yes", static_cast<char*>(nullptr));
      }
      _exit(127);
    }
  }
  ~ChildServer() {
    if (pid_ > 0) stop(SIGKILL);
  }
  ChildServer(const ChildServer&) = delete;
  bool started() const { return pid_ > 0; }
  // Sends the signal and reaps the child; returns its wait status (-1 when none).
  int stop(int signal) {
    int status = -1;
    if (pid_ > 0 && kill(pid_, signal) == 0 && waitpid(pid_, &status, 0) == pid_) pid_ = 0;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

TEST(Server, ARetryWithTheSameIdsAfterAKilledServerAppliesOnce) {
  TempDir folder;
  const std::string endpoint = "ipc://" + folder.path() + "/kervan.sock";
  const std::string data = folder.path() + "/data";
  auto server = std::make_unique<ChildServer>(endpoint, data);
  ASSERT_TRUE(server->started());
  Client client(endpoint);
  ASSERT_EQ(client.ping(timeout_ms), ProtocolStatus::ok);
  std::vector<CreateAccountResult> account_results;
  ASSERT_EQ(client.create_accounts(accounts(8), &account_results, timeout_ms), ProtocolStatus::ok);
  std::vector<CreateTransferResult> results;
  const std::vector<Transfer> first = transfers(1, 500);
  ASSERT_EQ(client.create_transfers(first, &results, timeout_ms), ProtocolStatus::ok);
  // A second batch is in flight when the server dies: applied or not, nobody knows.
  const std::vector<Transfer> second = transfers(501, 500);
  std::vector<uint8_t> body(500 * 128);
  for (size_t i = 0; i < second.size(); ++i) encode_transfer(second[i], &body[i * 128]);
  const uint64_t in_flight = client.send(Operation::create_transfers, 500, body);
  ASSERT_NE(server->stop(SIGKILL), -1);
  server = std::make_unique<ChildServer>(endpoint, data);
  ASSERT_TRUE(server->started());
  // The client sends everything unanswered again, with the same ids.
  ASSERT_EQ(client.resend_pending(), 1u);
  const std::optional<Reply> reply = client.await(in_flight, timeout_ms);
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->header.status, ProtocolStatus::ok);
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    const auto r = static_cast<CreateTransferResult>(reply->body[i]);
    EXPECT_TRUE(r == CreateTransferResult::ok || r == CreateTransferResult::exists) << i;
  }
  // Both batches again: every transfer exists exactly once.
  ASSERT_EQ(client.create_transfers(first, &results, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(results, std::vector<CreateTransferResult>(500, CreateTransferResult::exists));
  ASSERT_EQ(client.create_transfers(second, &results, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(results, std::vector<CreateTransferResult>(500, CreateTransferResult::exists));
  std::vector<Account> found;
  const u128 debit_accounts[] = {1, 2, 3, 4};
  ASSERT_EQ(client.lookup_accounts(debit_accounts, &found, timeout_ms), ProtocolStatus::ok);
  u128 debited = 0;
  for (const Account& a : found) debited += a.debits_posted;
  u128 expected = 0;
  for (uint64_t i = 0; i < 1000; ++i) expected += 10 + i % 500;
  EXPECT_EQ(debited, expected);  // Nothing applied twice, nothing lost.
  const int status = server->stop(SIGTERM);  // A clean stop this time.
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(ServerSecurity, OnlyRegisteredKeysGetInAndEachPartyOnlyWhatItMay) {
  TempDir folder;
  ServerOptions options = options_in(folder, "tcp://127.0.0.1:*");
  options.insecure = false;
  options.server_keys = generate_keypair();
  const KeyPair operator_keys = generate_keypair();
  const KeyPair analyst_keys = generate_keypair();
  const KeyPair stranger_keys = generate_keypair();
  options.clients = {
      ClientEntry{operator_keys.public_z85, Party{PartyId{1}, PartyRole::operator_, Country()}},
      ClientEntry{analyst_keys.public_z85, Party{PartyId{2}, PartyRole::analyst, Country()}}};
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options, &server).ok());
  server->start();
  const std::string public_key = options.server_keys.public_z85;
  Client operator_client(server->endpoint(), {public_key, operator_keys});
  std::vector<CreateAccountResult> account_results;
  ASSERT_EQ(operator_client.create_accounts(accounts(8), &account_results, timeout_ms),
            ProtocolStatus::ok);
  Client analyst(server->endpoint(), {public_key, analyst_keys});
  std::vector<CreateTransferResult> results;
  EXPECT_EQ(analyst.create_transfers(transfers(1, 10), &results, timeout_ms),
            ProtocolStatus::forbidden);
  std::vector<Account> found;
  const u128 ids[] = {1};
  EXPECT_EQ(analyst.lookup_accounts(ids, &found, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(found.size(), 1u);
  // An unknown key, and a known key with the wrong server key, get no answer at all.
  Client stranger(server->endpoint(), {public_key, stranger_keys});
  const uint64_t id = stranger.send(Operation::ping, 0, {});
  EXPECT_FALSE(stranger.await(id, 500).has_value());
  Client misdirected(server->endpoint(), {generate_keypair().public_z85, operator_keys});
  const uint64_t id2 = misdirected.send(Operation::ping, 0, {});
  EXPECT_FALSE(misdirected.await(id2, 500).has_value());
  server->stop();
  const ServerCounters c = server->counters();
  EXPECT_GE(c.rejected_unauthenticated, 1u);
  EXPECT_EQ(c.rejected_forbidden, 1u);
  EXPECT_EQ(c.events, 8u);  // Only the operator's accounts.
}

}  // namespace
}  // namespace kervan

namespace kervan {
namespace {

// The change feed: each durable write's committed records under its journal sequence. A
// subscriber that joins late (ZeroMQ's PUB drops what it sent before the subscription took)
// sees the jump, and catches up from the journal, which another process may read while the
// server runs.
TEST(ServerFeed, ASubscriberDetectsTheGapAndCatchesUpFromTheJournal) {
  TempDir folder;
  const std::string endpoint = "ipc://" + folder.path() + "/kervan.sock";
  const std::string feed = "ipc://" + folder.path() + "/feed.sock";
  const std::string data = folder.path() + "/data";
  ChildServer server(endpoint, data, feed);
  ASSERT_TRUE(server.started());
  Client client(endpoint);
  std::vector<CreateAccountResult> account_results;
  ASSERT_EQ(client.create_accounts(accounts(8), &account_results, timeout_ms), ProtocolStatus::ok);
  zmq::context_t context(1);
  zmq::socket_t subscriber(context, zmq::socket_type::sub);
  subscriber.set(zmq::sockopt::subscribe, "");
  subscriber.connect(feed);
  // Batches until the subscription has taken: the first message received shows the gap.
  std::vector<CreateTransferResult> results;
  uint64_t next_id = 1;
  std::optional<uint64_t> first_seen;
  zmq::pollitem_t item{subscriber.handle(), 0, ZMQ_POLLIN, 0};
  std::vector<uint64_t> received_ids;
  for (int attempt = 0; attempt < 200 && !first_seen; ++attempt) {
    ASSERT_EQ(client.create_transfers(transfers(next_id, 10), &results, timeout_ms),
              ProtocolStatus::ok);
    next_id += 10;
    if (zmq::poll(&item, 1, std::chrono::milliseconds(20)) == 0) continue;
    zmq::message_t message;
    ASSERT_TRUE(subscriber.recv(message, zmq::recv_flags::none));
    FrameView view;
    ASSERT_EQ(decode_reply({static_cast<const uint8_t*>(message.data()), message.size()}, &view),
              ProtocolStatus::ok);
    // The accounts' record was published before their reply came, so before this subscriber
    // connected: the first message it can see is a transfers batch.
    ASSERT_EQ(view.header.operation, Operation::feed_transfers);
    first_seen = view.header.request_id;
    for (uint32_t i = 0; i < view.header.count; ++i) {
      received_ids.push_back(u128_low(decode_transfer(&view.body[i * 128u]).id));
    }
  }
  ASSERT_TRUE(first_seen.has_value());
  ASSERT_GT(*first_seen, 1u);  // Record 1 (the accounts) at least was missed: a gap.
  // Later batches arrive in sequence, without gaps.
  for (uint64_t expected = *first_seen + 1; expected < *first_seen + 4; ++expected) {
    ASSERT_EQ(client.create_transfers(transfers(next_id, 10), &results, timeout_ms),
              ProtocolStatus::ok);
    next_id += 10;
    zmq::message_t message;
    ASSERT_TRUE(subscriber.recv(message, zmq::recv_flags::none));
    FrameView view;
    ASSERT_EQ(decode_reply({static_cast<const uint8_t*>(message.data()), message.size()}, &view),
              ProtocolStatus::ok);
    EXPECT_EQ(view.header.request_id, expected);
    EXPECT_EQ(view.header.count, 10u);
  }
  // Catching up: records 1 .. first_seen - 1 from the journal, read by this process.
  std::unique_ptr<Journal> journal;
  ASSERT_TRUE(Journal::open({.path = data + "/journal",
                             .map_bytes_max = uint64_t{1} << 30,
                             .read_only = true},
                            &journal)
                  .ok());
  uint64_t caught_up = 0;
  uint64_t transfers_caught_up = 0;
  ASSERT_TRUE(journal
                  ->read(1, Digest{},
                         [&](const JournalRecordView& record) {
                           if (record.header.sequence >= *first_seen) return false;
                           caught_up += 1;
                           if (record.header.operation == JournalOperation::create_transfers) {
                             transfers_caught_up += record.header.event_count;
                           }
                           return true;
                         })
                  .ok());
  EXPECT_EQ(caught_up, *first_seen - 1);
  EXPECT_EQ(transfers_caught_up + received_ids.size(), received_ids.front() + 9);
  journal.reset();
  const int status = server.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace kervan

namespace kervan {
namespace {

constexpr PartyId operator_party{1}, customs_kz{10};

// A secure server serving the transit domain, with an operator and the customs of Kazakhstan
// registered.
struct SecureTransit {
  ServerOptions options;
  KeyPair operator_keys;
  KeyPair customs_keys;
};
SecureTransit secure_transit(const TempDir& folder) {
  SecureTransit t{options_in(folder, "tcp://127.0.0.1:*"), generate_keypair(), generate_keypair()};
  t.options.insecure = false;
  t.options.server_keys = generate_keypair();
  t.options.clients = {
      ClientEntry{t.operator_keys.public_z85, Party{operator_party, PartyRole::operator_, {}}},
      ClientEntry{t.customs_keys.public_z85,
                  Party{customs_kz, PartyRole::customs, Country::of("KZ")}}};
  t.options.transit = transit_in(folder);
  return t;
}

TEST(ServerTransit, StepsTravelAsCommandsAndEachKeyActsOnlyAsItsParty) {
  TempDir folder;
  auto [options, operator_keys, customs_keys] = secure_transit(folder);
  auto lines = std::make_shared<std::vector<std::string>>();
  auto lines_mutex = std::make_shared<std::mutex>();
  options.log = [lines, lines_mutex](std::string_view line) {
    const std::lock_guard<std::mutex> hold(*lines_mutex);
    lines->emplace_back(line);
  };
  constexpr PartyId provider{20}, principal{30};
  std::unique_ptr<Server> server;
  ASSERT_TRUE(Server::open(options, &server).ok());
  server->start();
  Client operator_client(server->endpoint(), {options.server_keys.public_z85, operator_keys});
  Client customs(server->endpoint(), {options.server_keys.public_z85, customs_keys});
  TransitResult result = TransitResult::ledger_refused;
  // The seed registered the operator and the customs with their keys; the operator registers
  // the provider and the principal, and the provider's key.
  for (const Party& p : {Party{customs_kz, PartyRole::customs, Country::of("KZ")},
                         Party{provider, PartyRole::provider, Country::of("KZ")},
                         Party{principal, PartyRole::principal, Country::of("CN")}}) {
    TransitCommand c{.operation = TransitOperation::register_party, .actor = operator_party};
    c.party = p;
    ASSERT_EQ(operator_client.transit(c, &result, timeout_ms), ProtocolStatus::ok);
    EXPECT_EQ(result, p.id == customs_kz ? TransitResult::exists : TransitResult::ok);
  }
  const KeyPair provider_keys = generate_keypair();
  TransitCommand key{.operation = TransitOperation::register_key, .actor = operator_party};
  key.key_party = provider;
  ASSERT_TRUE(decode_public_key(provider_keys.public_z85, &key.key));
  ASSERT_EQ(operator_client.transit(key, &result, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(result, TransitResult::ok);
  Client provider_client(server->endpoint(), {options.server_keys.public_z85, provider_keys});
  TransitCommand guarantee{.operation = TransitOperation::register_guarantee, .actor = provider};
  guarantee.guarantee.grn = make_grn(26, Country::of("KZ"), "WIRE00000001");
  guarantee.guarantee.provider = provider;
  guarantee.guarantee.principal = principal;
  guarantee.guarantee.reference_amount = Amount::from_minor(50'000'00, Currency::eur);
  guarantee.guarantee.valid_from = *Date::from_civil(2020, 1, 1);
  guarantee.guarantee.valid_to = *Date::from_civil(2099, 12, 31);
  // Neither customs nor, on the server's clock, the operator may act for the provider.
  EXPECT_EQ(customs.transit(guarantee, &result, timeout_ms), ProtocolStatus::forbidden);
  EXPECT_EQ(operator_client.transit(guarantee, &result, timeout_ms), ProtocolStatus::forbidden);
  ASSERT_EQ(provider_client.transit(guarantee, &result, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(result, TransitResult::ok);
  ASSERT_EQ(provider_client.transit(guarantee, &result, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(result, TransitResult::exists);  // Idempotent over the wire too.
  // Customs acting for itself reaches the domain, which answers for the step.
  TransitCommand release{.operation = TransitOperation::release_movement, .actor = customs_kz};
  release.mrn = make_mrn(26, Country::of("KZ"), "NOSUCHMOVE01");
  ASSERT_EQ(customs.transit(release, &result, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(result, TransitResult::movement_not_found);
  // A command body that does not decode is refused as such.
  const std::array<uint8_t, 8> garbage_command = {0xFF, 1, 2, 3, 4, 5, 6, 7};
  std::vector<uint8_t> body(transit_body_bytes_max);
  body.resize(encode_transit_body(garbage_command, 0, body));
  const uint64_t id = operator_client.send(Operation::transit_command, 1, body);
  const std::optional<Reply> reply = operator_client.await(id, timeout_ms);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->header.status, ProtocolStatus::command_invalid);
  server->stop();
  EXPECT_EQ(server->counters().rejected_forbidden, 2u);
  // The refusal is logged, as one structured line naming who tried what and why.
  const std::string expected =
      "event=refused status=forbidden operation=transit_command party=10 role=customs "
      "reason=actor_not_self not_logged_since_last=0";
  EXPECT_EQ(std::count(lines->begin(), lines->end(), expected), 1) << ::testing::PrintToString(*lines);
}

}  // namespace
}  // namespace kervan

namespace kervan {
namespace {

// Regression: '#' is a Z85 character, and keys holding one were cut as comments: registered,
// then refused at the server's start.
TEST(Keys, KeysHoldingAHashAreReadWholeAndCommentsAreWholeLines) {
  TempDir folder;
  const std::string path = folder.path() + "/clients";
  KeyPair with_hash = generate_keypair();
  while (with_hash.public_z85.find('#') == std::string::npos) with_hash = generate_keypair();
  {
    std::ofstream out(path);
    out << "# the clients of a test server\n\n";
  }
  ASSERT_TRUE(register_client(path, ClientEntry{with_hash.public_z85,
                                                Party{PartyId{7}, PartyRole::operator_, {}}})
                  .ok());
  {
    std::ofstream out(path, std::ios::app);
    out << generate_keypair().public_z85 << " 8 customs KZ   trailing words are a comment\n";
  }
  std::vector<ClientEntry> clients;
  const StoreStatus status = load_clients(path, &clients);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(clients[0].public_z85, with_hash.public_z85);
  EXPECT_EQ(clients[1].party.role, PartyRole::customs);
  EXPECT_EQ(clients[1].party.country, Country::of("KZ"));
  EXPECT_FALSE(register_client(path, ClientEntry{with_hash.public_z85,
                                                 Party{PartyId{9}, PartyRole::analyst, {}}})
                   .ok());  // The same key twice.
}

}  // namespace
}  // namespace kervan

namespace kervan {
namespace {

// A transit step's business time (as_of_ns) is accepted only from an operator, only by a
// server whose transit clock is "requests", and never before the last step, even after a
// restart (the journal's latest time is replayed).
TEST(ServerTransit, BusinessTimeOnlyFromOperatorsOnlyForwardAndAcrossRestarts) {
  TempDir folder;
  auto [options, operator_keys, customs_keys] = secure_transit(folder);
  TransitCommand customs_party{.operation = TransitOperation::register_party,
                               .actor = operator_party};
  customs_party.party = Party{PartyId{12}, PartyRole::customs, Country::of("KG")};
  const uint64_t t2040 = uint64_t{2'208'988'800} * 1'000'000'000;  // 2040-01-01, in the future.
  TransitResult result = TransitResult::ledger_refused;
  {
    options.transit_clock_from_requests = false;  // The deployed default.
    std::unique_ptr<Server> server;
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    Client op(server->endpoint(), {options.server_keys.public_z85, operator_keys});
    EXPECT_EQ(op.transit(customs_party, &result, timeout_ms, t2040), ProtocolStatus::forbidden);
    server->stop();
  }
  options.transit_clock_from_requests = true;
  {
    std::unique_ptr<Server> server;
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    Client op(server->endpoint(), {options.server_keys.public_z85, operator_keys});
    Client customs(server->endpoint(), {options.server_keys.public_z85, customs_keys});
    TransitCommand release{.operation = TransitOperation::release_movement, .actor = customs_kz};
    release.mrn = make_mrn(26, Country::of("KZ"), "NOSUCHMOVE01");
    EXPECT_EQ(customs.transit(release, &result, timeout_ms, t2040), ProtocolStatus::forbidden);
    ASSERT_EQ(op.transit(customs_party, &result, timeout_ms, t2040), ProtocolStatus::ok);
    EXPECT_EQ(result, TransitResult::ok);
    EXPECT_EQ(op.transit(customs_party, &result, timeout_ms, t2040 - 1),
              ProtocolStatus::clock_regressed);
    ASSERT_EQ(op.transit(customs_party, &result, timeout_ms, t2040), ProtocolStatus::ok);
    EXPECT_EQ(result, TransitResult::exists);  // The same instant is not a regression.
    server->stop();
    EXPECT_EQ(server->counters().rejected_forbidden, 1u);
  }
  {
    std::unique_ptr<Server> server;
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    Client op(server->endpoint(), {options.server_keys.public_z85, operator_keys});
    EXPECT_EQ(op.transit(customs_party, &result, timeout_ms, t2040 - 1),
              ProtocolStatus::clock_regressed);
    server->stop();
  }
}

}  // namespace
}  // namespace kervan

namespace kervan {
namespace {

// How a run of the kervan binary ended: its exit status, or 128 + the signal that killed it.
int run_kervan(std::vector<std::string> args) {
  const pid_t child = fork();
  if (child == 0) {
    std::vector<char*> argv = {const_cast<char*>(KERVAN_BINARY)};
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);
    dup2(null, STDOUT_FILENO);
    execv(KERVAN_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Found from outside: paths that cannot be made or read, and endpoints and configurations that
// cannot be used, ended the command by a signal (an uncaught exception). Each is now an exit
// status: 1 for an operation that failed, 2 for bad usage.
TEST(KervanCommand, BadPathsAndEndpointsEndInAStatusNotASignal) {
  TempDir folder;
  struct Case {
    std::vector<std::string> args;
    int status;
  };
  const Case cases[] = {
      {{"serve", "--data", "/proc/nope/x", "--endpoint", "tcp://127.0.0.1:0"}, 1},
      {{"serve", "--insecure", "yes", "--data", "/proc/nope/x", "--endpoint", "tcp://127.0.0.1:0"},
       1},
      {{"serve", "--config", folder.path(), "--data", folder.path() + "/d"}, 2},
      {{"verify", "/proc/nope"}, 1},
      {{"client", "--endpoint", "localhost:27420", "ping"}, 2},
      {{"client", "--endpoint", "foo://bar", "ping"}, 2},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(run_kervan(c.args), c.status) << c.args[0] << " " << c.args[1] << " " << c.args[2];
  }
}

}  // namespace
}  // namespace kervan
