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
  double bits_per_weight(bool with_metadata) const;
  double size_reduction(bool with_metadata) const;  // vs dense INT8
};

// `sensitive[g]` marks groups kept at 8 bits.
EncodedSize encoded_size(const GroupLayout& layout, std::span<const GroupEncoding> encodings,
                         std::span<const std::uint8_t> sensitive, PruneMethod method);

// What the hardware stores per weight: base_i = W_i - C of its group (always fits int8 for the BBS
// pruners); for bit-flip and unpruned groups C = 0 and base = W.
std::vector<std::int8_t> stored_values(const GroupLayout& layout, const PrunedTensor& pruned);

}  // namespace bbs
