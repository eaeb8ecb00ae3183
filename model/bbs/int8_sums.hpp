// Sum and sum of squares of int8 values, exact: 32-bit partial sums over blocks of 2^16 values
// (squares <= 2^14, so a block stays below 2^31), added in 64 bits. The loops vectorise; the
// totals equal summing the values as doubles one by one (integers below 2^53 are exact).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

namespace bbs {

struct Int8Sums {
  std::int64_t sum = 0, sum_sq = 0;
};

inline Int8Sums int8_sums(std::span<const std::int8_t> values) {
  constexpr std::size_t kBlock = 1 << 16;
  Int8Sums total;
  for (std::size_t begin = 0; begin < values.size(); begin += kBlock) {
    std::int32_t sum = 0, sum_sq = 0;
    for (const int v : values.subspan(begin, std::min(kBlock, values.size() - begin))) {
      sum += v;
      sum_sq += v * v;
    }
    total.sum += sum;
    total.sum_sq += sum_sq;
  }
  return total;
}

}  // namespace bbs
