// A DSE campaign, as the user writes it in TOML (errors name file:line and key):
//
//   name = "bitvert-explore"
//   profile = "corrected"            # or "bitsim"; defects = ["no-metadata", ...] optional
//   objectives = ["latency", "energy"]
//   [[workload]]  network = "resnet50"  weights = "path.safetensors" (default: synthetic)
//                 seed, batch, image_size, seq_len, phase, kv_length, sensitive_channels,
//                 activations = "acts.safetensors" (recorded input activations; default: per
//                 producing operation, model/accel/activation_stats.hpp), relu_density = 0.4
//   [[design]]    accel = "bitvert"     (a hardware preset, `bbs-dse list accels`)
//                 set = ["pruning.columns=4", ...]   fixed overrides
//                 workloads = ["bert_base_mrpc"]    only these workloads' networks (default: all)
//     [design.axes]  "array.rows" = [16, 32, 64]                  a list
//                    "array.cols" = { range = [8, 32], step = 8 }  inclusive
//                    "weight_sram.capacity_kib" = { log2_range = [128, 1024] }  x2 steps
//   [constraints] iso_multipliers = 4096, max_area_mm2 = 5.0, max_power_w = 2.0,
//                 buffers_hold_layers = true, expressions = ["edp < 2e-3 and power_w < 1"]
//   [strategy]    kind = "grid" | "random" | "nsga2", samples, seed, population, generations
// Any hardware key (model/accel/hardware_config.hpp) can be an axis; axes are kept in key order
// (the last one varies fastest in the design space).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dse/metric_expression.hpp"

namespace bbs::dse {

struct WorkloadSpec {
  std::string network;
  std::string weights;  // empty: seeded synthetic weights
  std::uint64_t seed = 1;
  std::int64_t batch = 1, image_size = 0, sequence_length = 0, kv_length = 0;
  std::string phase = "prefill";
  std::string sensitive_channels;  // JSON file: layer -> sensitive channel indices; empty: none
  std::string activations;  // safetensors: layer -> recorded input activations; empty: defaults
  // Value density of ReLU outputs for layers without recorded activations; empty: the built-in
  // published default (model/accel/activation_stats.hpp). Listing workloads that differ only
  // here sweeps it.
  std::optional<double> relu_density;
};

// One key of [[workload]]: its TOML name, what it holds and the member it fills. The parser reads,
// and the workload identity (app/workload_identity.hpp) serialises and hashes, exactly these rows,
// so a key added here is part of every workload's identity; a member of WorkloadSpec without a row
// fails to compile (campaign.cpp). Defaults are WorkloadSpec's initialisers.
struct WorkloadField {
  enum class Kind {
    Network,  // a zoo name, or a network file (hashed by content)
    File,     // a path (hashed by content); empty: none
    Text,
    Integer,
    Seed,
    Number,  // optional; absent: the built-in default
  };
  std::string_view key;
  Kind kind;
  std::string WorkloadSpec::*text = nullptr;              // Network, File, Text
  std::int64_t WorkloadSpec::*integer = nullptr;          // Integer
  std::uint64_t WorkloadSpec::*seed = nullptr;            // Seed
  std::optional<double> WorkloadSpec::*number = nullptr;  // Number
};
std::span<const WorkloadField> workload_fields();

// An axis is decoded value by value, never materialised: `range = [1, 1000000000]` costs nothing
// until a point asks for its value.
//   list:       values[i]
//   range:      low + i * step,  i < count = (high - low) / step + 1
//   log2_range: low * 2^i,       i < count = floor(log2(high / low)) + 1
struct Axis {
  std::string key;                  // dotted hardware key
  std::vector<std::string> values;  // a list: TOML text of each value, ready for key=value
  std::int64_t low = 0, step = 0, count = 0;  // a range (values empty)
  bool log2 = false;
  std::int64_t size() const;
  std::string value(std::int64_t index) const;
};

struct DesignSpec {
  std::string accel;                   // hardware preset
  std::vector<std::string> sets;       // fixed key=value overrides
  std::vector<std::string> workloads;  // networks it applies to; empty: every workload
  std::vector<Axis> axes;
  bool applies_to(const WorkloadSpec& w) const;
};

struct Constraints {
  std::optional<std::int64_t> iso_multipliers;
  std::optional<double> max_area_mm2;
  std::optional<double> max_power_w;
  // Every layer's stored weights fit the W-SRAM and its input + output activations the A-SRAM.
  bool buffers_hold_layers = false;
  std::vector<MetricExpression> expressions;  // each must hold
};

enum class StrategyKind { Grid, Random, Nsga2 };

// What a campaign may ask for, so that a spec can neither exhaust memory nor run unbounded:
// the points one run (one shard) evaluates, and the NSGA-II population.
inline constexpr std::int64_t kMaxPointsPerRun = 1'000'000;
inline constexpr int kMaxPopulation = 100'000;

struct Strategy {
  StrategyKind kind = StrategyKind::Grid;
  std::int64_t samples = 0;  // random: points drawn
  std::uint64_t seed = 1;
  int population = 64;  // nsga2
  int generations = 20;
};

struct CampaignSpec {
  std::string name;
  std::string profile = "corrected";
  std::vector<std::string> defects;
  std::vector<std::string> objectives{"latency", "energy"};
  std::vector<WorkloadSpec> workloads;
  std::vector<DesignSpec> designs;
  Constraints constraints;
  Strategy strategy;
  std::string source;  // file name (or "built-in NAME")
  std::string text;    // the TOML as written
  std::string hash;    // FNV-1a 64 of text, hex
  // The line of each key the parser read ("workload[0].network", "design[1].axes.array.rows",
  // "profile", ...), for errors found after parsing.
  std::map<std::string, int> key_lines;
  // "file:line: key 'K'" (the line when known), the start of an error about key K.
  std::string where(const std::string& key) const;
};

CampaignSpec parse_campaign(std::string_view text, const std::string& source);
// Reads a campaign file; relative file paths in it (ONNX networks, weights) are resolved against
// the file's folder, not the working directory.
CampaignSpec load_campaign(const std::filesystem::path& path);
// Built-in campaigns shipped in data/campaigns/<name>.toml: "paper", "bitvert-explore".
CampaignSpec builtin_campaign(std::string_view name);
std::vector<std::string> builtin_campaigns();

}  // namespace bbs::dse
