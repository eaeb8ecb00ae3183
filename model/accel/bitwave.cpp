// BitWave [HPCA'24] as BitSim models it (yc2367/BitSim sim/sim/bitwave.py at 6845fad):
// bit-column-serial in sign-magnitude over G = 8 lanes; all-zero columns of a group are neither
// stored nor processed; bit-flip pruning (group 32, N columns) makes more (BBS paper §II-B, §V-A).
//   bitsim:    cycles(tile) = max over rows of (non-zero SM columns incl. the sign column) - 1
//              (undercounts when a group has no negative weight, -1 for an all-zero tile;
//              defect bitwave-sign-cycle, docs/profiles.md defect 5, sim/sim/bitwave.py:111);
//              weight bytes = ceil(Ci/8) * Pw * k^2 * Co with Pw = 8 - N,
//              DRAM cycles charge bytes * Pw bits (defect 1, sim/sim/bitwave.py:419)
//   corrected: cycles(tile) = max over rows of non-zero magnitude columns (the sign is a negate
//              stage); storage = stored columns + 8-bit column masks from the actual groups.
// One full-width weight SRAM read per cycle (column-serial fetch), activations once per tile;
// 128 weight schedulers per cycle, no weight/activation register terms (sim/sim/bitwave.py:15-21,
// 440-459).
#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

#include "model/accel/accel_model.hpp"
#include "model/accel/bits.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

const DefectSwitch& kSignCycle =
    register_defect_switch("bitwave", "bitwave-sign-cycle", "sim/sim/bitwave.py:111",
                           "BitWave subtracts one sign cycle per tile",
                           /*charges_empty_tiles_below_one=*/true);

// Non-zero magnitude columns (+ the sign column when BitSim counts it and a weight is negative).
template <bool kSignColumn>
GroupStep nonzero_columns(std::span<const int> group, int) {
  unsigned columns = 0;
  bool negative = false;
  for (int w : group) {
    columns |= magnitude(w);
    negative |= w < 0;
  }
  GroupStep s;
  s.steps = std::uint8_t(std::popcount(columns) + (kSignColumn && negative ? 1 : 0));
  s.useful = std::uint16_t(std::popcount(columns) * int(group.size()));
  return s;
}

double lanes_per_step(int lanes) { return lanes; }  // one column of the group's weights

const StepRule& kColumns =
    register_step_rule({"bitwave-columns", nonzero_columns<false>, lanes_per_step});
const StepRule& kColumnsWithSign =
    register_step_rule({"bitwave-columns-with-sign", nonzero_columns<true>, lanes_per_step});

// BitSim's bit-flip pruner cuts the [K, kh, kw, C] weights into rows of g = min(group, C) with
// torch's reshape, which raises when the weight count is not a multiple of g
// (yc2367/BitSim sim/sim/util/bitflip_layer.py:10-14 conv, 73-76 linear; called with group 32
// from sim/sim/bitwave.py:531-534). The bitsim profile refuses those layers; corrected prunes
// the last group short.
void refuse_where_bitsim_raises(const LayerWork& work, const HardwareConfig& hw) {
  const std::int64_t group = std::min<std::int64_t>(hw.pruning.group, work.in_channels);
  if (work.weight_count() % group == 0) return;
  throw Error("layer '" + work.name + "': " + std::to_string(work.weight_count()) +
              " weights are not a multiple of BitWave's bit-flip group of " +
              std::to_string(group) +
              "; the reference simulator raises here (torch reshape in "
              "sim/sim/util/bitflip_layer.py), so the bitsim profile cannot reproduce it; use "
              "--profile corrected");
}

class BitWave final : public AccelModel {
 public:
  std::string_view name() const override { return "bitwave"; }
  std::string_view description() const override {
    return "BitWave: skips all-zero sign-magnitude columns, bit-flip pruning";
  }

  // Bit-flip pruning at the config's group and columns, whatever [pruning] method says.
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override {
    WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
    needs.pruning.prune.method = PruneMethod::BitFlip;
    needs.pruning.group = hw.pruning.group;
    needs.pruning.prune.columns = hw.pruning.prune.columns;
    needs.steps = fidelity.on(kSignCycle) ? &kColumnsWithSign : &kColumns;
    return needs;
  }

  ComputeCost compute(const LayerWork& work, const LayerProfile& profile, const HardwareConfig& hw,
                      Fidelity fidelity) const override {
    if (fidelity == Fidelity::BitSim) refuse_where_bitsim_raises(work, hw);
    ComputeCost c = AccelModel::compute(work, profile, hw, fidelity);
    if (fidelity.on(kSignCycle)) c.cycles -= c.tiles;  // the sign column's "-1" per tile
    return c;
  }

  WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                               const HardwareConfig& hw, Fidelity fidelity) const override {
    WeightStorage s;
    if (fidelity.no_metadata) {
      const double precision = hw.weight_bits - hw.pruning.prune.columns;
      s.bytes = std::ceil(double(work.in_channels) / 8.0) * precision * double(work.kernel_area()) *
                double(work.out_channels);
      s.sram_write_bits_per_weight = precision;
    } else {
      s.bytes = double(work.weight_count()) * profile.encoded_bits_per_weight / 8.0;
      s.sram_write_bits_per_weight = profile.encoded_bits_per_weight;
    }
    s.dram_cycle_bits =
        s.bytes * (fidelity.dram_double_scaling ? s.sram_write_bits_per_weight : 8.0);
    return s;
  }

  std::pair<double, double> sram_reads(const ComputeCost& c, const LayerProfile&,
                                       const HardwareConfig&, Fidelity) const override {
    return {c.cycles, c.tiles};
  }

  // One non-zero magnitude column per cycle, each lane negated by its weight's sign.
  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&,
                           Fidelity fidelity) const override {
    ScheduleRun run;
    bool negative = false;
    for (int b = 6; b >= 0; --b) {
      std::int64_t psum = 0;
      bool any = false;
      for (std::size_t i = 0; i < g.weights.size(); ++i) {
        negative |= g.weights[i] < 0;
        if ((magnitude(g.weights[i]) >> b) & 1u) {
          psum += sign(g.weights[i]) * std::int64_t(g.activations[i]);
          any = true;
        }
      }
      if (!any) continue;
      run.result += psum << b;
      ++run.cycles;
    }
    // BitSim's column count includes the sign column; its "-1" is per tile.
    if (fidelity.on(kSignCycle) && negative) ++run.cycles;
    return run;
  }
};

BBS_REGISTER_DESIGN(BitWave);

}  // namespace
}  // namespace bbs::accel
