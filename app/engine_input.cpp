#include "app/engine_input.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "core/parallel.hpp"
#include "model/bbs/quantize.hpp"

namespace bbs::app {
namespace {

GroupingOptions grouping_options(const EngineSettings& s) {
  GroupingOptions g;
  g.group_size = s.group_size;
  if (s.grouping == "per-row")
    g.mode = GroupingMode::PerRow;
  else if (s.grouping != "reference")
    throw Error("--grouping '" + s.grouping + "': expected reference or per-row");
  if (s.depthwise == "reference")
    g.depthwise = DepthwiseGrouping::Reference;
  else if (s.depthwise != "kernel-window")
    throw Error("--depthwise-grouping '" + s.depthwise + "': expected kernel-window or reference");
  return g;
}

QuantGranularity granularity_of(const EngineSettings& settings) {
  if (settings.quantization == "per-tensor") return QuantGranularity::PerTensor;
  if (settings.quantization == "per-channel") return QuantGranularity::PerChannel;
  throw Error("--quantization '" + settings.quantization + "': expected per-channel or per-tensor");
}

WeightTensor quantized_tensor(std::string name, Shape shape, std::vector<float> weights,
                              QuantGranularity granularity) {
  WeightTensor t{std::move(name), std::move(shape), {}, {}, std::move(weights)};
  QuantizedTensor q = quantize_int8(t.shape, t.original, granularity);
  t.values = std::move(q.values);
  t.scales = std::move(q.scales);
  return t;
}

}  // namespace

std::string weights_kind(const EngineInput& input, const EngineSettings& settings) {
  const std::string quantized =
      "float, quantized " +
      std::string(settings.quantization == "per-tensor" ? "per tensor" : "per channel");
  if (input.synthetic) return "SYNTHETIC " + quantized;
  if (input.integer_input) return "int8 as given";
  if (input.integer_tensors == 0) return quantized;
  return "mixed: " + std::to_string(input.integer_tensors) + " int8 as given, " +
         std::to_string(input.tensors.size() - input.integer_tensors) + " " + quantized;
}

AnalysisOptions analysis_options(const EngineSettings& s) {
  AnalysisOptions o;
  o.grouping = grouping_options(s);
  std::string method = "none";
  double sensitive = 0.0;
  if (s.setting == "conservative")
    method = "round-avg", sensitive = 0.1;
  else if (s.setting == "moderate")
    method = "zero-point", sensitive = 0.2;
  else if (!s.setting.empty())
    throw Error("--setting '" + s.setting + "': expected conservative or moderate");
  if (s.method) method = *s.method;
  o.prune.method = parse_prune_method(method);
  o.prune.columns = s.columns.value_or(o.prune.method == PruneMethod::RoundAverage ? 2 : 4);
  o.prune.const_bits = s.const_bits;
  o.prune.validate();
  if (o.prune.method == PruneMethod::None) o.prune.columns = 0;
  if (s.check_samples < 0)
    throw Error("--check " + std::to_string(s.check_samples) + ": expected a group count >= 0");
  o.sensitive_fraction = s.sensitive.value_or(sensitive);
  o.channel_multiple = s.channel_multiple;
  o.check_samples = s.check_samples;
  o.seed = s.seed;
  o.jobs = std::max(1, s.jobs);
  return o;
}

EngineInput load_engine_input(const io::WeightFile& file, const EngineSettings& settings) {
  EngineInput input;
  input.layout = io::parse_layout(settings.layout, file);
  std::vector<const io::TensorInfo*> chosen;
  if (settings.tensors.empty()) {
    for (const auto& info : file.tensors()) {
      if (io::is_weight_tensor(info))
        chosen.push_back(&info);
      else
        input.skipped.push_back(info.name + " (" + std::string(dtype_name(info.dtype)) + " " +
                                shape_string(info.shape) + ")");
    }
  } else {
    for (const auto& name : settings.tensors) {
      const auto* info = file.find(name);
      if (!info) throw Error(file.path().string() + ": no tensor named '" + name + "'");
      if (!io::is_weight_tensor(*info))
        throw Error(file.path().string() + ": tensor '" + name + "' is " +
                    std::string(dtype_name(info->dtype)) + " of shape " +
                    shape_string(info->shape) +
                    ": expected a rank 2, 3 or 4 weight tensor of int8, int16 or a float type");
      chosen.push_back(info);
    }
  }
  if (chosen.empty()) throw Error(file.path().string() + ": no weight tensors (rank 2-4) found");
  input.source = file.path().string();
  for (const io::TensorInfo* info : chosen) {
    WeightTensor t;
    t.name = info->name;
    t.shape = io::canonical_shape(*info, input.layout);
    if (dtype_is_float(info->dtype)) {
      t = quantized_tensor(
          info->name, t.shape,
          io::to_canonical(*info, input.layout, io::read_as_float(file, info->name)),
          granularity_of(settings));
    } else {
      ++input.integer_tensors;
      t.values = io::to_canonical(*info, input.layout, io::read_as_int8(file, info->name));
    }
    input.tensors.push_back(std::move(t));
  }
  input.integer_input = input.integer_tensors == input.tensors.size();
  return input;
}

std::string skipped_note(const EngineInput& input) {
  constexpr std::size_t kNamed = 8;
  if (input.skipped.empty()) return "";
  std::string note = "note: " + input.source + ": " + std::to_string(input.skipped.size()) +
                     " tensor(s) are not weights (rank 2-4 int8/int16/float) and were left as "
                     "they are:";
  for (std::size_t i = 0; i < std::min(kNamed, input.skipped.size()); ++i)
    note += (i == 0 ? " " : ", ") + input.skipped[i];
  if (input.skipped.size() > kNamed)
    note += " and " + std::to_string(input.skipped.size() - kNamed) + " more";
  return note;
}

EngineInput load_network_input(const LoadedNetwork& loaded, const EngineSettings& settings,
                               bool keep_float) {
  EngineInput input;
  input.source = loaded.weights->description();
  input.synthetic = loaded.weights->synthetic();
  const std::set<std::string> wanted(settings.tensors.begin(), settings.tensors.end());
  std::set<std::string> seen;
  std::vector<const networks::Layer*> selected;
  for (const networks::Layer& layer : loaded.network.layers()) {
    if (!layer.is_mapped() || !layer.weight) continue;
    const std::string& name = layer.weight->name;
    if ((!wanted.empty() && !wanted.count(name)) || !seen.insert(name).second) continue;
    selected.push_back(&layer);
  }
  // Weight sources are read-only (and synthetic weights are seeded per tensor name), so the
  // tensors load and quantize in parallel with the same result.
  input.tensors.resize(selected.size());
  std::vector<char> given(selected.size(), false);  // int8 as given (char: written by threads)
  parallel_for(std::int64_t(selected.size()), settings.jobs, [&](std::int64_t a, std::int64_t b) {
    for (std::int64_t i = a; i < b; ++i) {
      const networks::Layer& layer = *selected[std::size_t(i)];
      WeightTensor& t = input.tensors[std::size_t(i)];
      if (auto integers = loaded.weights->load_integer(layer)) {
        t = {layer.weight->name,
             layer.weight->shape,
             std::move(integers->values),
             std::move(integers->scales),
             {}};
        given[std::size_t(i)] = true;
        continue;
      }
      t = quantized_tensor(layer.weight->name, layer.weight->shape, loaded.weights->load(layer),
                           granularity_of(settings));
      if (!keep_float) std::vector<float>().swap(t.original);
    }
  });
  input.integer_tensors = std::size_t(std::count(given.begin(), given.end(), true));
  input.integer_input = input.integer_tensors == input.tensors.size();
  for (const auto& name : wanted)
    if (!seen.count(name))
      throw Error("network " + loaded.network.name() + ": no mapped layer has the weight '" + name +
                  "'");
  if (input.tensors.empty())
    throw Error("network " + loaded.network.name() + ": no conv or linear layer with weights");
  return input;
}

}  // namespace bbs::app
