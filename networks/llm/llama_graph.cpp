#include "networks/llm/llama_graph.hpp"

#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"

namespace bbs::networks {
namespace {

std::string layer_prefix(const LlamaNames& names, std::int64_t layer) {
  std::string prefix = names.layer;
  prefix.replace(prefix.find("{}"), 2, std::to_string(layer));
  return prefix;
}

// Past keys or values joined with the new ones (decode), or the new ones alone (prefill).
TensorRef with_cache(NetworkBuilder& b, const std::string& cache_name, TensorRef fresh,
                     std::int64_t past_tokens) {
  if (past_tokens == 0) return fresh;
  Shape cached = b.shape(fresh);
  cached[1] = past_tokens;
  TensorRef cache = b.input(cache_name, cached);
  Shape all = cached;
  all[1] += b.shape(fresh)[1];
  return b.op(cache_name + ".append", OpKind::Concat, "concat", {cache, fresh}, all);
}

TensorRef decoder_layer(NetworkBuilder& b, TensorRef x, const std::string& p, const LlamaNames& n,
                        const LlamaConfig& c, std::int64_t past_tokens) {
  const std::int64_t head_dim = c.hidden_size / c.num_heads;
  const Shape s = b.shape(x);
  TensorRef h = b.layer_norm(p + n.attn_norm, "rmsnorm", x, false);
  TensorRef q = b.linear(p + n.q, h, c.num_heads * head_dim, c.qkv_bias);
  TensorRef k = b.linear(p + n.k, h, c.num_kv_heads * head_dim, c.qkv_bias);
  TensorRef v = b.linear(p + n.v, h, c.num_kv_heads * head_dim, c.qkv_bias);
  q = b.elementwise(p + "q.rope", "rope", {q});
  k = with_cache(b, p + "k_cache", b.elementwise(p + "k.rope", "rope", {k}), past_tokens);
  v = with_cache(b, p + "v_cache", v, past_tokens);
  h = builders::attention_core(b, p + "attention", q, k, v,
                               {s[0], c.num_heads, s[1], s[1] + past_tokens, head_dim, true});
  h = b.linear(p + n.o, h, c.hidden_size, false);
  x = b.elementwise(p + "attention.add", "add", {x, h});
  h = b.layer_norm(p + n.ffn_norm, "rmsnorm", x, false);
  TensorRef gate = b.linear(p + n.gate, h, c.intermediate_size, false);
  TensorRef up = b.linear(p + n.up, h, c.intermediate_size, false);
  h = b.elementwise(p + "mlp.silu_mul", "silu_mul", {gate, up});
  h = b.linear(p + n.down, h, c.hidden_size, false);
  return b.elementwise(p + "mlp.add", "add", {x, h});
}

}  // namespace

const LlamaNames& hugging_face_llama_names() {
  static const LlamaNames names{"model.embed_tokens.weight",
                                "model.layers.{}.",
                                "self_attn.q_proj.weight",
                                "self_attn.k_proj.weight",
                                "self_attn.v_proj.weight",
                                "self_attn.o_proj.weight",
                                "mlp.gate_proj.weight",
                                "mlp.up_proj.weight",
                                "mlp.down_proj.weight",
                                "input_layernorm",
                                "post_attention_layernorm",
                                "model.norm",
                                "lm_head.weight"};
  return names;
}

const LlamaNames& llama2c_names() {
  static const LlamaNames names{"tok_embeddings.weight",
                                "layers.{}.",
                                "attention.wq.weight",
                                "attention.wk.weight",
                                "attention.wv.weight",
                                "attention.wo.weight",
                                "feed_forward.w1.weight",
                                "feed_forward.w3.weight",
                                "feed_forward.w2.weight",
                                "attention_norm",
                                "ffn_norm",
                                "norm",
                                "output.weight"};
  return names;
}

Network llama(const std::string& name, const LlamaConfig& c, const LlamaNames& n,
              const Workload& w) {
  const bool decode = w.phase == LlmPhase::Decode;
  const std::int64_t tokens = decode ? 1 : w.sequence_length;
  const std::int64_t past_tokens = decode ? w.kv_length : 0;
  NetworkBuilder b(name);
  TensorRef x = b.input("input_ids", {w.batch, tokens});
  x = b.embedding(n.embed, x, c.vocab_size, c.hidden_size);
  for (std::int64_t layer = 0; layer < c.num_layers; ++layer) {
    x = decoder_layer(b, x, layer_prefix(n, layer), n, c, past_tokens);
  }
  x = b.layer_norm(n.final_norm, "rmsnorm", x, false);
  if (tokens > 1) x = builders::slice(b, "last_token", x, {w.batch, 1, c.hidden_size});
  TensorRef head = b.linear(n.head, x, c.vocab_size, false);
  if (c.tie_word_embeddings) b.tie_weight(head, n.embed);
  return std::move(b).build();
}

}  // namespace bbs::networks
