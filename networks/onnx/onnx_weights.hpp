// The initializers of an imported ONNX model as a WeightSource (internal to networks/onnx).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "networks/weights.hpp"

namespace onnx {
class ModelProto;
class TensorProto;
}  // namespace onnx

namespace bbs::networks {

struct OnnxBinding {
  std::string initializer;
  bool transposed = false;  // stored [in, out] (MatMul, Gemm transB=0): transpose on load
  // ONNX QDQ: the weight is DequantizeLinear(initializer (int8), scale, zero point 0); the scale
  // initializer holds one value (per tensor) or one per output channel. Empty otherwise.
  std::string scale;
  std::int64_t scale_axis = 1;  // DequantizeLinear's axis attribute (ONNX default 1)
};

// The values of a floating-point initializer (float, double, float16, bfloat16) as float32.
// Throws bbs::Error naming `file` and the initializer for another type, external data, or a NaN
// or infinite value.
std::vector<float> float_values(const onnx::TensorProto& tensor, const std::string& file);
// The values of an INT8 initializer exactly as stored; throws naming `file` and the initializer
// for another type.
std::vector<std::int8_t> int8_values(const onnx::TensorProto& tensor, const std::string& file);

// `bindings` is keyed by the layer's weight name.
std::shared_ptr<const WeightSource> make_onnx_weights(std::filesystem::path path,
                                                      std::shared_ptr<const onnx::ModelProto> model,
                                                      std::map<std::string, OnnxBinding> bindings);

}  // namespace bbs::networks
