// WeightSource defaults shared by every source.
#include "networks/weights.hpp"

namespace bbs::networks {

std::vector<float> WeightSource::load_channels(const Layer& layer, std::int64_t first,
                                               std::int64_t last) const {
  std::vector<float> all = load(layer);
  const std::int64_t channels = layer.weight->shape.at(0);
  if (first < 0 || last > channels || first > last)
    throw Error("layer '" + layer.name + "': channels [" + std::to_string(first) + ", " +
                std::to_string(last) + ") of " + std::to_string(channels));
  const std::size_t per_channel = all.size() / std::size_t(std::max<std::int64_t>(channels, 1));
  return {all.begin() + std::ptrdiff_t(std::size_t(first) * per_channel),
          all.begin() + std::ptrdiff_t(std::size_t(last) * per_channel)};
}

}  // namespace bbs::networks
