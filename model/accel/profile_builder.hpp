// The pass over a network's weights that turns them into profiles: prune as each design needs
// (BitVert: BBS, BitWave: bit-flip), choose sensitive channels, and build the per-group step
// records. After this no weight is read again: every hardware point is evaluated from the
// profiles.
//
// Streamed, profile once / evaluate many: the weights come from a TensorSource one block of
// output channels at a time, and each block is analysed once per distinct pruning setting of the
// requested designs (designs that prune alike, e.g. Stripes, Pragmatic and Bitlet on the unpruned
// weights, share one analysis and differ only in their step records); only the compact profiles
// (step records, sizes, error sums) are kept. Sensitive channels (paper Algorithm 2) are chosen
// over all tensors at once, so when a design needs them a first pass reads every tensor for its
// channel scores and spills the int8 blocks to an unlinked temporary file, which the second pass
// (prune + profile) reads back instead of generating or decoding the weights again.
#pragma once

#include <functional>
#include <limits>
#include <vector>

#include "model/accel/accel_model.hpp"
#include "model/accel/network_cost.hpp"
#include "model/bbs/analysis.hpp"

namespace bbs::accel {

// The int8 weights of a network's distinct weight tensors (PyTorch layout), handed out a block of
// output channels at a time.
class TensorSource {
 public:
  virtual ~TensorSource() = default;
  virtual std::size_t size() const = 0;
  virtual const std::string& name(std::size_t tensor) const = 0;
  virtual const Shape& shape(std::size_t tensor) const = 0;
  // The most output channels of `tensor` worth loading at once (all of them when the source can
  // only load the whole tensor).
  virtual std::int64_t block_channels(std::size_t tensor) const = 0;
  // Output channels [first, last) of `tensor`: name, block shape, int8 values and, for float
  // weights quantized per channel, the channels' scales; on up to `jobs` threads. Called from
  // several threads at once, for any blocks.
  virtual WeightTensor load(std::size_t tensor, std::int64_t first, std::int64_t last,
                            int jobs) const = 0;
};

// The distinct tensors of a list of in-memory tensors (tied ones once, by name).
class MemoryTensors final : public TensorSource {
 public:
  explicit MemoryTensors(std::vector<const WeightTensor*> tensors) : tensors_(std::move(tensors)) {}
  std::size_t size() const override { return tensors_.size(); }
  const std::string& name(std::size_t t) const override { return tensors_[t]->name; }
  const Shape& shape(std::size_t t) const override { return tensors_[t]->shape; }
  std::int64_t block_channels(std::size_t t) const override { return tensors_[t]->shape.at(0); }
  WeightTensor load(std::size_t t, std::int64_t first, std::int64_t last, int jobs) const override;

 private:
  std::vector<const WeightTensor*> tensors_;
};

inline constexpr std::size_t kNoTensor = std::numeric_limits<std::size_t>::max();

// Sees each layer's pruning outcome next to its profile (e.g. for the schedule check); the tensor
// is then analysed whole.
using ProfileInspector =
    std::function<void(std::size_t layer, const LayerAnalysis& weights, const LayerProfile&)>;

struct ProfileBuild {
  const Workload* workload = nullptr;
  const TensorSource* tensors = nullptr;
  // Per workload layer, the index of its weight tensor in `tensors`; kNoTensor for an attention
  // matmul (no weights: its profile stays the default, dense 8 bits).
  std::vector<std::size_t> tensor_of_layer;
  Fidelity fidelity;
  int jobs = 1;
  // Only these tensors are profiled (empty: all); the others' layers keep default profiles.
  // Sensitive channels are still chosen over every tensor.
  std::vector<bool> only_tensors;
  ProfileInspector inspect;  // for needs[0]
};

// The profiles of every entry of `needs` (result i for needs[i], one per workload layer).
std::vector<std::vector<LayerProfile>> build_profiles(const ProfileBuild& build,
                                                      const std::vector<WeightNeeds>& needs);

// In-memory convenience: `weights[i]` is the int8 tensor of `workload.layers[i]` (null for an
// attention matmul).
std::vector<std::vector<LayerProfile>> build_profiles(
    const Workload& workload, const std::vector<const WeightTensor*>& weights,
    const std::vector<WeightNeeds>& needs, Fidelity fidelity, int jobs,
    const ProfileInspector& inspect = {});
std::vector<LayerProfile> build_profiles(const Workload& workload,
                                         const std::vector<const WeightTensor*>& weights,
                                         const WeightNeeds& needs, Fidelity fidelity, int jobs,
                                         const ProfileInspector& inspect = {});

}  // namespace bbs::accel
