// Hugging Face checkpoints streamed (issue 13): a sharded checkpoint directory whose tensors are
// BF16, F16, F32 and int8 is read a block of output channels at a time from the memory-mapped
// shards. Each block equals the rows of the whole-tensor path (quantized per output channel
// alike), and profiles built from small blocks equal those of whole tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "app/network_tensors.hpp"
#include "app/simulation.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/profile_blob.hpp"
#include "model/bbs/quantize.hpp"
#include "networks/io/weight_file.hpp"
#include "tests/test_util.hpp"

namespace bbs::app {
namespace {

// Values that differ in every row (so that each output channel has its own scale).
std::vector<float> row_varied(const Shape& shape, float seed) {
  std::vector<float> values(std::size_t(element_count(shape)));
  const std::size_t columns = values.size() / std::size_t(shape[0]);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = std::sin(seed + 0.37f * float(i)) * float(1 + i / columns % 7);
  return values;
}

io::TensorData stored(const std::string& name, const Shape& shape, DType dtype, float seed) {
  const std::vector<float> values = row_varied(shape, seed);
  if (dtype == DType::F32) return io::make_tensor(name, shape, values);
  if (dtype == DType::I8) {
    std::vector<std::int8_t> ints;
    for (const float v : values) ints.push_back(std::int8_t(std::lround(v * 18.0f)));
    return io::make_tensor(name, shape, ints);
  }
  io::TensorData t{name, dtype, shape, std::vector<std::byte>(values.size() * 2)};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint16_t bits =
        dtype == DType::F16 ? float_to_half(values[i]) : float_to_bfloat16(values[i]);
    std::memcpy(t.bytes.data() + 2 * i, &bits, 2);
  }
  return t;
}

// hidden 16, 4 heads / 2 KV heads, FFN 40, 2 layers, vocab 32, untied head; two shards found
// through model.safetensors.index.json; q/gate BF16, k F16, v/up F32, o/down int8.
class StreamedCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<io::TensorData> shards[2];
    shards[0].push_back(stored("model.embed_tokens.weight", {32, 16}, DType::BF16, 0.1f));
    shards[0].push_back(stored("lm_head.weight", {32, 16}, DType::F32, 0.2f));
    shards[1].push_back(stored("model.norm.weight", {16}, DType::F32, 0.3f));
    float seed = 1.0f;
    for (int layer = 0; layer < 2; ++layer) {
      const std::string p = "model.layers." + std::to_string(layer) + ".";
      auto& shard = shards[layer];
      const std::tuple<std::string, Shape, DType> weights[] = {
          {"self_attn.q_proj.weight", {16, 16}, DType::BF16},
          {"self_attn.k_proj.weight", {8, 16}, DType::F16},
          {"self_attn.v_proj.weight", {8, 16}, DType::F32},
          {"self_attn.o_proj.weight", {16, 16}, DType::I8},
          {"mlp.gate_proj.weight", {40, 16}, DType::BF16},
          {"mlp.up_proj.weight", {40, 16}, DType::F32},
          {"mlp.down_proj.weight", {16, 40}, DType::I8}};
      for (const auto& [name, shape, dtype] : weights)
        shard.push_back(stored(p + name, shape, dtype, seed += 1.0f));
      shard.push_back(stored(p + "input_layernorm.weight", {16}, DType::F32, 0.5f));
      shard.push_back(stored(p + "post_attention_layernorm.weight", {16}, DType::F32, 0.5f));
    }
    std::string map;
    for (int s = 0; s < 2; ++s) {
      const std::string file = "model-0000" + std::to_string(s + 1) + "-of-00002.safetensors";
      io::write_safetensors(dir_ / file, shards[s]);
      for (const auto& t : shards[s])
        map += (map.empty() ? "\"" : ", \"") + t.name + "\": \"" + file + "\"";
    }
    dir_.write("model.safetensors.index.json", R"({"weight_map": {)" + map + "}}");
    dir_.write("config.json", R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 16,
      "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4,
      "num_key_value_heads": 2, "vocab_size": 32, "tie_word_embeddings": false})");
    ShowOptions options;
    options.network = dir_.path().string();
    prepared_ = prepare_network(options, 2);
  }

  // The tensors in blocks of about `block_weights` weights.
  NetworkTensors blocks(std::int64_t block_weights) const {
    std::vector<const networks::Layer*> layers;
    for (std::size_t t = 0; t < prepared_->tensors->size(); ++t)
      layers.push_back(&prepared_->tensors->layer(t));
    return NetworkTensors(prepared_->loaded, layers, block_weights);
  }

  // Tensor t by the whole-tensor path: the int8 values as stored, or the whole float tensor
  // quantized per output channel.
  WeightTensor whole(std::size_t t) const {
    const networks::Layer& layer = prepared_->tensors->layer(t);
    const networks::WeightSource& source = *prepared_->loaded.weights;
    WeightTensor w{layer.weight->name, layer.weight->shape, {}, {}, {}};
    if (auto integers = source.load_integer(layer)) {
      w.values = std::move(integers->values);
      return w;
    }
    QuantizedTensor q = quantize_int8(w.shape, source.load(layer), QuantGranularity::PerChannel);
    w.values = std::move(q.values);
    w.scales = std::move(q.scales);
    return w;
  }

  test::TempDir dir_;
  std::unique_ptr<PreparedNetwork> prepared_;
};

TEST_F(StreamedCheckpoint, ABlockOfRowsIsTheSliceOfTheWholeTensorForEveryDtype) {
  const NetworkTensors tensors = blocks(NetworkTensors::kBlockWeights);
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    const WeightTensor reference = whole(t);
    const std::int64_t channels = reference.shape[0];
    const std::size_t per_channel = reference.values.size() / std::size_t(channels);
    for (const auto& [first, last] : {std::pair<std::int64_t, std::int64_t>{0, channels},
                                      {0, 1},
                                      {3, 7},
                                      {channels - 2, channels}}) {
      const WeightTensor block = tensors.load(t, first, last, 2);
      EXPECT_EQ(block.shape[0], last - first);
      EXPECT_EQ(block.values,
                std::vector<std::int8_t>(reference.values.begin() + first * per_channel,
                                         reference.values.begin() + last * per_channel))
          << tensors.name(t) << " rows " << first << "-" << last;
      if (reference.scales.empty())
        EXPECT_TRUE(block.scales.empty()) << tensors.name(t);
      else
        EXPECT_EQ(block.scales, std::vector<double>(reference.scales.begin() + first,
                                                    reference.scales.begin() + last))
            << tensors.name(t) << " rows " << first << "-" << last;
    }
  }
}

TEST_F(StreamedCheckpoint, FileWeightsAreReadInBlocksOfAboutTheBlockWeights) {
  const NetworkTensors tensors = blocks(64);
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    const std::int64_t per_channel = element_count(tensors.shape(t)) / tensors.shape(t)[0];
    EXPECT_EQ(tensors.block_channels(t), std::max<std::int64_t>(1, 64 / per_channel))
        << tensors.name(t);
  }
}

TEST_F(StreamedCheckpoint, ProfilesFromSmallBlocksEqualThoseOfWholeTensors) {
  std::vector<WeightTensor> reference;
  for (std::size_t t = 0; t < prepared_->tensors->size(); ++t) reference.push_back(whole(t));
  std::vector<const WeightTensor*> pointers;
  for (const WeightTensor& w : reference) pointers.push_back(&w);
  const accel::MemoryTensors held(pointers);
  const NetworkTensors streamed = blocks(48);  // 3 rows of 16, 1 of 40: every tensor split
  std::vector<accel::WeightNeeds> needs;
  for (const std::string& preset : accel::hardware_designs()) {
    const accel::HardwareConfig hw = accel::load_hardware(preset, std::nullopt, {});
    needs.push_back(accel::find_accel(hw.design).weight_needs(hw, accel::Fidelity::Corrected));
  }
  const auto build = [&](const accel::TensorSource& source) {
    return accel::build_profiles({&prepared_->workload,
                                  &source,
                                  prepared_->tensor_of_layer,
                                  accel::Fidelity::Corrected,
                                  2,
                                  {},
                                  {}},
                                 needs);
  };
  const auto expected = build(held), actual = build(streamed);
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t d = 0; d < needs.size(); ++d)
    EXPECT_EQ(accel::profiles_to_blob(actual[d]), accel::profiles_to_blob(expected[d]))
        << accel::hardware_designs()[d];
}

}  // namespace
}  // namespace bbs::app
