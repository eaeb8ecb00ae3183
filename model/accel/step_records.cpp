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

std::vector<const StepRule*> step_rules() {
  RuleRegistry& r = rule_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<const StepRule*> rules;
  for (const StepRule& rule : r.rules) rules.push_back(&rule);
  return rules;
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

namespace {

// One output channel's weights in record order: its reduction groups are consecutive runs of the
// rows of `row_length` weights, each row cut into runs of `lanes` (the last run of a row shorter).
// Ci-first grouping reads the [Ci][window] filter transposed (one row per kernel position);
// kernel-window and flat grouping read it as stored.
void channel_in_record_order(const ReductionGrouping& grouping, std::int64_t in_channels,
                             std::int64_t window, const std::int16_t* filter, int* out) {
  const std::int64_t count = in_channels * window;
  if (grouping.flat || grouping.along_kernel || window == 1) {
    std::copy(filter, filter + count, out);
    return;
  }
  for (std::int64_t c = 0; c < in_channels; ++c)
    for (std::int64_t p = 0; p < window; ++p) out[p * in_channels + c] = filter[c * window + p];
}

}  // namespace

void write_step_records(const LayerWork& work, std::int64_t first,
                        std::span<const std::int16_t> values, int lanes, const StepRule& rule,
                        std::span<const std::int64_t> row_of, std::span<std::uint8_t> steps,
                        std::span<std::uint16_t> useful) {
  const ReductionGrouping grouping = reduction_grouping(work, lanes, rule.flat_groups);
  // The same groups, in the same order, as for_each_reduction_group, without per-group indices.
  const std::int64_t window = work.kernel_area(), filter = work.in_channels * window;
  const std::int64_t row_length = grouping.flat           ? filter
                                  : grouping.along_kernel ? window
                                                          : work.in_channels;
  const std::int64_t run = std::max(lanes, 1);
  std::vector<int> channel(static_cast<std::size_t>(filter));
  const auto count = std::int64_t(values.size()) / std::max<std::int64_t>(filter, 1);
  if (count * filter != std::int64_t(values.size()) || first < 0 ||
      first + count > work.out_channels)
    throw Error("layer '" + work.name + "': " + std::to_string(values.size()) +
                " weights are not whole output channels from channel " + std::to_string(first) +
                " of a layer of " + std::to_string(work.out_channels));
  for (std::int64_t k = 0; k < count; ++k) {
    channel_in_record_order(grouping, work.in_channels, window, values.data() + k * filter,
                            channel.data());
    auto at = std::size_t(row_of[std::size_t(first + k)] * grouping.groups_per_channel);
    for (std::int64_t row = 0; row < filter; row += row_length)
      for (std::int64_t q = 0; q < row_length; q += run, ++at) {
        const GroupStep s =
            rule.step(std::span<const int>(channel).subspan(
                          std::size_t(row + q), std::size_t(std::min(run, row_length - q))),
                      lanes);
        steps[at] = s.steps;
        useful[at] = s.useful;
      }
  }
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
  write_step_records(work, 0, values, lanes, rule, row_of, steps, useful);
  return std::make_shared<StepRecords>(rule, grouping, std::move(row_of), std::move(steps),
                                       std::move(useful));
}

}  // namespace bbs::accel
