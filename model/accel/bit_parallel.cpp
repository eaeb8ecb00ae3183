// A bit-parallel array of 8x8 multipliers (BBS paper §II-A, Fig. 2a; not one of its evaluated
// baselines): each tile of G lanes finishes in one cycle,
//   cycles = tiles
// With 1 lane per PE and 8 bit-serial-equivalent multipliers per PE, 32 x 16 PEs match the 4096
// bit-serial multipliers of the other designs (iso-multiplier reference).
#include "model/accel/accel_model.hpp"

namespace bbs::accel {
namespace {

class BitParallel final : public AccelModel {
 public:
  std::string_view name() const override { return "bit-parallel"; }
  std::string_view description() const override {
    return "bit-parallel 8x8 multipliers: 1 cycle per tile (iso-multiplier reference)";
  }

  // Every lane multiplies its whole weight by its activation in the one cycle.
  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&, Fidelity) const override {
    ScheduleRun run{0, 1};
    for (std::size_t i = 0; i < g.weights.size(); ++i)
      run.result += std::int64_t(g.weights[i]) * g.activations[i];
    return run;
  }

 protected:
  double fixed_steps_per_tile(const LayerWork&, const LayerProfile&, const HardwareConfig&,
                              Fidelity) const override {
    return 1.0;
  }
};

BBS_REGISTER_DESIGN(BitParallel);

}  // namespace
}  // namespace bbs::accel
