// Reading an ONNX file into a ModelProto (internal to networks/onnx).
#pragma once

#include <filesystem>

namespace onnx {
class ModelProto;
}  // namespace onnx

namespace bbs::networks {

// Parses `path` from a read-only mapping. values_of_weights false: the raw data of large
// initializers that only Conv / Gemm / MatMul read as their weight (input 1) is not copied; those
// tensors keep their name, dims and type and hold a one-byte placeholder (enough for the ONNX
// checker and shape inference), so their values must not be read. Returns false if the file is
// empty or not a ModelProto.
bool parse_onnx_file(const std::filesystem::path& path, onnx::ModelProto& model,
                     bool values_of_weights);

}  // namespace bbs::networks
