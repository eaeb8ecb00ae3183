// Bit-level statistics of weight groups: the compact per-group record every later stage reads
// (so no weight is read twice), and its per-layer sum.
//
// Per group of n weights, with ones_b = number of 1 bits in column b (two's complement):
//   zero bits (2's compl.)  = 8n - sum_b ones_b
//   BBS sparse bits         = sum_b max(ones_b, n - ones_b)           (>= 50% of 8n by
//   construction) all-zero / all-one cols = #b with ones_b = 0 / ones_b = n         (bi-directional
//   sparse columns) redundant sign columns  = columns 6, 5, ... equal to the sign column in every
//   weight effectual bits          = sum_i popcount(|w_i|)                   (terms Pragmatic
//   processes) Bitlet cycles           = max_b ones_b                             (each
//   significance lane drains its 1s) BitWave columns         = #sign-magnitude columns that are not
//   all zero
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "model/bbs/grouping.hpp"

namespace bbs {

struct GroupBits {
  std::array<std::uint16_t, 8> ones_twos{};      // index = significance; 7 = sign column
  std::array<std::uint16_t, 8> ones_sign_mag{};  // 7 = sign column, 0..6 = magnitude bits
  std::uint16_t size = 0;
  std::uint16_t zero_values = 0;
  std::uint16_t effectual_bits = 0;     // sum of magnitude popcounts
  std::uint8_t max_effectual_bits = 0;  // max magnitude popcount (Pragmatic's per-weight terms)
  std::uint8_t max_sign_mag_bits = 0;  // max popcount of all 8 sign-magnitude bits (bitsim's count)
  std::uint8_t redundant_columns = 0;  // uncapped, 0..7

  int zero_bits_twos() const;
  int zero_bits_sign_mag() const;
  int bbs_sparse_bits() const;
  int all_zero_columns() const;
  int all_one_columns() const;
  int max_column_ones() const;           // Bitlet
  int nonzero_sign_mag_columns() const;  // BitWave
};

GroupBits group_bits(std::span<const std::int8_t> group);

std::vector<GroupBits> profile_groups(const GroupLayout& layout,
                                      std::span<const std::int8_t> grouped, int jobs = 1);

// Sums over many groups (a layer or a model). Fractions are of all bits / columns / weights.
struct BitSummary {
  std::int64_t weights = 0;
  std::int64_t groups = 0;
  std::int64_t zero_values = 0;
  std::int64_t zero_bits_twos = 0;
  std::int64_t zero_bits_sign_mag = 0;
  std::int64_t bbs_sparse_bits = 0;
  std::int64_t all_zero_columns = 0;
  std::int64_t all_one_columns = 0;
  std::int64_t redundant_columns = 0;         // uncapped
  std::int64_t redundant_columns_capped = 0;  // min(r, 3): what the 2-bit metadata field keeps
  std::int64_t effectual_bits = 0;
  std::int64_t pragmatic_cycles = 0;  // sum of per-group max effectual bits
  std::int64_t bitlet_cycles = 0;     // sum of per-group max column ones
  std::int64_t bitwave_columns = 0;   // sum of per-group non-zero sign-magnitude columns

  void add(const GroupBits& group);
  void add(const BitSummary& other);
  double value_sparsity() const;
  double bit_sparsity_twos() const;
  double bit_sparsity_sign_mag() const;
  double bbs_sparsity() const;
  double sparse_column_fraction() const;  // (all-zero + all-one) / (8 * groups)
  double effectual_bits_per_weight() const;
};

BitSummary summarize(std::span<const GroupBits> groups);

}  // namespace bbs
