#include "networks/zoo/blocks.hpp"

namespace bbs::networks::builders {

TensorRef conv_bn_act(NetworkBuilder& b, TensorRef x, const std::string& conv_weight,
                      const std::string& bn, const ConvSpec& spec, const std::string& activation,
                      const std::string& tf_name) {
  TensorRef conv = b.conv(conv_weight, x, spec);
  if (!tf_name.empty()) b.set_tf_name(conv, tf_name);
  TensorRef y = b.batch_norm(bn, conv);
  if (activation.empty()) return y;
  return b.elementwise(bn + "." + activation, activation, {y});
}

TensorRef attention_core(NetworkBuilder& b, const std::string& prefix, TensorRef q, TensorRef k,
                         TensorRef v, const AttentionShape& s) {
  const MatMulGeometry scores{s.batch * s.heads, s.q_tokens, s.head_dim, s.kv_tokens, s.kv_cache};
  TensorRef logits =
      b.matmul(prefix + ".scores", q, k, scores, {s.batch, s.heads, s.q_tokens, s.kv_tokens});
  TensorRef probs = b.softmax(prefix + ".softmax", logits);
  const MatMulGeometry context{s.batch * s.heads, s.q_tokens, s.kv_tokens, s.head_dim, s.kv_cache};
  return b.matmul(prefix + ".context", probs, v, context,
                  {s.batch, s.q_tokens, s.heads * s.head_dim});
}

TensorRef slice(NetworkBuilder& b, const std::string& name, TensorRef x, Shape out) {
  return b.op(name, OpKind::Reshape, "slice", {x}, std::move(out));
}

}  // namespace bbs::networks::builders

namespace bbs::networks::builders {

std::string dotted(const std::string& tf_name) {
  std::string name = tf_name;
  for (char& c : name) {
    if (c == '/') c = '.';
  }
  return name;
}

TensorRef tf_conv(NetworkBuilder& b, TensorRef x, const std::string& tf_weight,
                  const ConvSpec& spec) {
  TensorRef conv = b.conv(dotted(tf_weight), x, spec);
  b.set_tf_name(conv, tf_weight);
  return conv;
}

}  // namespace bbs::networks::builders
