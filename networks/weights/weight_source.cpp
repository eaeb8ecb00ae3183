// WeightSource defaults shared by every source.
#include "networks/weights.hpp"

namespace bbs::networks {
namespace {

// Rows [first, last) of a row-major tensor of `channels` rows held whole in `all`.
template <typename T>
std::vector<T> channel_rows(const Layer& layer, const std::vector<T>& all, std::int64_t first,
                            std::int64_t last) {
  const std::int64_t channels = layer.weight->shape.at(0);
  if (first < 0 || last > channels || first > last)
    throw Error("layer '" + layer.name + "': channels [" + std::to_string(first) + ", " +
                std::to_string(last) + ") of " + std::to_string(channels));
  const std::size_t per_channel = all.size() / std::size_t(std::max<std::int64_t>(channels, 1));
  return {all.begin() + std::ptrdiff_t(std::size_t(first) * per_channel),
          all.begin() + std::ptrdiff_t(std::size_t(last) * per_channel)};
}

}  // namespace

std::vector<float> WeightSource::load_channels(const Layer& layer, std::int64_t first,
                                               std::int64_t last) const {
  return channel_rows(layer, load(layer), first, last);
}

std::optional<IntegerWeights> WeightSource::load_integer_channels(const Layer& layer,
                                                                  std::int64_t first,
                                                                  std::int64_t last) const {
  std::optional<IntegerWeights> all = load_integer(layer);
  if (!all) return std::nullopt;
  IntegerWeights rows{channel_rows(layer, all->values, first, last), {}};
  if (!all->scales.empty()) rows.scales = channel_rows(layer, all->scales, first, last);
  return rows;
}

}  // namespace bbs::networks
