#include "model/bbs/encoding.hpp"

namespace bbs {

void EncodedSize::add(const EncodedSize& other) {
  weights += other.weights;
  payload_bits += other.payload_bits;
  metadata_bits += other.metadata_bits;
}

double EncodedSize::bits_per_weight(bool with_metadata) const {
  if (weights == 0) return 0.0;
  return double(payload_bits + (with_metadata ? metadata_bits : 0)) / double(weights);
}

double EncodedSize::size_reduction(bool with_metadata) const {
  const double bits = bits_per_weight(with_metadata);
  return bits == 0.0 ? 0.0 : 8.0 / bits;
}

EncodedSize encoded_size(const GroupLayout& layout, std::span<const GroupEncoding> encodings,
                         std::span<const std::uint8_t> sensitive, PruneMethod method) {
  EncodedSize size;
  size.weights = layout.element_count();
  for (std::int64_t g = 0; g < layout.group_count(); ++g) {
    const std::int64_t length = layout.group_length(g);
    const bool keeps_all = method == PruneMethod::None || sensitive[std::size_t(g)];
    size.payload_bits += (keeps_all ? 8 : encodings[std::size_t(g)].stored_columns) * length;
    if (!keeps_all) size.metadata_bits += 8;
  }
  return size;
}

std::vector<std::int8_t> stored_values(const GroupLayout& layout, const PrunedTensor& pruned) {
  std::vector<std::int8_t> stored(pruned.values.size());
  for (std::int64_t g = 0; g < layout.group_count(); ++g) {
    const int constant = pruned.encodings[std::size_t(g)].constant;
    for (std::int64_t i = layout.group_begin[g]; i < layout.group_begin[g + 1]; ++i)
      stored[std::size_t(i)] = std::int8_t(pruned.values[std::size_t(i)] - constant);
  }
  return stored;
}

}  // namespace bbs
