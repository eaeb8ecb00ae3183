// Every zoo network against the published parameter and MAC counts of its reference.
// torchvision figures: the "num_params" and "GFLOPS" rows of each model's weights documentation
// (pytorch.org/vision/stable/models, torchvision >= 0.13); their "GFLOPS" are multiply-accumulates
// of conv + linear (+ attention matmuls for ViT), rounded to 2 decimals, hence the +-0.005e9
// tolerance.
#include <gtest/gtest.h>

#include <cmath>

#include "networks/zoo.hpp"

namespace bbs::networks {
namespace {

struct Published {
  const char* network;
  std::int64_t params;
  double gmacs;
  double gmacs_tolerance;  // half of the last published digit
};

class ZooPublishedCounts : public ::testing::TestWithParam<Published> {};

TEST_P(ZooPublishedCounts, ParamsExactMacsWithinRounding) {
  const Published& p = GetParam();
  const Network net = build_network(p.network);
  EXPECT_EQ(net.total_params(), p.params);
  EXPECT_NEAR(static_cast<double>(net.total_macs()) / 1e9, p.gmacs, p.gmacs_tolerance);
}

INSTANTIATE_TEST_SUITE_P(
    Reference, ZooPublishedCounts,
    ::testing::Values(
        // torchvision ResNet18_Weights.IMAGENET1K_V1: 11,689,512 params, 1.81 GFLOPS.
        Published{"resnet18", 11'689'512, 1.81, 0.005},
        // torchvision ResNet34_Weights.IMAGENET1K_V1: 21,797,672 params, 3.66 GFLOPS.
        Published{"resnet34", 21'797'672, 3.66, 0.005},
        // torchvision ResNet50_Weights.IMAGENET1K_V1: 25,557,032 params, 4.09 GFLOPS.
        Published{"resnet50", 25'557'032, 4.09, 0.005},
        // torchvision VGG16_Weights.IMAGENET1K_V1: 138,357,544 params, 15.47 GFLOPS.
        Published{"vgg16", 138'357'544, 15.47, 0.005},
        // torchvision MobileNet_V2_Weights.IMAGENET1K_V1: 3,504,872 params, 0.30 GFLOPS.
        Published{"mobilenet_v2", 3'504'872, 0.30, 0.005},
        // torchvision ViT_B_16_Weights.IMAGENET1K_V1: 86,567,656 params, 17.56 GFLOPS
        // (timm vit_base_patch16_224 has the same parameters under timm's names).
        Published{"vit_base_16", 86'567'656, 17.56, 0.005},
        // timm deit_small_patch16_224 / vit_small_patch16_224 model card: 22.1 M params
        // (22,050,664 by sum(p.numel())), 4.6 GMACs.
        Published{"vit_small_16", 22'050'664, 4.6, 0.05},
        // Hugging Face bert-base-uncased BertModel: 109,482,240 params (embeddings 23,837,184 +
        // 12 x 7,087,872 + pooler 590,592); BertForSequenceClassification adds 768 x 2 + 2.
        // MACs at 128 tokens: 12 x (128 x 7,077,888 + 2 x 128^2 x 768) + 768^2 + 768 x 2.
        Published{"bert_base_mrpc", 109'483'778, 11.174217216, 1e-9},
        Published{"bert_base_sst2", 109'483'778, 11.174217216, 1e-9},
        // akamaster/pytorch_resnet_cifar10 README: ResNet-20 0.27M params; 269,722 =
        // 268,336 weights (the shipped file) + 10 fc bias + 1,376 BN affine. MACs:
        // 40,551,040 = conv1 442,368 + 3 stages of 6 convs (2,359,296 each; the first of stages
        // 2-3 is 1,179,648) + fc 640, the "40.55M" usually quoted.
        Published{"cifar10_resnet20", 269'722, 0.04055104, 1e-9},
        // Meta-Llama-3-8B safetensors: 8,030,261,248 parameters (HF model card "8B").
        Published{"llama3_8b", 8'030'261'248, 0.0, 1e9}),
    [](const ::testing::TestParamInfo<Published>& case_info) {
      return std::string(case_info.param.network);
    });

// Weight parameters (tensors with ndim >= 2) of the shipped files (docs/networks.md, Real-weight
// files).
TEST(Zoo, WeightParamsOfShippedModels) {
  EXPECT_EQ(build_network("cifar10_resnet20").weight_params(), 268'336);
  EXPECT_EQ(build_network("cifar10_resnet32").weight_params(), 461'872);
  EXPECT_EQ(build_network("cifar10_resnet44").weight_params(), 655'408);
  EXPECT_EQ(build_network("cifar10_resnet56").weight_params(), 848'944);
  EXPECT_EQ(build_network("llama2c_stories260k").weight_params(), 259'328);
  EXPECT_EQ(build_network("faceapi_face_recognition").weight_params(), 5'603'936);
  EXPECT_EQ(build_network("faceapi_ssd_mobilenetv1").weight_params(), 5'507'264);
  EXPECT_EQ(build_network("nsfwjs_mobilenet_v2").weight_params(), 2'550'848);
}

TEST(Zoo, WeightLayerCounts) {
  EXPECT_EQ(build_network("resnet18").weight_layer_count(), 21u);
  EXPECT_EQ(build_network("resnet50").weight_layer_count(), 54u);
  EXPECT_EQ(build_network("vgg16").weight_layer_count(), 16u);
  EXPECT_EQ(build_network("mobilenet_v2").weight_layer_count(), 53u);
  EXPECT_EQ(build_network("cifar10_resnet56").weight_layer_count(), 56u);
}

TEST(Zoo, ExactShapesOfKnownLayers) {
  const Network net = build_network("resnet50");
  const Layer* conv = net.find("layer2.0.conv2.weight");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->conv->stride_h, 2);  // torchvision v1.5: stride on the 3x3
  EXPECT_EQ(conv->conv->out_height, 28);
  EXPECT_EQ(conv->weight->shape, (Shape{128, 128, 3, 3}));
  const Layer* fc = net.find("fc.weight");
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->weight->shape, (Shape{1000, 2048}));
  EXPECT_TRUE(fc->is_mapped());

  const Network mobile = build_network("mobilenet_v2");
  const Layer* dw = mobile.find("features.2.conv.1.0.weight");
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->conv->groups, 96);
  EXPECT_EQ(dw->weight->shape, (Shape{96, 1, 3, 3}));
  EXPECT_EQ(dw->weight->tf_name, "block_1_depthwise/depthwise_kernel");
}

TEST(Zoo, VitHas197TokensAndAttentionMatmuls) {
  const Network net = build_network("vit_base_16");
  const Layer* scores = net.find("blocks.0.attn.scores");
  ASSERT_NE(scores, nullptr);
  EXPECT_EQ(scores->kind, OpKind::MatMul);
  EXPECT_FALSE(scores->is_mapped());
  EXPECT_EQ(scores->matmul->rows, 197);
  EXPECT_EQ(scores->matmul->cols, 197);
  EXPECT_EQ(scores->matmul->inner, 64);
  EXPECT_EQ(net.find("blocks.11.mlp.fc1.weight")->linear->tokens, 197);
}

TEST(Zoo, WorkloadParameters) {
  EXPECT_EQ(build_network("resnet18", {.batch = 4}).total_macs(),
            4 * build_network("resnet18").total_macs());
  const Network bert = build_network("bert_base_sst2", {.sequence_length = 64});
  EXPECT_EQ(bert.find("bert.encoder.layer.0.intermediate.dense.weight")->linear->tokens, 64);
  EXPECT_EQ(build_network("vgg16", {.image_size = 448}).find("features.0.weight")->conv->out_height,
            448);
  EXPECT_THROW(build_network("bert_base_mrpc", {.sequence_length = 1024}), Error);
  EXPECT_THROW(build_network("resnet18", {.batch = -1}), Error);
}

// Finding: `show resnet50 --image-size 100000000` wrapped the MAC count through int64
// (4593255926290448384). A count beyond int64 is refused, naming the layer.
TEST(Zoo, CountsBeyondInt64AreRefusedNamingTheLayer) {
  try {
    build_network("resnet50", {.image_size = 100000000});
    ADD_FAILURE() << "expected a bbs::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("MACs of layer 'conv1.weight'"), std::string::npos) << message;
    EXPECT_NE(message.find("exceeds the int64 range"), std::string::npos) << message;
  }
  const Network large = build_network("resnet50", {.image_size = 4000000});  // fits
  EXPECT_GT(large.total_macs(), 0);
}

TEST(Zoo, LlamaPrefillAndDecode) {
  const Network prefill = build_network("llama3_8b", {.sequence_length = 16});
  const Layer* q = prefill.find("model.layers.0.self_attn.q_proj.weight");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->linear->tokens, 16);
  EXPECT_EQ(prefill.find("model.layers.0.self_attn.k_proj.weight")->weight->shape,
            (Shape{1024, 4096}));
  EXPECT_EQ(prefill.find("lm_head.weight")->linear->tokens, 1);  // logits of the last token

  const Network decode = build_network("llama3_8b", {.phase = LlmPhase::Decode, .kv_length = 1000});
  const Layer* scores = decode.find("model.layers.31.attention.scores");
  ASSERT_NE(scores, nullptr);
  EXPECT_EQ(scores->matmul->rows, 1);
  EXPECT_EQ(scores->matmul->cols, 1001);
  EXPECT_EQ(scores->matmul->count, 32);
  const Layer* cache = decode.find("model.layers.31.k_cache");
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->kind, OpKind::Input);
  EXPECT_EQ(cache->output_shape, (Shape{1, 1000, 1024}));
  EXPECT_EQ(decode.total_params(), 8'030'261'248);
}

TEST(Zoo, UnknownNameListsValidNames) {
  try {
    build_network("resnet99");
    FAIL();
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown network 'resnet99'"), std::string::npos);
    EXPECT_NE(message.find("resnet50"), std::string::npos);
    EXPECT_NE(message.find("llama3_8b"), std::string::npos);
  }
}

TEST(Zoo, EveryEntryBuildsWithItsDefaults) {
  for (const ZooEntry& entry : zoo()) {
    const Network net = build_network(entry.name);
    EXPECT_GT(net.total_macs(), 0) << entry.name;
    EXPECT_GT(net.peak_live_activation_bytes(), 0) << entry.name;
    EXPECT_EQ(build_network(entry.name).layers().size(), net.layers().size());
  }
}

}  // namespace
}  // namespace bbs::networks
