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
// it, pointing to the corrected profile. The schedule check multiplies each lane's weight by its
// activation in one pass (the values are exact); its cycles are not compared, since the int8
// values it runs on are not OVP's 4-bit codes.
#include <cmath>

#include "model/accel/accel_model.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

class OliVe final : public AccelModel {
 public:
  std::string_view name() const override { return "olive"; }
  std::string_view description() const override {
    return "OliVe: 4-bit outlier-victim pair weights x 8-bit activations, 1 multiply per PE-cycle";
  }

  ComputeCost compute(const LayerWork& work, const LayerProfile& profile, const HardwareConfig& hw,
                      Fidelity fidelity) const override {
    if (fidelity == Fidelity::BitSim)
      throw Error(
          "design 'olive': the bitsim profile reproduces the authors' simulator "
          "(yc2367/BitSim), which has no model of this design; use --profile corrected");
    return AccelModel::compute(work, profile, hw, fidelity);
  }

  // OVP stores every weight in array.weight_bits with no side metadata; pruning keys are ignored
  // (OliVe quantizes, it prunes no bit column).
  double stored_bits_per_weight(const LayerProfile&, const HardwareConfig& hw) const override {
    return hw.weight_bits;
  }

  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&, Fidelity) const override {
    ScheduleRun run{0, 1};
    for (std::size_t i = 0; i < g.weights.size(); ++i)
      run.result += std::int64_t(g.weights[i]) * g.activations[i];
    run.cycles_comparable = false;  // int8 values, not OVP codes: see the header
    return run;
  }

 protected:
  double fixed_steps_per_tile(const LayerWork&, const LayerProfile&, const HardwareConfig& hw,
                              Fidelity) const override {
    return std::ceil(double(hw.lanes) * hw.weight_bits / double(hw.multipliers_per_pe));
  }
};

BBS_REGISTER_DESIGN(OliVe);

}  // namespace
}  // namespace bbs::accel
