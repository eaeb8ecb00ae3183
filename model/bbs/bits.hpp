// Bit-level helpers for 8-bit weights. Column b is the bit of significance 2^b (b = 7: the sign
// column in two's complement and sign-magnitude). The reference code numbers columns the other way
// round (index 0 = MSB); these helpers hide that.
#pragma once

#include <bit>
#include <cstdint>
#include <span>

namespace bbs::bits {

constexpr int kWeightBits = 8;

// Sign-magnitude byte: bit 7 = sign, bits 0..6 = |w|. -128 is first mapped to -127, as the
// reference's int_to_signMagnitude does.
constexpr std::uint8_t sign_magnitude(std::int8_t w) {
  const int v = w == -128 ? -127 : w;
  return v < 0 ? std::uint8_t(0x80 | -v) : std::uint8_t(v);
}

constexpr int magnitude(std::int8_t w) { return sign_magnitude(w) & 0x7F; }

// Number of columns 6, 5, ... (consecutive, from just below the sign) that equal the sign column
// in every weight: the redundant sign-extension columns of two's complement (0..7, uncapped).
inline int redundant_sign_columns(std::span<const std::int8_t> group) {
  unsigned differs = 0;  // bit b set: some weight has bit b != its sign bit
  for (std::int8_t w : group) differs |= unsigned(std::uint8_t(w ^ (w >> 7)));
  return 7 - std::bit_width(differs & 0x7Fu);
}

// Number of leading all-zero magnitude columns (6, 5, ...) of a sign-magnitude group: 7 - bit
// width of the largest magnitude.
inline int leading_zero_magnitude_columns(int max_magnitude) {
  return 7 - std::bit_width(unsigned(max_magnitude));
}

// Round the non-negative ratio sum / count half to even (torch.round of a float mean).
constexpr std::int64_t round_half_even_ratio(std::int64_t sum, std::int64_t count) {
  const std::int64_t q = sum / count;
  const std::int64_t twice_rest = 2 * (sum - q * count);
  if (twice_rest > count || (twice_rest == count && (q & 1))) return q + 1;
  return q;
}

// Nearest multiple of 2^step_log2 to `value` among 0, 2^s, ..., `largest` (a multiple of 2^s);
// ties go to the lower candidate (the reference scans candidates upward with a strict "<").
constexpr int nearest_multiple(int value, int step_log2, int largest) {
  const int step = 1 << step_log2;
  const int lower = value & ~(step - 1);
  const int upper = lower + step;
  if (upper > largest) return lower;
  return (value - lower) * 2 > step ? upper : lower;
}

}  // namespace bbs::bits
