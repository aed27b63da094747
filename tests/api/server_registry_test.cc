// The registry of parties and keys through the real server, as the attacks that found its holes
// tried it (issue 14): a principal's key registering itself as a provider, a provider's key
// claiming party ids in advance, keys revoked while connected, every role subscribing to the
// change feed, an operator acting as another party on the server's own clock. Each ends with
// the ledger unchanged and the refusal counted; keys added and revoked take effect without a
// restart, and stay so across one.
#include <zmq.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <zmq.hpp>

#include "api/client.h"
#include "api/server.h"
#include "tests/api/server_fixture.h"

namespace kervan {
namespace {

using testing::TempDir;

constexpr int timeout_ms = 10'000;
constexpr PartyId operator_party{1}, customs_kz{10}, provider{20}, principal{30}, victim{31},
    analyst{60};

// What a CURVE handshake with `keys` ends in, as the client socket's monitor reports it:
// ZMQ_EVENT_HANDSHAKE_SUCCEEDED, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH (the ZAP handler refused), or
// 0 when nothing came within the timeout (a failure of the test, not a wait it relies on).
int handshake(const std::string& endpoint, const std::string& server_public_z85,
              const KeyPair& keys, zmq::socket_type type) {
  zmq::context_t context;
  zmq::socket_t socket(context, type);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::curve_serverkey, server_public_z85);
  socket.set(zmq::sockopt::curve_publickey, keys.public_z85);
  socket.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
  const int events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
  if (zmq_socket_monitor(socket.handle(), "inproc://handshake", events) != 0) return 0;
  zmq::socket_t monitor(context, zmq::socket_type::pair);
  monitor.set(zmq::sockopt::linger, 0);
  monitor.set(zmq::sockopt::rcvtimeo, timeout_ms);
  monitor.connect("inproc://handshake");
  socket.connect(endpoint);
  zmq::message_t event, address;
  if (!monitor.recv(event) || event.size() < 2 || !monitor.recv(address)) return 0;
  uint16_t id = 0;
  std::memcpy(&id, event.data(), sizeof id);
  zmq_socket_monitor(socket.handle(), nullptr, 0);
  return id;
}

class ServerRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    options = testing::secure_transit_options(folder);
    options.feed_endpoint = "tcp://127.0.0.1:*";
    // The seed: the operator first, then a party of each role with its key.
    const Party parties[] = {{operator_party, PartyRole::operator_, {}},
                             {customs_kz, PartyRole::customs, Country::of("KZ")},
                             {provider, PartyRole::provider, Country::of("KZ")},
                             {principal, PartyRole::principal, Country::of("CN")},
                             {victim, PartyRole::principal, Country::of("KZ")},
                             {analyst, PartyRole::analyst, {}}};
    for (const Party& p : parties) {
      testing::seed(&options, p, &keys);
    }
    open_server();
  }

  void open_server() {
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
  }

  const KeyPair& key_of(PartyId party) const {
    for (size_t i = 0; i < options.clients.size(); ++i) {
      if (options.clients[i].party.id == party) return keys[i];
    }
    return keys[0];
  }
  std::unique_ptr<Client> as(PartyId party) { return as_key(key_of(party)); }
  std::unique_ptr<Client> as_key(const KeyPair& pair) {
    return std::make_unique<Client>(server->endpoint(),
                                    ClientSecurity{options.server_keys.public_z85, pair});
  }

  TransitResult step(Client& client, const TransitCommand& command) {
    TransitResult result = TransitResult::ledger_refused;
    EXPECT_EQ(client.transit(command, &result, timeout_ms), ProtocolStatus::ok);
    return result;
  }

  TransitCommand register_party(PartyId actor, Party party) const {
    TransitCommand c{.operation = TransitOperation::register_party, .actor = actor};
    c.party = party;
    return c;
  }
  TransitCommand key_command(TransitOperation operation, PartyId party,
                             const KeyPair& pair) const {
    TransitCommand c{.operation = operation, .actor = operator_party};
    c.key_party = party;
    EXPECT_TRUE(decode_public_key(pair.public_z85, &c.key));
    return c;
  }
  TransitCommand guarantee_for(PartyId actor, PartyId holder) const {
    TransitCommand g{.operation = TransitOperation::register_guarantee, .actor = actor};
    g.guarantee.grn = grn;
    g.guarantee.provider = actor;
    g.guarantee.principal = holder;
    g.guarantee.reference_amount = Amount::from_minor(100'000'00, Currency::eur);
    g.guarantee.valid_from = *Date::from_civil(2020, 1, 1);
    g.guarantee.valid_to = *Date::from_civil(2099, 12, 31);
    return g;
  }
  QueryResult guarantee_query(Client& client) {
    TransitAnswer answer;
    EXPECT_EQ(client.transit_query(TransitQuery{.kind = QueryKind::guarantee, .grn = grn},
                                   &answer, timeout_ms),
              ProtocolStatus::ok);
    return answer.result;
  }

  TempDir folder;
  ServerOptions options;
  std::vector<KeyPair> keys;
  std::unique_ptr<Server> server;
  const Grn grn = make_grn(26, Country::of("KZ"), "REGISTRY0001");
};

// Regression: a key registered as principal 50 sent `register-party 50 provider KZ`, then
// registered a EUR 100,000 guarantee as that provider for principal 30: both ok.
TEST_F(ServerRegistry, APrincipalKeyCannotMakeItselfAProvider) {
  std::unique_ptr<Client> attacker = as(principal);
  EXPECT_EQ(step(*attacker, register_party(principal, {principal, PartyRole::provider,
                                                       Country::of("KZ")})),
            TransitResult::party_role_not_allowed);
  // Nor a new provider party of its own, nor as the operator.
  EXPECT_EQ(step(*attacker, register_party(principal, {PartyId{50}, PartyRole::provider,
                                                       Country::of("KZ")})),
            TransitResult::party_role_not_allowed);
  TransitResult result{};
  EXPECT_EQ(attacker->transit(register_party(operator_party, {PartyId{50}, PartyRole::provider,
                                                              Country::of("KZ")}),
                              &result, timeout_ms),
            ProtocolStatus::forbidden);
  // Still a principal: it cannot register a guarantee for another principal.
  EXPECT_EQ(step(*attacker, guarantee_for(principal, victim)),
            TransitResult::party_role_not_allowed);
  std::unique_ptr<Client> op = as(operator_party);
  EXPECT_EQ(guarantee_query(*op), QueryResult::not_found);
  // The operator can still register party 50, as whatever it is.
  EXPECT_EQ(step(*op, register_party(operator_party, {PartyId{50}, PartyRole::customs,
                                                      Country::of("UZ")})),
            TransitResult::ok);
  server->stop();
  EXPECT_EQ(server->counters().transit_refused, 3u);
  EXPECT_EQ(server->counters().rejected_forbidden, 1u);
}

// Regression: a provider key registered party ids 99 (customs KZ) and 98 (operator) in advance;
// the operator's later registration of party 99 was refused.
TEST_F(ServerRegistry, NoKeyClaimsAPartyIdInAdvance) {
  std::unique_ptr<Client> squatter = as(provider);
  EXPECT_EQ(step(*squatter, register_party(provider, {PartyId{99}, PartyRole::customs,
                                                      Country::of("KZ")})),
            TransitResult::party_role_not_allowed);
  EXPECT_EQ(step(*squatter, register_party(provider, {PartyId{98}, PartyRole::operator_, {}})),
            TransitResult::party_role_not_allowed);
  // Nor binds its own key to a party it would then act as.
  EXPECT_EQ(step(*squatter, [&] {
              TransitCommand c = key_command(TransitOperation::register_key, customs_kz,
                                             key_of(provider));
              c.actor = provider;
              return c;
            }()),
            TransitResult::party_role_not_allowed);
  std::unique_ptr<Client> op = as(operator_party);
  EXPECT_EQ(step(*op, register_party(operator_party, {PartyId{99}, PartyRole::customs,
                                                      Country::of("UZ")})),
            TransitResult::ok);
  EXPECT_EQ(step(*op, register_party(operator_party, {PartyId{98}, PartyRole::analyst, {}})),
            TransitResult::ok);
  // A key already bound to one party is not bound to another.
  EXPECT_EQ(step(*op, key_command(TransitOperation::register_key, PartyId{99}, key_of(provider))),
            TransitResult::key_exists);
  server->stop();
  EXPECT_EQ(server->counters().transit_refused, 4u);
}

// Keys registered and revoked while the server runs take effect at once: a revoked key is
// refused on its open connection and at every new handshake (counted), a new key is admitted,
// and both stay so after a restart (the registry is replayed from the journal).
TEST_F(ServerRegistry, KeysAddedAndRevokedTakeEffectAtOnceAndAcrossRestarts) {
  std::unique_ptr<Client> op = as(operator_party);
  std::unique_ptr<Client> customs = as(customs_kz);
  ASSERT_EQ(customs->ping(timeout_ms), ProtocolStatus::ok);
  const KeyPair rotated = generate_keypair();
  EXPECT_EQ(handshake(server->endpoint(), options.server_keys.public_z85, rotated,
                      zmq::socket_type::dealer),
            ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  // Rotation: the new key first, then the old one revoked.
  ASSERT_EQ(step(*op, key_command(TransitOperation::register_key, customs_kz, rotated)),
            TransitResult::ok);
  ASSERT_EQ(step(*op, key_command(TransitOperation::revoke_key, customs_kz, key_of(customs_kz))),
            TransitResult::ok);
  EXPECT_EQ(customs->ping(timeout_ms), ProtocolStatus::unauthenticated);  // Same connection.
  EXPECT_EQ(handshake(server->endpoint(), options.server_keys.public_z85, key_of(customs_kz),
                      zmq::socket_type::dealer),
            ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  std::unique_ptr<Client> renewed = as_key(rotated);
  ASSERT_EQ(renewed->ping(timeout_ms), ProtocolStatus::ok);
  TransitCommand release{.operation = TransitOperation::release_movement, .actor = customs_kz};
  release.mrn = make_mrn(26, Country::of("KZ"), "NOSUCHMOVE01");
  EXPECT_EQ(step(*renewed, release), TransitResult::movement_not_found);  // Acts as customs KZ.
  // Found from outside: the server's own public key could be registered as a client's.
  TransitResult result{};
  KeyPair server_pair;
  server_pair.public_z85 = options.server_keys.public_z85;
  EXPECT_EQ(op->transit(key_command(TransitOperation::register_key, customs_kz, server_pair),
                        &result, timeout_ms),
            ProtocolStatus::forbidden);
  // A revoked key is never registered again, nor is the last operator key revoked.
  EXPECT_EQ(step(*op, key_command(TransitOperation::register_key, customs_kz, key_of(customs_kz))),
            TransitResult::key_revoked);
  EXPECT_EQ(step(*op, key_command(TransitOperation::revoke_key, operator_party,
                                  key_of(operator_party))),
            TransitResult::key_last_operator);
  server->stop();
  EXPECT_GE(server->counters().rejected_revoked, 2u);  // The ping, and (at least) one handshake.
  EXPECT_GE(server->counters().rejected_unauthenticated, 1u);  // The unknown key's handshake.
  op.reset();
  customs.reset();
  renewed.reset();
  server.reset();
  open_server();  // The same options: the seed is ignored, the journal is the authority.
  EXPECT_EQ(handshake(server->endpoint(), options.server_keys.public_z85, key_of(customs_kz),
                      zmq::socket_type::dealer),
            ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  renewed = as_key(rotated);
  EXPECT_EQ(renewed->ping(timeout_ms), ProtocolStatus::ok);
}

// Regression: every registered key that subscribed to the feed received every transfer in the
// ledger. The feed carries every committed record: only parties that read everything subscribe.
TEST_F(ServerRegistry, OnlyOperatorsAndAnalystsSubscribeToTheFeed) {
  struct Case {
    PartyId party;
    int expected;
  };
  const Case cases[] = {{operator_party, ZMQ_EVENT_HANDSHAKE_SUCCEEDED},
                        {analyst, ZMQ_EVENT_HANDSHAKE_SUCCEEDED},
                        {customs_kz, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH},
                        {provider, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH},
                        {principal, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH}};
  for (const Case& c : cases) {
    EXPECT_EQ(handshake(server->feed_endpoint(), options.server_keys.public_z85, key_of(c.party),
                        zmq::socket_type::sub),
              c.expected)
        << static_cast<uint64_t>(c.party);
  }
  // The same keys still make requests.
  EXPECT_EQ(as(principal)->ping(timeout_ms), ProtocolStatus::ok);
  server->stop();
  EXPECT_GE(server->counters().rejected_forbidden, 3u);
}

// On the server's own clock an operator acts only as itself: driving another party is for
// simulations and replays, whose business time comes from requests.
TEST_F(ServerRegistry, AnOperatorDoesNotActAsAnotherPartyOnTheServersClock) {
  std::unique_ptr<Client> op = as(operator_party);
  TransitResult result{};
  EXPECT_EQ(op->transit(guarantee_for(provider, principal), &result, timeout_ms),
            ProtocolStatus::forbidden);
  EXPECT_EQ(guarantee_query(*op), QueryResult::not_found);
  std::unique_ptr<Client> own = as(provider);
  EXPECT_EQ(step(*own, guarantee_for(provider, principal)), TransitResult::ok);
  EXPECT_EQ(guarantee_query(*op), QueryResult::ok);
  server->stop();
  EXPECT_EQ(server->counters().rejected_forbidden, 1u);
}

// Regression (found from outside): a provider registering a guarantee for principal 2^64 - 1
// aborted the server. Now the answer is party_not_found, and the server still answers.
TEST_F(ServerRegistry, APartyIdOfTwoToTheSixtyFourMinusOneDoesNotStopTheServer) {
  std::unique_ptr<Client> p = as(provider);
  EXPECT_EQ(step(*p, guarantee_for(provider, PartyId{UINT64_MAX})), TransitResult::party_not_found);
  std::unique_ptr<Client> o = as(operator_party);
  EXPECT_EQ(step(*o, register_party(operator_party,
                                    {PartyId{UINT64_MAX}, PartyRole::principal, {}})),
            TransitResult::ok);
  EXPECT_EQ(step(*p, guarantee_for(provider, PartyId{UINT64_MAX})), TransitResult::ok);
  EXPECT_EQ(p->ping(timeout_ms), ProtocolStatus::ok);
}

}  // namespace
}  // namespace kervan
