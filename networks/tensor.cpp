#include "networks/tensor.hpp"

#include <bit>
#include <limits>

namespace bbs {

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::I8:
      return "I8";
    case DType::I16:
      return "I16";
    case DType::F16:
      return "F16";
    case DType::BF16:
      return "BF16";
    case DType::F32:
      return "F32";
    case DType::F64:
      return "F64";
    case DType::BOOL:
      return "BOOL";
    case DType::U8:
      return "U8";
    case DType::I32:
      return "I32";
    case DType::I64:
      return "I64";
  }
  throw Error("invalid DType value " + std::to_string(static_cast<int>(dtype)));
}

std::size_t dtype_bytes(DType dtype) {
  switch (dtype) {
    case DType::I8:
    case DType::BOOL:
    case DType::U8:
      return 1;
    case DType::I16:
    case DType::F16:
    case DType::BF16:
      return 2;
    case DType::F32:
    case DType::I32:
      return 4;
    case DType::F64:
    case DType::I64:
      return 8;
  }
  throw Error("invalid DType value " + std::to_string(static_cast<int>(dtype)));
}

bool dtype_is_float(DType dtype) {
  return dtype == DType::F16 || dtype == DType::BF16 || dtype == DType::F32 || dtype == DType::F64;
}

bool dtype_is_weight(DType dtype) {
  return dtype == DType::I8 || dtype == DType::I16 || dtype_is_float(dtype);
}

std::int64_t element_count(const Shape& shape) {
  std::int64_t count = 1;
  for (const std::int64_t dim : shape) {
    if (dim < 0) {
      throw Error("shape " + shape_string(shape) + " has a negative dimension");
    }
    if (dim != 0 && count > std::numeric_limits<std::int64_t>::max() / dim) {
      throw Error("shape " + shape_string(shape) + " has too many elements (overflow)");
    }
    count *= dim;
  }
  return count;
}

std::string shape_string(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

namespace {

constexpr std::uint32_t kFloatSignMask = 0x8000'0000u;
constexpr std::uint32_t kFloatExponentMask = 0x7F80'0000u;
constexpr std::uint32_t kFloatMantissaMask = 0x007F'FFFFu;
constexpr int kFloatExponentBias = 127;
constexpr int kFloatMantissaBits = 23;

constexpr std::uint16_t kHalfSignMask = 0x8000u;
constexpr std::uint16_t kHalfExponentMask = 0x7C00u;
constexpr std::uint16_t kHalfMantissaMask = 0x03FFu;
constexpr std::uint16_t kHalfQuietNanBit = 0x0200u;
constexpr int kHalfExponentBias = 15;
constexpr int kHalfMantissaBits = 10;
constexpr int kMantissaBitsDropped = kFloatMantissaBits - kHalfMantissaBits;  // 13

// Shifts `value` right by `shift` bits, rounding to nearest, ties to even.
std::uint32_t shift_right_round_even(std::uint32_t value, int shift) {
  const std::uint32_t kept = value >> shift;
  const std::uint32_t remainder = value & ((1u << shift) - 1u);
  const std::uint32_t halfway = 1u << (shift - 1);
  const bool round_up = remainder > halfway || (remainder == halfway && (kept & 1u) != 0);
  return kept + (round_up ? 1u : 0u);
}

}  // namespace

float half_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & kHalfSignMask) << 16;
  const int exponent = (bits & kHalfExponentMask) >> kHalfMantissaBits;
  std::uint32_t mantissa = bits & kHalfMantissaMask;
  if (exponent == 0x1F) {  // infinity or NaN (payload kept)
    return std::bit_cast<float>(sign | kFloatExponentMask | (mantissa << kMantissaBitsDropped));
  }
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    // Subnormal half: normalize, every half subnormal is a normal float.
    int float_exponent = 1 - kHalfExponentBias + kFloatExponentBias;
    while ((mantissa & (1u << kHalfMantissaBits)) == 0) {
      mantissa <<= 1;
      --float_exponent;
    }
    mantissa &= kHalfMantissaMask;
    return std::bit_cast<float>(sign |
                                (static_cast<std::uint32_t>(float_exponent) << kFloatMantissaBits) |
                                (mantissa << kMantissaBitsDropped));
  }
  const auto float_exponent =
      static_cast<std::uint32_t>(exponent - kHalfExponentBias + kFloatExponentBias);
  return std::bit_cast<float>(sign | (float_exponent << kFloatMantissaBits) |
                              (mantissa << kMantissaBitsDropped));
}

std::uint16_t float_to_half(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const auto sign = static_cast<std::uint16_t>((bits & kFloatSignMask) >> 16);
  const std::uint32_t magnitude = bits & ~kFloatSignMask;
  const std::uint32_t mantissa = bits & kFloatMantissaMask;

  if (magnitude >= kFloatExponentMask) {  // infinity or NaN
    if (mantissa == 0) return sign | kHalfExponentMask;
    const auto payload = static_cast<std::uint16_t>(mantissa >> kMantissaBitsDropped);
    return sign | kHalfExponentMask | kHalfQuietNanBit | payload;
  }
  const int exponent = static_cast<int>(magnitude >> kFloatMantissaBits) - kFloatExponentBias;
  if (exponent > kHalfExponentBias) return sign | kHalfExponentMask;  // overflow to infinity
  if (exponent >= 1 - kHalfExponentBias) {
    // Normal half. A carry out of the mantissa correctly bumps the exponent (up to infinity).
    const std::uint32_t unrounded =
        (static_cast<std::uint32_t>(exponent + kHalfExponentBias) << kFloatMantissaBits) | mantissa;
    return sign |
           static_cast<std::uint16_t>(shift_right_round_even(unrounded, kMantissaBitsDropped));
  }
  // Subnormal half (units of 2^-24) or zero. Below 2^-25 everything rounds to zero.
  constexpr int kSmallestRoundableExponent = -kHalfExponentBias - kHalfMantissaBits;  // -25
  if (exponent < kSmallestRoundableExponent) return sign;
  const std::uint32_t full_mantissa = mantissa | (1u << kFloatMantissaBits);
  const int shift = -exponent - 1;  // value / 2^-24 == full_mantissa * 2^(exponent + 1)
  return sign | static_cast<std::uint16_t>(shift_right_round_even(full_mantissa, shift));
}

float bfloat16_to_float(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t float_to_bfloat16(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & ~kFloatSignMask) > kFloatExponentMask) {  // NaN: truncate, keep it a quiet NaN
    constexpr std::uint16_t kBfloat16QuietNanBit = 0x0040u;
    return static_cast<std::uint16_t>(bits >> 16) | kBfloat16QuietNanBit;
  }
  return static_cast<std::uint16_t>(shift_right_round_even(bits, 16));
}

}  // namespace bbs
