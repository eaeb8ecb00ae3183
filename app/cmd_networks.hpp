// `bbs-dse networks` (the zoo) and `bbs-dse show NETWORK` (per-layer table): the tables only;
// cli.cpp parses the options and prints them in the user's --format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/report.hpp"
#include "networks/network.hpp"
#include "networks/weights.hpp"
#include "networks/zoo.hpp"

namespace bbs::app {

// One row per zoo network: name, family, operators, weight layers, parameters, MACs, default
// workload, matching shared-weights file.
std::vector<Table> networks_report();

struct ShowOptions {
  std::string network;  // a zoo name or a path ending in .onnx
  // safetensors / .npy; without it: the ONNX initializers, or synthetic for zoo networks.
  std::optional<std::filesystem::path> weights;
  networks::Workload workload;  // zero fields: the network's defaults
  networks::WeightLayout layout = networks::WeightLayout::Auto;
  bool allow_unmatched = false;
  std::uint64_t synthetic_seed = 1;
  std::optional<std::filesystem::path> dot;  // also write the graph as Graphviz here
  // JSON file: layer name -> sensitive channel indices (model/accel/sensitive_channels.hpp).
  std::optional<std::filesystem::path> sensitive_channels;
  // safetensors: layer name -> a sample of its input activations (activation statistics).
  std::optional<std::filesystem::path> activations;
  std::optional<double> relu_density;  // the ReLU default's density (absent: published value)
};

// Whether a network name is an ONNX file (ends with .onnx) rather than a zoo name.
bool is_onnx_path(const std::string& name);

// A zoo name or an .onnx file, with the weights the options ask for (file, ONNX initializers,
// or synthetic for zoo networks without a file).
struct LoadedNetwork {
  networks::Network network;
  std::shared_ptr<const networks::WeightSource> weights;
  networks::WeightMatch match;
};
LoadedNetwork load_network(const ShowOptions& options);

// The one display name of a model in reports and the result database: a zoo name as it is, an
// ONNX file (or any path) by its file stem ("models/net.onnx" -> "net"), so `run` and
// `analyze --db` name the same model alike and analyses join design points.
std::string network_display_name(const std::string& network_or_path);

// Tables "network" (totals, workload, weight source — says "synthetic" when it is), "layers"
// (one row per operator in execution order) and, when allowed, "unmatched".
std::vector<Table> show_report(const ShowOptions& options);

// Graphviz of the network; throws bbs::Error naming the file if it cannot be written.
void write_dot(const networks::Network& network, const std::filesystem::path& path);

}  // namespace bbs::app
