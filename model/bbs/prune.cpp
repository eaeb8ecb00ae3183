#include "model/bbs/prune.hpp"

#include <string>

#include "core/large_buffer.hpp"
#include "core/parallel.hpp"

namespace bbs {

PruneMethod parse_prune_method(std::string_view text) {
  if (text == "none") return PruneMethod::None;
  if (text == "round-avg") return PruneMethod::RoundAverage;
  if (text == "zero-point") return PruneMethod::ZeroPoint;
  if (text == "bit-flip") return PruneMethod::BitFlip;
  throw Error("unknown pruning method '" + std::string(text) +
              "': expected none, round-avg, zero-point or bit-flip");
}

std::string_view prune_method_name(PruneMethod method) {
  switch (method) {
    case PruneMethod::None:
      return "none";
    case PruneMethod::RoundAverage:
      return "round-avg";
    case PruneMethod::ZeroPoint:
      return "zero-point";
    case PruneMethod::BitFlip:
      return "bit-flip";
  }
  return "?";
}

void PruneParams::validate() const {
  if (columns < 0 || columns > 8)
    throw Error("--columns " + std::to_string(columns) + ": expected 0..8 pruned columns");
  if (const_bits < 1 || const_bits > 8)
    throw Error("--const-bits " + std::to_string(const_bits) + ": expected 1..8");
}

GroupEncoding prune_group(std::span<const std::int8_t> group, const PruneParams& params,
                          std::span<std::int16_t> out) {
  switch (params.method) {
    case PruneMethod::RoundAverage:
      return round_average_group(group, params.columns, out);
    case PruneMethod::ZeroPoint:
      return zero_point_group(group, params.columns, params.const_bits, out);
    case PruneMethod::BitFlip:
      return bit_flip_group(group, params.columns, out);
    case PruneMethod::None:
      break;
  }
  return unpruned_group(group, out);
}

PrunedTensor prune_groups(const GroupLayout& layout, std::span<const std::int8_t> grouped,
                          const PruneParams& params, int jobs) {
  params.validate();
  PrunedTensor result{large_vector<std::int16_t>(grouped.size()),
                      large_vector<GroupEncoding>(std::size_t(layout.group_count()))};
  parallel_for(layout.group_count(), jobs, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t g = first; g < last; ++g) {
      const auto begin = std::size_t(layout.group_begin[g]);
      const auto length = std::size_t(layout.group_length(g));
      result.encodings[std::size_t(g)] =
          prune_group(grouped.subspan(begin, length), params,
                      std::span<std::int16_t>(result.values).subspan(begin, length));
    }
  });
  return result;
}

}  // namespace bbs
