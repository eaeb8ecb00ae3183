// bbs-dse analyze: bit-level statistics of a model's weights before and after BBS pruning;
// with --db, also stored in a result database (tables analysis, analysis_layer).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/analysis_tables.hpp"
#include "app/commands.hpp"
#include "app/engine_input.hpp"
#include "app/progress.hpp"
#include "dse/result_store.hpp"
#include "model/accel/sensitive_channels.hpp"

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

std::optional<double> finite(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// The identity of an analysis besides its weights: every setting that changes its numbers.
std::string options_json(const AnalysisOptions& engine, const EngineSettings& settings,
                         const std::string& sensitive_channels) {
  nlohmann::json j{{"method", prune_method_name(engine.prune.method)},
                   {"columns", engine.prune.columns},
                   {"const_bits", engine.prune.const_bits},
                   {"group_size", engine.grouping.group_size},
                   {"grouping", settings.grouping},
                   {"depthwise", settings.depthwise},
                   {"quantization", settings.quantization},
                   {"layout", settings.layout},
                   {"sensitive_fraction", engine.sensitive_fraction},
                   {"channel_multiple", engine.channel_multiple},
                   {"tensors", settings.tensors},
                   {"seed", settings.seed}};
  if (!sensitive_channels.empty()) j["sensitive_channels"] = sensitive_channels;
  return j.dump();
}

void store_analysis(const AnalyzeOptions& options, const AnalysisOptions& engine,
                    const EngineInput& input, const std::vector<LayerAnalysis>& layers) {
  const LayerAnalysis total = total_of(layers);
  dse::AnalysisRecord a;
  // A weight file alone is named like a model file: by its stem.
  a.network = options.network.empty() ? std::filesystem::path(input.source).stem().string()
                                      : network_display_name(options.network);
  a.weights_source = input.source;
  a.synthetic = input.synthetic;
  a.method = std::string(prune_method_name(engine.prune.method));
  a.columns = engine.prune.columns;
  a.group_size = engine.grouping.group_size;
  a.sensitive_fraction = engine.sensitive_fraction;
  a.options_json = options_json(engine, options.engine, options.sensitive_channels);
  a.weights = total.size.weights;
  a.bits_per_weight = total.size.bits_per_weight(true);
  a.bits_per_weight_no_metadata = total.size.bits_per_weight(false);
  a.size_reduction = total.size.size_reduction(true);
  a.mse = total.error.mse();
  a.sqnr_db = finite(total.error.sqnr_db());
  a.tool_version = kToolVersion;
  a.git_revision = BBS_DSE_GIT_REVISION;
  std::vector<dse::AnalysisLayerRecord> rows;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerAnalysis& l = layers[i];
    rows.push_back({int(i), l.name, l.size.weights, l.sensitive_channels, l.before.value_sparsity(),
                    l.before.bit_sparsity_twos(), l.before.bit_sparsity_sign_mag(),
                    l.before.bbs_sparsity(), l.after.bbs_sparsity(), l.size.bits_per_weight(true),
                    l.error.mse(), finite(l.error.sqnr_db())});
  }
  const std::filesystem::path db(options.db);
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  dse::ResultStore store = dse::ResultStore::open(db);
  store.add_analysis(a, rows);
  std::cerr << "analyze: stored " << layers.size() << " layers of '" << a.network << "' ("
            << a.method << ", " << a.columns << " columns) in " << db.string() << '\n';
}

}  // namespace

// The file's channels per tensor, looked up by the tensor names analyze prints (model/accel/
// sensitive_channels.hpp: a name that matches no tensor or a bad index is an error).
std::vector<std::vector<bool>> given_sensitive(const std::string& path,
                                               const std::vector<WeightTensor>& tensors) {
  std::vector<accel::LayerWork> named;
  for (const WeightTensor& t : tensors) {
    accel::LayerWork w;
    w.name = t.name;
    w.out_channels = t.shape.at(0);
    named.push_back(w);
  }
  auto masks = accel::resolve_sensitive_channels(accel::read_sensitive_channels(path), named,
                                                 accel::Fidelity::Corrected);
  for (std::size_t i = 0; i < masks.size(); ++i)
    if (masks[i].empty()) masks[i].assign(std::size_t(named[i].out_channels), false);
  return masks;
}

int run_analyze(const AnalyzeOptions& options) {
  AnalysisOptions engine = analysis_options(options.engine);
  const EngineInput input = engine_input(options);
  if (!options.sensitive_channels.empty())
    engine.given_sensitive = given_sensitive(options.sensitive_channels, input.tensors);
  if (!input.skipped.empty()) std::cerr << skipped_note(input) << '\n';
  Progress progress("analyze");
  const auto layers = analyze_weights(
      input.tensors, engine, [&](std::size_t done, std::size_t total, const std::string& name) {
        progress.update(done, total, name);
      });
  print_tables(std::cout,
               analysis_tables(layers, {input.source, engine, weights_kind(input, options.engine)}),
               options.report);
  if (!options.db.empty()) store_analysis(options, engine, input, layers);
  return total_of(layers).check.mismatches == 0 ? 0 : 3;
}

}  // namespace bbs::app
