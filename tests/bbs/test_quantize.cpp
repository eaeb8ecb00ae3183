#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "model/bbs/quantize.hpp"

namespace bbs {
namespace {

TEST(Quantize, PerChannelRoundsHalfToEven) {
  const std::vector<float> w{127, 0.5f, 1.5f, 2.5f, -2.5f, -127, 0, 0, 0, 0, 0, 0};
  const QuantizedTensor q = quantize_int8({2, 6}, w);
  EXPECT_EQ(q.values, (std::vector<std::int8_t>{127, 0, 2, 2, -2, -127, 0, 0, 0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(q.scales[0], 1.0);
  EXPECT_DOUBLE_EQ(q.scales[1], 1.0);  // an all-zero channel gets scale 1
}

TEST(Quantize, PerTensorSharesOneScale) {
  const std::vector<float> w{127, 1, 63.5f, 0.5f};
  const QuantizedTensor t = quantize_int8({2, 2}, w, QuantGranularity::PerTensor);
  EXPECT_EQ(t.values, (std::vector<std::int8_t>{127, 1, 64, 0}));
  const QuantizedTensor c = quantize_int8({2, 2}, w);
  EXPECT_EQ(c.values, (std::vector<std::int8_t>{127, 1, 127, 1}));
  EXPECT_DOUBLE_EQ(c.scales[1], 0.5);
}

TEST(Quantize, DequantizeUsesChannelScales) {
  const std::vector<std::int16_t> v{2, -130};
  const std::vector<double> scales{0.5, 0.25};
  EXPECT_EQ(dequantize({2, 1}, v, scales), (std::vector<float>{1.0f, -32.5f}));
}

// The vectorised kernel against the definition in quantize.hpp, computed here element by element
// with nearbyint: every value of channels of Gaussian weights, exact ties (k + 1/2) x scale, the
// channel maxima and negative zeros; a NaN is ignored by the scale.
TEST(Quantize, VectorisedKernelMatchesTheDefinition) {
  constexpr std::int64_t kChannels = 7, kInputs = 1037;
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> w(kChannels * kInputs);
  for (float& v : w) v = normal(rng);
  // channel 1: maximum 127, so scale 1 and exact ties -19.5 ... 19.5
  for (std::int64_t k = 0; k < 40; ++k) w[std::size_t(kInputs + k)] = float(k - 20) + 0.5f;
  w[std::size_t(kInputs + 40)] = 127.0f;
  w[std::size_t(2 * kInputs)] = -0.0f;
  w[std::size_t(3 * kInputs + 5)] = std::numeric_limits<float>::quiet_NaN();
  const QuantizedTensor q = quantize_int8({kChannels, kInputs}, w);
  for (std::int64_t c = 0; c < kChannels; ++c) {
    double max_abs = 0.0;
    for (std::int64_t i = 0; i < kInputs; ++i)
      if (!std::isnan(w[std::size_t(c * kInputs + i)]))
        max_abs = std::max(max_abs, std::fabs(double(w[std::size_t(c * kInputs + i)])));
    ASSERT_EQ(q.scales[std::size_t(c)], max_abs / 127.0) << "channel " << c;
    for (std::int64_t i = 0; i < kInputs; ++i) {
      const std::size_t at = std::size_t(c * kInputs + i);
      if (std::isnan(w[at])) continue;
      const double expected =
          std::clamp(std::nearbyint(double(w[at]) / (max_abs / 127.0)), -127.0, 127.0);
      ASSERT_EQ(q.values[at], std::int8_t(expected)) << "channel " << c << " input " << i;
    }
  }
}

TEST(Quantize, RejectsMismatchedSizes) {
  const std::vector<float> w{1, 2, 3};
  EXPECT_THROW(quantize_int8({2, 2}, w), Error);
}

}  // namespace
}  // namespace bbs
