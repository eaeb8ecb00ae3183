// ResNets: torchvision's ImageNet ResNet-18/34/50 and akamaster's CIFAR ResNet-20/32/44/56.
#include "networks/graph/builder.hpp"
#include "networks/zoo/blocks.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {
namespace {

// Two 3x3 convs (BasicBlock) or 1x1-3x3-1x1 (Bottleneck, expansion 4); returns the branch output
// before the residual add. Names follow torchvision: <prefix>.conv1.weight, <prefix>.bn1, ...
TensorRef residual_branch(NetworkBuilder& b, TensorRef x, const std::string& prefix,
                          std::int64_t width, std::int64_t stride, bool bottleneck) {
  if (!bottleneck) {
    TensorRef y =
        conv_bn_act(b, x, prefix + ".conv1.weight", prefix + ".bn1",
                    {.out_channels = width, .kernel = 3, .stride = stride, .padding = 1}, "relu");
    return conv_bn_act(b, y, prefix + ".conv2.weight", prefix + ".bn2",
                       {.out_channels = width, .kernel = 3, .padding = 1}, "");
  }
  TensorRef y =
      conv_bn_act(b, x, prefix + ".conv1.weight", prefix + ".bn1", {.out_channels = width}, "relu");
  y = conv_bn_act(b, y, prefix + ".conv2.weight", prefix + ".bn2",
                  {.out_channels = width, .kernel = 3, .stride = stride, .padding = 1}, "relu");
  return conv_bn_act(b, y, prefix + ".conv3.weight", prefix + ".bn3", {.out_channels = 4 * width},
                     "");
}

TensorRef add_relu(NetworkBuilder& b, const std::string& prefix, TensorRef branch,
                   TensorRef shortcut) {
  return b.elementwise(prefix + ".relu", "relu",
                       {b.elementwise(prefix + ".add", "add", {branch, shortcut})});
}

// avgpool over the whole map -> flatten -> fully connected `fc_weight` (with bias).
TensorRef classifier(NetworkBuilder& b, TensorRef x, const std::string& fc_weight,
                     std::int64_t classes) {
  const Shape s = b.shape(x);
  TensorRef pooled = b.op("avgpool", OpKind::Pool, "global_avgpool", {x}, {s[0], s[1], 1, 1});
  TensorRef flat = b.reshape("flatten", pooled, {s[0], s[1]});
  return b.linear(fc_weight, flat, classes, true);
}

}  // namespace

Network resnet_imagenet(const std::string& name, const std::vector<int>& blocks, bool bottleneck,
                        const Workload& w) {
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  x = conv_bn_act(b, x, "conv1.weight", "bn1",
                  {.out_channels = 64, .kernel = 7, .stride = 2, .padding = 3}, "relu");
  x = b.pool("maxpool", "maxpool", x, 3, 2, 1);
  const std::int64_t expansion = bottleneck ? 4 : 1;
  std::int64_t width = 64;
  for (std::size_t stage = 0; stage < blocks.size(); ++stage, width *= 2) {
    for (int block = 0; block < blocks[stage]; ++block) {
      const std::string prefix = "layer" + std::to_string(stage + 1) + "." + std::to_string(block);
      const std::int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
      TensorRef shortcut = x;
      if (stride != 1 || b.shape(x)[1] != width * expansion) {
        shortcut = conv_bn_act(b, x, prefix + ".downsample.0.weight", prefix + ".downsample.1",
                               {.out_channels = width * expansion, .stride = stride}, "");
      }
      x = add_relu(b, prefix, residual_branch(b, x, prefix, width, stride, bottleneck), shortcut);
    }
  }
  classifier(b, x, "fc.weight", 1000);
  return std::move(b).build();
}

Network resnet_cifar(const std::string& name, int blocks_per_stage, const Workload& w) {
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  x = conv_bn_act(b, x, "conv1.weight", "bn1", {.out_channels = 16, .kernel = 3, .padding = 1},
                  "relu");
  std::int64_t width = 16;
  for (int stage = 0; stage < 3; ++stage, width *= 2) {
    for (int block = 0; block < blocks_per_stage; ++block) {
      const std::string prefix = "layer" + std::to_string(stage + 1) + "." + std::to_string(block);
      const std::int64_t stride = (stage > 0 && block == 0) ? 2 : 1;
      TensorRef shortcut = x;
      if (stride != 1) {
        // Option A: x[:, :, ::2, ::2] zero-padded to `width` channels (no parameters).
        const Shape s = b.shape(x);
        shortcut = b.op(prefix + ".shortcut", OpKind::Pool, "subsample_pad", {x},
                        {s[0], width, (s[2] + 1) / 2, (s[3] + 1) / 2});
      }
      x = add_relu(b, prefix, residual_branch(b, x, prefix, width, stride, false), shortcut);
    }
  }
  classifier(b, x, "linear.weight", 10);
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
