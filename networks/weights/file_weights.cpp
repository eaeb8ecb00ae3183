// Weights from safetensors / .npy files (one or several shards), matched to layers by name.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "networks/io/weight_file.hpp"
#include "networks/weights.hpp"
#include "networks/weights/layout.hpp"

namespace bbs::networks {
namespace {

struct Binding {
  std::size_t file = 0;
  std::string tensor;
  TensorLayout layout = TensorLayout::PyTorch;
};

class FileWeights final : public WeightSource {
 public:
  FileWeights(std::vector<io::WeightFile> files, std::map<std::string, Binding> bindings)
      : files_(std::move(files)), bindings_(std::move(bindings)) {}

  bool synthetic() const override { return false; }

  std::string description() const override {
    std::string text;
    for (const io::WeightFile& file : files_) {
      text += (text.empty() ? "" : ", ") + file.path().filename().string();
    }
    return text;
  }

  bool has(const Layer& layer) const override { return binding(layer) != nullptr; }

  std::string origin(const Layer& layer) const override {
    const Binding* b = binding(layer);
    if (b == nullptr) return {};
    std::string text = b->tensor;
    if (b->layout != TensorLayout::PyTorch) {
      text += " (" + std::string(tensor_layout_name(b->layout)) + ")";
    }
    if (files_.size() > 1) text += " in " + files_[b->file].path().filename().string();
    return text;
  }

  std::vector<float> load(const Layer& layer) const override {
    const Binding& b = bound(layer);
    return to_canonical(io::read_as_float(files_[b.file], b.tensor), layer, b.layout);
  }

  std::optional<IntegerWeights> load_integer(const Layer& layer) const override {
    const Binding& b = bound(layer);
    const io::WeightFile& file = files_[b.file];
    if (dtype_is_float(file.find(b.tensor)->dtype)) return std::nullopt;
    return IntegerWeights{to_canonical(io::read_as_int8(file, b.tensor), layer, b.layout), {}};
  }

  // A PyTorch-layout tensor's output channels are its leading rows, read straight from the mapped
  // file; a Keras-layout one interleaves them, so it is read whole and sliced.
  std::vector<float> load_channels(const Layer& layer, std::int64_t first,
                                   std::int64_t last) const override {
    const Binding& b = bound(layer);
    if (b.layout != TensorLayout::PyTorch) return WeightSource::load_channels(layer, first, last);
    return io::read_rows_as_float(files_[b.file], b.tensor, first, last);
  }

  std::optional<IntegerWeights> load_integer_channels(const Layer& layer, std::int64_t first,
                                                      std::int64_t last) const override {
    const Binding& b = bound(layer);
    const io::WeightFile& file = files_[b.file];
    if (dtype_is_float(file.find(b.tensor)->dtype)) return std::nullopt;
    if (b.layout != TensorLayout::PyTorch)
      return WeightSource::load_integer_channels(layer, first, last);
    return IntegerWeights{io::read_rows_as_int8(file, b.tensor, first, last), {}};
  }

  // Keras-layout tensors are read whole for every block, so only all-PyTorch files stream.
  bool loads_channel_blocks() const override {
    return std::all_of(bindings_.begin(), bindings_.end(),
                       [](const auto& b) { return b.second.layout == TensorLayout::PyTorch; });
  }

 private:
  const Binding& bound(const Layer& layer) const {
    const Binding* b = binding(layer);
    if (b == nullptr) throw Error(description() + ": no tensor for layer '" + layer.name + "'");
    return *b;
  }

  const Binding* binding(const Layer& layer) const {
    if (!layer.weight) return nullptr;
    const auto it = bindings_.find(layer.weight->name);
    return it == bindings_.end() ? nullptr : &it->second;
  }

  std::vector<io::WeightFile> files_;
  std::map<std::string, Binding> bindings_;  // by the layer's weight tensor name
};

struct FileTensor {
  std::size_t file;
  const io::TensorInfo* info;
};

std::map<std::string, FileTensor> index_tensors(const std::vector<io::WeightFile>& files) {
  std::map<std::string, FileTensor> index;
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (const io::TensorInfo& info : files[f].tensors()) {
      const auto [it, inserted] = index.emplace(info.name, FileTensor{f, &info});
      if (!inserted) {
        throw Error(files[f].path().string() + ": tensor '" + info.name + "' is also in " +
                    files[it->second.file].path().string());
      }
    }
  }
  return index;
}

std::string list(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 12;
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    text += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > kShown) text += " and " + std::to_string(names.size() - kShown) + " more";
  return text;
}

std::string file_list(const std::vector<std::filesystem::path>& files) {
  std::string text;
  for (const auto& path : files) text += (text.empty() ? "" : ", ") + path.string();
  return text;
}

// Finds the tensor of one weight layer: by TensorFlow name, else by state-dict name, else by its
// aliases (an ONNX layer's state-dict name, its initializer). In Auto
// layout the name decides the layout, unless only the other layout fits the tensor's shape (a TF
// name that equals the state-dict name, like face-api's "fc").
std::optional<Binding> bind_layer(const Layer& layer,
                                  const std::map<std::string, FileTensor>& index,
                                  WeightLayout layout, const std::vector<io::WeightFile>& files) {
  const WeightRef& weight = *layer.weight;
  auto it = weight.tf_name.empty() ? index.end() : index.find(weight.tf_name);
  const bool tf_named = it != index.end();
  if (!tf_named) it = index.find(weight.name);
  for (auto alias = weight.aliases.begin(); it == index.end() && alias != weight.aliases.end();
       ++alias)
    it = index.find(*alias);
  if (it == index.end()) return std::nullopt;
  const Shape& actual = it->second.info->shape;
  const bool keras = layout == WeightLayout::Keras || (layout == WeightLayout::Auto && tf_named);
  TensorLayout tensor_layout = keras ? keras_layout_of(layer) : TensorLayout::PyTorch;
  if (layout == WeightLayout::Auto && actual != file_shape(layer, tensor_layout)) {
    const TensorLayout other = keras ? TensorLayout::PyTorch : keras_layout_of(layer);
    if (actual == file_shape(layer, other)) tensor_layout = other;
  }
  const Shape expected = file_shape(layer, tensor_layout);
  if (actual != expected) {
    throw Error(files[it->second.file].path().string() + ": tensor '" + it->first + "' has shape " +
                shape_string(actual) + ", but layer '" + layer.name + "' expects " +
                shape_string(expected) + " (" + std::string(tensor_layout_name(tensor_layout)) +
                " layout)");
  }
  return Binding{it->second.file, it->first, tensor_layout};
}

}  // namespace

WeightLayout parse_weight_layout(std::string_view text) {
  if (text == "auto") return WeightLayout::Auto;
  if (text == "pytorch") return WeightLayout::PyTorch;
  if (text == "keras") return WeightLayout::Keras;
  throw Error("unknown weight layout '" + std::string(text) +
              "' (expected auto, pytorch or keras)");
}

std::string_view weight_layout_name(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::Auto:
      return "auto";
    case WeightLayout::PyTorch:
      return "pytorch";
    case WeightLayout::Keras:
      return "keras";
  }
  return "?";
}

AttachedWeights attach_weights(const Network& network,
                               const std::vector<std::filesystem::path>& paths,
                               const AttachOptions& options) {
  if (paths.empty()) throw Error("network '" + network.name() + "': no weight file given");
  std::vector<io::WeightFile> files;
  for (const auto& path : paths) files.push_back(io::WeightFile::open(path));
  const std::map<std::string, FileTensor> index = index_tensors(files);

  WeightMatch match;
  std::map<std::string, Binding> bindings;
  std::set<std::string> claimed;
  for (const Layer& layer : network.layers()) {
    if (!layer.weight || bindings.count(layer.weight->name) > 0) continue;
    if (std::optional<Binding> binding = bind_layer(layer, index, options.layout, files)) {
      claimed.insert(binding->tensor);
      bindings.emplace(layer.weight->name, std::move(*binding));
      ++match.matched_layers;
    } else {
      match.unmatched_layers.push_back(layer.name);
    }
  }
  for (const auto& [name, tensor] : index) {
    if (claimed.count(name) > 0) continue;
    (tensor.info->shape.size() >= 2 ? match.unmatched_tensors : match.ignored_tensors)
        .push_back(name);
  }

  if (!options.allow_unmatched &&
      (!match.unmatched_layers.empty() || !match.unmatched_tensors.empty())) {
    std::string message =
        file_list(paths) + ": weights do not match network '" + network.name() + "'";
    if (!match.unmatched_layers.empty()) {
      message += "; " + std::to_string(match.unmatched_layers.size()) +
                 " weight layer(s) without a tensor: " + list(match.unmatched_layers);
    }
    if (!match.unmatched_tensors.empty()) {
      message += "; " + std::to_string(match.unmatched_tensors.size()) +
                 " tensor(s) without a layer: " + list(match.unmatched_tensors);
    }
    throw Error(message + " (allow unmatched layers to continue anyway)");
  }
  return {std::make_shared<FileWeights>(std::move(files), std::move(bindings)), std::move(match)};
}

}  // namespace bbs::networks
