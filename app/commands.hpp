// Options and entry points of the subcommands. cli.cpp (the only file that sees CLI11) fills the
// options; each command lives in its own cmd_*.cpp and prints through app/report.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/report.hpp"

namespace bbs::app {

// What --version prints and result databases record as tool_version.
inline constexpr const char* kToolVersion = "bbs-dse 0.1.0";

// Settings shared by everything that runs the BBS engine.
struct EngineSettings {
  std::string setting;                // "", conservative, moderate
  std::optional<std::string> method;  // none, round-avg, zero-point, bit-flip
  std::optional<int> columns;
  int const_bits = 6;
  std::optional<double> sensitive;
  int channel_multiple = 32;
  int group_size = 32;
  std::string grouping = "reference";        // reference, per-row
  std::string depthwise = "kernel-window";   // kernel-window, reference
  std::string quantization = "per-channel";  // per-channel, per-tensor
  std::string layout = "auto";               // auto, pytorch, keras
  std::vector<std::string> tensors;          // empty: every weight tensor
  std::int64_t check_samples = 0;
  std::uint64_t seed = 1;
  int jobs = 1;
};

struct AnalyzeOptions {
  std::string weights;  // empty: the built-in default (or synthetic weights with --network)
  std::string network;  // a zoo name or an .onnx file: its weight layers are analyzed
  bool allow_unmatched = false;
  EngineSettings engine;
  OutputOptions report;            // --format, --table, --columns
  std::string db;                  // also store the analysis in this result database
  std::string sensitive_channels;  // JSON file: tensor name -> sensitive channel indices
};

struct PruneOptions {
  std::string input;
  std::string output;
  EngineSettings engine;
  OutputOptions report;  // --format, --table, --columns
};

struct SimulateOptions {
  std::string network = "resnet50";
  std::string weights;
  bool allow_unmatched = false;
  std::string accel = "bitvert";
  std::string hardware_file;
  std::vector<std::string> sets;
  std::string profile = "corrected";
  std::vector<std::string> defects;  // bitsim defects switched back on (docs/profiles.md)
  bool per_layer = false;
  std::int64_t check_samples = 0;
  std::int64_t batch = 1, image_size = 0, sequence_length = 0, kv_length = 0;
  std::string phase = "prefill";
  std::uint64_t seed = 1;
  int jobs = 1;
  OutputOptions report;                // --format, --table, --columns
  std::string sensitive_channels;      // JSON file: layer -> sensitive channel indices
  std::string activations;             // safetensors: layer -> recorded input activations
  std::optional<double> relu_density;  // density of ReLU outputs without a recording
};

struct CompareOptions {
  std::string preset;                 // a comparison of the paper (compare_preset_names())
  std::vector<std::string> networks;  // default: the paper's seven benchmarks
  std::vector<std::string> accels;    // default: every baseline and both BitVert settings
  std::string baseline = "stripes";
  bool baseline_given = false;  // --baseline on the command line (else a preset's applies)
  std::string weights_dir;      // real weights: <dir>/<weights stem or network>.safetensors/.npy
  std::string activations;      // recorded input activations of the one network compared
  std::optional<double> relu_density;
  std::vector<std::string> sets;
  std::string profile = "corrected";
  std::vector<std::string> defects;
  std::uint64_t seed = 1;
  int jobs = 1;
  OutputOptions report;  // --format, --table, --columns
};

struct RunOptions {
  std::string campaign = "paper";  // a TOML file or a built-in campaign name
  std::string db;                  // default results/<campaign name>.db
  std::string shard = "1/1";
  // K/N: only profile this share of every workload's weight tensors into the database's profile
  // cache (distributed profiling; `merge` the task databases, then run the campaign on them).
  std::string profile_shard;
  int jobs = 1;
  OutputOptions report;  // json/csv: the run's summary on stdout
};

struct QueryOptions {
  std::string db;
  std::string campaign;  // default: every campaign
  std::string sql;
  std::int64_t top = 0;
  std::string by = "edp";
  std::string pareto;  // "latency,energy"
  std::optional<std::int64_t> point;
  std::vector<std::string> diff;  // two campaign names: B against A
  bool baseline = false;
  OutputOptions report;  // --format, --table, --columns
};

struct PlotOptions {
  std::string db;
  std::string campaign;  // empty: the newest campaign
  std::string figure = "all";
  std::string out;  // empty: figures/<database stem>/ next to the database
  std::string network;
  std::string baseline = "paper";  // a preset, or the paper's: stripes (speedup), sparten (energy)
  std::string width;               // empty: each figure's own; "single" / "double": IEEE columns
  std::string title = "full";      // "full" or "none"
  std::string format = "table";    // the written files: one path a line, or json / csv
};

int run_analyze(const AnalyzeOptions& options);
int run_plot(const PlotOptions& options);
int run_campaign(const RunOptions& options);
int run_query(const QueryOptions& options);
int run_merge(const std::string& output, const std::vector<std::string>& shards,
              const OutputOptions& options);
int run_simulate(const SimulateOptions& options);
int run_compare(const CompareOptions& options);
std::vector<std::string> compare_preset_names();
int run_list_accels(const OutputOptions& output);
// The metric table (model/accel/metrics.hpp): name, unit, how it combines over layers, ...
int run_list_metrics(const OutputOptions& output);
int run_prune(const PruneOptions& options);

std::string default_weights_path();

}  // namespace bbs::app
