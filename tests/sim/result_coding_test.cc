// The coding of a replication's results (sim/result_coding.h): a round trip gives back every
// field bit for bit (odd doubles included, and a real replication of the small scenario); every
// truncation, extension and out-of-range count is refused and leaves the output unchanged.
#include "sim/result_coding.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "core/bytes.h"
#include "sim/scenario_file.h"

namespace kervan {
namespace {

uint64_t bits(double v) { return std::bit_cast<uint64_t>(v); }

void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(bits(a[i]), bits(b[i])) << "index " << i;
}

// Every field, doubles compared as bit patterns.
void expect_same(const ReplicationResult& a, const ReplicationResult& b) {
  EXPECT_EQ(a.replication, b.replication);
  EXPECT_EQ(a.trucks, b.trucks);
  EXPECT_EQ(a.skipped_no_tariff, b.skipped_no_tariff);
  EXPECT_EQ(bits(a.seconds), bits(b.seconds));
  ASSERT_EQ(a.schemes.size(), b.schemes.size());
  for (size_t k = 0; k < a.schemes.size(); ++k) {
    const SchemeRunResult& x = a.schemes[k];
    const SchemeRunResult& y = b.schemes[k];
    EXPECT_EQ(x.scheme, y.scheme);
    ASSERT_EQ(x.metrics.size(), y.metrics.size());
    for (size_t m = 0; m < x.metrics.size(); ++m) {
      EXPECT_EQ(x.metrics[m].name, y.metrics[m].name);
      EXPECT_EQ(bits(x.metrics[m].value), bits(y.metrics[m].value)) << x.metrics[m].name;
    }
    expect_same_doubles(x.daily_cover_eur, y.daily_cover_eur);
    expect_same_doubles(x.transit_days, y.transit_days);
    expect_same_doubles(x.claim_losses_eur, y.claim_losses_eur);
    EXPECT_EQ(x.ledger_steps, y.ledger_steps);
    EXPECT_EQ(x.ledger_agrees, y.ledger_agrees);
    EXPECT_EQ(x.disagreement, y.disagreement);
    EXPECT_EQ(bits(x.little_relative_error), bits(y.little_relative_error));
  }
}

// Doubles a text format would lose: a NaN with a payload, -0, infinities, a subnormal, the
// extremes, and one ulp apart.
std::vector<double> odd_doubles() {
  return {std::bit_cast<double>(uint64_t{0x7ff8'0000'dead'beef}), -0.0, 0.0,
          std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
          std::numeric_limits<double>::lowest(), 0.1, std::nextafter(0.1, 1.0)};
}

ReplicationResult made_up() {
  ReplicationResult r;
  r.replication = 4'000'000'007u;
  r.trucks = uint64_t{1} << 40;
  r.skipped_no_tariff = 3;
  r.seconds = 1.25;
  SchemeRunResult national;
  national.scheme = "national";
  for (const double v : odd_doubles()) {
    national.metrics.push_back({"cover_mean_eur/corridor/CN-KZ-UZ", v});
  }
  national.daily_cover_eur = odd_doubles();
  national.transit_days = {2.5, 3.75};
  national.ledger_steps = 123'456'789'012u;
  national.ledger_agrees = false;
  national.disagreement = std::string(300, 'x') + ": amount_not_sufficient";
  national.little_relative_error = std::numeric_limits<double>::quiet_NaN();
  SchemeRunResult regional;  // Empty arrays and names.
  regional.ledger_agrees = true;
  r.schemes = {national, regional};
  return r;
}

ReplicationResult small_scenario_replication() {
  Scenario s;
  LoadError error;
  EXPECT_EQ(load_scenario_file(KERVAN_SIM_TEST_DATA_DIR "/small.toml", &s, &error),
            LoadErrorCode::ok)
      << error.to_string();
  return run_replication(s, 1);
}

TEST(ResultCoding, RoundTripKeepsEveryBit) {
  const ReplicationResult cases[] = {ReplicationResult{}, made_up(), small_scenario_replication()};
  for (const ReplicationResult& original : cases) {
    const std::vector<uint8_t> bytes = encode_replication(original);
    ReplicationResult decoded;
    ASSERT_TRUE(decode_replication(bytes, &decoded));
    expect_same(original, decoded);
    EXPECT_EQ(encode_replication(decoded), bytes);  // And codes to the same bytes again.
  }
  const ReplicationResult real = small_scenario_replication();
  ASSERT_EQ(real.schemes.size(), 2u);
  EXPECT_FALSE(real.schemes[0].metrics.empty());
  EXPECT_FALSE(real.schemes[0].transit_days.empty());
}

TEST(ResultCoding, TheLayoutIsLittleEndianAndVersioned) {
  ReplicationResult r;
  r.replication = 0x01020304;
  r.trucks = 5;
  r.seconds = -0.0;
  const std::vector<uint8_t> bytes = encode_replication(r);
  const std::vector<uint8_t> expected = {
      1, 0, 0, 0,              // version
      4, 3, 2, 1,              // replication
      5, 0, 0, 0, 0, 0, 0, 0,  // trucks
      0, 0, 0, 0,              // skipped_no_tariff
      0, 0, 0, 0, 0, 0, 0, 0x80,  // seconds: -0.0
      0, 0, 0, 0};             // no schemes
  EXPECT_EQ(bytes, expected);
}

TEST(ResultCoding, EveryTruncationAndAnyExtraByteIsRefused) {
  const std::vector<uint8_t> bytes = encode_replication(made_up());
  const ReplicationResult sentinel = small_scenario_replication();
  for (size_t n = 0; n < bytes.size(); ++n) {
    ReplicationResult out = sentinel;
    EXPECT_FALSE(decode_replication(std::span(bytes).first(n), &out)) << "length " << n;
    expect_same(out, sentinel);  // Unchanged.
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  ReplicationResult out;
  EXPECT_FALSE(decode_replication(longer, &out));
}

// Offsets in the record of made_up(): the header is 32 bytes; the first scheme's name starts it.
constexpr size_t scheme_count_offset = 28;
constexpr size_t first_name_length_offset = 32;
constexpr size_t first_metric_count_offset = 32 + 4 + 8;  // After "national".

std::vector<uint8_t> patched_u32(size_t offset, uint32_t value) {
  std::vector<uint8_t> bytes = encode_replication(made_up());
  store_u32_le(&bytes[offset], value);
  return bytes;
}

TEST(ResultCoding, VersionsAndCountsOutOfRangeAreRefused) {
  const std::vector<uint8_t> base = encode_replication(made_up());
  // The first f64s (daily cover) follows the ten metrics of 32-byte names.
  const size_t daily_count_offset = first_metric_count_offset + 4 + 10 * (4 + 32 + 8);
  std::vector<uint8_t> huge_daily = base;
  store_u64_le(&huge_daily[daily_count_offset], uint64_t{1} << 61);  // Never allocated.
  std::vector<uint8_t> bool_two = base;
  // ledger_agrees of the first scheme: after the three arrays and ledger_steps.
  const size_t steps_offset = daily_count_offset + (8 + 10 * 8) + (8 + 2 * 8) + 8;
  EXPECT_EQ(load_u64_le(&base[steps_offset]), 123'456'789'012u);  // The offsets are right.
  bool_two[steps_offset + 8] = 2;
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
  };
  const Case cases[] = {
      {"version 0", patched_u32(0, 0)},
      {"version 2", patched_u32(0, 2)},
      {"schemes over the limit", patched_u32(scheme_count_offset, 17)},
      {"schemes beyond the bytes", patched_u32(scheme_count_offset, 3)},
      {"a text over the limit", patched_u32(first_name_length_offset, 65'537)},
      {"a text beyond the bytes", patched_u32(first_name_length_offset, 0xffff)},
      {"metrics over the limit", patched_u32(first_metric_count_offset, 65'537)},
      {"metrics beyond the bytes", patched_u32(first_metric_count_offset, 1000)},
      {"doubles beyond the bytes", huge_daily},
      {"a boolean of 2", bool_two},
  };
  for (const Case& c : cases) {
    ReplicationResult out;
    EXPECT_FALSE(decode_replication(c.bytes, &out)) << c.what;
    EXPECT_TRUE(out.schemes.empty()) << c.what;
  }
  ReplicationResult out;
  EXPECT_TRUE(decode_replication(base, &out));  // The unpatched record decodes.
}

TEST(ResultCoding, BlocksKeepTheOrderAndRefuseEveryTruncation) {
  ReplicationResult second = made_up();
  second.replication = 1;
  const ReplicationResult results[] = {ReplicationResult{}, second};
  const std::vector<uint8_t> block = encode_replication_block(results);
  std::vector<ReplicationResult> out(1);  // Appended to.
  ASSERT_TRUE(decode_replication_block(block, &out));
  ASSERT_EQ(out.size(), 3u);
  expect_same(out[1], results[0]);
  expect_same(out[2], results[1]);
  for (size_t n = 0; n < block.size(); ++n) {
    std::vector<ReplicationResult> unchanged(1);
    EXPECT_FALSE(decode_replication_block(std::span(block).first(n), &unchanged)) << n;
    EXPECT_EQ(unchanged.size(), 1u);
  }
  std::vector<uint8_t> longer = block;
  longer.push_back(0);
  EXPECT_FALSE(decode_replication_block(longer, &out));
  // An empty block (a rank with no replications) is 8 bytes and decodes to nothing.
  const std::vector<uint8_t> empty = encode_replication_block({});
  EXPECT_EQ(empty.size(), 8u);
  EXPECT_TRUE(decode_replication_block(empty, &out));
  EXPECT_EQ(out.size(), 3u);
}

}  // namespace
}  // namespace kervan
