#include "networks/onnx/onnx_weights.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "networks/weights/layout.hpp"

namespace bbs::networks {
namespace {

template <typename T>
std::vector<T> raw_values(const std::string& raw) {
  std::vector<T> values(raw.size() / sizeof(T));
  std::memcpy(values.data(), raw.data(), values.size() * sizeof(T));
  return values;
}

std::vector<float> half_values(const onnx::TensorProto& t, float (*widen)(std::uint16_t)) {
  std::vector<float> out;
  if (!t.raw_data().empty()) {
    for (std::uint16_t bits : raw_values<std::uint16_t>(t.raw_data())) out.push_back(widen(bits));
  } else {
    for (std::int32_t bits : t.int32_data()) out.push_back(widen(static_cast<std::uint16_t>(bits)));
  }
  return out;
}

class OnnxWeights final : public WeightSource {
 public:
  OnnxWeights(std::filesystem::path path, std::shared_ptr<const onnx::ModelProto> model,
              std::map<std::string, OnnxBinding> bindings)
      : path_(std::move(path)), model_(std::move(model)), bindings_(std::move(bindings)) {
    for (const auto& init : model_->graph().initializer()) initializers_[init.name()] = &init;
  }

  bool synthetic() const override { return false; }
  std::string description() const override { return path_.filename().string() + " (ONNX)"; }
  bool has(const Layer& layer) const override { return binding(layer) != nullptr; }
  std::string origin(const Layer& layer) const override {
    const OnnxBinding* b = binding(layer);
    if (b == nullptr) return {};
    return b->initializer + (b->transposed ? " (ONNX [in,out])" : "");
  }

  // Integer initializers (and QDQ weights) are dequantized: scale_k * q, or q without a scale.
  std::vector<float> load(const Layer& layer) const override {
    if (std::optional<IntegerWeights> integers = load_integer(layer)) {
      const std::size_t channels = std::size_t(layer.weight->shape.at(0));
      const std::size_t per_channel = integers->values.size() / std::max<std::size_t>(channels, 1);
      std::vector<float> values(integers->values.size());
      for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = float(integers->values[i]) *
                    float(integers->scales.empty() ? 1.0 : integers->scales[i / per_channel]);
      return values;
    }
    const OnnxBinding& b = bound(layer);
    return to_canonical(checked_count(float_values(initializer(b), path_.string()), layer, b),
                        layer, layout(b));
  }

  std::optional<IntegerWeights> load_integer(const Layer& layer) const override {
    const OnnxBinding& b = bound(layer);
    const onnx::TensorProto& stored = initializer(b);
    if (stored.data_type() != onnx::TensorProto_DataType_INT8) return std::nullopt;
    IntegerWeights integers{
        to_canonical(checked_count(int8_values(stored, path_.string()), layer, b), layer,
                     layout(b)),
        {}};
    if (!b.scale.empty()) {
      const std::vector<float> scale = float_values(*initializers_.at(b.scale), path_.string());
      const std::size_t channels = std::size_t(layer.weight->shape.at(0));
      integers.scales.assign(scale.begin(), scale.end());
      if (scale.size() == 1) integers.scales.assign(channels, scale[0]);
      if (integers.scales.size() != channels)
        throw Error(path_.string() + ": scale '" + b.scale + "' of initializer '" + b.initializer +
                    "' holds " + std::to_string(scale.size()) + " values, expected 1 or " +
                    std::to_string(channels) + " (one per output channel)");
    }
    return integers;
  }

 private:
  const OnnxBinding& bound(const Layer& layer) const {
    const OnnxBinding* b = binding(layer);
    if (b == nullptr)
      throw Error(path_.string() + ": no initializer for layer '" + layer.name + "'");
    return *b;
  }

  const onnx::TensorProto& initializer(const OnnxBinding& b) const {
    return *initializers_.at(b.initializer);
  }

  static TensorLayout layout(const OnnxBinding& b) {
    return b.transposed ? TensorLayout::KerasDense : TensorLayout::PyTorch;
  }

  template <typename T>
  std::vector<T> checked_count(std::vector<T> values, const Layer& layer,
                               const OnnxBinding& b) const {
    if (static_cast<std::int64_t>(values.size()) != element_count(layer.weight->shape)) {
      throw Error(path_.string() + ": initializer '" + b.initializer + "' holds " +
                  std::to_string(values.size()) + " values, its dims say " +
                  std::to_string(element_count(layer.weight->shape)));
    }
    return values;
  }

  const OnnxBinding* binding(const Layer& layer) const {
    if (!layer.weight) return nullptr;
    const auto it = bindings_.find(layer.weight->name);
    return it == bindings_.end() ? nullptr : &it->second;
  }

  std::filesystem::path path_;
  std::shared_ptr<const onnx::ModelProto> model_;
  std::map<std::string, OnnxBinding> bindings_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
};

}  // namespace

std::vector<float> float_values(const onnx::TensorProto& t, const std::string& file) {
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    throw Error(file + ": initializer '" + t.name() + "' uses external data (not supported)");
  }
  std::vector<float> values;
  switch (t.data_type()) {
    case onnx::TensorProto_DataType_FLOAT:
      values = t.raw_data().empty()
                   ? std::vector<float>(t.float_data().begin(), t.float_data().end())
                   : raw_values<float>(t.raw_data());
      break;
    case onnx::TensorProto_DataType_DOUBLE: {
      const std::vector<double> wide =
          t.raw_data().empty() ? std::vector<double>(t.double_data().begin(), t.double_data().end())
                               : raw_values<double>(t.raw_data());
      values.assign(wide.begin(), wide.end());
      break;
    }
    case onnx::TensorProto_DataType_FLOAT16:
      values = half_values(t, half_to_float);
      break;
    case onnx::TensorProto_DataType_BFLOAT16:
      values = half_values(t, bfloat16_to_float);
      break;
    default:
      throw Error(file + ": initializer '" + t.name() + "' has ONNX data type " +
                  std::to_string(t.data_type()) + ", not a floating-point type");
  }
  const auto bad =
      std::find_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); });
  if (bad != values.end()) {
    throw Error(file + ": initializer '" + t.name() + "' has " +
                (std::isnan(*bad) ? "a NaN" : "an infinite") + " value at flat index " +
                std::to_string(bad - values.begin()));
  }
  return values;
}

std::vector<std::int8_t> int8_values(const onnx::TensorProto& t, const std::string& file) {
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    throw Error(file + ": initializer '" + t.name() + "' uses external data (not supported)");
  }
  if (t.data_type() != onnx::TensorProto_DataType_INT8) {
    throw Error(file + ": initializer '" + t.name() + "' has ONNX data type " +
                std::to_string(t.data_type()) + ", expected INT8 (3)");
  }
  if (!t.raw_data().empty()) return raw_values<std::int8_t>(t.raw_data());
  std::vector<std::int8_t> values;  // int8 values widened to int32
  for (const std::int32_t v : t.int32_data()) {
    if (v < -128 || v > 127) {
      throw Error(file + ": INT8 initializer '" + t.name() + "' holds " + std::to_string(v) +
                  " at flat index " + std::to_string(values.size()) + ", outside int8");
    }
    values.push_back(std::int8_t(v));
  }
  return values;
}

std::shared_ptr<const WeightSource> make_onnx_weights(std::filesystem::path path,
                                                      std::shared_ptr<const onnx::ModelProto> model,
                                                      std::map<std::string, OnnxBinding> bindings) {
  return std::make_shared<OnnxWeights>(std::move(path), std::move(model), std::move(bindings));
}

}  // namespace bbs::networks
