// Symmetric INT8 quantization of float weights (BBS paper §V-A: per-channel
// post-training INT8; the scale and rounding below are this project's, see docs/engine.md).
//
//   scale_k = max_i |w_ki| / 127            (double precision; an all-zero channel gets scale 1)
//   q_ki    = clamp(round_half_to_even(w_ki / scale_k), -127, 127)
//
// Per output channel (k = first axis of the PyTorch-layout tensor) or per tensor (one scale).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs {

enum class QuantGranularity { PerChannel, PerTensor };

struct QuantizedTensor {
  Shape shape;                      // PyTorch layout
  std::vector<std::int8_t> values;  // canonical (row-major) order
  std::vector<double> scales;       // one per output channel (per-tensor: the same value repeated)
};

QuantizedTensor quantize_int8(const Shape& shape, std::span<const float> weights,
                              QuantGranularity granularity = QuantGranularity::PerChannel);

// w ~= scale_k * value; works for int16 values (zero-point shifting can leave the int8 range).
std::vector<float> dequantize(const Shape& shape, std::span<const std::int16_t> values,
                              std::span<const double> scales);

}  // namespace bbs
