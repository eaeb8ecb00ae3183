// Functional check of the BBS encoding: for sampled groups, the dot product computed the way
// BitVert computes it equals the plain integer dot product of the pruned weights.
//
// BBS groups (paper Eq. 1-3):  sum_i W_i A_i = -2^(7-r) S_(7-r) + sum_{b=k}^{6-r} 2^b S_b + C
// sum(A)
//   with S_b = sum_{i: bit_b(base_i) = 1} A_i                  (Eq. 2, when 1s are the minority)
//         or  sum(A) - sum_{i: bit_b(base_i) = 0} A_i          (Eq. 3, when 1s are the majority)
// Bit-flip groups (sign-magnitude, BitWave): sum over non-zero magnitude columns b of
//   2^b * (sum_{i: bit set, positive} A_i - sum_{i: bit set, negative} A_i).
#pragma once

#include <cstdint>
#include <string>

#include "model/bbs/prune.hpp"

namespace bbs {

struct DotCheckResult {
  std::int64_t groups_checked = 0;
  std::int64_t mismatches = 0;
  std::string first_mismatch;  // empty when none
  void add(const DotCheckResult& other);
};

// BBS dot product of one group from its stored columns and metadata; activations are 8-bit
// unsigned (post-ReLU), as BitVert's datapath assumes.
std::int64_t bbs_dot_product(std::span<const std::int16_t> values, const GroupEncoding& encoding,
                             std::span<const std::uint8_t> activations);
std::int64_t sign_magnitude_dot_product(std::span<const std::int16_t> values,
                                        std::span<const std::uint8_t> activations);

// Checks `samples` groups drawn with `seed` (all groups if samples >= group count).
DotCheckResult check_dot_products(const GroupLayout& layout, const PrunedTensor& pruned,
                                  PruneMethod method, std::int64_t samples, std::uint64_t seed);

}  // namespace bbs
