#include "sim/result_coding.h"

#include <bit>
#include <string>
#include <utility>

#include "core/assert.h"
#include "core/byte_stream.h"

namespace kervan {

// A tripwire: a field added to these results must be coded here (and the version bumped), or
// an MPI run would drop it. The sizes assume 8-byte alignment of strings and vectors.
static_assert(sizeof(SchemeRunResult) ==
              2 * sizeof(std::string) + 4 * sizeof(std::vector<double>) + 3 * 8);
static_assert(sizeof(ReplicationResult) == 4 * 8 + sizeof(std::vector<SchemeRunResult>));
static_assert(sizeof(Metric) == sizeof(std::string) + 8);
static_assert(sizeof(size_t) == 8, "record lengths are u64");

namespace {

constexpr size_t text_bytes(const std::string& s) { return 4 + s.size(); }
constexpr size_t f64s_bytes(const std::vector<double>& v) { return 8 + 8 * v.size(); }

size_t scheme_bytes(const SchemeRunResult& s) {
  size_t n = text_bytes(s.scheme) + 4;
  for (const Metric& m : s.metrics) n += text_bytes(m.name) + 8;
  n += f64s_bytes(s.daily_cover_eur) + f64s_bytes(s.transit_days) + f64s_bytes(s.claim_losses_eur);
  return n + 8 + 1 + text_bytes(s.disagreement) + 8;
}

size_t replication_bytes(const ReplicationResult& r) {
  size_t n = 4 + 4 + 8 + 4 + 8 + 4;
  for (const SchemeRunResult& s : r.schemes) n += scheme_bytes(s);
  return n;
}

void put_text(ByteWriter* w, const std::string& s) {
  KERVAN_ASSERT(s.size() <= replication_text_bytes_max);
  w->u32(static_cast<uint32_t>(s.size()));
  w->bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

void put_f64(ByteWriter* w, double v) { w->u64(std::bit_cast<uint64_t>(v)); }

void put_f64s(ByteWriter* w, const std::vector<double>& v) {
  w->u64(v.size());
  for (const double x : v) put_f64(w, x);
}

void put_scheme(ByteWriter* w, const SchemeRunResult& s) {
  KERVAN_ASSERT(s.metrics.size() <= replication_metrics_max);
  put_text(w, s.scheme);
  w->u32(static_cast<uint32_t>(s.metrics.size()));
  for (const Metric& m : s.metrics) {
    put_text(w, m.name);
    put_f64(w, m.value);
  }
  put_f64s(w, s.daily_cover_eur);
  put_f64s(w, s.transit_days);
  put_f64s(w, s.claim_losses_eur);
  w->u64(s.ledger_steps);
  w->u8(s.ledger_agrees ? 1 : 0);
  put_text(w, s.disagreement);
  put_f64(w, s.little_relative_error);
}

bool get_text(ByteReader* r, std::string* out) {
  const uint32_t length = r->u32();
  if (!r->ok() || length > replication_text_bytes_max) return false;
  const std::span<const uint8_t> bytes = r->bytes(length);
  if (!r->ok()) return false;
  out->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return true;
}

double get_f64(ByteReader* r) { return std::bit_cast<double>(r->u64()); }

bool get_f64s(ByteReader* r, std::vector<double>* out) {
  const uint64_t count = r->u64();
  // The bytes must be present before anything is allocated for them.
  if (!r->ok() || count > SIZE_MAX / 8) return false;
  const std::span<const uint8_t> bytes = r->bytes(static_cast<size_t>(count) * 8);
  if (!r->ok()) return false;
  out->resize(static_cast<size_t>(count));
  for (size_t i = 0; i < out->size(); ++i) {
    (*out)[i] = std::bit_cast<double>(load_u64_le(&bytes[8 * i]));
  }
  return true;
}

bool get_scheme(ByteReader* r, SchemeRunResult* s) {
  if (!get_text(r, &s->scheme)) return false;
  const uint32_t metrics = r->u32();
  if (!r->ok() || metrics > replication_metrics_max) return false;
  for (uint32_t i = 0; i < metrics; ++i) {
    Metric m;
    if (!get_text(r, &m.name)) return false;
    m.value = get_f64(r);
    if (!r->ok()) return false;
    s->metrics.push_back(std::move(m));
  }
  if (!get_f64s(r, &s->daily_cover_eur) || !get_f64s(r, &s->transit_days) ||
      !get_f64s(r, &s->claim_losses_eur)) {
    return false;
  }
  s->ledger_steps = r->u64();
  const uint8_t agrees = r->u8();
  if (!r->ok() || agrees > 1) return false;
  s->ledger_agrees = agrees == 1;
  if (!get_text(r, &s->disagreement)) return false;
  s->little_relative_error = get_f64(r);
  return r->ok();
}

}  // namespace

std::vector<uint8_t> encode_replication(const ReplicationResult& result) {
  KERVAN_ASSERT(result.schemes.size() <= replication_schemes_max);
  std::vector<uint8_t> bytes(replication_bytes(result));
  ByteWriter w(bytes);
  w.u32(replication_coding_version);
  w.u32(result.replication);
  w.u64(result.trucks);
  w.u32(result.skipped_no_tariff);
  put_f64(&w, result.seconds);
  w.u32(static_cast<uint32_t>(result.schemes.size()));
  for (const SchemeRunResult& s : result.schemes) put_scheme(&w, s);
  KERVAN_ASSERT(w.ok() && w.written().size() == bytes.size());
  return bytes;
}

bool decode_replication(std::span<const uint8_t> bytes, ReplicationResult* out) {
  ByteReader r(bytes);
  if (r.u32() != replication_coding_version || !r.ok()) return false;
  ReplicationResult result;
  result.replication = r.u32();
  result.trucks = r.u64();
  result.skipped_no_tariff = r.u32();
  result.seconds = get_f64(&r);
  const uint32_t schemes = r.u32();
  if (!r.ok() || schemes > replication_schemes_max) return false;
  result.schemes.resize(schemes);
  for (SchemeRunResult& s : result.schemes) {
    if (!get_scheme(&r, &s)) return false;
  }
  if (!r.done()) return false;
  *out = std::move(result);
  return true;
}

std::vector<uint8_t> encode_replication_block(std::span<const ReplicationResult> results) {
  KERVAN_ASSERT(results.size() <= replication_block_count_max);
  size_t total = 4 + 4;
  for (const ReplicationResult& r : results) total += 8 + replication_bytes(r);
  std::vector<uint8_t> bytes(total);
  ByteWriter w(bytes);
  w.u32(replication_coding_version);
  w.u32(static_cast<uint32_t>(results.size()));
  for (const ReplicationResult& r : results) {
    const std::vector<uint8_t> record = encode_replication(r);
    w.u64(record.size());
    w.bytes(record);
  }
  KERVAN_ASSERT(w.ok() && w.written().size() == bytes.size());
  return bytes;
}

bool decode_replication_block(std::span<const uint8_t> bytes, std::vector<ReplicationResult>* out) {
  ByteReader r(bytes);
  if (r.u32() != replication_coding_version || !r.ok()) return false;
  const uint32_t count = r.u32();
  if (!r.ok() || count > replication_block_count_max) return false;
  std::vector<ReplicationResult> results;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t length = r.u64();
    if (!r.ok()) return false;
    const std::span<const uint8_t> record = r.bytes(static_cast<size_t>(length));
    if (!r.ok()) return false;
    ReplicationResult result;
    if (!decode_replication(record, &result)) return false;
    results.push_back(std::move(result));
  }
  if (!r.done()) return false;
  out->insert(out->end(), std::make_move_iterator(results.begin()),
              std::make_move_iterator(results.end()));
  return true;
}

}  // namespace kervan
