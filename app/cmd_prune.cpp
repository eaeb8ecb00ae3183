// bbs-dse prune: binary-prune the weights of a file and write them back in the same format,
// shapes and layout. Float input is quantized first and written back dequantized (same float
// dtype), so the user can load it into their framework and measure accuracy. Int8 input is written
// as int8, except zero-point shifting, whose reconstructed values can leave int8 (-130, 130...):
// it writes int16. Tensors that are not pruned (biases, norms, unselected) are copied unchanged.
#include <algorithm>
#include <array>
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

// Output bytes [first, first + out.size()) of elements of type Out, value(i) for element i,
// produced as the writer asks for them (no whole-tensor output copy), a stack chunk at a time so
// that the conversion vectorises.
template <typename Out, typename Value>
io::ByteFill element_fill(Value value) {
  return [value](std::uint64_t first, std::span<std::byte> out) {
    constexpr std::size_t kChunk = 4096;
    std::array<Out, kChunk> chunk;
    const std::size_t begin = std::size_t(first / sizeof(Out)), count = out.size() / sizeof(Out);
    for (std::size_t done = 0; done < count; done += kChunk) {
      const std::size_t n = std::min(kChunk, count - done);
      for (std::size_t i = 0; i < n; ++i) chunk[i] = value(begin + done + i);
      std::memcpy(out.data() + done * sizeof(Out), chunk.data(), n * sizeof(Out));
    }
  };
}

// Float output in the input's float dtype, from float values in file order.
template <typename Value>
io::ByteFill float_fill(DType dtype, Value value) {
  switch (dtype) {
    case DType::F64:
      return element_fill<double>([value](std::size_t i) { return double(value(i)); });
    case DType::F16:
      return element_fill<std::uint16_t>(
          [value](std::size_t i) { return float_to_half(value(i)); });
    case DType::BF16:
      return element_fill<std::uint16_t>(
          [value](std::size_t i) { return float_to_bfloat16(value(i)); });
    default:
      return element_fill<float>(value);
  }
}

// A pruned tensor in the file's dtype and layout. Int8 input stays int8 (zero-point: int16, its
// reconstructed values can leave int8); float input is dequantized as bbs::dequantize does
// (value x its output channel's scale, in double, rounded to float). A Keras tensor is
// reordered into a copy first; every other tensor streams straight from the pruned values.
io::TensorStream pruned_output(const io::TensorInfo& info, const WeightTensor& tensor,
                               const LayerAnalysis& layer, io::WeightLayout layout,
                               PruneMethod method, std::vector<float>& float_copy,
                               std::vector<std::int16_t>& integer_copy) {
  io::TensorStream out{info.name, info.dtype, info.shape, {}};
  const bool reorder = io::needs_reorder(info, layout);
  if (tensor.scales.empty()) {
    std::span<const std::int16_t> values = layer.pruned;
    if (reorder) values = integer_copy = io::from_canonical<std::int16_t>(info, layout, values);
    out.dtype = method == PruneMethod::ZeroPoint ? DType::I16 : DType::I8;
    out.fill =
        method == PruneMethod::ZeroPoint
            ? element_fill<std::int16_t>([values](std::size_t i) { return values[i]; })
            : element_fill<std::int8_t>([values](std::size_t i) { return std::int8_t(values[i]); });
    return out;
  }
  if (reorder) {
    float_copy = io::from_canonical<float>(info, layout,
                                           dequantize(tensor.shape, layer.pruned, tensor.scales));
    out.fill = float_fill(info.dtype, [values = std::span<const float>(float_copy)](std::size_t i) {
      return values[i];
    });
    return out;
  }
  const std::span<const std::int16_t> values = layer.pruned;
  const std::span<const double> scales = tensor.scales;
  const std::size_t per_channel = values.size() / scales.size();
  out.fill = float_fill(info.dtype, [values, scales, per_channel](std::size_t i) {
    return float(double(values[i]) * scales[i / per_channel]);
  });
  return out;
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
  auto layers = analyze_weights(input.tensors, engine,
                                [&](std::size_t done, std::size_t total, const std::string& name) {
                                  progress.update(done, total, name);
                                });

  std::vector<io::TensorStream> outputs;
  std::vector<std::vector<float>> float_copies(file.tensors().size());
  std::vector<std::vector<std::int16_t>> integer_copies(file.tensors().size());
  for (std::size_t f = 0; f < file.tensors().size(); ++f) {
    const io::TensorInfo& info = file.tensors()[f];
    const auto it = std::find_if(input.tensors.begin(), input.tensors.end(),
                                 [&](const WeightTensor& t) { return t.name == info.name; });
    if (it == input.tensors.end()) {
      outputs.push_back(io::stream_of(file.tensor(info.name)));
      continue;
    }
    const auto& layer = layers[std::size_t(it - input.tensors.begin())];
    outputs.push_back(pruned_output(info, *it, layer, input.layout, engine.prune.method,
                                    float_copies[f], integer_copies[f]));
  }
  if (file.format() == io::FileFormat::Npy)
    io::write_npy(output_path, outputs.front());
  else
    io::write_safetensors(output_path, outputs, output_metadata(file, engine));
  std::cerr << "wrote " << output_path.string() << '\n';
  for (LayerAnalysis& layer : layers) std::vector<std::int16_t>().swap(layer.pruned);  // written
  return {std::move(layers), weights_kind(input, options.engine)};
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
