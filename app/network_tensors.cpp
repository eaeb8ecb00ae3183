#include "app/network_tensors.hpp"

#include "core/parallel.hpp"
#include "model/bbs/quantize.hpp"
#include "networks/io/content_hash.hpp"

namespace bbs::app {
namespace {

// Weights per block: a block's analysis (grouped copies, pruned values, column spans, bit
// records) takes about 25 bytes per weight, so 16 Mi weights keep it near 400 MB.
constexpr std::int64_t kBlockWeights = std::int64_t{1} << 24;

}  // namespace

NetworkTensors::NetworkTensors(const LoadedNetwork& loaded,
                               std::vector<const networks::Layer*> layers)
    : loaded_(loaded), layers_(std::move(layers)) {}

std::int64_t NetworkTensors::block_channels(std::size_t t) const {
  const std::int64_t channels = shape(t).at(0);
  if (!loaded_.weights->loads_channel_blocks() || channels == 0) return channels;
  const std::int64_t per_channel = std::max<std::int64_t>(1, element_count(shape(t)) / channels);
  return std::max<std::int64_t>(1, kBlockWeights / per_channel);
}

WeightTensor NetworkTensors::load(std::size_t t, std::int64_t first, std::int64_t last,
                                  int jobs) const {
  const networks::Layer& layer = *layers_[t];
  WeightTensor block{name(t), shape(t), {}, {}, {}};
  const std::int64_t channels = block.shape.at(0);
  block.shape[0] = last - first;
  const auto per_channel =
      std::size_t(element_count(shape(t)) / std::max<std::int64_t>(channels, 1));
  if (auto integers = loaded_.weights->load_integer(layer)) {
    block.values.assign(integers->values.begin() + std::ptrdiff_t(std::size_t(first) * per_channel),
                        integers->values.begin() + std::ptrdiff_t(std::size_t(last) * per_channel));
    if (!integers->scales.empty())
      block.scales.assign(integers->scales.begin() + first, integers->scales.begin() + last);
    return block;
  }
  // Per output channel, so each sub-block quantizes as the whole tensor would.
  block.values.resize(std::size_t(last - first) * per_channel);
  block.scales.resize(std::size_t(last - first));
  const bool blockwise = loaded_.weights->loads_channel_blocks();
  const auto quantize_rows = [&](std::int64_t a, std::int64_t b, std::span<const float> floats) {
    Shape rows = block.shape;
    rows[0] = b - a;
    const QuantizedTensor q = quantize_int8(rows, floats, QuantGranularity::PerChannel);
    std::copy(q.values.begin(), q.values.end(),
              block.values.begin() + std::ptrdiff_t(std::size_t(a) * per_channel));
    std::copy(q.scales.begin(), q.scales.end(), block.scales.begin() + a);
  };
  if (!blockwise) {
    const std::vector<float> floats = loaded_.weights->load_channels(layer, first, last);
    quantize_rows(0, last - first, floats);
    return block;
  }
  parallel_for(last - first, jobs, [&](std::int64_t a, std::int64_t b) {
    quantize_rows(a, b, loaded_.weights->load_channels(layer, first + a, first + b));
  });
  return block;
}

std::string NetworkTensors::content_hash(std::size_t t, bool& integer) const {
  io::ContentHasher hash;
  hash.update(name(t).data(), name(t).size() + 1);
  const std::uint64_t rank = shape(t).size();
  hash.update(&rank, sizeof rank);
  hash.update(shape(t).data(), shape(t).size() * sizeof(shape(t)[0]));
  integer = false;
  if (const auto identity = loaded_.weights->identity(layer(t))) {
    hash.update(identity->data(), identity->size());
    return hash.hex_digest();
  }
  integer = loaded_.weights->load_integer(layer(t)).has_value();
  const WeightTensor whole = load(t, 0, shape(t).at(0), 1);
  hash.update(whole.values.data(), whole.values.size());
  hash.update(whole.scales.data(), whole.scales.size() * sizeof(double));
  return hash.hex_digest();
}

}  // namespace bbs::app
