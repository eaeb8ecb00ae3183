// Llama checkpoints: config parsing (Hugging Face or llama2.c keys), shard discovery, weights.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "networks/io/input_file.hpp"
#include "networks/io/weight_file.hpp"
#include "networks/llm.hpp"
#include "networks/llm/llama_graph.hpp"

namespace bbs::networks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& path) {
  const std::string text = io::read_regular_file(path, "the config file");
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(path.string() + ": not valid JSON: " + e.what());
  }
}

// Bounds far above any released model, checked before anything is sized from the config.
constexpr std::int64_t kMaxCount = 1 << 12;  // layers, heads
constexpr std::int64_t kMaxSize = 1 << 22;   // hidden, intermediate and vocabulary sizes

std::int64_t positive_int(const json& config, const std::string& source, const std::string& key,
                          std::int64_t max = kMaxSize) {
  const auto it = config.find(key);
  if (it == config.end()) throw Error(source + ": missing key '" + key + "'");
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    throw Error(source + ": key '" + key + "' must be a positive integer, got " + it->dump());
  }
  if (it->get<std::int64_t>() > max) {
    throw Error(source + ": key '" + key + "' = " + it->dump() + " is beyond any Llama-family " +
                "model (at most " + std::to_string(max) + ")");
  }
  return it->get<std::int64_t>();
}

// The Hugging Face classes whose checkpoints this graph describes; Qwen2 adds q/k/v biases.
void check_architecture(const json& c, const std::string& source, LlamaConfig& config) {
  const auto it = c.find("architectures");
  if (it == c.end()) return;
  if (!it->is_array() || it->empty())
    throw Error(source + ": key 'architectures' must be a non-empty list, got " + it->dump());
  for (const json& name : *it) {
    const std::string arch = name.is_string() ? name.get<std::string>() : name.dump();
    if (arch == "Qwen2ForCausalLM") {
      config.qkv_bias = true;
    } else if (arch != "LlamaForCausalLM" && arch != "MistralForCausalLM") {
      throw Error(source + ": architecture '" + arch +
                  "' is not supported (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
    }
  }
}

bool flag(const json& config, const std::string& key, bool fallback) {
  const auto it = config.find(key);
  return it != config.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

struct ParsedConfig {
  LlamaConfig config;
  const LlamaNames* names;
};

// Hugging Face LlamaConfig keys, or llama2.c's (dim, n_layers, ...).
ParsedConfig parse_config(const json& c, const std::string& source) {
  if (!c.is_object()) throw Error(source + ": the config is not a JSON object");
  LlamaConfig config;
  if (c.contains("dim")) {
    config.hidden_size = positive_int(c, source, "dim");
    config.intermediate_size = positive_int(c, source, "hidden_dim");
    config.num_layers = positive_int(c, source, "n_layers", kMaxCount);
    config.num_heads = positive_int(c, source, "n_heads", kMaxCount);
    config.num_kv_heads = c.contains("n_kv_heads")
                              ? positive_int(c, source, "n_kv_heads", kMaxCount)
                              : config.num_heads;
    config.vocab_size = positive_int(c, source, "vocab_size");
    config.tie_word_embeddings = flag(c, "shared_classifier", true);
    return {config, &llama2c_names()};
  }
  config.hidden_size = positive_int(c, source, "hidden_size");
  config.intermediate_size = positive_int(c, source, "intermediate_size");
  check_architecture(c, source, config);
  config.num_layers = positive_int(c, source, "num_hidden_layers", kMaxCount);
  config.num_heads = positive_int(c, source, "num_attention_heads", kMaxCount);
  config.num_kv_heads = c.contains("num_key_value_heads")
                            ? positive_int(c, source, "num_key_value_heads", kMaxCount)
                            : config.num_heads;
  if (c.contains("attention_bias")) config.qkv_bias = flag(c, "attention_bias", config.qkv_bias);
  config.vocab_size = positive_int(c, source, "vocab_size");
  config.tie_word_embeddings = flag(c, "tie_word_embeddings", false);
  if (config.hidden_size % config.num_heads != 0 || config.num_heads % config.num_kv_heads != 0) {
    throw Error(source + ": hidden_size " + std::to_string(config.hidden_size) +
                ", num_attention_heads " + std::to_string(config.num_heads) +
                " and num_key_value_heads " + std::to_string(config.num_kv_heads) +
                " do not divide evenly");
  }
  return {config, &hugging_face_llama_names()};
}

std::vector<fs::path> shards_from_index(const fs::path& index_path) {
  const json index = read_json(index_path);
  const auto map = index.find("weight_map");
  if (map == index.end() || !map->is_object()) {
    throw Error(index_path.string() + ": missing key 'weight_map'");
  }
  std::set<std::string> files;
  for (const auto& [tensor, file] : map->items()) {
    if (!file.is_string()) {
      throw Error(index_path.string() + ": weight_map entry '" + tensor + "' is not a file name");
    }
    files.insert(file.get<std::string>());
  }
  std::vector<fs::path> shards;
  for (const std::string& file : files) shards.push_back(index_path.parent_path() / file);
  return shards;
}

Workload with_defaults(Workload w) {
  constexpr std::int64_t kDefaultTokens = 128;
  if (w.batch == 0) w.batch = 1;
  if (w.sequence_length == 0) w.sequence_length = kDefaultTokens;
  if (w.kv_length == 0) w.kv_length = kDefaultTokens;
  if (w.batch < 0 || w.sequence_length < 0 || w.kv_length < 0) {
    throw Error("LLM workload: batch, sequence length and KV length must be positive");
  }
  return w;
}

std::string shape_text(const Shape& s) {
  std::string text = "[";
  for (std::size_t i = 0; i < s.size(); ++i) text += (i ? ", " : "") + std::to_string(s[i]);
  return text + "]";
}

// Before the graph is built: the shards' headers must hold exactly num_layers decoder layers
// whose attention projections have the config's head counts and sizes.
void check_against_tensors(const ParsedConfig& parsed, const std::vector<fs::path>& shards,
                           const std::string& source) {
  const LlamaConfig& c = parsed.config;
  const LlamaNames& n = *parsed.names;
  const std::string layer_prefix = n.layer.substr(0, n.layer.find("{}"));
  std::map<std::string, std::pair<Shape, std::string>> shapes;  // name -> shape, file
  std::set<std::int64_t> layers;
  for (const fs::path& shard : shards) {
    const io::WeightFile file = io::WeightFile::open(shard);
    for (const io::TensorInfo& t : file.tensors()) {
      shapes[t.name] = {t.shape, shard.filename().string()};
      if (!t.name.starts_with(layer_prefix)) continue;
      const std::string rest = t.name.substr(layer_prefix.size());
      const std::size_t digits = rest.find_first_not_of("0123456789");
      if (digits > 0 && digits != std::string::npos && digits < 10)
        layers.insert(std::stoll(rest.substr(0, digits)));
    }
  }
  const std::int64_t found = layers.empty() ? 0 : *layers.rbegin() + 1;
  if (std::int64_t(layers.size()) != c.num_layers || found != c.num_layers) {
    throw Error(source + ": key 'num_hidden_layers' (" + std::to_string(c.num_layers) +
                ") does not match the checkpoint, which holds " + std::to_string(layers.size()) +
                " decoder layers");
  }
  const std::int64_t head_dim = c.hidden_size / c.num_heads;
  const std::pair<std::string, Shape> expected[] = {
      {n.q, {c.num_heads * head_dim, c.hidden_size}},
      {n.k, {c.num_kv_heads * head_dim, c.hidden_size}},
      {n.v, {c.num_kv_heads * head_dim, c.hidden_size}},
      {n.gate, {c.intermediate_size, c.hidden_size}}};
  for (std::int64_t layer = 0; layer < c.num_layers; ++layer) {
    std::string prefix = n.layer;
    prefix.replace(prefix.find("{}"), 2, std::to_string(layer));
    for (const auto& [suffix, shape] : expected) {
      const auto it = shapes.find(prefix + suffix);
      if (it == shapes.end() || it->second.first == shape) continue;  // a missing one: attach
      throw Error(source + ": '" + prefix + suffix + "' has shape " + shape_text(it->second.first) +
                  " in " + it->second.second + ", but the config (hidden " +
                  std::to_string(c.hidden_size) + ", heads " + std::to_string(c.num_heads) +
                  ", KV heads " + std::to_string(c.num_kv_heads) + ", intermediate " +
                  std::to_string(c.intermediate_size) + ") expects " + shape_text(shape));
    }
  }
}

LlmCheckpoint load(const std::string& name, const ParsedConfig& parsed,
                   const std::vector<fs::path>& shards, const Workload& workload,
                   const AttachOptions& options, const std::string& source) {
  check_against_tensors(parsed, shards, source);
  Network network = llama(name, parsed.config, *parsed.names, with_defaults(workload));
  AttachedWeights weights = attach_weights(network, shards, options);
  return {std::move(network), std::move(weights)};
}

}  // namespace

LlmCheckpoint load_llama_checkpoint_files(const fs::path& config_json,
                                          const std::vector<fs::path>& shards,
                                          const Workload& workload, const AttachOptions& options) {
  const ParsedConfig parsed = parse_config(read_json(config_json), config_json.string());
  return load(config_json.parent_path().filename().string(), parsed, shards, workload, options,
              config_json.string());
}

bool is_llama_checkpoint(const fs::path& path) {
  std::error_code ignored;
  if (fs::is_directory(path, ignored)) return fs::exists(path / "config.json", ignored);
  const std::string name = path.filename().string();
  return name == "config.json" || name.ends_with(".safetensors.index.json");
}

std::vector<fs::path> checkpoint_shards(const fs::path& directory) {
  const fs::path index = directory / "model.safetensors.index.json";
  std::error_code not_found;  // an index that cannot be examined is read below, and named there
  return fs::exists(index, not_found) ? shards_from_index(index)
                           : std::vector<fs::path>{directory / "model.safetensors"};
}

LlmCheckpoint load_llama_checkpoint(const fs::path& path, const Workload& workload,
                                    const AttachOptions& options) {
  std::error_code not_found;  // any path that cannot be examined is read below, and named there
  if (fs::is_directory(path, not_found)) {
    return load_llama_checkpoint_files(path / "config.json", checkpoint_shards(path), workload,
                                       options);
  }
  if (path.filename() == "config.json")
    return load_llama_checkpoint(path.parent_path(), workload, options);
  if (path.filename().string().ends_with(".index.json")) {
    return load_llama_checkpoint_files(path.parent_path() / "config.json", shards_from_index(path),
                                       workload, options);
  }
  const fs::path beside = path.parent_path() / "config.json";
  if (fs::exists(beside, not_found))
    return load_llama_checkpoint_files(beside, {path}, workload, options);
  // A single file that carries its config in the safetensors metadata (llama2.c export).
  const io::WeightFile file = io::WeightFile::open(path);
  const auto config = file.metadata().find("config");
  if (config == file.metadata().end()) {
    throw Error(path.string() + ": no config.json beside it and no 'config' in its __metadata__");
  }
  json parsed_json;
  try {
    parsed_json = json::parse(config->second);
  } catch (const json::exception& e) {
    throw Error(path.string() + ": __metadata__ 'config' is not valid JSON: " + e.what());
  }
  const std::string source = path.string() + " (__metadata__ 'config')";
  return load(path.stem().string(), parse_config(parsed_json, source), {path}, workload, options,
              source);
}

}  // namespace bbs::networks
