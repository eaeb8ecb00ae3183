#include "model/bbs/quantize.hpp"

#include <algorithm>
#include <cmath>

namespace bbs {
namespace {

double scale_of(std::span<const float> weights) {
  double max_abs = 0.0;
  for (float w : weights) max_abs = std::max(max_abs, std::fabs(double(w)));
  return max_abs == 0.0 ? 1.0 : max_abs / 127.0;
}

void quantize_run(std::span<const float> weights, double scale, std::int8_t* out) {
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double q = std::nearbyint(double(weights[i]) / scale);  // FE_TONEAREST: half to even
    out[i] = std::int8_t(std::clamp(q, -127.0, 127.0));
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
