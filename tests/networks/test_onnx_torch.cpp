// PyTorch exports with run-time reshapes (nn.TransformerEncoderLayer, BERT- and ViT-style
// models; tests/data/onnx, written once by make_torch_onnx.py) import after constant folding
// (issue 12: "shape ... unknown after shape inference"). The expected MACs are counted by hand
// from the model definitions in make_torch_onnx.py.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "networks/onnx_import.hpp"

namespace bbs::networks {
namespace {

constexpr std::int64_t kTokens = 8, kDim = 32, kHeads = 4, kFfn = 64;

std::filesystem::path torch_model(const char* name) {
  const char* test_data = std::getenv("BBS_TEST_DATA");  // tests/test_environment.cpp
  return std::filesystem::path(test_data ? test_data : "tests/data") / "onnx" / name;
}

// One encoder layer on `tokens` tokens per sample: q/k/v projection, scores and context per
// head, output projection, two FFN linears.
std::int64_t encoder_layer_macs(std::int64_t tokens) {
  const std::int64_t head_dim = kDim / kHeads;
  return tokens * kDim * 3 * kDim + 2 * kHeads * tokens * tokens * head_dim + tokens * kDim * kDim +
         2 * tokens * kDim * kFfn;
}

TEST(OnnxTorchExports, EncoderLayerImportsWithAttentionMatmuls) {
  for (const std::int64_t batch : {1, 3}) {
    const ImportedModel model = import_onnx(torch_model("torch_encoder_layer.onnx"), batch);
    EXPECT_EQ(model.network.total_macs(), batch * encoder_layer_macs(kTokens)) << batch;
    int matmuls = 0;
    for (const Layer& layer : model.network.layers()) {
      if (layer.kind != OpKind::MatMul) continue;
      ++matmuls;
      EXPECT_EQ(layer.matmul->count, batch * kHeads);
      EXPECT_EQ(layer.matmul->rows, kTokens);
    }
    EXPECT_EQ(matmuls, 2);  // scores and context
  }
}

TEST(OnnxTorchExports, BertStyleImports) {
  const ImportedModel model = import_onnx(torch_model("torch_bert_tiny.onnx"), 2);
  // 2 encoder layers, the pooler and the classifier on the first token.
  EXPECT_EQ(model.network.total_macs(),
            2 * (2 * encoder_layer_macs(kTokens) + kDim * kDim + kDim * 2));
}

TEST(OnnxTorchExports, VitStyleImports) {
  const ImportedModel model = import_onnx(torch_model("torch_vit_tiny.onnx"), 1);
  const std::int64_t patches = 16, tokens = patches + 1;
  const std::int64_t patch_conv = patches * kDim * 3 * 4 * 4;
  EXPECT_EQ(model.network.total_macs(), patch_conv + encoder_layer_macs(tokens) + kDim * 10);
}

}  // namespace
}  // namespace bbs::networks
