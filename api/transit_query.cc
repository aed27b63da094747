#include "api/transit_query.h"

#include <algorithm>

#include "core/byte_stream.h"
#include "ledger/transit/read_access.h"
#include "ledger/transit/value_coding.h"

namespace kervan {

namespace {

// The ranges an answer's enumerations may take. An archived movement is never answered (it is
// not found), so the last state an answer carries is claim_paid.
constexpr uint8_t state_last = static_cast<uint8_t>(MovementState::claim_paid);
constexpr uint8_t event_last = static_cast<uint8_t>(MovementEvent::claim_paid);
constexpr uint8_t status_last = static_cast<uint8_t>(GuaranteeStatus::cancelled);
constexpr uint8_t result_last = static_cast<uint8_t>(QueryResult::refused);

bool period_valid(uint64_t from_ns, uint64_t to_ns) {
  return (from_ns == 0 && to_ns == 0) || from_ns <= to_ns;
}

// ---- Answer records ---------------------------------------------------------------------

void put_movement(ByteWriter& w, const Movement& m) {
  put(w, m.declaration);
  w.u8(static_cast<uint8_t>(m.state));
  w.u64(m.declared_ns);
  w.u64(m.released_ns);
  w.u64(m.arrived_ns);
  w.u8(m.crossings);
  w.u16(m.discharged_references);
  w.u8(m.duties_released);
  put(w, m.claim_country);
  put(w, m.claimed);
  put(w, m.drawn);
  w.u16(m.paid_references);
  w.u64(m.claimed_ns);
  w.u8(m.history_count);
  for (size_t i = 0; i < m.history_count; ++i) {
    const MovementHistoryEntry& e = m.history[i];
    w.u8(static_cast<uint8_t>(e.event));
    put(w, e.country);
    w.u64(static_cast<uint64_t>(e.party));
    w.u64(e.at_ns);
  }
}

bool get_movement(ByteReader& r, Movement* m) {
  bool ok = get(r, &m->declaration);
  const uint8_t state = r.u8();
  ok = ok && state >= 1 && state <= state_last;
  m->state = static_cast<MovementState>(state);
  m->declared_ns = r.u64();
  m->released_ns = r.u64();
  m->arrived_ns = r.u64();
  m->crossings = r.u8();
  m->discharged_references = r.u16();
  m->duties_released = r.u8();
  ok = ok && get(r, &m->claim_country) && get(r, &m->claimed) && get(r, &m->drawn);
  m->paid_references = r.u16();
  m->claimed_ns = r.u64();
  m->history_count = r.u8();
  ok = ok && m->history_count <= movement_history_max;
  for (size_t i = 0; ok && i < m->history_count; ++i) {
    MovementHistoryEntry& e = m->history[i];
    const uint8_t event = r.u8();
    ok = event >= 1 && event <= event_last && get(r, &e.country);
    e.event = static_cast<MovementEvent>(event);
    e.party = PartyId{r.u64()};
    e.at_ns = r.u64();
  }
  return ok && r.ok();
}

void put_guarantee(ByteWriter& w, const Guarantee& g, const GuaranteeBalance& b) {
  GuaranteeSpec spec = g.spec;
  spec.access_codes_count = 0;  // Hashes of secrets never leave the server.
  put(w, spec);
  w.u8(static_cast<uint8_t>(g.status));
  put(w, g.liability_liberation);
  w.u8(g.used ? 1 : 0);
  w.u32(g.amendments);
  put(w, b.amount);
  put(w, b.reserved);
  put(w, b.drawn);
  put(w, b.available);
  w.u32(b.open_movements);
}

bool get_guarantee(ByteReader& r, Guarantee* g, GuaranteeBalance* b) {
  bool ok = get(r, &g->spec);
  const uint8_t status = r.u8();
  ok = ok && status >= 1 && status <= status_last && get(r, &g->liability_liberation);
  g->status = static_cast<GuaranteeStatus>(status);
  const uint8_t used = r.u8();
  ok = ok && used <= 1;
  g->used = used == 1;
  g->amendments = r.u32();
  ok = ok && get(r, &b->amount) && get(r, &b->reserved) && get(r, &b->drawn) &&
       get(r, &b->available);
  b->open_movements = r.u32();
  g->open_movements = b->open_movements;
  return ok && r.ok();
}

void put_usage(ByteWriter& w, const GuaranteeUsage& u) {
  put(w, u.mrn);
  put(w, u.covered);
  w.u64(u.lock_ns);
  w.u64(u.release_ns);
  w.u8(static_cast<uint8_t>(u.state));
}

bool get_usage(ByteReader& r, GuaranteeUsage* u) {
  bool ok = get(r, &u->mrn) && get(r, &u->covered);
  u->lock_ns = r.u64();
  u->release_ns = r.u64();
  const uint8_t state = r.u8();
  u->state = static_cast<MovementState>(state);
  return ok && state >= 1 && state <= state_last && r.ok();
}

void put_exposure(ByteWriter& w, const PrincipalExposure& e) {
  w.u64(static_cast<uint64_t>(e.principal));
  put(w, e.reserved);
  put(w, e.drawn);
  w.u32(e.open_movements);
  w.u32(e.guarantees);
}

bool get_exposure(ByteReader& r, PrincipalExposure* e) {
  e->principal = PartyId{r.u64()};
  const bool ok = get(r, &e->reserved) && get(r, &e->drawn);
  e->currency = e->reserved.currency();
  e->open_movements = r.u32();
  e->guarantees = r.u32();
  return ok && r.ok();
}

void put_duties(ByteWriter& w, const DutyStatement& d) {
  put(w, d.country);
  w.u16(currency_numeric(d.currency));
  put(w, d.suspended_now);
  put(w, d.claimed);
  put(w, d.drawn);
  put(w, d.uncovered);
  put(w, d.collected);
  w.u32(d.claims);
}

bool get_duties(ByteReader& r, DutyStatement* d) {
  bool ok = get(r, &d->country);
  const std::optional<Currency> currency = currency_from_numeric(r.u16());
  ok = ok && currency.has_value();
  if (ok) d->currency = *currency;
  ok = ok && get(r, &d->suspended_now) && get(r, &d->claimed) && get(r, &d->drawn) &&
       get(r, &d->uncovered) && get(r, &d->collected);
  d->claims = r.u32();
  return ok && r.ok();
}

// A page of a list: u32 total, u32 n, then n entries from `skip`.
template <typename T, typename Put>
void put_page(ByteWriter& w, const std::vector<T>& all, uint32_t skip, Put put_one) {
  const size_t first = std::min<size_t>(skip, all.size());
  const size_t n = std::min<size_t>(all.size() - first, query_list_entries_max);
  w.u32(static_cast<uint32_t>(all.size()));
  w.u32(static_cast<uint32_t>(n));
  for (size_t i = first; i < first + n; ++i) put_one(w, all[i]);
}

template <typename T, typename Get>
bool get_page(ByteReader& r, uint32_t* total, std::vector<T>* out, Get get_one) {
  *total = r.u32();
  const uint32_t n = r.u32();
  if (!r.ok() || n > query_list_entries_max || n > *total) return false;
  out->assign(n, T{});
  for (T& entry : *out) {
    if (!get_one(r, &entry)) return false;
  }
  return true;
}

}  // namespace

// ---- Queries ------------------------------------------------------------------------------

size_t encode_transit_query(const TransitQuery& q, std::span<uint8_t> out) {
  ByteWriter w(out);
  w.u8(static_cast<uint8_t>(q.kind));
  switch (q.kind) {
    case QueryKind::movement:
      put(w, q.mrn);
      break;
    case QueryKind::guarantee:
      put(w, q.grn);
      break;
    case QueryKind::guarantee_usage:
      put(w, q.grn);
      w.u64(q.from_ns);
      w.u64(q.to_ns);
      w.u32(q.skip);
      break;
    case QueryKind::exposure:
      w.u64(static_cast<uint64_t>(q.provider));
      w.u32(q.skip);
      break;
    case QueryKind::duty_statement:
      put(w, q.country);
      w.u16(currency_numeric(q.currency));
      w.u64(q.from_ns);
      w.u64(q.to_ns);
      break;
    case QueryKind::cover:
      put(w, q.declaration);
      break;
    case QueryKind::events:
      w.u64(q.from_sequence);
      w.u32(q.limit);
      break;
    case QueryKind::reference_versions:
      break;
  }
  return w.ok() ? w.written().size() : 0;
}

bool decode_transit_query(std::span<const uint8_t> bytes, TransitQuery* out) {
  ByteReader r(bytes);
  TransitQuery q;
  const uint8_t kind = r.u8();
  if (!r.ok() || kind < 1 || kind > query_kind_max) return false;
  q.kind = static_cast<QueryKind>(kind);
  bool ok = true;
  switch (q.kind) {
    case QueryKind::movement:
      ok = get(r, &q.mrn) && !q.mrn.empty();
      break;
    case QueryKind::guarantee:
      ok = get(r, &q.grn) && !q.grn.empty();
      break;
    case QueryKind::guarantee_usage:
      ok = get(r, &q.grn) && !q.grn.empty();
      q.from_ns = r.u64();
      q.to_ns = r.u64();
      q.skip = r.u32();
      break;
    case QueryKind::exposure:
      q.provider = PartyId{r.u64()};
      q.skip = r.u32();
      break;
    case QueryKind::duty_statement: {
      ok = get(r, &q.country) && !q.country.empty();
      const std::optional<Currency> currency = currency_from_numeric(r.u16());
      ok = ok && currency.has_value();
      if (ok) q.currency = *currency;
      q.from_ns = r.u64();
      q.to_ns = r.u64();
      break;
    }
    case QueryKind::cover:
      ok = get(r, &q.declaration) && q.declaration.amounts == DeclaredAmounts::expected;
      break;
    case QueryKind::events:
      q.from_sequence = r.u64();
      q.limit = r.u32();
      ok = q.from_sequence >= 1 && q.limit >= 1 && q.limit <= events_entries_max;
      break;
    case QueryKind::reference_versions:
      break;
  }
  if (!ok || !r.done()) return false;
  *out = q;
  return true;
}

// ---- Answers ------------------------------------------------------------------------------

QueryAccess answer_transit_query(const TransitLedger& ledger, const Party* reader,
                                 const TransitQuery& q, std::span<uint8_t> out,
                                 size_t* written, uint64_t now_ns) {
  *written = 0;
  ByteWriter w(out.first(std::min(out.size(), transit_answer_bytes_max)));
  const auto answer = [&](QueryResult result) {
    w.u8(static_cast<uint8_t>(result));
    w.u8(static_cast<uint8_t>(q.kind));
  };
  switch (q.kind) {
    case QueryKind::movement: {
      const Movement* m = ledger.movement(q.mrn);
      if (m == nullptr) {
        answer(QueryResult::not_found);
        break;
      }
      if (reader != nullptr && !may_read_movement(ledger, *reader, *m)) {
        return QueryAccess::forbidden;
      }
      answer(QueryResult::ok);
      put_movement(w, *m);
      break;
    }
    case QueryKind::guarantee:
    case QueryKind::guarantee_usage: {
      const Guarantee* g = ledger.guarantee(q.grn);
      if (g == nullptr) {
        answer(QueryResult::not_found);
        break;
      }
      if (reader != nullptr && !may_read_guarantee(*reader, *g)) return QueryAccess::forbidden;
      if (q.kind == QueryKind::guarantee) {
        answer(QueryResult::ok);
        put_guarantee(w, *g, ledger.balance(*g));
        break;
      }
      if (!period_valid(q.from_ns, q.to_ns)) {
        answer(QueryResult::period_invalid);
        break;
      }
      answer(QueryResult::ok);
      put_page(w, guarantee_usage(ledger, q.grn, q.from_ns, q.to_ns), q.skip, put_usage);
      break;
    }
    case QueryKind::exposure:
      if (reader != nullptr && !may_read_exposure(*reader, q.provider)) {
        return QueryAccess::forbidden;
      }
      answer(QueryResult::ok);
      w.u64(static_cast<uint64_t>(q.provider));
      put_page(w, provider_exposure(ledger, q.provider), q.skip, put_exposure);
      break;
    case QueryKind::duty_statement:
      if (reader != nullptr && !may_read_duties(*reader, q.country)) {
        return QueryAccess::forbidden;
      }
      if (!period_valid(q.from_ns, q.to_ns)) {
        answer(QueryResult::period_invalid);
        break;
      }
      answer(QueryResult::ok);
      w.u64(q.from_ns);
      w.u64(q.to_ns);
      put_duties(w, duty_statement(ledger, q.country, q.currency, q.from_ns, q.to_ns));
      break;
    case QueryKind::events:
      KERVAN_UNREACHABLE();  // The server answers it from the journal (answer_events_query).
    case QueryKind::reference_versions: {  // Public: what every amount is computed with.
      const ReferenceVersions& versions = ledger.reference_versions();
      answer(QueryResult::ok);
      w.u32(static_cast<uint32_t>(versions.size()));
      for (size_t i = 0; i < versions.size(); ++i) {
        const ReferenceVersion& v = versions[i];
        w.u32(v.id);
        w.bytes(v.content_hash);
        put(w, v.effective_from);
        w.u64(v.loaded_ns);
        w.u32(v.superseded_by);
      }
      break;
    }
    case QueryKind::cover: {
      // The figures the asker stated are not compared: it asks what they should be.
      Declaration d = q.declaration;
      for (size_t i = 0; i < d.references_count; ++i) d.references[i].amount_concerned = Amount();
      for (size_t i = 0; i < d.itinerary_count; ++i) d.duties[i] = Amount();
      const TransitResult result = ledger.compute_declaration(now_ns, &d);
      KERVAN_ASSERT(result != TransitResult::ok || d.amounts == DeclaredAmounts::computed);
      answer(result == TransitResult::ok ? QueryResult::ok : QueryResult::refused);
      if (result == TransitResult::ok) {
        put(w, d);
      } else {
        w.u8(static_cast<uint8_t>(result));
      }
      break;
    }
  }
  // Every answer fits by construction: a movement is a few kilobytes, a page at most
  // query_list_entries_max entries of under 100 bytes.
  KERVAN_ASSERT(w.ok());
  *written = w.written().size();
  return QueryAccess::answered;
}

bool decode_transit_answer(std::span<const uint8_t> bytes, TransitAnswer* out) {
  ByteReader r(bytes);
  TransitAnswer a;
  const uint8_t result = r.u8();
  const uint8_t kind = r.u8();
  if (!r.ok() || result > result_last || kind < 1 || kind > query_kind_max) return false;
  a.result = static_cast<QueryResult>(result);
  a.kind = static_cast<QueryKind>(kind);
  bool ok = true;
  if (a.result == QueryResult::ok) {
    switch (a.kind) {
      case QueryKind::movement:
        ok = get_movement(r, &a.movement);
        break;
      case QueryKind::guarantee:
        ok = get_guarantee(r, &a.guarantee, &a.balance);
        break;
      case QueryKind::guarantee_usage:
        ok = get_page(r, &a.total, &a.usage, get_usage);
        break;
      case QueryKind::exposure:
        a.provider = PartyId{r.u64()};
        ok = get_page(r, &a.total, &a.exposure, get_exposure);
        break;
      case QueryKind::duty_statement:
        a.from_ns = r.u64();
        a.to_ns = r.u64();
        ok = get_duties(r, &a.duties);
        break;
      case QueryKind::cover:
        ok = get(r, &a.declaration) && a.declaration.amounts == DeclaredAmounts::computed;
        break;
      case QueryKind::reference_versions: {
        const uint32_t n = r.u32();
        ok = r.ok() && n <= reference_versions_max;
        for (uint32_t i = 0; ok && i < n; ++i) {
          TransitAnswer::Version v;
          v.id = r.u32();
          const std::span<const uint8_t> hash = r.bytes(v.content_hash.size());
          ok = hash.size() == v.content_hash.size() && get(r, &v.effective_from);
          if (ok) std::copy(hash.begin(), hash.end(), v.content_hash.begin());
          v.loaded_ns = r.u64();
          v.superseded_by = r.u32();
          ok = ok && r.ok() && v.id == i + 1 && v.superseded_by <= n;
          a.versions.push_back(v);
        }
        break;
      }
      case QueryKind::events: {
        a.next_from = r.u64();
        a.durable_last = r.u64();
        const uint32_t n = r.u32();
        ok = r.ok() && n <= events_entries_max;
        for (uint32_t i = 0; ok && i < n; ++i) {
          JournaledStep step;
          step.sequence = r.u64();
          step.at_ns = r.u64();
          const std::span<const uint8_t> command = r.bytes(r.u32());
          TransitCommand decoded;
          ok = r.ok() && step.sequence != 0 && decode_transit_command(command, &decoded);
          step.command_bytes.assign(command.begin(), command.end());
          a.steps.push_back(std::move(step));
        }
        break;
      }
    }
  } else if (a.result == QueryResult::refused) {
    const uint8_t refusal = r.u8();
    a.refusal = static_cast<TransitResult>(refusal);
    ok = a.kind == QueryKind::cover && refusal != 0 && refusal <= transit_result_max;
  }
  if (!ok || !r.done()) return false;
  *out = std::move(a);
  return true;
}

std::string_view query_kind_name(QueryKind kind) {
  switch (kind) {
    case QueryKind::movement: return "movement";
    case QueryKind::guarantee: return "guarantee";
    case QueryKind::guarantee_usage: return "guarantee_usage";
    case QueryKind::exposure: return "exposure";
    case QueryKind::duty_statement: return "duty_statement";
    case QueryKind::cover: return "cover";
    case QueryKind::events: return "events";
    case QueryKind::reference_versions: return "reference_versions";
  }
  return "unknown";
}

std::string_view query_result_name(QueryResult result) {
  switch (result) {
    case QueryResult::ok: return "ok";
    case QueryResult::not_found: return "not_found";
    case QueryResult::period_invalid: return "period_invalid";
    case QueryResult::refused: return "refused";
  }
  return "unknown";
}

}  // namespace kervan
