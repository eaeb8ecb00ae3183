#include "model/accel/profile_builder.hpp"

#include <map>

#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

// The user's sensitive channels per distinct tensor, for designs that keep sensitive channels
// (empty otherwise, or without a file). Tied tensors must be given the same channels.
std::vector<std::vector<bool>> given_sensitive(const Workload& workload, const WeightNeeds& needs,
                                               Fidelity fidelity,
                                               const std::vector<const WeightTensor*>& distinct,
                                               const std::vector<std::vector<std::size_t>>& uses) {
  if (!workload.sensitive_channels) return {};
  const auto masks =
      resolve_sensitive_channels(*workload.sensitive_channels, workload.layers, fidelity);
  if (needs.pruning.sensitive_fraction <= 0) return {};
  std::vector<std::vector<bool>> given;
  for (std::size_t t = 0; t < distinct.size(); ++t) {
    const std::size_t first = uses[t].front();
    for (const std::size_t i : uses[t])
      if (masks[i] != masks[first])
        throw Error(workload.sensitive_channels->path + ": layers '" + workload.layers[first].name +
                    "' and '" + workload.layers[i].name +
                    "' share one weight tensor but are given different sensitive channels");
    given.push_back(masks[first].empty()
                        ? std::vector<bool>(std::size_t(workload.layers[first].out_channels))
                        : masks[first]);
  }
  return given;
}

AnalysisOptions pruning_options(const WeightNeeds& needs, int jobs, bool keep_values,
                                bool keep_spans) {
  AnalysisOptions o;
  o.grouping.group_size = needs.pruning.group;
  o.prune = needs.pruning.prune;
  o.prune.columns = needs.pruning.pruned_columns();
  o.sensitive_fraction = needs.pruning.sensitive_fraction;
  o.channel_multiple = needs.pruning.channel_multiple;
  o.jobs = jobs;
  o.keep_pruned_values = keep_values;
  o.keep_column_spans = keep_spans;
  o.bit_summaries = false;  // profiles read spans, sizes and errors only
  return o;
}

// The profiles of `needs` (all with one canonical pruning setting) and, if set, an inspector for
// needs[0].
std::vector<std::vector<LayerProfile>> profiles_sharing_analysis(
    const Workload& workload, const std::vector<const WeightTensor*>& weights,
    const std::vector<const WeightNeeds*>& needs, Fidelity fidelity, int jobs,
    const ProfileInspector& inspect) {
  // Tied weights (an LM head sharing the embedding) are pruned once, as one tensor.
  std::vector<const WeightTensor*> distinct;
  std::map<std::string, std::size_t> index_of;
  for (const WeightTensor* w : weights)
    if (w && index_of.emplace(w->name, distinct.size()).second) distinct.push_back(w);
  std::vector<std::vector<std::size_t>> layers_of(distinct.size());  // execution order
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (weights[i]) layers_of[index_of.at(weights[i]->name)].push_back(i);
  // Step records read the pruned values or the column spans (StepRule::reads_column_spans); the
  // inspector both.
  bool keep_values = bool(inspect), keep_spans = bool(inspect);
  for (const WeightNeeds* n : needs) {
    keep_spans |= n->steps && n->steps->reads_column_spans;
    keep_values |= n->steps && !n->steps->reads_column_spans;
  }

  // Streamed: each tensor's analysis becomes the profiles of its layers and is then dropped, so
  // the per-weight vectors of one tensor at a time are in memory (an 8 B-weight LLM fits).
  std::vector<std::vector<LayerProfile>> profiles(
      needs.size(), std::vector<LayerProfile>(workload.layers.size()));
  const auto profile_layers = [&](std::size_t tensor, LayerAnalysis&& a) {
    for (std::size_t use = 0; use < layers_of[tensor].size(); ++use) {
      const std::size_t i = layers_of[tensor][use];
      const LayerWork& work = workload.layers[i];
      for (std::size_t d = 0; d < needs.size(); ++d) {
        const WeightNeeds& n = *needs[d];
        LayerProfile& p = profiles[d][i];
        p.sensitive_channels = a.sensitive_channels;
        p.payload_bits_per_weight = a.size.bits_per_weight(false);
        p.encoded_bits_per_weight = a.size.bits_per_weight(true);
        if (use == 0) {
          p.weight_error.count = a.error.count;
          p.weight_error.signal_sq = a.error.signal_sq;
          p.weight_error.error_sq = a.error.error_sq;
        }
        if (n.steps) {
          if (fidelity.dense_grouped_convs && work.is_conv && work.groups > 1)
            throw Error("layer '" + work.name +
                        "': the bitsim profile cannot evaluate grouped or "
                        "depthwise convs on a data-dependent design (the reference simulator "
                        "crashes there); use --profile corrected");
          const StepRule& rule = *n.steps;
          p.steps = build_step_records(
              work, rule.reads_column_spans ? a.column_spans : a.pruned, n.lanes, rule,
              rule.channel_order ? rule.channel_order(a.sensitive) : std::vector<std::int64_t>{});
        }
        if (inspect && d == 0) inspect(i, a, p);
      }
    }
  };
  AnalysisOptions options = pruning_options(*needs.front(), jobs, keep_values, keep_spans);
  options.given_sensitive =
      given_sensitive(workload, *needs.front(), fidelity, distinct, layers_of);
  analyze_weights(distinct, options, profile_layers);
  return profiles;
}

}  // namespace

std::vector<LayerProfile> build_profiles(const Workload& workload,
                                         const std::vector<const WeightTensor*>& weights,
                                         const WeightNeeds& needs, Fidelity fidelity, int jobs,
                                         const ProfileInspector& inspect) {
  return std::move(
      profiles_sharing_analysis(workload, weights, {&needs}, fidelity, jobs, inspect).front());
}

std::vector<std::vector<LayerProfile>> build_profiles(
    const Workload& workload, const std::vector<const WeightTensor*>& weights,
    const std::vector<WeightNeeds>& needs, Fidelity fidelity, int jobs) {
  // Designs whose pruning settings are canonically equal share each tensor's analysis.
  std::map<std::string, std::vector<std::size_t>> sharing;
  for (std::size_t d = 0; d < needs.size(); ++d) sharing[needs[d].pruning.canonical()].push_back(d);
  std::vector<std::vector<LayerProfile>> profiles(needs.size());
  for (const auto& [key, members] : sharing) {
    std::vector<const WeightNeeds*> group;
    for (std::size_t d : members) group.push_back(&needs[d]);
    auto built = profiles_sharing_analysis(workload, weights, group, fidelity, jobs, {});
    for (std::size_t m = 0; m < members.size(); ++m) profiles[members[m]] = std::move(built[m]);
  }
  return profiles;
}

}  // namespace bbs::accel
