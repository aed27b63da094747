// Records of the transit domain: parties, guarantees, movements. Fixed-size (no allocation
// per record), with their limits named here.
#pragma once

#include <array>
#include <cstdint>

#include "core/amount.h"
#include "core/decimal.h"
#include "core/country.h"
#include "core/password_hash.h"
#include "core/reference_number.h"
#include "core/time.h"

namespace kervan {

enum class PartyId : uint64_t {};

// DO NOT CHANGE the numbers: stored and sent.
enum class PartyRole : uint8_t {
  provider = 1,
  customs = 2,
  principal = 3,
  analyst = 4,
  operator_ = 5,  // Runs settlements; acts for a customs union's distribution pool.
};

struct Party {
  PartyId id{};
  PartyRole role = PartyRole::analyst;
  Country country;  // Customs: the administration's country. Others: where registered.
};

// The party a new registry starts with: the operator, who registers every other party and key.
inline constexpr PartyId operator_party_id{1};

// A client's CURVE public key (Curve25519, 32 bytes; 40 characters in Z85 on the command line).
inline constexpr size_t client_key_bytes = 32;
using ClientPublicKey = std::array<uint8_t, client_key_bytes>;

// A key the server admits, bound to exactly one party: the key acts only as that party, in the
// party's role and country. A revoked key stays in the registry, so it is never admitted or
// registered again.
struct ClientKey {
  ClientPublicKey key{};
  PartyId party{};
  bool revoked = false;
  uint64_t registered_ns = 0;
  uint64_t revoked_ns = 0;
};
// Keys the registry holds per party it can hold (room for a rotation of every key at once).
inline constexpr uint32_t client_keys_per_party = 2;

// DO NOT CHANGE the numbers: stored and sent. Mirrors NCTS code list CL251 where it can
// (waiver 0, comprehensive 1, individual by guarantor 2, in cash 3, vouchers 4); TIR is 'B'.
enum class GuaranteeType : uint8_t {
  waiver = 0,
  comprehensive = 1,
  individual_guarantor = 2,
  individual_cash = 3,
  voucher = 4,
  tir_chain = 11,
};

// DO NOT CHANGE the numbers.
enum class GuaranteeStatus : uint8_t { active = 1, suspended = 2, revoked = 3, cancelled = 4 };

inline constexpr size_t guarantee_countries_max = 16;
inline constexpr size_t sensitive_headings_max = 8;
inline constexpr size_t access_codes_max = 4;
inline constexpr size_t access_code_hash_bytes = password_hash_bytes;  // Argon2id string.
// The fixed amount of a voucher (TC32), and the cap of a TIR-like chain per movement, in EUR.
inline constexpr i128 voucher_amount_eur_minor = 10'000'00;
inline constexpr i128 tir_cap_eur_minor = 100'000'00;

using AccessCodeHash = PasswordHash;

// What a provider registers.
struct GuaranteeSpec {
  Grn grn;
  GuaranteeType type = GuaranteeType::comprehensive;
  PartyId provider{};
  PartyId principal{};
  Amount reference_amount;             // Its currency is the guarantee's currency.
  uint8_t reduction_percent = 100;     // Guarantee amount = reference amount x this (100/50/30/0).
  Date valid_from;
  Date valid_to;                       // Inclusive.
  uint8_t countries_count = 0;         // 0: valid in every country.
  std::array<Country, guarantee_countries_max> countries{};
  uint8_t sensitive_count = 0;         // HS headings (4 digits) this guarantee does not cover.
  std::array<uint32_t, sensitive_headings_max> sensitive_headings{};
  uint8_t access_codes_count = 0;
  std::array<AccessCodeHash, access_codes_max> access_codes{};
};

struct Guarantee {
  GuaranteeSpec spec;
  uint32_t index = 0;
  GuaranteeStatus status = GuaranteeStatus::active;
  Date liability_liberation;  // Set when cancelled.
  bool used = false;          // Locked by a movement at least once (single-use types: no more).
  uint32_t open_movements = 0;
  uint32_t amendments = 0;    // Numbers the funding transfers of amendments.
  i128 drawn_minor = 0;       // Cover drawn by claims (the rest of the cover account's debits
                              // posted are amendments down).
};

// Single-use types secure one movement only (NCTS: individual guarantees, vouchers).
constexpr bool is_single_use(GuaranteeType type) {
  return type == GuaranteeType::individual_guarantor || type == GuaranteeType::individual_cash ||
         type == GuaranteeType::voucher;
}

inline constexpr size_t itinerary_max = 16;
inline constexpr size_t guarantee_references_max = 9;  // IE015: 9 GUARANTEE groups.
inline constexpr size_t goods_items_max = 64;
inline constexpr uint8_t whole_movement = 0xFF;  // A guarantee reference that covers every leg.

// DO NOT CHANGE the numbers. The life cycle: docs/movements.md.
enum class MovementState : uint8_t {
  declared = 1,
  released = 2,
  arrived = 3,
  written_off = 4,
  cancelled = 5,
  incident = 6,
  enquiry = 7,
  claimed = 8,
  claim_paid = 9,
  archived = 10,  // A free slot: the movement left the live tables (archive_movement).
};

struct GuaranteeReference {
  Grn grn;
  Amount amount_concerned;  // In the guarantee's currency, computed under the scheme's rule.
  bool access_code_valid = false;  // Checked at the edge against the stored hashes.
  // The itinerary position this reference secures under the national scheme (its cover is
  // released when the goods leave that country), or whole_movement (regional, TIR-like).
  uint8_t leg = whole_movement;
};

// One goods item: HS code (six digits, 0 when it cannot be classified) and customs value.
struct GoodsLine {
  uint32_t hs6 = 0;
  Amount value;
};

// How a declaration's amounts (duties per country, amount concerned per reference) were set.
// DO NOT CHANGE the numbers: stored and sent.
enum class DeclaredAmounts : uint8_t {
  // Set by the caller and taken as they are: an in-process caller (the simulator), or an
  // operator on a server whose business time comes from requests (simulations, replays).
  given = 0,
  // The sender's figures, at most a check: the ledger computes the amounts from its reference
  // data in force on the step's date and refuses the declaration (amount_mismatch) where a
  // figure the sender gave (not zero) differs. What a client over the wire sends.
  expected = 1,
  // Computed by the ledger from reference data version `reference_version`: how a computed
  // declaration is journaled, so that a replay never depends on the reference data.
  computed = 2,
};

// A transit declaration: goods, itinerary, guarantee references, and the amounts to be covered
// (computed by the ledger unless given by a trusted caller; journaled as computed).
struct Declaration {
  Mrn mrn;
  PartyId principal{};
  uint8_t itinerary_count = 0;  // Departure first, destination last.
  std::array<Country, itinerary_max> itinerary{};
  // Duties and taxes each country would be owed, in the scheme's base currency (the duty
  // ledger's "suspended under guarantee"), aligned with the itinerary.
  std::array<Amount, itinerary_max> duties{};
  uint8_t goods_count = 0;
  std::array<GoodsLine, goods_items_max> goods{};
  uint64_t time_limit_ns = 0;  // Presentation at destination due by then.
  uint8_t references_count = 0;
  std::array<GuaranteeReference, guarantee_references_max> references{};
  DeclaredAmounts amounts = DeclaredAmounts::given;
  uint32_t reference_version = 0;  // computed: the version used; otherwise 0.
};

// One step of a movement's history. DO NOT CHANGE the numbers.
enum class MovementEvent : uint8_t {
  declared = 1,
  released = 2,
  crossed = 3,
  arrived = 4,
  written_off = 5,
  cancelled = 6,
  incident = 7,
  enquiry = 8,
  claimed = 9,
  claim_paid = 10,  // One provider paid its part (the last one completes the claim).
};

struct MovementHistoryEntry {
  MovementEvent event = MovementEvent::declared;
  Country country;  // Where it happened (the acting customs' country, or departure).
  PartyId party{};
  uint64_t at_ns = 0;
};

// A movement's history holds at most this many steps: declare, release, up to 15 crossings,
// incident, enquiry, arrival or claim, write-off or payments of up to 9 providers... bounded.
inline constexpr size_t movement_history_max = 32;

struct Movement {
  Declaration declaration;
  uint32_t index = 0;        // Its slot in the table (reused once archived).
  uint32_t number = 0;       // Declaration order from 0, never reused: numbers its accounts and
                             // transfers in the core.
  MovementState state = MovementState::declared;
  uint64_t declared_ns = 0;
  uint64_t released_ns = 0;  // Lock date of the cover.
  uint64_t arrived_ns = 0;   // Release date of the cover.
  uint32_t release_attempts = 0;  // Numbers the reservation transfers of each attempt.
  uint8_t crossings = 0;     // Border crossings recorded (countries passed, in order).
  uint16_t discharged_references = 0;  // Bit i: reference i's leg was left, its cover released.
  uint8_t duties_released = 0;  // Positions [0, this) of the itinerary: duties no longer suspended.
  Country claim_country;
  Amount claimed;            // Amount claimed by claim_country, in the base currency.
  Amount drawn;              // Part of it drawn from cover (the rest is uncovered duty).
  uint16_t paid_references = 0;  // Bit i: the draw on reference i has been paid.
  uint64_t claimed_ns = 0;
  uint8_t history_count = 0;
  std::array<MovementHistoryEntry, movement_history_max> history{};
};

}  // namespace kervan

namespace kervan {

inline constexpr size_t union_distribution_members_max = 8;

// A customs union's distribution of the duties its members collected (EAEU-style shares, EU-style
// retention): docs/settlement.md. Shares of members + pool_share_percent must be 100.
struct UnionDistribution {
  uint8_t members_count = 0;
  std::array<Country, union_distribution_members_max> members{};
  std::array<Decimal, union_distribution_members_max> shares_percent{};
  Decimal pool_share_percent{};
  Decimal retention_percent{};
  Currency currency = Currency::eur;
};

}  // namespace kervan
