#include <gtest/gtest.h>

#include <numeric>

#include "model/bbs/grouping.hpp"

namespace bbs {
namespace {

TEST(Grouping, ReferenceGroupsStraddleRowsWhenCIsNotAMultiple) {
  const GroupLayout l = make_group_layout({2, 3, 1, 2}, {2, GroupingMode::Reference});
  EXPECT_EQ(l.effective_group_size, 2);
  EXPECT_EQ(l.group_begin, (std::vector<std::int64_t>{0, 2, 4, 6, 8, 10, 12}));
}

TEST(Grouping, PerRowGroupsEndAtEachRow) {
  const GroupLayout l = make_group_layout({2, 3, 1, 2}, {2, GroupingMode::PerRow});
  EXPECT_EQ(l.group_begin, (std::vector<std::int64_t>{0, 2, 3, 5, 6, 8, 9, 11, 12}));
}

TEST(Grouping, PartialLastGroupInsteadOfFailing) {
  const GroupLayout l = make_group_layout({1, 5}, {2});
  EXPECT_EQ(l.group_begin, (std::vector<std::int64_t>{0, 2, 4, 5}));
  EXPECT_EQ(l.group_length(2), 1);
}

TEST(Grouping, GroupShrinksToCWhenCIsSmaller) {
  const GroupLayout l = make_group_layout({4, 3, 3, 3}, {32});
  EXPECT_EQ(l.effective_group_size, 3);
  EXPECT_EQ(l.group_count(), 36);
}

TEST(Grouping, DepthwiseGroupsRunAlongTheKernelWindow) {
  const GroupLayout window = make_group_layout({8, 1, 3, 3}, {32});
  EXPECT_TRUE(window.kernel_window);
  EXPECT_EQ(window.effective_group_size, 9);
  EXPECT_EQ(window.group_count(), 8);
  GroupingOptions reference_options{32};
  reference_options.depthwise = DepthwiseGrouping::Reference;
  const GroupLayout reference = make_group_layout({8, 1, 3, 3}, reference_options);
  EXPECT_EQ(reference.effective_group_size, 1);
  EXPECT_EQ(reference.group_count(), 72);
}

TEST(Grouping, GroupedOrderIsKHWCAndRoundTrips) {
  const Shape shape{2, 3, 2, 2};  // K, C, H, W
  const GroupLayout l = make_group_layout(shape, {3});
  std::vector<std::int8_t> canonical(24);
  std::iota(canonical.begin(), canonical.end(), std::int8_t{0});
  const auto grouped = to_grouped_order<std::int8_t>(l, canonical);
  // (k=1, c=2, h=1, w=0): canonical ((1*3+2)*2+1)*2+0 = 22 -> grouped ((1*2+1)*2+0)*3+2 = 20
  EXPECT_EQ(grouped[20], 22);
  EXPECT_EQ(l.channel_of(20), 1);
  std::vector<std::int16_t> wide(grouped.begin(), grouped.end());
  const auto back = to_canonical_order<std::int16_t>(l, wide);
  EXPECT_TRUE(std::equal(back.begin(), back.end(), canonical.begin()));
}

TEST(Grouping, GroupedOrderMovesEveryElementToKHWC) {
  for (const Shape& shape : {Shape{3, 5, 3, 3}, Shape{2, 70, 1, 3}, Shape{4, 9, 2, 5}}) {
    const std::int64_t k_count = shape[0], c_count = shape[1], positions = shape[2] * shape[3];
    const GroupLayout l = make_group_layout(shape, {4});
    std::vector<std::int8_t> canonical(std::size_t(element_count(shape)));
    for (std::size_t i = 0; i < canonical.size(); ++i) canonical[i] = std::int8_t(i % 101);
    const auto to_grouped = to_grouped_order<std::int8_t>(l, canonical);
    std::vector<std::int16_t> wide(to_grouped.begin(), to_grouped.end());
    const auto back = to_canonical_order<std::int16_t>(l, std::span<const std::int16_t>(wide));
    for (std::int64_t k = 0; k < k_count; ++k)
      for (std::int64_t c = 0; c < c_count; ++c)
        for (std::int64_t p = 0; p < positions; ++p) {
          const auto from = std::size_t((k * c_count + c) * positions + p);
          const auto to = std::size_t((k * positions + p) * c_count + c);
          ASSERT_EQ(to_grouped[to], canonical[from]) << k << " " << c << " " << p;
          ASSERT_EQ(back[from], canonical[from]) << k << " " << c << " " << p;
        }
  }
}

TEST(Grouping, RejectsBadShapesAndSizes) {
  EXPECT_THROW(make_group_layout({4, 3, 3}, {32}), Error);
  EXPECT_THROW(make_group_layout({4, 3}, {0}), Error);
  EXPECT_THROW(make_group_layout({4, 3}, {4096}), Error);
  EXPECT_THROW(make_group_layout({0, 3}, {32}), Error);
}

}  // namespace
}  // namespace bbs
