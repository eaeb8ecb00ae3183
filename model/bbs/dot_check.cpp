#include "model/bbs/dot_check.hpp"

#include <algorithm>
#include <random>

namespace bbs {

void DotCheckResult::add(const DotCheckResult& other) {
  groups_checked += other.groups_checked;
  mismatches += other.mismatches;
  if (first_mismatch.empty()) first_mismatch = other.first_mismatch;
}

std::int64_t bbs_dot_product(std::span<const std::int16_t> values, const GroupEncoding& encoding,
                             std::span<const std::uint8_t> activations) {
  std::int64_t sum_activations = 0;
  for (auto a : activations) sum_activations += a;
  const int top = 7 - encoding.redundant_columns;
  std::int64_t result = std::int64_t(encoding.constant) * sum_activations;
  for (int b = encoding.low_columns; b <= top; ++b) {
    std::int64_t ones = 0, sum_where_one = 0, sum_where_zero = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto base = std::uint8_t(values[i] - encoding.constant);
      const bool bit = (base >> b) & 1u;
      ones += bit;
      (bit ? sum_where_one : sum_where_zero) += activations[i];
    }
    const bool skip_ones = 2 * ones > std::int64_t(values.size());  // Eq. 3
    const std::int64_t column_sum = skip_ones ? sum_activations - sum_where_zero : sum_where_one;
    const std::int64_t weight = b == top ? -(std::int64_t{1} << b) : (std::int64_t{1} << b);
    result += weight * column_sum;
  }
  return result;
}

std::int64_t sign_magnitude_dot_product(std::span<const std::int16_t> values,
                                        std::span<const std::uint8_t> activations) {
  std::int64_t result = 0;
  for (int b = 0; b < 7; ++b) {
    std::int64_t column_sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int magnitude = values[i] < 0 ? -values[i] : values[i];
      if ((magnitude >> b) & 1) column_sum += values[i] < 0 ? -activations[i] : activations[i];
    }
    result += column_sum << b;
  }
  return result;
}

DotCheckResult check_dot_products(const GroupLayout& layout, const PrunedTensor& pruned,
                                  PruneMethod method, std::int64_t samples, std::uint64_t seed) {
  DotCheckResult result;
  const std::int64_t groups = layout.group_count();
  if (samples <= 0 || groups == 0) return result;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> pick_group(0, groups - 1);
  std::uniform_int_distribution<int> pick_activation(0, 255);
  std::vector<std::uint8_t> activations;
  for (std::int64_t s = 0; s < std::min(samples, groups); ++s) {
    const std::int64_t g = samples >= groups ? s : pick_group(rng);
    const auto values =
        std::span<const std::int16_t>(pruned.values)
            .subspan(std::size_t(layout.group_begin[g]), std::size_t(layout.group_length(g)));
    activations.resize(values.size());
    for (auto& a : activations) a = std::uint8_t(pick_activation(rng));
    std::int64_t expected = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      expected += std::int64_t(values[i]) * activations[i];
    const std::int64_t computed =
        method == PruneMethod::BitFlip
            ? sign_magnitude_dot_product(values, activations)
            : bbs_dot_product(values, pruned.encodings[std::size_t(g)], activations);
    ++result.groups_checked;
    if (computed != expected) {
      ++result.mismatches;
      if (result.first_mismatch.empty())
        result.first_mismatch = "group " + std::to_string(g) + ": BBS dot product " +
                                std::to_string(computed) + " != integer dot product " +
                                std::to_string(expected);
    }
  }
  return result;
}

}  // namespace bbs
