#include "model/bbs/analysis.hpp"

#include <algorithm>
#include <array>

#include "core/large_buffer.hpp"
#include "core/parallel.hpp"
#include "model/bbs/sensitive.hpp"

namespace bbs {
namespace {

std::vector<std::vector<bool>> sensitive_channels(std::span<const WeightTensor* const> tensors,
                                                  const AnalysisOptions& options) {
  std::vector<std::vector<double>> scores;
  for (const WeightTensor* t : tensors) {
    if (options.sensitive_fraction <= 0.0)  // nothing is chosen: no scores to compute
      scores.emplace_back(std::size_t(t->shape.at(0)), 0.0);
    else
      scores.push_back(t->scales.empty() ? channel_std(t->values, t->shape.at(0)) : t->scales);
  }
  return select_sensitive_channels(scores, options.sensitive_fraction, options.channel_multiple);
}

// Whether group g holds a weight of a sensitive channel (kept whole at 8 bits).
bool touches_sensitive(const GroupLayout& layout, const std::vector<bool>& sensitive,
                       std::int64_t g) {
  const auto last = layout.channel_of(layout.group_begin[g + 1] - 1);
  for (auto k = layout.channel_of(layout.group_begin[g]); k <= last; ++k)
    if (sensitive[std::size_t(k)]) return true;
  return false;
}

// What one pass over a run of groups adds up. Every sum is of integers (the error sums are below
// 2^53 and so exact in any order), so runs computed on different threads add to the same totals.
struct GroupTotals {
  BitSummary before, after;
  EncodedSize size;
  std::int64_t sensitive_groups = 0, stored_column_sum = 0;
  ErrorMetrics error;

  void add(const GroupTotals& o) {
    before.add(o.before);
    after.add(o.after);
    size.add(o.size);
    sensitive_groups += o.sensitive_groups;
    stored_column_sum += o.stored_column_sum;
    error.add(o.error);
  }
};

// One pass per group: prune (sensitive groups keep their values), then the bit statistics of
// the int8 weights and of the stored columns (base = W - C), the encoded size and the error.
// Groups stored whole (sensitive, or no pruning) have C = 0 and base = W: their "after"
// statistics are their "before" ones, computed once.
// `grouped` holds the weights in grouped order; `pruned` receives the values and encodings.
// Groups first..last are one contiguous run of grouped order: unpruned values are copied and the
// error summed over the run at once (integer sums, the same totals as group by group), and no
// group is searched for sensitive channels when the tensor has none.
GroupTotals prune_and_count(const GroupLayout& layout, std::span<const std::int8_t> grouped,
                            const std::vector<bool>& sensitive, const AnalysisOptions& options,
                            PrunedTensor& pruned, std::int64_t first, std::int64_t last) {
  GroupTotals t;
  std::array<std::int8_t, kMaxGroupSize> stored{};
  const bool unpruned = options.prune.method == PruneMethod::None;
  const bool any_sensitive = std::find(sensitive.begin(), sensitive.end(), true) != sensitive.end();
  const auto run_begin = std::size_t(layout.group_begin[first]);
  const auto run_length = std::size_t(layout.group_begin[last]) - run_begin;
  const auto run_in = grouped.subspan(run_begin, run_length);
  const auto run_out = std::span<std::int16_t>(pruned.values).subspan(run_begin, run_length);
  if (unpruned) std::copy(run_in.begin(), run_in.end(), run_out.begin());  // every group whole
  for (std::int64_t g = first; g < last; ++g) {
    const auto begin = std::size_t(layout.group_begin[g]);
    const auto length = std::size_t(layout.group_length(g));
    const auto weights = grouped.subspan(begin, length);
    const auto out = std::span<std::int16_t>(pruned.values).subspan(begin, length);
    const bool kept = any_sensitive && touches_sensitive(layout, sensitive, g);
    GroupEncoding& e = pruned.encodings[std::size_t(g)];
    if (!unpruned)
      e = kept ? unpruned_group(weights, out) : prune_group(weights, options.prune, out);
    t.sensitive_groups += kept;
    t.stored_column_sum += e.stored_columns;  // 8 for sensitive and unpruned groups
    t.size.add_group(std::int64_t(length), e, kept || unpruned);
    if (!options.bit_summaries) continue;
    const GroupBits before = group_bits(weights);
    t.before.add(before);
    if (unpruned) continue;  // after = before, set once below
    if (kept) {              // a kept group stores its weights unchanged (C = 0)
      t.after.add(before);
      continue;
    }
    const auto base = std::span<std::int8_t>(stored).first(length);
    stored_values(out, e.constant, base);
    t.after.add(group_bits(base));
  }
  if (unpruned) {
    t.after = t.before;  // every group stored whole: the same columns
    add_unchanged(t.error, run_in);
  } else {
    add_integer_error(t.error, run_in, run_out);
  }
  return t;
}

// Each weight's stored-column span (r << 4) | k and group constant, canonical order.
void column_spans(const GroupLayout& layout, const PrunedTensor& pruned, LayerAnalysis& a) {
  std::vector<std::int16_t> spans(pruned.values.size()), constants(pruned.values.size());
  for (std::int64_t g = 0; g < layout.group_count(); ++g) {
    const GroupEncoding& e = pruned.encodings[std::size_t(g)];
    const bool full = e.stored_columns == 8;  // sensitive and unpruned groups among them
    const auto first = layout.group_begin[g], last = layout.group_begin[g + 1];
    std::fill(spans.begin() + first, spans.begin() + last,
              std::int16_t(full ? 0 : (e.redundant_columns << 4) | e.low_columns));
    std::fill(constants.begin() + first, constants.begin() + last, e.constant);
  }
  a.column_spans = to_canonical_order<std::int16_t>(layout, std::move(spans));
  a.group_constants = to_canonical_order<std::int16_t>(layout, std::move(constants));
}

LayerAnalysis analyze_tensor(const WeightTensor& tensor, const std::vector<bool>& sensitive,
                             const AnalysisOptions& options) {
  const GroupLayout layout = make_group_layout(tensor.shape, options.grouping);
  // Grouped order is the canonical one for linear layers, 1x1 convs and kernel-window groups.
  std::vector<std::int8_t> reordered;
  if (!grouped_order_is_canonical(layout))
    reordered = to_grouped_order<std::int8_t>(layout, tensor.values);
  const std::span<const std::int8_t> grouped =
      reordered.empty() ? std::span<const std::int8_t>(tensor.values) : reordered;
  PrunedTensor pruned{large_vector<std::int16_t>(grouped.size()),
                      large_vector<GroupEncoding>(std::size_t(layout.group_count()))};
  const std::int64_t threads = std::clamp<std::int64_t>(options.jobs, 1, layout.group_count());
  std::vector<GroupTotals> runs(static_cast<std::size_t>(threads));
  parallel_for(threads, options.jobs, [&](std::int64_t first_run, std::int64_t last_run) {
    for (std::int64_t r = first_run; r < last_run; ++r)
      runs[std::size_t(r)] = prune_and_count(layout, grouped, sensitive, options, pruned,
                                             layout.group_count() * r / threads,
                                             layout.group_count() * (r + 1) / threads);
  });
  GroupTotals totals;
  for (const GroupTotals& run : runs) totals.add(run);

  LayerAnalysis a;
  a.name = tensor.name;
  a.shape = tensor.shape;
  a.group_size = layout.effective_group_size;
  a.groups = layout.group_count();
  a.kernel_window_groups = layout.kernel_window;
  a.channels = layout.out_channels;
  a.sensitive = sensitive;
  for (bool s : sensitive) a.sensitive_channels += s;
  a.sensitive_groups = totals.sensitive_groups;
  a.before = totals.before;
  a.after = totals.after;
  a.stored_column_sum = totals.stored_column_sum;
  a.size = totals.size;
  a.size.weights = layout.element_count();
  a.error = totals.error;
  a.check =
      check_dot_products(layout, pruned, options.prune.method, options.check_samples, options.seed);
  if (options.keep_column_spans) column_spans(layout, pruned, a);
  if (options.keep_pruned_values || !tensor.original.empty()) {
    auto canonical = to_canonical_order<std::int16_t>(layout, std::move(pruned.values));
    if (!tensor.original.empty())
      add_float_error(a.error, tensor.original, canonical, tensor.scales);
    if (options.keep_pruned_values) a.pruned = std::move(canonical);
  }
  return a;
}

}  // namespace

void analyze_weights(std::span<const WeightTensor* const> tensors, const AnalysisOptions& options,
                     const AnalysisConsumer& consume, const ProgressFn& progress) {
  options.prune.validate();
  if (!options.given_sensitive.empty() && options.given_sensitive.size() != tensors.size())
    throw Error("analyze_weights: " + std::to_string(options.given_sensitive.size()) +
                " sensitive-channel masks for " + std::to_string(tensors.size()) + " tensors");
  const auto sensitive = options.given_sensitive.empty() ? sensitive_channels(tensors, options)
                                                         : options.given_sensitive;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (progress) progress(i, tensors.size(), tensors[i]->name);
    consume(i, analyze_tensor(*tensors[i], sensitive[i], options));
  }
  if (progress) progress(tensors.size(), tensors.size(), "");
}

std::vector<LayerAnalysis> analyze_weights(std::span<const WeightTensor* const> tensors,
                                           const AnalysisOptions& options,
                                           const ProgressFn& progress) {
  std::vector<LayerAnalysis> layers;
  layers.reserve(tensors.size());
  analyze_weights(
      tensors, options,
      [&](std::size_t, LayerAnalysis&& analysis) { layers.push_back(std::move(analysis)); },
      progress);
  return layers;
}

std::vector<LayerAnalysis> analyze_weights(const std::vector<WeightTensor>& tensors,
                                           const AnalysisOptions& options,
                                           const ProgressFn& progress) {
  std::vector<const WeightTensor*> pointers;
  for (const WeightTensor& t : tensors) pointers.push_back(&t);
  return analyze_weights(pointers, options, progress);
}

LayerAnalysis total_of(const std::vector<LayerAnalysis>& layers) {
  LayerAnalysis total;
  total.name = "total";
  for (const auto& l : layers) {
    total.groups += l.groups;
    total.channels += l.channels;
    total.sensitive_channels += l.sensitive_channels;
    total.sensitive_groups += l.sensitive_groups;
    total.before.add(l.before);
    total.after.add(l.after);
    total.stored_column_sum += l.stored_column_sum;
    total.size.add(l.size);
    total.error.add(l.error);
    total.check.add(l.check);
  }
  return total;
}

}  // namespace bbs
