#include "app/workload_identity.hpp"

#include <nlohmann/json.hpp>

#include "app/cmd_networks.hpp"
#include "networks/io/content_hash.hpp"
#include "networks/llm.hpp"
#include "networks/zoo.hpp"

namespace bbs::app {
namespace {

using Kind = dse::WorkloadField::Kind;

// A Hugging Face checkpoint directory: its config, its index if sharded, and every shard.
std::string checkpoint_content_hash(const std::filesystem::path& directory) {
  std::string files = io::file_content_hash(directory / "config.json");
  const std::filesystem::path index = directory / "model.safetensors.index.json";
  std::error_code absent;
  if (std::filesystem::exists(index, absent)) files += " " + io::file_content_hash(index);
  for (const auto& shard : networks::checkpoint_shards(directory))
    files += " " + io::file_content_hash(shard);
  return io::content_hash(files);
}

// What a value stands for, beyond its text: file content, or the built-in generator's version.
std::string content_of(const dse::WorkloadField& field, const std::string& value) {
  const std::string key(field.key);
  try {
    if (field.kind == Kind::File) return value.empty() ? "" : io::file_content_hash(value);
    if (is_onnx_path(value)) return io::file_content_hash(value);
    if (networks::is_llama_checkpoint(value)) return checkpoint_content_hash(value);
    return networks::zoo_entry(value).name + "@zoo-v" + std::to_string(networks::kZooVersion);
  } catch (const Error& e) {
    throw Error("workload key '" + key + "' = '" + value + "': " + e.what());
  }
}

}  // namespace

WorkloadIdentity workload_identity(const dse::WorkloadSpec& w) {
  nlohmann::json description = nlohmann::json::object();
  std::string contents;
  for (const dse::WorkloadField& f : dse::workload_fields()) {
    const std::string key(f.key);
    switch (f.kind) {
      case Kind::Network:
      case Kind::File:
        description[key] = w.*f.text;
        contents += key + "=" + content_of(f, w.*f.text) + "\n";
        break;
      case Kind::Text:
        description[key] = w.*f.text;
        break;
      case Kind::Integer:
        description[key] = w.*f.integer;
        break;
      case Kind::Number:
        description[key] = w.*f.number ? nlohmann::json(*(w.*f.number)) : nlohmann::json();
        break;
      case Kind::Seed:
        description[key] = w.*f.seed;
        break;
    }
  }
  WorkloadIdentity identity;
  identity.description = description.dump();
  identity.content_hash = io::content_hash(identity.description + "\n" + contents);
  return identity;
}

}  // namespace bbs::app
