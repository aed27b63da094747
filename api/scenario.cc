#include "api/scenario.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <memory>
#include <vector>

#include "api/client.h"
#include "api/server.h"
#include "ledger/invariants.h"
#include "core/random.h"
#include "ledger/transit/covered_amount.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "ledger/transit/settlement.h"
#include "ledger/transit/transit_queries.h"
#include "ledger/transit/transit_store.h"

namespace kervan {
namespace {

constexpr uint64_t hour_ns = 3'600ull * 1'000'000'000ull;
constexpr uint64_t day_ns = 24 * hour_ns;
constexpr PartyId pool_provider{101};     // From the shipped reference data.
constexpr PartyId national_provider{102};
constexpr uint64_t first_principal = 201;
// The scenario's operator: the first party of the registry (the bootstrap), who registers every
// other party. Outside the shipped reference data's ids.
constexpr PartyId scenario_operator{8000};
constexpr uint32_t principals = 8;

using Random = SplitMix64;

// CAREC corridors as ordered countries (reference/simulation.md 2.1), and how often each runs.
struct Corridor {
  const char* name;
  std::vector<Country> countries;
  uint32_t weight;
};
std::vector<Corridor> corridors() {
  constexpr Country af = Country::of("AF"), az = Country::of("AZ"), cn = Country::of("CN"),
                    ge = Country::of("GE"), kg = Country::of("KG"), kz = Country::of("KZ"),
                    pk = Country::of("PK"), ru = Country::of("RU"), tj = Country::of("TJ"),
                    tm = Country::of("TM"), tr = Country::of("TR"), uz = Country::of("UZ");
  return {{"CN-KZ-UZ (Khorgos)", {cn, kz, uz}, 30}, {"CN-KG-UZ-TJ (Irkeshtam)", {cn, kg, uz, tj}, 15},
          {"CN-KZ-RU", {cn, kz, ru}, 20},           {"KZ-UZ-TM-AF", {kz, uz, tm, af}, 10},
          {"PK-AF-UZ-KZ", {pk, af, uz, kz}, 10},    {"TR-GE-AZ", {tr, ge, az}, 15}};
}

// Principal p's guarantee: every third from the Uzbek association, the others from the pool.
Country guarantee_country(uint32_t p) { return p % 3 == 2 ? Country::of("UZ") : Country::of("KZ"); }

// Goods carried: HS code and a customs value range in EUR.
struct Cargo {
  uint32_t hs6;
  i128 value_min_minor;
  i128 value_span_minor;
};
const Cargo cargo[] = {{870323, 15'000'00, 40'000'00},  // Cars.
                       {852872, 20'000'00, 60'000'00},  // Television sets.
                       {640399, 10'000'00, 30'000'00},  // Footwear.
                       {240220, 30'000'00, 90'000'00},  // Cigarettes: excise.
                       {847130, 20'000'00, 80'000'00},  // Laptops.
                       {0, 5'000'00, 20'000'00}};       // Not classifiable: EUR 10,000.

class Scenario {
 public:
  Scenario(const ScenarioOptions& options, std::FILE* out) : options_(options), out_(out) {}
  int run();

 private:
  enum class Step : uint8_t {
    declare, release, cross, arrive, write_off, incident, enquiry, claim, pay, daily_settlement
  };
  struct Event {
    Step step;
    uint32_t movement;
    uint8_t leg;
  };

  bool setup();
  bool start_server();
  // The domain's state: the direct store's, or the replica kept beside the server.
  const TransitLedger& ledger() const { return replica_ ? *replica_ : store_->ledger(); }
  void declare(uint64_t at, uint32_t k);
  void handle(uint64_t at, const Event& event);
  TransitResult apply(uint64_t at, TransitCommand command);
  PartyId customs(Country country) const;
  void schedule(uint64_t at, Step step, uint32_t movement, uint8_t leg = 0) {
    events_.emplace(at, Event{step, movement, leg});
  }
  void report();
  void settle_day(uint64_t at);
  std::string name(PartyId party) const;
  void print_settlement(const SettlementOutput& result);
  bool settle_claims();
  bool settle_union();
  bool reopen_and_compare();

  ScenarioOptions options_;
  TransitStoreOptions store_options_;
  std::FILE* out_;
  Random random_{0};
  ReferenceData reference_;
  std::unique_ptr<TransitStore> store_;
  std::unique_ptr<Server> server_;         // Through the API: the server, in this process.
  std::unique_ptr<Client> client_;         // ... this scenario's operator connection to it,
  std::unique_ptr<TransitLedger> replica_; // ... and the replica every reply is checked against.
  uint64_t steps_sent_ = 0;
  std::string path_;
  uint64_t last_sequence_ = 0;
  std::multimap<uint64_t, Event> events_;
  std::vector<Mrn> mrns_;
  std::vector<Corridor> corridors_ = corridors();
  std::vector<uint32_t> corridor_of_;
  std::map<std::string, uint32_t> refusals_;
  uint64_t start_ns_ = 0;
  uint64_t cut_off_ns_ = 0;
  uint32_t settlement_days_ = 0;
  uint32_t daily_settlements_ = 0;
  bool failed_ = false;
  std::set<uint16_t> reported_;
  std::map<uint64_t, std::string> extra_names_;
};

TransitResult Scenario::apply(uint64_t at, TransitCommand command) {
  TransitResult result = TransitResult::ok;
  if (client_) {
    // A reply comes only once the step is durable; it must match the replica's own result.
    const TransitResult expected = apply_transit_command(*replica_, at, command);
    const ProtocolStatus sent = client_->transit(command, &result, 30'000, at);
    steps_sent_ += 1;
    if (sent != ProtocolStatus::ok || result != expected) {
      std::fprintf(out_, "  step %lu: server %s/%s, replica %s\n",
                   static_cast<unsigned long>(steps_sent_), std::string(result_name(sent)).c_str(),
                   std::string(result_name(result)).c_str(),
                   std::string(result_name(expected)).c_str());
      failed_ = true;
    }
    return expected;
  }
  const StoreStatus status = store_->apply(at, command, &result, &last_sequence_);
  if (!status.ok()) {
    std::fprintf(out_, "  store failed: %s\n", status.to_string().c_str());
    failed_ = true;
  }
  return result;
}

PartyId Scenario::customs(Country country) const {
  for (const PartyEntry& entry : reference_.parties) {
    if (entry.party.role == PartyRole::customs && entry.party.country == country) {
      return entry.party.id;
    }
  }
  return PartyId{0};
}

bool Scenario::setup() {
  LoadError error;
  if (load_default_reference_data(&reference_, &error) != LoadErrorCode::ok) {
    std::fprintf(out_, "reference data: %s\n", error.to_string().c_str());
    return false;
  }
  start_ns_ = static_cast<uint64_t>(Date::from_civil(2026, 3, 2)->days_since_epoch()) * day_ns;
  path_ = options_.store_path;
  if (path_.empty()) {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/kervan-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return false;
    path_ = pattern + "/store";
  }
  // A fresh run: the scenario's MRNs and GRNs are fixed, so an old store would answer exists.
  // Only an earlier scenario's folder (marked) or an empty one is cleared, never another folder.
  namespace fs = std::filesystem;
  std::error_code error_code;
  const fs::path marker = fs::path(path_) / ".kervan-scenario";
  if (fs::exists(path_, error_code) && !fs::is_empty(path_, error_code) &&
      !fs::exists(marker, error_code)) {
    std::fprintf(out_, "scenario: %s exists and is not a scenario's folder; choose another "
                       "--store or remove it\n", path_.c_str());
    return false;
  }
  fs::remove_all(path_, error_code);
  fs::create_directories(path_, error_code);
  if (!(std::ofstream(marker) << "made by kervan scenario; cleared by the next run\n")) {
    std::fprintf(out_, "scenario: cannot write in %s\n", path_.c_str());
    return false;
  }
  store_options_ = TransitStoreOptions{
      .path = options_.through_server ? path_ + "/transit" : path_,
      .config = TransitConfig{.parties_max = 64, .guarantees_max = 64,
                              .movements_max = options_.movements + 16, .hash_seed = 1},
      .journal_map_bytes_max = uint64_t{4} << 30,
      .journal_ring_bytes = size_t{8} << 20,
      .log = [](std::string_view) {}};
  if (options_.through_server) {
    if (!start_server()) return false;
  } else if (const StoreStatus s = TransitStore::open(store_options_, &store_); !s.ok()) {
    std::fprintf(out_, "store: %s\n", s.to_string().c_str());
    return false;
  } else {
    // Through the server, the server's registry seed made the operator (start_server()).
    TransitCommand bootstrap{.operation = TransitOperation::register_party,
                             .actor = scenario_operator};
    bootstrap.party = Party{scenario_operator, PartyRole::operator_, {}};
    apply(start_ns_, bootstrap);
  }
  for (const PartyEntry& entry : reference_.parties) {
    TransitCommand c{.operation = TransitOperation::register_party, .actor = scenario_operator};
    c.party = entry.party;
    apply(start_ns_, c);
  }
  // The tariffs and rates the ledger computes every amount to be covered with, as a journaled
  // version of reference data in force from the first day.
  TransitCommand reference{.operation = TransitOperation::load_reference_data,
                           .actor = scenario_operator};
  reference.reference_text = embedded_carec_toml();
  reference.date = date_of_ns(start_ns_);
  if (apply(start_ns_, reference) != TransitResult::ok) {
    std::fprintf(out_, "reference data: refused\n");
    return false;
  }
  // Principals of three risk classes: reductions 100 %, 50 % and 30 % of the reference amount.
  for (uint32_t p = 0; p < principals; ++p) {
    const PartyId principal{first_principal + p};
    TransitCommand party{.operation = TransitOperation::register_party,
                         .actor = scenario_operator};
    party.party = Party{principal, PartyRole::principal, p % 2 ? Country::of("UZ") : Country::of("KZ")};
    if (reference_.find_party(principal) == nullptr) apply(start_ns_, party);
    const PartyId provider = p % 3 == 2 ? national_provider : pool_provider;
    TransitCommand g{.operation = TransitOperation::register_guarantee, .actor = provider};
    char serial[13];
    std::snprintf(serial, sizeof serial, "CAREC%07u", p + 1);
    g.guarantee.grn = make_grn(26, guarantee_country(p), serial);
    g.guarantee.provider = provider;
    g.guarantee.principal = principal;
    g.guarantee.reference_amount = Amount::from_minor(i128(1'200'000'00 + p * 200'000'00),
                                                      Currency::eur);
    g.guarantee.reduction_percent = p % 3 == 0 ? 100 : p % 3 == 1 ? 50 : 30;
    g.guarantee.valid_from = *Date::from_civil(2026, 1, 1);
    g.guarantee.valid_to = *Date::from_civil(2026, 12, 31);
    if (apply(start_ns_, g) != TransitResult::ok) return false;
  }
  return true;
}

// The server as deployed, on loopback: CURVE with a fresh server key, the scenario's key
// registered as the operator; the ledger store beside the transit store in path_.
bool Scenario::start_server() {
  const KeyPair operator_keys = generate_keypair();
  const ServerOptions options =
      loopback_transit_server(path_, store_options_, operator_keys, scenario_operator);
  if (const StoreStatus s = Server::open(options, &server_); !s.ok()) {
    std::fprintf(out_, "server: %s\n", s.to_string().c_str());
    return false;
  }
  server_->start();
  client_ = std::make_unique<Client>(server_->endpoint(),
                                     ClientSecurity{options.server_keys.public_z85, operator_keys});
  replica_ = std::make_unique<TransitLedger>(store_options_.config);
  // The replica holds what the server's registry seed did, at the same business time (0).
  for (const TransitCommand& seed : registry_seed_commands(options.clients)) {
    if (apply_transit_command(*replica_, 0, seed) != TransitResult::ok) return false;
  }
  if (client_->ping(10'000) != ProtocolStatus::ok) {
    std::fprintf(out_, "server: no answer to ping on %s\n", server_->endpoint().c_str());
    return false;
  }
  std::fprintf(out_, "Server: %s (CURVE; the scenario connects as the operator; transit clock "
                     "from requests)\n", server_->endpoint().c_str());
  return true;
}

void Scenario::declare(uint64_t at, uint32_t k) {
  uint32_t pick = static_cast<uint32_t>(random_.below(100));
  uint32_t corridor = 0;
  while (pick >= corridors_[corridor].weight) pick -= corridors_[corridor++].weight;
  const Corridor& route = corridors_[corridor];
  std::array<GoodsItem, 3> items{};
  const size_t item_count = 1 + random_.below(3);
  for (size_t i = 0; i < item_count; ++i) {
    const Cargo& c = cargo[random_.below(std::size(cargo))];
    items[i] = GoodsItem{.hs6 = c.hs6,
                         .customs_value = Amount::from_minor(
                             c.value_min_minor + i128(random_.below(uint64_t(c.value_span_minor))),
                             Currency::eur)};
  }
  const uint32_t principal = static_cast<uint32_t>(random_.below(principals));
  TransitCommand c{.operation = TransitOperation::declare_movement,
                   .actor = PartyId{first_principal + principal}};
  Declaration& d = c.declaration;
  char serial[13];
  std::snprintf(serial, sizeof serial, "CAREC%07u", k + 1);
  char grn_serial[13];
  std::snprintf(grn_serial, sizeof grn_serial, "CAREC%07u", principal + 1);
  const Grn grn = make_grn(26, guarantee_country(principal), grn_serial);
  // The facts; the ledger computes the amount to be covered.
  const bool built = build_declaration_of_facts(
      DeclarationInput{.mrn = make_mrn(26, route.countries[0], serial),
                       .principal = c.actor,
                       .items = std::span(items).first(item_count),
                       .itinerary = route.countries,
                       .time_limit_ns = at + 8 * day_ns,
                       .guarantees = {&grn, 1}},
      /*national=*/false, {}, &d);
  KERVAN_ASSERT(built);
  // The scenario is the operator: it asserts the access code was checked where it entered.
  d.references[0].access_code_valid = true;
  if (const TransitResult r = apply(at, c); r != TransitResult::ok) {
    refusals_[std::string("declare: ") + std::string(result_name(r))] += 1;
    return;
  }
  mrns_.push_back(d.mrn);
  corridor_of_.push_back(corridor);
  schedule(at + 2 * hour_ns, Step::release, static_cast<uint32_t>(mrns_.size() - 1));
}

void Scenario::handle(uint64_t at, const Event& e) {
  if (e.step == Step::declare) {
    declare(at, e.movement);
    return;
  }
  if (e.step == Step::daily_settlement) {
    settle_day(at);
    return;
  }
  const Mrn& mrn = mrns_[e.movement];
  const Declaration& d = ledger().movement(mrn)->declaration;
  const uint8_t last = static_cast<uint8_t>(d.itinerary_count - 1u);
  TransitCommand c{.actor = customs(d.itinerary[0])};
  c.mrn = mrn;
  switch (e.step) {
    case Step::release: {
      c.operation = TransitOperation::release_movement;
      const TransitResult r = apply(at, c);
      if (r != TransitResult::ok) {
        refusals_[std::string("release: ") + std::string(result_name(r))] += 1;
        // Waits for cover a day at a time, five times, then the principal cancels.
        if (e.leg < 5) {
          schedule(at + day_ns, Step::release, e.movement, uint8_t(e.leg + 1));
        } else {
          TransitCommand cancel{.operation = TransitOperation::cancel_movement,
                                .actor = d.principal};
          cancel.mrn = mrn;
          apply(at, cancel);
        }
        return;
      }
      const bool incident = random_.below(100) < 6;
      schedule(at + day_ns, incident ? Step::incident : Step::cross, e.movement, 1);
      return;
    }
    case Step::cross:
      c.operation = TransitOperation::record_crossing;
      c.actor = customs(d.itinerary[e.leg]);
      c.country = d.itinerary[e.leg];
      apply(at, c);
      schedule(at + day_ns, e.leg == last ? Step::arrive : Step::cross, e.movement,
               uint8_t(e.leg + 1));
      return;
    case Step::arrive:
      c.operation = TransitOperation::record_arrival;
      c.actor = customs(d.itinerary[last]);
      apply(at, c);
      schedule(at + day_ns, Step::write_off, e.movement);
      return;
    case Step::write_off:
      c.operation = TransitOperation::write_off;
      apply(at, c);
      return;
    case Step::incident:
      c.operation = TransitOperation::record_incident;
      c.actor = customs(d.itinerary[1]);
      apply(at, c);
      schedule(d.time_limit_ns + day_ns, Step::enquiry, e.movement);
      return;
    case Step::enquiry:
      c.operation = TransitOperation::open_enquiry;
      apply(at, c);
      schedule(at + 30 * day_ns, Step::claim, e.movement);
      return;
    case Step::claim:
      // The country where the incident happened claims its duties and taxes.
      c.operation = TransitOperation::raise_claim;
      c.actor = customs(d.itinerary[1]);
      c.amount = d.duties[1];
      if (c.amount.minor() == 0) c.amount = Amount::from_minor(1'000'00, Currency::eur);
      apply(at, c);
      // Most providers pay at the next daily settlement; some pay this claim on their own first.
      if (random_.below(4) == 0) schedule(at + 6 * hour_ns, Step::pay, e.movement);
      return;
    case Step::declare:
    case Step::daily_settlement:
      return;  // Handled above.
    case Step::pay: {
      const Grn& grn = d.references[0].grn;
      c.operation = TransitOperation::record_claim_paid;
      c.actor = ledger().guarantee(grn)->spec.provider;
      apply(at, c);
      return;
    }
  }
}

std::string money(Amount amount) {
  return format_amount(amount) + " " + std::string(currency_code(amount.currency()));
}

void Scenario::report() {
  const TransitLedger& ledger = this->ledger();
  std::map<MovementState, uint32_t> states;
  for (const Movement& m : ledger.movements()) states[m.state] += 1;
  std::fprintf(out_, "Movements: %zu declared; written off %u, claimed %u, claim paid %u, "
                     "cancelled %u, still open %u\n",
               ledger.movements().size(), states[MovementState::written_off],
               states[MovementState::claimed], states[MovementState::claim_paid],
               states[MovementState::cancelled],
               states[MovementState::released] + states[MovementState::incident] +
                   states[MovementState::enquiry]);
  for (const auto& [what, count] : refusals_) {
    std::fprintf(out_, "  refused %-40s %u\n", what.c_str(), count);
  }
  std::fprintf(out_, "\nGuarantees (cover in EUR):\n  %-18s %-8s %16s %16s %16s %16s\n", "GRN",
               "level", "amount", "reserved", "drawn", "available");
  for (const Guarantee& g : ledger.guarantees()) {
    const GuaranteeBalance b = ledger.balance(g);
    std::fprintf(out_, "  %-18s %3u %%    %16s %16s %16s %16s\n",
                 std::string(g.spec.grn.text()).c_str(), g.spec.reduction_percent,
                 format_amount(b.amount).c_str(), format_amount(b.reserved).c_str(),
                 format_amount(b.drawn).c_str(), format_amount(b.available).c_str());
  }
  std::fprintf(out_, "\nExposure per provider and principal:\n");
  for (PartyId provider : {pool_provider, national_provider}) {
    for (const PrincipalExposure& e : provider_exposure(ledger, provider)) {
      std::fprintf(out_, "  %s, principal %lu: %u guarantee(s), reserved %s, drawn %s, "
                         "open movements %u\n",
                   name(provider).c_str(), static_cast<unsigned long>(e.principal), e.guarantees, money(e.reserved).c_str(), money(e.drawn).c_str(),
                   e.open_movements);
    }
  }
  std::fprintf(out_, "\nClaims per country (duty ledger):\n");
  for (const Corridor& route : corridors_) {
    for (Country country : route.countries) {
      const DutyStatement s = duty_statement(ledger, country, Currency::eur, 0, 0);
      if (s.claims == 0 || reported_.count(country.code()) != 0) continue;
      reported_.insert(country.code());
      std::fprintf(out_, "  %s: %u claim(s), claimed %s, drawn from guarantees %s, uncovered %s, "
                         "collected %s\n",
                   std::string(country.text()).c_str(), s.claims, money(s.claimed).c_str(),
                   money(s.drawn).c_str(), money(s.uncovered).c_str(), money(s.collected).c_str());
    }
  }
  std::fprintf(out_, "\nDaily settlement: %u cut-offs; %u provider payments of the claims drawn "
                     "since the previous cut-off\n",
               settlement_days_, daily_settlements_);
  const InvariantReport invariants = check_invariants(ledger.ledger());
  std::fprintf(out_, "\nLedger: %u accounts, %u transfers; invariants %s\n",
               ledger.ledger().accounts_count(), ledger.ledger().transfers_count(),
               invariants.ok() ? "hold" : invariants.violation.c_str());
  failed_ = failed_ || !invariants.ok();
}

// The daily cut-off: every provider pays the claims drawn on it since the last one (journaled
// settle_claims steps: ledger transfers from the countries' receivables).
void Scenario::settle_day(uint64_t at) {
  for (PartyId provider : {pool_provider, national_provider}) {
    const TransitResult r =
        apply(at, TransitCommand{.operation = TransitOperation::settle_claims, .actor = provider});
    if (r == TransitResult::ok) daily_settlements_ += 1;
  }
  settlement_days_ += 1;
}

std::string Scenario::name(PartyId party) const {
  if (const PartyEntry* entry = reference_.find_party(party)) return entry->name;
  const auto it = extra_names_.find(static_cast<uint64_t>(party));
  if (it != extra_names_.end()) return it->second;
  return "party " + std::to_string(static_cast<uint64_t>(party));
}

void Scenario::print_settlement(const SettlementOutput& result) {
  for (const StatementLine& line : result.statement) {
    std::fprintf(out_, "    %-46s owes %14s  receives %14s  net %14s\n", name(line.party).c_str(),
                 format_amount(line.owed_total).c_str(),
                 format_amount(line.receivable_total).c_str(), format_amount(line.net).c_str());
  }
  for (const PaymentInstruction& p : result.instructions) {
    std::fprintf(out_, "    pay %s -> %s: %s\n", name(p.payer).c_str(), name(p.payee).c_str(),
                 money(p.amount).c_str());
  }
}

// Claims settle per provider: a provider pays the countries that drew on its guarantees, never
// another provider's creditor (netting across providers would move a claim to another country).
bool Scenario::settle_claims() {
  std::fprintf(out_, "\nFinal cut-off: unpaid claims, per provider:\n");
  for (PartyId provider : {pool_provider, national_provider}) {
    std::vector<Obligation> obligations;
    for (const Movement& m : ledger().movements()) {
      const Guarantee* g = ledger().guarantee(m.declaration.references[0].grn);
      if (m.state != MovementState::claimed || g->spec.provider != provider) continue;
      obligations.push_back(Obligation{.payer = provider,
                                       .payee = customs(m.claim_country),
                                       .amount = m.drawn,
                                       .kind = ObligationKind::claim_owed_by_provider,
                                       .country = m.claim_country});
    }
    SettlementOutput result;
    const SettlementResult r = settle(
        SettlementInput{.currency = Currency::eur, .obligations = obligations}, &result);
    std::fprintf(out_, "  %s, %zu unpaid claim(s): %s\n", name(provider).c_str(),
                 obligations.size(), std::string(result_name(r)).c_str());
    if (r != SettlementResult::ok) return false;
    print_settlement(result);
    if (obligations.empty()) continue;
    // The payments are ledger transfers, journaled like every other step.
    const TransitResult paid = apply(cut_off_ns_, TransitCommand{
                                                      .operation = TransitOperation::settle_claims,
                                                      .actor = provider});
    std::fprintf(out_, "    executed: %s\n", std::string(result_name(paid)).c_str());
    if (paid != TransitResult::ok) return false;
  }
  return true;
}

bool Scenario::settle_union() {
  // The operator acting for the EAEU distribution pool, and the customs of the members that
  // are not on these corridors (Belarus, Armenia), so that each member has its party.
  const PartyId pool{9000};
  extra_names_[9000] = "EAEU distribution pool (operator)";
  std::vector<Party> parties = {{pool, PartyRole::operator_, Country::of("RU")}};
  UnionDistribution eaeu;
  std::vector<UnionMember> members;
  for (const CountryShare& share : eaeu_shares_2019) {
    PartyId party = customs(share.country);
    if (static_cast<uint64_t>(party) == 0) {
      party = PartyId{9001 + members.size()};
      extra_names_[static_cast<uint64_t>(party)] =
          "Customs of " + std::string(share.country.text()) + " (EAEU member)";
      parties.push_back(Party{party, PartyRole::customs, share.country});
    }
    members.push_back(UnionMember{.country = share.country, .party = party,
                                  .share_percent = share.share_percent});
    eaeu.members[eaeu.members_count] = share.country;
    eaeu.shares_percent[eaeu.members_count++] = share.share_percent;
  }
  for (const Party& party : parties) {
    TransitCommand c{.operation = TransitOperation::register_party, .actor = scenario_operator};
    c.party = party;
    apply(cut_off_ns_, c);
  }
  // The statement the distribution will execute, from the same engine and inputs.
  std::vector<Obligation> obligations;
  for (const UnionMember& member : members) {
    const DutyStatement s = duty_statement(ledger(), member.country, Currency::eur, 0, 0);
    if (s.collected.minor() == 0) continue;
    obligations.push_back(Obligation{.payer = member.party, .payee = pool, .amount = s.collected,
                                     .kind = ObligationKind::duty_collected_for_union,
                                     .country = member.country});
  }
  SettlementOutput result;
  const SettlementResult r = settle(
      SettlementInput{.currency = Currency::eur,
                      .customs_union = CustomsUnion{.members = members, .pool_party = pool,
                                                    .pool_share_percent = Decimal(),
                                                    .retention_percent = Decimal()},
                      .obligations = obligations},
      &result);
  std::fprintf(out_, "\nEAEU distribution of the duties collected by its members: %s "
                     "(pooled %s)\n",
               std::string(result_name(r)).c_str(), money(result.pooled_total).c_str());
  if (r != SettlementResult::ok) return false;
  print_settlement(result);
  TransitCommand distribute{.operation = TransitOperation::distribute_union_duties,
                            .actor = pool};
  distribute.distribution = eaeu;
  const TransitResult done = apply(cut_off_ns_, distribute);
  std::fprintf(out_, "    executed: %s\n", std::string(result_name(done)).c_str());
  return done == TransitResult::ok;
}

bool Scenario::reopen_and_compare() {
  const Digest before = ledger().ledger().state_hash();
  const size_t movements = ledger().movements().size();
  if (server_) {
    // A clean stop: every reply was sent once durable; the stores close.
    client_.reset();
    server_->stop();
    const ServerCounters c = server_->counters();
    std::fprintf(out_, "\nServer stopped cleanly: %lu requests, %lu replies, %lu refused\n",
                 static_cast<unsigned long>(c.requests), static_cast<unsigned long>(c.replies),
                 static_cast<unsigned long>(c.rejected_malformed + c.rejected_busy +
                                            c.rejected_forbidden));
    server_.reset();
  }
  store_.reset();
  if (const StoreStatus s = TransitStore::open(store_options_, &store_); !s.ok()) {
    std::fprintf(out_, "reopen: %s\n", s.to_string().c_str());
    return false;
  }
  const bool same = store_->ledger().ledger().state_hash() == before &&
                    store_->ledger().movements().size() == movements;
  std::fprintf(out_, "\nReopened the %s store: %lu steps replayed from the journal in %.3f s; "
                     "state %s\n"
                     "  ledger state hash %s\n",
               options_.through_server ? "server's transit" : "transit",
               static_cast<unsigned long>(store_->recovery().commands_replayed),
               store_->recovery().seconds, same ? "identical" : "DIFFERENT",
               to_hex(before).c_str());
  return same;
}

int Scenario::run() {
  random_ = Random{options_.seed};
  std::fprintf(out_, "Kervan regional scenario: %u movements on CAREC corridors, durable ledger\n",
               options_.movements);
  if (!setup()) return 1;
  std::fprintf(out_, "Store: %s (journal: one record per step, fsync per commit)\n\n",
               path_.c_str());
  // Declarations spread over 60 days, in time order with every other step.
  for (uint32_t k = 0; k < options_.movements; ++k) {
    schedule(start_ns_ + uint64_t{k} * (60 * day_ns / options_.movements), Step::declare, k);
  }
  // Daily cut-offs at midnight for 90 days; the claims after that wait for the final cut-off.
  for (uint64_t day = 1; day <= 90; ++day) {
    schedule(start_ns_ + day * day_ns, Step::daily_settlement, 0);
  }
  // Steps in time order; steps due at the same instant keep their scheduling order.
  while (!events_.empty() && !failed_) {
    const auto [at, event] = *events_.begin();
    events_.erase(events_.begin());
    handle(at, event);
  }
  if (failed_ || (store_ && !store_->wait_durable(last_sequence_).ok())) return 1;
  cut_off_ns_ = start_ns_ + 180 * day_ns;
  report();
  const bool settled = settle_claims() && settle_union() &&
                       (!store_ || store_->wait_durable(last_sequence_).ok());
  const bool same = reopen_and_compare();
  if (options_.store_path.empty()) {
    store_.reset();
    std::filesystem::remove_all(std::filesystem::path(path_).parent_path());
  }
  const bool ok = settled && same && !failed_;
  std::fprintf(out_, "\n%s\n", ok ? "Every check held." : "A CHECK FAILED.");
  return ok ? 0 : 1;
}

}  // namespace

int run_scenario(const ScenarioOptions& options, std::FILE* out) {
  return Scenario(options, out).run();
}

}  // namespace kervan
