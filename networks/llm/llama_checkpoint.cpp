// Llama checkpoints: config parsing (Hugging Face or llama2.c keys), shard discovery, weights.
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

std::int64_t positive_int(const json& config, const std::string& source, const std::string& key) {
  const auto it = config.find(key);
  if (it == config.end()) throw Error(source + ": missing key '" + key + "'");
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    throw Error(source + ": key '" + key + "' must be a positive integer, got " + it->dump());
  }
  return it->get<std::int64_t>();
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
    config.num_layers = positive_int(c, source, "n_layers");
    config.num_heads = positive_int(c, source, "n_heads");
    config.num_kv_heads =
        c.contains("n_kv_heads") ? positive_int(c, source, "n_kv_heads") : config.num_heads;
    config.vocab_size = positive_int(c, source, "vocab_size");
    config.tie_word_embeddings = flag(c, "shared_classifier", true);
    return {config, &llama2c_names()};
  }
  config.hidden_size = positive_int(c, source, "hidden_size");
  config.intermediate_size = positive_int(c, source, "intermediate_size");
  config.num_layers = positive_int(c, source, "num_hidden_layers");
  config.num_heads = positive_int(c, source, "num_attention_heads");
  config.num_kv_heads = c.contains("num_key_value_heads")
                            ? positive_int(c, source, "num_key_value_heads")
                            : config.num_heads;
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

LlmCheckpoint load(const std::string& name, const ParsedConfig& parsed,
                   const std::vector<fs::path>& shards, const Workload& workload,
                   const AttachOptions& options) {
  Network network = llama(name, parsed.config, *parsed.names, with_defaults(workload));
  AttachedWeights weights = attach_weights(network, shards, options);
  return {std::move(network), std::move(weights)};
}

}  // namespace

LlmCheckpoint load_llama_checkpoint_files(const fs::path& config_json,
                                          const std::vector<fs::path>& shards,
                                          const Workload& workload, const AttachOptions& options) {
  const ParsedConfig parsed = parse_config(read_json(config_json), config_json.string());
  return load(config_json.parent_path().filename().string(), parsed, shards, workload, options);
}

LlmCheckpoint load_llama_checkpoint(const fs::path& path, const Workload& workload,
                                    const AttachOptions& options) {
  std::error_code not_found;  // any path that cannot be examined is read below, and named there
  if (fs::is_directory(path, not_found)) {
    const fs::path index = path / "model.safetensors.index.json";
    const std::vector<fs::path> shards = fs::exists(index, not_found)
                                             ? shards_from_index(index)
                                             : std::vector<fs::path>{path / "model.safetensors"};
    return load_llama_checkpoint_files(path / "config.json", shards, workload, options);
  }
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
  return load(path.stem().string(), parse_config(parsed_json, source), {path}, workload, options);
}

}  // namespace bbs::networks
