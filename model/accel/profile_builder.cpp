#include "model/accel/profile_builder.hpp"

#include <map>

#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

AnalysisOptions pruning_options(const WeightNeeds& needs, int jobs, bool keep_spans) {
  AnalysisOptions o;
  o.grouping.group_size = needs.pruning_group;
  o.prune = {parse_prune_method(needs.pruning), needs.pruning == "none" ? 0 : needs.pruned_columns,
             needs.const_bits};
  o.sensitive_fraction = needs.sensitive_fraction;
  o.channel_multiple = needs.sensitive_channel_multiple;
  o.jobs = jobs;
  o.keep_pruned_values = true;
  o.keep_column_spans = keep_spans;
  return o;
}

// BitVert's channel reordering (paper section IV-C): channels of one precision are grouped so
// each tile of H rows has a single precision; sensitive channels first, each class in order.
std::vector<std::int64_t> sensitive_first(const std::vector<bool>& sensitive) {
  std::vector<std::int64_t> order;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t k = 0; k < sensitive.size(); ++k)
      if (sensitive[k] == (pass == 0)) order.push_back(std::int64_t(k));
  return order;
}

}  // namespace

std::vector<LayerProfile> build_profiles(const Workload& workload,
                                         const std::vector<const WeightTensor*>& weights,
                                         const WeightNeeds& needs, Fidelity fidelity, int jobs,
                                         const ProfileInspector& inspect) {
  // Tied weights (an LM head sharing the embedding) are pruned once, as one tensor.
  std::vector<const WeightTensor*> distinct;
  std::map<std::string, std::size_t> index_of;
  for (const WeightTensor* w : weights)
    if (w && index_of.emplace(w->name, distinct.size()).second) distinct.push_back(w);
  std::vector<std::vector<std::size_t>> layers_of(distinct.size());  // execution order
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (weights[i]) layers_of[index_of.at(weights[i]->name)].push_back(i);
  const bool keep_spans = needs.steps == StepKind::StoredColumns || bool(inspect);

  // Streamed: each tensor's analysis becomes the profiles of its layers and is then dropped, so
  // the per-weight vectors of one tensor at a time are in memory (an 8 B-weight LLM fits).
  std::vector<LayerProfile> profiles(workload.layers.size());
  const auto profile_layers = [&](std::size_t tensor, LayerAnalysis&& a) {
    for (std::size_t use = 0; use < layers_of[tensor].size(); ++use) {
      const std::size_t i = layers_of[tensor][use];
      const LayerWork& work = workload.layers[i];
      LayerProfile& p = profiles[i];
      p.sensitive_channels = a.sensitive_channels;
      p.payload_bits_per_weight = a.size.bits_per_weight(false);
      p.encoded_bits_per_weight = a.size.bits_per_weight(true);
      if (use == 0) {
        p.weight_error.count = a.error.count;
        p.weight_error.signal_sq = a.error.signal_sq;
        p.weight_error.error_sq = a.error.error_sq;
      }
      if (needs.steps) {
        if (fidelity.dense_grouped_convs && work.is_conv && work.groups > 1)
          throw Error("layer '" + work.name +
                      "': the bitsim profile cannot evaluate grouped or "
                      "depthwise convs on a data-dependent design (the reference simulator "
                      "crashes there); use --profile corrected");
        const bool bbs = *needs.steps == StepKind::StoredColumns;
        p.steps =
            build_step_records(work, bbs ? a.column_spans : a.pruned, needs.lanes, *needs.steps,
                               bbs ? sensitive_first(a.sensitive) : std::vector<std::int64_t>{});
      }
      if (inspect) inspect(i, a, p);
    }
  };
  analyze_weights(distinct, pruning_options(needs, jobs, keep_spans), profile_layers);
  return profiles;
}

}  // namespace bbs::accel
