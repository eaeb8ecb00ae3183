// Rounded averaging (paper Fig. 4, reference roundAvg_fc/conv):
//   r = redundant sign columns (capped at 3), k = N - r
//   c = round_half_even(mean_i(w_i mod 2^k));  w_i <- (w_i with low k bits cleared) | c
#include <algorithm>

#include "model/bbs/bits.hpp"
#include "model/bbs/prune.hpp"

namespace bbs {

GroupEncoding round_average_group(std::span<const std::int8_t> group, int columns,
                                  std::span<std::int16_t> out) {
  const int redundant = std::min(3, bits::redundant_sign_columns(group));
  const int low = columns - redundant;
  if (low <= 0) {
    std::copy(group.begin(), group.end(), out.begin());
    return {std::int8_t(redundant), 0, 0, std::uint8_t(8 - redundant)};
  }
  const unsigned mask = (1u << low) - 1u;
  std::int64_t sum = 0;
  for (std::int8_t w : group) sum += std::uint8_t(w) & mask;
  const auto average = unsigned(bits::round_half_even_ratio(sum, std::int64_t(group.size())));
  for (std::size_t i = 0; i < group.size(); ++i)
    out[i] = std::int8_t((std::uint8_t(group[i]) & ~mask) | average);
  // With k < 8 the constant is the k-bit pattern; with k = 8 the whole byte is that pattern.
  const auto constant = std::int16_t(low == 8 ? std::int8_t(average) : std::int16_t(average));
  return {std::int8_t(redundant), std::int8_t(low), constant,
          std::uint8_t(std::max(0, 8 - redundant - low))};
}

GroupEncoding unpruned_group(std::span<const std::int8_t> group, std::span<std::int16_t> out) {
  std::copy(group.begin(), group.end(), out.begin());
  return {};
}

}  // namespace bbs
