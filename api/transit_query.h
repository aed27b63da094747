// Transit queries over the wire (operation transit_query, docs/protocol.md "Transit queries"):
// a movement's status and history, a guarantee's status and balance, its usage, a provider's
// exposure per principal, a country's duty statement. This file is the codec of the query and of
// its answer, and the server's answering function: pure, no sockets, no exceptions.
//
// Who may read what is ledger/transit/read_access.h. An answer says `not_found` for an id that
// does not exist, whoever asks; a reader that may not read an existing object is refused by the
// server with the protocol status `forbidden`, and nothing of the object is sent.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ledger/transit/transit_queries.h"

namespace kervan {

// DO NOT CHANGE the numbers: sent on the wire.
enum class QueryKind : uint8_t {
  movement = 1,         // Status, amounts, references and history of one movement.
  guarantee = 2,        // Status, terms and balance of one guarantee.
  guarantee_usage = 3,  // The movements that locked a guarantee's cover, in lock order.
  exposure = 4,         // A provider's cover in use per principal.
  duty_statement = 5,   // A country's duties for a period.
  cover = 6,            // What the server would compute for a declaration now; locks nothing.
  events = 7,           // The steps from a journal sequence on that the reader may read.
  reference_versions = 8,  // The versions of reference data loaded: ids, hashes, dates.
};
inline constexpr uint8_t query_kind_max = 8;
// An events query reads at most this many journal records, and returns at most this many steps.
inline constexpr uint32_t events_scan_records_max = 65'536;
inline constexpr uint32_t events_entries_max = 1024;

// DO NOT CHANGE the numbers: sent on the wire.
enum class QueryResult : uint8_t {
  ok = 0,
  not_found = 1,       // No movement or guarantee with that reference.
  period_invalid = 2,  // from_ns after to_ns (both 0: the whole history).
  refused = 3,         // cover: the declaration would be refused; `refusal` says why.
};

// The most entries of a list (usage, exposure) one answer carries; `skip` pages through more.
inline constexpr uint32_t query_list_entries_max = 1024;

struct TransitQuery {
  QueryKind kind = QueryKind::movement;
  Mrn mrn{};                            // movement
  Grn grn{};                            // guarantee, guarantee_usage
  PartyId provider{};                   // exposure
  Country country{};                    // duty_statement
  Currency currency = Currency::none;   // duty_statement
  uint64_t from_ns = 0;                 // guarantee_usage, duty_statement (0, 0: all)
  uint64_t to_ns = 0;
  uint32_t skip = 0;                    // guarantee_usage, exposure: entries to skip.
  Declaration declaration{};            // cover: its facts (amounts expected; figures ignored).
  uint64_t from_sequence = 0;           // events: the first journal sequence to read (>= 1).
  uint32_t limit = 0;                   // events: steps to return at most (1..1,024).
};

// A step of an events answer: as journaled, without the state after it.
struct JournaledStep {
  uint64_t sequence = 0;
  uint64_t at_ns = 0;
  std::vector<uint8_t> command_bytes;  // The command's coding (docs/storage_format.md).
};

// Codes the query; returns the bytes written, 0 when it does not fit.
size_t encode_transit_query(const TransitQuery& query, std::span<uint8_t> out);
// False when the bytes are not exactly one well-formed query (a known kind, its fields valid).
[[nodiscard]] bool decode_transit_query(std::span<const uint8_t> bytes, TransitQuery* out);

// What a reader asked for, decoded from an answer.
struct TransitAnswer {
  QueryKind kind = QueryKind::movement;
  QueryResult result = QueryResult::ok;
  Movement movement;                     // movement
  Guarantee guarantee;                   // guarantee (without its access-code hashes)
  GuaranteeBalance balance;              // guarantee
  uint32_t total = 0;                    // Lists: entries in all, of which these start at skip.
  std::vector<GuaranteeUsage> usage;     // guarantee_usage
  PartyId provider{};                    // exposure
  std::vector<PrincipalExposure> exposure;  // exposure
  uint64_t from_ns = 0;                  // duty_statement: the period asked for.
  uint64_t to_ns = 0;
  DutyStatement duties;                  // duty_statement
  Declaration declaration;               // cover: as the server would record it
  TransitResult refusal = TransitResult::ok;  // cover, refused: why
  uint64_t next_from = 0;                // events: where to read on (every step before it read)
  uint64_t durable_last = 0;             // events: the last durable sequence when answered
  std::vector<JournaledStep> steps;      // events
  struct Version {
    uint32_t id = 0;
    Digest content_hash{};
    Date effective_from;
    uint64_t loaded_ns = 0;
    uint32_t superseded_by = 0;
  };
  std::vector<Version> versions;         // reference_versions, in loading order
};

enum class QueryAccess : uint8_t { answered, forbidden };

// The server's side: answers `query` from `ledger` for `reader` (nullptr: an insecure server,
// which reads everything) into `out`. Returns forbidden, writing nothing, when the reader may
// not read the object. *written is the answer's size; an answer never exceeds
// transit_answer_bytes_max. `now_ns` is the business time a cover query computes at (every
// party may ask one: the rules and tariffs are public, and nothing is locked or recorded).
QueryAccess answer_transit_query(const TransitLedger& ledger, const Party* reader,
                                 const TransitQuery& query, std::span<uint8_t> out,
                                 size_t* written, uint64_t now_ns = 0);
inline constexpr size_t transit_answer_bytes_max = 256 * 1024;

// The client's side: false when the bytes are not exactly one well-formed answer.
[[nodiscard]] bool decode_transit_answer(std::span<const uint8_t> bytes, TransitAnswer* out);

std::string_view query_kind_name(QueryKind kind);
std::string_view query_result_name(QueryResult result);

}  // namespace kervan
