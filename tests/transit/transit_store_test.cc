// The transit command coding and the durable transit store: every command round-trips, every
// damaged body is refused, and a reopened store replays to the same state.
#include "ledger/transit/transit_store.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/bytes.h"
#include "ledger/invariants.h"
#include "ledger/journal.h"
#include "tests/support/temp_dir.h"
#include "tests/support/transit_values.h"

namespace kervan {
namespace {

using TR = TransitResult;
using Op = TransitOperation;

constexpr PartyId provider{1}, principal{2}, customs_cn{10}, customs_kz{11};
const uint64_t start_ns = 20'514ull * day_ns;  // 2026-03-02.

// The registry's operator registers itself first (the bootstrap), then every other party.
TransitCommand bootstrap_command() {
  TransitCommand c{.operation = Op::register_party, .actor = test_registrar};
  c.party = Party{test_registrar, PartyRole::operator_, {}};
  return c;
}

TransitCommand party_command(PartyId id, PartyRole role, const char* country) {
  TransitCommand c{.operation = Op::register_party, .actor = test_registrar};
  c.party = Party{id, role, Country::of("KZ")};
  if (Country::parse(country, &c.party.country) != CountryError::ok) std::abort();
  return c;
}

TransitCommand guarantee_command(const char* serial, i128 amount) {
  TransitCommand c{.operation = Op::register_guarantee, .actor = provider};
  GuaranteeSpec& s = c.guarantee;
  s.grn = make_grn(26, Country::of("KZ"), serial);
  s.provider = provider;
  s.principal = principal;
  s.reference_amount = eur(amount);
  s.valid_from = *Date::from_civil(2026, 1, 1);
  s.valid_to = *Date::from_civil(2026, 12, 31);
  s.countries_count = 2;
  s.countries[0] = Country::of("CN");
  s.countries[1] = Country::of("KZ");
  s.sensitive_count = 1;
  s.sensitive_headings[0] = 2402;
  s.access_codes_count = 1;
  s.access_codes[0].fill('h');
  return c;
}

TransitCommand declare_command(const char* serial, const Grn& grn, i128 amount) {
  TransitCommand c{.operation = Op::declare_movement, .actor = principal};
  Declaration& d = c.declaration;
  d.mrn = make_mrn(26, Country::of("CN"), serial);
  d.principal = principal;
  d.itinerary_count = 2;
  d.itinerary[0] = Country::of("CN");
  d.itinerary[1] = Country::of("KZ");
  d.duties[0] = eur(100'00);
  d.duties[1] = eur(2'500'00);
  d.goods_count = 2;
  d.goods[0] = GoodsLine{.hs6 = 870323, .value = eur(30'000'00)};
  d.goods[1] = GoodsLine{.hs6 = 640399, .value = eur(5'000'00)};
  d.time_limit_ns = start_ns + 8 * day_ns;
  d.references_count = 1;
  d.references[0] = GuaranteeReference{.grn = grn, .amount_concerned = eur(amount),
                                       .access_code_valid = true, .leg = whole_movement};
  return c;
}

TransitCommand movement_command(Op op, PartyId actor, const Mrn& mrn) {
  TransitCommand c{.operation = op, .actor = actor};
  c.mrn = mrn;
  return c;
}

std::vector<TransitCommand> every_kind_of_command() {
  const TransitCommand g = guarantee_command("CODEC0000001", 50'000'00);
  const TransitCommand d = declare_command("CODEC0000001", g.guarantee.grn, 1'000'00);
  std::vector<TransitCommand> commands = {party_command(provider, PartyRole::provider, "KZ"), g,
                                          d};
  TransitCommand key{.operation = Op::register_key, .actor = test_registrar};
  key.key_party = provider;
  for (size_t i = 0; i < key.key.size(); ++i) key.key[i] = static_cast<uint8_t>(3 * i + 1);
  TransitCommand revoke{.operation = Op::revoke_key, .actor = test_registrar};
  revoke.key = key.key;
  commands.push_back(key);
  commands.push_back(revoke);
  TransitCommand amend{.operation = Op::amend_guarantee, .actor = provider};
  amend.grn = g.guarantee.grn;
  amend.amount = eur(60'000'00);
  amend.reduction_percent = 50;
  TransitCommand status{.operation = Op::set_guarantee_status, .actor = provider};
  status.grn = g.guarantee.grn;
  status.status = GuaranteeStatus::cancelled;
  status.date = *Date::from_civil(2027, 6, 30);
  TransitCommand crossing = movement_command(Op::record_crossing, customs_kz, d.declaration.mrn);
  crossing.country = Country::of("KZ");
  TransitCommand claim = movement_command(Op::raise_claim, customs_kz, d.declaration.mrn);
  claim.amount = eur(777'77);
  TransitCommand settle{.operation = Op::settle_claims, .actor = provider};
  TransitCommand distribute{.operation = Op::distribute_union_duties, .actor = PartyId{50}};
  distribute.distribution.members_count = 2;
  distribute.distribution.members[0] = Country::of("RU");
  distribute.distribution.members[1] = Country::of("KZ");
  distribute.distribution.shares_percent[0] = Decimal::from_parts(935, 1);
  distribute.distribution.shares_percent[1] = Decimal::from_parts(65, 1);
  distribute.distribution.retention_percent = Decimal::from_integer(25);
  commands.insert(commands.end(), {amend, status, crossing, claim, settle, distribute});
  for (Op op : {Op::release_movement, Op::cancel_movement, Op::record_arrival, Op::write_off,
                Op::record_incident, Op::open_enquiry, Op::record_claim_paid}) {
    commands.push_back(movement_command(op, customs_cn, d.declaration.mrn));
  }
  return commands;
}

TEST(TransitCommand, EveryKindRoundTripsByteForByte) {
  for (const TransitCommand& command : every_kind_of_command()) {
    std::vector<uint8_t> first(journal_command_bytes_max), second(journal_command_bytes_max);
    const size_t size = encode_transit_command(command, first);
    ASSERT_GE(size, 9u) << int(command.operation);  // Operation and actor at least.
    TransitCommand decoded;
    ASSERT_TRUE(decode_transit_command(std::span(first).first(size), &decoded))
        << int(command.operation);
    EXPECT_EQ(decoded.operation, command.operation);
    EXPECT_EQ(decoded.actor, command.actor);
    EXPECT_EQ(encode_transit_command(decoded, second), size);
    EXPECT_EQ(first, second) << int(command.operation);
  }
}

TEST(TransitCommand, EveryTruncationAndBadEnumIsRefused) {
  for (const TransitCommand& command : every_kind_of_command()) {
    std::vector<uint8_t> bytes(journal_command_bytes_max);
    const size_t size = encode_transit_command(command, bytes);
    TransitCommand decoded;
    for (size_t cut = 0; cut < size; ++cut) {
      EXPECT_FALSE(decode_transit_command(std::span(bytes).first(cut), &decoded))
          << int(command.operation) << " cut at " << cut;
    }
    std::vector<uint8_t> longer = bytes;
    EXPECT_FALSE(decode_transit_command(std::span(longer).first(size + 1), &decoded));
  }
  std::vector<uint8_t> bytes(journal_command_bytes_max);
  const TransitCommand party = party_command(provider, PartyRole::provider, "KZ");
  const size_t size = encode_transit_command(party, bytes);
  for (uint8_t bad_operation : {uint8_t{0}, uint8_t{transit_operation_max + 1}, uint8_t{255}}) {
    std::vector<uint8_t> copy = bytes;
    copy[0] = bad_operation;
    TransitCommand decoded;
    EXPECT_FALSE(decode_transit_command(std::span(copy).first(size), &decoded));
  }
  std::vector<uint8_t> bad_role = bytes;
  bad_role[17] = 9;  // operation (1) + actor (8) + party id (8), then the role.
  TransitCommand decoded;
  EXPECT_FALSE(decode_transit_command(std::span(bad_role).first(size), &decoded));
}

using testing::TempDir;

TEST(TransitStore, AReopenedStoreReplaysToTheSameState) {
  TempDir folder;
  const TransitStoreOptions options{
      .path = folder.store(),
      .config = TransitConfig{.parties_max = 8, .guarantees_max = 8, .movements_max = 128,
                              .hash_seed = 3},
      .journal_map_bytes_max = uint64_t{1} << 30,
      .journal_ring_bytes = size_t{4} << 20,
      .log = [](std::string_view) {}};
  Digest ledger_hash{};
  std::vector<MovementState> states;
  uint64_t commands = 0;
  {
    std::unique_ptr<TransitStore> store;
    ASSERT_TRUE(TransitStore::open(options, &store).ok());
    uint64_t now = start_ns;
    uint64_t sequence = 0;
    const auto run = [&](const TransitCommand& command) {
      TR result = TR::ok;
      EXPECT_TRUE(store->apply(now += 1'000, command, &result, &sequence).ok());
      commands += 1;
      return result;
    };
    EXPECT_EQ(run(bootstrap_command()), TR::ok);
    EXPECT_EQ(run(party_command(provider, PartyRole::provider, "KZ")), TR::ok);
    EXPECT_EQ(run(party_command(principal, PartyRole::principal, "CN")), TR::ok);
    EXPECT_EQ(run(party_command(customs_cn, PartyRole::customs, "CN")), TR::ok);
    EXPECT_EQ(run(party_command(customs_kz, PartyRole::customs, "KZ")), TR::ok);
    const TransitCommand g = guarantee_command("STORE0000001", 40'000'00);
    EXPECT_EQ(run(g), TR::ok);
    for (int i = 0; i < 60; ++i) {
      char serial[13];
      std::snprintf(serial, sizeof serial, "STOREMOV%04d", i);
      const TransitCommand d = declare_command(serial, g.guarantee.grn, 1'000'00 + i * 100'00);
      const Mrn mrn = d.declaration.mrn;
      EXPECT_EQ(run(d), TR::ok);
      const TR released = run(movement_command(Op::release_movement, customs_cn, mrn));
      if (released != TR::ok) {
        EXPECT_EQ(released, TR::amount_not_sufficient);  // Refusals are journaled too.
        continue;
      }
      if (i % 5 == 0) {
        TransitCommand claim = movement_command(Op::raise_claim, customs_kz, mrn);
        claim.amount = eur(500'00 + i);
        EXPECT_EQ(run(claim), TR::ok);
        EXPECT_EQ(run(movement_command(Op::record_claim_paid, provider, mrn)), TR::ok);
      } else if (i % 3 != 0) {
        EXPECT_EQ(run(movement_command(Op::record_arrival, customs_kz, mrn)), TR::ok);
      }
    }
    ASSERT_TRUE(store->wait_durable(sequence).ok());
    ledger_hash = store->ledger().ledger().state_hash();
    for (const Movement& m : store->ledger().movements()) states.push_back(m.state);
  }
  std::unique_ptr<TransitStore> store;
  ASSERT_TRUE(TransitStore::open(options, &store).ok());
  EXPECT_EQ(store->recovery().commands_replayed, commands);
  EXPECT_EQ(store->ledger().ledger().state_hash(), ledger_hash);
  std::vector<MovementState> replayed;
  for (const Movement& m : store->ledger().movements()) replayed.push_back(m.state);
  EXPECT_EQ(replayed, states);
  EXPECT_TRUE(check_invariants(store->ledger().ledger()).ok());

  TransitStoreOptions other = options;
  other.config.movements_max = 129;
  store.reset();
  std::unique_ptr<TransitStore> mismatched;
  EXPECT_EQ(TransitStore::open(other, &mismatched).code(), StoreError::configuration_mismatch);
}

// A store written before the registry and server-computed amounts (configuration format 2)
// would not replay to the state it had: it is refused with a message that says so, not served
// as an empty or different ledger.
TEST(TransitStore, AStoreOfAnEarlierFormatIsRefusedNotReplayed) {
  TempDir folder;
  const TransitStoreOptions options{
      .path = folder.store(),
      .config = TransitConfig{.parties_max = 8, .guarantees_max = 8, .movements_max = 16,
                              .hash_seed = 5},
      .journal_map_bytes_max = uint64_t{1} << 30,
      .journal_ring_bytes = size_t{4} << 20,
      .log = [](std::string_view) {}};
  {
    std::unique_ptr<Journal> journal;
    std::filesystem::create_directories(options.path);
    ASSERT_TRUE(Journal::open({.path = options.path + "/journal",
                               .map_bytes_max = options.journal_map_bytes_max,
                               .ring_bytes = options.journal_ring_bytes},
                              &journal)
                    .ok());
    std::vector<uint8_t> version_2(32, 0);  // As format 2 wrote it: version, then capacities.
    const uint32_t fields[] = {2, 8, 8, 16, options.config.currencies_max, 978, 0, 0};
    for (size_t i = 0; i < std::size(fields); ++i) store_u32_le(&version_2[4 * i], fields[i]);
    std::vector<uint8_t> stored;
    ASSERT_TRUE(journal->configuration(version_2, &stored).ok());
  }
  std::unique_ptr<TransitStore> store;
  const StoreStatus status = TransitStore::open(options, &store);
  EXPECT_EQ(status.code(), StoreError::configuration_mismatch);
  EXPECT_NE(status.to_string().find("has format 2"), std::string::npos) << status.to_string();
  EXPECT_EQ(store, nullptr);
}

// Each journaled step records what it answered; a replay that answers otherwise is not the
// store that was written (a different binary, a damaged record that still decodes) and is
// refused with the record's sequence, not served.
TEST(TransitStore, AReplayThatAnswersOtherwiseIsRefused) {
  TempDir folder;
  const TransitStoreOptions options{
      .path = folder.store(),
      .config = TransitConfig{.parties_max = 8, .guarantees_max = 8, .movements_max = 16,
                              .hash_seed = 5},
      .journal_map_bytes_max = uint64_t{1} << 30,
      .journal_ring_bytes = size_t{4} << 20,
      .log = [](std::string_view) {}};
  {
    std::unique_ptr<TransitStore> store;
    ASSERT_TRUE(TransitStore::open(options, &store).ok());
    TransitResult result = TransitResult::ledger_refused;
    uint64_t sequence = 0;
    ASSERT_TRUE(store->apply(start_ns, bootstrap_command(), &result, &sequence).ok());
    ASSERT_EQ(result, TransitResult::ok);
    ASSERT_TRUE(store->wait_durable(sequence).ok());
  }
  {
    // A step recorded as ok that replays as a refusal: a provider registering a party.
    std::unique_ptr<Journal> journal;
    ASSERT_TRUE(Journal::open({.path = options.path + "/journal",
                               .map_bytes_max = options.journal_map_bytes_max,
                               .ring_bytes = options.journal_ring_bytes},
                              &journal)
                    .ok());
    TransitCommand forged = party_command(customs_kz, PartyRole::customs, "KZ");
    forged.actor = provider;
    std::vector<uint8_t> body(journal_command_bytes_max);
    const size_t size = encode_journaled_step(TransitResult::ok, forged, body);
    ASSERT_NE(size, 0u);
    uint64_t sequence = 0;
    ASSERT_TRUE(journal->append_command(start_ns + 1, static_cast<uint64_t>(provider),
                                        std::span(body).first(size), &sequence)
                    .ok());
    ASSERT_TRUE(journal->wait_durable(sequence).ok());
  }
  std::unique_ptr<TransitStore> store;
  const StoreStatus status = TransitStore::open(options, &store);
  EXPECT_EQ(status.code(), StoreError::corrupted_record);
  EXPECT_NE(status.to_string().find("journal record 2 replayed to party_not_found, recorded as ok"),
            std::string::npos)
      << status.to_string();
}

}  // namespace
}  // namespace kervan
