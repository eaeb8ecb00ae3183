// Integer weights are used exactly as given on every path a network's weights take (issue 10
// item 1): .npy int8, safetensors I8, ONNX INT8 initializers and ONNX QDQ. Every weight here has
// channel maxima 20..60, so re-quantizing per channel (scale max|w| / 127) would change it.
#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "app/engine_input.hpp"
#include "app/simulation.hpp"
#include "model/bbs/quantize.hpp"
#include "networks/io/weight_file.hpp"
#include "tests/networks/net_test_util.hpp"

namespace bbs::app {
namespace {

namespace fs = std::filesystem;

// int8 weights whose output channel k has maximum |w| in [20, 60].
std::vector<std::int8_t> small_ints(const Shape& shape, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const std::int64_t per_channel = element_count(shape) / shape.at(0);
  std::vector<std::int8_t> values;
  for (std::int64_t k = 0; k < shape[0]; ++k) {
    const int maximum = std::uniform_int_distribution<int>(20, 60)(rng);
    std::uniform_int_distribution<int> value(-maximum, maximum);
    values.push_back(std::int8_t(maximum));
    for (std::int64_t i = 1; i < per_channel; ++i) values.push_back(std::int8_t(value(rng)));
  }
  return values;
}

auto fields(const BitSummary& b) {
  return std::tuple(b.weights, b.groups, b.zero_values, b.zero_bits_twos, b.zero_bits_sign_mag,
                    b.bbs_sparse_bits, b.all_zero_columns, b.all_one_columns, b.redundant_columns,
                    b.redundant_columns_capped, b.effectual_bits, b.pragmatic_cycles,
                    b.bitlet_cycles, b.bitwave_columns);
}

// BitVert's moderate setting: zero-point pruning of 4 columns, 20 % sensitive channels.
AnalysisOptions moderate() {
  EngineSettings settings;
  settings.setting = "moderate";
  return analysis_options(settings);
}

// `input` holds exactly `given` (canonical layout, in order), says "int8 as given", and its
// per-group statistics before and after pruning equal those of the integers analysed directly.
void expect_used_as_given(const EngineInput& input, const std::vector<WeightTensor>& given) {
  EXPECT_TRUE(input.integer_input);
  EXPECT_EQ(weights_kind(input, EngineSettings{}), "int8 as given");
  ASSERT_EQ(input.tensors.size(), given.size());
  for (std::size_t i = 0; i < given.size(); ++i) {
    SCOPED_TRACE(given[i].name);
    EXPECT_EQ(input.tensors[i].shape, given[i].shape);
    EXPECT_EQ(input.tensors[i].values, given[i].values);
    EXPECT_EQ(input.tensors[i].scales, given[i].scales);
    EXPECT_TRUE(input.tensors[i].original.empty());
    // The test can fail: per-channel re-quantization changes these integers.
    const std::vector<float> widened(given[i].values.begin(), given[i].values.end());
    EXPECT_NE(quantize_int8(given[i].shape, widened).values, given[i].values);
  }
  const auto loaded = analyze_weights(input.tensors, moderate());
  const auto direct = analyze_weights(given, moderate());
  for (std::size_t i = 0; i < given.size(); ++i) {
    SCOPED_TRACE(given[i].name);
    EXPECT_EQ(fields(loaded[i].before), fields(direct[i].before));
    EXPECT_EQ(fields(loaded[i].after), fields(direct[i].after));
    EXPECT_EQ(loaded[i].sensitive, direct[i].sensitive);
    EXPECT_EQ(loaded[i].stored_column_sum, direct[i].stored_column_sum);
  }
}

class IntegerWeights : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = networks::test::env_dir("BBS_ONNX_DIR");
    if (!dir) GTEST_SKIP() << "BBS_ONNX_DIR not set (run through ctest: make_onnx.py fixture)";
    dir_ = *dir;
  }

  EngineInput load(const std::string& onnx, std::optional<fs::path> weights = std::nullopt) {
    ShowOptions options;
    options.network = (dir_ / onnx).string();
    options.weights = std::move(weights);
    return load_network_input(load_network(options), EngineSettings{});
  }

  // A tensor make_onnx.py saved beside the model with np.save (read by the .npy reader).
  WeightTensor saved(const std::string& file, const std::string& name) const {
    const io::WeightFile npy = io::WeightFile::open(dir_ / file);
    return {name,
            npy.tensors().front().shape,
            io::read_as_int8(npy, npy.tensors().front().name),
            {},
            {}};
  }

  fs::path dir_;
  networks::test::ScratchDir tmp_;
};

TEST_F(IntegerWeights, NpyInt8) {
  const WeightTensor fc{"/fc/Gemm", {32, 64}, small_ints({32, 64}, 1), {}, {}};
  io::write_npy(tmp_ / "fc.weight.npy", io::make_tensor("fc.weight", fc.shape, fc.values));
  expect_used_as_given(load("float_fc.onnx", tmp_ / "fc.weight.npy"), {fc});
}

TEST_F(IntegerWeights, SafetensorsI8) {
  const std::vector<WeightTensor> given{
      {"/conv1/Conv", {8, 3, 3, 3}, small_ints({8, 3, 3, 3}, 2), {}, {}},
      {"/layer1/layer1.0/conv1/Conv", {8, 8, 3, 3}, small_ints({8, 8, 3, 3}, 3), {}, {}},
      {"/fc/Gemm", {10, 8}, small_ints({10, 8}, 4), {}, {}}};
  const std::vector<std::string> state_dict{"conv1.weight", "layer1.0.conv1.weight", "fc.weight"};
  std::vector<io::TensorData> tensors;
  for (std::size_t i = 0; i < given.size(); ++i)
    tensors.push_back(io::make_tensor(state_dict[i], given[i].shape, given[i].values));
  io::write_safetensors(tmp_ / "state.safetensors", tensors);
  expect_used_as_given(load("torch_names.onnx", tmp_ / "state.safetensors"), given);
}

TEST_F(IntegerWeights, OnnxInt8Initializers) {
  expect_used_as_given(load("int8_cnn.onnx"), {saved("int8_cnn.conv.weight.npy", "/conv/Conv"),
                                               saved("int8_cnn.fc.weight.npy", "/fc/Gemm")});
}

TEST_F(IntegerWeights, OnnxQdq) {
  WeightTensor conv = saved("qdq_cnn.conv.weight.npy", "/layer1/layer1.0/conv1/Conv");
  WeightTensor fc = saved("qdq_cnn.fc.weight.npy", "/fc/MatMul");  // [out, in]
  for (int k = 0; k < 16; ++k) conv.scales.push_back(double(0.01f + float(k) * (0.01f / 15)));
  for (int k = 0; k < 10; ++k) fc.scales.push_back(double(0.1f + float(k) * (0.1f / 9)));
  const EngineInput input = load("qdq_cnn.onnx");
  ASSERT_EQ(input.tensors.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {  // np.linspace in float32: compare to float precision
    const auto& expected = i == 0 ? conv.scales : fc.scales;
    ASSERT_EQ(input.tensors[i].scales.size(), expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k)
      EXPECT_FLOAT_EQ(float(input.tensors[i].scales[k]), float(expected[k]));
  }
  conv.scales = input.tensors[0].scales;
  fc.scales = input.tensors[1].scales;
  expect_used_as_given(input, {conv, fc});
}

// Float weights are still quantized per channel, and say so.
TEST_F(IntegerWeights, FloatWeightsAreQuantizedPerChannel) {
  const EngineInput input = load("float_fc.onnx");
  EXPECT_FALSE(input.integer_input);
  EXPECT_EQ(weights_kind(input, EngineSettings{}), "float, quantized per channel");
  EXPECT_EQ(input.tensors.at(0).values.at(0), 127);  // 48 is its channel's maximum
}

// Int8 weights with their own scales (as QDQ gives them); the scales rank the sensitive channels,
// so they are part of the key of cached profiles.
class ScaledIntegers final : public networks::WeightSource {
 public:
  explicit ScaledIntegers(double scale) : scale_(scale) {}
  bool synthetic() const override { return false; }
  std::string description() const override { return "scaled integers"; }
  bool has(const networks::Layer& layer) const override { return layer.weight.has_value(); }
  std::string origin(const networks::Layer&) const override { return "test"; }
  std::vector<float> load(const networks::Layer&) const override { return {}; }
  std::optional<networks::IntegerWeights> load_integer(
      const networks::Layer& layer) const override {
    const Shape& shape = layer.weight->shape;
    std::vector<double> scales(static_cast<std::size_t>(shape[0]));
    for (std::size_t k = 0; k < scales.size(); ++k) scales[k] = scale_ * double(k % 3 + 1);
    return networks::IntegerWeights{small_ints(shape, 5), scales};
  }

 private:
  double scale_;
};

TEST_F(IntegerWeights, ProfileKeyCoversTheScales) {
  const auto prepared = [&](double scale) {
    ShowOptions options;
    options.network = (dir_ / "qdq_cnn.onnx").string();
    LoadedNetwork loaded = load_network(options);
    loaded.weights = std::make_shared<ScaledIntegers>(scale);
    return std::make_unique<PreparedNetwork>(std::move(loaded));
  };
  const auto a = prepared(1.0), b = prepared(2.0), c = prepared(1.0);
  const auto first_tensor = [](const PreparedNetwork& p) {
    return p.tensors->load(0, 0, p.tensors->shape(0).front(), 1).values;
  };
  EXPECT_EQ(first_tensor(*a), first_tensor(*b));
  EXPECT_NE(a->weights_hash, b->weights_hash);
  EXPECT_EQ(a->weights_hash, c->weights_hash);
  EXPECT_EQ(a->weights_kind, "int8 as given");
}

}  // namespace
}  // namespace bbs::app
