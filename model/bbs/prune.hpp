// Binary pruning of weight groups and BitWave's bit-flip: BBS paper §III-B, Fig. 4
// (rounded averaging), Algo. 1, Fig. 5 (zero-point shifting); yc2367/BBS-MICRO binary_pruning.py
// and bit_flip.py at commit e53aebf.
//
// Every pruner is bit-exact with the authors' reference implementation (yc2367/BBS-MICRO):
//  - RoundAverage: r = redundant sign columns (<= 3), k = N - r low columns of every weight are
//    replaced by round_half_even(mean of their unsigned values); group constant C = that mean.
//  - ZeroPoint: for each offset o in [-2^(B-1), 2^(B-1)): v = clamp(w + o, -127, 127); L = leading
//    zero magnitude columns; each |v| rounded to the nearest multiple of 2^(N-L) that keeps the L
//    columns zero (ties down); candidate = result - o. Least summed squared error wins, ties keep
//    the first offset. C = -o. Values can leave int8 (e.g. -130): stored columns + C reconstruct
//    them.
//  - BitFlip (BitWave): sign-magnitude; all-zero magnitude columns push the prune point right;
//    the bits after the last such column are rounded to a multiple of 2^(8 - prune point).
// The BBS dot product of a pruned group is  sum_i W_i A_i = sum over stored columns + C * sum(A),
// where "stored columns" are columns [k, 7 - r] of base_i = W_i - C (two's complement, column 7 - r
// weighted -2^(7-r)).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/bbs/grouping.hpp"

namespace bbs {

enum class PruneMethod { None, RoundAverage, ZeroPoint, BitFlip };

PruneMethod parse_prune_method(std::string_view text);  // none|round-avg|zero-point|bit-flip
std::string_view prune_method_name(PruneMethod method);

struct PruneParams {
  PruneMethod method = PruneMethod::None;
  int columns = 0;        // N: bi-directional sparse (BBS) or zero (bit-flip) columns per group
  int const_bits = 6;     // B: BBS constant width for zero-point shifting (paper 6, reference 5)
  void validate() const;  // throws bbs::Error
};

// Per-group metadata after pruning (what BitVert's 8-bit metadata field describes).
struct GroupEncoding {
  std::int8_t redundant_columns = 0;  // r, 0..3
  std::int8_t low_columns = 0;        // k: low columns folded into the constant
  std::int16_t constant = 0;          // C: added to every weight of the group
  std::uint8_t stored_columns = 8;    // columns kept: 8 - r - k (bit-flip: non-zero SM columns)
};

// Prune one group. `out` receives the pruned values (int16: zero-point shifting may leave int8).
GroupEncoding round_average_group(std::span<const std::int8_t> group, int columns,
                                  std::span<std::int16_t> out);
GroupEncoding zero_point_group(std::span<const std::int8_t> group, int columns, int const_bits,
                               std::span<std::int16_t> out);
GroupEncoding bit_flip_group(std::span<const std::int8_t> group, int columns,
                             std::span<std::int16_t> out);
GroupEncoding unpruned_group(std::span<const std::int8_t> group, std::span<std::int16_t> out);
// The pruner `params` names (unpruned_group for PruneMethod::None).
GroupEncoding prune_group(std::span<const std::int8_t> group, const PruneParams& params,
                          std::span<std::int16_t> out);

struct PrunedTensor {
  std::vector<std::int16_t> values;      // grouped order
  std::vector<GroupEncoding> encodings;  // one per group
};

// Prunes every group of a tensor held in grouped order, on `jobs` threads.
PrunedTensor prune_groups(const GroupLayout& layout, std::span<const std::int8_t> grouped,
                          const PruneParams& params, int jobs = 1);

}  // namespace bbs
