// face-api.js SSD face detector (ssdMobilenetv1): MobileNetV1 backbone, 8 extra convs and 6 box
// predictors, 512x512 input, 'same' padding. Layer names are the TensorFlow tensor names with
// '/' -> '.' (the model only exists as a TF file).
#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {
namespace {

// conv with folded BN offset (bias) -> ReLU6; kernel 1 or 3, 'same' padding.
TensorRef pointwise(NetworkBuilder& b, TensorRef x, const std::string& scope, std::int64_t out,
                    std::int64_t kernel, std::int64_t stride) {
  TensorRef y = tf_conv(b, x, scope + "/weights",
                        {.out_channels = out,
                         .kernel = kernel,
                         .stride = stride,
                         .padding = kernel / 2,
                         .bias = true});
  return b.elementwise(dotted(scope) + ".relu6", "relu6", {y});
}

// depthwise 3x3 -> batch norm -> ReLU6.
TensorRef depthwise(NetworkBuilder& b, TensorRef x, const std::string& scope, std::int64_t stride) {
  const std::int64_t channels = b.shape(x)[1];
  TensorRef y = tf_conv(
      b, x, scope + "/depthwise_weights",
      {.out_channels = channels, .kernel = 3, .stride = stride, .padding = 1, .groups = channels});
  y = b.batch_norm(dotted(scope) + ".BatchNorm", y);
  return b.elementwise(dotted(scope) + ".relu6", "relu6", {y});
}

void box_predictor(NetworkBuilder& b, TensorRef x, int index, std::int64_t anchors) {
  const std::string scope = "Prediction/BoxPredictor_" + std::to_string(index);
  tf_conv(b, x, scope + "/ClassPredictor/weights", {.out_channels = anchors * 3, .bias = true});
  tf_conv(b, x, scope + "/BoxEncodingPredictor/weights",
          {.out_channels = anchors * 4, .bias = true});
}

}  // namespace

Network ssd_mobilenet_v1(const std::string& name, const Workload& w) {
  constexpr std::int64_t kPointwiseChannels[] = {64,  128, 128, 256, 256,  512, 512,
                                                 512, 512, 512, 512, 1024, 1024};
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  x = pointwise(b, x, "MobilenetV1/Conv2d_0_pointwise", 32, 3, 2);
  TensorRef conv11 = x;
  for (int layer = 1; layer <= 13; ++layer) {
    const std::string scope = "MobilenetV1/Conv2d_" + std::to_string(layer);
    const bool downsample = layer == 2 || layer == 4 || layer == 6 || layer == 12;
    x = depthwise(b, x, scope + "_depthwise", downsample ? 2 : 1);
    x = pointwise(b, x, scope + "_pointwise", kPointwiseChannels[layer - 1], 1, 1);
    if (layer == 11) conv11 = x;
  }
  box_predictor(b, conv11, 0, 3);
  box_predictor(b, x, 1, 6);
  constexpr std::int64_t kExtraChannels[] = {256, 512, 128, 256, 128, 256, 64, 128};
  for (int extra = 0; extra < 8; ++extra) {
    const bool reduce = extra % 2 == 0;  // 1x1 reduce, then 3x3 stride 2
    x = pointwise(b, x, "Prediction/Conv2d_" + std::to_string(extra) + "_pointwise",
                  kExtraChannels[extra], reduce ? 1 : 3, reduce ? 1 : 2);
    if (!reduce) box_predictor(b, x, 2 + extra / 2, 6);
  }
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
