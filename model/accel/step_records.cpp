#include "model/accel/step_records.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <string>

#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

struct RuleRegistry {
  std::mutex mutex;
  std::deque<StepRule> rules;  // stable addresses
};

RuleRegistry& rule_registry() {
  static RuleRegistry r;
  return r;
}

}  // namespace

ReductionGrouping reduction_grouping(const LayerWork& work, int lanes, bool flat) {
  ReductionGrouping g;
  g.lanes = lanes;
  const std::int64_t window = work.kernel_area();
  if (flat) {
    g.flat = true;
    g.groups_per_channel = ceil_div(work.in_channels * window, lanes);
    return g;
  }
  g.along_kernel = work.is_conv && window > work.in_channels;
  g.groups_per_channel = g.along_kernel ? ceil_div(window, lanes) * work.in_channels
                                        : ceil_div(work.in_channels, lanes) * window;
  return g;
}

const StepRule& register_step_rule(const StepRule& rule) {
  RuleRegistry& r = rule_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const StepRule& known : r.rules)
    if (known.name == rule.name)
      throw Error("step rule '" + std::string(rule.name) + "' registered twice");
  return r.rules.emplace_back(rule);
}

const StepRule& find_step_rule(std::string_view name) {
  RuleRegistry& r = rule_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::string names;
  for (const StepRule& rule : r.rules) {
    if (rule.name == name) return rule;
    names += (names.empty() ? "" : ", ") + std::string(rule.name);
  }
  throw Error("unknown step rule '" + std::string(name) + "': expected one of " + names);
}

StepRecords::StepRecords(const StepRule& rule, ReductionGrouping grouping,
                         std::vector<std::int64_t> row_of_channel, std::vector<std::uint8_t> steps,
                         std::vector<std::uint16_t> useful)
    : rule_(&rule),
      grouping_(grouping),
      row_of_channel_(std::move(row_of_channel)),
      steps_(std::move(steps)),
      useful_(std::move(useful)) {}

LockstepSums StepRecords::lockstep(int rows, int min_tile_steps) const {
  const std::pair<int, int> key{rows, min_tile_steps};
  {
    std::lock_guard<std::mutex> lock(memo_mutex_);
    if (const auto it = memo_.find(key); it != memo_.end()) return it->second;
  }
  LockstepSums sums;
  const std::int64_t groups = grouping_.groups_per_channel;
  const std::int64_t channel_count = channels();
  for (std::int64_t first = 0; first < channel_count; first += rows) {
    const std::int64_t last = std::min<std::int64_t>(channel_count, first + rows);
    for (std::int64_t g = 0; g < groups; ++g) {
      int tile = min_tile_steps;
      for (std::int64_t k = first; k < last; ++k) {
        const int s = steps_[std::size_t(k * groups + g)];
        tile = std::max(tile, s);
        sums.row_cycles += s;
        sums.useful += useful_[std::size_t(k * groups + g)];
      }
      sums.tile_cycles += tile;
    }
  }
  std::lock_guard<std::mutex> lock(memo_mutex_);
  memo_.emplace(key, sums);
  return sums;
}

std::shared_ptr<const StepRecords> build_step_records(const LayerWork& work,
                                                      std::span<const std::int16_t> values,
                                                      int lanes, const StepRule& rule,
                                                      std::span<const std::int64_t> channel_order) {
  if (std::int64_t(values.size()) != work.weight_count())
    throw Error("layer '" + work.name + "': " + std::to_string(values.size()) +
                " weights for a layer of " + std::to_string(work.weight_count()));
  const ReductionGrouping grouping = reduction_grouping(work, lanes, rule.flat_groups);
  std::vector<std::uint8_t> steps(std::size_t(work.out_channels * grouping.groups_per_channel));
  std::vector<std::uint16_t> useful(steps.size());
  std::vector<std::int64_t> row_of(std::size_t(work.out_channels));
  for (std::size_t row = 0; row < row_of.size(); ++row)
    row_of[channel_order.empty() ? row : std::size_t(channel_order[row])] = std::int64_t(row);
  std::vector<int> group(std::size_t(std::max(lanes, 1)));
  for_each_reduction_group(
      work, lanes, grouping.flat,
      [&](std::int64_t k, std::int64_t g, std::span<const std::int64_t> indices) {
        for (std::size_t i = 0; i < indices.size(); ++i) group[i] = values[std::size_t(indices[i])];
        const GroupStep s = rule.step(std::span(group).first(indices.size()), lanes);
        const auto at = std::size_t(row_of[std::size_t(k)] * grouping.groups_per_channel + g);
        steps[at] = s.steps;
        useful[at] = s.useful;
      });
  return std::make_shared<StepRecords>(rule, grouping, std::move(row_of), std::move(steps),
                                       std::move(useful));
}

}  // namespace bbs::accel
