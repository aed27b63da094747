// The transit domain over real sockets with CURVE, each party with its own key: declarations
// whose access codes the server checks (never the sender's word), and queries each party may
// make only on what is its own.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string_view>

#include "api/client.h"
#include "api/server.h"
#include "core/password_hash.h"
#include "ledger/transit/covered_amount.h"
#include "ledger/transit/reference_data.h"
#include "tests/api/server_fixture.h"

namespace kervan {
namespace {

using testing::TempDir;

constexpr int timeout_ms = 10'000;
constexpr PartyId operator_party{1}, customs_kz{10}, customs_tr{14}, provider{20}, principal{30};

Client client_for(const Server& server, const ServerOptions& options, const KeyPair& keys) {
  return Client(server.endpoint(), {options.server_keys.public_z85, keys});
}

// What compute_covered_amount gives for a movement's goods and itinerary with the shipped
// reference data, on the day it was declared: the regional amount, and the departure's duties.
struct ExpectedCover {
  Amount amount;
  Amount duty_departure;
};
ExpectedCover expected_cover(const Declaration& d) {
  ReferenceData data;
  LoadError error;
  EXPECT_EQ(load_default_reference_data(&data, &error), LoadErrorCode::ok);
  std::vector<GoodsItem> items;
  for (size_t i = 0; i < d.goods_count; ++i) {
    items.push_back(GoodsItem{.hs6 = d.goods[i].hs6, .customs_value = d.goods[i].value});
  }
  CoveredAmount covered;
  const CoverRequest request{.items = items,
                             .itinerary = {d.itinerary.data(), d.itinerary_count},
                             .declared_on = testing::today(),
                             .guarantee_currency = Currency::eur,
                             .rule = SchemeRule::regional};
  EXPECT_EQ(compute_covered_amount(request, data.tariffs, data.rates, &covered), CoverError::ok);
  return {covered.amounts[0], covered.countries[0].guarantee.total};
}

class ServerTransitQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    options = testing::secure_transit_options(folder);
    const Party parties[] = {{operator_party, PartyRole::operator_, {}},
                             {customs_kz, PartyRole::customs, Country::of("KZ")},
                             {customs_tr, PartyRole::customs, Country::of("TR")},
                             {provider, PartyRole::provider, Country::of("KZ")},
                             {principal, PartyRole::principal, Country::of("CN")}};
    for (const Party& p : parties) {
      testing::seed(&options, p, &keys);
    }
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    // The seed registered every party with its key (the operator first); the provider
    // registers its guarantee, valid in KZ and UZ, with the access code AB12.
    TransitCommand g{.operation = TransitOperation::register_guarantee, .actor = provider};
    GuaranteeSpec& s = g.guarantee;
    s.grn = grn;
    s.provider = provider;
    s.principal = principal;
    s.reference_amount = Amount::from_minor(50'000'00, Currency::eur);
    s.valid_from = *Date::from_civil(2020, 1, 1);
    s.valid_to = *Date::from_civil(2099, 12, 31);
    s.countries_count = 2;
    s.countries[0] = Country::of("KZ");
    s.countries[1] = Country::of("UZ");
    s.access_codes_count = 1;
    ASSERT_EQ(hash_access_code("AB12", &s.access_codes[0]), PasswordHashError::ok);
    Client p = as(provider);
    ASSERT_EQ(step(p, g), TransitResult::ok);
    // The operator loads the shipped reference data, in force from today.
    TransitCommand reference{.operation = TransitOperation::load_reference_data,
                             .actor = operator_party};
    reference.reference_text = embedded_carec_toml();
    reference.date = testing::today();
    Client op = as(operator_party);
    ASSERT_EQ(step(op, reference), TransitResult::ok);
  }

  Client as(PartyId party) {
    for (size_t i = 0; i < options.clients.size(); ++i) {
      if (options.clients[i].party.id == party) return client_for(*server, options, keys[i]);
    }
    ADD_FAILURE() << "no key for party " << static_cast<uint64_t>(party);
    return client_for(*server, options, keys[0]);
  }

  TransitResult step(Client& c, const TransitCommand& command,
                     std::span<const std::string_view> codes = {}) {
    TransitResult result = TransitResult::ledger_refused;
    EXPECT_EQ(c.transit(command, &result, timeout_ms, 0, codes), ProtocolStatus::ok);
    return result;
  }

  // The principal's declaration KZ -> UZ on the guarantee; `claimed_valid` is what the sender
  // says of the access code (the server must not believe it).
  TransitCommand declaration(const char* serial, bool claimed_valid) const {
    TransitCommand c{.operation = TransitOperation::declare_movement, .actor = principal};
    Declaration& d = c.declaration;
    d.mrn = make_mrn(26, Country::of("KZ"), serial);
    d.principal = principal;
    d.itinerary_count = 2;
    d.itinerary[0] = Country::of("KZ");
    d.itinerary[1] = Country::of("UZ");
    d.amounts = DeclaredAmounts::expected;  // The server computes them.
    d.goods_count = 1;
    d.goods[0] = GoodsLine{.hs6 = 870323, .value = Amount::from_minor(30'000'00, Currency::eur)};
    d.time_limit_ns = uint64_t{4'000'000'000} * 1'000'000'000;  // 2096.
    d.references_count = 1;
    d.references[0] = GuaranteeReference{.grn = grn, .amount_concerned = Amount(),
                                         .access_code_valid = claimed_valid};
    return c;
  }

  TransitResult release(const Mrn& mrn) {
    Client customs = as(customs_kz);
    TransitCommand c{.operation = TransitOperation::release_movement, .actor = customs_kz};
    c.mrn = mrn;
    return step(customs, c);
  }

  TempDir folder;
  ServerOptions options;
  std::vector<KeyPair> keys;
  std::unique_ptr<Server> server;
  const Grn grn = make_grn(26, Country::of("KZ"), "ACCESS000001");
};

TEST_F(ServerTransitQueries, TheServerChecksAccessCodesAndNeverTakesTheSendersWord) {
  Client principal_client = as(principal);
  const std::string_view right[] = {"ab12"};  // Not case-sensitive, as in NCTS.
  const std::string_view wrong[] = {"ZZ99"};
  const std::string_view two[] = {"AB12", "AB12"};
  const TransitCommand good = declaration("ACCESS000001", false);
  ASSERT_EQ(step(principal_client, good, right), TransitResult::ok);
  EXPECT_EQ(release(good.declaration.mrn), TransitResult::ok);
  const TransitCommand guessed = declaration("ACCESS000002", false);
  ASSERT_EQ(step(principal_client, guessed, wrong), TransitResult::ok);
  EXPECT_EQ(release(guessed.declaration.mrn), TransitResult::access_code_not_valid);
  // A principal claiming the code was checked, without sending one: not believed.
  const TransitCommand forged = declaration("ACCESS000003", true);
  ASSERT_EQ(step(principal_client, forged), TransitResult::ok);
  EXPECT_EQ(release(forged.declaration.mrn), TransitResult::access_code_not_valid);
  // Codes that do not match the references one for one: the request is malformed.
  TransitResult result{};
  EXPECT_EQ(principal_client.transit(declaration("ACCESS000004", false), &result, timeout_ms, 0,
                                     two),
            ProtocolStatus::command_invalid);
  // Access codes on any other step: malformed too.
  TransitCommand cancel{.operation = TransitOperation::cancel_movement, .actor = principal};
  cancel.mrn = guessed.declaration.mrn;
  EXPECT_EQ(principal_client.transit(cancel, &result, timeout_ms, 0, right),
            ProtocolStatus::command_invalid);
}

TEST_F(ServerTransitQueries, EachPartyQueriesOnlyWhatIsItsOwnAndReadsItsOwnWrites) {
  Client principal_client = as(principal);
  const std::string_view code[] = {"AB12"};
  const TransitCommand declared = declaration("QUERYW000001", false);
  ASSERT_EQ(step(principal_client, declared, code), TransitResult::ok);
  ASSERT_EQ(release(declared.declaration.mrn), TransitResult::ok);
  // The release's reply came after it was durable; a query after it sees it.
  TransitAnswer a;
  const TransitQuery movement{.kind = QueryKind::movement, .mrn = declared.declaration.mrn};
  ASSERT_EQ(principal_client.transit_query(movement, &a, timeout_ms), ProtocolStatus::ok);
  ASSERT_EQ(a.result, QueryResult::ok);
  EXPECT_EQ(a.movement.state, MovementState::released);
  EXPECT_EQ(a.movement.history_count, 2);
  // The amounts are the server's, from the reference data it was given, on its own date.
  EXPECT_EQ(a.movement.declaration.reference_version, 1u);
  const Amount covered = a.movement.declaration.references[0].amount_concerned;
  const Amount duty_kz = a.movement.declaration.duties[0];
  const ExpectedCover expected = expected_cover(a.movement.declaration);
  EXPECT_EQ(covered, expected.amount);
  EXPECT_EQ(duty_kz, expected.duty_departure);
  Client turkey = as(customs_tr);
  EXPECT_EQ(turkey.transit_query(movement, &a, timeout_ms), ProtocolStatus::forbidden);
  Client provider_client = as(provider);
  ASSERT_EQ(provider_client.transit_query({.kind = QueryKind::exposure, .provider = provider}, &a,
                                          timeout_ms),
            ProtocolStatus::ok);
  ASSERT_EQ(a.exposure.size(), 1u);
  EXPECT_EQ(a.exposure[0].reserved, covered);
  ASSERT_EQ(provider_client.transit_query({.kind = QueryKind::guarantee, .grn = grn}, &a,
                                          timeout_ms),
            ProtocolStatus::ok);
  EXPECT_EQ(a.balance.available.minor(), 50'000'00 - covered.minor());
  const TransitQuery duties_kz{
      .kind = QueryKind::duty_statement, .country = Country::of("KZ"), .currency = Currency::eur};
  Client customs = as(customs_kz);
  ASSERT_EQ(customs.transit_query(duties_kz, &a, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(a.duties.suspended_now, duty_kz);
  EXPECT_EQ(principal_client.transit_query(duties_kz, &a, timeout_ms), ProtocolStatus::forbidden);
  server->stop();
  EXPECT_EQ(server->counters().rejected_forbidden, 2u);
}

}  // namespace
}  // namespace kervan
