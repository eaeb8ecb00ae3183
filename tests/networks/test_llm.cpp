// Llama checkpoints: stories260K (config in the file's metadata) and a synthetic BF16 checkpoint
// in two shards with config.json and model.safetensors.index.json, written here.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "networks/io/weight_file.hpp"
#include "networks/llm.hpp"
#include "networks/zoo.hpp"
#include "tests/networks/net_test_util.hpp"

namespace bbs::networks {
namespace {

TEST(LlamaCheckpoint, Stories260KFromItsMetadataConfig) {
  const auto shared = test::shared_weights_dir();
  if (!shared) GTEST_SKIP() << "BBS_SHARED_WEIGHTS not set or missing";
  const LlmCheckpoint ckpt =
      load_llama_checkpoint(*shared / "llama2c_stories260K.safetensors", {.sequence_length = 32});
  EXPECT_TRUE(ckpt.weights.match.unmatched_layers.empty());
  EXPECT_TRUE(ckpt.weights.match.unmatched_tensors.empty());
  EXPECT_EQ(ckpt.network.weight_params(), 259'328);
  EXPECT_EQ(ckpt.network.total_params(),
            build_network("llama2c_stories260k", {.sequence_length = 32}).total_params());
  const Layer* head = ckpt.network.find("output.weight");  // tied to tok_embeddings
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->weight->name, "tok_embeddings.weight");
  EXPECT_EQ(ckpt.weights.source->load(*head).size(), 512u * 64);
  EXPECT_EQ(ckpt.network.find("layers.4.attention.wk.weight")->linear->tokens, 32);
}

// hidden 16, 4 heads / 2 KV heads (head_dim 4), FFN 40, 2 layers, vocab 32, untied head.
class SyntheticCheckpoint : public ::testing::Test {
 protected:
  static constexpr const char* kConfig = R"({
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16,
    "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "vocab_size": 32, "tie_word_embeddings": false,
    "torch_dtype": "bfloat16"})";

  static io::TensorData bf16(const std::string& name, Shape shape, float first) {
    io::TensorData t{name, DType::BF16, shape, {}};
    t.bytes.resize(static_cast<std::size_t>(element_count(shape)) * 2);
    for (std::size_t i = 0; i * 2 < t.bytes.size(); ++i) {
      const std::uint16_t bits = float_to_bfloat16(first + 0.001f * static_cast<float>(i));
      std::memcpy(t.bytes.data() + 2 * i, &bits, 2);
    }
    return t;
  }

  void write_text(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file) << text;
  }

  void SetUp() override {
    std::vector<io::TensorData> first = {bf16("model.embed_tokens.weight", {32, 16}, 0.5f),
                                         bf16("model.norm.weight", {16}, 1.0f),
                                         bf16("lm_head.weight", {32, 16}, -0.5f)};
    std::vector<io::TensorData> second;
    for (int layer = 0; layer < 2; ++layer) {
      const std::string p = "model.layers." + std::to_string(layer) + ".";
      auto& shard = layer == 0 ? first : second;
      shard.push_back(bf16(p + "self_attn.q_proj.weight", {16, 16}, 0.25f));
      shard.push_back(bf16(p + "self_attn.k_proj.weight", {8, 16}, 0.25f));
      shard.push_back(bf16(p + "self_attn.v_proj.weight", {8, 16}, 0.25f));
      shard.push_back(bf16(p + "self_attn.o_proj.weight", {16, 16}, 0.25f));
      shard.push_back(bf16(p + "mlp.gate_proj.weight", {40, 16}, 0.125f));
      shard.push_back(bf16(p + "mlp.up_proj.weight", {40, 16}, 0.125f));
      shard.push_back(bf16(p + "mlp.down_proj.weight", {16, 40}, 0.125f));
      shard.push_back(bf16(p + "input_layernorm.weight", {16}, 1.0f));
      shard.push_back(bf16(p + "post_attention_layernorm.weight", {16}, 1.0f));
    }
    const std::string names[] = {"model-00001-of-00002.safetensors",
                                 "model-00002-of-00002.safetensors"};
    io::write_safetensors(dir_ / names[0], first, {{"format", "pt"}});
    io::write_safetensors(dir_ / names[1], second, {{"format", "pt"}});
    std::string map;
    for (int s = 0; s < 2; ++s) {
      for (const auto& t : s == 0 ? first : second) {
        map += (map.empty() ? "" : ", ") + ("\"" + t.name + "\": \"" + names[s] + "\"");
      }
    }
    write_text("model.safetensors.index.json",
               R"({"metadata": {"total_size": 0}, "weight_map": {)" + map + "}}");
    write_text("config.json", kConfig);
  }
  test::ScratchDir dir_;
};

TEST_F(SyntheticCheckpoint, TwoBf16ShardsThroughTheIndex) {
  const LlmCheckpoint ckpt =
      load_llama_checkpoint(dir_ / "", {.phase = LlmPhase::Decode, .kv_length = 10});
  EXPECT_EQ(ckpt.weights.match.matched_layers, 2u * 7 + 2);
  EXPECT_EQ(ckpt.weights.match.ignored_tensors.size(), 2u * 2 + 1);  // the RMSNorm weights
  const Layer* k = ckpt.network.find("model.layers.1.self_attn.k_proj.weight");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->linear->tokens, 1);
  const std::vector<float> values = ckpt.weights.source->load(*k);
  ASSERT_EQ(values.size(), 8u * 16);
  EXPECT_EQ(values[3], bfloat16_to_float(float_to_bfloat16(0.25f + 0.003f)));
  EXPECT_NE(ckpt.weights.source->origin(*k).find("model-00002-of-00002.safetensors"),
            std::string::npos);
  EXPECT_EQ(ckpt.network.find("model.layers.0.attention.scores")->matmul->cols, 11);
  // The index, explicitly, gives the same network.
  const LlmCheckpoint again = load_llama_checkpoint(dir_ / "model.safetensors.index.json");
  EXPECT_EQ(again.network.total_params(), ckpt.network.total_params());
}

TEST_F(SyntheticCheckpoint, MissingConfigKeyNamesFileAndKey) {
  write_text("config.json", R"({"hidden_size": 16, "intermediate_size": 40,
      "num_hidden_layers": 2, "vocab_size": 32})");
  try {
    load_llama_checkpoint(dir_ / "");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config.json: missing key 'num_attention_heads'"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(SyntheticCheckpoint, ShapeMismatchAgainstConfig) {
  write_text("config.json", R"({"hidden_size": 16, "intermediate_size": 48,
      "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
      "vocab_size": 32})");
  try {
    load_llama_checkpoint(dir_ / "");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("model.layers.0.mlp.gate_proj.weight' has shape [40, 16]"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("model-00001-of-00002.safetensors"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace bbs::networks
