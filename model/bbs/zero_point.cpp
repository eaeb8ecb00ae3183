// Zero-point shifting (paper Algorithm 1, reference zeroPointShifting_fc/conv), per group:
//   for o in [-2^(B-1), 2^(B-1)):            v_i = clamp(w_i + o, -127, 127)
//     L = leading zero magnitude columns of the group, k = N - L
//     if N <= 6 and L < N: |v_i| -> nearest multiple of 2^k in [0, 2^(7-L) - 2^k] (ties down)
//     err(o) = sum_i (v_i' - o - w_i)^2
//   keep the first o with the least err (the reference starts from err = 1e7: a group whose every
//   offset errs by >= 1e7 comes out as zeros). W_i = v_i' - o; stored v_i', constant C = -o.
//
// Evaluated for every offset at once, one 16-bit SIMD lane per offset (the loops over lanes
// auto-vectorise at any -march). With m = min(max(|min + o|, |max + o|), 127) the largest shifted
// magnitude and P = 2^bit_width(m) = 2^(7-L), the rule above is
//   step = 2^k = max(P >> (7 - N), 1) (1: no rounding), largest = P - step, and per weight
//   a = |w + o|,  r = min((a + (step - 1) / 2) & -step, largest),  v' = sign(w + o) r
// Adding (step - 1) / 2 before truncating is "nearest multiple, ties down"; min(., largest) is
// "the upper multiple only if it keeps the L columns zero" (the lower one never exceeds largest,
// as every |v| <= m < P) and also does the clamp: a >= 128 rounds to >= 128 > largest, and so
// does 127 whenever P = 128. Since v' and w + o share their sign, v' - o - w = sign * (r - a).
#include <algorithm>
#include <bit>
#include <cstdlib>

#include "model/bbs/prune.hpp"

namespace bbs {
namespace {

constexpr std::uint32_t kReferenceInitialError = 10'000'000;
constexpr int kMaxOffsets = 1 << 8;  // const_bits <= 8

// The rounding rule of each offset (lane) for one group.
template <int kLanes>
struct OffsetRules {
  alignas(64) std::int16_t offset[kLanes];
  alignas(64) std::int16_t bias[kLanes];     // (step - 1) / 2
  alignas(64) std::int16_t keep[kLanes];     // -step: clears the low k bits
  alignas(64) std::int16_t largest[kLanes];  // P - step

  OffsetRules(int lanes, int min_weight, int max_weight, int columns) {
    const int shift = 7 - std::min(columns, 7);
    for (int j = 0; j < lanes; ++j) {
      const auto o = std::int16_t(j - lanes / 2);
      const auto high = std::int16_t(std::abs(max_weight + o));
      const auto low = std::int16_t(std::abs(min_weight + o));
      auto m = std::int16_t(std::min<std::int16_t>(std::max(high, low), 127));
      m = std::int16_t(m | (m >> 1));  // smear the top bit down: m + 1 = 2^bit_width(m)
      m = std::int16_t(m | (m >> 2));
      m = std::int16_t(m | (m >> 4));
      const auto p = std::int16_t(m + 1);
      const auto step =
          columns <= 6 ? std::max(std::int16_t(p >> shift), std::int16_t(1)) : std::int16_t(1);
      offset[j] = o;
      bias[j] = std::int16_t((step - 1) >> 1);
      keep[j] = std::int16_t(-step);
      largest[j] = std::int16_t(p - step);
    }
  }

  // r - a for weight w at lane j (see the header).
  std::int16_t rounding_error(std::int16_t w, int j) const {
    const auto x = std::int16_t(w + offset[j]);
    const auto a = std::int16_t(x < 0 ? -x : x);
    const auto r = std::min<std::int16_t>(std::int16_t((a + bias[j]) & keep[j]), largest[j]);
    return std::int16_t(r - a);
  }
};

// Summed squared error of every lane. |r - a| <= 63 (rounding) + 2^(B-1) + 1 (clamp), so the
// squares of a block of weights add up in 16-bit lanes before they are widened to 32 bits.
template <int kLanes>
void offset_errors(std::span<const std::int8_t> group, int lanes, int const_bits,
                   const OffsetRules<kLanes>& rules, std::uint32_t* errors) {  // errors: zeros
  const int most_error = 63 + (1 << (const_bits - 1)) + 1;
  const std::size_t block = std::size_t(std::max(1, 65535 / (most_error * most_error)));
  for (std::size_t begin = 0; begin < group.size(); begin += block) {
    alignas(64) std::uint16_t partial[kLanes] = {};
    const std::size_t end = std::min(group.size(), begin + block);
    for (std::size_t i = begin; i < end; ++i) {
      const std::int16_t w = group[i];
      for (int j = 0; j < lanes; ++j) {
        const std::int16_t d = rules.rounding_error(w, j);
        partial[j] = std::uint16_t(partial[j] + std::uint16_t(d * d));
      }
    }
    for (int j = 0; j < lanes; ++j) errors[j] += partial[j];
  }
}

template <int kLanes>
GroupEncoding zero_point_search(std::span<const std::int8_t> group, int lanes, int columns,
                                int const_bits, std::span<std::int16_t> out) {
  const auto [min_it, max_it] = std::minmax_element(group.begin(), group.end());
  const OffsetRules<kLanes> rules(lanes, *min_it, *max_it, columns);
  alignas(64) std::uint32_t errors[kLanes] = {};
  offset_errors(group, lanes, const_bits, rules, errors);
  const std::uint32_t least = *std::min_element(errors, errors + lanes);
  if (least >= kReferenceInitialError) {
    std::fill(out.begin(), out.begin() + std::ptrdiff_t(group.size()), std::int16_t{0});
    return {3, 0, 0, 5};
  }
  const int j = int(std::find(errors, errors + lanes, least) - errors);  // the first least
  const int o = rules.offset[j];
  for (std::size_t i = 0; i < group.size(); ++i) {  // W_i = v_i' - o = w_i + sign * (r - a)
    const std::int16_t d = rules.rounding_error(group[i], j);
    out[i] = std::int16_t(group[i] + (group[i] + o < 0 ? -d : d));
  }
  const int step_log2 = std::countr_zero(unsigned(std::uint16_t(-rules.keep[j])));
  const int leading_zero = 7 - std::countr_zero(unsigned(rules.largest[j] + -rules.keep[j]));
  const int redundant = std::min(3, leading_zero);
  return {std::int8_t(redundant), std::int8_t(step_log2), std::int16_t(-o),
          std::uint8_t(8 - redundant - step_log2)};
}

}  // namespace

GroupEncoding zero_point_group(std::span<const std::int8_t> group, int columns, int const_bits,
                               std::span<std::int16_t> out) {
  const int lanes = 1 << const_bits;
  // The paper's 6-bit constant gets a constant trip count.
  if (lanes == 64) return zero_point_search<64>(group, lanes, columns, const_bits, out);
  return zero_point_search<kMaxOffsets>(group, lanes, columns, const_bits, out);
}

}  // namespace bbs
