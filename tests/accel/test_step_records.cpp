// build_step_records and the bit-column helper the step rules share, against simple reference
// implementations on random inputs (every registered step rule, every grouping).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <random>
#include <string>

#include "model/accel/accel_model.hpp"
#include "model/accel/bits.hpp"

namespace bbs::accel {
namespace {

// The records as the definition reads: every group of for_each_reduction_group gathered by its
// indices and given to the rule, stored at its channel's PE row.
struct Reference {
  std::vector<std::uint8_t> steps;
  std::vector<std::uint16_t> useful;
};

Reference reference_records(const LayerWork& work, std::span<const std::int16_t> values, int lanes,
                            const StepRule& rule, std::span<const std::int64_t> order) {
  const ReductionGrouping grouping = reduction_grouping(work, lanes, rule.flat_groups);
  const auto per_row = grouping.groups_per_channel;
  Reference r{std::vector<std::uint8_t>(std::size_t(work.out_channels * per_row)),
              std::vector<std::uint16_t>(std::size_t(work.out_channels * per_row))};
  std::vector<std::int64_t> row_of(std::size_t(work.out_channels));
  std::iota(row_of.begin(), row_of.end(), 0);
  for (std::size_t row = 0; row < order.size(); ++row)
    row_of[std::size_t(order[row])] = std::int64_t(row);
  for_each_reduction_group(work, lanes, grouping.flat,
                           [&](std::int64_t k, std::int64_t g, std::span<const std::int64_t> at) {
                             std::vector<int> group;
                             for (const std::int64_t i : at)
                               group.push_back(values[std::size_t(i)]);
                             const GroupStep s = rule.step(group, lanes);
                             const auto i = std::size_t(row_of[std::size_t(k)] * per_row + g);
                             r.steps[i] = s.steps;
                             r.useful[i] = s.useful;
                           });
  return r;
}

LayerWork random_layer(std::mt19937& rng) {
  // Linear, 1x1, Ci-first k x k (Ci >= k^2) and kernel-window (k^2 > Ci) layers, with channel
  // counts that are and are not multiples of the lanes.
  const int kernels[] = {1, 1, 3, 5, 7};
  LayerWork w;
  w.name = "random";
  const int kernel = kernels[std::uniform_int_distribution<int>(0, 4)(rng)];
  w.is_conv = kernel > 1 || rng() % 2;
  w.kernel_h = w.kernel_w = kernel;
  w.in_channels = std::uniform_int_distribution<std::int64_t>(1, 70)(rng);
  w.out_channels = std::uniform_int_distribution<std::int64_t>(1, 9)(rng);
  return w;
}

TEST(StepRecords, EveryRuleMatchesTheGroupByGroupDefinitionOnRandomLayers) {
  std::mt19937 rng(2024);
  const std::vector<const StepRule*> rules = step_rules();
  ASSERT_FALSE(rules.empty());
  for (const StepRule* rule : rules) {
    for (int trial = 0; trial < 60; ++trial) {
      const LayerWork work = random_layer(rng);
      const int lanes = std::uniform_int_distribution<int>(1, 40)(rng);
      std::uniform_int_distribution<int> weight(-128, 127), span(0, 0x3f);
      std::vector<std::int16_t> values(std::size_t(work.weight_count()));
      for (auto& v : values) v = std::int16_t(rule->reads_column_spans ? span(rng) : weight(rng));
      std::vector<std::int64_t> order(std::size_t(work.out_channels));
      std::iota(order.begin(), order.end(), 0);
      if (trial % 2) std::shuffle(order.begin(), order.end(), rng);
      const auto records = build_step_records(work, values, lanes, *rule, order);
      const Reference expected = reference_records(work, values, lanes, *rule, order);
      const std::string what = std::string(rule->name) + " trial " + std::to_string(trial) +
                               ": Ci " + std::to_string(work.in_channels) + " k " +
                               std::to_string(work.kernel_h) + " lanes " + std::to_string(lanes);
      EXPECT_EQ(records->step_values(), expected.steps) << what;
      EXPECT_EQ(records->useful_values(), expected.useful) << what;
    }
  }
}

TEST(Bits, ColumnOnesCountsEachTwosComplementColumn) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> weight(-300, 300);  // pruned values may leave int8
  for (const std::size_t size : {0, 1, 16, 254, 255, 256, 600}) {
    std::vector<int> group(size);
    for (int& w : group) w = weight(rng);
    std::array<int, 8> expected{};
    for (int b = 0; b < 8; ++b)
      for (const int w : group) expected[std::size_t(b)] += twos_bit(w, b);
    EXPECT_EQ(column_ones(group), expected) << size << " weights";
  }
}

TEST(Bits, MagnitudeSaturatesAt127AndCountsItsOnes) {
  for (int w = -300; w <= 300; ++w) {
    const int expected = w < 0 ? -std::max(w, -127) : std::min(w, 127);
    EXPECT_EQ(magnitude(w), unsigned(expected)) << w;
    EXPECT_EQ(magnitude_ones(w), std::popcount(unsigned(expected))) << w;
  }
}

}  // namespace
}  // namespace bbs::accel
