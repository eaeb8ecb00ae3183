#include <gtest/gtest.h>

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

TEST(Quantize, RejectsMismatchedSizes) {
  const std::vector<float> w{1, 2, 3};
  EXPECT_THROW(quantize_int8({2, 2}, w), Error);
}

}  // namespace
}  // namespace bbs
