// ONNX import: the graph of a model (e.g. exported from PyTorch) as a Network, with shapes from
// ONNX shape inference, and its initializers as a weight source.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "networks/network.hpp"
#include "networks/weights.hpp"

namespace bbs::networks {

struct ImportedModel {
  Network network;
  std::shared_ptr<const WeightSource> weights;  // the initializers, canonical PyTorch layout
};

// Operators: Conv (any kernel/stride/pads/dilation/group) and Gemm / MatMul with an initializer
// become mapped layers named after their weight initializer; MatMul of two activations becomes an
// attention-style matmul; Gather on an initializer an embedding; Add/Mul/Relu/..., pooling,
// normalization, Softmax, Reshape/Flatten/Transpose/..., Concat keep their data flow. Other
// operators are kept as elementwise nodes named after their op type. Symbolic dimensions
// (e.g. "batch") take `batch`. Throws bbs::Error naming the file and the node or value on a file
// that does not parse, a shape that cannot be inferred or a weight that does not fit its node.
ImportedModel import_onnx(const std::filesystem::path& path, std::int64_t batch = 1);

}  // namespace bbs::networks
