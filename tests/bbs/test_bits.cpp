#include <gtest/gtest.h>

#include <random>

#include "model/bbs/bit_stats.hpp"
#include "model/bbs/bits.hpp"

namespace bbs {
namespace {

// {77, -25, 6, -11} = 01001101, 11100111, 00000110, 11110101 (two's complement)
//                   = 01001101, 10011001, 00000110, 10001011 (sign-magnitude)
TEST(GroupBits, HandCountedExample) {
  const std::vector<std::int8_t> group{77, -25, 6, -11};
  const GroupBits g = group_bits(group);
  EXPECT_EQ(g.size, 4);
  EXPECT_EQ(g.ones_twos, (std::array<std::uint16_t, 8>{3, 2, 4, 1, 1, 2, 3, 2}));
  EXPECT_EQ(g.ones_sign_mag, (std::array<std::uint16_t, 8>{3, 2, 2, 3, 1, 0, 1, 2}));
  EXPECT_EQ(g.zero_bits_twos(), 14);
  EXPECT_EQ(g.zero_bits_sign_mag(), 18);
  EXPECT_EQ(g.bbs_sparse_bits(), 22);
  EXPECT_EQ(g.all_zero_columns(), 0);
  EXPECT_EQ(g.all_one_columns(), 1);  // column 2^2
  EXPECT_EQ(g.redundant_columns, 0);
  EXPECT_EQ(g.effectual_bits, 12);  // 4 + 3 + 2 + 3
  EXPECT_EQ(g.max_effectual_bits, 4);
  EXPECT_EQ(g.max_sign_mag_bits, 4);
  EXPECT_EQ(g.max_column_ones(), 4);
  EXPECT_EQ(g.nonzero_sign_mag_columns(), 7);
  EXPECT_EQ(g.zero_values, 0);
}

TEST(GroupBits, OddSizeAndZeros) {
  const std::vector<std::int8_t> group{0, 0, 1, -1, 0, 0, 0, 0, 0, 2, -128};  // 11 weights
  const GroupBits g = group_bits(group);
  EXPECT_EQ(g.size, 11);
  EXPECT_EQ(g.zero_values, 7);
  EXPECT_EQ(g.ones_twos[7], 2);  // -1 and -128
  EXPECT_EQ(g.ones_twos[0], 2);  // 1 and -1
  EXPECT_EQ(g.ones_sign_mag[7], 2);
  EXPECT_EQ(g.max_effectual_bits, 7);  // -128 -> -127 in sign-magnitude
  EXPECT_EQ(g.max_sign_mag_bits, 8);
  EXPECT_EQ(g.redundant_columns, 0);
}

// Bit-by-bit recount, independent of the word-level and SIMD paths of group_bits.
GroupBits naive_group_bits(const std::vector<std::int8_t>& group) {
  GroupBits g;
  g.size = std::uint16_t(group.size());
  int max_effectual = 0, max_all = 0, effectual = 0;
  for (std::int8_t w : group) {
    const auto twos = std::uint8_t(w);
    const std::uint8_t sm = bits::sign_magnitude(w);
    int ones = 0;
    for (int b = 0; b < 8; ++b) {
      g.ones_twos[b] = std::uint16_t(g.ones_twos[b] + ((twos >> b) & 1));
      g.ones_sign_mag[b] = std::uint16_t(g.ones_sign_mag[b] + ((sm >> b) & 1));
      ones += b < 7 ? (sm >> b) & 1 : 0;
    }
    effectual += ones;
    max_effectual = std::max(max_effectual, ones);
    max_all = std::max(max_all, ones + (sm >> 7));
    g.zero_values = std::uint16_t(g.zero_values + (w == 0));
  }
  g.effectual_bits = std::uint16_t(effectual);
  g.max_effectual_bits = std::uint8_t(max_effectual);
  g.max_sign_mag_bits = std::uint8_t(max_all);
  return g;
}

TEST(GroupBits, MatchesBitByBitRecountForEverySize) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> value(-128, 127);
  for (int size : {1, 7, 8, 9, 31, 32, 33, 40, 64, 100, 255, 1024}) {
    std::vector<std::int8_t> group(static_cast<std::size_t>(size));
    for (auto& w : group) w = std::int8_t(value(rng));
    const GroupBits fast = group_bits(group), slow = naive_group_bits(group);
    EXPECT_EQ(fast.ones_twos, slow.ones_twos) << size;
    EXPECT_EQ(fast.ones_sign_mag, slow.ones_sign_mag) << size;
    EXPECT_EQ(fast.zero_values, slow.zero_values) << size;
    EXPECT_EQ(fast.effectual_bits, slow.effectual_bits) << size;
    EXPECT_EQ(fast.max_effectual_bits, slow.max_effectual_bits) << size;
    EXPECT_EQ(fast.max_sign_mag_bits, slow.max_sign_mag_bits) << size;
  }
}

TEST(Bits, RedundantSignColumns) {
  EXPECT_EQ(bits::redundant_sign_columns(std::vector<std::int8_t>{13, -57, 20, -11}), 1);
  EXPECT_EQ(bits::redundant_sign_columns(std::vector<std::int8_t>{3, -2, 1}), 5);
  EXPECT_EQ(bits::redundant_sign_columns(std::vector<std::int8_t>{0, -1}), 7);
  EXPECT_EQ(bits::redundant_sign_columns(std::vector<std::int8_t>{-128}), 0);
}

TEST(Bits, RoundHalfEvenRatio) {
  EXPECT_EQ(bits::round_half_even_ratio(23, 4), 6);  // 5.75
  EXPECT_EQ(bits::round_half_even_ratio(3, 2), 2);   // 1.5
  EXPECT_EQ(bits::round_half_even_ratio(5, 2), 2);   // 2.5
  EXPECT_EQ(bits::round_half_even_ratio(21, 4), 5);  // 5.25
  EXPECT_EQ(bits::round_half_even_ratio(0, 7), 0);
}

TEST(Bits, NearestMultipleTiesDownAndRespectsTheCap) {
  EXPECT_EQ(bits::nearest_multiple(67, 3, 120), 64);
  EXPECT_EQ(bits::nearest_multiple(60, 3, 120), 56);  // tie
  EXPECT_EQ(bits::nearest_multiple(61, 3, 120), 64);
  EXPECT_EQ(bits::nearest_multiple(127, 4, 112), 112);  // 128 is out of range
}

TEST(BitSummary, SumsAndFractions) {
  const std::vector<GroupBits> groups{group_bits(std::vector<std::int8_t>{77, -25, 6, -11}),
                                      group_bits(std::vector<std::int8_t>{0, 0, 0, 0})};
  const BitSummary s = summarize(groups);
  EXPECT_EQ(s.weights, 8);
  EXPECT_EQ(s.groups, 2);
  EXPECT_EQ(s.zero_bits_twos, 14 + 32);
  EXPECT_DOUBLE_EQ(s.bit_sparsity_twos(), 46.0 / 64.0);
  EXPECT_DOUBLE_EQ(s.bbs_sparsity(), (22.0 + 32.0) / 64.0);
  EXPECT_DOUBLE_EQ(s.sparse_column_fraction(), (1.0 + 8.0) / 16.0);
  EXPECT_EQ(s.redundant_columns, 7);
  EXPECT_EQ(s.redundant_columns_capped, 3);
  EXPECT_DOUBLE_EQ(s.value_sparsity(), 0.5);
  EXPECT_EQ(s.bitlet_cycles, 4);
  EXPECT_EQ(s.pragmatic_cycles, 4);
}

}  // namespace
}  // namespace bbs
