// Pruners: the paper's worked examples (BBS paper Figs. 4-5) and bit-exactness against a literal
// port of the reference implementation on random groups for every parameter combination.
#include <gtest/gtest.h>

#include <random>

#include "model/bbs/prune.hpp"
#include "tests/bbs/reference_port.hpp"

namespace bbs {
namespace {

std::vector<std::int16_t> run(GroupEncoding (*fn)(std::span<const std::int8_t>, int,
                                                  std::span<std::int16_t>),
                              std::vector<std::int8_t> group, int columns,
                              GroupEncoding* encoding = nullptr) {
  std::vector<std::int16_t> out(group.size());
  const GroupEncoding e = fn(group, columns, out);
  if (encoding) *encoding = e;
  return out;
}

std::vector<std::int16_t> run_zero_point(std::vector<std::int8_t> group, int columns, int bits,
                                         GroupEncoding* encoding = nullptr) {
  std::vector<std::int16_t> out(group.size());
  const GroupEncoding e = zero_point_group(group, columns, bits, out);
  if (encoding) *encoding = e;
  return out;
}

using Values = std::vector<std::int16_t>;

TEST(RoundAverage, PaperFigure1ThreeColumns) {
  GroupEncoding e;
  EXPECT_EQ(run(round_average_group, {77, -25, 6, -11}, 3, &e), (Values{78, -26, 6, -10}));
  EXPECT_EQ(e.redundant_columns, 0);
  EXPECT_EQ(e.low_columns, 3);
  EXPECT_EQ(e.constant, 6);  // mean of 5, 7, 6, 5 = 5.75 -> 6
  EXPECT_EQ(e.stored_columns, 5);
}

TEST(RoundAverage, PaperFigure4FourColumnsWithOneRedundantColumn) {
  GroupEncoding e;
  EXPECT_EQ(run(round_average_group, {13, -57, 20, -11}, 4, &e), (Values{13, -59, 21, -11}));
  EXPECT_EQ(e.redundant_columns, 1);  // metadata #Redun = 01
  EXPECT_EQ(e.low_columns, 3);
  EXPECT_EQ(e.constant, 5);  // metadata constant = 000101
  EXPECT_EQ(e.stored_columns, 4);
}

TEST(RoundAverage, TiesRoundHalfToEven) {
  // Low 2 bits: 1 and 2 -> mean 1.5 -> 2 (even); 0 and 1 -> 0.5 -> 0.
  EXPECT_EQ(run(round_average_group, {65, 66}, 2, nullptr), (Values{66, 66}));
  EXPECT_EQ(run(round_average_group, {64, 65}, 2, nullptr), (Values{64, 64}));
}

TEST(RoundAverage, RedundantColumnsCoverAllPrunedColumns) {
  // 3, -2, 1: columns 6..2 equal the sign: r is capped at 3 >= N = 2 -> unchanged, 5 columns left.
  GroupEncoding e;
  EXPECT_EQ(run(round_average_group, {3, -2, 1}, 2, &e), (Values{3, -2, 1}));
  EXPECT_EQ(e.redundant_columns, 3);
  EXPECT_EQ(e.stored_columns, 5);
}

TEST(RoundAverage, CanProduceMinus128) {
  // -127 = 1000 0001 with r = 0 and its low bit averaged with an even partner to 0.
  EXPECT_EQ(run(round_average_group, {-127, 100}, 1, nullptr)[0], -128);
}

TEST(ZeroPoint, PaperFigure5FullSearchPicksMinus26) {
  GroupEncoding e;
  EXPECT_EQ(run_zero_point({81, -20, 1, -7}, 4, 6, &e), (Values{82, -22, 2, -6}));
  EXPECT_EQ(e.constant, 26);  // the stored constant is the negated shift
  EXPECT_EQ(e.redundant_columns, 1);
  EXPECT_EQ(e.low_columns, 3);
  EXPECT_EQ(e.stored_columns, 4);
}

TEST(ZeroPoint, ValuesMayLeaveInt8) {
  // Everything near +127: shifting by -16 and rounding up can reconstruct above 127.
  const auto out = run_zero_point({127, 127, 126, 125}, 4, 5, nullptr);
  const auto port = reference::zero_point({127, 127, 126, 125}, 4, 5);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], port[i]);
}

TEST(BitFlip, ExistingZeroColumnsCountTowardTheTarget) {
  // The 2^6 column is zero: the prune point moves from column 4 to 5, so 3 low columns are
  // zeroed and bits 2^5..2^0 are rounded to multiples of 8 up to 56 (60 is a tie: down).
  EXPECT_EQ(run(bit_flip_group, {45, -30, 60, 17}, 4, nullptr), (Values{48, -32, 56, 16}));
  // Magnitudes < 8: four zero columns push the prune point past the LSB: nothing changes.
  EXPECT_EQ(run(bit_flip_group, {5, -3, 7, 2}, 4, nullptr), (Values{5, -3, 7, 2}));
}

TEST(BitFlip, MinusOneTwentyEightBecomesMinusOneTwentySeven) {
  EXPECT_EQ(run(bit_flip_group, {-128, 1}, 0, nullptr), (Values{-127, 1}));
}

// ----- bit-exactness against the literal reference port ---------------------------------------

std::vector<std::int8_t> random_group(std::mt19937& rng, int size, int style) {
  std::vector<std::int8_t> g(static_cast<std::size_t>(size));
  std::uniform_int_distribution<int> uniform(-128, 127);
  std::normal_distribution<double> normal(0.0, style == 1 ? 20.0 : 4.0);
  for (auto& w : g) {
    if (style == 0)
      w = std::int8_t(uniform(rng));
    else
      w = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
  }
  if (style == 3) g[0] = -128;  // the int8 corner the reference maps specially
  if (style == 4) std::fill(g.begin(), g.end(), std::int8_t{0});
  return g;
}

template <typename Port, typename Engine>
void expect_matches_port(const char* what, Port port, Engine engine) {
  std::mt19937 rng(12345);
  for (int size : {1, 2, 3, 4, 5, 8, 16, 32, 64}) {
    for (int style = 0; style < 5; ++style) {
      for (int trial = 0; trial < 6; ++trial) {
        const auto group = random_group(rng, size, style);
        const std::vector<float> as_float(group.begin(), group.end());
        const std::vector<float> expected = port(as_float);
        const std::vector<std::int16_t> actual = engine(group);
        ASSERT_EQ(actual.size(), expected.size());
        for (std::size_t i = 0; i < actual.size(); ++i)
          ASSERT_EQ(float(actual[i]), expected[i])
              << what << " size " << size << " style " << style << " weight " << i;
      }
    }
  }
}

class EveryColumnCount : public ::testing::TestWithParam<int> {};

TEST_P(EveryColumnCount, RoundAverageMatchesReference) {
  const int n = GetParam();
  expect_matches_port(
      "round-avg", [n](const std::vector<float>& w) { return reference::round_avg(w, n); },
      [n](const std::vector<std::int8_t>& g) { return run(round_average_group, g, n); });
}

TEST_P(EveryColumnCount, BitFlipMatchesReference) {
  const int n = GetParam();
  expect_matches_port(
      "bit-flip", [n](const std::vector<float>& w) { return reference::bit_flip(w, n); },
      [n](const std::vector<std::int8_t>& g) { return run(bit_flip_group, g, n); });
}

TEST_P(EveryColumnCount, ZeroPointMatchesReferenceForEveryConstantWidth) {
  const int n = GetParam();
  for (int bits : {1, 2, 3, 4, 5, 6, 7, 8}) {
    expect_matches_port(
        "zero-point",
        [n, bits](const std::vector<float>& w) { return reference::zero_point(w, n, bits); },
        [n, bits](const std::vector<std::int8_t>& g) { return run_zero_point(g, n, bits); });
  }
}

INSTANTIATE_TEST_SUITE_P(Columns, EveryColumnCount, ::testing::Range(0, 9));

TEST(PruneParams, RejectsOutOfRangeSettings) {
  EXPECT_THROW((PruneParams{PruneMethod::RoundAverage, 9, 6}.validate()), Error);
  EXPECT_THROW((PruneParams{PruneMethod::ZeroPoint, 4, 0}.validate()), Error);
  EXPECT_THROW(parse_prune_method("magic"), Error);
  EXPECT_EQ(parse_prune_method("zero-point"), PruneMethod::ZeroPoint);
}

}  // namespace
}  // namespace bbs
