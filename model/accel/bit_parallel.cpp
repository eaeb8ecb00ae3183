// A bit-parallel array of 8x8 multipliers (the paper's Fig. 2a reference; not one of its
// evaluated baselines): each tile of G lanes finishes in one cycle. With 1 lane per PE and
// 8 bit-serial-equivalent multipliers per PE, 32 x 16 PEs match the 4096 bit-serial multipliers
// of the other designs.
#include "model/accel/designs.hpp"

namespace bbs::accel {

std::string_view BitParallel::name() const { return "bit-parallel"; }
std::string_view BitParallel::description() const {
  return "bit-parallel 8x8 multipliers: 1 cycle per tile (iso-multiplier reference)";
}

double BitParallel::fixed_steps_per_tile(const LayerWork&, const LayerProfile&,
                                         const HardwareConfig&, Fidelity) const {
  return 1.0;
}

}  // namespace bbs::accel
