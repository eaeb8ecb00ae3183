// Zero-point shifting (paper Algorithm 1, reference zeroPointShifting_fc/conv), per group:
//   for o in [-2^(B-1), 2^(B-1)):            v_i = clamp(w_i + o, -127, 127)
//     L = leading zero magnitude columns of the group, k = N - L
//     if N <= 6 and L < N: |v_i| -> nearest multiple of 2^k in [0, 2^(7-L) - 2^k] (ties down)
//     err(o) = sum_i (v_i' - o - w_i)^2
//   keep the first o with the least err (the reference starts from err = 1e7: a group whose every
//   offset errs by >= 1e7 comes out as zeros). W_i = v_i' - o; stored v_i', constant C = -o.
#include <algorithm>
#include <cstdlib>

#include "model/bbs/bits.hpp"
#include "model/bbs/prune.hpp"

namespace bbs {
namespace {

constexpr std::int64_t kReferenceInitialError = 10'000'000;

// The rounding rule for one offset, precomputed for the group. Without rounding the same
// arithmetic applies with keep_mask = ~0 (every bit kept) and a half step nothing exceeds.
struct ShiftRounding {
  bool rounds = false;
  int leading_zero_columns = 0;  // L
  int step_log2 = 0;             // k
  int keep_mask = ~0;            // clears the low k bits
  int step = 1;                  // 2^k
  int half_step = 1 << 30;       // 2^(k-1): remainders above it round up
  int largest = 1 << 30;         // 2^(7-L) - 2^k
};

ShiftRounding rounding_for(int min_weight, int max_weight, int offset, int columns) {
  const int high = std::clamp(max_weight + offset, -127, 127);
  const int low = std::clamp(min_weight + offset, -127, 127);
  ShiftRounding rule;
  rule.leading_zero_columns =
      bits::leading_zero_magnitude_columns(std::max(std::abs(high), std::abs(low)));
  rule.rounds = columns <= 6 && rule.leading_zero_columns < columns;
  if (rule.rounds) {
    rule.step_log2 = columns - rule.leading_zero_columns;
    rule.step = 1 << rule.step_log2;
    rule.keep_mask = ~(rule.step - 1);
    rule.half_step = rule.step / 2;
    rule.largest = (1 << (7 - rule.leading_zero_columns)) - rule.step;
  }
  return rule;
}

// Shifted, clamped and rounded value (bits::nearest_multiple on the magnitude, written without
// branches so the error loop below vectorizes).
inline int shifted_value(int weight, int offset, const ShiftRounding& rule) {
  const int v = std::clamp(weight + offset, -127, 127);
  const int magnitude = v < 0 ? -v : v;
  const int lower = magnitude & rule.keep_mask;
  const int upper = lower + rule.step;
  const bool round_up = magnitude - lower > rule.half_step && upper <= rule.largest;
  const int rounded = round_up ? upper : lower;
  return v < 0 ? -rounded : rounded;
}

// The same arithmetic in 16-bit lanes (every intermediate fits: |w + o| <= 256), which doubles
// the SIMD width of the loop that dominates zero-point shifting. kFixedSize > 0 gives the
// compiler a constant trip count (no remainder loop) for the common group size.
template <std::size_t kFixedSize>
std::int64_t squared_error(std::span<const std::int8_t> group, int offset,
                           const ShiftRounding& rule) {
  const auto o = std::int16_t(offset);
  const auto keep = std::int16_t(rule.keep_mask);
  const auto step = std::int16_t(rule.step);
  const auto half = std::int16_t(std::min(rule.half_step, 1 << 14));
  const auto largest = std::int16_t(std::min(rule.largest, 1 << 14));
  const std::size_t size = kFixedSize > 0 ? kFixedSize : group.size();
  const std::int8_t* weights = group.data();
  std::int32_t error = 0;  // |d| <= 128 (clamp) + 64 (rounding); 1024 weights: < 2^31
  for (std::size_t i = 0; i < size; ++i) {
    const std::int8_t w = weights[i];
    const auto x = std::int16_t(w + o);
    const auto v = std::int16_t(std::min<std::int16_t>(std::max<std::int16_t>(x, -127), 127));
    const auto magnitude = std::int16_t(v < 0 ? -v : v);
    const auto lower = std::int16_t(magnitude & keep);
    const auto upper = std::int16_t(lower + step);
    const bool round_up = std::int16_t(magnitude - lower) > half && upper <= largest;
    const auto rounded = round_up ? upper : lower;
    const auto d = std::int16_t((v < 0 ? -rounded : rounded) - x);
    error += std::int32_t(d) * std::int32_t(d);
  }
  return error;
}

std::int64_t squared_error(std::span<const std::int8_t> group, int offset,
                           const ShiftRounding& rule) {
  if (group.size() == 32) return squared_error<32>(group, offset, rule);
  return squared_error<0>(group, offset, rule);
}

}  // namespace

GroupEncoding zero_point_group(std::span<const std::int8_t> group, int columns, int const_bits,
                               std::span<std::int16_t> out) {
  const auto [min_it, max_it] = std::minmax_element(group.begin(), group.end());
  const int first_offset = -(1 << (const_bits - 1));
  const int end_offset = 1 << (const_bits - 1);
  std::int64_t best_error = kReferenceInitialError;
  int best_offset = 0;
  bool found = false;
  for (int offset = first_offset; offset < end_offset; ++offset) {
    const ShiftRounding rule = rounding_for(*min_it, *max_it, offset, columns);
    const std::int64_t error = squared_error(group, offset, rule);
    if (error < best_error) {
      best_error = error;
      best_offset = offset;
      found = true;
    }
  }
  if (!found) {
    std::fill(out.begin(), out.begin() + std::ptrdiff_t(group.size()), std::int16_t{0});
    return {3, 0, 0, 5};
  }
  const ShiftRounding rule = rounding_for(*min_it, *max_it, best_offset, columns);
  for (std::size_t i = 0; i < group.size(); ++i)
    out[i] = std::int16_t(shifted_value(group[i], best_offset, rule) - best_offset);
  const int redundant = std::min(3, rule.leading_zero_columns);
  return {std::int8_t(redundant), std::int8_t(rule.step_log2), std::int16_t(-best_offset),
          std::uint8_t(8 - redundant - rule.step_log2)};
}

}  // namespace bbs
