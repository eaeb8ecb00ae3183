// Zero-point shifting (paper Algorithm 1, reference zeroPointShifting_fc/conv), per group:
//   for o in [-2^(B-1), 2^(B-1)):            v_i = clamp(w_i + o, -127, 127)
//     L = leading zero magnitude columns of the group, k = N - L
//     if N <= 6 and L < N: |v_i| -> nearest multiple of 2^k in [0, 2^(7-L) - 2^k] (ties down)
//     err(o) = sum_i (v_i' - o - w_i)^2
//   keep the first o with the least err (the reference starts from err = 1e7: a group whose every
//   offset errs by >= 1e7 comes out as zeros). W_i = v_i' - o; stored v_i', constant C = -o.
//
// Evaluated for every offset at once: one 16-bit SIMD lane per offset (the loops over lanes
// auto-vectorise at any -march), or with AVX2 for the paper's 6-bit constant 8-bit lanes of
// 4 weights x 8 offsets (offset_errors_int8). With m = min(max(|min + o|, |max + o|), 127) the
// largest shifted magnitude and P = 2^bit_width(m) = 2^(7-L), the rule above is
//   step = 2^k = max(P >> (7 - N), 1) (1: no rounding), largest = P - step, and per weight
//   a = |w + o|,  r = min((a + (step - 1) / 2) & -step, largest),  v' = sign(w + o) r
// Adding (step - 1) / 2 before truncating is "nearest multiple, ties down"; min(., largest) is
// "the upper multiple only if it keeps the L columns zero" (the lower one never exceeds largest,
// as every |v| <= m < P) and also does the clamp: a >= 128 rounds to >= 128 > largest, and so
// does 127 whenever P = 128. Since v' and w + o share their sign, v' - o - w = sign * (r - a).
#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "model/bbs/prune.hpp"

namespace bbs {
namespace {

constexpr std::uint32_t kReferenceInitialError = 10'000'000;
constexpr int kMaxOffsets = 1 << 8;  // const_bits <= 8

// r - a for weight w under one offset's rule (see the header).
std::int16_t rounding_error(std::int16_t w, std::int16_t offset, std::int16_t bias,
                            std::int16_t keep, std::int16_t largest) {
  const auto x = std::int16_t(w + offset);
  const auto a = std::int16_t(x < 0 ? -x : x);
  const auto r = std::min<std::int16_t>(std::int16_t((a + bias) & keep), largest);
  return std::int16_t(r - a);
}

// The rounding rule of one offset o for one group.
struct OffsetRule {
  std::int16_t offset;
  std::int16_t bias;     // (step - 1) / 2
  std::int16_t keep;     // -step: clears the low k bits
  std::int16_t largest;  // P - step

  // The rule for largest shifted magnitude m (bit width `width`, P = 2^width) and N columns.
  constexpr OffsetRule(int o, int width, int columns) : offset(std::int16_t(o)) {
    const int p = 1 << width;
    const int step = columns <= 6 ? std::max(p >> (7 - columns), 1) : 1;
    bias = std::int16_t((step - 1) >> 1);
    keep = std::int16_t(-step);
    largest = std::int16_t(p - step);
  }

  OffsetRule(int o, int min_weight, int max_weight, int columns)
      : OffsetRule(o,
                   std::bit_width(unsigned(std::min(
                       std::max(std::abs(max_weight + o), std::abs(min_weight + o)), 127))),
                   columns) {}

  std::int16_t rounding_error(std::int16_t w) const {
    return bbs::rounding_error(w, offset, bias, keep, largest);
  }
};

// The rules of every offset (lane), one array per field so the loops over lanes vectorise.
template <int kLanes>
struct OffsetRules {
  alignas(64) std::int16_t offset[kLanes];
  alignas(64) std::int16_t bias[kLanes];
  alignas(64) std::int16_t keep[kLanes];
  alignas(64) std::int16_t largest[kLanes];

  OffsetRules(int lanes, int min_weight, int max_weight, int columns) {
    for (int j = 0; j < lanes; ++j) {
      const OffsetRule rule(j - lanes / 2, min_weight, max_weight, columns);
      offset[j] = rule.offset;
      bias[j] = rule.bias;
      keep[j] = rule.keep;
      largest[j] = rule.largest;
    }
  }

  std::int16_t rounding_error(std::int16_t w, int j) const {
    return bbs::rounding_error(w, offset[j], bias[j], keep[j], largest[j]);
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

#if defined(__AVX2__)
// Each bit width 0..7 of m's rule (pshufb tables), for each column count 0..8.
struct WidthRules {
  alignas(16) std::array<std::int8_t, 16> bias{}, keep{}, largest{};
};
constexpr std::array<WidthRules, 9> kWidthRules = [] {
  std::array<WidthRules, 9> tables{};
  for (int columns = 0; columns <= 8; ++columns) {
    for (int width = 0; width < 8; ++width) {
      const OffsetRule rule(0, width, columns);
      tables[std::size_t(columns)].bias[std::size_t(width)] = std::int8_t(rule.bias);
      tables[std::size_t(columns)].keep[std::size_t(width)] = std::int8_t(rule.keep);
      tables[std::size_t(columns)].largest[std::size_t(width)] = std::int8_t(rule.largest);
    }
  }
  return tables;
}();

// The 6-bit constant's 64 offsets in 8-bit lanes, for groups of whole quads of weights: one
// 256-bit register holds 4 weights x 8 offsets (byte 4k + q: weight q, offset k of the chunk).
// Narrow (kWide false: -95 <= w <= 96, every |w + o| <= 127): a = |w + o| in signed bytes, then
// a, (a + bias) & keep <= 158 and r <= 127 fit unsigned bytes, |r - a| <= 63, and pmaddubsw of
// |d| with itself adds the 4 weights' squares pairwise into 16 bits (<= 2 * 63^2), four quads at
// a time (<= 8 * 63^2 < 2^15) before pmaddwd widens them to 32 bits.
// Wide (any int8 weight): w + o leaves int8, so a = |P - N| with P = max(w, 0) + max(o, 0)
// <= 158 and N = max(-w, 0) + max(-o, 0) <= 160 in unsigned bytes (w + o = P - N); a + bias
// <= 191 still fits, d = |r - a| <= 96 (a >= 128 only when m = 127, then largest >= 64), so
// each quad's pairs (<= 2 * 96^2 < 2^15) are widened on their own.
// The rules are OffsetRule's, looked up by the bit width of m (pshufb).
template <bool kWide>
void offset_errors_int8(std::span<const std::int8_t> group, int min_weight, int max_weight,
                        int columns, std::uint32_t* errors) {
  const std::size_t quads = group.size() / 4;
  const __m256i ones16 = _mm256_set1_epi16(1);
  const __m256i zero = _mm256_setzero_si256();
  const auto table = [](const std::array<std::int8_t, 16>& bytes) {
    return _mm256_broadcastsi128_si256(
        _mm_load_si128(reinterpret_cast<const __m128i*>(bytes.data())));
  };
  const auto absolute_difference = [](__m256i x, __m256i y) {  // unsigned bytes
    return _mm256_or_si256(_mm256_subs_epu8(x, y), _mm256_subs_epu8(y, x));
  };
  // |w + o| for bytes w (broadcast or per lane) and this chunk's offsets (op = max(o, 0),
  // on = max(-o, 0)).
  const auto shifted_magnitude = [&](__m256i w, __m256i offset, __m256i op, __m256i on) {
    if constexpr (kWide) {
      const __m256i wp = _mm256_max_epi8(w, zero), wn = _mm256_abs_epi8(_mm256_min_epi8(w, zero));
      return absolute_difference(_mm256_add_epi8(wp, op), _mm256_add_epi8(wn, on));
    } else {
      return _mm256_abs_epi8(_mm256_add_epi8(w, offset));
    }
  };
  const WidthRules& rules = kWidthRules[std::size_t(columns)];
  const __m256i bias_of = table(rules.bias), keep_of = table(rules.keep),
                largest_of = table(rules.largest);
  // bit_width(m) = max(bit_width(m & 15), bit_width(m >> 4) + 4 if m >> 4 else 0)
  const __m256i width_low = _mm256_setr_epi8(0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4,  //
                                             0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4);
  const __m256i width_high = _mm256_setr_epi8(0, 5, 6, 6, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                              0, 5, 6, 6, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(15);
  const __m256i lowest = _mm256_set1_epi8(std::int8_t(min_weight));
  const __m256i highest = _mm256_set1_epi8(std::int8_t(max_weight));
  // offset of byte 4k + q in chunk 0: k - 32
  const __m256i first = _mm256_setr_epi8(-32, -32, -32, -32, -31, -31, -31, -31, -30, -30, -30, -30,
                                         -29, -29, -29, -29, -28, -28, -28, -28, -27, -27, -27, -27,
                                         -26, -26, -26, -26, -25, -25, -25, -25);
  for (int chunk = 0; chunk < 8; ++chunk) {
    const __m256i offset = _mm256_add_epi8(first, _mm256_set1_epi8(char(8 * chunk)));
    const __m256i op = _mm256_max_epi8(offset, zero),
                  on = _mm256_abs_epi8(_mm256_min_epi8(offset, zero));
    const __m256i m = _mm256_min_epu8(_mm256_max_epu8(shifted_magnitude(highest, offset, op, on),
                                                      shifted_magnitude(lowest, offset, op, on)),
                                      _mm256_set1_epi8(127));
    const __m256i width = _mm256_max_epu8(
        _mm256_shuffle_epi8(width_low, _mm256_and_si256(m, nibble)),
        _mm256_shuffle_epi8(width_high, _mm256_and_si256(_mm256_srli_epi16(m, 4), nibble)));
    const __m256i bias = _mm256_shuffle_epi8(bias_of, width);
    const __m256i keep = _mm256_shuffle_epi8(keep_of, width);
    const __m256i largest = _mm256_shuffle_epi8(largest_of, width);
    const auto squared_errors = [&](std::size_t q) {  // of quad q, in 16-bit pairs
      std::int32_t four;
      std::memcpy(&four, group.data() + 4 * q, 4);
      const __m256i a = shifted_magnitude(_mm256_set1_epi32(four), offset, op, on);
      const __m256i r = _mm256_min_epu8(_mm256_and_si256(_mm256_add_epi8(a, bias), keep), largest);
      const __m256i d = _mm256_abs_epi8(_mm256_sub_epi8(r, a));  // |r - a| <= 96: exact in int8
      return _mm256_maddubs_epi16(d, d);
    };
    __m256i total = _mm256_setzero_si256();
    std::size_t q = 0;
    if constexpr (!kWide)
      for (; q + 4 <= quads; q += 4) {
        const __m256i squares =
            _mm256_add_epi16(_mm256_add_epi16(squared_errors(q), squared_errors(q + 1)),
                             _mm256_add_epi16(squared_errors(q + 2), squared_errors(q + 3)));
        total = _mm256_add_epi32(total, _mm256_madd_epi16(squares, ones16));
      }
    for (; q < quads; ++q)
      total = _mm256_add_epi32(total, _mm256_madd_epi16(squared_errors(q), ones16));
    _mm256_store_si256(reinterpret_cast<__m256i*>(errors + chunk * 8), total);
  }
}
#endif

// Every offset's summed squared error: the 8-bit kernel where it applies, else 16-bit lanes.
template <int kLanes>
void all_offset_errors(std::span<const std::int8_t> group, int min_weight, int max_weight,
                       int lanes, int columns, int const_bits, std::uint32_t* errors) {
#if defined(__AVX2__)
  if constexpr (kLanes == 64)
    if (group.size() % 4 == 0) {
      if (min_weight >= -95 && max_weight <= 96)
        offset_errors_int8<false>(group, min_weight, max_weight, columns, errors);
      else
        offset_errors_int8<true>(group, min_weight, max_weight, columns, errors);
      return;
    }
#endif
  std::fill_n(errors, lanes, 0u);
  const OffsetRules<kLanes> rules(lanes, min_weight, max_weight, columns);
  offset_errors(group, lanes, const_bits, rules, errors);
}

template <int kLanes>
GroupEncoding zero_point_search(std::span<const std::int8_t> group, int lanes, int columns,
                                int const_bits, std::span<std::int16_t> out) {
  int min_weight = 127, max_weight = -128;  // plain loops: they vectorise
  for (const std::int8_t w : group) {
    min_weight = std::min<int>(min_weight, w);
    max_weight = std::max<int>(max_weight, w);
  }
  alignas(64) std::uint32_t errors[kLanes];
  all_offset_errors<kLanes>(group, min_weight, max_weight, lanes, columns, const_bits, errors);
  std::uint32_t least = kReferenceInitialError;  // whole vectors: no store-forwarding stall
  for (int j = 0; j < lanes; ++j) least = std::min(least, errors[j]);
  if (least >= kReferenceInitialError) [[unlikely]] {
    std::fill(out.begin(), out.begin() + std::ptrdiff_t(group.size()), std::int16_t{0});
    return {3, 0, 0, 5};
  }
  const int j = int(std::find(errors, errors + lanes, least) - errors);  // the first least
  const OffsetRule rule(j - lanes / 2, min_weight, max_weight, columns);
  const int o = rule.offset;
  for (std::size_t i = 0; i < group.size(); ++i) {  // W_i = v_i' - o = w_i + sign * (r - a)
    const std::int16_t d = rule.rounding_error(group[i]);
    out[i] = std::int16_t(group[i] + (group[i] + o < 0 ? -d : d));
  }
  const int step_log2 = std::countr_zero(unsigned(std::uint16_t(-rule.keep)));
  const int leading_zero = 7 - std::countr_zero(unsigned(rule.largest + -rule.keep));
  const int redundant = std::min(3, leading_zero);
  GroupEncoding encoding{};  // zeroed padding too: assembled in a register, not on the stack
  encoding.redundant_columns = std::int8_t(redundant);
  encoding.low_columns = std::int8_t(step_log2);
  encoding.constant = std::int16_t(-o);
  encoding.stored_columns = std::uint8_t(8 - redundant - step_log2);
  return encoding;
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
