#include "model/bbs/analysis.hpp"

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

// Marks groups touching a sensitive channel and restores their original values and encoding.
std::vector<std::uint8_t> keep_sensitive_groups(const GroupLayout& layout,
                                                const std::vector<bool>& sensitive,
                                                std::span<const std::int8_t> grouped,
                                                PrunedTensor& pruned) {
  std::vector<std::uint8_t> is_sensitive(std::size_t(layout.group_count()), 0);
  for (std::int64_t g = 0; g < layout.group_count(); ++g) {
    const auto first = layout.channel_of(layout.group_begin[g]);
    const auto last = layout.channel_of(layout.group_begin[g + 1] - 1);
    for (auto k = first; k <= last; ++k) is_sensitive[std::size_t(g)] |= sensitive[std::size_t(k)];
    if (!is_sensitive[std::size_t(g)]) continue;
    for (auto i = layout.group_begin[g]; i < layout.group_begin[g + 1]; ++i)
      pruned.values[std::size_t(i)] = grouped[std::size_t(i)];
    pruned.encodings[std::size_t(g)] = GroupEncoding{};
  }
  return is_sensitive;
}

LayerAnalysis analyze_tensor(const WeightTensor& tensor, const std::vector<bool>& sensitive,
                             const AnalysisOptions& options) {
  const GroupLayout layout = make_group_layout(tensor.shape, options.grouping);
  const auto grouped = to_grouped_order<std::int8_t>(layout, tensor.values);
  PrunedTensor pruned = prune_groups(layout, grouped, options.prune, options.jobs);
  const auto sensitive_groups = keep_sensitive_groups(layout, sensitive, grouped, pruned);
  const auto stored = stored_values(layout, pruned);

  LayerAnalysis a;
  a.name = tensor.name;
  a.shape = tensor.shape;
  a.group_size = layout.effective_group_size;
  a.groups = layout.group_count();
  a.kernel_window_groups = layout.kernel_window;
  a.channels = layout.out_channels;
  a.sensitive = sensitive;
  for (bool s : sensitive) a.sensitive_channels += s;
  for (auto s : sensitive_groups) a.sensitive_groups += s;
  auto groups_before = profile_groups(layout, grouped, options.jobs);
  auto groups_after = profile_groups(layout, stored, options.jobs);
  a.before = summarize(groups_before);
  a.after = summarize(groups_after);
  std::vector<std::int16_t> group_columns(std::size_t(layout.group_count()));
  for (std::size_t g = 0; g < group_columns.size(); ++g) {
    const bool full = sensitive_groups[g] || options.prune.method == PruneMethod::None;
    group_columns[g] = std::int16_t(full ? 8 : pruned.encodings[g].stored_columns);
    a.stored_column_sum += group_columns[g];
  }
  a.size = encoded_size(layout, pruned.encodings, sensitive_groups, options.prune.method);
  a.check =
      check_dot_products(layout, pruned, options.prune.method, options.check_samples, options.seed);

  if (options.keep_column_spans) {
    std::vector<std::int16_t> spans(pruned.values.size()), constants(pruned.values.size());
    for (std::int64_t g = 0; g < layout.group_count(); ++g) {
      const GroupEncoding& e = pruned.encodings[std::size_t(g)];
      const bool full = group_columns[std::size_t(g)] == 8;
      const auto first = layout.group_begin[g], last = layout.group_begin[g + 1];
      std::fill(spans.begin() + first, spans.begin() + last,
                std::int16_t(full ? 0 : (e.redundant_columns << 4) | e.low_columns));
      std::fill(constants.begin() + first, constants.begin() + last, e.constant);
    }
    a.column_spans = to_canonical_order<std::int16_t>(layout, spans);
    a.group_constants = to_canonical_order<std::int16_t>(layout, constants);
  }
  auto canonical = to_canonical_order<std::int16_t>(layout, pruned.values);
  a.error = integer_error(tensor.values, canonical);
  if (!tensor.original.empty()) add_float_error(a.error, tensor.original, canonical, tensor.scales);
  if (options.keep_pruned_values) a.pruned = std::move(canonical);
  if (options.keep_group_bits) {
    a.groups_before = std::move(groups_before);
    a.groups_after = std::move(groups_after);
    a.encodings = std::move(pruned.encodings);
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
