// BitVert [this paper]: BBS bit-column-serial PEs (16 lanes, 8 multipliers), one stored column
// per cycle; pruned groups store 8 - N columns (+ 8-bit metadata), sensitive channels 8.
//   bitsim:    cycles(tile) = r_h * 8 + (1 - r_h) * (8 - N)    r_h = sensitive channels / Co
//              (fractional: assumes channels reordered so every tile has one precision)
//              weight bytes = #w * Pw_eff / 8, Pw_eff = r_h * 8 + r_l * (8 - N), no metadata;
//              DRAM cycles charge bytes * Pw_eff bits (docs/profiles.md defect 1,
//              dram-double-scaling; BitSim sim/sim/bitvert.py:379)
//   corrected: cycles(tile) = max over the tile's rows of the stored columns of their BBS groups
//              (data-driven: redundant columns found, sensitive channels, ragged tiles);
//              storage = encoded bits incl. metadata + a 16-bit channel index per channel;
//              SRAM reads and writes move only the stored columns.
// bitvert.bidirectional = false (both profiles; BitSim en_bbs=False): unpruned two's-complement
//   weights, only zero bits skipped: cycles(tile) = max over rows of
//   sum over the 8 columns of ceil(ones / (G/2)), at least 1; weights stored at 8 bits.
#include <cmath>

#include "model/accel/designs.hpp"

namespace bbs::accel {
namespace {

double sensitive_ratio(const LayerWork& work, const LayerProfile& profile) {
  return double(profile.sensitive_channels) / double(work.out_channels);
}

double low_precision(const HardwareConfig& hw) {
  return hw.pruning == "none" ? hw.weight_bits : hw.weight_bits - hw.pruned_columns;
}

double bitsim_effective_bits(const LayerWork& work, const LayerProfile& profile,
                             const HardwareConfig& hw) {
  const double high = sensitive_ratio(work, profile);
  return high * hw.weight_bits + (1.0 - high) * low_precision(hw);
}

}  // namespace

std::string_view BitVert::name() const { return "bitvert"; }
std::string_view BitVert::description() const {
  return "BitVert: bi-directional bit sparsity (BBS), binary-pruned columns, 1 column per cycle";
}

WeightNeeds BitVert::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
  needs.pruning = hw.pruning;
  needs.pruning_group = hw.pruning_group;
  needs.pruned_columns = hw.pruned_columns;
  needs.const_bits = hw.const_bits;
  needs.sensitive_fraction = hw.sensitive_fraction;
  needs.sensitive_channel_multiple = hw.sensitive_channel_multiple;
  if (!hw.bitvert_bidirectional)
    needs.steps = StepKind::ZeroSkipColumns;
  else if (!fidelity.fixed_bitvert_cycles)
    needs.steps = StepKind::StoredColumns;
  return needs;
}

double BitVert::fixed_steps_per_tile(const LayerWork& work, const LayerProfile& profile,
                                     const HardwareConfig& hw, Fidelity) const {
  return bitsim_effective_bits(work, profile, hw);
}

WeightStorage BitVert::weight_storage(const LayerWork& work, const LayerProfile& profile,
                                      const HardwareConfig& hw, Fidelity fidelity) const {
  constexpr double kChannelIndexBits = 16;
  WeightStorage s;
  const double payload_bits = fidelity.fixed_bitvert_cycles
                                  ? bitsim_effective_bits(work, profile, hw)
                                  : profile.payload_bits_per_weight;
  const double metadata_bits =
      fidelity.no_metadata ? 0.0
                           : profile.encoded_bits_per_weight - profile.payload_bits_per_weight;
  // The channel index records the sensitive-channel reordering; unpruned weights have none.
  const double index_bits = fidelity.no_metadata || hw.pruning == "none"
                                ? 0.0
                                : kChannelIndexBits * double(work.out_channels);
  const double bits = payload_bits + metadata_bits;
  s.bytes = (double(work.weight_count()) * bits + index_bits) / 8.0;
  s.dram_cycle_bits = s.bytes * (fidelity.dram_double_scaling ? bits : 8.0);
  s.sram_write_bits_per_weight = fidelity.no_onchip_compression ? hw.act_bits : bits;
  return s;
}

std::pair<double, double> BitVert::sram_reads(const ComputeCost& c, const LayerProfile& profile,
                                              const HardwareConfig&, Fidelity fidelity) const {
  if (fidelity.no_onchip_compression) return {c.tiles, c.tiles};
  return {c.tiles * profile.payload_bits_per_weight / 8.0, c.tiles};
}

}  // namespace bbs::accel
