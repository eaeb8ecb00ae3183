// ONNX import of models written by make_onnx.py (a ctest fixture; BBS_ONNX_DIR names its folder).
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "networks/onnx_import.hpp"
#include "tests/networks/net_test_util.hpp"

namespace bbs::networks {
namespace {

class OnnxImport : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = test::env_dir("BBS_ONNX_DIR");
    if (!dir) GTEST_SKIP() << "BBS_ONNX_DIR not set (run through ctest: make_onnx.py fixture)";
    dir_ = *dir;
  }
  std::string error_of(const std::string& file) {
    try {
      import_onnx(dir_ / file);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::filesystem::path dir_;
};

TEST_F(OnnxImport, SmallCnnShapesMacsAndWeights) {
  const ImportedModel model = import_onnx(dir_ / "small_cnn.onnx", 2);
  const Network& net = model.network;
  EXPECT_EQ(net.name(), "small_cnn");
  const Layer* conv1 = net.find("conv1.weight");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(conv1->output_shape, (Shape{2, 8, 32, 32}));  // symbolic "batch" = 2
  EXPECT_EQ(conv1->macs, 2 * 8 * 32 * 32 * 3 * 9);
  EXPECT_EQ(conv1->param_count, 8 * 3 * 9 + 8);
  const Layer* dw = net.find("dw.weight");
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->op, "depthwise_conv2d");
  EXPECT_EQ(dw->macs, 2 * 8 * 16 * 16 * 9);
  const Layer* fc = net.find("fc.weight");
  ASSERT_NE(fc, nullptr);
  EXPECT_TRUE(fc->is_mapped());
  EXPECT_EQ(fc->weight->shape, (Shape{10, 8}));
  EXPECT_EQ(fc->macs, 2 * 8 * 10);
  EXPECT_EQ(net.total_macs(), conv1->macs + dw->macs + fc->macs);
  const Layer* add = net.find("residual");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->inputs.size(), 2u);  // depthwise output and the pooled shortcut
  EXPECT_EQ(model.weights->load(*fc).size(), 80u);
  EXPECT_EQ(model.weights->origin(*fc), "fc.weight");
  EXPECT_FALSE(model.weights->synthetic());
}

TEST_F(OnnxImport, AttentionBlockHasActivationMatmuls) {
  const ImportedModel model = import_onnx(dir_ / "attention.onnx");
  const Network& net = model.network;
  const Layer* q = net.find("attn.q_proj.weight_t");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->kind, OpKind::Linear);
  EXPECT_EQ(q->linear->tokens, 16);
  EXPECT_EQ(q->weight->shape, (Shape{32, 32}));
  EXPECT_EQ(model.weights->origin(*q), "attn.q_proj.weight_t (ONNX [in,out])");
  const Layer* scores = net.find("scores");
  ASSERT_NE(scores, nullptr);
  EXPECT_EQ(scores->kind, OpKind::MatMul);
  EXPECT_FALSE(scores->is_mapped());
  EXPECT_EQ(scores->matmul->count, 4);
  EXPECT_EQ(scores->matmul->rows, 16);
  EXPECT_EQ(scores->matmul->inner, 8);
  EXPECT_EQ(scores->matmul->cols, 16);
  EXPECT_EQ(net.find("softmax")->kind, OpKind::Softmax);
  // 4 projections of 16 x 32 x 32 + scores and context 4 x 16 x 8 x 16 each.
  EXPECT_EQ(net.total_macs(), 4 * 16 * 32 * 32 + 2 * 4 * 16 * 8 * 16);
  EXPECT_EQ(net.find("q_bias")->param_count, 32);
}

TEST_F(OnnxImport, MalformedFileNamesTheFile) {
  const std::string message = error_of("malformed.onnx");
  EXPECT_NE(message.find("malformed.onnx: not an ONNX model"), std::string::npos) << message;
}

TEST_F(OnnxImport, WeightThatDoesNotFitNamesNodeAndWeight) {
  const std::string message = error_of("bad_conv_shape.onnx");
  EXPECT_NE(message.find("bad_conv_shape.onnx"), std::string::npos) << message;
  EXPECT_NE(message.find("conv1"), std::string::npos) << message;
  EXPECT_NE(message.find("[8, 4, 3, 3]"), std::string::npos) << message;
}

// make_onnx.py's BAD_ATTRIBUTES: each file, the node and attribute the error must name.
TEST_F(OnnxImport, InvalidWindowAttributesNameNodeAndAttribute) {
  const std::vector<std::array<std::string, 3>> cases = {
      {"conv_strides_0", "conv1", "strides"},     {"conv_dilations_0", "conv1", "dilations"},
      {"conv_pads_negative", "conv1", "pads"},    {"conv_pads_short", "conv1", "pads"},
      {"conv_kernel_0", "conv1", "kernel_shape"}, {"conv_group_0", "conv1", "group"},
      {"pool_strides_0", "pool1", "strides"}};
  for (const auto& [suffix, node, attribute] : cases) {
    const std::string file = "bad_attr_" + suffix + ".onnx";
    const std::string message = error_of(file);
    EXPECT_NE(message.find(file + ": node '" + node + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("attribute '" + attribute + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("expected"), std::string::npos) << message;
  }
}

TEST_F(OnnxImport, MissingFile) {
  EXPECT_NE(error_of("absent.onnx").find("absent.onnx: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace bbs::networks
