// Llama-family checkpoints: a Hugging Face config.json + safetensors shards (or a llama2.c-style
// single file whose __metadata__ carries the config) give the graph and the weights. Tensors are
// read and converted (BF16/F16 -> F32) one at a time through the WeightSource.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "networks/network.hpp"
#include "networks/weights.hpp"
#include "networks/zoo.hpp"

namespace bbs::networks {

struct LlmCheckpoint {
  Network network;
  AttachedWeights weights;
};

// `path` is one of:
//  - a directory with config.json and model.safetensors.index.json (sharded) or model.safetensors;
//  - a model.safetensors.index.json (config.json beside it);
//  - a single .safetensors file: config.json beside it, or a "config" JSON string in its
//    __metadata__ (llama2.c keys dim/hidden_dim/n_layers/n_heads/n_kv_heads/vocab_size, as in
//    the shared stories260K file).
// Zero workload fields take the defaults (batch 1, 128 prefill tokens, KV cache of 128).
// Throws bbs::Error naming the file and the key on a config with a missing or bad key.
LlmCheckpoint load_llama_checkpoint(const std::filesystem::path& path,
                                    const Workload& workload = {},
                                    const AttachOptions& options = {});

// A Hugging Face checkpoint directory (holds config.json) or its config.json / index json:
// what the commands accept wherever a network name is.
bool is_llama_checkpoint(const std::filesystem::path& path);

// The safetensors files of a checkpoint directory: the index's shards, or model.safetensors.
std::vector<std::filesystem::path> checkpoint_shards(const std::filesystem::path& directory);

// Explicit form: a config.json and the list of safetensors shards.
LlmCheckpoint load_llama_checkpoint_files(const std::filesystem::path& config_json,
                                          const std::vector<std::filesystem::path>& shards,
                                          const Workload& workload = {},
                                          const AttachOptions& options = {});

}  // namespace bbs::networks
