#include "model/accel/step_records.hpp"

#include <algorithm>
#include <bit>

#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

struct GroupStep {
  std::uint8_t steps = 0;
  std::uint16_t useful = 0;
};

unsigned magnitude(int w) { return unsigned(w < 0 ? -std::max(w, -127) : std::min(w, 127)); }

GroupStep group_step(std::span<const int> group, StepKind kind, int lanes) {
  GroupStep s;
  switch (kind) {
    case StepKind::PragmaticTerms:
    case StepKind::PragmaticTermsWithSign: {
      const int sign_term = kind == StepKind::PragmaticTermsWithSign ? 1 : 0;
      for (int w : group) {
        const int terms = std::popcount(magnitude(w)) + (w < 0 ? sign_term : 0);
        s.steps = std::uint8_t(std::max<int>(s.steps, terms));
        s.useful = std::uint16_t(s.useful + terms);
      }
      return s;
    }
    case StepKind::BitletColumnOnes: {
      for (int b = 0; b < 8; ++b) {
        int ones = 0;
        for (int w : group) ones += (unsigned(std::uint8_t(std::int8_t(w))) >> b) & 1u;
        s.steps = std::uint8_t(std::max(int(s.steps), ones));
        s.useful = std::uint16_t(s.useful + ones);
      }
      return s;
    }
    case StepKind::BitWaveColumnsWithSign:
    case StepKind::BitWaveColumns: {
      unsigned columns = 0;
      bool negative = false;
      for (int w : group) {
        columns |= magnitude(w);
        negative |= w < 0;
      }
      const int sign_column = kind == StepKind::BitWaveColumnsWithSign && negative ? 1 : 0;
      s.steps = std::uint8_t(std::popcount(columns) + sign_column);
      s.useful = std::uint16_t(std::popcount(columns) * int(group.size()));
      return s;
    }
    case StepKind::StoredColumns: {
      int min_redundant = 3, min_low = 8;
      for (int span : group) {
        min_redundant = std::min(min_redundant, span >> 4);
        min_low = std::min(min_low, span & 15);
      }
      s.steps = std::uint8_t(std::max(0, 8 - min_redundant - min_low));
      s.useful =
          std::uint16_t(s.steps * int(group.size()) / 2);  // BBS: <= half the bits per column
      return s;
    }
    case StepKind::ZeroSkipColumns: {
      // yc2367/BitSim sim/sim/bitvert.py:163-173 (_count_no_b2s_cycle): the G/2 multipliers take
      // the 1s of one column per cycle; an all-zero group still costs one cycle. The minimum per
      // row gives the same lockstep maximum as BitSim's minimum per tile.
      const int multipliers = std::max(1, lanes / 2);
      int cycles = 0;
      for (int b = 0; b < 8; ++b) {
        int ones = 0;
        for (int w : group) ones += (unsigned(std::uint8_t(std::int8_t(w))) >> b) & 1u;
        cycles += (ones + multipliers - 1) / multipliers;
        s.useful = std::uint16_t(s.useful + ones);
      }
      s.steps = std::uint8_t(std::max(1, cycles));
      return s;
    }
    case StepKind::NonZeroValues: {
      for (int w : group) s.useful = std::uint16_t(s.useful + (w != 0 ? 1 : 0));
      s.steps = std::uint8_t(std::min<int>(s.useful, 255));
      return s;
    }
  }
  return s;
}

}  // namespace

bool flat_grouping(StepKind kind) { return kind == StepKind::NonZeroValues; }

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

std::string_view step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::PragmaticTerms:
      return "pragmatic-terms";
    case StepKind::PragmaticTermsWithSign:
      return "pragmatic-terms-with-sign";
    case StepKind::BitletColumnOnes:
      return "bitlet-column-ones";
    case StepKind::BitWaveColumnsWithSign:
      return "bitwave-columns-with-sign";
    case StepKind::BitWaveColumns:
      return "bitwave-columns";
    case StepKind::StoredColumns:
      return "stored-columns";
    case StepKind::ZeroSkipColumns:
      return "zero-skip-columns";
    case StepKind::NonZeroValues:
      return "non-zero-values";
  }
  throw Error("invalid StepKind value " + std::to_string(int(kind)));
}

double work_per_step(StepKind kind, int lanes) {
  switch (kind) {
    case StepKind::PragmaticTerms:
    case StepKind::PragmaticTermsWithSign:
    case StepKind::BitWaveColumnsWithSign:
    case StepKind::BitWaveColumns:
      return lanes;
    case StepKind::BitletColumnOnes:
      return 8;
    case StepKind::StoredColumns:
    case StepKind::ZeroSkipColumns:  // G/2 multipliers per PE in both BitVert modes
      return lanes / 2.0;
    case StepKind::NonZeroValues:  // one multiply per cycle (SparTen's single MAC per PE)
      return 1;
  }
  throw Error("invalid StepKind value " + std::to_string(int(kind)));
}

StepRecords::StepRecords(StepKind kind, ReductionGrouping grouping,
                         std::vector<std::int64_t> row_of_channel, std::vector<std::uint8_t> steps,
                         std::vector<std::uint16_t> useful)
    : kind_(kind),
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
                                                      int lanes, StepKind kind,
                                                      std::span<const std::int64_t> channel_order) {
  if (std::int64_t(values.size()) != work.weight_count())
    throw Error("layer '" + work.name + "': " + std::to_string(values.size()) +
                " weights for a layer of " + std::to_string(work.weight_count()));
  const ReductionGrouping grouping = reduction_grouping(work, lanes, flat_grouping(kind));
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
        const GroupStep s = group_step(std::span(group).first(indices.size()), kind, lanes);
        const auto at = std::size_t(row_of[std::size_t(k)] * grouping.groups_per_channel + g);
        steps[at] = s.steps;
        useful[at] = s.useful;
      });
  return std::make_shared<StepRecords>(kind, grouping, std::move(row_of), std::move(steps),
                                       std::move(useful));
}

}  // namespace bbs::accel
