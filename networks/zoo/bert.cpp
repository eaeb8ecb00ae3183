// BERT-base with Hugging Face's names (BertForSequenceClassification): post-norm encoder layers,
// GELU FFN, pooler on the first token, `labels`-way classifier. bert-base-uncased: vocab 30522,
// 512 positions, 2 token types, hidden 768, 12 layers, 12 heads, FFN 3072.
#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {
namespace {

constexpr std::int64_t kVocab = 30522;
constexpr std::int64_t kPositions = 512;
constexpr std::int64_t kTokenTypes = 2;
constexpr std::int64_t kHidden = 768;
constexpr std::int64_t kLayers = 12;
constexpr std::int64_t kHeads = 12;
constexpr std::int64_t kFfn = 3072;

TensorRef bert_layer(NetworkBuilder& b, TensorRef x, const std::string& prefix) {
  const Shape s = b.shape(x);
  TensorRef q = b.linear(prefix + ".attention.self.query.weight", x, kHidden, true);
  TensorRef k = b.linear(prefix + ".attention.self.key.weight", x, kHidden, true);
  TensorRef v = b.linear(prefix + ".attention.self.value.weight", x, kHidden, true);
  TensorRef h = attention_core(b, prefix + ".attention.self", q, k, v,
                               {s[0], kHeads, s[1], s[1], kHidden / kHeads});
  h = b.linear(prefix + ".attention.output.dense.weight", h, kHidden, true);
  h = b.elementwise(prefix + ".attention.output.add", "add", {h, x});
  x = b.layer_norm(prefix + ".attention.output.LayerNorm", "layernorm", h, true);
  h = b.linear(prefix + ".intermediate.dense.weight", x, kFfn, true);
  h = b.elementwise(prefix + ".intermediate.act", "gelu", {h});
  h = b.linear(prefix + ".output.dense.weight", h, kHidden, true);
  h = b.elementwise(prefix + ".output.add", "add", {h, x});
  return b.layer_norm(prefix + ".output.LayerNorm", "layernorm", h, true);
}

}  // namespace

Network bert_base(const std::string& name, std::int64_t labels, const Workload& w) {
  NetworkBuilder b(name);
  const std::int64_t seq = w.sequence_length;
  TensorRef ids = b.input("input_ids", {w.batch, seq});
  TensorRef x = b.embedding("bert.embeddings.word_embeddings.weight", ids, kVocab, kHidden);
  x = b.elementwise("bert.embeddings.position_embeddings.add", "add", {x});
  b.set_weight(x, "bert.embeddings.position_embeddings.weight", {kPositions, kHidden});
  x = b.elementwise("bert.embeddings.token_type_embeddings.add", "add", {x});
  b.set_weight(x, "bert.embeddings.token_type_embeddings.weight", {kTokenTypes, kHidden});
  x = b.layer_norm("bert.embeddings.LayerNorm", "layernorm", x, true);
  for (std::int64_t i = 0; i < kLayers; ++i) {
    x = bert_layer(b, x, "bert.encoder.layer." + std::to_string(i));
  }
  x = slice(b, "bert.pooler.first_token", x, {w.batch, kHidden});
  x = b.elementwise("bert.pooler.activation", "tanh",
                    {b.linear("bert.pooler.dense.weight", x, kHidden, true)});
  b.linear("classifier.weight", x, labels, true);
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
