// The registry of parties and keys (TransitLedger::register_party, register_key, revoke_key):
// who may register whom, each refusal in the order the checks run, and that a refusal changes
// nothing.
#include <gtest/gtest.h>

#include <vector>

#include "ledger/transit/transit_ledger.h"
#include "tests/support/transit_values.h"

namespace kervan {
namespace {

using TR = TransitResult;

constexpr PartyId op{1}, second_op{2}, provider{20}, principal{30}, customs_kz{10}, unknown{77};
constexpr uint64_t now = 1'000;

ClientPublicKey key_of(uint8_t seed) {
  ClientPublicKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed * 31 + i);
  return key;
}

// The registry's observable state, to show that a refusal changed nothing.
struct RegistrySnapshot {
  std::vector<Party> parties;
  std::vector<ClientKey> keys;
};
RegistrySnapshot snapshot(const TransitLedger& ledger) {
  RegistrySnapshot s;
  for (const Party& p : ledger.parties()) s.parties.push_back(p);
  for (const ClientKey& k : ledger.client_keys()) s.keys.push_back(k);
  return s;
}
void expect_same(const RegistrySnapshot& a, const RegistrySnapshot& b) {
  ASSERT_EQ(a.parties.size(), b.parties.size());
  ASSERT_EQ(a.keys.size(), b.keys.size());
  for (size_t i = 0; i < a.parties.size(); ++i) {
    EXPECT_EQ(a.parties[i].id, b.parties[i].id);
    EXPECT_EQ(a.parties[i].role, b.parties[i].role);
    EXPECT_EQ(a.parties[i].country, b.parties[i].country);
  }
  for (size_t i = 0; i < a.keys.size(); ++i) {
    EXPECT_EQ(a.keys[i].key, b.keys[i].key);
    EXPECT_EQ(a.keys[i].party, b.keys[i].party);
    EXPECT_EQ(a.keys[i].revoked, b.keys[i].revoked);
  }
}

TransitConfig small_registry() {
  return TransitConfig{.parties_max = 6, .guarantees_max = 1, .movements_max = 1, .hash_seed = 4};
}

TEST(Registry, OnlyAnOperatorRegistersPartiesAfterTheBootstrap) {
  TransitLedger ledger(small_registry());
  const Party customs{customs_kz, PartyRole::customs, Country::of("KZ")};
  const Party operator_party{op, PartyRole::operator_, {}};
  // An empty registry: only an operator registering itself starts it.
  struct Case {
    PartyId actor;
    Party party;
    TR expected;
  };
  const Case before_bootstrap[] = {
      {customs_kz, customs, TR::party_not_found},                       // Not an operator.
      {op, Party{second_op, PartyRole::operator_, {}}, TR::party_not_found},  // Not itself.
      {provider, Party{provider, PartyRole::provider, {}}, TR::party_not_found},
  };
  for (const Case& c : before_bootstrap) {
    EXPECT_EQ(ledger.register_party(now, c.actor, c.party), c.expected)
        << static_cast<uint64_t>(c.party.id);
  }
  EXPECT_TRUE(ledger.parties().empty());
  ASSERT_EQ(ledger.register_party(now, op, operator_party), TR::ok);
  ASSERT_EQ(ledger.register_party(now, op, Party{principal, PartyRole::principal, {}}), TR::ok);
  ASSERT_EQ(ledger.register_party(now, op, Party{provider, PartyRole::provider, {}}), TR::ok);
  const RegistrySnapshot before = snapshot(ledger);
  // After it, in the order the checks run.
  const Case after[] = {
      {unknown, customs, TR::party_not_found},                  // The actor is not registered.
      {principal, customs, TR::party_role_not_allowed},         // A principal escalating.
      {provider, Party{PartyId{99}, PartyRole::customs, Country::of("KZ")},
       TR::party_role_not_allowed},                             // A provider squatting an id.
      {principal, Party{principal, PartyRole::provider, Country::of("KZ")},
       TR::party_role_not_allowed},                             // A principal changing its role.
      {op, Party{PartyId{0}, PartyRole::customs, Country::of("KZ")}, TR::party_not_found},
      {op, Party{principal, PartyRole::provider, Country::of("KZ")}, TR::party_exists},
      {op, Party{principal, PartyRole::principal, Country::of("KZ")}, TR::party_exists},
      {op, Party{principal, PartyRole::principal, {}}, TR::exists},
      {op, Party{customs_kz, PartyRole::customs, {}}, TR::party_country_not_involved},
  };
  for (const Case& c : after) {
    EXPECT_EQ(ledger.register_party(now, c.actor, c.party), c.expected)
        << "actor " << static_cast<uint64_t>(c.actor) << " party "
        << static_cast<uint64_t>(c.party.id);
    expect_same(before, snapshot(ledger));
  }
  ASSERT_EQ(ledger.register_party(now, op, customs), TR::ok);
  ASSERT_EQ(ledger.register_party(now, op, Party{second_op, PartyRole::operator_, {}}), TR::ok);
  ASSERT_EQ(ledger.register_party(now, second_op, Party{PartyId{40}, PartyRole::analyst, {}}),
            TR::ok);  // Any operator registers.
  EXPECT_EQ(ledger.register_party(now, op, Party{PartyId{41}, PartyRole::analyst, {}}),
            TR::capacity_reached);
}

TEST(Registry, KeysAreBoundToOnePartyAndRevokedForGood) {
  TransitLedger ledger(small_registry());
  ASSERT_EQ(register_parties(ledger, now, {}), TR::ok);  // test_registrar, the bootstrap.
  const PartyId registrar = test_registrar;
  ASSERT_EQ(ledger.register_party(now, registrar, Party{provider, PartyRole::provider, {}}),
            TR::ok);
  ASSERT_EQ(ledger.register_party(now, registrar, Party{principal, PartyRole::principal, {}}),
            TR::ok);
  const ClientPublicKey registrar_key = key_of(1), provider_key = key_of(2);
  ASSERT_EQ(ledger.register_key(now, registrar, registrar, registrar_key), TR::ok);
  ASSERT_EQ(ledger.register_key(now + 1, registrar, provider, provider_key), TR::ok);
  ASSERT_NE(ledger.client_key(provider_key), nullptr);
  EXPECT_EQ(ledger.client_key(provider_key)->party, provider);
  EXPECT_EQ(ledger.client_key(provider_key)->registered_ns, now + 1);
  EXPECT_EQ(ledger.client_key(key_of(9)), nullptr);
  // A key sharing the first 16 bytes of a registered one is told apart, and refused.
  ClientPublicKey twin = provider_key;
  twin[31] ^= 1;
  EXPECT_EQ(ledger.client_key(twin), nullptr);

  const RegistrySnapshot before = snapshot(ledger);
  struct Case {
    PartyId actor;
    PartyId party;
    ClientPublicKey key;
    TR expected;
  };
  const Case refused[] = {
      {unknown, provider, key_of(3), TR::party_not_found},
      {provider, provider, key_of(3), TR::party_role_not_allowed},  // Its own second key.
      {principal, provider, key_of(3), TR::party_role_not_allowed},
      {registrar, unknown, key_of(3), TR::party_not_found},         // Not registered in advance.
      {registrar, principal, provider_key, TR::key_exists},         // Bound to another party.
      {registrar, principal, twin, TR::key_exists},
      {registrar, provider, provider_key, TR::exists},
  };
  for (const Case& c : refused) {
    EXPECT_EQ(ledger.register_key(now, c.actor, c.party, c.key), c.expected)
        << "actor " << static_cast<uint64_t>(c.actor);
    expect_same(before, snapshot(ledger));
  }
  // Revocation: by an operator, once, for good.
  EXPECT_EQ(ledger.revoke_key(now, provider, provider_key), TR::party_role_not_allowed);
  EXPECT_EQ(ledger.revoke_key(now, registrar, key_of(9)), TR::key_not_found);
  EXPECT_EQ(ledger.revoke_key(now, registrar, registrar_key), TR::key_last_operator);
  expect_same(before, snapshot(ledger));
  ASSERT_EQ(ledger.revoke_key(now + 2, registrar, provider_key), TR::ok);
  EXPECT_TRUE(ledger.client_key(provider_key)->revoked);
  EXPECT_EQ(ledger.client_key(provider_key)->revoked_ns, now + 2);
  EXPECT_EQ(ledger.revoke_key(now + 3, registrar, provider_key), TR::exists);
  EXPECT_EQ(ledger.client_key(provider_key)->revoked_ns, now + 2);
  EXPECT_EQ(ledger.register_key(now, registrar, provider, provider_key), TR::key_revoked);
  EXPECT_EQ(ledger.register_key(now, registrar, principal, provider_key), TR::key_revoked);
  // Rotation: a new key for the provider, then the operator rotates its own.
  EXPECT_EQ(ledger.register_key(now, registrar, provider, key_of(4)), TR::ok);
  EXPECT_EQ(ledger.register_key(now, registrar, registrar, key_of(5)), TR::ok);
  EXPECT_EQ(ledger.revoke_key(now, registrar, registrar_key), TR::ok);
  EXPECT_EQ(ledger.revoke_key(now, registrar, key_of(5)), TR::key_last_operator);
  // Capacity: client_keys_per_party per party the registry holds (6 parties: 12 keys).
  uint8_t seed = 10;
  while (ledger.client_keys().size() < 6 * client_keys_per_party) {
    ASSERT_EQ(ledger.register_key(now, registrar, principal, key_of(seed++)), TR::ok);
  }
  EXPECT_EQ(ledger.register_key(now, registrar, principal, key_of(seed)), TR::capacity_reached);
}

// Regression (found from outside): party id 2^64 - 1 wrapped to the party table's empty key, and
// looking it up aborted the server. Every id but 0 is an id like the others.
TEST(Registry, TheLargestPartyIdIsAnIdLikeAnyOther) {
  TransitLedger ledger(small_registry());
  constexpr PartyId largest{UINT64_MAX};
  EXPECT_EQ(ledger.party(largest), nullptr);
  EXPECT_EQ(ledger.register_party(now, largest, Party{largest, PartyRole::provider, {}}),
            TR::party_not_found);  // Not an operator bootstrapping itself.
  ASSERT_EQ(ledger.register_party(now, op, Party{op, PartyRole::operator_, {}}), TR::ok);
  ASSERT_EQ(ledger.register_party(now, op, Party{largest, PartyRole::principal, {}}), TR::ok);
  ASSERT_NE(ledger.party(largest), nullptr);
  EXPECT_EQ(ledger.party(largest)->role, PartyRole::principal);
  EXPECT_EQ(ledger.party(PartyId{0}), nullptr);
}

}  // namespace
}  // namespace kervan
