// Bitlet [MICRO'21]: bit-interleaving. Each of the 8 significance lanes drains the 1 bits of its
// two's-complement column across the G weights of a group, one per cycle:
//   cycles(tile) = max over rows and bit columns b of ones(b)
// On-chip only: weights stay 8-bit in DRAM and SRAM.
#include "model/accel/designs.hpp"

namespace bbs::accel {

std::string_view Bitlet::name() const { return "bitlet"; }
std::string_view Bitlet::description() const {
  return "Bitlet: significance lanes drain 1 bits; latency = column with the most 1s";
}

WeightNeeds Bitlet::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
  needs.steps = StepKind::BitletColumnOnes;
  return needs;
}

}  // namespace bbs::accel
