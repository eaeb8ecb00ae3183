// BitWave's bit-flip (reference bitFlip_fc/conv), sign-magnitude, per group:
//   p = 8 - N; for magnitude column i = 1..7 (MSB first): if p > i and column i is all zero: p++
//   t = 1 + the last such zero column (1 if none)
//   if t < p <= 7: bits t..7 of every magnitude -> nearest multiple of 2^(8-p) below 2^(8-t) (ties
//   down)
// Signs are kept; -128 becomes -127 first.
#include <algorithm>

#include "model/bbs/bits.hpp"
#include "model/bbs/prune.hpp"

namespace bbs {

GroupEncoding bit_flip_group(std::span<const std::int8_t> group, int columns,
                             std::span<std::int16_t> out) {
  unsigned magnitude_or = 0;
  for (std::int8_t w : group) magnitude_or |= unsigned(bits::magnitude(w));
  // Reference column index i (1 = 2^6 ... 7 = 2^0) is all zero when bit 7 - i of the OR is clear.
  auto column_is_zero = [&](int i) { return ((magnitude_or >> (7 - i)) & 1u) == 0; };
  int prune_until = 8 - columns;
  for (int i = 1; i < 8; ++i)
    if (prune_until > i && column_is_zero(i)) ++prune_until;
  int test_until = 1;
  for (int i = 1; i < 8; ++i)
    if (prune_until > i && column_is_zero(i)) test_until = i + 1;

  const bool rounds = prune_until <= 7 && test_until < prune_until;
  const int tested_bits = 8 - test_until;
  // prune_until passes 8 when the zero columns already cover the request: nothing rounds then
  // (a step of 2^0 leaves every value as it is).
  const int step_log2 = rounds ? 8 - prune_until : 0;
  const int tested_mask = (1 << tested_bits) - 1;
  const int largest = (1 << tested_bits) - (1 << step_log2);
  // Branch-free so that the compiler vectorises it (one group of 32 weights per call).
  const int step = 1 << step_log2;
  const std::int8_t* __restrict in = group.data();
  std::int16_t* __restrict to = out.data();
  int result_or = 0, any_negative = 0;
  for (std::size_t i = 0; i < group.size(); ++i) {
    const int w = in[i];
    const int m = w < 0 ? std::min(-w, 127) : w;
    // bits::nearest_multiple of the tested bits, spelled without branches
    const int tested = m & tested_mask, lower = tested & ~(step - 1);
    const int up = (lower + step <= largest) & ((tested - lower) * 2 > step);
    const int rounded = (m & ~tested_mask) | (lower + up * step);
    const int negative = (w < 0) & (rounded != 0);
    to[i] = std::int16_t(negative ? -rounded : rounded);
    result_or |= rounded;
    any_negative |= negative;
  }
  GroupEncoding encoding;
  encoding.stored_columns =
      std::uint8_t(std::popcount(unsigned(result_or)) + (any_negative ? 1 : 0));
  return encoding;
}

}  // namespace bbs
