// Sensitive channels, encoding size, the BBS dot-product property and the analysis pipeline.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "model/bbs/analysis.hpp"
#include "model/bbs/sensitive.hpp"

namespace bbs {
namespace {

TEST(Sensitive, GlobalTopFractionRoundedUpPerLayer) {
  const std::vector<std::vector<double>> scores{{1, 5, 3, 2}, {4, 0.5}};
  // ceil(0.34 * 6) = 3 channels: 5 (layer 0), 4 (layer 1), 3 (layer 0).
  auto s = select_sensitive_channels(scores, 0.34, 1);
  EXPECT_EQ(s[0], (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(s[1], (std::vector<bool>{true, false}));
  s = select_sensitive_channels(scores, 0.34, 2);  // layer 1: 1 -> 2 channels
  EXPECT_EQ(s[1], (std::vector<bool>{true, true}));
  s = select_sensitive_channels(scores, 0.34, 3);  // layer 0: 2 -> 3 channels
  EXPECT_EQ(s[0], (std::vector<bool>{false, true, true, true}));
  s = select_sensitive_channels(scores, 0.0, 32);
  EXPECT_EQ(s[0], (std::vector<bool>(4, false)));
  EXPECT_THROW(select_sensitive_channels(scores, 1.5, 32), Error);
}

TEST(Sensitive, ChannelStdEqualsTheDoubleSumsOneByOne) {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> weight(-128, 127);
  for (const std::size_t per_channel : {std::size_t{1}, std::size_t{9}, std::size_t{140'000}}) {
    std::vector<std::int8_t> values(3 * per_channel);
    for (auto& v : values) v = std::int8_t(weight(rng));
    for (std::size_t i = 0; i < per_channel; ++i)  // the largest squares, not all alike
      values[i] = std::int8_t(i % 2 ? -128 : 127);
    const std::vector<double> fast = channel_std(values, 3);
    for (std::size_t k = 0; k < 3; ++k) {
      double sum = 0, sum_sq = 0;
      for (std::size_t i = 0; i < per_channel; ++i) {
        const double v = values[k * per_channel + i];
        sum += v;
        sum_sq += v * v;
      }
      const double mean = sum / double(per_channel);
      EXPECT_EQ(fast[k], std::sqrt(std::max(0.0, sum_sq / double(per_channel) - mean * mean)))
          << per_channel << " weights per channel, channel " << k;
    }
  }
}

WeightTensor random_tensor(const Shape& shape, double stddev, std::uint32_t seed) {
  WeightTensor t{"w", shape, std::vector<std::int8_t>(std::size_t(element_count(shape))), {}, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, stddev);
  for (auto& v : t.values) v = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
  return t;
}

AnalysisOptions options_for(PruneMethod method, int columns) {
  AnalysisOptions o;
  o.prune = {method, columns, 6};
  o.check_samples = 1'000'000;  // every group
  return o;
}

TEST(Encoding, FullyPrunedLayersHitThePaperBitWidths) {
  // Weights with std 20 have at most one redundant column, so every group keeps exactly 8 - N
  // columns: 6 + 8/32 = 6.25 (conservative) and 4 + 8/32 = 4.25 (moderate) bits per weight.
  const std::vector<WeightTensor> layer{random_tensor({64, 256}, 20.0, 7)};
  const auto cons = analyze_weights(layer, options_for(PruneMethod::RoundAverage, 2));
  EXPECT_DOUBLE_EQ(cons[0].size.bits_per_weight(true), 6.25);
  EXPECT_DOUBLE_EQ(cons[0].size.bits_per_weight(false), 6.0);
  const auto mod = analyze_weights(layer, options_for(PruneMethod::ZeroPoint, 4));
  EXPECT_DOUBLE_EQ(mod[0].size.bits_per_weight(true), 4.25);
  EXPECT_DOUBLE_EQ(mod[0].size.size_reduction(true), 8.0 / 4.25);
}

TEST(Encoding, SensitiveChannelsStayAtEightBitsWithoutMetadata) {
  std::vector<WeightTensor> layer{random_tensor({64, 64}, 20.0, 9)};
  layer[0].scales.assign(64, 1.0);
  for (int k = 0; k < 32; ++k) layer[0].scales[std::size_t(k)] = 2.0;  // 32 high-scale channels
  AnalysisOptions o = options_for(PruneMethod::ZeroPoint, 4);
  o.sensitive_fraction = 0.2;  // ceil(12.8) = 13 -> rounded up to 32 channels
  const auto a = analyze_weights(layer, o);
  EXPECT_EQ(a[0].sensitive_channels, 32);
  EXPECT_EQ(a[0].sensitive_groups, 64);
  // half the weights at 8 bits, half at 4 bits + 8 bits per 32-weight group
  EXPECT_DOUBLE_EQ(a[0].size.bits_per_weight(true), (8.0 + 4.25) / 2.0);
}

class EveryMethod : public ::testing::TestWithParam<std::tuple<PruneMethod, int>> {};

TEST_P(EveryMethod, BbsDotProductEqualsIntegerDotProduct) {
  const auto [method, columns] = GetParam();
  for (double stddev : {3.0, 20.0, 60.0}) {
    const std::vector<WeightTensor> layer{random_tensor({32, 3, 3, 3}, stddev, 11),
                                          random_tensor({48, 100}, stddev, 12)};
    AnalysisOptions o = options_for(method, columns);
    o.grouping.group_size = 16;
    const auto a = analyze_weights(layer, o);
    for (const auto& l : a) {
      EXPECT_EQ(l.check.groups_checked, l.groups);
      EXPECT_EQ(l.check.mismatches, 0) << l.check.first_mismatch;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Methods, EveryMethod,
    ::testing::Combine(::testing::Values(PruneMethod::None, PruneMethod::RoundAverage,
                                         PruneMethod::ZeroPoint, PruneMethod::BitFlip),
                       ::testing::Values(0, 1, 2, 3, 4, 5, 6)));

TEST(DotCheck, DetectsAWrongEncoding) {
  const std::vector<std::int16_t> values{82, -22, 2, -6};
  const std::vector<std::uint8_t> activations{1, 2, 3, 4};
  GroupEncoding right{1, 3, 26, 4};
  EXPECT_EQ(bbs_dot_product(values, right, activations), 82 - 44 + 6 - 24);
  GroupEncoding wrong = right;
  wrong.constant = 25;  // stored columns no longer reconstruct the weights
  EXPECT_NE(bbs_dot_product(values, wrong, activations), 82 - 44 + 6 - 24);
}

TEST(Analysis, PruningReducesErrorMonotonicallyInColumns) {
  const std::vector<WeightTensor> layer{random_tensor({32, 128}, 25.0, 5)};
  double previous_mse = -1;
  for (int n = 0; n <= 6; ++n) {
    const auto a = analyze_weights(layer, options_for(PruneMethod::ZeroPoint, n));
    EXPECT_GE(a[0].error.mse(), previous_mse);
    previous_mse = a[0].error.mse();
  }
  EXPECT_GT(previous_mse, 0.0);
}

TEST(Analysis, JobsDoNotChangeResults) {
  const std::vector<WeightTensor> layer{random_tensor({64, 3, 3, 64}, 20.0, 3)};
  AnalysisOptions o = options_for(PruneMethod::ZeroPoint, 4);
  o.keep_pruned_values = true;
  const auto one = analyze_weights(layer, o);
  o.jobs = 3;
  const auto three = analyze_weights(layer, o);
  EXPECT_EQ(one[0].pruned, three[0].pruned);
  EXPECT_EQ(one[0].after.zero_bits_twos, three[0].after.zero_bits_twos);
}

TEST(Analysis, FloatErrorIsReportedForFloatInput) {
  std::vector<WeightTensor> layer{random_tensor({4, 32}, 20.0, 1)};
  layer[0].scales.assign(4, 0.01);
  for (auto v : layer[0].values) layer[0].original.push_back(float(v * 0.01));
  const auto a = analyze_weights(layer, options_for(PruneMethod::None, 0));
  EXPECT_TRUE(std::isinf(a[0].error.sqnr_db()));
  EXPECT_GT(a[0].error.float_sqnr_db(), 100.0);  // only float rounding remains
}

// The totals analyze_weights adds over runs of groups, restated group by group from the pruners.
struct GroupByGroup {
  std::int64_t sensitive_groups = 0, stored_column_sum = 0;
  EncodedSize size;
  ErrorMetrics error;
  std::vector<GroupBits> before, after;  // of every group: its weights, its stored columns
};

// The bit statistics of `groups` summed field by field through the GroupBits accessors (the
// definitions in bit_stats.hpp), independently of BitSummary::add.
BitSummary sum_by_definition(const std::vector<GroupBits>& groups) {
  BitSummary s;
  for (const GroupBits& g : groups) {
    s.weights += g.size;
    s.groups += 1;
    s.zero_values += g.zero_values;
    s.zero_bits_twos += g.zero_bits_twos();
    s.zero_bits_sign_mag += g.zero_bits_sign_mag();
    s.bbs_sparse_bits += g.bbs_sparse_bits();
    s.all_zero_columns += g.all_zero_columns();
    s.all_one_columns += g.all_one_columns();
    s.redundant_columns += g.redundant_columns;
    s.redundant_columns_capped += std::min<int>(g.redundant_columns, 3);
    s.effectual_bits += g.effectual_bits;
    s.pragmatic_cycles += g.max_effectual_bits;
    s.bitlet_cycles += g.max_column_ones();
    s.bitwave_columns += g.nonzero_sign_mag_columns();
  }
  return s;
}

void expect_same_summary(const BitSummary& a, const BitSummary& b, const std::string& what) {
  EXPECT_EQ(a.weights, b.weights) << what;
  EXPECT_EQ(a.groups, b.groups) << what;
  EXPECT_EQ(a.zero_values, b.zero_values) << what;
  EXPECT_EQ(a.zero_bits_twos, b.zero_bits_twos) << what;
  EXPECT_EQ(a.zero_bits_sign_mag, b.zero_bits_sign_mag) << what;
  EXPECT_EQ(a.bbs_sparse_bits, b.bbs_sparse_bits) << what;
  EXPECT_EQ(a.all_zero_columns, b.all_zero_columns) << what;
  EXPECT_EQ(a.all_one_columns, b.all_one_columns) << what;
  EXPECT_EQ(a.redundant_columns, b.redundant_columns) << what;
  EXPECT_EQ(a.redundant_columns_capped, b.redundant_columns_capped) << what;
  EXPECT_EQ(a.effectual_bits, b.effectual_bits) << what;
  EXPECT_EQ(a.pragmatic_cycles, b.pragmatic_cycles) << what;
  EXPECT_EQ(a.bitlet_cycles, b.bitlet_cycles) << what;
  EXPECT_EQ(a.bitwave_columns, b.bitwave_columns) << what;
}

GroupByGroup group_by_group(const WeightTensor& t, const std::vector<bool>& sensitive,
                            const AnalysisOptions& o) {
  const GroupLayout layout = make_group_layout(t.shape, o.grouping);
  const auto grouped = to_grouped_order<std::int8_t>(layout, t.values);
  GroupByGroup r;
  for (std::int64_t g = 0; g < layout.group_count(); ++g) {
    const auto begin = std::size_t(layout.group_begin[g]);
    const auto weights = std::span(grouped).subspan(begin, std::size_t(layout.group_length(g)));
    std::vector<std::int16_t> out(weights.size());
    bool kept = false;
    for (auto i = layout.group_begin[g]; i < layout.group_begin[g + 1]; ++i)
      kept = kept || sensitive[std::size_t(layout.channel_of(i))];
    const GroupEncoding e =
        kept ? unpruned_group(weights, out) : prune_group(weights, o.prune, out);
    r.sensitive_groups += kept;
    r.stored_column_sum += e.stored_columns;
    r.size.add_group(std::int64_t(weights.size()), e, kept || o.prune.method == PruneMethod::None);
    add_integer_error(r.error, weights, out);
    std::vector<std::int8_t> base(weights.size());
    stored_values(out, e.constant, base);
    r.before.push_back(group_bits(weights));
    r.after.push_back(group_bits(base));
  }
  return r;
}

TEST(Analysis, RunTotalsMatchTheGroupByGroupDefinition) {
  std::mt19937 rng(31);
  const Shape shapes[] = {{40, 3, 3, 24}, {24, 70}, {16, 1, 3, 3}, {33, 48, 1, 1}};
  for (const PruneMethod method : {PruneMethod::None, PruneMethod::RoundAverage,
                                   PruneMethod::ZeroPoint, PruneMethod::BitFlip}) {
    for (const Shape& shape : shapes) {
      for (const int jobs : {1, 3}) {
        const WeightTensor t = random_tensor(shape, 30.0, std::uint32_t(rng()));
        AnalysisOptions o = options_for(method, 3);
        o.check_samples = 0;
        o.jobs = jobs;
        o.grouping.group_size = 16;
        std::vector<bool> sensitive(static_cast<std::size_t>(shape[0]));
        if (jobs == 3)  // some channels sensitive, some runs without any
          for (std::size_t k = 0; k < sensitive.size(); k += 7) sensitive[k] = true;
        o.given_sensitive = {sensitive};
        const LayerAnalysis a = analyze_weights(std::vector<WeightTensor>{t}, o).front();
        const GroupByGroup expected = group_by_group(t, sensitive, o);
        const std::string what = std::string(prune_method_name(method)) + " jobs " +
                                 std::to_string(jobs) + " shape[0] " + std::to_string(shape[0]);
        EXPECT_EQ(a.sensitive_groups, expected.sensitive_groups) << what;
        EXPECT_EQ(a.stored_column_sum, expected.stored_column_sum) << what;
        EXPECT_EQ(a.size.payload_bits, expected.size.payload_bits) << what;
        EXPECT_EQ(a.size.metadata_bits, expected.size.metadata_bits) << what;
        EXPECT_EQ(a.error.count, expected.error.count) << what;
        EXPECT_EQ(a.error.signal_sq, expected.error.signal_sq) << what;
        EXPECT_EQ(a.error.error_sq, expected.error.error_sq) << what;
        expect_same_summary(a.before, sum_by_definition(expected.before), what + " before");
        expect_same_summary(a.after, sum_by_definition(expected.after), what + " after");
      }
    }
  }
}

TEST(ErrorMetrics, UnchangedWeightsAddTheirSignalAndNoError) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> weight(-128, 127);
  for (const std::size_t size : {std::size_t{0}, std::size_t{7}, std::size_t{(1 << 17) + 3}}) {
    std::vector<std::int8_t> w(size);
    for (auto& v : w) v = std::int8_t(weight(rng));
    if (size > 8) std::fill_n(w.begin(), 1 << 17, std::int8_t{-128});  // the largest squares
    ErrorMetrics fast, reference;
    add_unchanged(fast, w);
    add_integer_error(reference, w, std::vector<std::int16_t>(w.begin(), w.end()));
    EXPECT_EQ(fast.count, reference.count) << size;
    EXPECT_EQ(fast.signal_sq, reference.signal_sq) << size;
    EXPECT_EQ(fast.error_sq, 0.0) << size;
  }
}

}  // namespace
}  // namespace bbs
