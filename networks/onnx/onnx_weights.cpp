#include "networks/onnx/onnx_weights.hpp"

#include <onnx/onnx_pb.h>

#include <cstring>

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

std::vector<float> float_values(const onnx::TensorProto& t, const std::string& file) {
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    throw Error(file + ": initializer '" + t.name() + "' uses external data (not supported)");
  }
  switch (t.data_type()) {
    case onnx::TensorProto_DataType_FLOAT:
      if (!t.raw_data().empty()) return raw_values<float>(t.raw_data());
      return {t.float_data().begin(), t.float_data().end()};
    case onnx::TensorProto_DataType_DOUBLE: {
      const std::vector<double> wide =
          t.raw_data().empty() ? std::vector<double>(t.double_data().begin(), t.double_data().end())
                               : raw_values<double>(t.raw_data());
      return {wide.begin(), wide.end()};
    }
    case onnx::TensorProto_DataType_FLOAT16:
      return half_values(t, half_to_float);
    case onnx::TensorProto_DataType_BFLOAT16:
      return half_values(t, bfloat16_to_float);
    default:
      throw Error(file + ": initializer '" + t.name() + "' has ONNX data type " +
                  std::to_string(t.data_type()) + ", not a floating-point type");
  }
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

  std::vector<float> load(const Layer& layer) const override {
    const OnnxBinding* b = binding(layer);
    if (b == nullptr) {
      throw Error(path_.string() + ": no initializer for layer '" + layer.name + "'");
    }
    std::vector<float> values = float_values(*initializers_.at(b->initializer), path_.string());
    if (static_cast<std::int64_t>(values.size()) != element_count(layer.weight->shape)) {
      throw Error(path_.string() + ": initializer '" + b->initializer + "' holds " +
                  std::to_string(values.size()) + " values, its dims say " +
                  std::to_string(element_count(layer.weight->shape)));
    }
    return to_canonical(std::move(values), layer,
                        b->transposed ? TensorLayout::KerasDense : TensorLayout::PyTorch);
  }

 private:
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

std::shared_ptr<const WeightSource> make_onnx_weights(std::filesystem::path path,
                                                      std::shared_ptr<const onnx::ModelProto> model,
                                                      std::map<std::string, OnnxBinding> bindings) {
  return std::make_shared<OnnxWeights>(std::move(path), std::move(model), std::move(bindings));
}

}  // namespace bbs::networks
