// Turns command-line engine settings and a weight file into the engine's inputs.
#pragma once

#include <string>
#include <vector>

#include "app/cmd_networks.hpp"
#include "app/commands.hpp"
#include "model/bbs/analysis.hpp"
#include "networks/io/layout.hpp"

namespace bbs::app {

// Resolves presets: explicit flags > --setting (conservative: round-avg, 2 columns, 10% sensitive;
// moderate: zero-point, 4 columns, 20% sensitive) > defaults (none; 2 columns for round-avg, 4
// otherwise; no sensitive channels).
AnalysisOptions analysis_options(const EngineSettings& settings);

struct EngineInput {
  std::vector<WeightTensor> tensors;
  std::vector<std::string> skipped;  // tensors that are not weights (biases, norms, ...)
  io::WeightLayout layout = io::WeightLayout::PyTorch;
  // Every tensor is int8 as given (used bit for bit: no re-quantization, no float error).
  bool integer_input = false;
  std::size_t integer_tensors = 0;  // tensors used as given; the others were float, quantized
  std::string source;               // the file, or the network's weight source
  bool synthetic = false;           // generated weights (networks without a weight file)
};

// How the weights became int8, as every output names it per network: "int8 as given",
// "float, quantized per channel" (per tensor), "SYNTHETIC float, quantized per channel", or
// "mixed: 3 int8 as given, 1 float, quantized per channel".
std::string weights_kind(const EngineInput& input, const EngineSettings& settings);

// Reads the selected weight tensors (all rank-2..4 tensors if none selected), converts them to
// PyTorch layout, keeps int8 tensors as given and quantizes float tensors to INT8. Errors name the
// file and the tensor.
EngineInput load_engine_input(const io::WeightFile& file, const EngineSettings& settings);

// "note: <file>: N tensors are not weights and were left as they are: a (I64 []), ..." (the first
// few named), or "" when nothing was skipped; analyze and prune print it.
std::string skipped_note(const EngineInput& input);

// The distinct weights of a network's mapped layers (conv, linear) from its weight source, in
// execution order, on settings.jobs threads: integer weights as given (WeightSource::load_integer),
// float weights quantized to INT8. Without keep_float the float
// weights are dropped as each tensor is quantized (peak memory: the int8 weights plus one float
// tensor per thread), and the analysis has no float error.
EngineInput load_network_input(const LoadedNetwork& loaded, const EngineSettings& settings,
                               bool keep_float = true);

}  // namespace bbs::app
