// Fuzz target: an ONNX model is imported (parse, checker, shape inference, graph) and its weights
// read; then imported again without the weights' values (the --weights path). Only bbs::Error may
// come out.
#include "fuzz/fuzz_input.hpp"
#include "networks/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = bbs::fuzz::input_file(data, size, "model.onnx");
  try {
    const auto model = bbs::networks::import_onnx(path);
    for (const auto& layer : model.network.layers())
      if (layer.is_mapped()) model.weights->load(layer);
  } catch (const bbs::Error&) {
  }
  try {
    bbs::networks::import_onnx(path, 0, bbs::networks::InitializerValues::SkipWeights);
  } catch (const bbs::Error&) {
  }
  return 0;
}
