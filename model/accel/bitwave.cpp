// BitWave [HPCA'24]: bit-column-serial in sign-magnitude over G = 8 lanes; all-zero columns of a
// group are neither stored nor processed; bit-flip (pruning group 32, N columns) makes more.
//   bitsim:    cycles(tile) = max over rows of (non-zero SM columns incl. the sign column) - 1
//              (undercounts when a group has no negative weight, -1 for an all-zero tile;
//              docs/profiles.md defect 5, BitSim sim/sim/bitwave.py:111);
//              weight bytes = ceil(Ci/8) * Pw * k^2 * Co with Pw = 8 - N,
//              DRAM cycles charge bytes * Pw bits (defect 1, sim/sim/bitwave.py:419)
//   corrected: cycles(tile) = max over rows of non-zero magnitude columns (the sign is a negate
//              stage); storage = stored columns + 8-bit column masks from the actual groups.
// One full-width weight SRAM read per cycle (column-serial fetch), activations once per tile;
// 128 weight schedulers per cycle, no weight/activation register terms (BitSim
// sim/sim/bitwave.py:15-21, 440-459).
#include <algorithm>
#include <cmath>
#include <string>

#include "model/accel/designs.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {

std::string_view BitWave::name() const { return "bitwave"; }
std::string_view BitWave::description() const {
  return "BitWave: skips all-zero sign-magnitude columns, bit-flip pruning";
}

WeightNeeds BitWave::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
  needs.pruning = "bit-flip";
  needs.pruning_group = hw.pruning_group;
  needs.pruned_columns = hw.pruned_columns;
  needs.steps =
      fidelity.bitwave_sign_cycle ? StepKind::BitWaveColumnsWithSign : StepKind::BitWaveColumns;
  return needs;
}

namespace {

// BitSim's bit-flip pruner cuts the [K, kh, kw, C] weights into rows of g = min(group, C) with
// torch's reshape, which raises when the weight count is not a multiple of g
// (yc2367/BitSim sim/sim/util/bitflip_layer.py:10-14 conv, 73-76 linear; called with group 32
// from sim/sim/bitwave.py:531-534). The bitsim profile refuses those layers; corrected prunes
// the last group short.
void refuse_where_bitsim_raises(const LayerWork& work, const HardwareConfig& hw) {
  const std::int64_t group = std::min<std::int64_t>(hw.pruning_group, work.in_channels);
  if (work.weight_count() % group == 0) return;
  throw Error("layer '" + work.name + "': " + std::to_string(work.weight_count()) +
              " weights are not a multiple of BitWave's bit-flip group of " +
              std::to_string(group) +
              "; the reference simulator raises here (torch reshape in "
              "sim/sim/util/bitflip_layer.py), so the bitsim profile cannot reproduce it; use "
              "--profile corrected");
}

}  // namespace

ComputeCost BitWave::compute(const LayerWork& work, const LayerProfile& profile,
                             const HardwareConfig& hw, Fidelity fidelity) const {
  if (fidelity == Fidelity::BitSim) refuse_where_bitsim_raises(work, hw);
  ComputeCost c = AccelModel::compute(work, profile, hw, fidelity);
  if (fidelity.bitwave_sign_cycle) c.cycles -= c.tiles;  // the sign column's "-1" per tile
  return c;
}

WeightStorage BitWave::weight_storage(const LayerWork& work, const LayerProfile& profile,
                                      const HardwareConfig& hw, Fidelity fidelity) const {
  WeightStorage s;
  if (fidelity.no_metadata) {
    const double precision = hw.weight_bits - hw.pruned_columns;
    s.bytes = std::ceil(double(work.in_channels) / 8.0) * precision * double(work.kernel_area()) *
              double(work.out_channels);
    s.sram_write_bits_per_weight = precision;
  } else {
    s.bytes = double(work.weight_count()) * profile.encoded_bits_per_weight / 8.0;
    s.sram_write_bits_per_weight = profile.encoded_bits_per_weight;
  }
  s.dram_cycle_bits = s.bytes * (fidelity.dram_double_scaling ? s.sram_write_bits_per_weight : 8.0);
  return s;
}

std::pair<double, double> BitWave::sram_reads(const ComputeCost& c, const LayerProfile&,
                                              const HardwareConfig&, Fidelity) const {
  return {c.cycles, c.tiles};
}

}  // namespace bbs::accel
