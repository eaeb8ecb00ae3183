// Seeded synthetic weights that resemble trained ones (calibration: docs/networks.md).
//
// Per layer: std = gain / sqrt(fan_in) x a per-layer log-normal jitter; per output channel a
// log-normal scale (normalised so the layer std is kept); within a channel a Gaussian (conv) or a
// Student-t with nu = 20 (linear). Conv layers: gain 1.4, channel sigma 0.5, layer sigma 0.25;
// linear / other layers: gain 1.0, channel sigma 0.21, layer sigma 0.5: the medians that
// scripts/calibrate_synthetic.py measures on trained float32 weights (CIFAR-10 ResNets of
// akamaster/pytorch_resnet_cifar10, llama2.c's stories260K). nu is the even value whose layer
// excess kurtosis, (3 + 6/(nu-4)) exp(4 sigma^2) - 3, is closest to the measured median: ~1.9
// (conv) and 1.03 (linear) against measured 1.4-1.9 and 1.04. The generator is a splitmix64
// stream seeded by (seed, weight name), so values do not depend on the platform's <random>
// distributions or on the order layers are loaded in.
#include <cmath>
#include <numbers>

#include "networks/weights.hpp"

namespace bbs::networks {
namespace {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in (0, 1): never 0, so log() is safe.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  double normal() {
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
  }
  // Student-t with an even number of degrees of freedom, scaled to unit variance.
  double student_t_unit(int nu) {
    double chi2 = 0.0;
    for (int i = 0; i < nu / 2; ++i) chi2 -= 2.0 * std::log(uniform());
    const double t = normal() / std::sqrt(chi2 / nu);
    return t * std::sqrt((nu - 2.0) / nu);
  }

 private:
  std::uint64_t state_;
};

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
constexpr Calibration kConv{1.4, 0.25, 0.5, 0};
constexpr Calibration kLinear{1.0, 0.5, 0.21, 20};

class SyntheticWeights final : public WeightSource {
 public:
  explicit SyntheticWeights(std::uint64_t seed) : seed_(seed) {}
  bool synthetic() const override { return true; }
  std::string description() const override {
    return "synthetic (seed " + std::to_string(seed_) +
           ", per-channel log-normal scale x Student-t, calibrated on ../shared/weights)";
  }
  bool has(const Layer& layer) const override { return layer.weight.has_value(); }
  std::string origin(const Layer& layer) const override {
    return has(layer) ? "synthetic" : std::string();
  }

  std::vector<float> load(const Layer& layer) const override {
    if (!layer.weight) throw Error("synthetic weights: layer '" + layer.name + "' has no weight");
    const Shape& shape = layer.weight->shape;
    const Calibration& cal = layer.kind == OpKind::Conv ? kConv : kLinear;
    const std::int64_t channels = shape.at(0);
    const std::int64_t per_channel = element_count(shape) / std::max<std::int64_t>(channels, 1);
    SplitMix64 rng(seed_ ^ fnv1a(layer.weight->name));
    const double layer_std = cal.gain / std::sqrt(static_cast<double>(per_channel)) *
                             std::exp(cal.layer_sigma * rng.normal());
    // E[exp(2 sigma N)] = exp(2 sigma^2): divide it out so the layer std stays layer_std.
    const double channel_norm = std::exp(-cal.channel_sigma * cal.channel_sigma);
    std::vector<float> values(static_cast<std::size_t>(element_count(shape)));
    std::size_t i = 0;
    for (std::int64_t c = 0; c < channels; ++c) {
      const double channel_std =
          layer_std * channel_norm * std::exp(cal.channel_sigma * rng.normal());
      for (std::int64_t j = 0; j < per_channel; ++j) {
        const double unit = cal.student_nu == 0 ? rng.normal() : rng.student_t_unit(cal.student_nu);
        values[i++] = static_cast<float>(channel_std * unit);
      }
    }
    return values;
  }

 private:
  std::uint64_t seed_;
};

}  // namespace

std::shared_ptr<const WeightSource> synthetic_weights(std::uint64_t seed) {
  return std::make_shared<SyntheticWeights>(seed);
}

}  // namespace bbs::networks
