#include "ledger/transit/value_coding.h"

#include <cstring>

#include <optional>

namespace kervan {

void put(ByteWriter& w, Country c) { w.u16(c.empty() ? 0 : c.code()); }
void put(ByteWriter& w, const Grn& g) { w.text(g.text()); }
void put(ByteWriter& w, const Mrn& m) { w.text(m.text()); }
void put(ByteWriter& w, Amount a) {
  w.i128(a.minor());
  w.u16(currency_numeric(a.currency()));
}
void put(ByteWriter& w, Date d) { w.u32(static_cast<uint32_t>(d.days_since_epoch())); }

bool get(ByteReader& r, Country* c) {
  const uint16_t code = r.u16();
  if (code == 0) {
    *c = Country();
    return r.ok();
  }
  return r.ok() && Country::from_code(code, c) == CountryError::ok;
}
bool get(ByteReader& r, Grn* g) {
  const std::string_view text = r.text();
  if (text.empty()) {
    *g = Grn();
    return r.ok();
  }
  return r.ok() && Grn::parse(text, g).ok();
}
bool get(ByteReader& r, Mrn* m) {
  const std::string_view text = r.text();
  if (text.empty()) {
    *m = Mrn();
    return r.ok();
  }
  return r.ok() && Mrn::parse(text, m).ok();
}
bool get(ByteReader& r, Amount* a) {
  const i128 minor = r.i128();
  const uint16_t numeric = r.u16();
  if (!r.ok()) return false;
  if (numeric == 0) {
    *a = Amount();  // The placeholder of an unused field.
    return minor == 0;
  }
  const std::optional<Currency> currency = currency_from_numeric(numeric);
  if (!currency) return false;
  *a = Amount::from_minor(minor, *currency);
  return true;
}
bool get(ByteReader& r, Date* d) {
  const auto days = static_cast<int32_t>(r.u32());
  const std::optional<Date> date = Date::from_days(days);
  if (!r.ok() || !date) return false;
  *d = *date;
  return true;
}

void put(ByteWriter& w, Decimal d) {
  w.i128(d.mantissa());
  w.u8(d.scale());
}
bool get(ByteReader& r, Decimal* d) {
  const i128 mantissa = r.i128();
  const uint8_t scale = r.u8();
  if (!r.ok() || scale > decimal_scale_max) return false;
  *d = Decimal::from_parts(mantissa, scale);
  return true;
}

// ---- Records of the domain --------------------------------------------------------------------------------

void put(ByteWriter& w, const Party& p) {
  w.u64(static_cast<uint64_t>(p.id));
  w.u8(static_cast<uint8_t>(p.role));
  put(w, p.country);
}
bool get(ByteReader& r, Party* p) {
  p->id = PartyId{r.u64()};
  const uint8_t role = r.u8();
  p->role = static_cast<PartyRole>(role);
  return r.ok() && role >= 1 && role <= 5 && get(r, &p->country);
}

void put(ByteWriter& w, const GuaranteeSpec& s) {
  put(w, s.grn);
  w.u8(static_cast<uint8_t>(s.type));
  w.u64(static_cast<uint64_t>(s.provider));
  w.u64(static_cast<uint64_t>(s.principal));
  put(w, s.reference_amount);
  w.u8(s.reduction_percent);
  put(w, s.valid_from);
  put(w, s.valid_to);
  w.u8(s.countries_count);
  for (size_t i = 0; i < s.countries_count; ++i) put(w, s.countries[i]);
  w.u8(s.sensitive_count);
  for (size_t i = 0; i < s.sensitive_count; ++i) w.u32(s.sensitive_headings[i]);
  w.u8(s.access_codes_count);
  for (size_t i = 0; i < s.access_codes_count; ++i) {
    w.bytes({reinterpret_cast<const uint8_t*>(s.access_codes[i].data()), access_code_hash_bytes});
  }
}
bool get(ByteReader& r, GuaranteeSpec* s) {
  bool ok = get(r, &s->grn);
  s->type = static_cast<GuaranteeType>(r.u8());
  s->provider = PartyId{r.u64()};
  s->principal = PartyId{r.u64()};
  ok = ok && get(r, &s->reference_amount);
  s->reduction_percent = r.u8();
  ok = ok && get(r, &s->valid_from) && get(r, &s->valid_to);
  s->countries_count = r.u8();
  ok = ok && s->countries_count <= guarantee_countries_max;
  for (size_t i = 0; ok && i < s->countries_count; ++i) ok = get(r, &s->countries[i]);
  s->sensitive_count = r.u8();
  ok = ok && s->sensitive_count <= sensitive_headings_max;
  for (size_t i = 0; ok && i < s->sensitive_count; ++i) s->sensitive_headings[i] = r.u32();
  s->access_codes_count = r.u8();
  ok = ok && s->access_codes_count <= access_codes_max;
  for (size_t i = 0; ok && i < s->access_codes_count; ++i) {
    const std::span<const uint8_t> hash = r.bytes(access_code_hash_bytes);
    ok = r.ok();
    if (ok) std::memcpy(s->access_codes[i].data(), hash.data(), access_code_hash_bytes);
  }
  return ok && r.ok();
}

void put(ByteWriter& w, const Declaration& d) {
  put(w, d.mrn);
  w.u64(static_cast<uint64_t>(d.principal));
  w.u8(d.itinerary_count);
  for (size_t i = 0; i < d.itinerary_count; ++i) {
    put(w, d.itinerary[i]);
    put(w, d.duties[i]);
  }
  w.u8(d.goods_count);
  for (size_t i = 0; i < d.goods_count; ++i) {
    w.u32(d.goods[i].hs6);
    put(w, d.goods[i].value);
  }
  w.u64(d.time_limit_ns);
  w.u8(d.references_count);
  for (size_t i = 0; i < d.references_count; ++i) {
    put(w, d.references[i].grn);
    put(w, d.references[i].amount_concerned);
    w.u8(d.references[i].access_code_valid ? 1 : 0);
    w.u8(d.references[i].leg);
  }
  w.u8(static_cast<uint8_t>(d.amounts));
  w.u32(d.reference_version);
}
bool get(ByteReader& r, Declaration* d) {
  bool ok = get(r, &d->mrn);
  d->principal = PartyId{r.u64()};
  d->itinerary_count = r.u8();
  ok = ok && d->itinerary_count <= itinerary_max;
  for (size_t i = 0; ok && i < d->itinerary_count; ++i) {
    ok = get(r, &d->itinerary[i]) && get(r, &d->duties[i]);
  }
  d->goods_count = r.u8();
  ok = ok && d->goods_count <= goods_items_max;
  for (size_t i = 0; ok && i < d->goods_count; ++i) {
    d->goods[i].hs6 = r.u32();
    ok = get(r, &d->goods[i].value);
  }
  d->time_limit_ns = r.u64();
  d->references_count = r.u8();
  ok = ok && d->references_count <= guarantee_references_max;
  for (size_t i = 0; ok && i < d->references_count; ++i) {
    GuaranteeReference& ref = d->references[i];
    ok = get(r, &ref.grn) && get(r, &ref.amount_concerned);
    const uint8_t valid = r.u8();
    ok = ok && valid <= 1;
    ref.access_code_valid = valid == 1;
    ref.leg = r.u8();
  }
  const uint8_t amounts = r.u8();
  d->amounts = static_cast<DeclaredAmounts>(amounts);
  d->reference_version = r.u32();
  ok = ok && amounts <= static_cast<uint8_t>(DeclaredAmounts::computed) &&
       (d->amounts == DeclaredAmounts::computed) == (d->reference_version != 0);
  return ok && r.ok();
}

void put(ByteWriter& w, const UnionDistribution& u) {
  w.u8(u.members_count);
  for (size_t i = 0; i < u.members_count; ++i) {
    put(w, u.members[i]);
    put(w, u.shares_percent[i]);
  }
  put(w, u.pool_share_percent);
  put(w, u.retention_percent);
  w.u16(currency_numeric(u.currency));
}
bool get(ByteReader& r, UnionDistribution* u) {
  u->members_count = r.u8();
  bool ok = r.ok() && u->members_count <= union_distribution_members_max;
  for (size_t i = 0; ok && i < u->members_count; ++i) {
    ok = get(r, &u->members[i]) && get(r, &u->shares_percent[i]);
  }
  ok = ok && get(r, &u->pool_share_percent) && get(r, &u->retention_percent);
  const std::optional<Currency> currency = currency_from_numeric(r.u16());
  if (!ok || !r.ok() || !currency) return false;
  u->currency = *currency;
  return true;
}

}  // namespace kervan
