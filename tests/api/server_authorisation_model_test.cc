// A model-based test of authorisation through the real server (issue 14, point 5): random parties
// send random transit commands and queries over CURVE, each with its own key, and every answer is
// checked against what that party may do, by a model written here from the rules of
// docs/protocol.md and ledger/transit/read_access.h (not from the server's code):
//   - a key acts only as its party: a command naming another actor is `forbidden`;
//   - a step its role may not take never answers ok or exists (the registry, reference data and
//     keys are an operator's; a guarantee its provider's; a declaration its principal's; a
//     release the departure's customs'; a crossing the customs' of that country);
//   - a read is `forbidden` exactly when the reader may not read the object, and an unknown id is
//     `not_found` whoever asks;
// and, at the end, the operator finds exactly the guarantees and movements the model saw
// registered: a refused step changed nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/client.h"
#include "api/server.h"
#include "core/random.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "tests/api/server_fixture.h"

namespace kervan {
namespace {

constexpr int timeout_ms = 10'000;

using testing::today;

// The parties, one key each: every role, customs of four countries.
const std::vector<Party>& parties() {
  static const std::vector<Party> list = {
      {PartyId{1}, PartyRole::operator_, {}},        {PartyId{60}, PartyRole::analyst, {}},
      {PartyId{10}, PartyRole::customs, Country::of("KZ")},
      {PartyId{11}, PartyRole::customs, Country::of("KG")},
      {PartyId{12}, PartyRole::customs, Country::of("CN")},
      {PartyId{13}, PartyRole::customs, Country::of("TR")},
      {PartyId{20}, PartyRole::provider, Country::of("KZ")},
      {PartyId{21}, PartyRole::provider, Country::of("UZ")},
      {PartyId{30}, PartyRole::principal, Country::of("CN")},
      {PartyId{31}, PartyRole::principal, Country::of("KZ")}};
  return list;
}

struct ModelGuarantee {
  PartyId provider, principal;
  std::vector<Country> countries;  // Empty: valid everywhere.
};
struct ModelMovement {
  PartyId principal;
  std::vector<Country> itinerary;
  Grn grn;
};

// What the model knows of the ledger: what it saw registered.
struct Model {
  std::map<std::string, ModelGuarantee> guarantees;  // By GRN text.
  std::map<std::string, ModelMovement> movements;    // By MRN text.
  std::vector<Grn> grns_tried;
  std::vector<Mrn> mrns_tried;
};

bool reads_all(const Party& p) {
  return p.role == PartyRole::operator_ || p.role == PartyRole::analyst;
}

bool may_read(const Model& model, const Party& reader, const ModelGuarantee& g) {
  if (reads_all(reader)) return true;
  if (reader.role == PartyRole::principal) return g.principal == reader.id;
  if (reader.role == PartyRole::provider) return g.provider == reader.id;
  if (reader.role == PartyRole::customs) {
    return g.countries.empty() ||
           std::find(g.countries.begin(), g.countries.end(), reader.country) != g.countries.end();
  }
  (void)model;
  return false;
}

bool may_read(const Model& model, const Party& reader, const ModelMovement& m) {
  if (reads_all(reader)) return true;
  if (reader.role == PartyRole::principal) return m.principal == reader.id;
  if (reader.role == PartyRole::customs) {
    return std::find(m.itinerary.begin(), m.itinerary.end(), reader.country) != m.itinerary.end();
  }
  if (reader.role == PartyRole::provider) {
    const auto g = model.guarantees.find(std::string(m.grn.text()));
    return g != model.guarantees.end() && g->second.provider == reader.id;
  }
  return false;
}

class AuthorisationModel : public ::testing::TestWithParam<uint64_t> {
 protected:
  void SetUp() override {
    options = testing::secure_transit_options(folder);
    options.transit.config.parties_max = 64;
    options.transit.config.guarantees_max = 64;
    options.transit.config.movements_max = 256;
    for (const Party& p : parties()) {
      testing::seed(&options, p, &keys);
    }
    ASSERT_TRUE(Server::open(options, &server).ok());
    server->start();
    for (const KeyPair& k : keys) {
      clients.push_back(std::make_unique<Client>(
          server->endpoint(), ClientSecurity{options.server_keys.public_z85, k}));
    }
    TransitCommand load{.operation = TransitOperation::load_reference_data, .actor = PartyId{1}};
    load.reference_text = embedded_carec_toml();
    load.date = today();
    TransitResult result{};
    ASSERT_EQ(clients[0]->transit(load, &result, timeout_ms), ProtocolStatus::ok);
    ASSERT_EQ(result, TransitResult::ok);
  }

  const Party& party_at(size_t i) const { return parties()[i]; }
  PartyId random_party_id() { return party_at(random.below(parties().size())).id; }
  Country random_country() {
    static const char* const codes[] = {"KZ", "KG", "CN", "TR", "UZ"};
    Country c;
    EXPECT_EQ(Country::parse(codes[random.below(std::size(codes))], &c), CountryError::ok);
    return c;
  }
  template <typename T>
  const T* pick(const std::vector<T>& list) {
    return list.empty() ? nullptr : &list[random.below(list.size())];
  }

  // A random command from `sender` (its actor usually the sender's own party).
  TransitCommand random_command(const Party& sender, uint32_t n);
  // Whether the model lets `sender` (acting as itself) take this step at all.
  bool allowed(const Party& sender, const TransitCommand& c) const;
  void remember(const TransitCommand& c);
  // Returns whether the read was expected forbidden (and checked that it was).
  bool random_read(const Party& reader, Client& client);

  testing::TempDir folder;
  ServerOptions options;
  std::vector<KeyPair> keys;
  std::unique_ptr<Server> server;
  std::vector<std::unique_ptr<Client>> clients;
  SplitMix64 random{GetParam()};
  Model model;
  uint32_t reference_versions = 1;
};

TransitCommand AuthorisationModel::random_command(const Party& sender, uint32_t n) {
  TransitCommand c;
  c.actor = random.below(4) == 0 ? random_party_id() : sender.id;
  char serial[13];
  std::snprintf(serial, sizeof serial, "MODEL%07u", n % 10'000'000);
  switch (random.below(8)) {
    case 0:
      c.operation = TransitOperation::register_party;
      c.party = Party{PartyId{100 + n}, random.below(2) ? PartyRole::customs : PartyRole::provider,
                      random_country()};
      break;
    case 1:
      c.operation = TransitOperation::load_reference_data;
      c.reference_text = embedded_carec_toml();
      c.date = *Date::from_days(int64_t{today().days_since_epoch()} + reference_versions);
      break;
    case 2: {
      c.operation = TransitOperation::register_guarantee;
      GuaranteeSpec& g = c.guarantee;
      g.grn = make_grn(26, Country::of("KZ"), serial);
      g.provider = random.below(4) == 0 ? random_party_id() : c.actor;
      g.principal = random.below(2) ? PartyId{30} : PartyId{31};
      g.reference_amount = Amount::from_minor(1'000'000'00, Currency::eur);
      g.valid_from = *Date::from_civil(2020, 1, 1);
      g.valid_to = *Date::from_civil(2099, 12, 31);
      if (random.below(2)) {
        g.countries_count = 2;
        g.countries[0] = Country::of("KZ");
        g.countries[1] = random_country();
      }
      model.grns_tried.push_back(g.grn);
      break;
    }
    case 3: {
      c.operation = TransitOperation::declare_movement;
      static const char* const routes[][3] = {
          {"KZ", "KG", nullptr}, {"CN", "KZ", nullptr}, {"KZ", "UZ", nullptr}, {"CN", "KZ", "KG"}};
      const auto& route = routes[random.below(std::size(routes))];
      std::vector<Country> itinerary;
      for (const char* code : route) {
        Country country;
        if (code != nullptr && Country::parse(code, &country) == CountryError::ok) {
          itinerary.push_back(country);
        }
      }
      const Grn* known = pick(model.grns_tried);
      const Grn grn = known != nullptr ? *known : make_grn(26, Country::of("KZ"), "NOSUCHGUARAN");
      const GoodsItem items[] = {{.hs6 = 870323, .customs_value = Amount::from_minor(
                                                    i128(10'000'00 + random.below(40'000'00)),
                                                    Currency::eur)}};
      const PartyId principal = random.below(4) == 0 ? random_party_id() : c.actor;
      EXPECT_TRUE(build_declaration_of_facts(
          DeclarationInput{.mrn = make_mrn(26, itinerary[0], serial),
                           .principal = principal,
                           .items = items,
                           .itinerary = itinerary,
                           .time_limit_ns = uint64_t{4'000'000'000} * 1'000'000'000,
                           .guarantees = {&grn, 1}},
          false, {}, &c.declaration));
      model.mrns_tried.push_back(c.declaration.mrn);
      break;
    }
    case 7: {
      c.operation = TransitOperation::register_key;
      c.key_party = random_party_id();
      EXPECT_TRUE(decode_public_key(generate_keypair().public_z85, &c.key));
      break;
    }
    default: {
      static const TransitOperation steps[] = {TransitOperation::release_movement,
                                               TransitOperation::record_crossing,
                                               TransitOperation::cancel_movement};
      c.operation = steps[random.below(std::size(steps))];
      const Mrn* mrn = pick(model.mrns_tried);
      c.mrn = mrn != nullptr ? *mrn : make_mrn(26, Country::of("KZ"), "NOSUCHMOVEMT");
      c.country = random.below(2) ? sender.country : random_country();
      break;
    }
  }
  return c;
}

bool AuthorisationModel::allowed(const Party& sender, const TransitCommand& c) const {
  const auto movement = model.movements.find(std::string(c.mrn.text()));
  const ModelMovement* m = movement == model.movements.end() ? nullptr : &movement->second;
  switch (c.operation) {
    case TransitOperation::register_party:
    case TransitOperation::load_reference_data:
    case TransitOperation::register_key:
    case TransitOperation::revoke_key:
      return sender.role == PartyRole::operator_;
    case TransitOperation::register_guarantee:
      return sender.role == PartyRole::provider && c.guarantee.provider == sender.id;
    case TransitOperation::declare_movement:
      return sender.role == PartyRole::principal && c.declaration.principal == sender.id;
    case TransitOperation::release_movement:
      return m != nullptr && sender.role == PartyRole::customs &&
             sender.country == m->itinerary.front();
    case TransitOperation::record_crossing:
      return m != nullptr && sender.role == PartyRole::customs && sender.country == c.country &&
             std::find(m->itinerary.begin() + 1, m->itinerary.end(), c.country) !=
                 m->itinerary.end();
    case TransitOperation::cancel_movement:
      return m != nullptr && ((sender.role == PartyRole::principal && m->principal == sender.id) ||
                              (sender.role == PartyRole::customs &&
                               sender.country == m->itinerary.front()));
    default:
      return false;
  }
}

void AuthorisationModel::remember(const TransitCommand& c) {
  if (c.operation == TransitOperation::register_guarantee) {
    ModelGuarantee g{c.guarantee.provider, c.guarantee.principal, {}};
    for (size_t i = 0; i < c.guarantee.countries_count; ++i) {
      g.countries.push_back(c.guarantee.countries[i]);
    }
    model.guarantees[std::string(c.guarantee.grn.text())] = g;
  } else if (c.operation == TransitOperation::declare_movement) {
    const Declaration& d = c.declaration;
    model.movements[std::string(d.mrn.text())] = ModelMovement{
        d.principal, {d.itinerary.begin(), d.itinerary.begin() + d.itinerary_count},
        d.references[0].grn};
  } else if (c.operation == TransitOperation::load_reference_data) {
    reference_versions += 1;
  }
}

bool AuthorisationModel::random_read(const Party& reader, Client& client) {
  TransitQuery q;
  bool may = true;
  bool known = true;
  switch (random.below(4)) {
    case 0: {
      q.kind = QueryKind::movement;
      const Mrn* mrn = pick(model.mrns_tried);
      q.mrn = mrn != nullptr ? *mrn : make_mrn(26, Country::of("KZ"), "NOSUCHMOVEMT");
      const auto m = model.movements.find(std::string(q.mrn.text()));
      known = m != model.movements.end();
      may = known && may_read(model, reader, m->second);
      break;
    }
    case 1: {
      q.kind = random.below(2) ? QueryKind::guarantee : QueryKind::guarantee_usage;
      const Grn* grn = pick(model.grns_tried);
      q.grn = grn != nullptr ? *grn : make_grn(26, Country::of("KZ"), "NOSUCHGUARAN");
      const auto g = model.guarantees.find(std::string(q.grn.text()));
      known = g != model.guarantees.end();
      may = known && may_read(model, reader, g->second);
      break;
    }
    case 2:
      q.kind = QueryKind::exposure;
      q.provider = random.below(2) ? PartyId{20} : PartyId{21};
      may = reads_all(reader) || (reader.role == PartyRole::provider && reader.id == q.provider);
      break;
    default:
      q.kind = QueryKind::duty_statement;
      q.country = random_country();
      q.currency = Currency::eur;
      may = reads_all(reader) ||
            (reader.role == PartyRole::customs && reader.country == q.country);
      break;
  }
  TransitAnswer answer;
  const ProtocolStatus status = client.transit_query(q, &answer, timeout_ms);
  const std::string what = "reader " + std::to_string(static_cast<uint64_t>(reader.id)) +
                           " query " + std::string(query_kind_name(q.kind));
  if (!known) {  // An unknown id is not_found whoever asks.
    EXPECT_EQ(status, ProtocolStatus::ok) << what;
    EXPECT_EQ(answer.result, QueryResult::not_found) << what;
    return false;
  }
  EXPECT_EQ(status, may ? ProtocolStatus::ok : ProtocolStatus::forbidden) << what;
  return !may;
}

TEST_P(AuthorisationModel, EveryAnswerIsWhatThePartyMayDo) {
  constexpr uint32_t actions = 400;
  uint32_t refused_by_role = 0, forbidden = 0, reads = 0, reads_forbidden = 0;
  for (uint32_t n = 0; n < actions; ++n) {
    const size_t who = random.below(parties().size());
    const Party& sender = party_at(who);
    Client& client = *clients[who];
    if (random.below(10) < 4) {
      if (random_read(sender, client)) reads_forbidden += 1;
      reads += 1;
      continue;
    }
    const TransitCommand c = random_command(sender, n);
    TransitResult result = TransitResult::ledger_refused;
    const ProtocolStatus status = client.transit(c, &result, timeout_ms);
    const std::string what = "sender " + std::to_string(static_cast<uint64_t>(sender.id)) +
                             " actor " + std::to_string(static_cast<uint64_t>(c.actor)) +
                             " operation " + std::to_string(static_cast<int>(c.operation));
    if (c.actor != sender.id) {
      EXPECT_EQ(status, ProtocolStatus::forbidden) << what;
      forbidden += 1;
      continue;
    }
    ASSERT_EQ(status, ProtocolStatus::ok) << what;
    if (!allowed(sender, c)) {
      EXPECT_NE(result, TransitResult::ok) << what;
      EXPECT_NE(result, TransitResult::exists) << what;
      refused_by_role += 1;
      continue;
    }
    if (result == TransitResult::ok) remember(c);
  }
  // The run did what it is for: each kind of answer happened.
  EXPECT_GT(refused_by_role, 20u);
  EXPECT_GT(forbidden, 20u);
  EXPECT_GT(reads, 80u);
  EXPECT_GT(model.movements.size(), 2u);
  EXPECT_GE(model.guarantees.size(), 2u);
  EXPECT_GT(reads_forbidden, 20u);
  // A refused step changed nothing: the operator finds exactly what the model registered.
  Client& op = *clients[0];
  for (const Grn& grn : model.grns_tried) {
    TransitAnswer a;
    ASSERT_EQ(op.transit_query({.kind = QueryKind::guarantee, .grn = grn}, &a, timeout_ms),
              ProtocolStatus::ok);
    EXPECT_EQ(a.result == QueryResult::ok, model.guarantees.count(std::string(grn.text())) == 1)
        << grn.text();
  }
  for (const Mrn& mrn : model.mrns_tried) {
    TransitAnswer a;
    ASSERT_EQ(op.transit_query({.kind = QueryKind::movement, .mrn = mrn}, &a, timeout_ms),
              ProtocolStatus::ok);
    EXPECT_EQ(a.result == QueryResult::ok, model.movements.count(std::string(mrn.text())) == 1)
        << mrn.text();
  }
  server->stop();
  EXPECT_EQ(server->counters().rejected_forbidden, forbidden + reads_forbidden);
}

INSTANTIATE_TEST_SUITE_P(Seeds, AuthorisationModel, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace kervan
