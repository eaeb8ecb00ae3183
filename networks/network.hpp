// A network as the accelerator models see it: operators in topological order, the tensors that
// flow between them, and the shapes, MACs and parameters of each operator.
//
// Weight layers (conv, linear, embedding, ...) are named after their weight tensor in the PyTorch
// state dict (e.g. "layer1.0.conv1.weight"), so real weights map by name; the canonical weight
// shape is the PyTorch layout ([K, C/groups, R, S] for conv, [out, in] for linear).
// Activations are counted at 8 bits per element: a tensor's size in bytes is its element count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs::networks {

enum class OpKind : std::uint8_t {
  Input,        // a graph input (image, token ids, KV cache): no cost, its tensor is read from DRAM
  Conv,         // weights x activations: any kernel, stride, padding, dilation, groups
  Linear,       // weights x activations: [tokens, in] x [in, out]
  MatMul,       // activation x activation (attention scores and context)
  Embedding,    // table lookup: has weights, no MACs
  Elementwise,  // add, mul, relu, gelu, silu, rope, position-embedding add, ...
  Pool,         // max / average / global pooling, shortcut subsampling
  Norm,         // batch norm, layer norm, RMS norm
  Softmax,
  Reshape,  // flatten, transpose, split, head (re)arrangement: moves data, no arithmetic
  Concat,   // concatenation (class token, KV cache append)
};
std::string_view op_kind_name(OpKind kind);  // "conv", "linear", "matmul", ...

// Conv in the accelerator literature's letters. Activations are NCHW.
struct ConvGeometry {
  std::int64_t batch = 1;
  std::int64_t out_channels = 0;               // K
  std::int64_t in_channels_per_group = 0;      // C
  std::int64_t groups = 1;                     // depthwise: groups == input channels, C == 1
  std::int64_t in_height = 0, in_width = 0;    // H, W
  std::int64_t kernel_h = 1, kernel_w = 1;     // R, S
  std::int64_t out_height = 0, out_width = 0;  // P, Q
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;
};

// y[tokens, out] = x[tokens, in] * W^T; tokens = batch x sequence (1 per image for CNN heads).
struct LinearGeometry {
  std::int64_t tokens = 1;
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
};

// `count` independent products [rows x inner] * [inner x cols] (count = batch x heads). The
// second operand is K (scores) or V (context); `kv_cache`: a decoder keeps it in a KV cache, so
// the new tokens' part is written to memory for later steps.
struct MatMulGeometry {
  std::int64_t count = 1;
  std::int64_t rows = 0;
  std::int64_t inner = 0;
  std::int64_t cols = 0;
  bool kv_cache = false;
};

// A parameter tensor of a layer: its state-dict name, canonical (PyTorch) shape and, where the
// model also exists as a TensorFlow/Keras file, that file's tensor name.
struct WeightRef {
  std::string name;
  Shape shape;
  std::string tf_name;
  // Further names a weight file may use for this tensor, tried in order after `name` (ONNX: the
  // PyTorch state-dict name of the node, "layer1.0.conv1.weight", and the initializer's name).
  std::vector<std::string> aliases;
};

struct Layer {
  std::string name;
  OpKind kind = OpKind::Elementwise;
  std::string op;  // the specific operator: "conv2d", "relu", "add", "maxpool", "layernorm", ...
  std::vector<std::size_t> inputs;  // indices of the producing layers in Network::layers()
  std::vector<Shape> input_shapes;
  Shape output_shape;
  std::optional<ConvGeometry> conv;
  std::optional<LinearGeometry> linear;
  std::optional<MatMulGeometry> matmul;
  std::optional<WeightRef> weight;  // the tensor a weight source loads for this layer
  std::int64_t macs = 0;
  std::int64_t param_count = 0;  // trainable parameters: weight, bias, norm affine, embeddings

  // An accelerator maps this layer onto its array: weights x activations.
  bool is_mapped() const { return kind == OpKind::Conv || kind == OpKind::Linear; }
  std::int64_t output_bytes() const { return element_count(output_shape); }
};

struct Edge {
  std::size_t from = 0;  // producer layer index
  std::size_t to = 0;    // consumer layer index
  std::int64_t bytes = 0;
};

class Network {
 public:
  // `layers[i].inputs` index into `layers`. The layers are reordered into a stable topological
  // order (insertion order where the data flow allows). Throws bbs::Error naming the network and
  // a layer on a cycle, a duplicate name or an input index out of range.
  Network(std::string name, std::vector<Layer> layers);

  const std::string& name() const { return name_; }
  const std::vector<Layer>& layers() const { return layers_; }
  const std::vector<Edge>& edges() const { return edges_; }
  // By layer name, or by weight tensor name.
  const Layer* find(std::string_view name) const;

  std::int64_t total_macs() const;
  std::int64_t mapped_macs() const;  // conv + linear only
  std::int64_t total_params() const;
  std::int64_t weight_params() const;      // elements of distinct weight tensors
  std::size_t weight_layer_count() const;  // layers with a weight (tied weights counted per layer)

  // Bytes of activations alive while layer i runs (its inputs, its output and every tensor
  // produced earlier and still needed later), in topological order.
  const std::vector<std::int64_t>& live_activation_bytes() const { return live_bytes_; }
  std::int64_t peak_live_activation_bytes() const;
  // Index of the last layer that reads the output of layer i (i itself if nothing reads it).
  std::size_t last_use(std::size_t layer) const { return last_use_[layer]; }

  // Graphviz: one node per layer (name, op, output shape, MACs), edges labelled with bytes.
  void write_dot(std::ostream& out) const;

 private:
  std::string name_;
  std::vector<Layer> layers_;
  std::vector<Edge> edges_;
  std::vector<std::size_t> last_use_;
  std::vector<std::int64_t> live_bytes_;
};

}  // namespace bbs::networks
