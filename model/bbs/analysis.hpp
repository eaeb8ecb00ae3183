// The BBS engine's front door: analyze (and prune) the weight tensors of a model.
//
//   int8 weights --group--> bit statistics (before) --prune--> sensitive channels restored
//     --> bit statistics of the stored columns (after), encoded size, weight error, dot-product
//     check
//
// Sensitive channels (paper Algorithm 2) are chosen globally over all tensors passed together.
// A group that contains a weight of a sensitive channel is kept whole at 8 bits (this only differs
// from per-weight masking when reference grouping lets a group straddle two output channels).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "model/bbs/bit_stats.hpp"
#include "model/bbs/dot_check.hpp"
#include "model/bbs/encoding.hpp"
#include "model/bbs/error_metrics.hpp"
#include "model/bbs/grouping.hpp"
#include "model/bbs/prune.hpp"

namespace bbs {

// One weight tensor as the engine receives it (PyTorch layout, canonical row-major order).
struct WeightTensor {
  std::string name;
  Shape shape;
  std::vector<std::int8_t> values;
  std::vector<double> scales;   // per output channel; empty when the input was already int8
  std::vector<float> original;  // float weights before quantization; empty for int8 input
};

struct AnalysisOptions {
  GroupingOptions grouping;
  PruneParams prune;
  double sensitive_fraction = 0.0;
  int channel_multiple = 32;  // CH: sensitive channels per layer round up to this
  // Per tensor, a mask over its output channels: when non-empty these are the sensitive channels
  // (given by the user) and Algorithm 2 is not run.
  std::vector<std::vector<bool>> given_sensitive;
  std::int64_t check_samples = 0;  // groups per tensor for the dot-product check (0: none)
  std::uint64_t seed = 1;
  int jobs = 1;
  bool keep_pruned_values = false;  // fill LayerAnalysis::pruned (for `prune`)
  bool bit_summaries = true;        // fill LayerAnalysis::before and after (bit statistics)
  bool keep_column_spans = false;   // fill LayerAnalysis::column_spans (accelerator models)
};

struct LayerAnalysis {
  std::string name;
  Shape shape;
  int group_size = 0;  // effective (g_eff)
  std::int64_t groups = 0;
  bool kernel_window_groups = false;
  std::int64_t channels = 0;
  std::int64_t sensitive_channels = 0;
  std::vector<bool> sensitive;  // per output channel
  std::int64_t sensitive_groups = 0;
  BitSummary before;                   // the int8 weights (when bit_summaries)
  BitSummary after;                    // the stored columns after pruning (base = W - C), likewise
  std::int64_t stored_column_sum = 0;  // sum over groups of columns the hardware processes
  EncodedSize size;
  ErrorMetrics error;
  DotCheckResult check;
  std::vector<std::int16_t> pruned;  // canonical order, when keep_pruned_values
  // Per weight (canonical order): the stored columns of its group as (r << 4) | k, the top
  // stored column being 7 - r and the lowest k (0 for sensitive and unpruned groups).
  std::vector<std::int16_t> column_spans;     // when keep_column_spans
  std::vector<std::int16_t> group_constants;  // C of each weight's group, likewise
};

using ProgressFn =
    std::function<void(std::size_t done, std::size_t total, const std::string& name)>;

std::vector<LayerAnalysis> analyze_weights(const std::vector<WeightTensor>& tensors,
                                           const AnalysisOptions& options,
                                           const ProgressFn& progress = {});
// The same over tensors held elsewhere (no copies).
std::vector<LayerAnalysis> analyze_weights(std::span<const WeightTensor* const> tensors,
                                           const AnalysisOptions& options,
                                           const ProgressFn& progress = {});

// Streaming: consume(i, analysis) right after tensor i is analysed, so that only one tensor's
// per-weight vectors (pruned values, column spans) are alive at a time.
using AnalysisConsumer = std::function<void(std::size_t index, LayerAnalysis&& analysis)>;
void analyze_weights(std::span<const WeightTensor* const> tensors, const AnalysisOptions& options,
                     const AnalysisConsumer& consume, const ProgressFn& progress = {});

// Totals over layers (name "total").
LayerAnalysis total_of(const std::vector<LayerAnalysis>& layers);

}  // namespace bbs
