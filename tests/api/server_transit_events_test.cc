// Transit events through the real server (issue 14, point 4): each party subscribes with its own
// key and receives exactly the steps it may read, in journal order, each with the state after
// it; the customs of every country on a released movement's itinerary receive its particulars
// (the anticipated arrival record); a revoked key's subscription ends at once. The expected
// readers of every step are written here from the rules (docs/protocol.md), not computed by the
// server's code.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "api/client.h"
#include "api/server.h"
#include "api/transit_event.h"
#include "core/password_hash.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "tests/api/server_fixture.h"

namespace kervan {
namespace {

constexpr int timeout_ms = 10'000;
constexpr PartyId op{1}, analyst{60}, customs_kz{10}, customs_kg{11}, customs_tr{13},
    provider_a{20}, provider_b{21}, principal_a{30}, principal_b{31};

using testing::today;

class ServerTransitEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    options = testing::secure_transit_options(folder);
    const Party parties[] = {{op, PartyRole::operator_, {}},
                             {analyst, PartyRole::analyst, {}},
                             {customs_kz, PartyRole::customs, Country::of("KZ")},
                             {customs_kg, PartyRole::customs, Country::of("KG")},
                             {customs_tr, PartyRole::customs, Country::of("TR")},
                             {provider_a, PartyRole::provider, Country::of("KZ")},
                             {provider_b, PartyRole::provider, Country::of("KZ")},
                             {principal_a, PartyRole::principal, Country::of("CN")},
                             {principal_b, PartyRole::principal, Country::of("KZ")}};
    for (const Party& p : parties) {
      ids.push_back(p.id);
      testing::seed(&options, p, &keys);
    }
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    for (const KeyPair& k : keys) {
      steps.push_back(connect(k));
      feeds.push_back(connect(k));
    }
    TransitCommand load{.operation = TransitOperation::load_reference_data, .actor = op};
    load.reference_text = embedded_carec_toml();
    load.date = today();
    ASSERT_EQ(step(op, load), TransitResult::ok);
    ASSERT_EQ(step(provider_a, guarantee(grn_a, provider_a, principal_a)), TransitResult::ok);
    ASSERT_EQ(step(provider_b, guarantee(grn_b, provider_b, principal_b)), TransitResult::ok);
  }

  std::unique_ptr<Client> connect(const KeyPair& k) {
    return std::make_unique<Client>(server->endpoint(),
                                    ClientSecurity{options.server_keys.public_z85, k});
  }
  size_t index_of(PartyId party) const {
    return static_cast<size_t>(std::find(ids.begin(), ids.end(), party) - ids.begin());
  }
  TransitResult step(PartyId actor, const TransitCommand& c,
                     std::span<const std::string_view> codes = {}) {
    TransitResult result = TransitResult::ledger_refused;
    EXPECT_EQ(steps[index_of(actor)]->transit(c, &result, timeout_ms, 0, codes),
              ProtocolStatus::ok);
    return result;
  }
  static TransitCommand guarantee(const Grn& grn, PartyId provider, PartyId principal) {
    TransitCommand g{.operation = TransitOperation::register_guarantee, .actor = provider};
    g.guarantee.grn = grn;
    g.guarantee.provider = provider;
    g.guarantee.principal = principal;
    g.guarantee.reference_amount = Amount::from_minor(5'000'000'00, Currency::eur);
    g.guarantee.valid_from = *Date::from_civil(2020, 1, 1);
    g.guarantee.valid_to = *Date::from_civil(2099, 12, 31);
    g.guarantee.access_codes_count = 1;
    EXPECT_EQ(hash_access_code("AB12", &g.guarantee.access_codes[0]), PasswordHashError::ok);
    return g;
  }
  TransitCommand declaration(const char* serial, PartyId principal, const Grn& grn,
                             std::vector<Country> itinerary) const {
    TransitCommand c{.operation = TransitOperation::declare_movement, .actor = principal};
    const GoodsItem items[] = {
        {.hs6 = 870323, .customs_value = Amount::from_minor(30'000'00, Currency::eur)}};
    EXPECT_TRUE(build_declaration_of_facts(
        DeclarationInput{.mrn = make_mrn(26, Country::of("KZ"), serial),
                         .principal = principal,
                         .items = items,
                         .itinerary = itinerary,
                         .time_limit_ns = uint64_t{4'000'000'000} * 1'000'000'000,
                         .guarantees = {&grn, 1}},
        false, {}, &c.declaration));
    return c;
  }
  TransitCommand movement_step(TransitOperation operation, PartyId actor, const char* serial) {
    TransitCommand c{.operation = operation, .actor = actor};
    c.mrn = make_mrn(26, Country::of("KZ"), serial);
    return c;
  }

  testing::TempDir folder;
  ServerOptions options;
  std::vector<PartyId> ids;
  std::vector<KeyPair> keys;
  std::unique_ptr<Server> server;
  std::vector<std::unique_ptr<Client>> steps;  // One connection per party for its steps ...
  std::vector<std::unique_ptr<Client>> feeds;  // ... and one for its subscription.
  const Grn grn_a = make_grn(26, Country::of("KZ"), "EVENTS000001");
  const Grn grn_b = make_grn(26, Country::of("KZ"), "EVENTS000002");
};

TEST_F(ServerTransitEvents, EachPartyReceivesExactlyWhatItMayRead) {
  std::vector<TransitSubscription> subscriptions;
  for (const auto& feed : feeds) subscriptions.emplace_back(feed.get());
  for (TransitSubscription& s : subscriptions) {
    uint64_t from = 0;
    ASSERT_EQ(s.subscribe(timeout_ms, &from), ProtocolStatus::ok);
    EXPECT_GT(from, 0u);
  }
  const std::string_view code[] = {"AB12"};
  const Country kz = Country::of("KZ"), kg = Country::of("KG"), tr = Country::of("TR");
  const std::set<PartyId> all_readers = {op, analyst};
  const auto with = [&](std::initializer_list<PartyId> more) {
    std::set<PartyId> readers = all_readers;
    readers.insert(more);
    return readers;
  };
  // Each step, and who may read it (by the rules, written out).
  struct Expected {
    TransitOperation operation;
    std::set<PartyId> readers;
  };
  std::vector<Expected> expected;
  const auto run = [&](PartyId actor, const TransitCommand& c, std::set<PartyId> readers,
                       std::span<const std::string_view> codes = {}) {
    ASSERT_EQ(step(actor, c, codes), TransitResult::ok) << static_cast<int>(c.operation);
    expected.push_back({c.operation, std::move(readers)});
  };
  const std::set<PartyId> m1 = with({principal_a, provider_a, customs_kz, customs_kg});
  run(principal_a, declaration("EVENTSMOVE01", principal_a, grn_a, {kz, kg}), m1, code);
  run(customs_kz, movement_step(TransitOperation::release_movement, customs_kz, "EVENTSMOVE01"),
      m1);
  run(principal_b, declaration("EVENTSMOVE02", principal_b, grn_b, {kz, kg}),
      with({principal_b, provider_b, customs_kz, customs_kg}), code);
  TransitCommand amend{.operation = TransitOperation::amend_guarantee, .actor = provider_a};
  amend.grn = grn_a;
  amend.amount = Amount::from_minor(6'000'000'00, Currency::eur);
  amend.reduction_percent = 100;
  // A guarantee valid in every country: every customs may read it, as an office checks one.
  run(provider_a, amend, with({provider_a, principal_a, customs_kz, customs_kg, customs_tr}));
  run(customs_kg, movement_step(TransitOperation::record_arrival, customs_kg, "EVENTSMOVE01"),
      m1);
  TransitCommand party{.operation = TransitOperation::register_party, .actor = op};
  party.party = Party{PartyId{99}, PartyRole::customs, Country::of("UZ")};
  run(op, party, all_readers);
  // Last, a step each party may read: what came before it is all it will get.
  run(principal_a, declaration("EVENTSMOVE03", principal_a, grn_a, {kz, kg, tr}),
      with({principal_a, provider_a, customs_kz, customs_kg, customs_tr}), code);
  run(principal_b, declaration("EVENTSMOVE04", principal_b, grn_b, {kz, kg, tr}),
      with({principal_b, provider_b, customs_kz, customs_kg, customs_tr}), code);

  uint64_t sent = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::vector<TransitOperation> wanted;
    for (const Expected& e : expected) {
      if (e.readers.count(ids[i]) == 1) wanted.push_back(e.operation);
    }
    ASSERT_FALSE(wanted.empty());
    uint64_t last_sequence = 0;
    for (size_t k = 0; k < wanted.size(); ++k) {
      std::optional<TransitEvent> event = subscriptions[i].next(timeout_ms);
      ASSERT_TRUE(event.has_value()) << "party " << static_cast<uint64_t>(ids[i]) << " event " << k;
      EXPECT_EQ(event->command.operation, wanted[k])
          << "party " << static_cast<uint64_t>(ids[i]) << " event " << k;
      EXPECT_EQ(event->number, k + 1);  // None skipped.
      EXPECT_GT(event->sequence, last_sequence);
      last_sequence = event->sequence;
      EXPECT_GT(event->at_ns, 0u);
      // The anticipated arrival record: the released movement's particulars, as computed.
      if (event->command.operation == TransitOperation::release_movement) {
        ASSERT_TRUE(event->has_snapshot);
        const Declaration& d = event->snapshot.movement.declaration;
        EXPECT_EQ(event->snapshot.movement.state, MovementState::released);
        EXPECT_EQ(d.goods_count, 1);
        EXPECT_EQ(d.itinerary_count, 2);
        EXPECT_EQ(d.amounts, DeclaredAmounts::computed);
        EXPECT_GT(d.references[0].amount_concerned.minor(), 0);
      }
      if (event->command.operation == TransitOperation::amend_guarantee) {
        ASSERT_TRUE(event->has_snapshot);  // The balance after it.
        EXPECT_EQ(event->snapshot.balance.amount.minor(), 6'000'000'00);
      }
    }
    sent += wanted.size();
  }
  // A revoked key's subscription ends at once: customs TR may read the cancellation of
  // EVENTSMOVE03, but its key is revoked first, so the event goes only to the others.
  TransitCommand revoke{.operation = TransitOperation::revoke_key, .actor = op};
  ASSERT_TRUE(decode_public_key(keys[index_of(customs_tr)].public_z85, &revoke.key));
  ASSERT_EQ(step(op, revoke), TransitResult::ok);
  sent += 2;  // The revocation, to the operator and the analyst.
  ASSERT_EQ(step(principal_a,
                 movement_step(TransitOperation::cancel_movement, principal_a, "EVENTSMOVE03")),
            TransitResult::ok);
  sent += 6;  // op, analyst, principal A, provider A, customs KZ and KG: not customs TR.
  server->stop();
  EXPECT_EQ(server->counters().transit_events, sent);
  EXPECT_EQ(server->counters().rejected_revoked, 1u);
}

// A subscription's body is 8 bytes of zero: anything else is refused, and nothing subscribes.
TEST_F(ServerTransitEvents, AMalformedSubscriptionIsRefused) {
  std::vector<uint8_t> body(transit_body_bytes(8, 0));
  const std::array<uint8_t, 8> not_zero = {1};
  ASSERT_EQ(encode_transit_body(not_zero, 0, body), body.size());
  Client& c = *feeds[index_of(principal_a)];
  const uint64_t id = c.send(Operation::transit_subscribe, 1, body);
  const std::optional<Reply> reply = c.await(id, timeout_ms);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->header.status, ProtocolStatus::command_invalid);
  ASSERT_EQ(step(principal_a, declaration("EVENTSMOVE09", principal_a, grn_a,
                                          {Country::of("KZ"), Country::of("KG")})),
            TransitResult::ok);
  server->stop();
  EXPECT_EQ(server->counters().transit_events, 0u);
}

// A subscriber that joins late reads what it missed from the journal through the API (the events
// query), under the same rules, page by page, up to where its subscription starts.
TEST_F(ServerTransitEvents, ALateSubscriberCatchesUpFromTheJournal) {
  const std::string_view code[] = {"AB12"};
  const Country kz = Country::of("KZ"), kg = Country::of("KG"), tr = Country::of("TR");
  ASSERT_EQ(step(principal_a, declaration("EVENTSMOVE05", principal_a, grn_a, {kz, kg}), code),
            TransitResult::ok);
  ASSERT_EQ(step(customs_kz,
                 movement_step(TransitOperation::release_movement, customs_kz, "EVENTSMOVE05")),
            TransitResult::ok);
  TransitCommand amend{.operation = TransitOperation::amend_guarantee, .actor = provider_a};
  amend.grn = grn_a;
  amend.amount = Amount::from_minor(6'000'000'00, Currency::eur);
  amend.reduction_percent = 100;
  ASSERT_EQ(step(provider_a, amend), TransitResult::ok);
  ASSERT_EQ(step(principal_a, declaration("EVENTSMOVE06", principal_a, grn_a, {kz, kg, tr}), code),
            TransitResult::ok);
  // A refused step is journaled too, and is no one's event.
  ASSERT_EQ(step(customs_kg,
                 movement_step(TransitOperation::release_movement, customs_kg, "EVENTSMOVE06")),
            TransitResult::party_country_not_involved);
  using Op = TransitOperation;
  const std::map<PartyId, std::vector<Op>> wanted = {
      {principal_a,
       {Op::register_guarantee, Op::declare_movement, Op::release_movement, Op::amend_guarantee,
        Op::declare_movement}},
      {customs_tr, {Op::register_guarantee, Op::register_guarantee, Op::amend_guarantee,
                    Op::declare_movement}},
      {principal_b, {Op::register_guarantee}},
  };
  for (const auto& [party, operations] : wanted) {
    TransitSubscription subscription(feeds[index_of(party)].get());
    uint64_t live_from = 0;
    ASSERT_EQ(subscription.subscribe(timeout_ms, &live_from), ProtocolStatus::ok);
    std::vector<Op> read;
    uint64_t from = 1;
    for (int pages = 0; from <= live_from && pages < 100; ++pages) {
      TransitAnswer a;
      ASSERT_EQ(steps[index_of(party)]->transit_query(
                    {.kind = QueryKind::events, .from_sequence = from, .limit = 2}, &a,
                    timeout_ms),
                ProtocolStatus::ok);
      ASSERT_EQ(a.result, QueryResult::ok);
      EXPECT_LE(a.steps.size(), 2u);
      EXPECT_GE(a.durable_last, live_from);
      for (const JournaledStep& j : a.steps) {
        TransitCommand c;
        ASSERT_TRUE(decode_transit_command(j.command_bytes, &c));
        if (j.sequence <= live_from) read.push_back(c.operation);
      }
      ASSERT_GT(a.next_from, from);
      from = a.next_from;
    }
    EXPECT_EQ(read, operations) << "party " << static_cast<uint64_t>(party);
  }
  // The analyst reads every step that took effect: the seed's 18 registrations, the reference
  // data, two guarantees and the four steps above.
  TransitAnswer all;
  ASSERT_EQ(steps[index_of(analyst)]->transit_query(
                {.kind = QueryKind::events, .from_sequence = 1, .limit = 1024}, &all, timeout_ms),
            ProtocolStatus::ok);
  EXPECT_EQ(all.steps.size(), 18u + 1 + 2 + 4);
}

}  // namespace
}  // namespace kervan
