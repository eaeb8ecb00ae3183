#include "model/bbs/grouping.hpp"

#include <algorithm>
#include <string>

#include "core/large_buffer.hpp"

namespace bbs {
namespace {

// Dimensions of the [K, X, C] view: grouped order is [K][positions][C], canonical is
// [K][C][positions].
struct ConvView {
  std::int64_t k = 0, c = 0, positions = 1;
};

ConvView conv_view(const Shape& shape) {
  if (shape.size() == 2) return {shape[0], shape[1], 1};
  return {shape[0], shape[1], shape[2] * shape[3]};
}

std::vector<std::int64_t> reference_groups(std::int64_t elements, int group) {
  std::vector<std::int64_t> begins;
  begins.reserve(std::size_t(elements / group + 2));
  for (std::int64_t b = 0; b < elements; b += group) begins.push_back(b);
  begins.push_back(elements);
  return begins;
}

std::vector<std::int64_t> per_row_groups(std::int64_t elements, std::int64_t row, int group) {
  std::vector<std::int64_t> begins;
  const std::int64_t per_row = (row + group - 1) / group;
  begins.reserve(std::size_t(elements / row * per_row + 1));
  for (std::int64_t r = 0; r < elements; r += row)
    for (std::int64_t b = 0; b < row; b += group) begins.push_back(r + b);
  begins.push_back(elements);
  return begins;
}

}  // namespace

GroupLayout make_group_layout(const Shape& canonical_shape, const GroupingOptions& options) {
  if (canonical_shape.size() != 2 && canonical_shape.size() != 4)
    throw Error("weight tensor of shape " + shape_string(canonical_shape) +
                ": expected rank 2 ([out, in]) or rank 4 ([K, C, H, W])");
  if (options.group_size < 1 || options.group_size > kMaxGroupSize)
    throw Error("group size " + std::to_string(options.group_size) + ": expected 1.." +
                std::to_string(kMaxGroupSize));
  const std::int64_t elements = element_count(canonical_shape);
  if (elements == 0)
    throw Error("weight tensor of shape " + shape_string(canonical_shape) + " is empty");

  GroupLayout layout;
  layout.canonical_shape = canonical_shape;
  const ConvView view = conv_view(canonical_shape);
  layout.out_channels = view.k;
  layout.weights_per_channel = view.c * view.positions;
  layout.kernel_window =
      view.c == 1 && view.positions > 1 && options.depthwise == DepthwiseGrouping::KernelWindow;
  layout.row_length = layout.kernel_window ? view.positions : view.c;
  layout.effective_group_size = int(std::min<std::int64_t>(options.group_size, layout.row_length));
  const bool per_row = layout.kernel_window || options.mode == GroupingMode::PerRow;
  layout.group_begin =
      per_row ? per_row_groups(elements, layout.row_length, layout.effective_group_size)
              : reference_groups(elements, layout.effective_group_size);
  return layout;
}

namespace {

// Moves element (k, c, p) between canonical [K][C][positions] and grouped [K][positions][C] order:
// per output channel, a transpose of [rows][cols] into [cols][rows], written in output order.
template <typename T>
std::vector<T> reorder(const GroupLayout& layout, std::span<const T> input, bool to_grouped) {
  if (grouped_order_is_canonical(layout)) return {input.begin(), input.end()};
  const ConvView v = conv_view(layout.canonical_shape);
  const std::int64_t rows = to_grouped ? v.c : v.positions, cols = to_grouped ? v.positions : v.c;
  auto output = large_vector<T>(input.size());
  for (std::int64_t k = 0; k < v.k; ++k) {
    const T* src = input.data() + k * rows * cols;
    T* dst = output.data() + k * rows * cols;
    for (std::int64_t j = 0; j < cols; ++j)
      for (std::int64_t i = 0; i < rows; ++i) dst[j * rows + i] = src[i * cols + j];
  }
  return output;
}

}  // namespace

template <typename T>
std::vector<T> to_grouped_order(const GroupLayout& layout, std::span<const T> canonical) {
  return reorder(layout, canonical, true);
}

template <typename T>
std::vector<T> to_canonical_order(const GroupLayout& layout, std::span<const T> grouped) {
  return reorder(layout, grouped, false);
}

template <typename T>
std::vector<T> to_canonical_order(const GroupLayout& layout, std::vector<T>&& grouped) {
  if (grouped_order_is_canonical(layout)) return std::move(grouped);
  return reorder(layout, std::span<const T>(grouped), false);
}

bool grouped_order_is_canonical(const GroupLayout& layout) {
  return conv_view(layout.canonical_shape).positions == 1 || layout.kernel_window;
}

template std::vector<std::int8_t> to_grouped_order(const GroupLayout&,
                                                   std::span<const std::int8_t>);
template std::vector<float> to_grouped_order(const GroupLayout&, std::span<const float>);
template std::vector<std::int16_t> to_canonical_order(const GroupLayout&,
                                                      std::span<const std::int16_t>);
template std::vector<std::int8_t> to_canonical_order(const GroupLayout&,
                                                     std::span<const std::int8_t>);
template std::vector<std::int16_t> to_canonical_order(const GroupLayout&,
                                                      std::vector<std::int16_t>&&);

}  // namespace bbs
