// One builder per network family; the zoo registry (zoo.cpp) instantiates them.
// Every builder takes a fully resolved Workload (no zero fields that it uses).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "networks/network.hpp"
#include "networks/zoo.hpp"

namespace bbs::networks::builders {

// torchvision ResNet: BasicBlock (18/34) or Bottleneck (50) with `blocks` per stage.
Network resnet_imagenet(const std::string& name, const std::vector<int>& blocks, bool bottleneck,
                        const Workload& workload);
// akamaster CIFAR ResNet-(6n+2): 3 stages of n BasicBlocks, option-A (parameter-free) shortcuts.
Network resnet_cifar(const std::string& name, int blocks_per_stage, const Workload& workload);
// torchvision VGG-16.
Network vgg16(const std::string& name, const Workload& workload);
// torchvision MobileNetV2 (1000 classes), or with nsfwjs's dense head (1280->256->128->5).
Network mobilenet_v2(const std::string& name, bool nsfwjs_head, const Workload& workload);
// face-api.js SSD face detector on a MobileNetV1 backbone.
Network ssd_mobilenet_v1(const std::string& name, const Workload& workload);
// face-api.js FaceRecognitionNet (dlib's ResNet-34-like face embedding net).
Network face_recognition(const std::string& name, const Workload& workload);

struct VitConfig {
  std::int64_t dim = 768;
  std::int64_t depth = 12;
  std::int64_t heads = 12;
  std::int64_t mlp_dim = 3072;
  std::int64_t patch = 16;
  std::int64_t classes = 1000;
};
// timm VisionTransformer names (patch_embed.proj, blocks.N.attn.qkv, head).
Network vit(const std::string& name, const VitConfig& config, const Workload& workload);
// Hugging Face BertForSequenceClassification (bert-base-uncased, `labels` outputs).
Network bert_base(const std::string& name, std::int64_t labels, const Workload& workload);

}  // namespace bbs::networks::builders
