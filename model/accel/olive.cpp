// OliVe [Guo et al., "OliVe: Accelerating Large Language Models via Hardware-friendly
// Outlier-Victim Pair Quantization", ISCA 2023]: weights quantized to 4 bits in outlier-victim
// pairs (an outlier takes its neighbour's slot, the victim is pruned, so every weight occupies
// exactly 4 bits with no side metadata), 8-bit activations, one bit-parallel 4b x 8b multiply per
// PE per cycle (BBS paper, MICRO 2024, §V-H and Table VI: OliVe PE 291.6 um2, 0.18 mW at 28 nm).
//   cycles(tile)  = 1          one lane (G = 1), one product per cycle
//   weight bytes  = ceil(Ci * 4 / 8) * k^2 * Co            (array.weight_bits = 4)
//   bits/weight   = array.weight_bits                      (OVP has no metadata)
//   activation x activation (attention) = ceil(G * 8 / M) = 2 cycles per tile: an 8-bit operand
//   takes two passes through the 4-bit multiplier (M = 4 bit-serial equivalents)
// The values are not re-quantized to OVP here: cycles and storage do not depend on them, and the
// weight error (weight_sqnr_db) and the bit-level check are not modelled for OliVe.
// No BitSim class exists for OliVe (yc2367/BitSim sim/sim/ has none): the bitsim profile refuses it.
#include <string>

#include "model/accel/designs.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {

std::string_view OliVe::name() const { return "olive"; }
std::string_view OliVe::description() const {
  return "OliVe: 4-bit outlier-victim pair weights x 8-bit activations, 1 multiply per PE-cycle";
}

WeightNeeds OliVe::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  if (fidelity == Fidelity::BitSim)
    throw Error("design 'olive': the bitsim profile reproduces the authors' simulator "
                "(yc2367/BitSim), which has no OliVe model; use --profile corrected");
  if (hw.weight_bits != 4 || hw.act_bits != 8 || hw.pruning != "none")
    throw Error("design 'olive': array.weight_bits = " + std::to_string(hw.weight_bits) +
                ", array.act_bits = " + std::to_string(hw.act_bits) + ", pruning.method = " +
                hw.pruning +
                "; the OliVe PE (BBS paper Table VI) multiplies 4-bit weights by 8-bit "
                "activations and prunes nothing: expected 4, 8 and none");
  return AccelModel::weight_needs(hw, fidelity);
}

double OliVe::stored_bits_per_weight(const LayerProfile&, const HardwareConfig& hw) const {
  return hw.weight_bits;
}

double OliVe::fixed_steps_per_tile(const LayerWork&, const LayerProfile&, const HardwareConfig&,
                                   Fidelity) const {
  return 1.0;
}

}  // namespace bbs::accel
