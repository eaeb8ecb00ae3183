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

int run_analyze(const AnalyzeOptions& options) {
  const OutputFormat format = parse_output_format(options.format);
  const AnalysisOptions engine = analysis_options(options.engine);
  const std::string path = options.weights.empty() ? default_weights_path() : options.weights;
  const io::WeightFile file = io::WeightFile::open(path);
  const EngineInput input = load_engine_input(file, options.engine);
  Progress progress("analyze");
  const auto layers = analyze_weights(
      input.tensors, engine,
      [&](std::size_t done, std::size_t total, const std::string& name) {
        progress.update(done, total, name);
      });
  print_tables(std::cout, analysis_tables(layers, {path, engine, input.integer_input}), format);
  return total_of(layers).check.mismatches == 0 ? 0 : 3;
}

}  // namespace bbs::app
