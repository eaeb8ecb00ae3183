#include "model/accel/profile_builder.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "core/parallel.hpp"
#include "model/accel/sensitive_channels.hpp"
#include "model/bbs/sensitive.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

// The int8 blocks of the first pass, kept in an unlinked temporary file (page cache, not the
// process's memory), each written and read back at its own offset so that blocks of any
// tensors may do so at once. Cheaper than loading a block again even for generated weights
// (README, "Profiling streams the weights").
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
  void write(std::uint64_t offset, std::span<const std::int8_t> values) const {
    for (std::size_t done = 0; done < values.size();) {
      const ssize_t n =
          ::pwrite(fileno(file_), values.data() + done, values.size() - done, off_t(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw Error(std::string("temporary weight file: write failed: ") + std::strerror(errno));
      done += std::size_t(n);
    }
  }
  std::vector<std::int8_t> read(std::uint64_t offset, std::size_t count) const {
    std::vector<std::int8_t> values(count);
    for (std::size_t done = 0; done < count;) {
      const ssize_t n =
          ::pread(fileno(file_), values.data() + done, count - done, off_t(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        throw Error(std::string("temporary weight file: read failed: ") + std::strerror(errno));
      if (n == 0) throw Error("temporary weight file: read back fewer bytes than written");
      done += std::size_t(n);
    }
    return values;
  }

 private:
  std::FILE* file_;
};

// Output channels [first, last) of one tensor, and where the first pass spills their values.
struct Block {
  std::int64_t first = 0, last = 0;
  std::uint64_t spill_offset = 0;
};

// One unit of work: a block of a tensor, loaded, analysed for every analysis group and turned
// into step records by one worker.
struct Unit {
  std::size_t tensor = 0;
  std::size_t block = 0;
};

// A unit of more weights than this (a tensor read whole) runs alone on every thread, so that no
// more than one is held at a time; smaller ones run side by side, one per thread. 16 Mi weights
// is the block that network sources stream (app/network_tensors.cpp).
constexpr std::int64_t kSharedUnitWeights = std::int64_t{1} << 24;

// Designs that share one analysis of each tensor.
struct AnalysisGroup {
  std::vector<std::size_t> members;  // indices into needs
  AnalysisOptions options;
  std::vector<std::vector<bool>> sensitive;  // per tensor
};

AnalysisOptions pruning_options(const WeightNeeds& needs, bool keep_values, bool keep_spans) {
  AnalysisOptions o;
  o.grouping.group_size = needs.pruning.group;
  o.prune = needs.pruning.prune;
  o.prune.columns = needs.pruning.pruned_columns();
  o.sensitive_fraction = needs.pruning.sensitive_fraction;
  o.channel_multiple = needs.pruning.channel_multiple;
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
// when empty), each block's channels written straight into their rows.
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
  // Blocks write disjoint rows, so several may be added at once.
  void add_block(std::int64_t first, std::span<const std::int16_t> values) {
    write_step_records(work_, first, values, lanes_, rule_, row_of_, steps_, useful_);
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

// What one analysis of one block adds to its tensor's profile besides step records.
struct BlockSums {
  std::int64_t sensitive_channels = 0;
  EncodedSize size;
  ErrorMetrics error;
};

// What one analysis group's pass over one tensor leaves behind: each block's sums (added in block
// order, so that the totals are the same for any number of threads), the step records that its
// blocks fill in, and the analysis when inspected (then the tensor is one block).
struct TensorOutcome {
  std::vector<BlockSums> blocks;
  std::vector<std::vector<StepAssembly>> steps;  // [member][use], for members with steps
  LayerAnalysis whole;

  BlockSums total() const {
    BlockSums sum;
    for (const BlockSums& b : blocks) {
      sum.sensitive_channels += b.sensitive_channels;
      sum.size.add(b.size);
      sum.error.add(b.error);
    }
    return sum;
  }
};

// The profiles are built in units of one block of one tensor (Unit), on a pool of build.jobs
// workers; every unit writes only its own block's results, and a tensor is finished (its sums
// added up, its profiles written, the inspector called) in tensor order once all its blocks are
// done, so the profiles are the same for any number of threads.
class Builder {
 public:
  Builder(const ProfileBuild& build, const std::vector<WeightNeeds>& needs)
      : build_(build), needs_(needs), workload_(*build.workload), source_(*build.tensors) {
    uses_.resize(source_.size());
    for (std::size_t i = 0; i < build.tensor_of_layer.size(); ++i)
      if (build.tensor_of_layer[i] != kNoTensor) uses_[build.tensor_of_layer[i]].push_back(i);
    for (std::size_t t = 0; t < source_.size(); ++t)
      if (profiled(t)) profiled_.push_back(t);
    make_groups();
    plan_blocks();
    outcomes_.resize(source_.size());
    blocks_left_ = std::vector<std::atomic<std::size_t>>(source_.size());
  }

  std::vector<std::vector<LayerProfile>> run() {
    profiles_.assign(needs_.size(), std::vector<LayerProfile>(workload_.layers.size()));
    const bool two_passes = choose_sensitive_channels();
    for (std::size_t t : profiled_) {
      outcomes_[t] = start_tensor(t);
      blocks_left_[t] = blocks_[t].size();
    }
    for_each_unit(units_of(profiled_), [&](const Unit& u, int jobs) {
      const Block& b = blocks_[u.tensor][u.block];
      const WeightTensor block =
          two_passes ? read_back(u.tensor, b) : source_.load(u.tensor, b.first, b.last, jobs);
      for (std::size_t g = 0; g < groups_.size(); ++g)
        analyse_block(u, block, groups_[g], outcomes_[u.tensor][g], jobs);
      if (--blocks_left_[u.tensor] == 0) finish_ready();
    });
    return std::move(profiles_);
  }

 private:
  bool profiled(std::size_t t) const {
    return (build_.only_tensors.empty() || build_.only_tensors[t]) && !uses_[t].empty();
  }

  std::int64_t weights_per_channel(std::size_t t) const {
    const Shape& shape = source_.shape(t);
    return element_count(shape) / std::max<std::int64_t>(shape.at(0), 1);
  }

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
      g.options = pruning_options(needs_[g.members.front()], keep_values, keep_spans);
    }
  }

  // Blocks of output channels: a linear layer's weight whose rows hold whole pruning groups is
  // streamed in the source's blocks (every group, channel and reduction group then lies in one
  // block, so the blocks' results add up to the whole tensor's); anything else is read whole.
  // The spill file holds the profiled tensors' blocks one after another.
  void plan_blocks() {
    blocks_.resize(source_.size());
    std::uint64_t spill_bytes = 0;
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
        blocks_[t].push_back({first, std::min(channels, first + step)});
      if (channels == 0) blocks_[t].push_back({});
      if (!profiled(t)) continue;
      for (Block& b : blocks_[t]) {
        b.spill_offset = spill_bytes;
        spill_bytes += std::uint64_t((b.last - b.first) * weights_per_channel(t));
      }
    }
  }

  std::vector<Unit> units_of(const std::vector<std::size_t>& tensors) const {
    std::vector<Unit> units;
    for (std::size_t t : tensors)
      for (std::size_t b = 0; b < blocks_[t].size(); ++b) units.push_back({t, b});
    return units;
  }

  // Runs work(unit, threads) for every unit: one of more than kSharedUnitWeights weights alone
  // with every thread; runs of smaller ones on a pool of workers that each take the next unit
  // with one thread, except the last units of a run, which get every thread since the other
  // workers are about to idle.
  template <typename Work>
  void for_each_unit(const std::vector<Unit>& units, const Work& work) const {
    const int jobs = std::max(1, build_.jobs);
    const auto shared = [&](const Unit& u) {
      const Block& b = blocks_[u.tensor][u.block];
      return (b.last - b.first) * weights_per_channel(u.tensor) <= kSharedUnitWeights;
    };
    for (std::size_t begin = 0; begin < units.size();) {
      if (!shared(units[begin])) {
        work(units[begin++], jobs);
        continue;
      }
      std::size_t end = begin;
      while (end < units.size() && shared(units[end])) ++end;
      const auto count = std::int64_t(end - begin);
      parallel_each(count, jobs, [&](std::int64_t i) {
        work(units[begin + std::size_t(i)], count - i < jobs ? jobs : 1);
      });
      begin = end;
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
    std::vector<std::vector<double>> scores(source_.size());
    std::vector<std::size_t> every(source_.size());
    for (std::size_t t = 0; t < source_.size(); ++t) {
      scores[t].resize(std::size_t(source_.shape(t).at(0)));
      every[t] = t;
    }
    for_each_unit(units_of(every),
                  [&](const Unit& u, int jobs) { score_and_spill(u, jobs, scores[u.tensor]); });
    for (AnalysisGroup& g : groups_)
      if (g.sensitive.empty())
        g.sensitive = select_sensitive_channels(scores, g.options.sensitive_fraction,
                                                g.options.channel_multiple);
    return true;
  }

  // The score is the per-channel quantization scale (float input) or, for int8 given as is, the
  // per-channel standard deviation of the integers.
  void score_and_spill(const Unit& u, int jobs, std::vector<double>& scores) const {
    const Block& b = blocks_[u.tensor][u.block];
    const WeightTensor block = source_.load(u.tensor, b.first, b.last, jobs);
    const auto s =
        block.scales.empty() ? channel_std(block.values, b.last - b.first) : block.scales;
    std::copy(s.begin(), s.end(), scores.begin() + b.first);
    if (profiled(u.tensor)) spill_->write(b.spill_offset, block.values);
  }

  WeightTensor read_back(std::size_t t, const Block& b) const {
    WeightTensor block;
    block.name = source_.name(t);
    block.shape = source_.shape(t);
    block.shape[0] = b.last - b.first;
    block.values = spill_->read(b.spill_offset, std::size_t(element_count(block.shape)));
    return block;
  }

  std::vector<TensorOutcome> start_tensor(std::size_t t) const {
    std::vector<TensorOutcome> outcomes(groups_.size());
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const std::vector<bool>& sensitive = groups_[g].sensitive[t];
      outcomes[g].blocks.resize(blocks_[t].size());
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

  void analyse_block(const Unit& u, const WeightTensor& block, const AnalysisGroup& group,
                     TensorOutcome& outcome, int jobs) const {
    const Block& b = blocks_[u.tensor][u.block];
    AnalysisOptions options = group.options;
    options.jobs = jobs;
    const std::vector<bool>& mask = group.sensitive[u.tensor];
    options.given_sensitive = {std::vector<bool>(mask.begin() + std::ptrdiff_t(b.first),
                                                 mask.begin() + std::ptrdiff_t(b.last))};
    const WeightTensor* one[] = {&block};
    LayerAnalysis a =
        std::move(analyze_weights(std::span<const WeightTensor* const>(one), options).front());
    outcome.blocks[u.block] = {a.sensitive_channels, a.size, a.error};
    for (std::size_t m = 0; m < group.members.size(); ++m) {
      const WeightNeeds& n = needs_[group.members[m]];
      for (StepAssembly& steps : outcome.steps[m])
        steps.add_block(b.first, n.steps->reads_column_spans ? a.column_spans : a.pruned);
    }
    if (build_.inspect && group.members.front() == 0) outcome.whole = std::move(a);
  }

  // Finishes, in tensor order, every tensor whose blocks are all analysed (so the inspector sees
  // the layers in order), and frees what they held.
  void finish_ready() {
    const std::lock_guard lock(finish_mutex_);
    for (; finished_ < profiled_.size() && blocks_left_[profiled_[finished_]] == 0; ++finished_) {
      const std::size_t t = profiled_[finished_];
      for (std::size_t g = 0; g < groups_.size(); ++g) finish_tensor(t, g, outcomes_[t][g]);
      outcomes_[t].clear();
    }
  }

  void finish_tensor(std::size_t t, std::size_t g, TensorOutcome& outcome) {
    const AnalysisGroup& group = groups_[g];
    const BlockSums total = outcome.total();
    for (std::size_t m = 0; m < group.members.size(); ++m) {
      const std::size_t d = group.members[m];
      for (std::size_t use = 0; use < uses_[t].size(); ++use) {
        const std::size_t i = uses_[t][use];
        LayerProfile& p = profiles_[d][i];
        p.sensitive_channels = total.sensitive_channels;
        p.payload_bits_per_weight = total.size.bits_per_weight(false);
        p.encoded_bits_per_weight = total.size.bits_per_weight(true);
        if (use == 0) {  // a tied tensor's error counts once
          p.weight_error.count = total.error.count;
          p.weight_error.signal_sq = total.error.signal_sq;
          p.weight_error.error_sq = total.error.error_sq;
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
  std::vector<std::size_t> profiled_;           // the tensors profiled, in order
  std::vector<AnalysisGroup> groups_;
  std::vector<std::vector<Block>> blocks_;  // per tensor
  std::unique_ptr<SpillFile> spill_;        // between the passes, when there are two
  // While running: per tensor, its outcome per analysis group and the blocks still to analyse;
  // the profiled tensors finished so far (a prefix of profiled_).
  std::vector<std::vector<TensorOutcome>> outcomes_;
  std::vector<std::atomic<std::size_t>> blocks_left_;
  std::mutex finish_mutex_;
  std::size_t finished_ = 0;
  std::vector<std::vector<LayerProfile>> profiles_;
};

}  // namespace

WeightTensor MemoryTensors::load(std::size_t t, std::int64_t first, std::int64_t last,
                                 int /*jobs*/) const {
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
