// Checked int64 arithmetic for counts (MACs, parameters, bytes): a count that does not fit int64
// is a bbs::Error naming what was being counted, never a wrapped number.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "networks/tensor.hpp"

namespace bbs {

[[noreturn]] inline void count_overflow(std::string_view what, std::int64_t a, char op,
                                        std::int64_t b) {
  throw Error(std::string(what) + ": " + std::to_string(a) + " " + op + " " + std::to_string(b) +
              " exceeds the int64 range (9.2e18); expected a smaller workload (image size, "
              "batch, sequence length)");
}

inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) count_overflow(what, a, '*', b);
  return out;
}

// The product of `factors`; `what()` (called only on overflow) names the count.
template <class What>
std::int64_t checked_product(std::initializer_list<std::int64_t> factors, const What& what) {
  std::int64_t out = 1;
  for (const std::int64_t f : factors)
    if (__builtin_mul_overflow(out, f, &out)) count_overflow(what(), out, '*', f);
  return out;
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) count_overflow(what, a, '+', b);
  return out;
}

}  // namespace bbs
