// The load generator's workload mix: parsing, and a small mixed run through a real server in
// which every release and claim must resolve a reservation exactly once (any double use or
// unknown pending id would come back as a failed result and a non-zero exit).
#include "api/load_generator.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace kervan {
namespace {

TEST(LoadGenerator, MixIsParsedOnlyWhenKnownAndWhole) {
  LoadOptions o;
  ASSERT_TRUE(parse_mix("claim:5,single:70,reserve:20,release:5", &o));
  EXPECT_EQ(o.mix_single, 70u);
  EXPECT_EQ(o.mix_reserve, 20u);
  EXPECT_EQ(o.mix_release, 5u);
  EXPECT_EQ(o.mix_claim, 5u);
  ASSERT_TRUE(parse_mix("reserve:100", &o));
  EXPECT_EQ(o.mix_single, 0u);
  EXPECT_EQ(o.mix_reserve, 100u);
  for (const char* bad : {"", "single:50", "single:50,reserve:60", "single:100,single:0",
                          "refund:100", "single:1e2", "single:-0,reserve:100", "single=100",
                          "single:100,"}) {
    LoadOptions unchanged;
    EXPECT_FALSE(parse_mix(bad, &unchanged)) << bad;
    EXPECT_EQ(unchanged.mix_single, 100u) << bad;
  }
}

unsigned long count_after(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  return at == std::string::npos ? 0 : std::strtoul(text.c_str() + at + label.size(), nullptr, 10);
}

TEST(LoadGenerator, MixedRunResolvesEachReservationOnce) {
  LoadOptions o;
  o.transfers = 30'000;
  o.batch = 500;
  o.clients = 2;
  o.accounts = 100;
  ASSERT_TRUE(parse_mix("single:30,reserve:30,release:15,claim:25", &o));
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  const int status = run_load(o, out);
  std::fclose(out);
  const std::string report = text;
  std::free(text);
  ASSERT_EQ(status, 0) << report;
  EXPECT_NE(report.find("failed results 0"), std::string::npos) << report;
  const unsigned long single = count_after(report, "mix: single ");
  const unsigned long reserve = count_after(report, ", reserve ");
  const unsigned long release = count_after(report, ", release ");
  const unsigned long claim = count_after(report, ", claim ");
  EXPECT_EQ(single + reserve + release + claim, o.transfers) << report;
  EXPECT_GT(release, 0u) << report;
  EXPECT_GT(claim, 0u) << report;
  EXPECT_GE(reserve, release + claim) << report;  // Each resolution used its own reservation.
}

}  // namespace
}  // namespace kervan
