// The transit guarantee ledger: parties, guarantees and movements, every amount moved through
// the double-entry core (docs/chart_of_accounts.md). Deterministic like the core: each step is
// a pure function of (state, step, now_ns); tables are fixed at construction.
//
// Every step names the party asking (`actor`) and is checked against its role and country,
// the guarantee's or movement's state, and the ledger's balances, in a fixed order; it returns
// one TransitResult and, unless ok, changes nothing. Sending a step again whose effect is
// already there returns `exists`.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>

#include "ledger/fixed_vector.h"
#include "ledger/id_table.h"
#include "ledger/state_machine.h"
#include "ledger/transit/reference_versions.h"
#include "ledger/transit/transit_results.h"
#include "ledger/transit/transit_types.h"

namespace kervan {

struct TransitConfig {
  uint32_t parties_max = 0;
  uint32_t guarantees_max = 0;
  uint32_t movements_max = 0;  // Live at once: archived movements free their slot.
  uint32_t currencies_max = 4;  // Distinct currencies of guarantees (funding accounts).
  Currency base_currency = Currency::eur;
  uint64_t hash_seed = 0;
  // The core ledger's capacities; 0 sizes them for movements_max movements of nine references
  // each, never archived (the worst case). A simulation of a year sets them from its traffic.
  uint32_t ledger_accounts_max = 0;
  uint32_t ledger_transfers_max = 0;
  Prefault prefault = Prefault::yes;  // LedgerConfig::prefault, for every table.
};

// A guarantee's cover, read from its ledger account.
struct GuaranteeBalance {
  Amount amount;     // The guarantee amount (reference amount x reduction level).
  Amount reserved;   // Locked by released movements.
  Amount drawn;      // Drawn by claims.
  Amount available;  // amount - reserved - drawn (waivers: not limited).
  uint32_t open_movements = 0;
};

// A country's duties, per currency (duties suspended are in the scheme's base currency).
struct DutyLedger {
  Country country;
  Currency currency = Currency::none;
  Amount suspended;   // Under guarantee: movements released and not yet arrived or claimed.
  Amount claimed;     // Due on irregularities, as claimed.
  Amount drawn;       // Of that, drawn from guarantees: receivable from providers.
  Amount collected;   // Paid by the providers.
  Amount distributed; // Of that, already passed through a customs-union distribution.
};

class TransitLedger {
 public:
  explicit TransitLedger(const TransitConfig& config);

  // The registry of parties and keys (docs/operations.md, "Onboarding"). Only an operator
  // registers parties and keys, except the first party of an empty registry: an operator
  // registering itself (the bootstrap a new store starts with). A party id is registered once;
  // the same registration again is `exists`, another one for the id `party_exists`. Customs
  // parties need a country.
  TransitResult register_party(uint64_t now_ns, PartyId actor, const Party& party);
  // The operator binds `key` to the registered `party`: the key then acts only as that party.
  // A key is bound once (key_exists when bound to another party; key_revoked once revoked); a
  // party may hold several keys (rotation: register the new one, then revoke the old one).
  TransitResult register_key(uint64_t now_ns, PartyId actor, PartyId party,
                             const ClientPublicKey& key);
  // The operator revokes a key, for good. The last key of the last operator is not revoked
  // (key_last_operator): the registry would have no one left to administer it.
  TransitResult revoke_key(uint64_t now_ns, PartyId actor, const ClientPublicKey& key);

  // Provider registers a guarantee of its own (spec.provider == actor).
  TransitResult register_guarantee(uint64_t now_ns, PartyId actor, const GuaranteeSpec& spec);
  // Provider changes the reference amount and reduction level; the cover may not drop below
  // what is reserved and drawn (cover_in_use).
  TransitResult amend_guarantee(uint64_t now_ns, PartyId actor, const Grn& grn,
                                Amount reference_amount, uint8_t reduction_percent);
  // Provider suspends, reactivates (active), revokes or cancels (with a liability liberation
  // date) a guarantee. Revoked and cancelled are final.
  TransitResult set_guarantee_status(uint64_t now_ns, PartyId actor, const Grn& grn,
                                     GuaranteeStatus status, Date liberation);

  // The operator loads a version of reference data (tariffs, rates: reference_data.h), in force
  // from `effective_from` (ReferenceVersions::add: refused whole, or added, superseding those
  // dated on or after it; never retroactive).
  TransitResult load_reference_data(uint64_t now_ns, PartyId actor, std::string_view text,
                                    Date effective_from);
  // Computes a declaration's amounts from the reference data in force on the step's date, under
  // the rule of its guarantee references: one reference for the whole movement, regional (a
  // TIR-like chain: capped), or one per itinerary position, national (covered_amount.h). Fills
  // duties and amounts concerned, sets amounts computed and reference_version. Refusals, in
  // order: guarantee_references_invalid (neither shape), currency_not_supported (references in
  // two currencies), amount_not_computable (no version in force, no tariff or rate for a
  // country on that date), itinerary_invalid, goods_invalid, amount_overflow, amount_mismatch
  // (a figure the sender gave, not zero, differs). On a refusal *declaration is unchanged.
  // Pure: reads the guarantees (their currency, type) and the reference data.
  TransitResult compute_declaration(uint64_t now_ns, Declaration* declaration) const;

  // Principal declares a movement on its own behalf.
  TransitResult declare_movement(uint64_t now_ns, PartyId actor, const Declaration& declaration);
  // Customs of the departure country: would release succeed now? Locks nothing.
  TransitResult check_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn) const;
  // Customs of the departure country: lock the cover on every reference, all or nothing.
  TransitResult release_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // Principal or customs of departure, before release.
  TransitResult cancel_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // Customs of a country on the itinerary (not the departure).
  TransitResult record_crossing(uint64_t now_ns, PartyId actor, const Mrn& mrn, Country country);
  // Customs of the destination: the cover is credited back.
  TransitResult record_arrival(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // Customs of the departure country, after arrival.
  TransitResult write_off(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // Customs of a country on the itinerary; the cover stays locked.
  TransitResult record_incident(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // Customs of the departure country, once the time limit has passed without arrival.
  TransitResult open_enquiry(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // Customs of `country` (on the itinerary) claims `amount` (the guarantees' currency): cover is
  // drawn up to it into the country's receivable from each provider; the rest of each
  // reservation is released, and any excess is uncovered duty.
  TransitResult raise_claim(uint64_t now_ns, PartyId actor, const Mrn& mrn, Amount amount);
  // The provider of the claimed guarantees has paid the country.
  TransitResult record_claim_paid(uint64_t now_ns, PartyId actor, const Mrn& mrn);
  // The operator archives a finished movement (written off, cancelled, or claim paid): it
  // leaves the live tables and its slot is reused; its accounts and transfers stay in the core
  // and its steps in the journal. Queries no longer find it (movement_not_found), and usage
  // and duty statements by period cover live movements only.
  TransitResult archive_movement(uint64_t now_ns, PartyId actor, const Mrn& mrn);

  // Settlement at a cut-off (docs/settlement.md). The provider pays every claim drawn on its
  // guarantees and not yet paid (nothing_to_settle when there is none).
  TransitResult settle_claims(uint64_t now_ns, PartyId actor);
  // The operator, acting for the union's distribution pool, distributes the duties its member
  // countries collected since the last distribution: retention, pooling, shares and netting by
  // the settlement engine, then one linked chain of transfers between the countries' collected
  // accounts and the pool's account. Every member needs a registered customs party.
  TransitResult distribute_union_duties(uint64_t now_ns, PartyId actor,
                                        const UnionDistribution& distribution);

  // Queries (nullptr when absent).
  const Party* party(PartyId id) const;
  const ClientKey* client_key(const ClientPublicKey& key) const;
  std::span<const Party> parties() const { return parties_; }
  std::span<const ClientKey> client_keys() const { return keys_; }
  const Guarantee* guarantee(const Grn& grn) const;
  const Movement* movement(const Mrn& mrn) const;
  // A hint from a caller that knows which movement its coming steps name (the simulator looks
  // a few events ahead), one stage per call as the step comes nearer, each loading what the
  // next needs: 0, the movement's index bucket; 1, the lines of its record that steps read;
  // 2, the index buckets of its core accounts and reservations; 3, their records. Changes
  // nothing; a wrong or stale guess costs only the loads. A step that resolves no reservation
  // (a crossing on a single guarantee) needs stages 0 and 1 only: `reservations` false skips
  // the others.
  static constexpr int prefetch_stages = 4;
  void prefetch_movement(const Mrn& mrn, int stage, bool reservations = true) const;
  GuaranteeBalance balance(const Guarantee& guarantee) const;
  // At the edge, before a declaration's reference says access_code_valid: does `code` match one
  // of the guarantee's stored access codes? (Argon2id: tens of milliseconds.)
  bool access_code_matches(const Grn& grn, std::string_view code) const;
  std::span<const Guarantee> guarantees() const { return guarantees_; }
  // Every slot, live or archived (state archived): skip those.
  std::span<const Movement> movements() const { return movements_; }
  uint32_t movements_declared() const { return movements_declared_; }
  uint32_t movements_live() const {
    return static_cast<uint32_t>(movements_.size() - free_movement_slots_.size());
  }
  std::span<const DutyLedger> duty_ledgers() const { return duties_; }
  const ReferenceVersions& reference_versions() const { return reference_; }
  const StateMachine& ledger() const { return *ledger_; }

 private:
  // Each reference's guarantee, in the declaration's order.
  using ReferencedGuarantees = std::array<const Guarantee*, guarantee_references_max>;
  // Checks a guarantee reference against a movement for release (G01..G10 but G09);
  // `guarantee` is the one it names, or nullptr when there is none.
  TransitResult check_reference(uint64_t now_ns, const Declaration& declaration,
                                const GuaranteeReference& reference,
                                const Guarantee* guarantee) const;
  // On ok, *guarantees holds each reference's guarantee (each looked up once).
  TransitResult check_release(uint64_t now_ns, PartyId actor, const Movement& movement,
                              ReferencedGuarantees* guarantees) const;
  // Applies transfers to the core as one linked chain; ok, or the domain meaning of the
  // first failure.
  TransitResult apply_linked(uint64_t now_ns, std::span<Transfer> transfers);
  TransitResult ensure_accounts(uint64_t now_ns, std::span<const Account> accounts);
  TransitResult role_check(PartyId actor, PartyRole role) const;
  // Active keys of operator parties.
  uint32_t operator_keys_active() const;
  TransitResult customs_of(PartyId actor, Country country) const;
  Movement* find_movement(const Mrn& mrn);
  Guarantee* find_guarantee(const Grn& grn);
  DutyLedger* duty_ledger(Country country, Currency currency);
  // Voids the reservations of the references in `mask` (bit i: reference i).
  TransitResult void_reservations(uint64_t now_ns, Movement& movement, uint16_t mask);
  // The duties of itinerary positions [duties_released, up_to) stop being suspended.
  void release_duties(Movement& movement, size_t up_to);
  const Party* customs_party_of(Country country) const;
  TransitResult customs_on_itinerary(PartyId actor, const Declaration& declaration) const;
  // A step that only moves the state to `target` from one of `from` (exists when there).
  TransitResult move_state(uint64_t now_ns, PartyId actor, Movement& movement,
                           MovementState target, std::initializer_list<MovementState> from,
                           MovementEvent event);
  void remember(Movement& movement, MovementEvent event, PartyId actor, uint64_t now_ns);

  TransitConfig config_;
  std::unique_ptr<StateMachine> ledger_;
  FixedVector<Party> parties_;
  IdTable party_ids_;
  FixedVector<ClientKey> keys_;
  IdTable key_ids_;  // By client_key_id().
  FixedVector<Guarantee> guarantees_;
  IdTable guarantee_ids_;
  FixedVector<Movement> movements_;
  IdTable movement_ids_;
  FixedVector<uint32_t> free_movement_slots_;  // Archived slots, reused last freed first.
  uint32_t movements_declared_ = 0;
  FixedVector<DutyLedger> duties_;
  ReferenceVersions reference_;
  uint32_t distributions_ = 0;  // Numbers the transfers of each union distribution.
};

// Keys for the id tables, losslessly packed into 128 bits and never zero: a GRN base 37 over its
// characters, an MRN (never empty) six bits per character.
u128 grn_key(const Grn& grn);
u128 mrn_key(const Mrn& mrn);
// A party's key in the party table: its id. REQUIRES: id != 0 (no party has id 0).
u128 party_key(PartyId id);
// A client key's id in the registry: its first 16 bytes, never zero (a full comparison follows
// every lookup, so two keys sharing them are told apart: the second is refused).
u128 client_key_id(const ClientPublicKey& key);

}  // namespace kervan
