// Stripes [MICRO'16]: dense bit-serial, as BitSim models it (yc2367/BitSim sim/sim/stripes.py at
// 6845fad). Every tile costs Pw = 8 cycles, one weight bit-column per cycle for all G lanes
// (sim/sim/stripes.py:113-200 calc_pe_array_tile, cycles = tiles * Pw); weights stored at 8 bits
// (sim/sim/stripes.py:419). BBS paper §II-A, Fig. 2b; §V-A: the normalisation point of Fig. 12-13.
// All cost formulas are AccelModel's defaults.
#include "model/accel/accel_model.hpp"

namespace bbs::accel {
namespace {

class Stripes final : public AccelModel {
 public:
  std::string_view name() const override { return "stripes"; }
  std::string_view description() const override {
    return "Stripes: dense bit-serial, 8 cycles per tile (normalisation point of the paper)";
  }

  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&, Fidelity) const override {
    return dense_column_schedule(g);
  }
};

BBS_REGISTER_DESIGN(Stripes);

}  // namespace
}  // namespace bbs::accel
