#include "model/bbs/quantize.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace bbs {
namespace {

// max |w| over the non-NaN weights as the magnitude bits of a float (monotonic in the value): an
// integer max, which the compiler vectorises (a double max of fabs does not vectorise).
double scale_of(std::span<const float> weights) {
  constexpr std::uint32_t kMagnitude = 0x7fffffffU, kInfinityBits = 0x7f800000U;
  const float* w = weights.data();
  std::uint32_t max_bits = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(w[i]) & kMagnitude;
    const std::uint32_t not_nan = 0U - std::uint32_t(bits <= kInfinityBits);  // all ones or 0
    max_bits = std::max(max_bits, bits & not_nan);
  }
  const double max_abs = std::bit_cast<float>(max_bits);
  return max_abs == 0.0 ? 1.0 : max_abs / 127.0;
}

// clamp(round_half_to_even(w / scale), -127, 127). |w / scale| <= 127 (1 + 2^-52) by the choice
// of scale, and adding and subtracting 1.5 x 2^52 rounds such a q to the nearest integer, ties to
// even (the default rounding mode, as nearbyint); the clamp is on integers. Plain arithmetic,
// vectorised.
void quantize_run(std::span<const float> weights, double scale, std::int8_t* out) {
  constexpr double kRoundingShift = 0x1.8p52;
  const float* w = weights.data();
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double q = double(w[i]) / scale;
    const auto rounded = std::int32_t((q + kRoundingShift) - kRoundingShift);
    out[i] = std::int8_t(rounded < -127 ? -127 : rounded > 127 ? 127 : rounded);
  }
}

}  // namespace

QuantizedTensor quantize_int8(const Shape& shape, std::span<const float> weights,
                              QuantGranularity granularity) {
  const std::int64_t count = element_count(shape);
  if (shape.empty() || count != std::int64_t(weights.size()) || count == 0)
    throw Error("cannot quantize a tensor of shape " + shape_string(shape) + " from " +
                std::to_string(weights.size()) + " values");
  QuantizedTensor q{shape, std::vector<std::int8_t>(weights.size()), {}};
  const std::size_t channels = std::size_t(shape[0]);
  const std::size_t per_channel = weights.size() / channels;
  const double tensor_scale = granularity == QuantGranularity::PerTensor ? scale_of(weights) : 0.0;
  q.scales.resize(channels);
  for (std::size_t k = 0; k < channels; ++k) {
    const auto run = weights.subspan(k * per_channel, per_channel);
    q.scales[k] = granularity == QuantGranularity::PerTensor ? tensor_scale : scale_of(run);
    quantize_run(run, q.scales[k], q.values.data() + k * per_channel);
  }
  return q;
}

std::vector<float> dequantize(const Shape& shape, std::span<const std::int16_t> values,
                              std::span<const double> scales) {
  const std::size_t channels = std::size_t(shape.at(0));
  if (scales.size() != channels || values.size() % channels != 0)
    throw Error("dequantize: " + std::to_string(scales.size()) + " scales for shape " +
                shape_string(shape));
  const std::size_t per_channel = values.size() / channels;
  std::vector<float> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    out[i] = float(double(values[i]) * scales[i / per_channel]);
  return out;
}

}  // namespace bbs
