// Attaching weight files to networks: name/layout mapping, unmatched reports, synthetic weights.
#include <gtest/gtest.h>

#include <cmath>

#include "networks/graph/builder.hpp"
#include "networks/io/weight_file.hpp"
#include "networks/weights.hpp"
#include "networks/zoo.hpp"
#include "tests/networks/net_test_util.hpp"

namespace bbs::networks {
namespace {

// Every weight tensor of every shared file maps onto its zoo network, nothing unmatched, and
// every layer loads with its canonical element count.
TEST(RealWeights, EverySharedFileMapsOntoItsZooNetwork) {
  const auto shared = test::shared_weights_dir();
  if (!shared) GTEST_SKIP() << "BBS_SHARED_WEIGHTS not set or missing";
  int files = 0;
  for (const ZooEntry& entry : zoo()) {
    if (entry.weights_file.empty()) continue;
    SCOPED_TRACE(entry.name);
    const Network net = build_network(entry.name);
    const AttachedWeights attached =
        attach_weights(net, {*shared / (entry.weights_file + ".safetensors")});
    EXPECT_TRUE(attached.match.unmatched_layers.empty());
    EXPECT_TRUE(attached.match.unmatched_tensors.empty());
    EXPECT_FALSE(attached.source->synthetic());
    for (const Layer& layer : net.layers()) {
      if (!layer.weight) continue;
      EXPECT_EQ(static_cast<std::int64_t>(attached.source->load(layer).size()),
                element_count(layer.weight->shape))
          << layer.name;
    }
    ++files;
  }
  EXPECT_EQ(files, 8);
}

TEST(RealWeights, CommittedResNet20MapsWithPyTorchNames) {
  const auto data = test::data_dir();
  if (!data) GTEST_SKIP() << "BBS_DATA_DIR not set";
  const Network net = build_network("cifar10_resnet20");
  const AttachedWeights attached =
      attach_weights(net, {*data / "weights" / "cifar10_resnet20.safetensors"});
  EXPECT_EQ(attached.match.matched_layers, 20u);
  // Biases and BN parameters/statistics are reported as ignored, not as unmatched.
  EXPECT_EQ(attached.match.ignored_tensors.size(), 97u - 20u);
  const Layer* conv = net.find("layer2.0.conv1.weight");
  EXPECT_EQ(attached.source->origin(*conv), "layer2.0.conv1.weight");
  EXPECT_EQ(attached.source->load(*conv).size(), 32u * 16 * 9);
}

TEST(RealWeights, KerasMobileNetV2IsTransposedIntoPyTorchLayout) {
  const auto shared = test::shared_weights_dir();
  if (!shared) GTEST_SKIP() << "BBS_SHARED_WEIGHTS not set or missing";
  const auto path = *shared / "nsfwjs_mobilenet_v2.safetensors";
  const Network net = build_network("nsfwjs_mobilenet_v2");
  const AttachedWeights attached = attach_weights(net, {path});
  const io::WeightFile file = io::WeightFile::open(path);

  const Layer* stem = net.find("features.0.0.weight");  // Keras Conv1/kernel [3,3,3,32]
  const std::vector<float> keras = io::read_as_float(file, "Conv1/kernel");
  const std::vector<float> torch = attached.source->load(*stem);
  // torch[k][c][r][s] == keras[r][s][c][k] for k=5, c=2, r=1, s=0.
  EXPECT_EQ(torch[((5 * 3 + 2) * 3 + 1) * 3 + 0], keras[((1 * 3 + 0) * 3 + 2) * 32 + 5]);
  EXPECT_EQ(attached.source->origin(*stem), "Conv1/kernel (Keras conv [R,S,C,K])");

  const Layer* dense = net.find("dense_2.kernel");  // [256,128] in Keras -> [128,256]
  const std::vector<float> dense_keras = io::read_as_float(file, "dense_2/kernel");
  EXPECT_EQ(attached.source->load(*dense)[7 * 256 + 100], dense_keras[100 * 128 + 7]);
}

// A tiny network and a file that has one tensor too many (the reference simulator dropped such
// layers silently) and lacks one layer.
class WeightMatching : public ::testing::Test {
 protected:
  WeightMatching() : net_(make_net()) {}
  static Network make_net() {
    NetworkBuilder b("tiny");
    TensorRef x = b.input("image", {1, 2, 4, 4});
    x = b.conv("conv.weight", x, {.out_channels = 3, .kernel = 3, .padding = 1});
    x = b.reshape("flatten", x, {1, 48});
    b.linear("fc.weight", x, 5, true);
    return std::move(b).build();
  }
  std::filesystem::path write(const std::string& name, std::vector<io::TensorData> tensors) {
    const auto path = dir_ / name;
    io::write_safetensors(path, tensors);
    return path;
  }
  static io::TensorData tensor(const std::string& name, Shape shape) {
    std::vector<float> values(static_cast<std::size_t>(element_count(shape)));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
    return io::make_tensor(name, shape, values);
  }
  test::ScratchDir dir_;
  Network net_;
};

TEST_F(WeightMatching, UnmatchedLayersAndTensorsAreListedAndFail) {
  const auto path =
      write("extra.safetensors", {tensor("conv.weight", {3, 2, 3, 3}),
                                  tensor("head.weight", {5, 48}), tensor("fc.bias", {5})});
  const std::string message = test::message_of([&] { attach_weights(net_, {path}); });
  EXPECT_NE(message.find("extra.safetensors"), std::string::npos) << message;
  EXPECT_NE(message.find("1 weight layer(s) without a tensor: fc.weight"), std::string::npos)
      << message;
  EXPECT_NE(message.find("1 tensor(s) without a layer: head.weight"), std::string::npos) << message;

  const AttachedWeights allowed = attach_weights(net_, {path}, {.allow_unmatched = true});
  EXPECT_EQ(allowed.match.unmatched_layers, std::vector<std::string>{"fc.weight"});
  EXPECT_EQ(allowed.match.unmatched_tensors, std::vector<std::string>{"head.weight"});
  EXPECT_EQ(allowed.match.ignored_tensors, std::vector<std::string>{"fc.bias"});
  EXPECT_FALSE(allowed.source->has(*net_.find("fc.weight")));
  EXPECT_THROW(allowed.source->load(*net_.find("fc.weight")), Error);
}

TEST_F(WeightMatching, ShapeMismatchNamesFileTensorAndLayer) {
  const auto path =
      write("bad.safetensors", {tensor("conv.weight", {3, 2, 5, 5}), tensor("fc.weight", {5, 48})});
  const std::string message = test::message_of([&] { attach_weights(net_, {path}); });
  EXPECT_NE(message.find("bad.safetensors: tensor 'conv.weight' has shape [3, 2, 5, 5], but "
                         "layer 'conv.weight' expects [3, 2, 3, 3]"),
            std::string::npos)
      << message;
}

TEST_F(WeightMatching, ExplicitKerasLayoutAndShards) {
  // The same names, Keras layout, split over two shards.
  const auto a = write("a.safetensors", {tensor("conv.weight", {3, 3, 2, 3})});
  const auto b = write("b.safetensors", {tensor("fc.weight", {48, 5})});
  const AttachedWeights attached = attach_weights(net_, {a, b}, {.layout = WeightLayout::Keras});
  const std::vector<float> fc = attached.source->load(*net_.find("fc.weight"));
  EXPECT_EQ(fc[1 * 48 + 2], 2.0f * 5 + 1);  // torch[out=1][in=2] == keras[in=2][out=1]
  EXPECT_EQ(attached.source->origin(*net_.find("fc.weight")),
            "fc.weight (Keras dense [in,out]) in b.safetensors");
  EXPECT_THROW(attach_weights(net_, {a}), Error);  // PyTorch layout: shape mismatch
}

TEST(SyntheticWeights, DeterministicCalibratedAndFlagged) {
  const Network net = build_network("resnet18");
  const auto source = synthetic_weights(7);
  EXPECT_TRUE(source->synthetic());
  EXPECT_NE(source->description().find("synthetic"), std::string::npos);
  const Layer* conv = net.find("layer3.0.conv2.weight");  // [256, 256, 3, 3], fan-in 2304
  const std::vector<float> first = source->load(*conv);
  EXPECT_EQ(first, source->load(*conv));
  EXPECT_NE(first, synthetic_weights(8)->load(*conv));
  EXPECT_NE(first, source->load(*net.find("layer3.0.conv1.weight")));
  double sum2 = 0.0;
  for (float v : first) sum2 += static_cast<double>(v) * v;
  const double gain = std::sqrt(sum2 / static_cast<double>(first.size())) * std::sqrt(2304.0);
  EXPECT_GT(gain, 0.5);  // 1.4 x a per-layer log-normal (sigma 0.25): within 3 sigma
  EXPECT_LT(gain, 3.0);
}

// Counter-based generation: blocks generated on other threads give the same bytes.
TEST(SyntheticWeights, IdenticalForAnyThreadCount) {
  const Network net = build_network("resnet18");
  for (const char* name : {"layer3.0.conv2.weight", "fc.weight"}) {
    const Layer* layer = net.find(name);
    const std::vector<float> one = synthetic_weights(7, 1)->load(*layer);
    EXPECT_EQ(one, synthetic_weights(7, 2)->load(*layer)) << name;
    EXPECT_EQ(one, synthetic_weights(7, 5)->load(*layer)) << name;
  }
}

// The within-channel law: Gaussian for conv (excess kurtosis 0), unit-variance Student-t(20)
// for linear layers (excess kurtosis 6 / (nu - 4) = 0.375), measured per channel and averaged.
TEST(SyntheticWeights, WithinChannelKurtosisMatchesTheLaw) {
  const Network net = build_network("bert_base_mrpc");
  const Network cnn = build_network("resnet18");
  const auto excess_kurtosis = [](const Layer& layer) {
    const std::vector<float> w = synthetic_weights(3)->load(layer);
    const std::int64_t channels = layer.weight->shape.at(0);
    const std::size_t per = w.size() / std::size_t(channels);
    double sum = 0.0;
    for (std::int64_t c = 0; c < channels; ++c) {
      double m2 = 0.0, m4 = 0.0;
      for (std::size_t j = 0; j < per; ++j) {
        const double v = w[std::size_t(c) * per + j];
        m2 += v * v;
        m4 += v * v * v * v;
      }
      m2 /= double(per), m4 /= double(per);
      sum += m4 / (m2 * m2) - 3.0;
    }
    return sum / double(channels);
  };
  EXPECT_NEAR(excess_kurtosis(*cnn.find("layer3.0.conv2.weight")), 0.0, 0.1);
  const Layer* linear = nullptr;
  for (const Layer& l : net.layers())
    if (l.kind == OpKind::Linear && l.weight && !linear) linear = &l;
  ASSERT_NE(linear, nullptr);
  EXPECT_NEAR(excess_kurtosis(*linear), 6.0 / (20 - 4), 0.15);
}

}  // namespace
}  // namespace bbs::networks
