// Building blocks shared by the zoo's network families.
#pragma once

#include <cstdint>
#include <string>

#include "networks/graph/builder.hpp"

namespace bbs::networks::builders {

// conv -> batch norm -> activation (op "relu", "relu6", ...; empty: none).
// `conv_weight` is the conv's weight tensor name, `bn` the norm module's name, `tf_name` the
// weight's name in a TensorFlow/Keras file of the same model (empty: none).
TensorRef conv_bn_act(NetworkBuilder& b, TensorRef x, const std::string& conv_weight,
                      const std::string& bn, const ConvSpec& spec, const std::string& activation,
                      const std::string& tf_name = {});

// Scaled dot-product attention over already projected q, k, v tensors:
// scores = q k^T per head (matmul), softmax, context = p v (matmul)
// -> [batch, q_tokens, heads * head_dim].
struct AttentionShape {
  std::int64_t batch = 1;
  std::int64_t heads = 1;
  std::int64_t q_tokens = 1;
  std::int64_t kv_tokens = 1;
  std::int64_t head_dim = 1;
  bool kv_cache = false;  // a decoder: K and V are kept in a KV cache
};
TensorRef attention_core(NetworkBuilder& b, const std::string& prefix, TensorRef q, TensorRef k,
                         TensorRef v, const AttentionShape& shape);

// Selects part of the last dimension (q/k/v out of a fused projection) or of the tokens.
TensorRef slice(NetworkBuilder& b, const std::string& name, TensorRef x, Shape out);

}  // namespace bbs::networks::builders

namespace bbs::networks::builders {

// For models that exist only as TensorFlow files: the layer is named after the TF tensor with
// '/' replaced by '.', and keeps the TF name as its alias.
std::string dotted(const std::string& tf_name);
TensorRef tf_conv(NetworkBuilder& b, TensorRef x, const std::string& tf_weight,
                  const ConvSpec& spec);

}  // namespace bbs::networks::builders
