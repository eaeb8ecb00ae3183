// ONNX import of models written by make_onnx.py (a ctest fixture; BBS_ONNX_DIR names its folder).
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "networks/io/weight_file.hpp"
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
  std::string error_of(const std::string& file, std::int64_t batch = 0) {
    try {
      import_onnx(dir_ / file, batch);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::filesystem::path dir_;
};

// With separate weights the large weight initializers are not read (the weights source is null),
// the one constant folding reads (a Reshape'd bias) still is: the graph is the one Load imports,
// and the separate file attaches to both weight layers.
TEST_F(OnnxImport, SkippedWeightValuesLeaveTheGraphAsLoaded) {
  const ImportedModel loaded = import_onnx(dir_ / "large_weights.onnx");
  const ImportedModel skipped =
      import_onnx(dir_ / "large_weights.onnx", 0, InitializerValues::SkipWeights);
  EXPECT_EQ(skipped.weights, nullptr);
  ASSERT_EQ(skipped.network.layers().size(), loaded.network.layers().size());
  for (std::size_t i = 0; i < loaded.network.layers().size(); ++i) {
    const Layer& a = loaded.network.layers()[i];
    const Layer& b = skipped.network.layers()[i];
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.macs, a.macs);
    EXPECT_EQ(b.is_mapped(), a.is_mapped());
  }
  const Layer& proj = *loaded.network.find("/proj/MatMul");
  const Layer& fc = *loaded.network.find("/fc/Gemm");
  EXPECT_EQ(proj.weight->shape, (Shape{128, 256}));
  EXPECT_EQ(loaded.weights->load(proj).size(), 256u * 128u);
  EXPECT_EQ(loaded.weights->load(fc).size(), 256u * 128u);

  test::ScratchDir tmp;
  const std::vector<std::int8_t> values(256 * 128, 3);
  io::write_safetensors(tmp / "w.safetensors", {io::make_tensor("proj.weight", {128, 256}, values),
                                                io::make_tensor("fc.weight", {256, 128}, values)});
  const AttachedWeights attached = attach_weights(skipped.network, {tmp / "w.safetensors"});
  EXPECT_EQ(attached.match.matched_layers, 2u);
}

TEST_F(OnnxImport, SmallCnnShapesMacsAndWeights) {
  const ImportedModel model = import_onnx(dir_ / "small_cnn.onnx", 2);
  const Network& net = model.network;
  EXPECT_EQ(net.name(), "small_cnn");
  const Layer* conv1 = net.find("conv1");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(conv1->output_shape, (Shape{2, 8, 32, 32}));  // symbolic "batch" = 2
  EXPECT_EQ(conv1->macs, 2 * 8 * 32 * 32 * 3 * 9);
  EXPECT_EQ(conv1->param_count, 8 * 3 * 9 + 8);
  const Layer* dw = net.find("dw");
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->op, "depthwise_conv2d");
  EXPECT_EQ(dw->macs, 2 * 8 * 16 * 16 * 9);
  const Layer* fc = net.find("fc");
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
  const Layer* q = net.find("q_proj");
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

// Layers take their node's name (torch.onnx: "/layer1/layer1.0/conv1/Conv"), not the initializer
// ("onnx::Conv_21"), which stays the weight's origin.
TEST_F(OnnxImport, LayersAreNamedAfterTheirNodes) {
  const ImportedModel model = import_onnx(dir_ / "torch_names.onnx");
  std::vector<std::string> mapped;
  for (const Layer& layer : model.network.layers())
    if (layer.is_mapped()) mapped.push_back(layer.name);
  EXPECT_EQ(mapped,
            (std::vector<std::string>{"/conv1/Conv", "/layer1/layer1.0/conv1/Conv", "/fc/Gemm"}));
  const Layer& conv = *model.network.find("/layer1/layer1.0/conv1/Conv");
  EXPECT_EQ(model.weights->origin(conv), "onnx::Conv_21");
  EXPECT_EQ(conv.weight->aliases,
            (std::vector<std::string>{"layer1.0.conv1.weight", "onnx::Conv_21"}));
}

// A user's PyTorch state dict attaches to the ONNX export of the same model by the nodes'
// module names; a tensor of the wrong shape names both sides.
TEST_F(OnnxImport, StateDictAttachesByNodeName) {
  const ImportedModel model = import_onnx(dir_ / "torch_names.onnx");
  test::ScratchDir tmp;
  const std::vector<float> conv1(8 * 3 * 9, 0.5f), block(8 * 8 * 9, 0.25f), fc(10 * 8, 1.0f);
  io::write_safetensors(tmp / "state.safetensors",
                        {io::make_tensor("conv1.weight", {8, 3, 3, 3}, conv1),
                         io::make_tensor("layer1.0.conv1.weight", {8, 8, 3, 3}, block),
                         io::make_tensor("fc.weight", {10, 8}, fc)});
  const AttachedWeights attached = attach_weights(model.network, {tmp / "state.safetensors"});
  EXPECT_EQ(attached.match.matched_layers, 3u);
  const Layer& conv = *model.network.find("/layer1/layer1.0/conv1/Conv");
  EXPECT_EQ(attached.source->origin(conv), "layer1.0.conv1.weight");
  EXPECT_EQ(attached.source->load(conv), block);

  io::write_safetensors(tmp / "wrong.safetensors",
                        {io::make_tensor("conv1.weight", {8, 3, 3, 3}, conv1),
                         io::make_tensor("layer1.0.conv1.weight", {8, 3, 3, 3}, conv1),
                         io::make_tensor("fc.weight", {10, 8}, fc)});
  const std::string message =
      test::message_of([&] { attach_weights(model.network, {tmp / "wrong.safetensors"}); });
  EXPECT_NE(message.find("'layer1.0.conv1.weight' has shape [8, 3, 3, 3]"), std::string::npos)
      << message;
  EXPECT_NE(message.find("layer '/layer1/layer1.0/conv1/Conv' expects [8, 8, 3, 3]"),
            std::string::npos)
      << message;
}

// --batch replaces a static batch dimension (torch_names.onnx fixes [1, 3, 16, 16]).
TEST_F(OnnxImport, BatchOverridesAStaticBatchDimension) {
  const ImportedModel one = import_onnx(dir_ / "torch_names.onnx");
  const ImportedModel four = import_onnx(dir_ / "torch_names.onnx", 4);
  EXPECT_EQ(four.network.find("/conv1/Conv")->output_shape, (Shape{4, 8, 16, 16}));
  EXPECT_EQ(four.network.find("/fc/Gemm")->output_shape, (Shape{4, 10}));
  EXPECT_EQ(four.network.total_macs(), 4 * one.network.total_macs());
}

// attention.onnx fixes batch 1 in its Reshape constants as well: a batch of 2 is refused.
TEST_F(OnnxImport, BatchThatTheGraphPinsIsRefused) {
  const std::string message = error_of("attention.onnx", 2);
  EXPECT_NE(message.find("attention.onnx"), std::string::npos) << message;
  EXPECT_NE(message.find("--batch 2"), std::string::npos) << message;
}

TEST_F(OnnxImport, NonFiniteWeightNamesFileAndInitializer) {
  const ImportedModel model = import_onnx(dir_ / "nan_weight.onnx");
  const std::string message =
      test::message_of([&] { model.weights->load(*model.network.find("conv1")); });
  EXPECT_NE(message.find("nan_weight.onnx: initializer 'conv1.weight' has a NaN value at flat "
                         "index 5"),
            std::string::npos)
      << message;
}

// QDQ: the integers and their scale; a non-zero weight zero point is refused.
TEST_F(OnnxImport, QdqWeightsImportAsIntegersWithScale) {
  const ImportedModel model = import_onnx(dir_ / "qdq_cnn.onnx");
  const Layer& conv = *model.network.find("/layer1/layer1.0/conv1/Conv");
  const Layer& fc = *model.network.find("/fc/MatMul");
  EXPECT_EQ(model.weights->origin(conv), "onnx::Conv_5_quantized");
  const auto integers = model.weights->load_integer(fc);
  ASSERT_TRUE(integers.has_value());
  ASSERT_EQ(integers->scales.size(), 10u);
  EXPECT_FLOAT_EQ(float(integers->scales.front()), 0.1f);
  EXPECT_FLOAT_EQ(float(integers->scales.back()), 0.2f);
  const std::vector<float> dequantized = model.weights->load(fc);  // scale_k * q, [out, in]
  EXPECT_FLOAT_EQ(dequantized[16], float(integers->values[16]) * float(integers->scales[1]));

  const std::string message = error_of("qdq_zero_point.onnx");
  EXPECT_NE(message.find("node '/layer1/layer1.0/conv1/weight_dq'"), std::string::npos) << message;
  EXPECT_NE(message.find("zero point 'onnx::Conv_5_zero_point' of weight "
                         "'onnx::Conv_5_quantized' is not 0"),
            std::string::npos)
      << message;
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
