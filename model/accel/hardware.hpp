// The hardware description every accelerator model evaluates against: array shape, pruning
// setting, buffers, DRAM, clock, and the per-design energy/area constants. Every constant carries
// its unit in its name and its source in `sources` (paper table, reference-simulator file, CACTI).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/tech/sram_spec.hpp"

namespace bbs::accel {

using SramSpec = tech::SramSpec;  // model/tech/sram_spec.hpp

struct DramSpec {
  double bits_per_cycle = 128;        // 64-bit bus, double data rate (BitSim)
  double energy_pj_per_bit = 15.625;  // 1000 pJ per 64-bit access (BitSim)
};

// Per-design energy constants, pJ, already including any post-place-and-route factor.
struct EnergyConstants {
  double pe_pj_per_cycle = 0;              // one PE, one compute cycle
  double weight_reg_pj_per_row_cycle = 0;  // weight register / scheduler of one PE row
  double act_reg_pj_per_col_tile = 0;      // activation register + dispatcher of one PE column
  double scheduler_pj_per_cycle = 0;       // design-specific extra per cycle (BitWave schedulers)
};

struct HardwareConfig {
  std::string design;          // registry name: stripes, pragmatic, bitlet, bitvert, bitwave, ...
  int pe_rows = 32;            // H: output channels in parallel
  int pe_cols = 16;            // Wc: output positions / tokens in parallel
  int lanes = 16;              // G: weights (reduction elements) per PE per step
  int multipliers_per_pe = 8;  // bit-serial multipliers per PE (iso-multiplier accounting)
  int weight_bits = 8;         // Pw: weight precision before pruning
  int act_bits = 8;            // Pp: activation precision

  // Pruning of the weights the design runs on (BitVert: BBS; BitWave: bit-flip).
  std::string pruning = "none";  // none, round-avg, zero-point, bit-flip
  int pruning_group = 32;
  int pruned_columns = 0;
  int const_bits = 6;
  double sensitive_fraction = 0.0;
  int sensitive_channel_multiple = 32;

  // BitVert only: bi-directional bit skipping (BBS). false = the BitVert PE skips only zero bits
  // of unpruned two's-complement weights, ceil(ones / (G/2)) cycles per bit column (BitSim's
  // en_bbs=False, yc2367/BitSim sim/sim/bitvert.py:163-173). Other designs ignore it.
  bool bitvert_bidirectional = true;

  SramSpec weight_sram, act_sram;
  DramSpec dram;
  double clock_mhz = 800;
  int tech_nm = 28;  // the node of the SRAM costs (CACTI table rows: 22, 28, 32 nm)
  EnergyConstants energy;
  double pe_area_um2 = 0;  // one PE (paper Table IV/V)
  // The node at which `energy` and pe_area_um2 are given (key energy.tech_nm). No published
  // scaling rule for these synthesis results is built in, so it must equal tech_nm.
  int constants_tech_nm = 28;

  std::map<std::string, std::string> sources;  // key -> where its value comes from

  std::int64_t bit_serial_multipliers() const {
    return std::int64_t(pe_rows) * pe_cols * multipliers_per_pe;
  }
};

}  // namespace bbs::accel
