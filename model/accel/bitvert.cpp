// BitVert (BBS paper §IV, Fig. 7-8) as BitSim models it (yc2367/BitSim sim/sim/bitvert.py at
// 6845fad): BBS bit-column-serial PEs (16 lanes in two sub-groups of 8, 8 multipliers), one
// stored column per cycle; pruned groups store 8 - N columns (+ 8-bit metadata), sensitive
// channels 8 (§III-C, Algo. 2).
//   bitsim:    cycles(tile) = r_h * 8 + (1 - r_h) * (8 - N)    r_h = sensitive channels / Co
//              (fractional: assumes channels reordered so every tile has one precision; defect
//              fixed-bitvert-cycles, sim/sim/bitvert.py:131)
//              weight bytes = #w * Pw_eff / 8, Pw_eff = r_h * 8 + r_l * (8 - N), no metadata;
//              DRAM cycles charge bytes * Pw_eff bits (defect 1, sim/sim/bitvert.py:379);
//              SRAM reads/writes at 8 bits (defect no-onchip-compression, sim/sim/stripes.py:247)
//   corrected: cycles(tile) = max over the tile's rows of the stored columns of their BBS groups,
//              8 - min r - min k over the group's lanes (data-driven: redundant columns found,
//              sensitive channels, ragged tiles); channels reordered sensitive-first (§IV-C);
//              storage = encoded bits incl. metadata + a 16-bit channel index per channel;
//              SRAM reads and writes move only the stored columns.
// [bitvert] bidirectional = false (both profiles; BitSim en_bbs=False): unpruned two's-complement
//   weights, only zero bits skipped: cycles(tile) = max over rows of
//   sum over the 8 columns of ceil(ones / (G/2)), at least 1 (sim/sim/bitvert.py:163-173);
//   weights stored at 8 bits.
// Schedule (§III-A, Eq. 2-3): per column and 8-lane sub-group at most 4 selected activations,
// the 1s or the 0s of base = W - C; result = columns + C * sum(A).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "model/accel/accel_model.hpp"
#include "model/accel/bits.hpp"
#include "model/accel/hardware_config.hpp"

namespace bbs::accel {
namespace {

const DesignParameter kBidirectional{
    "bitvert.bidirectional", true,
    "BBS paper §III (BBS); yc2367/BitSim sim/test_bitvert.py: BitVert(..., en_bbs=True)",
    "bi-directional bit skipping; false = BitSim en_bbs=False, zero bits skipped on unpruned "
    "weights (sim/sim/bitvert.py:163-173)"};

const DefectSwitch& kFixedCycles =
    register_defect_switch("bitvert", "fixed-bitvert-cycles", "sim/sim/bitvert.py:131",
                           "BitVert charges r_h*8 + r_l*(8-N) cycles per tile");
const DefectSwitch& kNoOnchipCompression =
    register_defect_switch("bitvert", "no-onchip-compression", "sim/sim/stripes.py:247",
                           "BitVert weights read from SRAM at 8 bits");

// Columns from the lowest to the highest stored column of the lanes' BBS groups (spans
// (r << 4) | k): 8 - min r - min k. BBS: at most half the bits of a column are effectual.
GroupStep stored_columns(std::span<const int> spans, int) {
  int min_redundant = 3, min_low = 8;
  for (int span : spans) {
    min_redundant = std::min(min_redundant, span >> 4);
    min_low = std::min(min_low, span & 15);
  }
  GroupStep s;
  s.steps = std::uint8_t(std::max(0, 8 - min_redundant - min_low));
  s.useful = std::uint16_t(s.steps * int(spans.size()) / 2);
  return s;
}

// yc2367/BitSim sim/sim/bitvert.py:163-173 (_count_no_b2s_cycle): the G/2 multipliers take the 1s
// of one column per cycle; an all-zero group still costs one cycle. The minimum per row gives the
// same lockstep maximum as BitSim's minimum per tile.
GroupStep zero_skip_columns(std::span<const int> group, int lanes) {
  const int multipliers = std::max(1, lanes / 2);
  GroupStep s;
  int cycles = 0;
  for (const int ones : column_ones(group)) {
    cycles += (ones + multipliers - 1) / multipliers;
    s.useful = std::uint16_t(s.useful + ones);
  }
  s.steps = std::uint8_t(std::max(1, cycles));
  return s;
}

double multipliers_per_step(int lanes) { return lanes / 2.0; }  // G/2 multipliers per PE

// Channel reordering (§IV-C): channels of one precision are grouped so each tile of H rows has a
// single precision; sensitive channels first, each class in order.
std::vector<std::int64_t> sensitive_first(const std::vector<bool>& sensitive) {
  std::vector<std::int64_t> order;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t k = 0; k < sensitive.size(); ++k)
      if (sensitive[k] == (pass == 0)) order.push_back(std::int64_t(k));
  return order;
}

const StepRule& kStoredColumns = register_step_rule(
    {"stored-columns", stored_columns, multipliers_per_step, true, sensitive_first});
const StepRule& kZeroSkipColumns =
    register_step_rule({"zero-skip-columns", zero_skip_columns, multipliers_per_step});

double low_precision(const HardwareConfig& hw) {
  return hw.weight_bits - hw.pruning.pruned_columns();
}

double bitsim_effective_bits(const LayerWork& work, const LayerProfile& profile,
                             const HardwareConfig& hw) {
  const double high = double(profile.sensitive_channels) / double(work.out_channels);
  return high * hw.weight_bits + (1.0 - high) * low_precision(hw);
}

// BBS: columns min k .. 7 - min r of base = W - C; per 8-lane sub-group at most 4 selected
// activations (Eq. 2 on the 1s or Eq. 3 on the 0s); the top column is the sign; plus C * sum(A).
ScheduleRun bbs_schedule(const ScheduleGroup& g) {
  ScheduleRun run;
  int min_redundant = 3, min_low = 8;
  for (int s : g.spans) {
    min_redundant = std::min(min_redundant, s >> 4);
    min_low = std::min(min_low, s & 15);
  }
  const int top = 7 - min_redundant;
  const std::size_t n = g.weights.size();
  for (std::size_t i = 0; i < n; ++i) run.result += std::int64_t(g.constants[i]) * g.activations[i];
  for (int b = top; b >= min_low; --b, ++run.cycles) {
    std::int64_t column = 0;
    for (std::size_t first = 0; first < n; first += 8) {
      const std::size_t last = std::min(n, first + 8);
      std::int64_t sum_ones = 0, sum_zeros = 0;
      int ones = 0;
      for (std::size_t i = first; i < last; ++i) {
        const bool bit = twos_bit(g.weights[i] - g.constants[i], b);
        ones += bit;
        (bit ? sum_ones : sum_zeros) += g.activations[i];
      }
      const bool skip_ones = 2 * ones > int(last - first);
      const int selected = skip_ones ? int(last - first) - ones : ones;
      if (selected > 4) throw std::logic_error("BitVert sub-group selected more than 4 lanes");
      column += skip_ones ? (sum_ones + sum_zeros) - sum_zeros : sum_ones;
    }
    run.result += (b == top ? -column : column) << b;
  }
  return run;
}

// Without BBS: per two's-complement column (sign column negated) the G/2 multipliers take up to
// G/2 of its 1 bits per cycle; an all-zero group still takes one cycle.
ScheduleRun zero_skip_schedule(const ScheduleGroup& g, int multipliers) {
  ScheduleRun run;
  for (int b = 7; b >= 0; --b) {
    std::int64_t column = 0;
    int ones = 0;
    for (std::size_t i = 0; i < g.weights.size(); ++i) {
      if (!twos_bit(g.weights[i], b)) continue;
      column += g.activations[i];
      if (ones++ % multipliers == 0) ++run.cycles;  // the first 1 of a new batch
    }
    run.result += (b == 7 ? -column : column) << b;
  }
  run.cycles = std::max(run.cycles, 1);
  return run;
}

class BitVert final : public AccelModel {
 public:
  std::string_view name() const override { return "bitvert"; }
  std::string_view description() const override {
    return "BitVert: bi-directional bit sparsity (BBS), binary-pruned columns, 1 column per cycle";
  }
  std::vector<DesignParameter> parameters() const override { return {kBidirectional}; }

  void validate(const HardwareConfig& hw) const override {
    require_setting(hw, hw.setting<bool>(kBidirectional) || !hw.pruning.prunes(),
                    kBidirectional.key,
                    "true, or pruning.method = none: without bi-directional skipping BitVert runs "
                    "unpruned weights (yc2367/BitSim sim/sim/bitvert.py:55-59 turns BBS on "
                    "whenever columns are pruned)");
  }

  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override {
    WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
    needs.pruning = hw.pruning;
    if (!hw.setting<bool>(kBidirectional))
      needs.steps = &kZeroSkipColumns;
    else if (!fidelity.on(kFixedCycles))
      needs.steps = &kStoredColumns;
    return needs;
  }

  WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                               const HardwareConfig& hw, Fidelity fidelity) const override {
    constexpr double kChannelIndexBits = 16;
    WeightStorage s;
    const double payload_bits = fidelity.on(kFixedCycles) ? bitsim_effective_bits(work, profile, hw)
                                                          : profile.payload_bits_per_weight;
    const double metadata_bits =
        fidelity.no_metadata ? 0.0
                             : profile.encoded_bits_per_weight - profile.payload_bits_per_weight;
    // The channel index records the sensitive-channel reordering; unpruned weights have none.
    const double index_bits = fidelity.no_metadata || !hw.pruning.prunes()
                                  ? 0.0
                                  : kChannelIndexBits * double(work.out_channels);
    const double bits = payload_bits + metadata_bits;
    s.bytes = (double(work.weight_count()) * bits + index_bits) / 8.0;
    s.dram_cycle_bits = s.bytes * (fidelity.dram_double_scaling ? bits : 8.0);
    s.sram_write_bits_per_weight = fidelity.on(kNoOnchipCompression) ? hw.act_bits : bits;
    return s;
  }

  std::pair<double, double> sram_reads(const ComputeCost& c, const LayerProfile& profile,
                                       const HardwareConfig&, Fidelity fidelity) const override {
    if (fidelity.on(kNoOnchipCompression)) return {c.tiles, c.tiles};
    return {c.tiles * profile.payload_bits_per_weight / 8.0, c.tiles};
  }

  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig& hw,
                           Fidelity fidelity) const override {
    if (!hw.setting<bool>(kBidirectional)) return zero_skip_schedule(g, std::max(1, hw.lanes / 2));
    ScheduleRun run = bbs_schedule(g);
    // BitSim's fixed cycles are a fractional mean over the layer, not this group's.
    run.cycles_comparable = !fidelity.on(kFixedCycles);
    return run;
  }

 protected:
  double fixed_steps_per_tile(const LayerWork& work, const LayerProfile& profile,
                              const HardwareConfig& hw, Fidelity) const override {
    return bitsim_effective_bits(work, profile, hw);
  }
};

BBS_REGISTER_DESIGN(BitVert);

}  // namespace
}  // namespace bbs::accel
