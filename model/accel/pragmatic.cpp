// Pragmatic [MICRO'17]: each lane processes only the non-zero bits of its weight, one term per
// cycle, so a group costs max over its weights of popcount(|w|); the H rows run in lockstep:
//   cycles(tile) = max over rows and lanes of popcount(|w|)      (sign-magnitude)
// BitSim also counts the sign bit as a term (docs/profiles.md defect 4,
// pragmatic-sign-term; BitSim sim/sim/pragmatic.py:112); corrected does not.
// Zero skipping is on-chip only: DRAM and SRAM still hold 8-bit weights.
#include "model/accel/designs.hpp"

namespace bbs::accel {

std::string_view Pragmatic::name() const { return "pragmatic"; }
std::string_view Pragmatic::description() const {
  return "Pragmatic: skips zero bits per weight; latency = weight with the most 1s";
}

WeightNeeds Pragmatic::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
  needs.steps =
      fidelity.pragmatic_sign_term ? StepKind::PragmaticTermsWithSign : StepKind::PragmaticTerms;
  return needs;
}

}  // namespace bbs::accel
