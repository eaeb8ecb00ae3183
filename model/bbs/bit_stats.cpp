#include "model/bbs/bit_stats.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "model/bbs/bits.hpp"
#include "core/parallel.hpp"

namespace bbs {
namespace {

constexpr std::uint64_t kLowBitOfEachByte = 0x0101010101010101ULL;

// Adds, per column b, the number of 1 bits among the 8 bytes of `word` to ones[b].
inline void add_column_ones(std::uint64_t word, std::array<std::uint16_t, 8>& ones) {
  for (int b = 0; b < 8; ++b)
    ones[b] = std::uint16_t(ones[b] + std::popcount((word >> b) & kLowBitOfEachByte));
}

struct SignMagnitudeTable {
  std::array<std::uint8_t, 256> byte{};
  std::array<std::uint8_t, 256> magnitude_ones{};
  std::array<std::uint8_t, 256> all_ones{};
  constexpr SignMagnitudeTable() {
    for (int v = 0; v < 256; ++v) {
      const auto sm = bits::sign_magnitude(std::int8_t(v));
      byte[std::size_t(v)] = sm;
      magnitude_ones[std::size_t(v)] = std::uint8_t(std::popcount(unsigned(sm & 0x7F)));
      all_ones[std::size_t(v)] = std::uint8_t(std::popcount(unsigned(sm)));
    }
  }
};
constexpr SignMagnitudeTable kSignMagnitude;

}  // namespace

int GroupBits::zero_bits_twos() const {
  int ones = 0;
  for (auto c : ones_twos) ones += c;
  return 8 * size - ones;
}
int GroupBits::zero_bits_sign_mag() const {
  int ones = 0;
  for (auto c : ones_sign_mag) ones += c;
  return 8 * size - ones;
}
int GroupBits::bbs_sparse_bits() const {
  int sparse = 0;
  for (auto c : ones_twos) sparse += std::max<int>(c, size - c);
  return sparse;
}
int GroupBits::all_zero_columns() const {
  return int(std::count(ones_twos.begin(), ones_twos.end(), 0));
}
int GroupBits::all_one_columns() const {
  return int(std::count(ones_twos.begin(), ones_twos.end(), size));
}
int GroupBits::max_column_ones() const {
  return *std::max_element(ones_twos.begin(), ones_twos.end());
}
int GroupBits::nonzero_sign_mag_columns() const {
  return 8 - int(std::count(ones_sign_mag.begin(), ones_sign_mag.end(), 0));
}

namespace {

// Running per-group counters while chunks of the group are scanned.
struct GroupScan {
  int effectual = 0, max_effectual = 0, max_all = 0, zeros = 0;
};

// Scalar path: up to 8 weights at a time as one 64-bit word (padding bytes are zero).
void scan_word(const std::int8_t* weights, std::size_t n, GroupBits& bits, GroupScan& scan) {
  std::uint64_t twos = 0, sm = 0;
  std::memcpy(&twos, weights, n);
  std::uint8_t sign_mag[8];
  for (std::size_t i = 0; i < 8; ++i) {
    const auto v = std::uint8_t(twos >> (8 * i));
    sign_mag[i] = kSignMagnitude.byte[v];
    const int ones = kSignMagnitude.magnitude_ones[v];
    scan.effectual += ones;
    scan.max_effectual = std::max(scan.max_effectual, ones);
    scan.max_all = std::max<int>(scan.max_all, kSignMagnitude.all_ones[v]);
    scan.zeros += v == 0;
  }
  std::memcpy(&sm, sign_mag, 8);
  add_column_ones(twos, bits.ones_twos);
  add_column_ones(sm, bits.ones_sign_mag);
  scan.zeros -= int(8 - n);  // padding bytes are zeros that are not weights
}

#if defined(__AVX2__)
// AVX2 path: 32 weights at a time. Column b's ones are the popcount of the byte MSBs after
// shifting left by 7 - b (movemask); per-weight popcounts use a nibble lookup (pshufb).
int horizontal_max_u8(__m256i v) {
  __m128i m = _mm_max_epu8(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  m = _mm_max_epu8(m, _mm_srli_si128(m, 8));
  m = _mm_max_epu8(m, _mm_srli_si128(m, 4));
  m = _mm_max_epu8(m, _mm_srli_si128(m, 2));
  m = _mm_max_epu8(m, _mm_srli_si128(m, 1));
  return _mm_cvtsi128_si32(m) & 0xFF;
}

int horizontal_sum_u8(__m256i v) {
  const __m256i sums = _mm256_sad_epu8(v, _mm256_setzero_si256());
  return int(_mm256_extract_epi64(sums, 0) + _mm256_extract_epi64(sums, 1) +
             _mm256_extract_epi64(sums, 2) + _mm256_extract_epi64(sums, 3));
}

void add_column_ones(__m256i v, std::array<std::uint16_t, 8>& ones) {
  for (int b = 7; b >= 0; --b) {
    ones[std::size_t(b)] =
        std::uint16_t(ones[std::size_t(b)] + std::popcount(unsigned(_mm256_movemask_epi8(v))));
    v = _mm256_add_epi8(v, v);
  }
}

void scan_32(const std::int8_t* weights, GroupBits& bits, GroupScan& scan) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(weights));
  const __m256i negative = _mm256_cmpgt_epi8(_mm256_setzero_si256(), v);
  const __m256i magnitude = _mm256_min_epu8(_mm256_abs_epi8(v), _mm256_set1_epi8(127));
  const __m256i sm = _mm256_or_si256(magnitude, _mm256_and_si256(negative, _mm256_set1_epi8(-128)));
  const __m256i nibble_ones = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1,
                                               1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_and_si256(magnitude, _mm256_set1_epi8(0x0F));
  const __m256i high = _mm256_and_si256(_mm256_srli_epi16(magnitude, 4), _mm256_set1_epi8(0x0F));
  const __m256i ones = _mm256_add_epi8(_mm256_shuffle_epi8(nibble_ones, low),
                                       _mm256_shuffle_epi8(nibble_ones, high));
  const __m256i ones_with_sign = _mm256_sub_epi8(ones, negative);  // negative lanes are -1
  scan.effectual += horizontal_sum_u8(ones);
  scan.max_effectual = std::max(scan.max_effectual, horizontal_max_u8(ones));
  scan.max_all = std::max(scan.max_all, horizontal_max_u8(ones_with_sign));
  scan.zeros +=
      std::popcount(unsigned(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_setzero_si256()))));
  add_column_ones(v, bits.ones_twos);
  add_column_ones(sm, bits.ones_sign_mag);
}
#endif

}  // namespace

GroupBits group_bits(std::span<const std::int8_t> group) {
  GroupBits bits;
  bits.size = std::uint16_t(group.size());
  bits.redundant_columns = std::uint8_t(bits::redundant_sign_columns(group));
  GroupScan scan;
  std::size_t done = 0;
#if defined(__AVX2__)
  for (; done + 32 <= group.size(); done += 32) scan_32(group.data() + done, bits, scan);
#endif
  for (; done < group.size(); done += 8)
    scan_word(group.data() + done, std::min<std::size_t>(8, group.size() - done), bits, scan);
  bits.zero_values = std::uint16_t(scan.zeros);
  bits.effectual_bits = std::uint16_t(scan.effectual);
  bits.max_effectual_bits = std::uint8_t(scan.max_effectual);
  bits.max_sign_mag_bits = std::uint8_t(scan.max_all);
  return bits;
}

std::vector<GroupBits> profile_groups(const GroupLayout& layout,
                                      std::span<const std::int8_t> grouped, int jobs) {
  std::vector<GroupBits> groups(std::size_t(layout.group_count()));
  parallel_for(layout.group_count(), jobs, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t g = first; g < last; ++g)
      groups[std::size_t(g)] = group_bits(
          grouped.subspan(std::size_t(layout.group_begin[g]), std::size_t(layout.group_length(g))));
  });
  return groups;
}

// One pass over the 8 columns for every column sum (the GroupBits accessors' formulas, fused:
// this runs twice per group and dominates `analyze` when each accessor loops on its own).
void BitSummary::add(const GroupBits& g) {
  int ones = 0, sparse = 0, all_zero = 0, all_one = 0, max_ones = 0, sm_ones = 0, sm_zero = 0;
  for (std::size_t b = 0; b < 8; ++b) {
    const int c = g.ones_twos[b], s = g.ones_sign_mag[b];
    ones += c;
    sparse += std::max<int>(c, g.size - c);
    all_zero += c == 0;
    all_one += c == g.size;
    max_ones = std::max(max_ones, c);
    sm_ones += s;
    sm_zero += s == 0;
  }
  weights += g.size;
  groups += 1;
  zero_values += g.zero_values;
  zero_bits_twos += 8 * g.size - ones;
  zero_bits_sign_mag += 8 * g.size - sm_ones;
  bbs_sparse_bits += sparse;
  all_zero_columns += all_zero;
  all_one_columns += all_one;
  redundant_columns += g.redundant_columns;
  redundant_columns_capped += std::min<int>(g.redundant_columns, 3);
  effectual_bits += g.effectual_bits;
  pragmatic_cycles += g.max_effectual_bits;
  bitlet_cycles += max_ones;
  bitwave_columns += 8 - sm_zero;
}

void BitSummary::add(const BitSummary& o) {
  weights += o.weights;
  groups += o.groups;
  zero_values += o.zero_values;
  zero_bits_twos += o.zero_bits_twos;
  zero_bits_sign_mag += o.zero_bits_sign_mag;
  bbs_sparse_bits += o.bbs_sparse_bits;
  all_zero_columns += o.all_zero_columns;
  all_one_columns += o.all_one_columns;
  redundant_columns += o.redundant_columns;
  redundant_columns_capped += o.redundant_columns_capped;
  effectual_bits += o.effectual_bits;
  pragmatic_cycles += o.pragmatic_cycles;
  bitlet_cycles += o.bitlet_cycles;
  bitwave_columns += o.bitwave_columns;
}

namespace {
double ratio(std::int64_t part, std::int64_t whole) {
  return whole == 0 ? 0.0 : double(part) / double(whole);
}
}  // namespace

double BitSummary::value_sparsity() const { return ratio(zero_values, weights); }
double BitSummary::bit_sparsity_twos() const { return ratio(zero_bits_twos, 8 * weights); }
double BitSummary::bit_sparsity_sign_mag() const { return ratio(zero_bits_sign_mag, 8 * weights); }
double BitSummary::bbs_sparsity() const { return ratio(bbs_sparse_bits, 8 * weights); }
double BitSummary::sparse_column_fraction() const {
  return ratio(all_zero_columns + all_one_columns, 8 * groups);
}
double BitSummary::effectual_bits_per_weight() const { return ratio(effectual_bits, weights); }

BitSummary summarize(std::span<const GroupBits> groups) {
  BitSummary summary;
  for (const auto& g : groups) summary.add(g);
  return summary;
}

}  // namespace bbs
