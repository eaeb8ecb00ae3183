// Vision Transformer with timm's names (VisionTransformer: patch_embed.proj, cls_token, pos_embed,
// blocks.N.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}, norm, head). Pre-norm blocks,
// GELU MLP, classification from the class token.
#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {
namespace {

TensorRef vit_block(NetworkBuilder& b, TensorRef x, const std::string& prefix, const VitConfig& c) {
  const Shape tokens = b.shape(x);  // [batch, tokens, dim]
  TensorRef h = b.layer_norm(prefix + ".norm1", "layernorm", x, true);
  TensorRef qkv = b.linear(prefix + ".attn.qkv.weight", h, 3 * c.dim, true);
  TensorRef q = slice(b, prefix + ".attn.q", qkv, tokens);
  TensorRef k = slice(b, prefix + ".attn.k", qkv, tokens);
  TensorRef v = slice(b, prefix + ".attn.v", qkv, tokens);
  const AttentionShape attention{tokens[0], c.heads, tokens[1], tokens[1], c.dim / c.heads};
  h = attention_core(b, prefix + ".attn", q, k, v, attention);
  h = b.linear(prefix + ".attn.proj.weight", h, c.dim, true);
  x = b.elementwise(prefix + ".add1", "add", {x, h});
  h = b.layer_norm(prefix + ".norm2", "layernorm", x, true);
  h = b.linear(prefix + ".mlp.fc1.weight", h, c.mlp_dim, true);
  h = b.elementwise(prefix + ".mlp.act", "gelu", {h});
  h = b.linear(prefix + ".mlp.fc2.weight", h, c.dim, true);
  return b.elementwise(prefix + ".add2", "add", {x, h});
}

}  // namespace

Network vit(const std::string& name, const VitConfig& c, const Workload& w) {
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  x = b.conv("patch_embed.proj.weight", x,
             {.out_channels = c.dim, .kernel = c.patch, .stride = c.patch, .bias = true});
  const std::int64_t patches = b.shape(x)[2] * b.shape(x)[3];
  const std::int64_t tokens = patches + 1;
  x = b.reshape("patch_embed.flatten", x, {w.batch, patches, c.dim});
  x = b.op("cls_token.concat", OpKind::Concat, "concat", {x}, {w.batch, tokens, c.dim});
  b.set_weight(x, "cls_token", {1, 1, c.dim});
  x = b.elementwise("pos_embed.add", "add", {x});
  b.set_weight(x, "pos_embed", {1, tokens, c.dim});
  for (std::int64_t i = 0; i < c.depth; ++i) x = vit_block(b, x, "blocks." + std::to_string(i), c);
  x = b.layer_norm("norm", "layernorm", x, true);
  x = slice(b, "cls_token.select", x, {w.batch, c.dim});
  b.linear("head.weight", x, c.classes, true);
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
