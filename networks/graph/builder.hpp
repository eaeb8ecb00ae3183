// NetworkBuilder: appends operators in execution order, infers each output shape and counts MACs
// and parameters, so the zoo and the importers describe a network in a few lines per block.
// Internal to networks/ (the zoo, the ONNX importer and the LLM loader use it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "networks/network.hpp"

namespace bbs::networks {

// The output of a layer, as the input of later layers.
using TensorRef = std::size_t;

struct ConvSpec {
  std::int64_t out_channels = 0;
  std::int64_t kernel = 1;  // square kernel
  std::int64_t stride = 1;
  std::int64_t padding = 0;
  std::int64_t dilation = 1;
  std::int64_t groups = 1;
  bool bias = false;
};

class NetworkBuilder {
 public:
  explicit NetworkBuilder(std::string network_name);

  TensorRef input(std::string name, Shape shape);

  // x is NCHW. The layer is named after its weight tensor.
  TensorRef conv(std::string weight_name, TensorRef x, const ConvSpec& spec);
  // General form: out_channels, groups, kernel, stride, pad, dilation are taken from `geometry`;
  // batch and input sizes come from x; output sizes are computed unless already set.
  TensorRef conv(std::string weight_name, TensorRef x, ConvGeometry geometry, bool bias);
  // Acts on the last dimension of x; every other dimension counts as tokens.
  TensorRef linear(std::string weight_name, TensorRef x, std::int64_t out_features, bool bias);
  // Token ids [batch, seq] -> [batch, seq, dim].
  TensorRef embedding(std::string weight_name, TensorRef ids, std::int64_t vocab, std::int64_t dim);
  // Activation x activation: `geometry` describes the products, `out` the result tensor.
  TensorRef matmul(std::string name, TensorRef a, TensorRef b, const MatMulGeometry& geometry,
                   Shape out);

  // Shape-preserving ops on the first input's shape (add, relu, ...), with optional parameters.
  TensorRef elementwise(std::string name, std::string op, std::vector<TensorRef> inputs,
                        std::int64_t param_count = 0);
  // Norms over channels (dim 1, batch norm) or the last dim (layer / RMS norm).
  TensorRef batch_norm(std::string name, TensorRef x);
  TensorRef layer_norm(std::string name, std::string op, TensorRef x, bool bias);
  TensorRef softmax(std::string name, TensorRef x);
  // Pooling on NCHW: kernel, stride, padding as in PyTorch (floor mode).
  TensorRef pool(std::string name, std::string op, TensorRef x, std::int64_t kernel,
                 std::int64_t stride, std::int64_t padding = 0);
  // Any data-moving op with an explicit output shape (global pool, subsample+pad, ...).
  TensorRef op(std::string name, OpKind kind, std::string op, std::vector<TensorRef> inputs,
               Shape out, std::int64_t param_count = 0);
  TensorRef reshape(std::string name, TensorRef x, Shape out);

  // A parameter tensor owned by a non-mapped layer (class token, position embedding).
  void set_weight(TensorRef layer, std::string weight_name, Shape shape);
  // The TensorFlow/Keras file name of the layer's weight (for the mapping table).
  void set_tf_name(TensorRef layer, std::string tf_name);
  // Another name a weight file may use for the layer's weight (WeightRef::aliases).
  void add_weight_alias(TensorRef layer, std::string alias);
  // Points a layer at another layer's weight tensor (tied embeddings / LM head).
  void tie_weight(TensorRef layer, std::string weight_name);

  Shape shape(TensorRef t) const;  // a copy: later additions may move the layers
  Network build() &&;

 private:
  TensorRef add(Layer layer, std::vector<TensorRef> inputs);
  const Layer& at(TensorRef t) const;

  std::string name_;
  std::vector<Layer> layers_;
};

}  // namespace bbs::networks
