#include "app/cmd_networks.hpp"

#include <fstream>

#include "networks/llm.hpp"
#include "networks/onnx_import.hpp"

namespace bbs::app {
namespace {

using networks::Layer;
using networks::Network;

std::string workload_text(const networks::ZooEntry& entry, const networks::Workload& w) {
  if (entry.family == "llm") {
    return "batch " + std::to_string(w.batch) + ", prefill " + std::to_string(w.sequence_length) +
           " tokens / decode with KV " + std::to_string(w.kv_length);
  }
  if (entry.family == "bert") {
    return "batch " + std::to_string(w.batch) + ", " + std::to_string(w.sequence_length) +
           " tokens";
  }
  return "batch " + std::to_string(w.batch) + ", " + std::to_string(w.image_size) + "x" +
         std::to_string(w.image_size);
}

bool is_path(const std::string& name) {
  return is_onnx_path(name) || name.find('/') != std::string::npos;
}

}  // namespace

std::vector<Table> networks_report() {
  Table table("networks", {{"name"},
                           {"family"},
                           {"operators"},
                           {"weight_layers"},
                           {"params"},
                           {"macs"},
                           {"default_workload"},
                           {"shared_weights"},
                           {"description"}});
  for (const networks::ZooEntry& entry : networks::zoo()) {
    const Network net = networks::build_network(entry.name);
    table.add_row(
        {entry.name, entry.family, static_cast<std::int64_t>(net.layers().size()),
         static_cast<std::int64_t>(net.weight_layer_count()), net.total_params(), net.total_macs(),
         workload_text(entry, entry.default_workload),
         entry.weights_file.empty() ? Cell(Null{}) : Cell(entry.weights_file + ".safetensors"),
         entry.description});
  }
  return {table};
}

bool is_onnx_path(const std::string& name) {
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".onnx") == 0;
}

std::string network_display_name(const std::string& network_or_path) {
  if (!is_path(network_or_path)) return network_or_path;
  return std::filesystem::path(network_or_path).stem().string();
}

LoadedNetwork load_network(const ShowOptions& options) {
  const networks::AttachOptions attach{options.layout, options.allow_unmatched};
  if (is_onnx_path(options.network)) {
    const std::int64_t batch = options.workload.batch > 0 ? options.workload.batch : 1;
    if (!options.weights) {
      networks::ImportedModel model = networks::import_onnx(options.network, batch);
      return {std::move(model.network), std::move(model.weights), {}};
    }
    networks::ImportedModel model =
        networks::import_onnx(options.network, batch, networks::InitializerValues::SkipWeights);
    networks::AttachedWeights attached =
        networks::attach_weights(model.network, {*options.weights}, attach);
    return {std::move(model.network), std::move(attached.source), std::move(attached.match)};
  }
  if (networks::is_llama_checkpoint(options.network)) {
    if (options.weights)
      throw Error("--weights: '" + options.network +
                  "' is a checkpoint and brings its own weights");
    networks::LlmCheckpoint ckpt =
        networks::load_llama_checkpoint(options.network, options.workload, attach);
    return {std::move(ckpt.network), std::move(ckpt.weights.source), std::move(ckpt.weights.match)};
  }
  Network network = networks::build_network(options.network, options.workload);
  if (!options.weights) {
    return {std::move(network), networks::synthetic_weights(options.synthetic_seed), {}};
  }
  networks::AttachedWeights attached =
      networks::attach_weights(network, {*options.weights}, attach);
  return {std::move(network), std::move(attached.source), std::move(attached.match)};
}

std::vector<Table> show_report(const ShowOptions& options) {
  const LoadedNetwork loaded = load_network(options);
  const Network& net = loaded.network;
  if (options.dot) write_dot(net, *options.dot);

  std::string workload = "from the ONNX file";
  if (networks::is_llama_checkpoint(options.network)) {
    workload = "from the checkpoint's config.json";
  } else if (!is_onnx_path(options.network)) {
    const networks::ZooEntry& entry = networks::zoo_entry(options.network);
    workload = workload_text(entry, networks::resolve_workload(entry, options.workload));
  }
  Table summary("network", {{"name"},
                            {"operators"},
                            {"weight_layers"},
                            {"params"},
                            {"macs"},
                            {"mapped_macs"},
                            {"peak_live_activation_bytes"},
                            {"workload"},
                            {"weights"},
                            {"synthetic_weights"}});
  summary.add_row({net.name(), static_cast<std::int64_t>(net.layers().size()),
                   static_cast<std::int64_t>(net.weight_layer_count()), net.total_params(),
                   net.total_macs(), net.mapped_macs(), net.peak_live_activation_bytes(), workload,
                   loaded.weights->description(), loaded.weights->synthetic()});

  Table layers("layers", {{"index"},
                          {"name"},
                          {"kind"},
                          {"op"},
                          {"mapped"},
                          {"output_shape"},
                          {"weight_shape"},
                          {"macs"},
                          {"params"},
                          {"output_bytes"},
                          {"live_bytes"},
                          {"weight_source"}});
  for (std::size_t i = 0; i < net.layers().size(); ++i) {
    const Layer& layer = net.layers()[i];
    layers.add_row({static_cast<std::int64_t>(i), layer.name,
                    std::string(networks::op_kind_name(layer.kind)), layer.op, layer.is_mapped(),
                    layer.output_shape, layer.weight ? Cell(layer.weight->shape) : Cell(Null{}),
                    layer.macs, layer.param_count, layer.output_bytes(),
                    net.live_activation_bytes()[i],
                    layer.weight ? Cell(loaded.weights->origin(layer)) : Cell(Null{})});
  }
  std::vector<Table> tables = {summary, layers};
  if (!loaded.match.unmatched_layers.empty() || !loaded.match.unmatched_tensors.empty()) {
    Table unmatched("unmatched", {{"kind"}, {"name"}});
    for (const auto& name : loaded.match.unmatched_layers) unmatched.add_row({"layer", name});
    for (const auto& name : loaded.match.unmatched_tensors) unmatched.add_row({"tensor", name});
    tables.push_back(std::move(unmatched));
  }
  return tables;
}

void write_dot(const Network& network, const std::filesystem::path& path) {
  std::ofstream out(path);
  if (!out) throw Error(path.string() + ": cannot open for writing the Graphviz file");
  network.write_dot(out);
  if (!out) throw Error(path.string() + ": writing the Graphviz file failed");
}

}  // namespace bbs::app
