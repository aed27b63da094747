// The amounts to be covered through the real server, as the attacks that found the hole tried
// them (issue 14): a principal declaring EUR 0.01 of cover for EUR 1,000,000 of cigarettes, a
// client built with an older tariff, amounts sent as already computed, bad reference data and
// reference data loaded by someone other than the operator. Each refusal leaves the ledger as
// it was and is counted.
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>
#include <string>

#include "api/client.h"
#include "api/server.h"
#include "ledger/transit/covered_amount.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "tests/api/server_fixture.h"
#include "tests/support/reference_texts.h"

namespace kervan {
namespace {

using testing::TempDir;

constexpr int timeout_ms = 10'000;
constexpr PartyId operator_party{1}, customs_kz{10}, provider{20}, principal{30};

using testing::doubled_car_duty;
using testing::today;

class ServerAmounts : public ::testing::Test {
 protected:
  void SetUp() override {
    options = testing::secure_transit_options(folder);
    options.log = [this](std::string_view line) {
      const std::lock_guard<std::mutex> hold(lines_mutex);
      lines.emplace_back(line);
    };
    for (const Party& p : {Party{operator_party, PartyRole::operator_, {}},
                           Party{customs_kz, PartyRole::customs, Country::of("KZ")},
                           Party{provider, PartyRole::provider, Country::of("KZ")},
                           Party{principal, PartyRole::principal, Country::of("CN")}}) {
      testing::seed(&options, p, &keys);
    }
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    for (size_t i = 0; i < keys.size(); ++i) {
      clients.push_back(std::make_unique<Client>(
          server->endpoint(), ClientSecurity{options.server_keys.public_z85, keys[i]}));
    }
    TransitCommand g{.operation = TransitOperation::register_guarantee, .actor = provider};
    g.guarantee.grn = grn;
    g.guarantee.provider = provider;
    g.guarantee.principal = principal;
    g.guarantee.reference_amount = Amount::from_minor(5'000'000'00, Currency::eur);
    g.guarantee.valid_from = *Date::from_civil(2020, 1, 1);
    g.guarantee.valid_to = *Date::from_civil(2099, 12, 31);
    ASSERT_EQ(step(provider, g), TransitResult::ok);
  }

  Client& as(PartyId party) {
    for (size_t i = 0; i < options.clients.size(); ++i) {
      if (options.clients[i].party.id == party) return *clients[i];
    }
    return *clients[0];
  }
  TransitResult step(PartyId actor, const TransitCommand& command) {
    TransitResult result = TransitResult::ledger_refused;
    EXPECT_EQ(as(actor).transit(command, &result, timeout_ms), ProtocolStatus::ok);
    return result;
  }
  TransitCommand load(std::string_view text, Date effective_from) const {
    TransitCommand c{.operation = TransitOperation::load_reference_data, .actor = operator_party};
    c.reference_text = text;
    c.date = effective_from;
    return c;
  }
  // The principal's declaration of one goods item KZ -> KG, with what it expects (or nothing).
  TransitCommand declaration(const char* serial, uint32_t hs6, i128 value_eur_minor,
                             std::span<const Amount> expected = {}) const {
    TransitCommand c{.operation = TransitOperation::declare_movement, .actor = principal};
    const GoodsItem items[] = {
        {.hs6 = hs6, .customs_value = Amount::from_minor(value_eur_minor, Currency::eur)}};
    const Country itinerary[] = {Country::of("KZ"), Country::of("KG")};
    EXPECT_TRUE(build_declaration_of_facts(
        DeclarationInput{.mrn = make_mrn(26, Country::of("KZ"), serial),
                         .principal = principal,
                         .items = items,
                         .itinerary = itinerary,
                         .time_limit_ns = uint64_t{4'000'000'000} * 1'000'000'000,  // 2096.
                         .guarantees = {&grn, 1}},
        false, expected, &c.declaration));
    return c;
  }
  // What a client with the shipped tables would compute itself for declaration()'s goods.
  static Amount client_side_amount(uint32_t hs6, i128 value_eur_minor) {
    ReferenceData data;
    LoadError error;
    EXPECT_EQ(load_default_reference_data(&data, &error), LoadErrorCode::ok);
    const GoodsItem items[] = {
        {.hs6 = hs6, .customs_value = Amount::from_minor(value_eur_minor, Currency::eur)}};
    const Country itinerary[] = {Country::of("KZ"), Country::of("KG")};
    CoveredAmount covered;
    EXPECT_EQ(compute_covered_amount({.items = items, .itinerary = itinerary,
                                      .declared_on = today(), .guarantee_currency = Currency::eur,
                                      .rule = SchemeRule::regional},
                                     data.tariffs, data.rates, &covered),
              CoverError::ok);
    return covered.amounts[0];
  }
  TransitAnswer movement(const Mrn& mrn) {
    TransitAnswer answer;
    EXPECT_EQ(as(principal).transit_query({.kind = QueryKind::movement, .mrn = mrn}, &answer,
                                          timeout_ms),
              ProtocolStatus::ok);
    return answer;
  }

  TempDir folder;
  std::mutex lines_mutex;
  std::vector<std::string> lines;  // The server's log.
  ServerOptions options;
  std::vector<KeyPair> keys;
  std::unique_ptr<Server> server;
  std::vector<std::unique_ptr<Client>> clients;
  const Grn grn = make_grn(26, Country::of("KZ"), "AMOUNTS00001");
};

// Regression: a principal declared EUR 0.01 of cover for EUR 1,000,000 of cigarettes (HS
// 240220) and departure customs released it.
TEST_F(ServerAmounts, AnUnderstatedAmountIsRefusedWhateverTheSenderCallsIt) {
  ASSERT_EQ(step(operator_party, load(embedded_carec_toml(), today())), TransitResult::ok);
  const Amount one_cent[] = {Amount::from_minor(1, Currency::eur)};
  TransitCommand lie = declaration("CIGARETTES01", 240220, 1'000'000'00, one_cent);
  EXPECT_EQ(step(principal, lie), TransitResult::amount_mismatch);
  // Sent as amounts already given or computed (with a version that exists): not the sender's.
  lie.declaration.amounts = DeclaredAmounts::given;
  TransitResult result{};
  EXPECT_EQ(as(principal).transit(lie, &result, timeout_ms), ProtocolStatus::forbidden);
  lie.declaration.amounts = DeclaredAmounts::computed;
  lie.declaration.reference_version = 1;
  EXPECT_EQ(as(principal).transit(lie, &result, timeout_ms), ProtocolStatus::forbidden);
  EXPECT_EQ(movement(lie.declaration.mrn).result, QueryResult::not_found);
  // Nor may departure customs release what was never declared.
  TransitCommand release{.operation = TransitOperation::release_movement, .actor = customs_kz};
  release.mrn = lie.declaration.mrn;
  EXPECT_EQ(step(customs_kz, release), TransitResult::movement_not_found);
  // Declared as facts, the server computes the amount the rules give.
  const TransitCommand honest = declaration("CIGARETTES01", 240220, 1'000'000'00);
  ASSERT_EQ(step(principal, honest), TransitResult::ok);
  const TransitAnswer m = movement(honest.declaration.mrn);
  ASSERT_EQ(m.result, QueryResult::ok);
  EXPECT_EQ(m.movement.declaration.amounts, DeclaredAmounts::computed);
  EXPECT_EQ(m.movement.declaration.reference_version, 1u);
  EXPECT_EQ(m.movement.declaration.references[0].amount_concerned,
            client_side_amount(240220, 1'000'000'00));
  EXPECT_GT(m.movement.declaration.references[0].amount_concerned.minor(), 100'000'00);
  server->stop();
  EXPECT_EQ(server->counters().rejected_forbidden, 2u);
  EXPECT_EQ(server->counters().transit_refused, 2u);  // The mismatch and the release.
}

// A client built with last year's tariffs declares last year's amounts: the server's version in
// force decides, and the client's figure is refused.
TEST_F(ServerAmounts, AClientWithStaleTariffsIsRefusedNotBelieved) {
  const std::string newer = doubled_car_duty();
  ASSERT_EQ(step(operator_party, load(newer, today())), TransitResult::ok);
  const Amount stale[] = {client_side_amount(870323, 40'000'00)};
  EXPECT_EQ(step(principal, declaration("CARS00000001", 870323, 40'000'00, stale)),
            TransitResult::amount_mismatch);
  ASSERT_EQ(step(principal, declaration("CARS00000001", 870323, 40'000'00)), TransitResult::ok);
  const TransitAnswer m = movement(make_mrn(26, Country::of("KZ"), "CARS00000001"));
  ASSERT_EQ(m.result, QueryResult::ok);
  EXPECT_GT(m.movement.declaration.references[0].amount_concerned.minor(), stale[0].minor());
}

// Reference data is the operator's, refused whole when bad, never retroactive; the version in
// force stays.
TEST_F(ServerAmounts, BadReferenceDataIsRefusedWholeAndTheVersionInForceStays) {
  EXPECT_EQ(step(principal, declaration("NOREFDATA001", 870323, 10'000'00)),
            TransitResult::amount_not_computable);
  ASSERT_EQ(step(operator_party, load(embedded_carec_toml(), today())), TransitResult::ok);
  TransitCommand by_provider = load(doubled_car_duty(), today());
  by_provider.actor = provider;
  EXPECT_EQ(step(provider, by_provider), TransitResult::party_role_not_allowed);
  std::string negative(embedded_carec_toml());
  negative.replace(negative.find("vat_percent = \"16\""), 18, "vat_percent = \"-16\"");
  const Date tomorrow = *Date::from_days(today().days_since_epoch() + 1);
  EXPECT_EQ(step(operator_party, load(negative, tomorrow)), TransitResult::reference_data_invalid);
  const Date yesterday = *Date::from_days(today().days_since_epoch() - 1);
  EXPECT_EQ(step(operator_party, load(doubled_car_duty(), yesterday)),
            TransitResult::reference_data_date_invalid);  // Never for the past.
  ASSERT_EQ(step(principal, declaration("REFDATA00001", 870323, 40'000'00)), TransitResult::ok);
  const TransitAnswer m = movement(make_mrn(26, Country::of("KZ"), "REFDATA00001"));
  ASSERT_EQ(m.result, QueryResult::ok);
  EXPECT_EQ(m.movement.declaration.reference_version, 1u);
  EXPECT_EQ(m.movement.declaration.references[0].amount_concerned,
            client_side_amount(870323, 40'000'00));
  // The versions, as anyone may read them: the refused ones are not there.
  TransitAnswer versions;
  ASSERT_EQ(as(principal).transit_query({.kind = QueryKind::reference_versions}, &versions,
                                        timeout_ms),
            ProtocolStatus::ok);
  ASSERT_EQ(versions.versions.size(), 1u);
  const std::string_view shipped = embedded_carec_toml();
  EXPECT_EQ(versions.versions[0].content_hash,
            digest_of({reinterpret_cast<const uint8_t*>(shipped.data()), shipped.size()}));
  EXPECT_EQ(versions.versions[0].effective_from, today());
  EXPECT_EQ(versions.versions[0].superseded_by, 0u);
  server->stop();
  EXPECT_EQ(server->counters().transit_refused, 4u);
  // The reply says reference_data_invalid; the operator's log says where.
  const std::lock_guard<std::mutex> hold(lines_mutex);
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& line) {
                            return line.find("status=reference_data_invalid party=1") !=
                                       std::string::npos &&
                                   line.find("vat_percent") != std::string::npos;
                          }),
            1)
      << ::testing::PrintToString(lines);
}

// A client asks what the server would compute (the cover query): no lock, nothing recorded, and
// the figures it states are not what is answered.
TEST_F(ServerAmounts, AskingWhatTheServerWouldComputeLocksNothing) {
  TransitQuery q{.kind = QueryKind::cover};
  const Amount one_cent[] = {Amount::from_minor(1, Currency::eur)};
  q.declaration = declaration("COVERQUERY01", 870323, 40'000'00, one_cent).declaration;
  TransitAnswer a;
  ASSERT_EQ(as(principal).transit_query(q, &a, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(a.result, QueryResult::refused);
  EXPECT_EQ(a.refusal, TransitResult::amount_not_computable);  // No reference data yet.
  ASSERT_EQ(step(operator_party, load(embedded_carec_toml(), today())), TransitResult::ok);
  for (const PartyId asker : {principal, customs_kz, provider}) {
    ASSERT_EQ(as(asker).transit_query(q, &a, timeout_ms), ProtocolStatus::ok);
    ASSERT_EQ(a.result, QueryResult::ok);
    EXPECT_EQ(a.declaration.amounts, DeclaredAmounts::computed);
    EXPECT_EQ(a.declaration.reference_version, 1u);
    EXPECT_EQ(a.declaration.references[0].amount_concerned,
              client_side_amount(870323, 40'000'00));
  }
  EXPECT_EQ(movement(q.declaration.mrn).result, QueryResult::not_found);
  ASSERT_EQ(as(provider).transit_query({.kind = QueryKind::guarantee, .grn = grn}, &a, timeout_ms),
            ProtocolStatus::ok);
  EXPECT_EQ(a.balance.reserved.minor(), 0);
  // A shape the rules do not know is answered refused, with the reason a declaration would get.
  q.declaration.references_count = 2;
  q.declaration.references[1] = q.declaration.references[0];
  ASSERT_EQ(as(principal).transit_query(q, &a, timeout_ms), ProtocolStatus::ok);
  EXPECT_EQ(a.result, QueryResult::refused);
  EXPECT_EQ(a.refusal, TransitResult::guarantee_references_invalid);
}

}  // namespace
}  // namespace kervan
