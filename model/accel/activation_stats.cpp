#include "model/accel/activation_stats.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <set>
#include <sstream>
#include <vector>

#include "model/bbs/quantize.hpp"
#include "networks/io/weight_file.hpp"
#include "networks/network.hpp"

namespace bbs::accel {
namespace {

// Value density of ReLU outputs: Cnvlutin (Albericio et al., "Cnvlutin: Ineffectual-Neuron-Free
// Deep Neural Network Computing", ISCA 2016, §I) measures that the inputs of convolutional layers
// are on average 44% zero over the networks it studies, i.e. density 0.56. GELU, SiLU and softmax
// outputs are zero only at isolated points, layer norms and residual sums have no structural
// zeros, and network inputs (images, embeddings) none either: density 1 (the BBS paper, MICRO
// 2024, §V-C, attributes SparTen's weakness on transformers to their non-ReLU activations).
constexpr std::array kDefaults = {
    ActivationDefault{"relu", 0.56,
                      "Cnvlutin, ISCA 2016, sec. I: conv-layer inputs are 44% zero on average"},
    ActivationDefault{"gelu", 1.0, "no exact zeros (zero only at 0); BBS paper sec. V-C"},
    ActivationDefault{"silu", 1.0, "no exact zeros (zero only at 0); BBS paper sec. V-C"},
    ActivationDefault{"softmax", 1.0, "softmax outputs are positive"},
    ActivationDefault{"input", 1.0, "network input: no structural zeros"},
    ActivationDefault{"other", 1.0, "norm / residual / linear output: no structural zeros"},
};

std::string_view producer_of_op(const networks::Layer& l) {
  if (l.kind == networks::OpKind::Input || l.inputs.empty()) return "input";
  if (l.kind == networks::OpKind::Softmax || l.op == "softmax") return "softmax";
  if (l.op == "relu" || l.op == "relu6") return "relu";
  if (l.op == "gelu") return "gelu";
  if (l.op == "silu" || l.op == "silu_mul" || l.op == "swish") return "silu";
  return "other";
}

// Reshapes, concatenations and pools pass their producers' zeros on (a pool of a ReLU output is
// zero only where its whole window is, so its true density is at least the ReLU's: taking the
// ReLU's density errs towards sparser inputs).
bool passes_zeros_through(const networks::Layer& l) {
  return l.kind == networks::OpKind::Reshape || l.kind == networks::OpKind::Concat ||
         l.kind == networks::OpKind::Pool;
}

const ActivationDefault& default_for(std::string_view producer) {
  return *std::find_if(kDefaults.begin(), kDefaults.end(),
                       [&](const ActivationDefault& d) { return d.producer == producer; });
}

// The producers reached from layer's first (activation) input; the densest one applies when
// several meet (a concat of a ReLU and a norm output).
const ActivationDefault& producer_default(const networks::Network& net, std::size_t layer) {
  const auto& layers = net.layers();
  std::vector<std::size_t> pending;
  if (!layers[layer].inputs.empty()) pending.push_back(layers[layer].inputs.front());
  std::set<std::size_t> seen;
  const ActivationDefault* densest = nullptr;
  while (!pending.empty()) {
    const std::size_t v = pending.back();
    pending.pop_back();
    if (!seen.insert(v).second) continue;
    const networks::Layer& l = layers[v];
    if (passes_zeros_through(l) && !l.inputs.empty()) {
      pending.insert(pending.end(), l.inputs.begin(), l.inputs.end());
      continue;
    }
    const ActivationDefault& d = default_for(producer_of_op(l));
    if (!densest || d.density > densest->density) densest = &d;
  }
  return densest ? *densest : default_for("input");
}

std::string format_density(double density) {
  std::ostringstream s;
  s << density;
  return s.str();
}

ActivationStats stats_of(std::span<const std::int8_t> values, const std::string& source) {
  std::int64_t nonzero = 0, ones = 0;
  for (std::int8_t v : values) {
    nonzero += v != 0;
    ones += std::popcount(std::uint8_t(v));
  }
  const double n = double(values.size());
  return {double(nonzero) / n, double(ones) / (8.0 * n), source};
}

}  // namespace

std::span<const ActivationDefault> activation_defaults() { return kDefaults; }

RecordedActivations read_recorded_activations(const std::filesystem::path& path) {
  const io::WeightFile file = io::WeightFile::open(path);
  RecordedActivations recorded;
  recorded.file = path.string();
  const std::string source = "recorded: " + path.string();
  for (const io::TensorInfo& t : file.tensors()) {
    if (!dtype_is_weight(t.dtype) || element_count(t.shape) == 0)
      throw Error(path.string() + ": tensor '" + t.name + "' (" + std::string(dtype_name(t.dtype)) +
                  "): expected a non-empty float or int8 sample of a layer's input activations");
    if (dtype_is_float(t.dtype)) {
      const std::vector<float> x = io::read_as_float(file, t.name);
      const QuantizedTensor q =
          quantize_int8({std::int64_t(x.size())}, x, QuantGranularity::PerTensor);
      recorded.by_tensor[t.name] = stats_of(q.values, source);
    } else {
      recorded.by_tensor[t.name] = stats_of(io::read_as_int8(file, t.name), source);
    }
  }
  return recorded;
}

ActivationStats activation_stats(const networks::Network& network, std::size_t layer,
                                 const ActivationOptions& options,
                                 std::map<std::string, bool>* used) {
  const networks::Layer& l = network.layers()[layer];
  const RecordedActivations* recorded = options.recorded;
  if (recorded) {
    std::vector<std::string> names{l.name};
    if (l.weight) {
      names.push_back(l.weight->name);
      const std::string suffix = ".weight";
      if (l.weight->name.ends_with(suffix))
        names.push_back(l.weight->name.substr(0, l.weight->name.size() - suffix.size()));
    }
    for (const std::string& name : names)
      if (const auto it = recorded->by_tensor.find(name); it != recorded->by_tensor.end()) {
        if (used) (*used)[name] = true;
        return it->second;
      }
  }
  const ActivationDefault& d = producer_default(network, layer);
  if (d.producer == "relu" && options.relu_density) {
    const double density = *options.relu_density;
    if (!(density > 0 && density <= 1))
      throw Error("relu_density " + format_density(density) + ": expected a density in (0, 1]");
    return {density, std::nullopt,
            "default: relu " + format_density(density) + " (relu_density given)"};
  }
  return {d.density, std::nullopt,
          "default: " + std::string(d.producer) + " " + format_density(d.density) + " (" +
              std::string(d.source) + ")"};
}

std::string summarize_sources(std::span<const ActivationStats> layers) {
  std::map<std::string, int> count;
  for (const ActivationStats& a : layers)
    ++count[a.source.starts_with("default") ? "default" : a.source];
  std::string text;
  for (const auto& [source, n] : count)
    text += (text.empty() ? "" : ", ") + source + " (" + std::to_string(n) + " layers)";
  return text;
}

}  // namespace bbs::accel
