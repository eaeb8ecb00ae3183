// Constant folding of an ONNX graph before import. PyTorch exports compute reshape targets at run
// time (Shape -> Gather/Slice -> Unsqueeze -> Concat -> Reshape, Cast, arithmetic on the head
// size), so ONNX shape inference alone leaves every shape after the first such Reshape unknown
// (nn.TransformerEncoderLayer, BERT- and ViT-style exports). With the input shapes fixed
// (symbolic dimensions take `batch`), these subgraphs have constant values: each is evaluated
// and replaced by an initializer, and shape inference runs again, until nothing changes.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

namespace bbs::networks {

// Folds the graph in place and runs ONNX shape inference on the result. Returns the names of the
// folded values (now initializers); they are constants of the computation, not weights.
// Operators evaluated: Constant, Shape, Size, Gather, Slice, Concat, Unsqueeze, Squeeze,
// Reshape, Cast, Identity, ConstantOfShape, Range, Expand, Equal, Less, Greater, Not, Where,
// Add, Sub, Mul, Div, Pow, Sqrt, Neg (semantics: https://onnx.ai/onnx/operators/), on values of
// at most 1 Mi elements. Throws bbs::Error naming the file if shape inference fails.
std::set<std::string> fold_constants(const std::filesystem::path& path, onnx::ModelProto& model,
                                     std::int64_t batch);

}  // namespace bbs::networks
