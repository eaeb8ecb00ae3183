// The shared bit-serial organisation (Stripes' formulas, BitSim sim/sim/stripes.py) every design
// starts from: tiles, fixed steps per tile, dense 8-bit weight storage, Stripes' energy terms.
#include "model/accel/accel_model.hpp"

#include <cmath>
#include <string>

#include "model/accel/bits.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {
double ceil_div(double a, double b) { return std::ceil(a / b); }
}  // namespace

// Tiles (BitSim sim/sim/stripes.py:113-200 calc_pe_array_tile):
//   conv:   reduction = ceil(k^2/G) * Ci if k^2 > Ci, else ceil(Ci/G) * k^2
//           tiles = reduction * ceil(Co/H) * ceil(Wo/Wc) * Ho
//   linear: tiles = ceil(Ci/G) * ceil(Co/H) * ceil(T/Wc)  (x matrices for attention matmuls)
// BitSim sees a grouped conv as a dense one with Ci = all input channels and works per sample;
// corrected runs each conv group on its own (a depthwise channel occupies one PE row) and
// multiplies by the batch.
TileCount count_tiles(const LayerWork& work, const HardwareConfig& hw, Fidelity fidelity) {
  const double lanes = hw.lanes, rows = hw.pe_rows, cols = hw.pe_cols;
  TileCount t;
  if (!work.is_conv) {
    t.reduction_groups = ceil_div(double(work.in_channels), lanes);
    t.channel_blocks = double(work.matrices) * ceil_div(double(work.out_channels), rows);
    t.spatial_steps = ceil_div(double(work.tokens), cols);
    return t;
  }
  const bool dense = fidelity.dense_grouped_convs;
  const double window = double(work.kernel_area());
  const double in_channels =
      dense ? double(work.in_channels * work.groups) : double(work.in_channels);
  t.reduction_groups = window > in_channels ? ceil_div(window, lanes) * in_channels
                                            : ceil_div(in_channels, lanes) * window;
  t.channel_blocks =
      dense ? ceil_div(double(work.out_channels), rows)
            : double(work.groups) * ceil_div(double(work.out_channels_per_group()), rows);
  t.spatial_steps = ceil_div(double(work.out_w), cols) * double(work.out_h) *
                    (fidelity.per_sample ? 1.0 : double(work.batch));
  return t;
}

ScheduleRun dense_column_schedule(const ScheduleGroup& g) {
  ScheduleRun run;
  for (int b = 7; b >= 0; --b, ++run.cycles) {
    std::int64_t psum = 0;
    for (std::size_t i = 0; i < g.weights.size(); ++i)
      if (twos_bit(g.weights[i], b)) psum += g.activations[i];
    run.result += (b == 7 ? -psum : psum) << b;
  }
  return run;
}

Utilisation ComputeCost::shares() const {
  const double capacity = useful + intra_pe_stall + inter_pe_stall;
  if (capacity <= 0) return {};
  return {useful / capacity, intra_pe_stall / capacity, inter_pe_stall / capacity};
}

WeightNeeds AccelModel::weight_needs(const HardwareConfig& hw, Fidelity) const {
  WeightNeeds needs;
  needs.lanes = hw.lanes;
  return needs;
}

double AccelModel::fixed_steps_per_tile(const LayerWork&, const LayerProfile&,
                                        const HardwareConfig& hw, Fidelity) const {
  return hw.weight_bits;  // one weight bit-column per cycle
}

// Data-dependent designs: cycles = spatial * sum over (channel block, group) of the max steps of
// the block's rows. Utilisation: useful work vs row capacity (intra-PE stall) vs tile capacity
// (inter-PE stall), in multiplier-cycles of the whole array.
ComputeCost AccelModel::compute(const LayerWork& work, const LayerProfile& profile,
                                const HardwareConfig& hw, Fidelity fidelity) const {
  const TileCount tiles = count_tiles(work, hw, fidelity);
  ComputeCost c;
  c.tiles = tiles.total();
  const double multipliers = double(hw.multipliers_per_pe) * hw.pe_cols;
  if (!profile.steps) {
    c.cycles = c.tiles * fixed_steps_per_tile(work, profile, hw, fidelity);
    c.useful = c.cycles * hw.pe_rows * multipliers;
    c.cycle_source = "fixed per tile";
    return c;
  }
  const int rows = work.is_conv && !fidelity.dense_grouped_convs
                       ? int(std::min<std::int64_t>(hw.pe_rows, work.out_channels_per_group()))
                       : hw.pe_rows;
  // Capacity in the units of the useful work: what one row does per step (work_per_step), times
  // the columns; not multipliers_per_pe, which only counts hardware (iso-multiplier accounting).
  const LockstepSums sums = profile.steps->lockstep(rows, fidelity.zero_cycle_tiles ? 0 : 1);
  const double capacity =
      profile.steps->rule().work_per_step(profile.steps->grouping().lanes) * hw.pe_cols;
  c.cycles = sums.tile_cycles * tiles.spatial_steps;
  c.useful = sums.useful * tiles.spatial_steps * hw.pe_cols;
  c.intra_pe_stall = sums.row_cycles * tiles.spatial_steps * capacity - c.useful;
  c.inter_pe_stall = (sums.tile_cycles * rows - sums.row_cycles) * tiles.spatial_steps * capacity;
  c.cycle_source = "data-driven";
  return c;
}

// Activation x activation: no stored operand to prune or encode offline, so no bit sparsity is
// known ahead: each PE pushes all G lanes x Pa bits of the serial operand through its M
// bit-serial multipliers (M = 8 bit-serial equivalents for one 8x8 bit-parallel multiplier):
//   cycles = tiles * ceil(G * Pa / M)
// Stripes G=16 M=16, Pragmatic and BitWave G=8 M=8: 8 cycles; BitVert G=16 M=8: 16 (without
// offline BBS a column can have 16 effectual bits); Bitlet G=32 M=8: 32; bit-parallel 1.
ComputeCost activation_matmul_compute(const LayerWork& work, const HardwareConfig& hw,
                                      Fidelity fidelity, double act_bits) {
  ComputeCost c;
  c.tiles = count_tiles(work, hw, fidelity).total();
  c.cycles = c.tiles * ceil_div(double(hw.lanes) * act_bits, double(hw.multipliers_per_pe));
  c.useful = c.cycles * hw.pe_rows * double(hw.multipliers_per_pe) * hw.pe_cols;
  c.cycle_source = "dense (activation x activation)";
  return c;
}

// Dense storage (BitSim sim/sim/stripes.py:419 _check_layer_mem_size): conv ceil(Ci*P/8)*k^2*Co
// bytes, linear ceil(Ci*P/8)*Co. BitSim's DRAM cycles multiply these bytes by the activation
// precision (sim/sim/stripes.py:202 _calc_dram_cycle).
WeightStorage AccelModel::weight_storage(const LayerWork& work, const LayerProfile&,
                                         const HardwareConfig& hw, Fidelity fidelity) const {
  WeightStorage s;
  const double row_bytes = std::ceil(double(work.in_channels) * hw.weight_bits / 8.0);
  s.bytes = row_bytes * double(work.kernel_area()) * double(work.out_channels);
  s.dram_cycle_bits = s.bytes * (fidelity.dram_double_scaling ? hw.act_bits : 8);
  s.sram_write_bits_per_weight = hw.weight_bits;
  return s;
}

double AccelModel::stored_bits_per_weight(const LayerProfile& profile,
                                          const HardwareConfig&) const {
  return profile.encoded_bits_per_weight;
}

// E_PE = PE energy * H * Wc * cycles (every PE charged every cycle).
double AccelModel::pe_energy_pj(const ComputeCost& c, const HardwareConfig& hw) const {
  return hw.energy.pe_pj_per_cycle * hw.pe_rows * hw.pe_cols * c.cycles +
         hw.energy.scheduler_pj_per_cycle * c.cycles;
}

// E_reg = W_REG * H * cycles + I_REG * Wc * tiles.
double AccelModel::register_energy_pj(const ComputeCost& c, const HardwareConfig& hw) const {
  return hw.energy.weight_reg_pj_per_row_cycle * hw.pe_rows * c.cycles +
         hw.energy.act_reg_pj_per_col_tile * hw.pe_cols * c.tiles;
}

// One full-width read of each SRAM per tile.
std::pair<double, double> AccelModel::sram_reads(const ComputeCost& c, const LayerProfile&,
                                                 const HardwareConfig&, Fidelity) const {
  return {c.tiles, c.tiles};
}

double AccelModel::stored_activation_bytes(double dense_bytes, double, Fidelity) const {
  return dense_bytes;
}

double AccelModel::activation_write_share(double, Fidelity) const { return 1.0; }

}  // namespace bbs::accel
