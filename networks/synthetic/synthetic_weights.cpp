// Seeded synthetic weights that resemble trained ones (calibration: docs/networks.md).
//
// Per layer: std = gain / sqrt(fan_in) x a per-layer log-normal jitter; per output channel a
// log-normal scale (normalised so the layer std is kept); within a channel a Gaussian (conv) or a
// Student-t with nu = 20 (linear). Conv layers: gain 1.4, channel sigma 0.5, layer sigma 0.25;
// linear / other layers: gain 1.0, channel sigma 0.21, layer sigma 0.5: the medians that
// scripts/calibrate_synthetic.py measures on trained float32 weights (CIFAR-10 ResNets of
// akamaster/pytorch_resnet_cifar10, llama2.c's stories260K). nu is the even value whose layer
// excess kurtosis, (3 + 6/(nu-4)) exp(4 sigma^2) - 3, is closest to the measured median: 1.03
// (linear) against a measured 1.04. Conv rows are Gaussian, the lowest this mixture allows:
// 3 exp(1) - 3 = 5.2 against a measured 1.4-1.9 (docs/networks.md).
//
// Counter-based (synthetic_kernel.hpp): the layer jitter is normal pair 0 of the layer stream,
// channel c's scale pair 1 + c; the within-channel values come from synthetic::unit_values, so
// any block of channels is generated on its own, identically for any thread count.
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "networks/synthetic/synthetic_kernel.hpp"
#include "networks/weights.hpp"

namespace bbs::networks {
namespace {

using synthetic::normal_pair;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return hash;
}

struct Calibration {
  double gain;           // std x sqrt(fan_in)
  double layer_sigma;    // log-normal spread of the gain across layers
  double channel_sigma;  // log-normal spread of the std across output channels
  int student_nu;        // tails within a channel: Student-t degrees of freedom, 0 = Gaussian
};
// Bump whenever the values generated for a (seed, layer) change: identity() keys cached
// profiles by it.
constexpr int kGeneratorVersion = 3;

constexpr Calibration kConv{1.4, 0.25, 0.5, 0};
constexpr Calibration kLinear{1.0, 0.5, 0.21, 20};

class SyntheticWeights final : public WeightSource {
 public:
  SyntheticWeights(std::uint64_t seed, int jobs) : seed_(seed), jobs_(jobs) {}
  bool synthetic() const override { return true; }
  std::string description() const override {
    return "synthetic (seed " + std::to_string(seed_) +
           ", per-channel log-normal scale x Student-t, calibrated on trained weights: "
           "docs/networks.md)";
  }
  bool has(const Layer& layer) const override { return layer.weight.has_value(); }
  std::string origin(const Layer& layer) const override {
    return has(layer) ? "synthetic" : std::string();
  }

  std::vector<float> load(const Layer& layer) const override {
    if (!layer.weight) throw Error("synthetic weights: layer '" + layer.name + "' has no weight");
    return load_channels(layer, 0, layer.weight->shape.at(0));
  }

  bool loads_channel_blocks() const override { return true; }

  std::optional<std::string> identity(const Layer& layer) const override {
    if (!layer.weight) return std::nullopt;
    return "synthetic-v" + std::to_string(kGeneratorVersion) + " seed " + std::to_string(seed_) +
           (layer.kind == OpKind::Conv ? " conv " : " linear ") + layer.weight->name + " " +
           shape_string(layer.weight->shape);
  }

  // Every channel is generated from its own counters: a block is the same values as those rows
  // of the whole tensor.
  std::vector<float> load_channels(const Layer& layer, std::int64_t first,
                                   std::int64_t last) const override {
    if (!layer.weight) throw Error("synthetic weights: layer '" + layer.name + "' has no weight");
    const Shape& shape = layer.weight->shape;
    const Calibration& cal = layer.kind == OpKind::Conv ? kConv : kLinear;
    const std::int64_t channels = shape.at(0);
    const std::int64_t per_channel = element_count(shape) / std::max<std::int64_t>(channels, 1);
    const synthetic::TensorStreams streams(seed_ ^ fnv1a(layer.weight->name));
    const double layer_std = cal.gain / std::sqrt(static_cast<double>(per_channel)) *
                             std::exp(cal.layer_sigma * normal_pair(streams.layer, 0).first);
    // E[exp(2 sigma N)] = exp(2 sigma^2): divide it out so the layer std stays layer_std.
    const double channel_norm = std::exp(-cal.channel_sigma * cal.channel_sigma);
    if (first < 0 || last > channels || first > last)
      throw Error("synthetic weights: layer '" + layer.name + "': channels [" +
                  std::to_string(first) + ", " + std::to_string(last) + ") of " +
                  std::to_string(channels));
    std::vector<float> values(static_cast<std::size_t>((last - first) * per_channel));
    // Blocks of whole channels, each generated from its own counters.
    parallel_for(last - first, jobs_, [&](std::int64_t block_first, std::int64_t block_last) {
      synthetic::Scratch scratch;
      for (std::int64_t c = first + block_first; c < first + block_last; ++c) {
        const auto channel_std = static_cast<float>(
            layer_std * channel_norm *
            std::exp(cal.channel_sigma * normal_pair(streams.layer, 1 + std::uint64_t(c)).first));
        float* out = values.data() + (c - first) * per_channel;
        synthetic::unit_values(streams, cal.student_nu, c * per_channel, (c + 1) * per_channel, out,
                               scratch);
        for (std::int64_t j = 0; j < per_channel; ++j) out[j] *= channel_std;
      }
    });
    return values;
  }

 private:
  std::uint64_t seed_;
  int jobs_;
};

}  // namespace

std::shared_ptr<const WeightSource> synthetic_weights(std::uint64_t seed, int jobs) {
  return std::make_shared<SyntheticWeights>(seed, jobs);
}

}  // namespace bbs::networks
