// The one pass over a network's weights for one design: prune as the design needs (BitVert: BBS,
// BitWave: bit-flip), choose sensitive channels, and build the per-group step records. After this
// no weight is read again: every hardware point is evaluated from the profiles.
#pragma once

#include <vector>

#include "model/accel/accel_model.hpp"
#include "model/accel/network_cost.hpp"
#include "model/bbs/analysis.hpp"

namespace bbs::accel {

// `weights[i]` is the int8 weight tensor (PyTorch layout) of `workload.layers[i]`.
std::vector<LayerProfile> build_profiles(const Workload& workload,
                                         const std::vector<const WeightTensor*>& weights,
                                         const WeightNeeds& needs, Fidelity fidelity, int jobs);

}  // namespace bbs::accel
