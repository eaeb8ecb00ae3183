// bbs-dse prune: binary-prune the weights of a file and write them back in the same format,
// shapes and layout. Float input is quantized first and written back dequantized (same float
// dtype), so the user can load it into their framework and measure accuracy. Int8 input is written
// as int8, except zero-point shifting, whose reconstructed values can leave int8 (-130, 130...):
// it writes int16. Tensors that are not pruned (biases, norms, unselected) are copied unchanged.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <span>

#include "app/analysis_tables.hpp"
#include "app/commands.hpp"
#include "app/engine_input.hpp"
#include "app/progress.hpp"
#include "model/bbs/quantize.hpp"
#include "networks/llm.hpp"

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
  if (info.dtype == DType::F64) {
    const std::vector<double> wide(values.begin(), values.end());
    const auto bytes = std::as_bytes(std::span(wide));
    return {info.name, info.dtype, info.shape, {bytes.begin(), bytes.end()}};
  }
  io::TensorData data{info.name, info.dtype, info.shape, std::vector<std::byte>(values.size() * 2)};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint16_t bits =
        info.dtype == DType::F16 ? float_to_half(values[i]) : float_to_bfloat16(values[i]);
    std::memcpy(data.bytes.data() + 2 * i, &bits, 2);
  }
  return data;
}

// Narrowed before the reorder into the file's layout: one int8 copy instead of an int16 one.
io::TensorData integer_output(const io::TensorInfo& info, io::WeightLayout layout,
                              std::span<const std::int16_t> canonical, PruneMethod method) {
  if (method == PruneMethod::ZeroPoint)
    return io::make_tensor(info.name, info.shape,
                           io::from_canonical<std::int16_t>(info, layout, canonical));
  const std::vector<std::int8_t> narrow(canonical.begin(),
                                        canonical.end());  // every other pruner stays in int8
  return io::make_tensor(info.name, info.shape,
                         io::from_canonical<std::int8_t>(info, layout, narrow));
}

io::TensorData pruned_output(const io::TensorInfo& info, const WeightTensor& tensor,
                             const LayerAnalysis& layer, io::WeightLayout layout,
                             PruneMethod method) {
  if (tensor.scales.empty()) {
    return integer_output(info, layout, layer.pruned, method);
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

struct PrunedFile {
  std::vector<LayerAnalysis> layers;
  std::string weights_kind;  // weights_kind() of the input
};

PrunedFile prune_file(const std::filesystem::path& input_path,
                      const std::filesystem::path& output_path, const PruneOptions& options,
                      const AnalysisOptions& engine) {
  const io::WeightFile file = io::WeightFile::open(input_path);
  const EngineInput input = load_engine_input(file, options.engine);
  if (!input.skipped.empty()) std::cerr << skipped_note(input) << '\n';
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
    io::write_npy(output_path, outputs.front());
  else
    io::write_safetensors(output_path, outputs, output_metadata(file, engine));
  std::cerr << "wrote " << output_path.string() << '\n';
  return {layers, weights_kind(input, options.engine)};
}

// A Hugging Face checkpoint directory: each shard pruned into the output directory under its
// own name, every other file (config.json, the index, tokenizer files) copied, so the result
// loads like the original.
PrunedFile prune_checkpoint(const std::filesystem::path& input, const std::filesystem::path& output,
                            const PruneOptions& options, const AnalysisOptions& engine) {
  namespace fs = std::filesystem;
  if (fs::exists(output) && !fs::is_directory(output))
    throw Error("--output '" + output.string() + "': the input is a checkpoint directory, " +
                "so the output must be a directory");
  fs::create_directories(output);
  PrunedFile all;
  const std::vector<fs::path> shards = networks::checkpoint_shards(input);
  for (const fs::path& shard : shards) {
    PrunedFile part = prune_file(shard, output / shard.filename(), options, engine);
    for (auto& layer : part.layers) all.layers.push_back(std::move(layer));
    if (all.weights_kind.empty() || all.weights_kind == part.weights_kind)
      all.weights_kind = part.weights_kind;
    else
      all.weights_kind = "mixed: shards differ";
  }
  for (const auto& entry : fs::directory_iterator(input)) {
    const bool shard = std::find(shards.begin(), shards.end(), entry.path()) != shards.end();
    if (entry.is_regular_file() && !shard)
      fs::copy_file(entry.path(), output / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
  }
  return all;
}

}  // namespace

int run_prune(const PruneOptions& options) {
  AnalysisOptions engine = analysis_options(options.engine);
  engine.keep_pruned_values = true;
  const bool checkpoint =
      std::filesystem::is_directory(options.input) && networks::is_llama_checkpoint(options.input);
  const PrunedFile pruned = checkpoint
                                ? prune_checkpoint(options.input, options.output, options, engine)
                                : prune_file(options.input, options.output, options, engine);
  print_tables(std::cout,
               analysis_tables(pruned.layers, {options.input, engine, pruned.weights_kind}),
               options.report);
  return 0;
}

}  // namespace bbs::app
