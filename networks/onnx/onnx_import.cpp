// ONNX -> Network: parse, check, infer shapes, then one builder call per node.
#include "networks/onnx_import.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "networks/graph/builder.hpp"
#include "networks/io/input_file.hpp"
#include "networks/onnx/onnx_attributes.hpp"
#include "networks/onnx/onnx_constant_folding.hpp"
#include "networks/onnx/onnx_parse.hpp"
#include "networks/onnx/onnx_weights.hpp"

namespace bbs::networks {
namespace {

const std::set<std::string> kReshapeOps = {"Reshape",   "Flatten", "Transpose", "Squeeze",
                                           "Unsqueeze", "Slice",   "Split",     "Identity",
                                           "Shape",     "Expand",  "Gather",    "Tile"};
const std::set<std::string> kPoolOps = {"MaxPool", "AveragePool", "GlobalAveragePool",
                                        "GlobalMaxPool"};
const std::set<std::string> kNormOps = {"BatchNormalization", "LayerNormalization",
                                        "InstanceNormalization"};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<std::int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                         std::vector<std::int64_t> fallback) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name) return {attribute.ints().begin(), attribute.ints().end()};
  }
  return fallback;
}

std::int64_t int_attribute(const onnx::NodeProto& node, const std::string& name,
                           std::int64_t fallback) {
  for (const auto& attribute : node.attribute()) {
    if (attribute.name() == name) return attribute.i();
  }
  return fallback;
}

// The PyTorch state-dict name of a node's weight: "/layer1/layer1.0/conv1/Conv" ->
// "layer1.0.conv1.weight". torch.onnx scope names have one component per module and end with the
// operator; a component that extends its parent's name ("layer1.0" under "layer1") replaces it.
// A name without '/' is the module itself ("conv1" -> "conv1.weight"); "" if there is no module.
std::string state_dict_name(const std::string& node_name) {
  if (!node_name.starts_with('/')) return node_name + ".weight";
  std::vector<std::string> parts;
  for (std::size_t begin = 1; begin <= node_name.size();) {
    const std::size_t end = std::min(node_name.find('/', begin), node_name.size());
    if (end > begin) parts.push_back(node_name.substr(begin, end - begin));
    begin = end + 1;
  }
  if (parts.size() < 2) return {};
  parts.pop_back();  // the operator
  std::vector<std::string> path;
  for (std::string& part : parts) {
    if (!path.empty() && part.starts_with(path.back() + "."))
      path.back() = std::move(part);
    else
      path.push_back(std::move(part));
  }
  std::string name;
  for (const std::string& p : path) name += p + ".";
  return name + "weight";
}

// --batch on a model whose inputs fix the batch dimension: every graph input's first dimension
// becomes `batch`, and the shapes the exporter recorded for other values are dropped so that
// shape inference derives them again from the inputs. Returns whether anything changed.
bool override_batch(onnx::ModelProto& model, std::int64_t batch) {
  onnx::GraphProto& graph = *model.mutable_graph();
  std::set<std::string> initializers;
  for (const auto& init : graph.initializer()) initializers.insert(init.name());
  bool changed = false;
  for (auto& input : *graph.mutable_input()) {
    if (initializers.count(input.name()) > 0 || !input.type().has_tensor_type()) continue;
    auto* shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() == 0 || !shape->dim(0).has_dim_value() ||
        shape->dim(0).dim_value() == batch)
      continue;
    shape->mutable_dim(0)->set_dim_value(batch);
    changed = true;
  }
  if (!changed) return false;
  graph.clear_value_info();
  for (auto& output : *graph.mutable_output())
    if (output.type().has_tensor_type())
      output.mutable_type()->mutable_tensor_type()->clear_shape();
  return true;
}

struct ParsedModel {
  std::shared_ptr<onnx::ModelProto> model;
  std::set<std::string> folded;  // values computed by constant folding (not weights)
};

// Parses and checks the model, folds its constant subgraphs and infers its shapes; batch > 0
// overrides a static batch dimension (batch_overridden says whether there was one).
ParsedModel parse(const std::filesystem::path& path, std::int64_t batch, InitializerValues values,
                  bool& batch_overridden) {
  auto model = std::make_shared<onnx::ModelProto>();
  const bool parsed = parse_onnx_file(path, *model, values == InitializerValues::Load);
  if (!parsed || model->graph().node_size() == 0) {
    throw Error(path.string() +
                ": not an ONNX model (the protobuf does not parse as a ModelProto "
                "with a graph)");
  }
  // libonnx 1.12 checks IR <= 8; newer models are imported unchecked.
  if (model->ir_version() <= 8) {
    try {
      onnx::checker::check_model(*model);
    } catch (const std::exception& e) {
      throw Error(path.string() + ": invalid ONNX model: " + e.what());
    }
  }
  check_window_attributes(path, model->graph());
  batch_overridden = batch > 0 && override_batch(*model, batch);
  std::set<std::string> folded = fold_constants(path, *model, std::max<std::int64_t>(batch, 1));
  return {std::move(model), std::move(folded)};
}

class Importer {
 public:
  Importer(std::filesystem::path path, ParsedModel parsed, std::int64_t batch,
           InitializerValues values)
      : path_(std::move(path)),
        values_(values),
        model_(std::move(parsed.model)),
        batch_(batch),
        builder_(path_.stem().string()),
        constants_(std::move(parsed.folded)) {
    const onnx::GraphProto& graph = model_->graph();
    for (const auto& init : graph.initializer()) {
      if (constants_.count(init.name()) == 0) initializers_.emplace(init.name(), &init);
      shapes_.emplace(init.name(), Shape(init.dims().begin(), init.dims().end()));
    }
    const auto record = [this](const onnx::ValueInfoProto& value) { record_shape(value); };
    std::for_each(graph.input().begin(), graph.input().end(), record);
    std::for_each(graph.value_info().begin(), graph.value_info().end(), record);
    std::for_each(graph.output().begin(), graph.output().end(), record);
  }

  ImportedModel run() && {
    const onnx::GraphProto& graph = model_->graph();
    for (const auto& input : graph.input()) {
      if (initializers_.count(input.name()) == 0) {
        used_names_.insert(input.name());
        producers_[input.name()] = builder_.input(input.name(), shape_of(input.name(), "input"));
      }
    }
    for (int i = 0; i < graph.node_size(); ++i) add_node(graph.node(i), i);
    Network network = std::move(builder_).build();
    if (values_ == InitializerValues::SkipWeights) return {std::move(network), nullptr};
    return {std::move(network), make_onnx_weights(path_, std::move(model_), std::move(bindings_))};
  }

 private:
  void record_shape(const onnx::ValueInfoProto& value) {
    if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape()) return;
    Shape shape;
    for (const auto& dim : value.type().tensor_type().shape().dim()) {
      if (dim.has_dim_value()) {
        shape.push_back(dim.dim_value());
      } else if (dim.has_dim_param()) {
        shape.push_back(batch_);  // symbolic dimension: the batch (or sequence) size asked for
      } else {
        return;  // unknown rank position: leave the shape unknown
      }
    }
    shapes_[value.name()] = std::move(shape);
  }

  std::string where(const onnx::NodeProto& node) const {
    return path_.string() + ": node '" + node.name() + "' (" + node.op_type() + ")";
  }

  Shape shape_of(const std::string& value, const std::string& context) const {
    const auto it = shapes_.find(value);
    if (it == shapes_.end()) {
      throw Error(path_.string() + ": the shape of '" + value + "' (" + context +
                  ") is unknown after shape inference");
    }
    return it->second;
  }

  bool is_initializer(const std::string& value) const { return initializers_.count(value) > 0; }
  bool is_weight(const std::string& value) const {
    return is_initializer(value) || dequantized_.count(value) > 0;
  }

  // Layers producing the node's non-constant inputs.
  std::vector<TensorRef> activations(const onnx::NodeProto& node) const {
    std::vector<TensorRef> refs;
    for (const std::string& input : node.input()) {
      if (input.empty() || is_initializer(input) || constants_.count(input) > 0) continue;
      const auto it = producers_.find(input);
      if (it == producers_.end()) {
        throw Error(where(node) + " reads '" + input +
                    "', which no earlier node produces (nodes out of order, or a cycle)");
      }
      refs.push_back(it->second);
    }
    return refs;
  }

  std::string layer_name(const onnx::NodeProto& node, int index) {
    std::string name =
        node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
    while (!used_names_.insert(name).second) name += "_" + std::to_string(index);
    return name;
  }

  // A weight layer is named after its node ("/layer1/layer1.0/conv1/Conv"), or after its weight
  // initializer when the node has no name. One initializer feeding two nodes is refused.
  std::string weight_layer_name(const onnx::NodeProto& node, const OnnxBinding& weight) {
    if (!used_weights_.insert(weight.initializer).second) {
      throw Error(where(node) + ": initializer '" + weight.initializer +
                  "' is the weight of two nodes (shared weights are not supported)");
    }
    std::string name = node.name().empty() ? weight.initializer : node.name();
    while (!used_names_.insert(name).second) name += "_" + weight.initializer;
    return name;
  }

  // Binds a weight layer to its initializer and gives it the names a user's weight file may use:
  // the node's PyTorch state-dict name and the initializer.
  TensorRef bind_weight(TensorRef layer, const std::string& name, const onnx::NodeProto& node,
                        OnnxBinding weight) {
    if (const std::string alias = state_dict_name(node.name());
        !node.name().empty() && !alias.empty())
      builder_.add_weight_alias(layer, alias);
    builder_.add_weight_alias(layer, weight.initializer);
    bindings_[name] = std::move(weight);
    return layer;
  }

  // The weight input `index` of `node`: an initializer, or the DequantizeLinear of one (QDQ).
  OnnxBinding weight_input(const onnx::NodeProto& node, int index, bool transposed) const {
    const std::string& value = node.input(index);
    if (is_initializer(value)) return {value, transposed, {}};
    if (const auto it = dequantized_.find(value); it != dequantized_.end()) {
      if (!it->second.refusal.empty()) throw Error(it->second.refusal);
      OnnxBinding b = it->second.weight;
      b.transposed = transposed;
      return b;
    }
    throw Error(where(node) + ": the weight '" + value +
                "' is neither an initializer nor DequantizeLinear of one");
  }

  std::int64_t initializer_elements(const onnx::NodeProto& node, int first, int last) const {
    std::int64_t sum = 0;
    for (int i = first; i <= last && i < node.input_size(); ++i) {
      if (is_initializer(node.input(i))) sum += element_count(shapes_.at(node.input(i)));
    }
    return sum;
  }

  void add_node(const onnx::NodeProto& node, int index) {
    const std::string& op = node.op_type();
    if (op == "Constant") {
      for (const std::string& out : node.output()) constants_.insert(out);
      return;
    }
    if (op == "DequantizeLinear" && is_initializer(node.input(0))) {
      add_dequantized(node);
      return;
    }
    std::vector<TensorRef> inputs = activations(node);
    if (inputs.empty()) {  // computed from constants only (shape arithmetic)
      for (const std::string& out : node.output()) constants_.insert(out);
      return;
    }
    TensorRef layer;
    if (op == "Conv") {
      layer = add_conv(node, inputs.at(0));
    } else if (op == "Gemm" || (op == "MatMul" && is_weight(node.input(1)))) {
      layer = add_linear(node, inputs.at(0));
    } else if (op == "MatMul") {
      layer = add_matmul(node, index, inputs);
    } else if (op == "Gather" && is_initializer(node.input(0))) {
      layer = add_embedding(node, inputs.at(0));
    } else {
      layer = add_data_op(node, index, std::move(inputs));
    }
    for (const std::string& out : node.output()) producers_[out] = layer;
  }

  // DequantizeLinear of an initializer (ONNX QDQ) is a constant; when it feeds a Conv/Gemm/MatMul
  // as the weight, that weight is the initializer's integers as stored, with their scale. Only
  // int8 with zero point 0 qualifies (the designs assume symmetric weights); otherwise the reason
  // is kept and given if the value is used as a weight (an int32 bias is fine).
  void add_dequantized(const onnx::NodeProto& node) {
    const std::string& x = node.input(0);
    const std::string& zero_point = node.input_size() > 2 ? node.input(2) : std::string();
    const int type = initializers_.at(x)->data_type();
    std::string refusal;
    if (type != onnx::TensorProto_DataType_INT8) {
      refusal = "quantized weight '" + x + "' has ONNX data type " + std::to_string(type) +
                ", expected INT8 (3); uint8 and int32 weights are not supported";
    } else if (node.input_size() < 2 || !is_initializer(node.input(1))) {
      refusal = "the scale of weight '" + x + "' is not an initializer";
    } else if (!zero_point.empty() && !is_initializer(zero_point)) {
      refusal = "the zero point of weight '" + x + "' is not an initializer";
    } else if (!zero_point.empty()) {
      const std::vector<std::int8_t> zeros =
          int8_values(*initializers_.at(zero_point), path_.string());
      if (std::any_of(zeros.begin(), zeros.end(), [](std::int8_t z) { return z != 0; }))
        refusal = "zero point '" + zero_point + "' of weight '" + x +
                  "' is not 0: the designs assume symmetric int8 weights (zero point 0)";
    }
    const OnnxBinding weight{x, false, refusal.empty() ? node.input(1) : std::string(),
                             int_attribute(node, "axis", 1)};
    dequantized_[node.output(0)] = {weight, refusal.empty() ? "" : where(node) + ": " + refusal};
    constants_.insert(node.output(0));
    shapes_[node.output(0)] = shapes_.at(x);
  }

  // A QDQ weight's scale: one positive value, or one per output channel along `out_axis` of the
  // stored weight `w`.
  void check_scale(const onnx::NodeProto& node, const OnnxBinding& b, const Shape& w,
                   std::size_t out_axis) const {
    if (b.scale.empty()) return;
    const std::vector<float> scale = float_values(*initializers_.at(b.scale), path_.string());
    const std::string what = "scale '" + b.scale + "' of weight '" + b.initializer + "'";
    for (float value : scale)
      if (!(value > 0))
        throw Error(where(node) + ": " + what + " has the value " + std::to_string(value) +
                    ", expected > 0");
    if (scale.size() == 1) return;
    const std::int64_t axis =
        b.scale_axis < 0 ? b.scale_axis + std::int64_t(w.size()) : b.scale_axis;
    if (axis != std::int64_t(out_axis) || std::int64_t(scale.size()) != w.at(out_axis)) {
      throw Error(where(node) + ": " + what + " holds " + std::to_string(scale.size()) +
                  " values along axis " + std::to_string(axis) + ", expected 1 (per tensor) or " +
                  std::to_string(w.at(out_axis)) + " along axis " + std::to_string(out_axis) +
                  " (per output channel)");
    }
  }

  TensorRef add_conv(const onnx::NodeProto& node, TensorRef x) {
    const OnnxBinding binding = weight_input(node, 1, false);
    const std::string& weight = binding.initializer;
    const Shape w = shapes_.at(weight);
    const Shape in = builder_.shape(x);
    const Shape out = shape_of(node.output(0), "output of " + node.name());
    const std::int64_t groups = int_attribute(node, "group", 1);
    if (w.size() != 4 || in.size() != 4 || out.size() != 4) {
      throw Error(where(node) + ": only 2-D convolutions are supported (weight '" + weight +
                  "' has shape " + shape_string(w) + ")");
    }
    if (w[1] * groups != in[1]) {
      throw Error(where(node) + ": weight '" + weight + "' has shape " + shape_string(w) +
                  ", which does not fit input " + shape_string(in) + " with " +
                  std::to_string(groups) + " group(s)");
    }
    const auto strides = ints_attribute(node, "strides", {1, 1});
    const auto pads = ints_attribute(node, "pads", {0, 0, 0, 0});
    const auto dilations = ints_attribute(node, "dilations", {1, 1});
    ConvGeometry g;
    g.out_channels = w[0];
    g.groups = groups;
    g.kernel_h = w[2];
    g.kernel_w = w[3];
    g.stride_h = strides.at(0);
    g.stride_w = strides.at(1);
    g.pad_h = pads.at(0);  // begin padding; the output size comes from shape inference
    g.pad_w = pads.at(1);
    g.dilation_h = dilations.at(0);
    g.dilation_w = dilations.at(1);
    g.out_height = out[2];
    g.out_width = out[3];
    check_scale(node, binding, w, 0);
    const std::string name = weight_layer_name(node, binding);
    return bind_weight(builder_.conv(name, x, g, node.input_size() > 2), name, node, binding);
  }

  // Gemm (transB=1: weight [out, in], PyTorch's nn.Linear export; transB=0: [in, out]) or
  // MatMul with an initializer ([in, out]).
  TensorRef add_linear(const onnx::NodeProto& node, TensorRef x) {
    if (int_attribute(node, "transA", 0) != 0) {
      throw Error(where(node) + ": only x * W with W an initializer is supported");
    }
    const bool out_in = node.op_type() == "Gemm" && int_attribute(node, "transB", 0) == 1;
    const OnnxBinding binding = weight_input(node, 1, !out_in);
    const std::string& weight = binding.initializer;
    const Shape w = shapes_.at(weight);
    const Shape in = builder_.shape(x);
    const std::int64_t in_features = out_in ? w.at(1) : w.at(0);
    if (w.size() != 2 || in.empty() || in.back() != in_features) {
      throw Error(where(node) + ": weight '" + weight + "' has shape " + shape_string(w) +
                  ", which does not fit input " + shape_string(in));
    }
    check_scale(node, binding, w, out_in ? 0 : 1);
    const bool bias = node.op_type() == "Gemm" && node.input_size() > 2;
    const std::string name = weight_layer_name(node, binding);
    return bind_weight(builder_.linear(name, x, out_in ? w[0] : w[1], bias), name, node, binding);
  }

  // Activation x activation: [..., M, K] x [..., K, N].
  TensorRef add_matmul(const onnx::NodeProto& node, int index,
                       const std::vector<TensorRef>& inputs) {
    const Shape a = builder_.shape(inputs.at(0));
    const Shape out = shape_of(node.output(0), "output of " + node.name());
    if (a.size() < 2 || out.size() < 2 || inputs.size() != 2) {
      throw Error(where(node) + ": expected two activations of rank >= 2");
    }
    MatMulGeometry g;
    g.rows = out[out.size() - 2];
    g.cols = out.back();
    g.inner = a.back();
    g.count = element_count(out) / (g.rows * g.cols);
    return builder_.matmul(layer_name(node, index), inputs[0], inputs[1], g, out);
  }

  TensorRef add_embedding(const onnx::NodeProto& node, TensorRef ids) {
    const std::string& table = node.input(0);
    const Shape w = shapes_.at(table);
    if (w.size() != 2) throw Error(where(node) + ": embedding table '" + table + "' is not 2-D");
    const OnnxBinding binding{table, false, {}};
    const std::string name = weight_layer_name(node, binding);
    return bind_weight(builder_.embedding(name, ids, w[0], w[1]), name, node, binding);
  }

  TensorRef add_data_op(const onnx::NodeProto& node, int index, std::vector<TensorRef> inputs) {
    const std::string& op = node.op_type();
    OpKind kind = OpKind::Elementwise;
    std::int64_t params = 0;
    if (kReshapeOps.count(op) > 0) {
      kind = OpKind::Reshape;
    } else if (kPoolOps.count(op) > 0) {
      kind = OpKind::Pool;
    } else if (kNormOps.count(op) > 0) {
      kind = OpKind::Norm;
      params = initializer_elements(node, 1, 2);  // scale and bias, not running statistics
    } else if (op == "Softmax") {
      kind = OpKind::Softmax;
    } else if (op == "Concat") {
      kind = OpKind::Concat;
    } else {
      params = initializer_elements(node, 0, node.input_size() - 1);  // e.g. a bias Add
    }
    Shape out = shape_of(node.output(0), "output of " + node.name());
    return builder_.op(layer_name(node, index), kind, lowercase(op), std::move(inputs),
                       std::move(out), params);
  }

  std::filesystem::path path_;
  InitializerValues values_;
  std::shared_ptr<onnx::ModelProto> model_;
  std::int64_t batch_;
  NetworkBuilder builder_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::map<std::string, Shape> shapes_;
  std::map<std::string, TensorRef> producers_;
  std::set<std::string> constants_;  // folded values and outputs of constant-only nodes
  std::set<std::string> used_names_;
  std::set<std::string> used_weights_;  // initializers bound to a layer
  struct Dequantized {
    OnnxBinding weight;
    std::string refusal;  // why it cannot be a weight ("" if it can)
  };
  std::map<std::string, Dequantized> dequantized_;  // DequantizeLinear outputs of initializers
  std::map<std::string, OnnxBinding> bindings_;
};

}  // namespace

ImportedModel import_onnx(const std::filesystem::path& path, std::int64_t batch,
                          InitializerValues values) {
  if (batch < 0) throw Error(path.string() + ": batch must be positive");
  bool overridden = false;
  ImportedModel model = Importer(path, parse(path, batch, values, overridden),
                                 std::max<std::int64_t>(batch, 1), values)
                            .run();
  if (!overridden) return model;
  // A graph that pins its batch (a Reshape to a constant shape, ...) keeps the file's batch
  // somewhere: then a batch of N does not cost N times a batch of 1.
  const ImportedModel one =
      Importer(path, parse(path, 1, InitializerValues::SkipWeights, overridden), 1,
               InitializerValues::SkipWeights)
          .run();
  if (model.network.total_macs() != batch * one.network.total_macs()) {
    throw Error(path.string() + ": --batch " + std::to_string(batch) +
                " cannot replace the model's static batch dimension: the graph fixes its batch "
                "size elsewhere (MACs " +
                std::to_string(model.network.total_macs()) + " at batch " + std::to_string(batch) +
                ", " + std::to_string(one.network.total_macs()) +
                " at batch 1); export the model with a dynamic batch axis");
  }
  return model;
}

}  // namespace bbs::networks
