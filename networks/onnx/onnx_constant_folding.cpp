// Constant folding of ONNX shape subgraphs (see onnx_constant_folding.hpp).
#include "networks/onnx/onnx_constant_folding.hpp"

#include <onnx/defs/tensor_proto_util.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs::networks {
namespace {

using onnx::TensorProto_DataType;

constexpr std::int64_t kMaxFoldedElements = std::int64_t{1} << 20;
constexpr int kMaxRounds = 16;

// A constant tensor; values held as double (exact for the integers of shape arithmetic).
struct Value {
  int elem_type = TensorProto_DataType::TensorProto_DataType_INT64;
  Shape dims;
  std::vector<double> data;

  std::int64_t count() const { return static_cast<std::int64_t>(data.size()); }
  bool is_integer() const {
    return elem_type != TensorProto_DataType::TensorProto_DataType_FLOAT &&
           elem_type != TensorProto_DataType::TensorProto_DataType_DOUBLE &&
           elem_type != TensorProto_DataType::TensorProto_DataType_FLOAT16;
  }
  // Every value within +-2^62 and integral (else the value cannot be folded further).
  bool representable_as_ints() const {
    return std::all_of(data.begin(), data.end(), [](double x) {
      return std::isfinite(x) && std::fabs(x) < 0x1p62 && x == std::trunc(x);
    });
  }
  std::vector<std::int64_t> ints() const {
    if (!representable_as_ints()) throw Error("not an integer tensor");
    return {data.begin(), data.end()};
  }
};

Value ints_value(const std::vector<std::int64_t>& values, Shape dims) {
  return {TensorProto_DataType::TensorProto_DataType_INT64, std::move(dims),
          std::vector<double>(values.begin(), values.end())};
}

std::optional<Value> from_tensor(const onnx::TensorProto& tensor) {
  Value v{tensor.data_type(), Shape(tensor.dims().begin(), tensor.dims().end()), {}};
  std::int64_t count = 1;
  for (const std::int64_t d : v.dims) {
    if (d < 0 || (d > 0 && count > kMaxFoldedElements / d)) return std::nullopt;
    count *= d;
  }
  if (tensor.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) return std::nullopt;
  const auto take = [&](const auto& values) {
    v.data.assign(values.begin(), values.end());
    return static_cast<std::int64_t>(v.data.size()) == count;
  };
  bool ok = false;
  switch (tensor.data_type()) {
    case TensorProto_DataType::TensorProto_DataType_INT64:
      ok = take(onnx::ParseData<std::int64_t>(&tensor));
      break;
    case TensorProto_DataType::TensorProto_DataType_INT32:
      ok = take(onnx::ParseData<std::int32_t>(&tensor));
      break;
    case TensorProto_DataType::TensorProto_DataType_FLOAT:
      ok = take(onnx::ParseData<float>(&tensor));
      break;
    case TensorProto_DataType::TensorProto_DataType_DOUBLE:
      ok = take(onnx::ParseData<double>(&tensor));
      break;
    case TensorProto_DataType::TensorProto_DataType_BOOL:
      ok = !tensor.has_raw_data() && take(tensor.int32_data());
      break;
    default:
      break;
  }
  if (!ok) return std::nullopt;
  return v;
}

onnx::TensorProto to_tensor(const std::string& name, const Value& v) {
  onnx::TensorProto tensor;
  tensor.set_name(name);
  for (const std::int64_t d : v.dims) tensor.add_dims(d);
  switch (v.elem_type) {
    case TensorProto_DataType::TensorProto_DataType_FLOAT:
      tensor.set_data_type(v.elem_type);
      for (const double x : v.data) tensor.add_float_data(static_cast<float>(x));
      break;
    case TensorProto_DataType::TensorProto_DataType_DOUBLE:
      tensor.set_data_type(v.elem_type);
      for (const double x : v.data) tensor.add_double_data(x);
      break;
    case TensorProto_DataType::TensorProto_DataType_INT32:
    case TensorProto_DataType::TensorProto_DataType_BOOL:
      tensor.set_data_type(v.elem_type);
      for (const double x : v.data) tensor.add_int32_data(static_cast<std::int32_t>(x));
      break;
    default:
      tensor.set_data_type(TensorProto_DataType::TensorProto_DataType_INT64);
      for (const double x : v.data) tensor.add_int64_data(static_cast<std::int64_t>(x));
      break;
  }
  return tensor;
}

// Row-major strides of a shape.
Shape strides_of(const Shape& dims) {
  Shape strides(dims.size(), 1);
  for (std::size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

// NumPy broadcasting of two shapes (ONNX multidirectional broadcasting).
std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1) return std::nullopt;
    out[i] = x == 1 ? y : x;
  }
  return out;
}

// The element of `v` that broadcasts to flat position `flat` of `out`.
double broadcast_at(const Value& v, const Shape& out, const Shape& out_strides, std::int64_t flat) {
  std::int64_t index = 0, stride = 1;
  for (std::size_t i = out.size(); i-- > 0;) {
    const std::size_t vi = i + v.dims.size();
    if (vi < out.size()) break;
    const std::size_t axis = vi - out.size();
    const std::int64_t coordinate = (flat / out_strides[i]) % out[i];
    if (v.dims[axis] != 1) index += coordinate * stride;
    stride *= v.dims[axis];
  }
  return v.data[static_cast<std::size_t>(index)];
}

std::optional<Value> elementwise(const std::vector<Value>& in, int elem_type,
                                 const std::function<double(const std::vector<double>&)>& f) {
  Shape out = in.at(0).dims;
  for (std::size_t i = 1; i < in.size(); ++i) {
    const auto b = broadcast(out, in[i].dims);
    if (!b) return std::nullopt;
    out = *b;
  }
  if (element_count(out) > kMaxFoldedElements) return std::nullopt;
  const Shape strides = strides_of(out);
  Value result{elem_type, out, std::vector<double>(static_cast<std::size_t>(element_count(out)))};
  std::vector<double> args(in.size());
  for (std::int64_t flat = 0; flat < result.count(); ++flat) {
    for (std::size_t i = 0; i < in.size(); ++i) args[i] = broadcast_at(in[i], out, strides, flat);
    result.data[static_cast<std::size_t>(flat)] = f(args);
  }
  return result;
}

std::int64_t normalized_axis(std::int64_t axis, std::size_t rank) {
  if (axis < 0) axis += static_cast<std::int64_t>(rank);
  if (axis < 0 || axis >= static_cast<std::int64_t>(rank) + 0) return -1;
  return axis;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::int64_t int_attribute(const onnx::NodeProto& node, const char* name, std::int64_t fallback) {
  const auto* a = attribute(node, name);
  return a ? a->i() : fallback;
}

// Evaluates one node whose inputs are known; nullopt when the node cannot be folded.
class Evaluator {
 public:
  Evaluator(const onnx::NodeProto& node, std::vector<std::optional<Value>> inputs,
            std::vector<std::optional<Shape>> input_shapes)
      : node_(node), in_(std::move(inputs)), shapes_(std::move(input_shapes)) {}

  std::optional<Value> run() const {
    const std::string& op = node_.op_type();
    if (op == "Shape") return shape();
    if (op == "Size") {
      if (!shapes_.at(0)) return std::nullopt;
      return ints_value({element_count(*shapes_[0])}, {});
    }
    // Named inputs must be known; Slice (axes, steps) and (Un)Squeeze (axes) have optional ones.
    const std::size_t required = op == "Slice"                          ? 3
                                 : op == "Squeeze" || op == "Unsqueeze" ? 1
                                                                        : in_.size();
    for (std::size_t i = 0; i < in_.size(); ++i) {
      const bool named = !node_.input(static_cast<int>(i)).empty();
      if (!in_[i] && (named || i < required)) return std::nullopt;
    }
    if (in_.empty() && op != "Constant") return std::nullopt;
    if (op == "Constant") return constant();
    if (op == "Identity") return *in_.at(0);
    if (op == "Cast") return cast();
    if (op == "Gather") return gather();
    if (op == "Concat") return concat();
    if (op == "Unsqueeze" || op == "Squeeze") return squeeze(op == "Unsqueeze");
    if (op == "Reshape") return reshape();
    if (op == "Slice") return slice();
    if (op == "ConstantOfShape") return constant_of_shape();
    if (op == "Range") return range();
    if (op == "Expand") return expand();
    return arithmetic(op);
  }

 private:
  std::optional<Value> shape() const {
    if (!shapes_.at(0)) return std::nullopt;
    const Shape& s = *shapes_[0];
    const auto rank = static_cast<std::int64_t>(s.size());
    std::int64_t start = int_attribute(node_, "start", 0), end = int_attribute(node_, "end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<std::int64_t>(start, 0, rank);
    end = std::clamp<std::int64_t>(end, start, rank);
    return ints_value({s.begin() + start, s.begin() + end}, {end - start});
  }

  std::optional<Value> constant() const {
    if (const auto* a = attribute(node_, "value")) return from_tensor(a->t());
    if (const auto* a = attribute(node_, "value_int")) return ints_value({a->i()}, {});
    if (const auto* a = attribute(node_, "value_ints")) {
      const std::vector<std::int64_t> v(a->ints().begin(), a->ints().end());
      return ints_value(v, {static_cast<std::int64_t>(v.size())});
    }
    if (const auto* a = attribute(node_, "value_float"))
      return Value{TensorProto_DataType::TensorProto_DataType_FLOAT, {}, {a->f()}};
    if (const auto* a = attribute(node_, "value_floats"))
      return Value{TensorProto_DataType::TensorProto_DataType_FLOAT,
                   {static_cast<std::int64_t>(a->floats_size())},
                   {a->floats().begin(), a->floats().end()}};
    return std::nullopt;
  }

  std::optional<Value> cast() const {
    Value v = *in_.at(0);
    v.elem_type = static_cast<int>(int_attribute(node_, "to", v.elem_type));
    if (v.elem_type == TensorProto_DataType::TensorProto_DataType_BOOL) {
      for (double& x : v.data) x = x != 0 ? 1 : 0;
    } else if (v.is_integer()) {
      for (double& x : v.data) {
        if (!std::isfinite(x)) return std::nullopt;
        x = std::trunc(x);
      }
    }
    return v;
  }

  std::optional<Value> gather() const {
    const Value& data = *in_[0];
    const Value& indices = *in_.at(1);
    const std::int64_t axis = normalized_axis(int_attribute(node_, "axis", 0), data.dims.size());
    if (axis < 0) return std::nullopt;
    const auto a = static_cast<std::size_t>(axis);
    Shape out(data.dims.begin(), data.dims.begin() + axis);
    out.insert(out.end(), indices.dims.begin(), indices.dims.end());
    out.insert(out.end(), data.dims.begin() + axis + 1, data.dims.end());
    std::int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < a; ++i) outer *= data.dims[i];
    for (std::size_t i = a + 1; i < data.dims.size(); ++i) inner *= data.dims[i];
    Value result{data.elem_type, out, {}};
    for (std::int64_t o = 0; o < outer; ++o) {
      for (const double raw : indices.data) {
        auto index = static_cast<std::int64_t>(raw);
        if (index < 0) index += data.dims[a];
        if (index < 0 || index >= data.dims[a]) return std::nullopt;
        for (std::int64_t i = 0; i < inner; ++i)
          result.data.push_back(
              data.data[static_cast<std::size_t>((o * data.dims[a] + index) * inner + i)]);
      }
    }
    return result;
  }

  std::optional<Value> concat() const {
    const Value& first = *in_.at(0);
    const std::int64_t axis = normalized_axis(int_attribute(node_, "axis", 0), first.dims.size());
    if (axis < 0) return std::nullopt;
    const auto a = static_cast<std::size_t>(axis);
    Shape out = first.dims;
    out[a] = 0;
    for (const auto& v : in_) {
      if (v->dims.size() != out.size()) return std::nullopt;
      out[a] += v->dims[a];
    }
    std::int64_t outer = 1;
    for (std::size_t i = 0; i < a; ++i) outer *= out[i];
    for (const auto& v : in_)
      for (std::size_t i = 0; i < out.size(); ++i)
        if (i != a && v->dims[i] != out[i]) return std::nullopt;
    Value result{first.elem_type, out, {}};
    for (std::int64_t o = 0; o < outer; ++o) {
      for (const auto& v : in_) {
        const std::int64_t block = v->count() / std::max<std::int64_t>(outer, 1);
        const auto begin = v->data.begin() + o * block;
        result.data.insert(result.data.end(), begin, begin + block);
      }
    }
    return result;
  }

  std::vector<std::int64_t> axes_input_or_attribute(std::size_t input) const {
    if (in_.size() > input && in_[input]) return in_[input]->ints();
    if (const auto* a = attribute(node_, "axes")) return {a->ints().begin(), a->ints().end()};
    return {};
  }

  std::optional<Value> squeeze(bool unsqueeze) const {
    Value v = *in_[0];
    const std::vector<std::int64_t> axes = axes_input_or_attribute(1);
    if (unsqueeze) {
      const std::size_t rank = v.dims.size() + axes.size();
      std::vector<bool> inserted(rank, false);
      for (const std::int64_t axis : axes) {
        const std::int64_t a = normalized_axis(axis, rank);
        if (a < 0) return std::nullopt;
        inserted[static_cast<std::size_t>(a)] = true;
      }
      Shape out;
      std::size_t next = 0;
      for (std::size_t i = 0; i < rank; ++i) out.push_back(inserted[i] ? 1 : v.dims.at(next++));
      v.dims = out;
      return v;
    }
    Shape out;
    for (std::size_t i = 0; i < v.dims.size(); ++i) {
      const bool listed = std::any_of(axes.begin(), axes.end(), [&](std::int64_t axis) {
        return normalized_axis(axis, v.dims.size()) == static_cast<std::int64_t>(i);
      });
      if (!(axes.empty() ? v.dims[i] == 1 : listed)) out.push_back(v.dims[i]);
    }
    v.dims = out;
    return v;
  }

  std::optional<Value> reshape() const {
    Value v = *in_[0];
    Shape out = in_.at(1)->ints();
    std::int64_t known = 1, infer = -1;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] == 0 && int_attribute(node_, "allowzero", 0) == 0) out[i] = v.dims.at(i);
      if (out[i] == -1) {
        infer = static_cast<std::int64_t>(i);
      } else {
        known *= out[i];
      }
    }
    if (infer >= 0 && known > 0) out[static_cast<std::size_t>(infer)] = v.count() / known;
    if (element_count(out) != v.count()) return std::nullopt;
    v.dims = out;
    return v;
  }

  std::optional<Value> slice() const {
    const Value& data = *in_[0];
    if (data.dims.size() != 1 || in_.size() < 3) return std::nullopt;  // shape vectors only
    const std::int64_t n = data.dims[0];
    std::int64_t start = in_[1]->ints().at(0), end = in_[2]->ints().at(0), step = 1;
    if (in_.size() > 3 && in_[3] && normalized_axis(in_[3]->ints().at(0), 1) != 0)
      return std::nullopt;
    if (in_.size() > 4 && in_[4]) step = in_[4]->ints().at(0);
    if (step == 0) return std::nullopt;
    if (start < 0) start += n;
    if (end < 0) end += n;
    Value result{data.elem_type, {0}, {}};
    if (step > 0) {
      for (std::int64_t i = std::clamp<std::int64_t>(start, 0, n);
           i < std::clamp<std::int64_t>(end, 0, n); i += step)
        result.data.push_back(data.data[static_cast<std::size_t>(i)]);
    } else {
      for (std::int64_t i = std::clamp<std::int64_t>(start, -1, n - 1);
           i > std::clamp<std::int64_t>(end, -1, n - 1); i += step)
        result.data.push_back(data.data[static_cast<std::size_t>(i)]);
    }
    result.dims[0] = result.count();
    return result;
  }

  std::optional<Value> constant_of_shape() const {
    Value fill{TensorProto_DataType::TensorProto_DataType_FLOAT, {}, {0.0}};
    if (const auto* a = attribute(node_, "value")) {
      const auto v = from_tensor(a->t());
      if (!v || v->count() != 1) return std::nullopt;
      fill = *v;
    }
    const Shape dims = in_[0]->ints();
    for (const std::int64_t d : dims)
      if (d < 0) return std::nullopt;
    if (element_count(dims) > kMaxFoldedElements) return std::nullopt;
    return Value{fill.elem_type, dims,
                 std::vector<double>(static_cast<std::size_t>(element_count(dims)), fill.data[0])};
  }

  std::optional<Value> range() const {
    const double start = in_.at(0)->data.at(0), limit = in_.at(1)->data.at(0),
                 delta = in_.at(2)->data.at(0);
    if (delta == 0) return std::nullopt;
    const double steps = std::max(0.0, std::ceil((limit - start) / delta));
    if (steps > double(kMaxFoldedElements)) return std::nullopt;
    Value result{in_[0]->elem_type, {static_cast<std::int64_t>(steps)}, {}};
    for (std::int64_t i = 0; i < result.dims[0]; ++i)
      result.data.push_back(start + double(i) * delta);
    return result;
  }

  std::optional<Value> expand() const {
    const Shape dims = in_.at(1)->ints();
    if (element_count(dims) > kMaxFoldedElements) return std::nullopt;
    const Value shape_value{in_[0]->elem_type, dims,
                            std::vector<double>(static_cast<std::size_t>(element_count(dims)))};
    return elementwise({*in_[0], shape_value}, in_[0]->elem_type,
                       [](const std::vector<double>& x) { return x[0]; });
  }

  std::optional<Value> arithmetic(const std::string& op) const {
    using Args = const std::vector<double>&;
    const int type = in_.empty() ? 0 : in_[0]->elem_type;
    const bool integer = !in_.empty() && in_[0]->is_integer();
    const int boolean = TensorProto_DataType::TensorProto_DataType_BOOL;
    static const std::map<std::string, std::size_t> kArity = {
        {"Add", 2},  {"Sub", 2},  {"Mul", 2}, {"Div", 2}, {"Pow", 2},     {"Equal", 2},
        {"Less", 2}, {"Sqrt", 1}, {"Neg", 1}, {"Not", 1}, {"Greater", 2}, {"Where", 3}};
    const auto arity = kArity.find(op);
    if (arity == kArity.end() || arity->second != in_.size()) return std::nullopt;
    std::vector<Value> args;
    for (const auto& v : in_) args.push_back(*v);
    if (op == "Add") return elementwise(args, type, [](Args x) { return x[0] + x[1]; });
    if (op == "Sub") return elementwise(args, type, [](Args x) { return x[0] - x[1]; });
    if (op == "Mul") return elementwise(args, type, [](Args x) { return x[0] * x[1]; });
    if (op == "Div") {
      for (const double d : args.at(1).data)
        if (integer && d == 0) return std::nullopt;
      return elementwise(args, type, [integer](Args x) {
        return integer ? std::trunc(x[0] / x[1]) : x[0] / x[1];
      });
    }
    if (op == "Pow") return elementwise(args, type, [](Args x) { return std::pow(x[0], x[1]); });
    if (op == "Sqrt") return elementwise(args, type, [](Args x) { return std::sqrt(x[0]); });
    if (op == "Neg") return elementwise(args, type, [](Args x) { return -x[0]; });
    if (op == "Not")
      return elementwise(args, boolean, [](Args x) { return x[0] == 0 ? 1.0 : 0.0; });
    if (op == "Equal")
      return elementwise(args, boolean, [](Args x) { return x[0] == x[1] ? 1.0 : 0.0; });
    if (op == "Less")
      return elementwise(args, boolean, [](Args x) { return x[0] < x[1] ? 1.0 : 0.0; });
    if (op == "Greater")
      return elementwise(args, boolean, [](Args x) { return x[0] > x[1] ? 1.0 : 0.0; });
    if (op == "Where")
      return elementwise(args, args[1].elem_type, [](Args x) { return x[0] != 0 ? x[1] : x[2]; });
    return std::nullopt;
  }

  const onnx::NodeProto& node_;
  std::vector<std::optional<Value>> in_;
  std::vector<std::optional<Shape>> shapes_;
};

// Static shapes after shape inference (every dimension a number).
std::map<std::string, Shape> static_shapes(const onnx::GraphProto& graph) {
  std::map<std::string, Shape> shapes;
  const auto record = [&](const onnx::ValueInfoProto& value) {
    if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape()) return;
    Shape shape;
    for (const auto& dim : value.type().tensor_type().shape().dim()) {
      if (!dim.has_dim_value()) return;
      shape.push_back(dim.dim_value());
    }
    shapes[value.name()] = std::move(shape);
  };
  for (const auto& v : graph.input()) record(v);
  for (const auto& v : graph.value_info()) record(v);
  for (const auto& v : graph.output()) record(v);
  for (const auto& init : graph.initializer())
    shapes[init.name()] = Shape(init.dims().begin(), init.dims().end());
  return shapes;
}

void infer_shapes(const std::filesystem::path& path, onnx::ModelProto& model) {
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception& e) {
    throw Error(path.string() + ": ONNX shape inference failed: " + e.what());
  }
}

// One pass over the nodes; returns whether anything was folded.
bool fold_once(onnx::GraphProto& graph, std::set<std::string>& folded) {
  const std::map<std::string, Shape> shapes = static_shapes(graph);
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& init : graph.initializer()) initializers[init.name()] = &init;
  std::set<std::string> outputs;
  for (const auto& v : graph.output()) outputs.insert(v.name());
  std::map<std::string, Value> values;
  const auto value_of = [&](const std::string& name) -> std::optional<Value> {
    if (const auto it = values.find(name); it != values.end()) return it->second;
    if (const auto it = initializers.find(name); it != initializers.end())
      return from_tensor(*it->second);
    return std::nullopt;
  };
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  std::vector<onnx::TensorProto> added;
  for (const onnx::NodeProto& node : graph.node()) {
    std::optional<Value> result;
    bool foldable = false;
    // Shape and Size read their input's shape only; every other operator needs all its named
    // inputs constant, so a node fed by an activation (a Conv) never converts its weights.
    const bool shape_only = node.op_type() == "Shape" || node.op_type() == "Size";
    const bool constant_inputs =
        std::all_of(node.input().begin(), node.input().end(), [&](const std::string& input) {
          return input.empty() || values.count(input) > 0 || initializers.count(input) > 0;
        });
    if (node.output_size() == 1 && outputs.count(node.output(0)) == 0 && node.domain().empty() &&
        (shape_only || constant_inputs)) {
      std::vector<std::optional<Value>> inputs;
      std::vector<std::optional<Shape>> input_shapes;
      for (const std::string& input : node.input()) {
        inputs.push_back(input.empty() || shape_only ? std::nullopt : value_of(input));
        const auto it = shapes.find(input);
        input_shapes.push_back(it == shapes.end() ? std::nullopt
                                                  : std::optional<Shape>(it->second));
      }
      try {
        result = Evaluator(node, std::move(inputs), std::move(input_shapes)).run();
        foldable = result && result->count() <= kMaxFoldedElements &&
                   result->count() == element_count(result->dims) &&
                   (!result->is_integer() || result->representable_as_ints());
      } catch (const std::exception&) {  // an input the operator does not accept: leave the node
        foldable = false;
      }
    }
    if (!foldable) {
      *kept.Add() = node;
      continue;
    }
    values[node.output(0)] = *result;
    added.push_back(to_tensor(node.output(0), *result));
    folded.insert(node.output(0));
  }
  if (added.empty()) return false;
  graph.mutable_node()->Swap(&kept);
  for (auto& tensor : added) *graph.add_initializer() = std::move(tensor);
  return true;
}

}  // namespace

std::set<std::string> fold_constants(const std::filesystem::path& path, onnx::ModelProto& model,
                                     std::int64_t batch) {
  onnx::GraphProto& graph = *model.mutable_graph();
  std::set<std::string> initializer_names;
  for (const auto& init : graph.initializer()) initializer_names.insert(init.name());
  for (auto& input : *graph.mutable_input()) {  // symbolic dimensions take the batch
    if (initializer_names.count(input.name()) > 0 || !input.type().has_tensor_type()) continue;
    for (auto& dim : *input.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim())
      if (!dim.has_dim_value()) dim.set_dim_value(batch);
  }
  std::set<std::string> folded;
  for (int round = 0; round < kMaxRounds; ++round) {
    infer_shapes(path, model);
    if (!fold_once(graph, folded)) return folded;
  }
  infer_shapes(path, model);
  return folded;
}

}  // namespace bbs::networks
