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

void EncodedSize::add_group(std::int64_t length, const GroupEncoding& encoding, bool keeps_all) {
  payload_bits += (keeps_all ? 8 : encoding.stored_columns) * length;
  if (!keeps_all) metadata_bits += 8;
}

void stored_values(std::span<const std::int16_t> pruned, int constant, std::span<std::int8_t> out) {
  for (std::size_t i = 0; i < pruned.size(); ++i) out[i] = std::int8_t(pruned[i] - constant);
}

}  // namespace bbs
