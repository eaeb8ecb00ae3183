// The Llama-family decoder graph (Llama 2/3, llama2.c), for prefill of T tokens or decode of one
// token against a KV cache. Internal: the zoo and the checkpoint loader (llm.hpp) use it.
#pragma once

#include <cstdint>
#include <string>

#include "networks/network.hpp"
#include "networks/zoo.hpp"

namespace bbs::networks {

struct LlamaConfig {
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::int64_t num_layers = 0;
  std::int64_t num_heads = 0;
  std::int64_t num_kv_heads = 0;
  std::int64_t vocab_size = 0;
  bool tie_word_embeddings = false;
  bool qkv_bias = false;  // Qwen2: q, k and v projections carry a bias
};

// Tensor names of one checkpoint convention; "{}" in `layer` is replaced by the layer index.
struct LlamaNames {
  std::string embed, layer, q, k, v, o, gate, up, down, attn_norm, ffn_norm, final_norm, head;
};
const LlamaNames& hugging_face_llama_names();  // model.layers.N.self_attn.q_proj.weight, ...
const LlamaNames& llama2c_names();             // layers.N.attention.wq.weight, ...

// Prefill: workload.sequence_length tokens, logits for the last one. Decode: one token, the KV
// cache holds workload.kv_length tokens (graph inputs "<layer>.k_cache" / ".v_cache").
Network llama(const std::string& name, const LlamaConfig& config, const LlamaNames& names,
              const Workload& workload);

}  // namespace bbs::networks
