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
  // The initializers, canonical PyTorch layout; null with InitializerValues::SkipWeights.
  std::shared_ptr<const WeightSource> weights;
};

// Load: the weights are the initializers. SkipWeights: the weights come from another file, so
// the raw data of large weight initializers is neither copied nor converted (the graph, shapes
// and every other initializer are read the same way).
enum class InitializerValues { Load, SkipWeights };

// Operators: Conv (any kernel/stride/pads/dilation/group) and Gemm / MatMul with an initializer
// (or DequantizeLinear of an int8 initializer, ONNX QDQ) become mapped layers named after their
// node (after the weight initializer if the node has no name); their weights also answer to the
// node's PyTorch state-dict name and the initializer's name (WeightRef::aliases). MatMul of two
// activations becomes an attention-style matmul; Gather on an initializer an embedding;
// Add/Mul/Relu/..., pooling, normalization, Softmax, Reshape/Flatten/Transpose/..., Concat keep
// their data flow. Other operators are kept as elementwise nodes named after their op type. batch
// 0: symbolic dimensions (e.g. "batch") take 1 and static ones stay. batch N > 0: symbolic
// dimensions take N and a static first dimension of the graph inputs is replaced by N (refused if
// the graph pins its batch elsewhere, e.g. in a Reshape constant); the command line passes the
// workload's batch (default 1). Throws bbs::Error naming the file and the node or value on a file
// that does not parse, a shape that cannot be inferred or a weight that does not fit its node.
ImportedModel import_onnx(const std::filesystem::path& path, std::int64_t batch = 0,
                          InitializerValues values = InitializerValues::Load);

}  // namespace bbs::networks
