// Weights for a network's weight layers, in canonical PyTorch layout, one tensor at a time.
//
// A WeightSource hands out float32 weights for a Layer (layer.weight->shape, PyTorch layout:
// conv [K, C/groups, R, S], linear [out, in], embedding [vocab, dim]); nothing is loaded before
// load() is called and nothing is kept afterwards, so an 8B-parameter checkpoint needs memory for
// one tensor. Integer weights (int8 in the file, or ONNX DequantizeLinear of int8) are also
// handed out as stored, by load_integer(), so that they are used bit for bit. Sources: weight files
// (safetensors / .npy, several shards), ONNX initializers (onnx_import.hpp), and seeded synthetic
// weights that resemble trained ones.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "networks/network.hpp"

namespace bbs::networks {

// A weight stored as integers: safetensors I8 (or I16 holding int8 values), .npy int8, an ONNX INT8
// initializer, or an ONNX DequantizeLinear(int8, scale, zero point 0) of one.
struct IntegerWeights {
  std::vector<std::int8_t> values;  // layer.weight->shape in PyTorch layout, row-major
  std::vector<double> scales;       // per output channel (ONNX QDQ); empty when the file has none
};

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  // True for generated weights: every output that uses them must say so.
  virtual bool synthetic() const = 0;
  // One line for reports: the file(s) or "synthetic (seed 7, ...)".
  virtual std::string description() const = 0;
  virtual bool has(const Layer& layer) const = 0;
  // Where `layer`'s weight comes from: "conv1.weight" or "Conv1/kernel (Keras [R,S,C,K])" or
  // "synthetic"; empty if the source has nothing for it.
  virtual std::string origin(const Layer& layer) const = 0;
  // The weight of `layer`, layer.weight->shape in PyTorch layout, row-major. Throws bbs::Error
  // naming the source and the layer when the source has no such tensor.
  virtual std::vector<float> load(const Layer& layer) const = 0;
  // The integers of `layer`'s weight exactly as stored, when the source stores it as int8;
  // nullopt for float weights (quantized by the caller; float-only sources keep this default).
  // Throws like load().
  virtual std::optional<IntegerWeights> load_integer(const Layer& /*layer*/) const {
    return std::nullopt;
  }
  // Output channels [first, last) of load(layer) (rows of the [K, ...] tensor), so that a large
  // tensor can be streamed in blocks. The default loads the whole tensor and copies the rows;
  // sources that can do better say so with loads_channel_blocks().
  virtual std::vector<float> load_channels(const Layer& layer, std::int64_t first,
                                           std::int64_t last) const;
  // Output channels [first, last) of load_integer(layer), likewise (the default slices it).
  virtual std::optional<IntegerWeights> load_integer_channels(const Layer& layer,
                                                              std::int64_t first,
                                                              std::int64_t last) const;
  virtual bool loads_channel_blocks() const { return false; }
  // A string the values of `layer`'s weight are a pure function of (generated weights: the
  // generator, its version and seed, the layer's kind, name and shape), so their content can be
  // keyed without generating them; nullopt when only the values themselves identify them.
  virtual std::optional<std::string> identity(const Layer& /*layer*/) const { return std::nullopt; }
};

// How tensors in a file are laid out. Auto: a tensor found under a layer's TensorFlow name
// (WeightRef::tf_name) is in TF/Keras layout, one found under its state-dict name in PyTorch
// layout. Keras: conv [R,S,C,K] -> [K,C,R,S]; depthwise [R,S,C,M] -> [C*M,1,R,S];
// dense [in,out] -> [out,in]; embeddings and other tensors unchanged.
enum class WeightLayout : std::uint8_t { Auto, PyTorch, Keras };
WeightLayout parse_weight_layout(std::string_view text);  // "auto" | "pytorch" | "keras"
std::string_view weight_layout_name(WeightLayout layout);

struct WeightMatch {
  std::vector<std::string> unmatched_layers;   // weight layers with no tensor in the file(s)
  std::vector<std::string> unmatched_tensors;  // tensors with >= 2 dims that no layer takes
  std::vector<std::string> ignored_tensors;    // 0/1-dim tensors: biases, norms, BN statistics
  std::size_t matched_layers = 0;
};

struct AttachOptions {
  WeightLayout layout = WeightLayout::Auto;
  bool allow_unmatched = false;  // otherwise any unmatched layer or tensor is an error
};

struct AttachedWeights {
  std::shared_ptr<const WeightSource> source;
  WeightMatch match;
};

// Matches the tensors of `files` (safetensors / .npy; several shards act as one file) to the
// weight layers of `network` by name and checks every shape. Throws bbs::Error naming the file,
// the tensor and the layer on a shape mismatch, and listing the unmatched layers and tensors
// unless options.allow_unmatched.
AttachedWeights attach_weights(const Network& network,
                               const std::vector<std::filesystem::path>& files,
                               const AttachOptions& options = {});

// Seeded synthetic weights for every weight layer (see docs/networks.md for the calibration).
// The same (seed, layer name, shape) gives the same values on every run and platform, whatever
// `jobs` (threads generating one tensor's blocks of channels).
std::shared_ptr<const WeightSource> synthetic_weights(std::uint64_t seed = 1, int jobs = 1);

}  // namespace bbs::networks
