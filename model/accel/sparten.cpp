// SparTen [Gondimalla et al., MICRO'19]: value-sparse and bit-parallel, two-sided (skips zero
// weights and zero activations), bitmask encoding, a local buffer in every PE; as BitSim models it
// (yc2367/BitSim sim/sim/sparten.py, profile sim/model_profile/meters/sparten_profiler.py):
// G = 128-long PE dot products, H x Wc = 32 x 16 PEs, one 8-bit MAC per PE per cycle.
//
// Effectual pairs. BitSim counts, from recorded tensors, the pairs w x a != 0 of every 128-run
// eff(k, g, position) of filter k's flattened (Ci, kh, kw) weights. We have the weights and the
// activations' value density d (model/accel/activation_stats.hpp), so with weight and activation
// zeros independent:
//   E[eff(k, g, position)] = nz(k, g) * d,     nz = non-zero weights of the run (exact)
// Cycles. A tile is H filters x Wc positions on one run; it costs the busiest PE, at least the
// time to refill a column's local inputs:
//   cycles(tile) = max(max over its PEs of eff, L),  L = max(1, G * (Pa + 1) * Wc / act-SRAM bits)
//   (= 16 for 128 lanes, 16 columns and BitSim's 1152-bit activation SRAM)
//   We take max_k nz(k, g) * d for the max over PEs: by Jensen E[max] >= max E, so the expected
//   busiest PE is at least this and SparTen's cycles are a lower bound (its speedup an upper one).
//   Tiles per layer: ceil(Co/H) x runs x spatial steps (conv: Ho * ceil(Wo/Wc); linear:
//   ceil(T/Wc), BitSim profiles at most 128 tokens: defect sparten-token-cap).
// Storage (bytes): weights ceil(W * dw / 8) * 8 (+ W/8 for their bitmask in corrected: defect
//   no-metadata), activations ceil(A * d * 9/8 / 8) * 8 (values + 1-bit mask per 8-bit value).
// Energy (pJ), with E_mac = energy.pe_pj_per_cycle = 1.3 per effectual MAC:
//   PE            E_mac * sum eff
//   local buffer  (reported as registers) read:  R_lb / (H Wc) * sum eff
//                                          write: per tile, W_lb/2 + W_lb/2/32 (weights reused 32x)
//   SRAM read     act: Wc per tile, weight: H / 32 per tile (full-width accesses)
//   SRAM write    Stripes' words x density (weights at density 1 in BitSim: defect
//                 sparten-dense-weight-writes)
//   BitSim counts the buffer-energy tiles with Stripes' grouping at G = 128 (defect
//   sparten-stripes-tiles); corrected uses SparTen's own runs.
#include <algorithm>
#include <cmath>

#include "model/accel/accel_model.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

const DefectSwitch& kTokenCap = register_defect_switch(
    "sparten", "sparten-token-cap", "sim/model_profile/meters/sparten_profiler.py",
    "SparTen's linear layers profiled on at most 128 tokens (ViT's 197 undercounted)");
const DefectSwitch& kStripesTiles = register_defect_switch(
    "sparten", "sparten-stripes-tiles", "sim/sim/sparten.py",
    "SparTen's SRAM and local-buffer energies count Stripes' tiles, not its 128-groups");
const DefectSwitch& kDenseWeightWrites = register_defect_switch(
    "sparten", "sparten-dense-weight-writes", "sim/sim/sparten.py",
    "SparTen's SRAM weight writes at density 1 (its footprint uses the real density)");

// The non-zero weights of a flat run (value sparsity; one MAC per PE per cycle).
GroupStep nonzero_values(std::span<const int> group, int) {
  GroupStep s;
  for (int w : group) s.useful = std::uint16_t(s.useful + (w != 0 ? 1 : 0));
  s.steps = std::uint8_t(std::min<int>(s.useful, 255));
  return s;
}

double one_mac_per_step(int) { return 1; }

const StepRule& kNonZeroValues = register_step_rule({.name = "non-zero-values",
                                                     .step = nonzero_values,
                                                     .work_per_step = one_mac_per_step,
                                                     .flat_groups = true});

// The PE-local buffer (BitSim sim/sim/sparten.py: 288 KiB in H*Wc/8*9 = 576 banks of 16 bits,
// 1r1w, 28 nm), costed by CACTI 7 as BitSim runs it: data/tech/cacti_sram.csv row
// 28,294912,576,16 (1r1w, bitsim-config): 0.321429 pJ read, 0.490937 pJ write per bank.
constexpr double kLocalBufferReadPj = 576 * 0.321429;   // one full-width read, all banks
constexpr double kLocalBufferWritePj = 576 * 0.490937;  // one full-width write, all banks
// BitSim's minimum write granularity (128 * 8 * 576 bits) exceeds the 9216-bit width, so its
// "64-bit" write cost is the full-width cost scaled up by 589824 / 9216 = 64.
constexpr double kLocalBufferMinWritePj = kLocalBufferWritePj * (128.0 * 8 * 576) / (576 * 16);
constexpr double kWeightReuse = 32;  // BitSim LOCAL_OUTPUT_BUFFER_SIZE: weights reused 32 times

double ceil_div(double a, double b) { return std::ceil(a / b); }

// Spatial steps of one (channel block, run): conv Ho * ceil(Wo/Wc) (x batch in corrected),
// linear ceil(T/Wc) with BitSim's 128-token cap.
double spatial_steps(const LayerWork& work, const HardwareConfig& hw, Fidelity fidelity) {
  const double batch = fidelity.per_sample ? 1.0 : double(work.batch);
  if (work.is_conv) return double(work.out_h) * ceil_div(double(work.out_w), hw.pe_cols) * batch;
  const double tokens =
      fidelity.on(kTokenCap) ? std::min<double>(double(work.tokens), 128) : double(work.tokens);
  return ceil_div(tokens, hw.pe_cols) * double(work.matrices);
}

// c.useful counts multiplier-cycles, M per MAC (also for the dense attention matmuls).
double effectual_macs(const ComputeCost& c, const HardwareConfig& hw) {
  return c.useful / hw.multipliers_per_pe;
}

// At least one cycle: a narrow group on a wide activation SRAM refills in under one.
double buffer_load_cycles(const HardwareConfig& hw) {
  return std::max(
      1.0, double(hw.lanes) * (hw.act_bits + 1) * hw.pe_cols / double(hw.act_sram.access_bits()));
}

class SparTen final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override;
  ScheduleRun run_schedule(const ScheduleGroup& group, const HardwareConfig& hw,
                           Fidelity fidelity) const override;
  ComputeCost compute(const LayerWork& work, const LayerProfile& profile, const HardwareConfig& hw,
                      Fidelity fidelity) const override;
  WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                               const HardwareConfig& hw, Fidelity fidelity) const override;
  double pe_energy_pj(const ComputeCost& compute, const HardwareConfig& hw) const override;
  double register_energy_pj(const ComputeCost& compute, const HardwareConfig& hw) const override;
  std::pair<double, double> sram_reads(const ComputeCost& compute, const LayerProfile& profile,
                                       const HardwareConfig& hw, Fidelity fidelity) const override;
  double stored_activation_bytes(double dense_bytes, double density,
                                 Fidelity fidelity) const override;
  double activation_write_share(double density, Fidelity fidelity) const override;
};

std::string_view SparTen::name() const { return "sparten"; }
std::string_view SparTen::description() const {
  return "SparTen: two-sided value sparsity, bit-parallel, bitmask encoding";
}

WeightNeeds SparTen::weight_needs(const HardwareConfig& hw, Fidelity fidelity) const {
  WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
  needs.steps = &kNonZeroValues;
  return needs;
}

// The AND of the two bitmasks: one effectual pair per cycle. The model charges the weight side's
// non-zeros times a density, not this group's pairs, so its cycles are not comparable.
ScheduleRun SparTen::run_schedule(const ScheduleGroup& g, const HardwareConfig&, Fidelity) const {
  ScheduleRun run;
  for (std::size_t i = 0; i < g.weights.size(); ++i)
    if (g.weights[i] != 0 && g.activations[i] != 0) {
      run.result += std::int64_t(g.weights[i]) * g.activations[i];
      ++run.cycles;
    }
  run.cycles_comparable = false;
  return run;
}

// c.tiles: the tiles the buffer energies count; c.useful: expected effectual MACs.
ComputeCost SparTen::compute(const LayerWork& work, const LayerProfile& profile,
                             const HardwareConfig& hw, Fidelity fidelity) const {
  if (!profile.steps)
    throw Error("layer '" + work.name + "': SparTen needs the layer's weights (non-zero counts)");
  const StepRecords& nz = *profile.steps;
  const double density = work.input_density, floor_cycles = buffer_load_cycles(hw);
  const double spatial = spatial_steps(work, hw, fidelity);
  const std::int64_t runs = nz.grouping().groups_per_channel;
  double tile_cycles = 0, busiest_sum = 0, nonzero = 0;
  for (std::int64_t first = 0; first < nz.channels(); first += hw.pe_rows) {
    const std::int64_t last = std::min<std::int64_t>(nz.channels(), first + hw.pe_rows);
    for (std::int64_t g = 0; g < runs; ++g) {
      int busiest = 0;
      for (std::int64_t k = first; k < last; ++k) {
        busiest = std::max<int>(busiest, nz.steps(k, g));
        nonzero += nz.steps(k, g);
      }
      tile_cycles += std::max(double(busiest) * density, floor_cycles);
      busiest_sum += double(busiest) * density;
    }
  }
  ComputeCost c;
  const double array_tiles = ceil_div(double(nz.channels()), hw.pe_rows) * double(runs) * spatial;
  c.tiles = fidelity.on(kStripesTiles) ? count_tiles(work, hw, fidelity).total() : array_tiles;
  c.cycles = tile_cycles * spatial;
  // Work in bit-serial multiplier-cycles (as every design counts it): a MAC is M of them, and a
  // PE does one MAC per cycle; the busiest PE sets the tile's pace, the refill floor the rest.
  const double m = hw.multipliers_per_pe, pes = double(hw.pe_rows) * hw.pe_cols * m;
  c.useful = nonzero * density * spatial * hw.pe_cols * m;
  c.inter_pe_stall = std::max(0.0, busiest_sum * spatial * pes - c.useful);
  c.intra_pe_stall = c.cycles * pes - c.useful - c.inter_pe_stall;  // buffer-load floor
  c.cycle_source = "data-driven (weights x activation density)";
  return c;
}

WeightStorage SparTen::weight_storage(const LayerWork& work, const LayerProfile& profile,
                                      const HardwareConfig& hw, Fidelity fidelity) const {
  const double weights = double(work.weight_count());
  double nonzero = 0;
  for (std::int64_t k = 0; k < profile.steps->channels(); ++k)
    for (std::int64_t g = 0; g < profile.steps->grouping().groups_per_channel; ++g)
      nonzero += profile.steps->steps(k, g);
  const double density = weights > 0 ? nonzero / weights : 0.0;
  WeightStorage s;
  s.bytes = std::ceil(weights * hw.weight_bits / 8.0 * density / 8.0) * 8.0;
  if (!fidelity.no_metadata) s.bytes += std::ceil(weights / 8.0);  // 1-bit mask per weight
  s.dram_cycle_bits = s.bytes * 8.0;
  s.sram_write_bits_per_weight =
      fidelity.on(kDenseWeightWrites) ? hw.weight_bits : s.bytes * 8.0 / weights;
  return s;
}

double SparTen::pe_energy_pj(const ComputeCost& c, const HardwareConfig& hw) const {
  return hw.energy.pe_pj_per_cycle * effectual_macs(c, hw);
}

double SparTen::register_energy_pj(const ComputeCost& c, const HardwareConfig& hw) const {
  const double read =
      kLocalBufferReadPj / (double(hw.pe_rows) * hw.pe_cols) * effectual_macs(c, hw);
  const double write =
      (kLocalBufferMinWritePj / 2 + kLocalBufferMinWritePj / 2 / kWeightReuse) * c.tiles;
  return read + write;
}

std::pair<double, double> SparTen::sram_reads(const ComputeCost& c, const LayerProfile&,
                                              const HardwareConfig& hw, Fidelity) const {
  return {c.tiles * hw.pe_rows / kWeightReuse, c.tiles * hw.pe_cols};
}

// Values at density d plus a 1-bit mask per 8-bit value, in 8-byte words.
double SparTen::stored_activation_bytes(double dense_bytes, double density, Fidelity) const {
  return std::ceil(dense_bytes * density * 9.0 / 8.0 / 8.0) * 8.0;
}

double SparTen::activation_write_share(double density, Fidelity) const { return density; }

BBS_REGISTER_DESIGN(SparTen);

}  // namespace
}  // namespace bbs::accel
