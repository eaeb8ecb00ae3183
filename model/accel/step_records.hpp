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

// `flat`: SparTen's grouping, consecutive weights of the flattened (Ci, kh, kw) filter
// (yc2367/BitSim sim/model_profile/meters/sparten_profiler.py cuts each unfolded filter into
// chunks of 128).
ReductionGrouping reduction_grouping(const LayerWork& work, int lanes, bool flat = false);

// What one PE row does with one group of weights, per design.
enum class StepKind : std::uint8_t {
  PragmaticTerms,          // max_i popcount(|w_i|): one term per cycle per lane
  PragmaticTermsWithSign,  // BitSim: the sign bit of sign-magnitude counted as a term
  BitletColumnOnes,        // max_b ones in two's-complement column b (8 significance lanes)
  BitWaveColumnsWithSign,  // BitSim: non-zero sign-magnitude columns, sign column included
  BitWaveColumns,          // non-zero magnitude columns (the sign is a negate stage, not a cycle)
  StoredColumns,           // BitVert: columns from the lowest to the highest stored column of
                           // the lanes' BBS groups, 8 - min r - min k (values: (r << 4) | k)
  ZeroSkipColumns,         // BitVert without BBS: sum over the 8 two's-complement columns of
                           // ceil(ones / (G/2)), at least 1 (G/2 multipliers per PE)
  NonZeroValues,           // SparTen: non-zero weights of a flat group (value sparsity)
};

// Whether a kind's groups are flat runs of the filter (ReductionGrouping::flat).
bool flat_grouping(StepKind kind);

// Stable names (cache keys, messages): "pragmatic-terms", "stored-columns", ...
std::string_view step_kind_name(StepKind kind);

// The most useful work (in the units of the records' useful values) one PE row does in one step
// on groups of `lanes` weights; useful work / (steps x this) is the row's utilisation:
//   Pragmatic: one term per lane per cycle                         -> lanes
//   Bitlet:    one 1 bit per significance lane (8 columns) per cycle -> 8
//   BitWave:   one column of the group's weights per cycle          -> lanes
//   BitVert:   at most half the bits of a BBS column are effectual  -> lanes / 2
double work_per_step(StepKind kind, int lanes);

struct LockstepSums {
  double tile_cycles = 0;  // sum over tiles of max over rows (per spatial step)
  double row_cycles = 0;   // sum over rows of their own steps
  double useful = 0;       // sum of useful multiplier-cycles
};

class StepRecords {
 public:
  // steps/useful are [row][group]; row_of_channel maps an output channel to its PE-row order.
  StepRecords(StepKind kind, ReductionGrouping grouping, std::vector<std::int64_t> row_of_channel,
              std::vector<std::uint8_t> steps, std::vector<std::uint16_t> useful);

  StepKind kind() const { return kind_; }
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
  StepKind kind_;
  ReductionGrouping grouping_;
  std::vector<std::int64_t> row_of_channel_;
  std::vector<std::uint8_t> steps_;    // [row][group]
  std::vector<std::uint16_t> useful_;  // [row][group]
  mutable std::mutex memo_mutex_;
  mutable std::map<std::pair<int, int>, LockstepSums> memo_;
};

// Calls fn(channel, group, flat PyTorch-layout indices of the group's weights) for every reduction
// group, in record order. A template: it runs once per group of every layer profiled.
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
// For StepKind::StoredColumns pass each weight's column span (LayerAnalysis::column_spans).
// `channel_order` (optional) is the order output channels are mapped to PE rows, e.g. BitVert's
// channel reordering that packs the sensitive (8-bit) channels into their own tiles.
std::shared_ptr<const StepRecords> build_step_records(
    const LayerWork& work, std::span<const std::int16_t> values, int lanes, StepKind kind,
    std::span<const std::int64_t> channel_order = {});

}  // namespace bbs::accel
