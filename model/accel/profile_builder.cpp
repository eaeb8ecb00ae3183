#include "model/accel/profile_builder.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "model/accel/sensitive_channels.hpp"
#include "model/bbs/sensitive.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

// The int8 blocks of the first pass, kept in an unlinked temporary file (page cache, not the
// process's memory) and read back in the order they were written.
class SpillFile {
 public:
  SpillFile() : file_(std::tmpfile()) {
    if (!file_)
      throw Error(std::string("cannot create a temporary file for the weights between the two "
                              "passes over them: ") +
                  std::strerror(errno));
  }
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  ~SpillFile() { std::fclose(file_); }
  void write(const std::vector<std::int8_t>& values) {
    if (std::fwrite(values.data(), 1, values.size(), file_) != values.size())
      throw Error(std::string("temporary weight file: write failed: ") + std::strerror(errno));
  }
  void rewind() {
    if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
      throw Error(std::string("temporary weight file: ") + std::strerror(errno));
  }
  std::vector<std::int8_t> read(std::size_t count) {
    std::vector<std::int8_t> values(count);
    if (std::fread(values.data(), 1, count, file_) != count)
      throw Error("temporary weight file: read back fewer bytes than written");
    return values;
  }

 private:
  std::FILE* file_;
};

// Designs that share one analysis of each tensor.
struct AnalysisGroup {
  std::vector<std::size_t> members;  // indices into needs
  AnalysisOptions options;
  std::vector<std::vector<bool>> sensitive;  // per tensor
};

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

// The user's sensitive channels per tensor. Tied tensors must be given the same channels.
std::vector<std::vector<bool>> given_sensitive(const ProfileBuild& build,
                                               const std::vector<std::vector<std::size_t>>& uses) {
  const Workload& workload = *build.workload;
  const auto masks =
      resolve_sensitive_channels(*workload.sensitive_channels, workload.layers, build.fidelity);
  std::vector<std::vector<bool>> given;
  for (std::size_t t = 0; t < uses.size(); ++t) {
    if (uses[t].empty()) {
      given.emplace_back(std::size_t(build.tensors->shape(t).at(0)), false);
      continue;
    }
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

// One layer's step records, assembled block by block: rows in PE-row order (`order`, identity
// when empty), each block's channels built on their own and copied to their rows.
class StepAssembly {
 public:
  StepAssembly(const LayerWork& work, int lanes, const StepRule& rule,
               std::vector<std::int64_t> order)
      : work_(work),
        lanes_(lanes),
        rule_(rule),
        grouping_(reduction_grouping(work, lanes, rule.flat_groups)),
        row_of_(std::size_t(work.out_channels)),
        steps_(std::size_t(work.out_channels * grouping_.groups_per_channel)),
        useful_(steps_.size()) {
    for (std::size_t row = 0; row < row_of_.size(); ++row)
      row_of_[order.empty() ? row : std::size_t(order[row])] = std::int64_t(row);
  }
  void add_block(std::int64_t first, std::int64_t last, std::span<const std::int16_t> values) {
    LayerWork block = work_;
    block.out_channels = last - first;
    const auto records = build_step_records(block, values, lanes_, rule_);
    const auto per_row = std::size_t(grouping_.groups_per_channel);
    for (std::int64_t k = first; k < last; ++k) {
      const std::size_t from = std::size_t(k - first) * per_row;
      const std::size_t to = std::size_t(row_of_[std::size_t(k)]) * per_row;
      std::copy_n(records->step_values().begin() + std::ptrdiff_t(from), per_row,
                  steps_.begin() + std::ptrdiff_t(to));
      std::copy_n(records->useful_values().begin() + std::ptrdiff_t(from), per_row,
                  useful_.begin() + std::ptrdiff_t(to));
    }
  }
  std::shared_ptr<const StepRecords> finish() {
    return std::make_shared<StepRecords>(rule_, grouping_, std::move(row_of_), std::move(steps_),
                                         std::move(useful_));
  }

 private:
  const LayerWork& work_;
  int lanes_;
  const StepRule& rule_;
  ReductionGrouping grouping_;
  std::vector<std::int64_t> row_of_;
  std::vector<std::uint8_t> steps_;
  std::vector<std::uint16_t> useful_;
};

// What one analysis group's pass over one tensor leaves behind, summed over its blocks.
struct TensorOutcome {
  std::int64_t sensitive_channels = 0;
  EncodedSize size;
  ErrorMetrics error;
  std::vector<std::vector<StepAssembly>> steps;  // [member][use], for members with steps
  LayerAnalysis whole;                           // the analysis, when inspected (one block)
};

class Builder {
 public:
  Builder(const ProfileBuild& build, const std::vector<WeightNeeds>& needs)
      : build_(build), needs_(needs), workload_(*build.workload), source_(*build.tensors) {
    uses_.resize(source_.size());
    for (std::size_t i = 0; i < build.tensor_of_layer.size(); ++i)
      if (build.tensor_of_layer[i] != kNoTensor) uses_[build.tensor_of_layer[i]].push_back(i);
    make_groups();
    plan_blocks();
  }

  std::vector<std::vector<LayerProfile>> run() {
    std::vector<std::vector<LayerProfile>> profiles(
        needs_.size(), std::vector<LayerProfile>(workload_.layers.size()));
    const bool two_passes = choose_sensitive_channels();
    if (two_passes) spill_->rewind();
    for (std::size_t t = 0; t < source_.size(); ++t) {
      if (!wanted(t) || uses_[t].empty()) continue;
      std::vector<TensorOutcome> outcomes = start_tensor(t);
      for (const auto& [first, last] : blocks_[t]) {
        WeightTensor block = two_passes ? read_back(t, first, last) : source_.load(t, first, last);
        for (std::size_t g = 0; g < groups_.size(); ++g)
          analyse_block(t, first, last, block, groups_[g], outcomes[g]);
      }
      for (std::size_t g = 0; g < groups_.size(); ++g) finish_tensor(t, g, outcomes[g], profiles);
    }
    return profiles;
  }

 private:
  bool wanted(std::size_t t) const { return build_.only_tensors.empty() || build_.only_tensors[t]; }

  void make_groups() {
    std::map<std::string, std::size_t> index;  // designs pruning alike (canonical setting)
    for (std::size_t d = 0; d < needs_.size(); ++d) {
      const auto [it, added] = index.emplace(needs_[d].pruning.canonical(), groups_.size());
      if (added) groups_.push_back({});
      groups_[it->second].members.push_back(d);
    }
    for (AnalysisGroup& g : groups_) {
      // Step records read the pruned values or the column spans (StepRule::reads_column_spans);
      // the inspector both.
      bool keep_values = build_.inspect && g.members.front() == 0, keep_spans = keep_values;
      for (std::size_t d : g.members) {
        keep_spans |= needs_[d].steps && needs_[d].steps->reads_column_spans;
        keep_values |= needs_[d].steps && !needs_[d].steps->reads_column_spans;
      }
      g.options = pruning_options(needs_[g.members.front()], build_.jobs, keep_values, keep_spans);
    }
  }

  // Blocks of output channels: a linear layer's weight whose rows hold whole pruning groups is
  // streamed in the source's blocks (every group, channel and reduction group then lies in one
  // block, so the blocks' results add up to the whole tensor's); anything else is read whole.
  void plan_blocks() {
    blocks_.resize(source_.size());
    for (std::size_t t = 0; t < source_.size(); ++t) {
      const Shape& shape = source_.shape(t);
      const std::int64_t channels = shape.at(0);
      bool split = !build_.inspect && shape.size() == 2 && !uses_[t].empty();
      for (std::size_t i : uses_[t]) split &= !workload_.layers[i].is_conv;
      for (const AnalysisGroup& g : groups_)
        split &= g.options.grouping.group_size > 0 &&
                 shape[1] % std::int64_t(g.options.grouping.group_size) == 0;
      const std::int64_t step =
          split ? std::clamp<std::int64_t>(source_.block_channels(t), 1, channels) : channels;
      for (std::int64_t first = 0; first < channels; first += step)
        blocks_[t].emplace_back(first, std::min(channels, first + step));
      if (channels == 0) blocks_[t].emplace_back(0, 0);
    }
  }

  // Per analysis group, the sensitive channels of every tensor: the user's, or Algorithm 2 over
  // the scores of every tensor (a first pass that spills the blocks). True when it read them.
  bool choose_sensitive_channels() {
    // A file of sensitive channels is checked even when no design keeps sensitive channels.
    const auto given = workload_.sensitive_channels ? given_sensitive(build_, uses_)
                                                    : std::vector<std::vector<bool>>{};
    bool scores_needed = false;
    for (AnalysisGroup& g : groups_) {
      if (g.options.sensitive_fraction > 0 && workload_.sensitive_channels) {
        g.sensitive = given;
      } else if (g.options.sensitive_fraction <= 0) {
        for (std::size_t t = 0; t < source_.size(); ++t)
          g.sensitive.emplace_back(std::size_t(source_.shape(t).at(0)), false);
      } else {
        scores_needed = true;
      }
    }
    if (!scores_needed) return false;
    spill_ = std::make_unique<SpillFile>();
    // The score is the per-channel quantization scale (float input) or, for int8 given as is, the
    // per-channel standard deviation of the integers.
    std::vector<std::vector<double>> scores(source_.size());
    for (std::size_t t = 0; t < source_.size(); ++t)
      for (const auto& [first, last] : blocks_[t]) {
        const WeightTensor block = source_.load(t, first, last);
        const auto s =
            block.scales.empty() ? channel_std(block.values, last - first) : block.scales;
        scores[t].insert(scores[t].end(), s.begin(), s.end());
        if (wanted(t) && !uses_[t].empty()) spill_->write(block.values);
      }
    for (AnalysisGroup& g : groups_)
      if (g.sensitive.empty())
        g.sensitive = select_sensitive_channels(scores, g.options.sensitive_fraction,
                                                g.options.channel_multiple);
    return true;
  }

  WeightTensor read_back(std::size_t t, std::int64_t first, std::int64_t last) {
    WeightTensor block;
    block.name = source_.name(t);
    block.shape = source_.shape(t);
    block.shape[0] = last - first;
    block.values = spill_->read(std::size_t(element_count(block.shape)));
    return block;
  }

  std::vector<TensorOutcome> start_tensor(std::size_t t) {
    std::vector<TensorOutcome> outcomes(groups_.size());
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const std::vector<bool>& sensitive = groups_[g].sensitive[t];
      for (std::size_t d : groups_[g].members) {
        outcomes[g].steps.emplace_back();
        const WeightNeeds& n = needs_[d];
        if (!n.steps) continue;
        const StepRule& rule = *n.steps;
        for (std::size_t i : uses_[t]) {
          const LayerWork& work = workload_.layers[i];
          if (build_.fidelity.dense_grouped_convs && work.is_conv && work.groups > 1)
            throw Error("layer '" + work.name +
                        "': the bitsim profile cannot evaluate grouped or "
                        "depthwise convs on a data-dependent design (the reference simulator "
                        "crashes there); use --profile corrected");
          outcomes[g].steps.back().emplace_back(
              work, n.lanes, rule,
              rule.channel_order ? rule.channel_order(sensitive) : std::vector<std::int64_t>{});
        }
      }
    }
    return outcomes;
  }

  void analyse_block(std::size_t t, std::int64_t first, std::int64_t last,
                     const WeightTensor& block, const AnalysisGroup& group,
                     TensorOutcome& outcome) const {
    AnalysisOptions options = group.options;
    const std::vector<bool>& mask = group.sensitive[t];
    options.given_sensitive = {std::vector<bool>(mask.begin() + std::ptrdiff_t(first),
                                                 mask.begin() + std::ptrdiff_t(last))};
    const WeightTensor* one[] = {&block};
    LayerAnalysis a =
        std::move(analyze_weights(std::span<const WeightTensor* const>(one), options).front());
    outcome.sensitive_channels += a.sensitive_channels;
    outcome.size.add(a.size);
    outcome.error.add(a.error);
    for (std::size_t m = 0; m < group.members.size(); ++m) {
      const WeightNeeds& n = needs_[group.members[m]];
      for (StepAssembly& steps : outcome.steps[m])
        steps.add_block(first, last, n.steps->reads_column_spans ? a.column_spans : a.pruned);
    }
    if (build_.inspect && group.members.front() == 0) outcome.whole = std::move(a);
  }

  void finish_tensor(std::size_t t, std::size_t g, TensorOutcome& outcome,
                     std::vector<std::vector<LayerProfile>>& profiles) const {
    const AnalysisGroup& group = groups_[g];
    for (std::size_t m = 0; m < group.members.size(); ++m) {
      const std::size_t d = group.members[m];
      for (std::size_t use = 0; use < uses_[t].size(); ++use) {
        const std::size_t i = uses_[t][use];
        LayerProfile& p = profiles[d][i];
        p.sensitive_channels = outcome.sensitive_channels;
        p.payload_bits_per_weight = outcome.size.bits_per_weight(false);
        p.encoded_bits_per_weight = outcome.size.bits_per_weight(true);
        if (use == 0) {  // a tied tensor's error counts once
          p.weight_error.count = outcome.error.count;
          p.weight_error.signal_sq = outcome.error.signal_sq;
          p.weight_error.error_sq = outcome.error.error_sq;
        }
        if (needs_[d].steps) p.steps = outcome.steps[m][use].finish();
        if (build_.inspect && d == 0) build_.inspect(i, outcome.whole, p);
      }
    }
  }

  const ProfileBuild& build_;
  const std::vector<WeightNeeds>& needs_;
  const Workload& workload_;
  const TensorSource& source_;
  std::vector<std::vector<std::size_t>> uses_;  // per tensor, its layers in execution order
  std::vector<AnalysisGroup> groups_;
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> blocks_;
  std::unique_ptr<SpillFile> spill_;  // between the passes, when there are two
};

}  // namespace

WeightTensor MemoryTensors::load(std::size_t t, std::int64_t first, std::int64_t last) const {
  const WeightTensor& whole = *tensors_[t];
  const auto per_channel =
      std::size_t(element_count(whole.shape) / std::max<std::int64_t>(whole.shape.at(0), 1));
  WeightTensor block{whole.name, whole.shape, {}, {}, {}};
  block.shape[0] = last - first;
  block.values.assign(whole.values.begin() + std::ptrdiff_t(std::size_t(first) * per_channel),
                      whole.values.begin() + std::ptrdiff_t(std::size_t(last) * per_channel));
  if (!whole.scales.empty())
    block.scales.assign(whole.scales.begin() + first, whole.scales.begin() + last);
  return block;
}

std::vector<std::vector<LayerProfile>> build_profiles(const ProfileBuild& build,
                                                      const std::vector<WeightNeeds>& needs) {
  if (needs.empty()) return {};
  return Builder(build, needs).run();
}

std::vector<std::vector<LayerProfile>> build_profiles(
    const Workload& workload, const std::vector<const WeightTensor*>& weights,
    const std::vector<WeightNeeds>& needs, Fidelity fidelity, int jobs,
    const ProfileInspector& inspect) {
  // Tied weights (an LM head sharing the embedding) are one tensor, pruned once.
  std::vector<const WeightTensor*> distinct;
  std::map<std::string, std::size_t> index_of;
  ProfileBuild build{&workload, nullptr, {}, fidelity, jobs, {}, inspect};
  for (const WeightTensor* w : weights) {
    if (!w) {
      build.tensor_of_layer.push_back(kNoTensor);
      continue;
    }
    const auto [it, added] = index_of.emplace(w->name, distinct.size());
    if (added) distinct.push_back(w);
    build.tensor_of_layer.push_back(it->second);
  }
  const MemoryTensors source(std::move(distinct));
  build.tensors = &source;
  return build_profiles(build, needs);
}

std::vector<LayerProfile> build_profiles(const Workload& workload,
                                         const std::vector<const WeightTensor*>& weights,
                                         const WeightNeeds& needs, Fidelity fidelity, int jobs,
                                         const ProfileInspector& inspect) {
  return std::move(
      build_profiles(workload, weights, std::vector<WeightNeeds>{needs}, fidelity, jobs, inspect)
          .front());
}

}  // namespace bbs::accel
