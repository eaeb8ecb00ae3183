#include "networks/graph/builder.hpp"

#include <algorithm>
#include <utility>

#include "networks/checked.hpp"

namespace bbs::networks {
namespace {

std::int64_t conv_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                              std::int64_t padding, std::int64_t dilation) {
  const std::string what = "conv output size";
  const std::int64_t padded = checked_add(in, checked_mul(2, padding, what), what);
  return (padded - checked_mul(dilation, kernel - 1, what) - 1) / stride + 1;
}

std::int64_t tokens_of(const Shape& shape) {
  std::int64_t tokens = 1;
  for (std::size_t i = 0; i + 1 < shape.size(); ++i)
    tokens = checked_mul(tokens, shape[i], "tokens of " + shape_string(shape));
  return tokens;
}

// Names a layer's MAC count in an overflow error.
std::string macs_text(const std::string& network, const std::string& layer) {
  return "network '" + network + "': MACs of layer '" + layer + "'";
}

}  // namespace

NetworkBuilder::NetworkBuilder(std::string network_name) : name_(std::move(network_name)) {}

const Layer& NetworkBuilder::at(TensorRef t) const {
  if (t >= layers_.size()) {
    throw Error("network '" + name_ + "': reference to layer #" + std::to_string(t) +
                " before it was added");
  }
  return layers_[t];
}

Shape NetworkBuilder::shape(TensorRef t) const { return at(t).output_shape; }

TensorRef NetworkBuilder::add(Layer layer, std::vector<TensorRef> inputs) {
  for (TensorRef input : inputs) layer.input_shapes.push_back(shape(input));
  layer.inputs = std::move(inputs);
  layers_.push_back(std::move(layer));
  return layers_.size() - 1;
}

TensorRef NetworkBuilder::input(std::string name, Shape shape) {
  Layer layer;
  layer.name = std::move(name);
  layer.kind = OpKind::Input;
  layer.op = "input";
  layer.output_shape = std::move(shape);
  return add(std::move(layer), {});
}

TensorRef NetworkBuilder::conv(std::string weight_name, TensorRef x, const ConvSpec& spec) {
  ConvGeometry g;
  g.out_channels = spec.out_channels;
  g.groups = spec.groups;
  g.kernel_h = g.kernel_w = spec.kernel;
  g.stride_h = g.stride_w = spec.stride;
  g.pad_h = g.pad_w = spec.padding;
  g.dilation_h = g.dilation_w = spec.dilation;
  return conv(std::move(weight_name), x, g, spec.bias);
}

TensorRef NetworkBuilder::conv(std::string weight_name, TensorRef x, ConvGeometry g, bool bias) {
  const Shape in = shape(x);
  if (in.size() != 4 || g.groups <= 0 || in[1] % g.groups != 0 || g.out_channels % g.groups != 0) {
    throw Error("network '" + name_ + "': conv '" + weight_name + "' cannot take input " +
                shape_string(in) + " with " + std::to_string(g.groups) + " groups");
  }
  g.batch = in[0];
  g.in_channels_per_group = in[1] / g.groups;
  g.in_height = in[2];
  g.in_width = in[3];
  if (g.out_height == 0) {
    g.out_height = conv_output_size(g.in_height, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h);
  }
  if (g.out_width == 0) {
    g.out_width = conv_output_size(g.in_width, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w);
  }
  if (g.out_height <= 0 || g.out_width <= 0) {
    throw Error("network '" + name_ + "': input " + shape_string(in) + " of conv '" + weight_name +
                "' is smaller than its " + std::to_string(g.kernel_h) + "x" +
                std::to_string(g.kernel_w) + " kernel");
  }

  Layer layer;
  layer.name = weight_name;
  layer.kind = OpKind::Conv;
  layer.op = g.groups == 1 ? "conv2d"
                           : (g.in_channels_per_group == 1 ? "depthwise_conv2d" : "grouped_conv2d");
  layer.output_shape = {g.batch, g.out_channels, g.out_height, g.out_width};
  const Shape weight_shape = {g.out_channels, g.in_channels_per_group, g.kernel_h, g.kernel_w};
  layer.weight = WeightRef{std::move(weight_name), weight_shape, {}, {}};
  layer.macs = checked_product({g.batch, g.out_height, g.out_width, element_count(weight_shape)},
                               [&] { return macs_text(name_, layer.name); });
  layer.param_count = element_count(weight_shape) + (bias ? g.out_channels : 0);
  layer.conv = g;
  return add(std::move(layer), {x});
}

TensorRef NetworkBuilder::linear(std::string weight_name, TensorRef x, std::int64_t out_features,
                                 bool bias) {
  const Shape in = shape(x);
  LinearGeometry g{tokens_of(in), in.back(), out_features};
  Layer layer;
  layer.name = weight_name;
  layer.kind = OpKind::Linear;
  layer.op = "linear";
  layer.output_shape = in;
  layer.output_shape.back() = out_features;
  layer.weight = WeightRef{std::move(weight_name), {out_features, g.in_features}, {}, {}};
  layer.macs = checked_product({g.tokens, g.in_features, g.out_features},
                               [&] { return macs_text(name_, layer.name); });
  layer.param_count = element_count(layer.weight->shape) + (bias ? out_features : 0);
  layer.linear = g;
  return add(std::move(layer), {x});
}

TensorRef NetworkBuilder::embedding(std::string weight_name, TensorRef ids, std::int64_t vocab,
                                    std::int64_t dim) {
  Layer layer;
  layer.name = weight_name;
  layer.kind = OpKind::Embedding;
  layer.op = "embedding";
  layer.output_shape = shape(ids);
  layer.output_shape.push_back(dim);
  layer.weight = WeightRef{std::move(weight_name), {vocab, dim}, {}, {}};
  layer.param_count = vocab * dim;
  return add(std::move(layer), {ids});
}

TensorRef NetworkBuilder::matmul(std::string name, TensorRef a, TensorRef b,
                                 const MatMulGeometry& geometry, Shape out) {
  Layer layer;
  layer.name = std::move(name);
  layer.kind = OpKind::MatMul;
  layer.op = "matmul";
  layer.output_shape = std::move(out);
  layer.matmul = geometry;
  layer.macs = checked_product({geometry.count, geometry.rows, geometry.inner, geometry.cols},
                               [&] { return macs_text(name_, layer.name); });
  return add(std::move(layer), {a, b});
}

TensorRef NetworkBuilder::elementwise(std::string name, std::string op,
                                      std::vector<TensorRef> inputs, std::int64_t param_count) {
  Shape out = shape(inputs.at(0));
  return this->op(std::move(name), OpKind::Elementwise, std::move(op), std::move(inputs),
                  std::move(out), param_count);
}

TensorRef NetworkBuilder::batch_norm(std::string name, TensorRef x) {
  const std::int64_t channels = shape(x).at(1);
  return op(std::move(name), OpKind::Norm, "batchnorm", {x}, shape(x), 2 * channels);
}

TensorRef NetworkBuilder::layer_norm(std::string name, std::string op_name, TensorRef x,
                                     bool bias) {
  const std::int64_t features = shape(x).back();
  return op(std::move(name), OpKind::Norm, std::move(op_name), {x}, shape(x),
            (bias ? 2 : 1) * features);
}

TensorRef NetworkBuilder::softmax(std::string name, TensorRef x) {
  return op(std::move(name), OpKind::Softmax, "softmax", {x}, shape(x));
}

TensorRef NetworkBuilder::pool(std::string name, std::string op_name, TensorRef x,
                               std::int64_t kernel, std::int64_t stride, std::int64_t padding) {
  Shape out = shape(x);
  out[2] = conv_output_size(out[2], kernel, stride, padding, 1);
  out[3] = conv_output_size(out[3], kernel, stride, padding, 1);
  if (out[2] <= 0 || out[3] <= 0) {
    throw Error("network '" + name_ + "': input " + shape_string(shape(x)) + " of pool '" + name +
                "' is smaller than its kernel");
  }
  return op(std::move(name), OpKind::Pool, std::move(op_name), {x}, std::move(out));
}

TensorRef NetworkBuilder::op(std::string name, OpKind kind, std::string op_name,
                             std::vector<TensorRef> inputs, Shape out, std::int64_t param_count) {
  Layer layer;
  layer.name = std::move(name);
  layer.kind = kind;
  layer.op = std::move(op_name);
  layer.output_shape = std::move(out);
  layer.param_count = param_count;
  return add(std::move(layer), std::move(inputs));
}

TensorRef NetworkBuilder::reshape(std::string name, TensorRef x, Shape out) {
  if (element_count(out) != element_count(shape(x))) {
    throw Error("network '" + name_ + "': reshape '" + name + "' from " + shape_string(shape(x)) +
                " to " + shape_string(out) + " changes the size");
  }
  return op(std::move(name), OpKind::Reshape, "reshape", {x}, std::move(out));
}

void NetworkBuilder::set_weight(TensorRef layer, std::string weight_name, Shape weight_shape) {
  Layer& target = layers_.at(layer);
  target.param_count += element_count(weight_shape);
  target.weight = WeightRef{std::move(weight_name), std::move(weight_shape), {}, {}};
}

void NetworkBuilder::set_tf_name(TensorRef layer, std::string tf_name) {
  layers_.at(layer).weight.value().tf_name = std::move(tf_name);
}

void NetworkBuilder::add_weight_alias(TensorRef layer, std::string alias) {
  WeightRef& weight = layers_.at(layer).weight.value();
  if (alias != weight.name &&
      std::find(weight.aliases.begin(), weight.aliases.end(), alias) == weight.aliases.end())
    weight.aliases.push_back(std::move(alias));
}

void NetworkBuilder::tie_weight(TensorRef layer, std::string weight_name) {
  Layer& target = layers_.at(layer);
  target.param_count -= element_count(target.weight.value().shape);
  target.weight->name = std::move(weight_name);
}

Network NetworkBuilder::build() && { return Network(std::move(name_), std::move(layers_)); }

}  // namespace bbs::networks
