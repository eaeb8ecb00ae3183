// Cutting a weight tensor into BBS groups.
//
// The reference implementation views a conv weight [K, C, H, W] as [K, H, W, C] (linear [K, C]
// as is), flattens it and cuts consecutive runs of g_eff = min(group_size, C) weights. We copy the
// weights once into that "grouped order" and describe each group as a run [begin, end) of it.
//
//  - Reference (default): runs of g_eff over the whole flat array, exactly as the reference; when C
//    is not a multiple of g_eff a group straddles two (k, h, w) rows. When the element count is not
//    a multiple of g_eff (where the reference raises an error) the last group is shorter.
//  - PerRow: runs of g_eff within each row of C weights; the last group of a row is shorter. This
//  is
//    what a PE computes: it never mixes two kernel positions.
//  - Depthwise convs (C = 1, H*W > 1) would give one group per weight; instead their groups run
//    along the kernel window: rows are the H*W taps of one channel (PerRow over [K, H*W]).
//    DepthwiseGrouping::Reference keeps the reference's one-weight groups.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs {

enum class GroupingMode { Reference, PerRow };
enum class DepthwiseGrouping { KernelWindow, Reference };

inline constexpr int kMaxGroupSize = 1024;

struct GroupingOptions {
  int group_size = 32;
  GroupingMode mode = GroupingMode::Reference;
  DepthwiseGrouping depthwise = DepthwiseGrouping::KernelWindow;
};

// How one tensor is grouped. `row_length` is the length of the innermost axis that groups run
// along (C, or H*W for kernel-window grouping); rows are laid out channel-major, so output channel
// k owns grouped-order elements [k * weights_per_channel, (k + 1) * weights_per_channel).
struct GroupLayout {
  Shape canonical_shape;  // PyTorch layout: [K, C, H, W] or [K, C]
  std::int64_t out_channels = 0;
  std::int64_t weights_per_channel = 0;
  std::int64_t row_length = 0;
  int effective_group_size = 0;           // g_eff
  bool kernel_window = false;             // depthwise grouping along H*W
  std::vector<std::int64_t> group_begin;  // size groups + 1; last entry = element count

  std::int64_t group_count() const { return std::int64_t(group_begin.size()) - 1; }
  std::int64_t element_count() const { return group_begin.back(); }
  std::int64_t group_length(std::int64_t g) const { return group_begin[g + 1] - group_begin[g]; }
  std::int64_t channel_of(std::int64_t grouped_index) const {
    return grouped_index / weights_per_channel;
  }
};

// Throws bbs::Error if the shape is not rank 2 or 4 or the group size is outside [1, 1024].
GroupLayout make_group_layout(const Shape& canonical_shape, const GroupingOptions& options);

// canonical order -> grouped order, and back.
template <typename T>
std::vector<T> to_grouped_order(const GroupLayout& layout, std::span<const T> canonical);
template <typename T>
std::vector<T> to_canonical_order(const GroupLayout& layout, std::span<const T> grouped);
// The same, reusing `grouped`'s storage when the orders coincide.
template <typename T>
std::vector<T> to_canonical_order(const GroupLayout& layout, std::vector<T>&& grouped);
// True when grouped order is canonical order (rank 2, 1x1 convs, kernel-window groups).
bool grouped_order_is_canonical(const GroupLayout& layout);

}  // namespace bbs
