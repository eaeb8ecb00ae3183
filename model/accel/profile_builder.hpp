// The one pass over a network's weights for one design: prune as the design needs (BitVert: BBS,
// BitWave: bit-flip), choose sensitive channels, and build the per-group step records. After this
// no weight is read again: every hardware point is evaluated from the profiles. Several designs
// are profiled together: designs that prune alike (Stripes, Pragmatic and Bitlet all read the
// unpruned weights) share one analysis of each tensor and differ only in their step records.
#pragma once

#include <functional>
#include <vector>

#include "model/accel/accel_model.hpp"
#include "model/accel/network_cost.hpp"
#include "model/bbs/analysis.hpp"

namespace bbs::accel {

// Sees each layer's pruning outcome next to its profile (e.g. for the schedule check).
using ProfileInspector =
    std::function<void(std::size_t layer, const LayerAnalysis& weights, const LayerProfile&)>;

// `weights[i]` is the int8 weight tensor (PyTorch layout) of `workload.layers[i]`, null for an
// attention matmul (no weights: its profile stays the default, dense 8 bits).
std::vector<LayerProfile> build_profiles(const Workload& workload,
                                         const std::vector<const WeightTensor*>& weights,
                                         const WeightNeeds& needs, Fidelity fidelity, int jobs,
                                         const ProfileInspector& inspect = {});
// The profiles of every entry of `needs` (result i for needs[i]), each analysis done once.
std::vector<std::vector<LayerProfile>> build_profiles(
    const Workload& workload, const std::vector<const WeightTensor*>& weights,
    const std::vector<WeightNeeds>& needs, Fidelity fidelity, int jobs);

}  // namespace bbs::accel
