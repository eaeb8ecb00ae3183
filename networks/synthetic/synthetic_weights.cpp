// Seeded synthetic weights that resemble trained ones (calibration: docs/networks.md).
//
// Per layer: std = gain / sqrt(fan_in) x a per-layer log-normal jitter; per output channel a
// log-normal scale (normalised so the layer std is kept); within a channel a Gaussian (conv) or a
// Student-t with nu = 20 (linear). Conv layers: gain 1.4, channel sigma 0.5, layer sigma 0.25;
// linear / other layers: gain 1.0, channel sigma 0.21, layer sigma 0.5: the medians that
// scripts/calibrate_synthetic.py measures on trained float32 weights (CIFAR-10 ResNets of
// akamaster/pytorch_resnet_cifar10, llama2.c's stories260K). nu is the even value whose layer
// excess kurtosis, (3 + 6/(nu-4)) exp(4 sigma^2) - 3, is closest to the measured median: ~1.9
// (conv) and 1.03 (linear) against measured 1.4-1.9 and 1.04.
//
// Counter-based: every random number is splitmix64(key + n * golden) for a stream key derived
// from (seed, weight name) and a counter n that is a function of the element's index, so any
// block of a tensor is generated on its own (in parallel, identical for any thread count) and
// values do not depend on the platform's <random> distributions or on the load order.
//   normals come in pairs (normal_pair(stream, n)): the layer jitter is pair 0 of the layer
//   stream, channel c's scale pair 1 + c, elements 2p and 2p + 1 pair p of the normal stream
//   Student-t(nu) element i: z / sqrt(chi2 / nu), chi2 = -2 log(u_1 ... u_(nu/2)) (chi-square
//   with an even nu, the product of nu / 2 uniforms of chi-square-stream draws i nu/2 + k).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "core/parallel.hpp"
#include "networks/weights.hpp"

namespace bbs::networks {
namespace {

// Draw n of the splitmix64 stream `key` (the n + 1-th output of a splitmix64 seeded with key).
std::uint64_t draw(std::uint64_t key, std::uint64_t n) {
  std::uint64_t z = key + (n + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform in (0, 1): never 0, so log() is safe.
double uniform(std::uint64_t key, std::uint64_t n) {
  return (static_cast<double>(draw(key, n) >> 11) + 0.5) * 0x1.0p-53;
}

constexpr std::uint64_t kRetryStreams = 0xa0761d6478bd642fULL;

// Marsaglia's polar method: two independent unit normals from the first point (x, y) of
// attempts a = 0, 1, ... (draws 2n, 2n + 1 of the stream mixed with a) inside the unit circle:
// x sqrt(-2 ln r2 / r2), y sqrt(-2 ln r2 / r2) with r2 = x^2 + y^2 (79 % of points are inside).
std::pair<double, double> normal_pair(std::uint64_t key, std::uint64_t n) {
  for (std::uint64_t attempt = 0;; ++attempt) {
    const std::uint64_t stream = attempt == 0 ? key : draw(key ^ kRetryStreams, attempt);
    const double x = 2.0 * uniform(stream, 2 * n) - 1.0;
    const double y = 2.0 * uniform(stream, 2 * n + 1) - 1.0;
    const double r2 = x * x + y * y;
    if (r2 >= 1.0) continue;  // r2 > 0: x = (2k + 1) 2^-53 - 1 is never 0
    const double scale = std::sqrt(-2.0 * std::log(r2) / r2);
    return {x * scale, y * scale};
  }
}

// Independent streams of one tensor.
struct TensorStreams {
  std::uint64_t layer, normal, chi2;
  explicit TensorStreams(std::uint64_t key)
      : layer(key), normal(draw(key, ~0ULL)), chi2(draw(key, ~1ULL)) {}
};

// Unit-variance values [first, last) of a tensor's flat index range, Gaussian (nu = 0) or
// Student-t with an even nu, before the channel scale. `product` holds last - first doubles.
void unit_values(const TensorStreams& streams, int nu, std::int64_t first, std::int64_t last,
                 double* out, double* product) {
  for (std::int64_t i = first & ~std::int64_t{1}; i < last; i += 2) {
    const auto [c, s] = normal_pair(streams.normal, std::uint64_t(i / 2));
    if (i >= first) out[i - first] = c;
    if (i + 1 < last) out[i + 1 - first] = s;
  }
  if (nu == 0) return;
  const double unit = std::sqrt((nu - 2.0) / nu);  // Student-t variance nu / (nu - 2)
  // Each element's product is 1 * u_0 * u_1 * ... in this order (>= 2^-53 per factor: no
  // underflow for nu / 2 <= 19); the factor loop runs outside so that the elements' independent
  // products overlap instead of waiting on one multiplication chain.
  const std::int64_t count = last - first;
  std::fill(product, product + count, 1.0);
  for (int k = 0; k < nu / 2; ++k)
    for (std::int64_t j = 0; j < count; ++j)
      product[j] *= uniform(streams.chi2,
                            std::uint64_t(first + j) * std::uint64_t(nu / 2) + std::uint64_t(k));
  for (std::int64_t j = 0; j < count; ++j) {
    const double chi2 = -2.0 * std::log(product[j]);
    out[j] *= unit / std::sqrt(chi2 / nu);
  }
}

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
    const Shape& shape = layer.weight->shape;
    const Calibration& cal = layer.kind == OpKind::Conv ? kConv : kLinear;
    const std::int64_t channels = shape.at(0);
    const std::int64_t per_channel = element_count(shape) / std::max<std::int64_t>(channels, 1);
    const TensorStreams streams(seed_ ^ fnv1a(layer.weight->name));
    const double layer_std = cal.gain / std::sqrt(static_cast<double>(per_channel)) *
                             std::exp(cal.layer_sigma * normal_pair(streams.layer, 0).first);
    // E[exp(2 sigma N)] = exp(2 sigma^2): divide it out so the layer std stays layer_std.
    const double channel_norm = std::exp(-cal.channel_sigma * cal.channel_sigma);
    std::vector<float> values(static_cast<std::size_t>(element_count(shape)));
    // Blocks of whole channels, each generated from its own counters.
    parallel_for(channels, jobs_, [&](std::int64_t first, std::int64_t last) {
      std::vector<double> unit(static_cast<std::size_t>(per_channel)), product(unit.size());
      for (std::int64_t c = first; c < last; ++c) {
        const double channel_std =
            layer_std * channel_norm *
            std::exp(cal.channel_sigma * normal_pair(streams.layer, 1 + std::uint64_t(c)).first);
        unit_values(streams, cal.student_nu, c * per_channel, (c + 1) * per_channel, unit.data(),
                    product.data());
        float* out = values.data() + c * per_channel;
        for (std::int64_t j = 0; j < per_channel; ++j)
          out[j] = static_cast<float>(channel_std * unit[std::size_t(j)]);
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
