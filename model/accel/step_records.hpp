// The per-group record the data-dependent accelerator models read instead of weights.
//
// BitSim cuts each output channel's reduction into groups of G weights (G = lanes of a PE): along
// the kernel window of each input channel when the window is larger than Ci (first layers),
// otherwise along Ci at each kernel position (ceil(Ci/G) groups per position). One PE row handles
// one output channel; the H rows of the array run in lockstep, so a tile of H channels costs
//   cycles(tile) = max over its rows of steps(row, group)
// We keep steps (and the useful multiplier-cycles) per (channel, group): one byte + two bytes, so
// any array height H is evaluated from the record alone (and memoised per H).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "model/accel/layer_work.hpp"

namespace bbs::accel {

struct ReductionGrouping {
  int lanes = 16;
  bool along_kernel = false;            // k^2 > Ci: groups run along the kernel window
  bool flat = false;                    // runs of `lanes` consecutive weights of a filter
  std::int64_t groups_per_channel = 0;  // BitSim's tile_kernel; flat: ceil(Ci*k^2 / lanes)
};

// `flat`: runs of consecutive weights of the flattened (Ci, kh, kw) filter (StepRule::flat_groups).
ReductionGrouping reduction_grouping(const LayerWork& work, int lanes, bool flat = false);

// What one PE row does with one group of weights.
struct GroupStep {
  std::uint8_t steps = 0;    // cycles of the row on this group
  std::uint16_t useful = 0;  // useful work done (the rule's units)
};

// A design's per-group step rule (defined and registered in the design's file).
struct StepRule {
  std::string_view name;  // stable: profile cache keys and blobs ("pragmatic-terms", ...)
  GroupStep (*step)(std::span<const int> group, int lanes);
  // The most useful work one PE row does in one step on groups of `lanes` weights; useful work /
  // (steps x this) is the row's utilisation.
  double (*work_per_step)(int lanes);
  // The group holds the weights' BBS column spans (r << 4) | k (LayerAnalysis::column_spans)
  // instead of their values.
  bool reads_column_spans = false;
  // The order output channels are mapped to PE rows, from the layer's sensitive channels (null:
  // channel order).
  std::vector<std::int64_t> (*channel_order)(const std::vector<bool>& sensitive) = nullptr;
  // The groups are runs of `lanes` consecutive weights of each flattened (Ci, kh, kw) filter
  // instead of BitSim's Ci-first grouping (ReductionGrouping::flat).
  bool flat_groups = false;
};

// Registers a rule under its name (call from the design's file, at namespace scope) and returns
// it; find_step_rule() finds it again (profile blobs). Throws bbs::Error for an unknown name.
const StepRule& register_step_rule(const StepRule& rule);
const StepRule& find_step_rule(std::string_view name);
// Every registered rule, in registration order (tests and benchmarks run them all).
std::vector<const StepRule*> step_rules();

struct LockstepSums {
  double tile_cycles = 0;  // sum over tiles of max over rows (per spatial step)
  double row_cycles = 0;   // sum over rows of their own steps
  double useful = 0;       // sum of useful multiplier-cycles
};

class StepRecords {
 public:
  // steps/useful are [row][group]; row_of_channel maps an output channel to its PE-row order.
  StepRecords(const StepRule& rule, ReductionGrouping grouping,
              std::vector<std::int64_t> row_of_channel, std::vector<std::uint8_t> steps,
              std::vector<std::uint16_t> useful);

  const StepRule& rule() const { return *rule_; }
  const ReductionGrouping& grouping() const { return grouping_; }
  std::int64_t channels() const { return std::int64_t(row_of_channel_.size()); }
  // Sums over every (tile of `rows` channels, group), memoised per arguments. A tile costs at
  // least `min_tile_steps` (1: even an all-zero tile takes a cycle to pass through the array).
  LockstepSums lockstep(int rows, int min_tile_steps = 0) const;
  // The raw records, for serialisation.
  const std::vector<std::int64_t>& row_of_channel() const { return row_of_channel_; }
  const std::vector<std::uint8_t>& step_values() const { return steps_; }
  const std::vector<std::uint16_t>& useful_values() const { return useful_; }
  std::uint8_t steps(std::int64_t channel, std::int64_t group) const {
    const std::int64_t row = row_of_channel_[std::size_t(channel)];
    return steps_[std::size_t(row * grouping_.groups_per_channel + group)];
  }

 private:
  const StepRule* rule_;
  ReductionGrouping grouping_;
  std::vector<std::int64_t> row_of_channel_;
  std::vector<std::uint8_t> steps_;    // [row][group]
  std::vector<std::uint16_t> useful_;  // [row][group]
  mutable std::mutex memo_mutex_;
  mutable std::map<std::pair<int, int>, LockstepSums> memo_;
};

// Calls fn(channel, group, flat PyTorch-layout indices of the group's weights) for every reduction
// group, in record order (the schedule check samples groups with it; build_step_records walks the
// same groups without building indices).
template <typename Fn>
void for_each_reduction_group(const LayerWork& work, int lanes, bool flat, Fn&& fn) {
  const ReductionGrouping grouping = reduction_grouping(work, lanes, flat);
  const std::int64_t window = work.kernel_area(), in_channels = work.in_channels;
  std::vector<std::int64_t> group(std::size_t(std::max(lanes, 1)));
  for (std::int64_t k = 0; k < work.out_channels; ++k) {
    const std::int64_t base = k * in_channels * window;  // [C][window]
    std::int64_t index = 0;
    const auto emit = [&](std::size_t size) { fn(k, index++, std::span(group).first(size)); };
    if (grouping.flat) {
      for (std::int64_t p = 0; p < in_channels * window; p += lanes) {
        std::size_t n = 0;
        for (std::int64_t q = p; q < std::min(in_channels * window, p + lanes); ++q)
          group[n++] = base + q;
        emit(n);
      }
    } else if (grouping.along_kernel) {
      for (std::int64_t c = 0; c < in_channels; ++c)
        for (std::int64_t p = 0; p < window; p += lanes) {
          std::size_t n = 0;
          for (std::int64_t q = p; q < std::min(window, p + lanes); ++q)
            group[n++] = base + c * window + q;
          emit(n);
        }
    } else {
      for (std::int64_t p = 0; p < window; ++p)
        for (std::int64_t c = 0; c < in_channels; c += lanes) {
          std::size_t n = 0;
          for (std::int64_t q = c; q < std::min(in_channels, c + lanes); ++q)
            group[n++] = base + q * window + p;
          emit(n);
        }
    }
  }
}

// `values` are the layer's weights in PyTorch layout (int16: pruned weights may leave int8).
// For a rule that reads_column_spans pass each weight's column span (LayerAnalysis::column_spans).
// `channel_order` (optional) is the order output channels are mapped to PE rows (the rule's
// channel_order, e.g. BitVert's packing of the sensitive channels into their own tiles).
std::shared_ptr<const StepRecords> build_step_records(
    const LayerWork& work, std::span<const std::int16_t> values, int lanes, const StepRule& rule,
    std::span<const std::int64_t> channel_order = {});

// The records of output channels [first, first + count) of `work`, written in place: channel k's
// groups go to row row_of[k] of `steps` / `useful` ([row][group], groups_per_channel per row).
// `values` hold those channels' weights in PyTorch layout (a block of the layer's tensor).
void write_step_records(const LayerWork& work, std::int64_t first,
                        std::span<const std::int16_t> values, int lanes, const StepRule& rule,
                        std::span<const std::int64_t> row_of, std::span<std::uint8_t> steps,
                        std::span<std::uint16_t> useful);

}  // namespace bbs::accel
