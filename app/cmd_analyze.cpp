// bbs-dse analyze: bit-level statistics of a model's weights before and after BBS pruning.
#include <iostream>

#include "app/analysis_tables.hpp"
#include "app/commands.hpp"
#include "app/engine_input.hpp"
#include "app/progress.hpp"

namespace bbs::app {

std::string default_weights_path() {
  return std::string(BBS_DSE_DATA_DIR) + "/weights/cifar10_resnet20.safetensors";
}

namespace {

EngineInput engine_input(const AnalyzeOptions& options) {
  if (!options.network.empty()) {
    ShowOptions show;
    show.network = options.network;
    if (!options.weights.empty()) show.weights = options.weights;
    show.layout = networks::parse_weight_layout(options.engine.layout);
    show.allow_unmatched = options.allow_unmatched;
    show.synthetic_seed = options.engine.seed;
    return load_network_input(load_network(show), options.engine);
  }
  const std::string path = options.weights.empty() ? default_weights_path() : options.weights;
  return load_engine_input(io::WeightFile::open(path), options.engine);
}

}  // namespace

int run_analyze(const AnalyzeOptions& options) {
  const OutputFormat format = parse_output_format(options.format);
  const AnalysisOptions engine = analysis_options(options.engine);
  const EngineInput input = engine_input(options);
  Progress progress("analyze");
  const auto layers = analyze_weights(
      input.tensors, engine, [&](std::size_t done, std::size_t total, const std::string& name) {
        progress.update(done, total, name);
      });
  print_tables(
      std::cout,
      analysis_tables(layers, {input.source, engine, input.integer_input, input.synthetic}),
      format);
  return total_of(layers).check.mismatches == 0 ? 0 : 3;
}

}  // namespace bbs::app
