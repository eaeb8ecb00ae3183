// bbs-dse prune: binary-prune the weights of a file and write them back in the same format,
// shapes and layout. Float input is quantized first and written back dequantized (same float
// dtype), so the user can load it into their framework and measure accuracy. Int8 input is written
// as int8, except zero-point shifting, whose reconstructed values can leave int8 (-130, 130...):
// it writes int16. Tensors that are not pruned (biases, norms, unselected) are copied unchanged.
#include <cstring>
#include <iostream>

#include "app/analysis_tables.hpp"
#include "app/commands.hpp"
#include "app/engine_input.hpp"
#include "app/progress.hpp"
#include "model/bbs/quantize.hpp"

namespace bbs::app {
namespace {

io::TensorData copy_tensor(const io::WeightFile& file, const io::TensorInfo& info) {
  const auto view = file.tensor(info.name);
  io::TensorData data{info.name, info.dtype, info.shape, {}};
  data.bytes.assign(view.bytes.begin(), view.bytes.end());
  return data;
}

io::TensorData float_output(const io::TensorInfo& info, std::vector<float> values) {
  if (info.dtype == DType::F32) return io::make_tensor(info.name, info.shape, values);
  io::TensorData data{info.name, info.dtype, info.shape, std::vector<std::byte>(values.size() * 2)};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint16_t bits =
        info.dtype == DType::F16 ? float_to_half(values[i]) : float_to_bfloat16(values[i]);
    std::memcpy(data.bytes.data() + 2 * i, &bits, 2);
  }
  return data;
}

io::TensorData integer_output(const io::TensorInfo& info, std::vector<std::int16_t> values,
                              PruneMethod method) {
  if (method == PruneMethod::ZeroPoint) return io::make_tensor(info.name, info.shape, values);
  const std::vector<std::int8_t> narrow(values.begin(),
                                        values.end());  // every other pruner stays in int8
  return io::make_tensor(info.name, info.shape, narrow);
}

io::TensorData pruned_output(const io::TensorInfo& info, const WeightTensor& tensor,
                             const LayerAnalysis& layer, io::WeightLayout layout,
                             PruneMethod method) {
  if (tensor.scales.empty()) {
    return integer_output(info, io::from_canonical<std::int16_t>(info, layout, layer.pruned),
                          method);
  }
  const auto dequantized = dequantize(tensor.shape, layer.pruned, tensor.scales);
  return float_output(info, io::from_canonical<float>(info, layout, dequantized));
}

std::map<std::string, std::string> output_metadata(const io::WeightFile& file,
                                                   const AnalysisOptions& o) {
  auto metadata = file.metadata();
  metadata["bbs_dse.method"] = std::string(prune_method_name(o.prune.method));
  metadata["bbs_dse.columns"] = std::to_string(o.prune.columns);
  metadata["bbs_dse.const_bits"] = std::to_string(o.prune.const_bits);
  metadata["bbs_dse.group_size"] = std::to_string(o.grouping.group_size);
  metadata["bbs_dse.sensitive_fraction"] = std::to_string(o.sensitive_fraction);
  return metadata;
}

}  // namespace

int run_prune(const PruneOptions& options) {
  AnalysisOptions engine = analysis_options(options.engine);
  engine.keep_pruned_values = true;
  const io::WeightFile file = io::WeightFile::open(options.input);
  const EngineInput input = load_engine_input(file, options.engine);
  Progress progress("prune");
  const auto layers = analyze_weights(
      input.tensors, engine, [&](std::size_t done, std::size_t total, const std::string& name) {
        progress.update(done, total, name);
      });

  std::vector<io::TensorData> outputs;
  for (const auto& info : file.tensors()) {
    const auto it = std::find_if(input.tensors.begin(), input.tensors.end(),
                                 [&](const WeightTensor& t) { return t.name == info.name; });
    if (it == input.tensors.end()) {
      outputs.push_back(copy_tensor(file, info));
      continue;
    }
    const auto& layer = layers[std::size_t(it - input.tensors.begin())];
    outputs.push_back(pruned_output(info, *it, layer, input.layout, engine.prune.method));
  }
  if (file.format() == io::FileFormat::Npy)
    io::write_npy(options.output, outputs.front());
  else
    io::write_safetensors(options.output, outputs, output_metadata(file, engine));

  print_tables(std::cout,
               analysis_tables(layers, {options.input, engine, input.integer_input, false}),
               options.report);
  std::cerr << "wrote " << options.output << '\n';
  return 0;
}

}  // namespace bbs::app
