// The BBS storage format (paper section III-B): per group only the stored bit-columns plus 8 bits
// of metadata (2-bit redundant-column count, 6-bit constant). Sensitive groups keep all 8 columns
// and carry no metadata. Bit-flip (BitWave) groups store their non-zero sign-magnitude columns
// plus an 8-bit column mask.
//
//   payload bits  = sum_groups stored_columns * group length
//   metadata bits = 8 * (pruned groups)
//   bits / weight = (payload [+ metadata]) / weights;   size reduction = 8 / (bits / weight)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/bbs/prune.hpp"

namespace bbs {

struct EncodedSize {
  std::int64_t weights = 0;
  std::int64_t payload_bits = 0;
  std::int64_t metadata_bits = 0;

  void add(const EncodedSize& other);
  // One group of `length` weights; `keeps_all` for sensitive and unpruned groups (8 columns, no
  // metadata).
  void add_group(std::int64_t length, const GroupEncoding& encoding, bool keeps_all);
  double bits_per_weight(bool with_metadata) const;
  double size_reduction(bool with_metadata) const;  // vs dense INT8
};

// What the hardware stores per weight of one group: base_i = W_i - C (always fits int8 for the
// BBS pruners); for bit-flip and unpruned groups C = 0 and base = W.
void stored_values(std::span<const std::int16_t> pruned, int constant, std::span<std::int8_t> out);

}  // namespace bbs
