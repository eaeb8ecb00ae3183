// The zoo registry: names, descriptions, default workloads, and which builder makes each network.
#include "networks/zoo.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "networks/llm/llama_graph.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks {
namespace {

using Builder = std::function<Network(const std::string& name, const Workload&)>;

struct Model {
  ZooEntry entry;
  Builder build;
};

Workload image(std::int64_t size) { return {.batch = 1, .image_size = size}; }
Workload text(std::int64_t tokens) {
  return {.batch = 1, .sequence_length = tokens, .phase = LlmPhase::Prefill, .kv_length = tokens};
}

// Meta-Llama-3-8B config.json.
constexpr LlamaConfig kLlama3_8B{.hidden_size = 4096,
                                 .intermediate_size = 14336,
                                 .num_layers = 32,
                                 .num_heads = 32,
                                 .num_kv_heads = 8,
                                 .vocab_size = 128256,
                                 .tie_word_embeddings = false};
// llama2.c stories260K (the config in the shared file's __metadata__).
constexpr LlamaConfig kStories260K{.hidden_size = 64,
                                   .intermediate_size = 172,
                                   .num_layers = 5,
                                   .num_heads = 8,
                                   .num_kv_heads = 4,
                                   .vocab_size = 512,
                                   .tie_word_embeddings = true};

const std::vector<Model>& models() {
  using namespace builders;
  static const std::vector<Model> all = [] {
    std::vector<Model> m;
    const auto add = [&m](std::string name, std::string family, std::string description,
                          Workload defaults, std::string weights, Builder build) {
      m.push_back({{std::move(name), std::move(description), std::move(family), defaults,
                    std::move(weights)},
                   std::move(build)});
    };
    // The paper's seven benchmarks.
    add("vgg16", "cnn", "VGG-16, ImageNet (torchvision names)", image(224), "",
        [](const std::string& n, const Workload& w) { return vgg16(n, w); });
    add("resnet34", "cnn", "ResNet-34, ImageNet (torchvision names)", image(224), "",
        [](const std::string& n, const Workload& w) {
          return resnet_imagenet(n, {3, 4, 6, 3}, false, w);
        });
    add("resnet50", "cnn", "ResNet-50, ImageNet (torchvision names)", image(224), "",
        [](const std::string& n, const Workload& w) {
          return resnet_imagenet(n, {3, 4, 6, 3}, true, w);
        });
    add("vit_small_16", "vit", "ViT-S/16 (DeiT-S), ImageNet, 197 tokens (timm names)", image(224),
        "", [](const std::string& n, const Workload& w) {
          return vit(n, {.dim = 384, .depth = 12, .heads = 6, .mlp_dim = 1536}, w);
        });
    add("vit_base_16", "vit", "ViT-B/16, ImageNet, 197 tokens (timm names)", image(224), "",
        [](const std::string& n, const Workload& w) { return vit(n, VitConfig{}, w); });
    add("bert_base_mrpc", "bert", "BERT-base, GLUE MRPC, 2 labels (Hugging Face names)", text(128),
        "", [](const std::string& n, const Workload& w) { return bert_base(n, 2, w); });
    add("bert_base_sst2", "bert", "BERT-base, GLUE SST-2, 2 labels (Hugging Face names)", text(128),
        "", [](const std::string& n, const Workload& w) { return bert_base(n, 2, w); });
    // Large language model.
    add("llama3_8b", "llm", "Llama-3-8B decoder, prefill or decode (Hugging Face names)", text(128),
        "", [](const std::string& n, const Workload& w) {
          return llama(n, kLlama3_8B, hugging_face_llama_names(), w);
        });
    // More CNNs.
    add("resnet18", "cnn", "ResNet-18, ImageNet (torchvision names)", image(224), "",
        [](const std::string& n, const Workload& w) {
          return resnet_imagenet(n, {2, 2, 2, 2}, false, w);
        });
    add("mobilenet_v2", "cnn", "MobileNetV2 1.0, ImageNet (torchvision names, Keras aliases)",
        image(224), "",
        [](const std::string& n, const Workload& w) { return mobilenet_v2(n, false, w); });
    // Models whose real weights ship in the shared weights folder.
    for (int depth : {20, 32, 44, 56}) {
      const std::string stem = "cifar10_resnet" + std::to_string(depth);
      add(stem, "cnn", "ResNet-" + std::to_string(depth) + ", CIFAR-10 (akamaster names)",
          image(32), stem, [depth](const std::string& n, const Workload& w) {
            return resnet_cifar(n, (depth - 2) / 6, w);
          });
    }
    add("llama2c_stories260k", "llm", "stories260K, llama2.c Llama-2 decoder (llama2.c names)",
        text(128), "llama2c_stories260K", [](const std::string& n, const Workload& w) {
          return llama(n, kStories260K, llama2c_names(), w);
        });
    add("nsfwjs_mobilenet_v2", "cnn",
        "MobileNetV2 1.0 + 3-layer dense head, nsfwjs (torchvision names, Keras aliases)",
        image(224), "nsfwjs_mobilenet_v2",
        [](const std::string& n, const Workload& w) { return mobilenet_v2(n, true, w); });
    add("faceapi_ssd_mobilenetv1", "cnn", "SSD face detector, MobileNetV1 backbone (TF names)",
        image(512), "faceapi_ssd_mobilenetv1",
        [](const std::string& n, const Workload& w) { return ssd_mobilenet_v1(n, w); });
    add("faceapi_face_recognition", "cnn", "dlib/face-api ResNet-34-like face embedding (TF names)",
        image(150), "faceapi_face_recognition",
        [](const std::string& n, const Workload& w) { return face_recognition(n, w); });
    return m;
  }();
  return all;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const Model& model(std::string_view name) {
  const std::string wanted = lowercase(name);
  for (const Model& m : models()) {
    if (m.entry.name == wanted) return m;
  }
  std::string valid;
  for (const Model& m : models()) valid += (valid.empty() ? "" : ", ") + m.entry.name;
  throw Error("unknown network '" + std::string(name) + "'; the zoo has: " + valid);
}

void check_positive(const std::string& network, const char* what, std::int64_t value) {
  if (value <= 0) {
    throw Error("network '" + network + "': " + what + " must be positive, got " +
                std::to_string(value));
  }
}

}  // namespace

std::string_view llm_phase_name(LlmPhase phase) {
  return phase == LlmPhase::Prefill ? "prefill" : "decode";
}

LlmPhase parse_llm_phase(std::string_view text) {
  if (text == "prefill") return LlmPhase::Prefill;
  if (text == "decode") return LlmPhase::Decode;
  throw Error("unknown LLM phase '" + std::string(text) + "' (expected prefill or decode)");
}

const std::vector<ZooEntry>& zoo() {
  static const std::vector<ZooEntry> entries = [] {
    std::vector<ZooEntry> out;
    for (const Model& m : models()) out.push_back(m.entry);
    return out;
  }();
  return entries;
}

const ZooEntry& zoo_entry(std::string_view name) { return model(name).entry; }

Workload resolve_workload(const ZooEntry& entry, Workload w) {
  const Workload& d = entry.default_workload;
  if (w.batch == 0) w.batch = d.batch;
  if (w.image_size == 0) w.image_size = d.image_size;
  if (w.sequence_length == 0) w.sequence_length = d.sequence_length;
  if (w.kv_length == 0) w.kv_length = d.kv_length;
  check_positive(entry.name, "batch", w.batch);
  if (entry.family == "cnn" || entry.family == "vit") {
    check_positive(entry.name, "image size", w.image_size);
  } else {
    check_positive(entry.name, "sequence length", w.sequence_length);
  }
  if (entry.family == "bert" && w.sequence_length > 512) {
    throw Error("network '" + entry.name + "': sequence length " +
                std::to_string(w.sequence_length) + " exceeds BERT's 512 positions");
  }
  return w;
}

Network build_network(std::string_view name, const Workload& workload) {
  const Model& m = model(name);
  return m.build(m.entry.name, resolve_workload(m.entry, workload));
}

}  // namespace bbs::networks
