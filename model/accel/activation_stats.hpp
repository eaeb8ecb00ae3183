// Input-activation statistics of each mapped layer: the fraction of non-zero values (value
// density) and, where recorded, the fraction of 1 bits, from one of two sources:
//   recorded  a safetensors file, tensor name = layer name -> a sample of that layer's input
//             activations (float: quantised to int8 per tensor as weights are, symmetric, scale
//             max|x| / 127, round half to even; int8 / int16-holding-int8: used as given)
//               density     = non-zero int8 values / values
//               bit_density = 1 bits of the 8-bit two's-complement values / (8 x values)
//   default   by the operation that produces the input (walking back through reshapes, concats
//             and pools), with the published measurement it comes from (activation_defaults());
//             no bit statistics.
// Every layer carries the source it used, as text ("recorded: FILE", "default: relu 0.56 (...)").
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bbs::networks {
class Network;
}

namespace bbs::accel {

struct ActivationStats {
  double density = 1.0;               // non-zero input activations / input activations
  std::optional<double> bit_density;  // recorded only
  std::string source;
};

// The input of a mapped layer as its producing operation makes it.
struct ActivationDefault {
  std::string_view producer;  // "relu", "gelu", "silu", "softmax", "input", "other"
  double density;
  std::string_view source;
};
std::span<const ActivationDefault> activation_defaults();

struct RecordedActivations {
  std::string file;
  std::map<std::string, ActivationStats> by_tensor;
};

// Throws bbs::Error naming the file and tensor: unreadable file, an empty or non-numeric tensor.
RecordedActivations read_recorded_activations(const std::filesystem::path& path);

// Where a workload's activation statistics come from: a recorded file (optional), and the ReLU
// density the defaults use (absent: the published one; given: a campaign's sweep value).
struct ActivationOptions {
  const RecordedActivations* recorded = nullptr;
  std::optional<double> relu_density;
};

// The statistics of graph layer `layer`'s input: the file's tensor named after the layer (its
// graph name, its weight tensor, or the weight tensor without ".weight") if any, else the
// default of its producer. `used` collects the file's tensor names that matched.
ActivationStats activation_stats(const networks::Network& network, std::size_t layer,
                                 const ActivationOptions& options,
                                 std::map<std::string, bool>* used = nullptr);

// "default (20 layers)" or "recorded: acts.safetensors (12 layers), default (8 layers)".
std::string summarize_sources(std::span<const ActivationStats> layers);

}  // namespace bbs::accel
