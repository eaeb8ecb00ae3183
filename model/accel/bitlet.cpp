// Bitlet [MICRO'21] as BitSim models it (yc2367/BitSim sim/sim/bitlet.py at 6845fad):
// bit-interleaving. Each of the 8 significance lanes drains the 1 bits of its two's-complement
// column across the G weights of a group, one per cycle (BBS paper §II-B, Fig. 2d):
//   steps(row, group) = max over bit columns b of ones(b)
//   cycles(tile)      = max over the tile's rows of steps(row, group)
//   useful work       = sum of the 1 bits, capacity 8 (one per significance lane) per step
// On-chip only: weights stay 8-bit in DRAM and SRAM.
#include "model/accel/accel_model.hpp"
#include "model/accel/bits.hpp"

namespace bbs::accel {
namespace {

GroupStep most_column_ones(std::span<const int> group, int) {
  GroupStep s;
  for (const int ones : column_ones(group)) {
    s.steps = std::uint8_t(std::max(int(s.steps), ones));
    s.useful = std::uint16_t(s.useful + ones);
  }
  return s;
}

double significance_lanes(int) { return 8; }

const StepRule& kColumnOnes =
    register_step_rule({"bitlet-column-ones", most_column_ones, significance_lanes});

class Bitlet final : public AccelModel {
 public:
  std::string_view name() const override { return "bitlet"; }
  std::string_view description() const override {
    return "Bitlet: significance lanes drain 1 bits; latency = column with the most 1s";
  }

  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override {
    WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
    needs.steps = &kColumnOnes;
    return needs;
  }

  // Significance lane b takes the next weight with bit b set each cycle.
  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&, Fidelity) const override {
    ScheduleRun run;
    for (int b = 0; b < 8; ++b) {
      int taken = 0;
      for (std::size_t i = 0; i < g.weights.size(); ++i) {
        if (!twos_bit(g.weights[i], b)) continue;
        const std::int64_t a = g.activations[i];
        run.result += (b == 7 ? -a : a) << b;
        ++taken;  // one cycle of lane b
      }
      run.cycles = std::max(run.cycles, taken);
    }
    return run;
  }
};

BBS_REGISTER_DESIGN(Bitlet);

}  // namespace
}  // namespace bbs::accel
