// OliVe [Guo et al., "OliVe: Accelerating Large Language Models via Hardware-friendly
// Outlier-Victim Pair Quantization", ISCA 2023]: weights quantized to 4 bits in outlier-victim
// pairs (an outlier takes its neighbour's slot, the victim is pruned, so every weight occupies
// exactly 4 bits with no side metadata), 8-bit activations, one bit-parallel 4b x 8b multiply per
// PE per cycle (BBS paper, MICRO 2024, §V-H and Table VI: OliVe PE 291.6 um2, 0.18 mW at 28 nm).
//   cycles(tile)  = ceil(G * Pw / M) = 1    G = 1 lane, Pw = 4 weight bits, M = 4 bit-serial
//                  equivalents (one 4b x 8b multiplier): one product per cycle (8-bit weights
//                  would take 2 passes)
//   weight bytes  = ceil(Ci * Pw / 8) * k^2 * Co           (AccelModel's dense storage)
//   bits/weight   = array.weight_bits                      (OVP has no metadata)
//   activation x activation (attention) = ceil(G * 8 / M) = 2 cycles per tile: an 8-bit operand
//   takes two passes through the 4-bit multiplier (M = 4 bit-serial equivalents)
// The values are not re-quantized to OVP here: cycles and storage do not depend on them, and the
// weight error (weight_sqnr_db) and the bit-level check are not modelled for OliVe.
// No BitSim class exists for OliVe (yc2367/BitSim sim/sim/ has none): the bitsim profile refuses
// it.
#include <cmath>

#include "model/accel/designs.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {

std::string_view OliVe::name() const { return "olive"; }
std::string_view OliVe::description() const {
  return "OliVe: 4-bit outlier-victim pair weights x 8-bit activations, 1 multiply per PE-cycle";
}

// Pruning keys are ignored, as Stripes ignores them: OliVe quantizes, it prunes no bit column.
WeightNeeds OliVe::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  if (fidelity == Fidelity::BitSim)
    throw Error(
        "design 'olive': the bitsim profile reproduces the authors' simulator "
        "(yc2367/BitSim), which has no model of this design; use --profile corrected");
  return AccelModel::weight_needs(hw, fidelity);
}

double OliVe::stored_bits_per_weight(const LayerProfile&, const HardwareConfig& hw) const {
  return hw.weight_bits;
}

double OliVe::fixed_steps_per_tile(const LayerWork&, const LayerProfile&, const HardwareConfig& hw,
                                   Fidelity) const {
  return std::ceil(double(hw.lanes) * hw.weight_bits / double(hw.multipliers_per_pe));
}

}  // namespace bbs::accel
