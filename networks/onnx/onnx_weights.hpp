// The initializers of an imported ONNX model as a WeightSource (internal to networks/onnx).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "networks/weights.hpp"

namespace onnx {
class ModelProto;
}

namespace bbs::networks {

struct OnnxBinding {
  std::string initializer;
  bool transposed = false;  // stored [in, out] (MatMul, Gemm transB=0): transpose on load
};

// `bindings` is keyed by the layer's weight name.
std::shared_ptr<const WeightSource> make_onnx_weights(std::filesystem::path path,
                                                      std::shared_ptr<const onnx::ModelProto> model,
                                                      std::map<std::string, OnnxBinding> bindings);

}  // namespace bbs::networks
