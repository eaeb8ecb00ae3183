#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "networks/tensor.hpp"

namespace bbs {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

float float_from_bits(std::uint32_t bits) { return std::bit_cast<float>(bits); }

TEST(TensorDType, NamesSizesAndKinds) {
  EXPECT_EQ(dtype_name(DType::I8), "I8");
  EXPECT_EQ(dtype_name(DType::I16), "I16");
  EXPECT_EQ(dtype_name(DType::F16), "F16");
  EXPECT_EQ(dtype_name(DType::BF16), "BF16");
  EXPECT_EQ(dtype_name(DType::F32), "F32");
  EXPECT_EQ(dtype_bytes(DType::I8), 1u);
  EXPECT_EQ(dtype_bytes(DType::I16), 2u);
  EXPECT_EQ(dtype_bytes(DType::F16), 2u);
  EXPECT_EQ(dtype_bytes(DType::BF16), 2u);
  EXPECT_EQ(dtype_bytes(DType::F32), 4u);
  EXPECT_FALSE(dtype_is_float(DType::I8));
  EXPECT_FALSE(dtype_is_float(DType::I16));
  EXPECT_TRUE(dtype_is_float(DType::F16));
  EXPECT_TRUE(dtype_is_float(DType::BF16));
  EXPECT_TRUE(dtype_is_float(DType::F32));
}

TEST(TensorShape, ElementCount) {
  EXPECT_EQ(element_count({}), 1);
  EXPECT_EQ(element_count({5}), 5);
  EXPECT_EQ(element_count({64, 3, 7, 7}), 9408);
  EXPECT_EQ(element_count({0, 5}), 0);
  EXPECT_EQ(element_count({std::int64_t{1} << 62, 0}), 0);
}

TEST(TensorShape, ElementCountRejectsNegativeDimensions) {
  EXPECT_THROW(element_count({3, -1}), Error);
}

TEST(TensorShape, ElementCountRejectsOverflow) {
  EXPECT_THROW(element_count({std::int64_t{1} << 32, std::int64_t{1} << 32}), Error);
  EXPECT_THROW(element_count({std::numeric_limits<std::int64_t>::max(), 2}), Error);
  EXPECT_EQ(element_count({std::numeric_limits<std::int64_t>::max(), 1}),
            std::numeric_limits<std::int64_t>::max());
}

TEST(TensorShape, ShapeString) {
  EXPECT_EQ(shape_string({64, 3, 7, 7}), "[64, 3, 7, 7]");
  EXPECT_EQ(shape_string({5}), "[5]");
  EXPECT_EQ(shape_string({}), "[]");
}

TEST(Half, WidensHandCheckedPatterns) {
  EXPECT_EQ(half_to_float(0x3C00), 1.0f);
  EXPECT_EQ(half_to_float(0xC000), -2.0f);
  EXPECT_EQ(half_to_float(0x7BFF), 65504.0f);
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_EQ(half_to_float(0x0001), 5.960464477539063e-8f);  // smallest subnormal, 2^-24
  EXPECT_EQ(half_to_float(0x03FF), 6.097555160522461e-5f);  // largest subnormal
  EXPECT_EQ(half_to_float(0x0400), 6.103515625e-5f);        // smallest normal, 2^-14
  EXPECT_EQ(half_to_float(0x8001), -5.960464477539063e-8f);
  EXPECT_EQ(half_to_float(0x7C00), kInfinity);
  EXPECT_EQ(half_to_float(0xFC00), -kInfinity);
  EXPECT_TRUE(std::isnan(half_to_float(0x7E00)));
  EXPECT_TRUE(std::isnan(half_to_float(0x7C01)));  // signalling NaN stays NaN
  EXPECT_EQ(std::bit_cast<std::uint32_t>(half_to_float(0x0000)), 0x0000'0000u);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(half_to_float(0x8000)), 0x8000'0000u);  // -0
}

TEST(Half, NarrowsHandCheckedValues) {
  EXPECT_EQ(float_to_half(1.0f), 0x3C00);
  EXPECT_EQ(float_to_half(-2.0f), 0xC000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7BFF);
  EXPECT_EQ(float_to_half(5.960464477539063e-8f), 0x0001);
  EXPECT_EQ(float_to_half(6.103515625e-5f), 0x0400);
  EXPECT_EQ(float_to_half(0.0f), 0x0000);
  EXPECT_EQ(float_to_half(-0.0f), 0x8000);
  EXPECT_EQ(float_to_half(kInfinity), 0x7C00);
  EXPECT_EQ(float_to_half(-kInfinity), 0xFC00);
  EXPECT_EQ(float_to_half(1e-30f), 0x0000);  // underflows to zero
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::denorm_min()), 0x0000);
}

TEST(Half, NarrowingRoundsToNearestEven) {
  const float one_ulp = std::ldexp(1.0f, -10);  // half spacing just above 1
  // Halfway between 0x3C00 (even) and 0x3C01: down to even.
  EXPECT_EQ(float_to_half(1.0f + one_ulp / 2), 0x3C00);
  // Halfway between 0x3C01 and 0x3C02 (even): up to even.
  EXPECT_EQ(float_to_half(1.0f + 3 * one_ulp / 2), 0x3C02);
  // Just above halfway: up.
  EXPECT_EQ(float_to_half(std::nextafter(1.0f + one_ulp / 2, 2.0f)), 0x3C01);
  // Just below halfway: down.
  EXPECT_EQ(float_to_half(std::nextafter(1.0f + one_ulp / 2, 0.0f)), 0x3C00);
  // Mantissa carry into the exponent: largest value below 2 rounds up to 2.
  EXPECT_EQ(float_to_half(std::nextafter(2.0f, 0.0f)), 0x4000);
}

TEST(Half, NarrowingOverflowsToInfinity) {
  EXPECT_EQ(float_to_half(65519.0f), 0x7BFF);  // below the halfway point to 65536
  EXPECT_EQ(float_to_half(65520.0f), 0x7C00);  // halfway: rounds to even, which is infinity
  EXPECT_EQ(float_to_half(1e6f), 0x7C00);
  EXPECT_EQ(float_to_half(-1e6f), 0xFC00);
  EXPECT_EQ(float_to_half(std::numeric_limits<float>::max()), 0x7C00);
}

TEST(Half, NarrowingRoundsSubnormalsToNearestEven) {
  const float smallest = std::ldexp(1.0f, -24);
  EXPECT_EQ(float_to_half(smallest / 2), 0x0000);     // tie: down to even 0
  EXPECT_EQ(float_to_half(smallest * 1.5f), 0x0002);  // tie: up to even 2
  EXPECT_EQ(float_to_half(smallest * 2.5f), 0x0002);  // tie: down to even 2
  EXPECT_EQ(float_to_half(std::nextafter(smallest / 2, 1.0f)), 0x0001);
  EXPECT_EQ(float_to_half(smallest * 1023.5f), 0x0400);  // rounds up into the normal range
}

TEST(Half, NarrowingKeepsNaN) {
  const std::uint16_t bits = float_to_half(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(bits & 0x7C00, 0x7C00);
  EXPECT_NE(bits & 0x03FF, 0);
  // A NaN whose payload lives only in the low float bits must not become infinity.
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(float_from_bits(0x7F80'0001u)))));
}

TEST(Half, EveryPatternRoundTrips) {
  for (std::uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    const auto half = static_cast<std::uint16_t>(bits);
    const float widened = half_to_float(half);
    if (std::isnan(widened)) {
      EXPECT_TRUE(std::isnan(half_to_float(float_to_half(widened)))) << std::hex << bits;
    } else {
      EXPECT_EQ(float_to_half(widened), half) << std::hex << bits;
    }
  }
}

TEST(Bfloat16, HandCheckedPatterns) {
  EXPECT_EQ(bfloat16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bfloat16_to_float(0xC000), -2.0f);
  EXPECT_EQ(bfloat16_to_float(0x0001), std::ldexp(1.0f, -133));  // subnormal
  EXPECT_EQ(bfloat16_to_float(0x7F80), kInfinity);
  EXPECT_TRUE(std::isnan(bfloat16_to_float(0x7FC0)));
  EXPECT_EQ(float_to_bfloat16(1.0f), 0x3F80);
  EXPECT_EQ(float_to_bfloat16(-2.0f), 0xC000);
  EXPECT_EQ(float_to_bfloat16(-kInfinity), 0xFF80);
}

TEST(Bfloat16, NarrowingRoundsToNearestEven) {
  EXPECT_EQ(float_to_bfloat16(float_from_bits(0x3F80'8000u)), 0x3F80);      // tie, down to even
  EXPECT_EQ(float_to_bfloat16(float_from_bits(0x3F81'8000u)), 0x3F82);      // tie, up to even
  EXPECT_EQ(float_to_bfloat16(float_from_bits(0x3F80'8001u)), 0x3F81);      // above half
  EXPECT_EQ(float_to_bfloat16(float_from_bits(0x3F80'7FFFu)), 0x3F80);      // below half
  EXPECT_EQ(float_to_bfloat16(float_from_bits(0x3FFF'FFFFu)), 0x4000);      // carry into exponent
  EXPECT_EQ(float_to_bfloat16(std::numeric_limits<float>::max()), 0x7F80);  // to infinity
}

TEST(Bfloat16, NarrowingKeepsNaN) {
  // Truncation alone would turn this NaN (payload only in the low bits) into infinity.
  EXPECT_TRUE(std::isnan(bfloat16_to_float(float_to_bfloat16(float_from_bits(0x7F80'0001u)))));
  EXPECT_TRUE(std::isnan(bfloat16_to_float(float_to_bfloat16(-std::nanf("")))));
}

TEST(Bfloat16, EveryPatternRoundTrips) {
  for (std::uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    const auto bf16 = static_cast<std::uint16_t>(bits);
    const float widened = bfloat16_to_float(bf16);
    if (std::isnan(widened)) {
      EXPECT_TRUE(std::isnan(bfloat16_to_float(float_to_bfloat16(widened)))) << std::hex << bits;
    } else {
      EXPECT_EQ(float_to_bfloat16(widened), bf16) << std::hex << bits;
    }
  }
}

}  // namespace
}  // namespace bbs
