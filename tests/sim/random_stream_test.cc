#include "sim/random_stream.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace kervan {
namespace {

// Golden values below come from an independent Python transcription of the published
// algorithms (xoshiro256** 1.0, SplitMix64, FNV-1a 64; tests/sim/golden_values.py). Any change
// of generator, seeding or scaling changes them, and with them every simulation result: update
// them only on purpose.

TEST(RandomStream, MatchesTheXoshiro256StarStarReferenceVector) {
  // The state {1, 2, 3, 4} is the reference implementation's own test vector.
  RandomStream stream(std::array<uint64_t, 4>{1, 2, 3, 4});
  const uint64_t expected[] = {11520ull,
                               0ull,
                               1509978240ull,
                               1215971899390074240ull,
                               1216172134540287360ull,
                               607988272756665600ull};
  for (const uint64_t value : expected) EXPECT_EQ(stream.next(), value);
}

TEST(RandomStream, KeyAndFirstDrawsAreGolden) {
  EXPECT_EQ(random_stream_key(0, 0, 0), 0xd9dfee5d0039b834ull);
  EXPECT_EQ(random_stream_key(42, 1, 7), 0x3a1f57b0643d84c2ull);

  RandomStream stream(42, 1, 7);
  const uint64_t expected[] = {0x975a160bdec9e237ull, 0xc88789e34910df36ull, 0x7a33f3075232bc92ull,
                               0x443c6025f79a4319ull, 0x0c6f80f23aee3541ull};
  for (const uint64_t value : expected) EXPECT_EQ(stream.next(), value);

  RandomStream other(1, 0, 0);
  EXPECT_EQ(other.next(), 0xf8884dac8a8154fcull);
  EXPECT_EQ(other.next(), 0x8e3f56a5fa2b9330ull);
}

TEST(RandomStream, Uniform01IsTheTop53BitsScaledExactly) {
  RandomStream stream(42, 1, 7);
  EXPECT_EQ(stream.uniform01(), 0.5912183550815722);
  EXPECT_EQ(stream.uniform01(), 0.7833181552787808);
  EXPECT_EQ(stream.uniform01(), 0.4773551838754412);

  RandomStream open(42, 1, 7);
  EXPECT_EQ(open.uniform01_open(),
            (static_cast<double>(0x975a160bdec9e237ull >> 12) + 0.5) * 0x1.0p-52);
}

TEST(RandomStream, ZeroBitsGiveZeroInTheClosedAndHalfAStepInTheOpenInterval) {
  // The reference state's second output is 0: the lowest value of each variant.
  RandomStream closed(std::array<uint64_t, 4>{1, 2, 3, 4});
  closed.next();
  EXPECT_EQ(closed.uniform01(), 0.0);
  RandomStream open(std::array<uint64_t, 4>{1, 2, 3, 4});
  open.next();
  EXPECT_EQ(open.uniform01_open(), 0x1.0p-53);
  EXPECT_GT(-std::log(0x1.0p-53), 36.7);
}

TEST(RandomStream, EveryNameGivesADifferentSequence) {
  const struct {
    uint64_t master_seed;
    uint64_t replication;
    uint64_t stream_id;
  } names[] = {
      {42, 1, 7},
      {42, 7, 1},
      {7, 1, 42},
      {42, 1, 8},
      {42, 2, 7},
      {43, 1, 7},
      {0, 0, 0},
      {0, 0, 1},
      {0, 1, 0},
      {1, 0, 0},
      {~0ull, ~0ull, ~0ull},
  };
  for (size_t i = 0; i < std::size(names); ++i) {
    for (size_t j = i + 1; j < std::size(names); ++j) {
      RandomStream a(names[i].master_seed, names[i].replication, names[i].stream_id);
      RandomStream b(names[j].master_seed, names[j].replication, names[j].stream_id);
      int equal_draws = 0;
      for (int k = 0; k < 100; ++k) equal_draws += a.next() == b.next() ? 1 : 0;
      EXPECT_EQ(equal_draws, 0) << i << " vs " << j;
    }
  }
}

TEST(RandomStream, DrawsInOneStreamNeverShiftAnother) {
  // The values stream 2 gives alone...
  RandomStream alone(9, 3, 2);
  std::array<uint64_t, 50> expected{};
  for (uint64_t& value : expected) value = alone.next();
  // ...are the values it gives while stream 1 draws a varying number of values in between.
  RandomStream busy(9, 3, 1);
  RandomStream watched(9, 3, 2);
  for (size_t i = 0; i < expected.size(); ++i) {
    for (size_t k = 0; k < i % 7; ++k) busy.next();
    EXPECT_EQ(watched.next(), expected[i]);
  }
}

TEST(RandomStream, ACopyRepeatsTheOriginalsFutureDraws) {
  RandomStream original(5, 0, 0);
  original.next();
  RandomStream copy = original;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(copy.next(), original.next());
  RandomStream restored(original.state());
  EXPECT_EQ(restored, original);
  EXPECT_EQ(restored.next(), original.next());
}

TEST(RandomStream, BelowIsGoldenAndExercisesTheRejection) {
  RandomStream stream(42, 1, 7);
  const uint64_t expected_10[] = {5, 7, 4, 2, 0, 2, 8, 8, 5, 7};
  for (const uint64_t value : expected_10) EXPECT_EQ(stream.below(10), value);

  // n = 2^63 + 1 rejects about half of all draws: four results take seven draws here.
  constexpr uint64_t n = (1ull << 63) + 1;
  RandomStream big(42, 1, 7);
  const uint64_t expected_big[] = {7224834769358974875ull, 2458455304682938764ull,
                                   448038314364574368ull, 7434994548571087631ull};
  for (const uint64_t value : expected_big) EXPECT_EQ(big.below(n), value);
  RandomStream seven_draws(42, 1, 7);
  for (int i = 0; i < 7; ++i) seven_draws.next();
  EXPECT_EQ(big, seven_draws);
}

TEST(RandomStream, BelowOneIsAlwaysZeroAndBelowMaxIsInRange) {
  RandomStream stream(3, 0, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(stream.below(1), 0u);
  for (int i = 0; i < 100; ++i) EXPECT_LT(stream.below(~0ull), ~0ull);
}

TEST(RandomStream, BelowSixIsUniformByChiSquare) {
  RandomStream stream(11, 0, 0);
  constexpr int draws = 60000;
  std::array<int, 6> counts{};
  for (int i = 0; i < draws; ++i) ++counts[stream.below(6)];
  double chi_square = 0;
  for (const int count : counts) {
    const double expected = draws / 6.0;
    chi_square += (count - expected) * (count - expected) / expected;
  }
  // 5 degrees of freedom: P(chi^2 > 20.52) = 0.001.
  EXPECT_LT(chi_square, 20.52);
}

TEST(RandomStream, Uniform01HasTheMomentsOfTheUniformAndBalancedBits) {
  RandomStream stream(12, 0, 0);
  constexpr int draws = 100000;
  double sum = 0;
  double sum_squares = 0;
  std::array<int, 64> ones{};
  for (int i = 0; i < draws; ++i) {
    const double u = stream.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_squares += u * u;
    const uint64_t bits = stream.next();
    for (int b = 0; b < 64; ++b) ones[static_cast<size_t>(b)] += (bits >> b) & 1 ? 1 : 0;
  }
  const double mean = sum / draws;
  const double variance = sum_squares / draws - mean * mean;
  // 5 standard errors: sd(U) = 0.2887; the sample variance has a standard error of
  // sqrt((1/80 - 1/144) / draws) = 0.00024.
  EXPECT_NEAR(mean, 0.5, 5 * 0.2887 / std::sqrt(draws));
  EXPECT_NEAR(variance, 1.0 / 12, 5 * 0.00024);
  // Each bit is set half the time: 5 standard errors of a count of draws fair coins.
  for (const int count : ones) EXPECT_NEAR(count, draws / 2.0, 5 * std::sqrt(draws / 4.0));
}

TEST(RandomStream, UniformScalesIntoTheRange) {
  RandomStream stream(13, 0, 0);
  for (int i = 0; i < 1000; ++i) {
    const double x = stream.uniform(-2.0, 3.0);
    EXPECT_GE(x, -2.0);
    EXPECT_LT(x, 3.0);
  }
  EXPECT_EQ(stream.uniform(4.0, 4.0), 4.0);
}

TEST(RandomStream, StreamIdOfIsFnv1a64) {
  static_assert(stream_id_of("") == 0xcbf29ce484222325ull);
  static_assert(stream_id_of("a") == 0xaf63dc4c8601ec8cull);
  static_assert(stream_id_of("foobar") == 0x85944171f73967e8ull);
  EXPECT_EQ(stream_id_of("arrivals"), 0xb10bc22ca203cc53ull);
  EXPECT_NE(stream_id_of("arrivals"), stream_id_of("border_times"));
}

TEST(RandomStreamDeathTest, RefusesAnAllZeroStateAndAnEmptyRange) {
  EXPECT_DEATH(RandomStream(std::array<uint64_t, 4>{0, 0, 0, 0}), "state_");
  RandomStream stream(1, 2, 3);
  EXPECT_DEATH(stream.below(0), "n > 0");
  EXPECT_DEATH(stream.uniform(1.0, 0.0), "low <= high");
}

}  // namespace
}  // namespace kervan
