// face-api.js FaceRecognitionNet, a port of dlib's ResNet-34-like face embedding net: 150x150
// input, 'valid' 7x7/2 stem and 3x3/2 down blocks, per-channel affine "scale" after each conv,
// average-pool + zero-channel shortcut in the down blocks, 256->128 embedding without bias.
// Layer names are the TensorFlow tensor names with '/' -> '.'.
#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {
namespace {

// conv (+bias) -> per-channel scale -> optional ReLU.
TensorRef conv_scale(NetworkBuilder& b, TensorRef x, const std::string& scope, std::int64_t out,
                     std::int64_t kernel, std::int64_t stride, bool relu) {
  const std::int64_t padding = stride == 1 ? kernel / 2 : 0;  // 'same' / 'valid'
  TensorRef y = tf_conv(
      b, x, scope + "/conv/filters",
      {.out_channels = out, .kernel = kernel, .stride = stride, .padding = padding, .bias = true});
  y = b.elementwise(dotted(scope) + ".scale", "scale", {y}, 2 * out);
  return relu ? b.elementwise(dotted(scope) + ".relu", "relu", {y}) : y;
}

TensorRef residual(NetworkBuilder& b, TensorRef x, const std::string& scope, std::int64_t out,
                   bool down) {
  TensorRef y = conv_scale(b, x, scope + "/conv1", out, 3, down ? 2 : 1, true);
  y = conv_scale(b, y, scope + "/conv2", out, 3, 1, false);
  TensorRef shortcut = x;
  if (down) {
    shortcut = b.op(dotted(scope) + ".shortcut", OpKind::Pool, "avgpool_pad", {x}, b.shape(y));
  }
  y = b.elementwise(dotted(scope) + ".add", "add", {y, shortcut});
  return b.elementwise(dotted(scope) + ".relu", "relu", {y});
}

}  // namespace

Network face_recognition(const std::string& name, const Workload& w) {
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  x = conv_scale(b, x, "conv32_down", 32, 7, 2, true);
  x = b.pool("maxpool", "maxpool", x, 3, 2);
  struct Block {
    const char* scope;
    std::int64_t channels;
    bool down;
  };
  constexpr Block kBlocks[] = {
      {"conv32_1", 32, false},   {"conv32_2", 32, false},        {"conv32_3", 32, false},
      {"conv64_down", 64, true}, {"conv64_1", 64, false},        {"conv64_2", 64, false},
      {"conv64_3", 64, false},   {"conv128_down", 128, true},    {"conv128_1", 128, false},
      {"conv128_2", 128, false}, {"conv256_down", 256, true},    {"conv256_1", 256, false},
      {"conv256_2", 256, false}, {"conv256_down_out", 256, true}};
  for (const Block& block : kBlocks) x = residual(b, x, block.scope, block.channels, block.down);
  const Shape s = b.shape(x);
  x = b.op("mean", OpKind::Pool, "global_avgpool", {x}, {s[0], s[1]});
  TensorRef fc = b.linear("fc", x, 128, false);
  b.set_tf_name(fc, "fc");
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
