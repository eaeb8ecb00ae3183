// torchvision MobileNetV2 (width 1.0). Each conv also carries its Keras name
// (keras.applications.MobileNetV2), so nsfwjs's Keras file maps onto the same layers.
#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {
namespace {

struct StageSetting {
  std::int64_t expansion, channels, blocks, stride;
};
constexpr StageSetting kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                    {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

// Inverted residual block number `block` (features.<block+1>): [1x1 expand] -> 3x3 depthwise ->
// 1x1 project, with a residual add when the shape is kept.
TensorRef inverted_residual(NetworkBuilder& b, TensorRef x, int block, std::int64_t expansion,
                            std::int64_t out_channels, std::int64_t stride) {
  const std::string prefix = "features." + std::to_string(block + 1) + ".conv.";
  const std::string keras =
      block == 0 ? std::string("expanded_conv_") : "block_" + std::to_string(block) + "_";
  const std::int64_t in_channels = b.shape(x)[1];
  const std::int64_t hidden = in_channels * expansion;
  TensorRef y = x;
  int index = 0;  // position in the block's `conv` Sequential
  if (expansion != 1) {
    y = conv_bn_act(b, y, prefix + "0.0.weight", prefix + "0.1", {.out_channels = hidden}, "relu6",
                    keras + "expand/kernel");
    index = 1;
  }
  const std::string dw = prefix + std::to_string(index);
  y = conv_bn_act(
      b, y, dw + ".0.weight", dw + ".1",
      {.out_channels = hidden, .kernel = 3, .stride = stride, .padding = 1, .groups = hidden},
      "relu6", keras + "depthwise/depthwise_kernel");
  y = conv_bn_act(b, y, prefix + std::to_string(index + 1) + ".weight",
                  prefix + std::to_string(index + 2), {.out_channels = out_channels}, "",
                  keras + "project/kernel");
  if (stride == 1 && in_channels == out_channels) {
    y = b.elementwise("features." + std::to_string(block + 1) + ".add", "add", {x, y});
  }
  return y;
}

// nsfwjs head on the pooled features: dense 1280->256 (ReLU) -> 128 (ReLU) -> 5 (softmax).
// The model exists only as a Keras file, so its layers are named after the Keras tensors.
void nsfwjs_head(NetworkBuilder& b, TensorRef x) {
  const auto dense = [&b](const std::string& keras, TensorRef in, std::int64_t out) {
    TensorRef y = b.linear(keras + ".kernel", in, out, true);
    b.set_tf_name(y, keras + "/kernel");
    return y;
  };
  x = b.elementwise("dense_1.relu", "relu", {dense("dense_1", x, 256)});
  x = b.elementwise("dense_2.relu", "relu", {dense("dense_2", x, 128)});
  b.softmax("dense_3.softmax", dense("dense_3", x, 5));
}

}  // namespace

Network mobilenet_v2(const std::string& name, bool nsfwjs_head_instead, const Workload& w) {
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  x = conv_bn_act(b, x, "features.0.0.weight", "features.0.1",
                  {.out_channels = 32, .kernel = 3, .stride = 2, .padding = 1}, "relu6",
                  "Conv1/kernel");
  int block = 0;
  for (const StageSetting& stage : kStages) {
    for (std::int64_t i = 0; i < stage.blocks; ++i, ++block) {
      const std::int64_t stride = i == 0 ? stage.stride : 1;
      x = inverted_residual(b, x, block, stage.expansion, stage.channels, stride);
    }
  }
  x = conv_bn_act(b, x, "features.18.0.weight", "features.18.1", {.out_channels = 1280}, "relu6",
                  "Conv_1/kernel");
  x = b.op("avgpool", OpKind::Pool, "global_avgpool", {x}, {w.batch, 1280, 1, 1});
  x = b.reshape("flatten", x, {w.batch, 1280});
  if (nsfwjs_head_instead) {
    nsfwjs_head(b, x);
  } else {
    b.linear("classifier.1.weight", x, 1000, true);
  }
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
