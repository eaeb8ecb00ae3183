// Fidelity profiles as sets of switches, one per defect of the authors' simulator
// (the defect table of docs/profiles.md). `bitsim` turns every switch on and reproduces BitSim;
// `corrected` turns every switch off. Any single defect can be put back (--defect NAME) to measure
// what it moves.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bbs::accel {

struct Fidelity {
  bool dram_double_scaling = false;    // 14.1: compressed weight bytes x precision again
  bool dense_grouped_convs = false;    // 14.2: grouped/depthwise convs as dense, Ci = all inputs
  bool pragmatic_sign_term = false;    // 14.4: Pragmatic counts the sign bit as a term
  bool bitwave_sign_cycle = false;     // 14.5: BitWave's "-1" for the sign column per tile
  bool no_metadata = false;            // 14.6: no BBS metadata / channel index / column masks
  bool no_onchip_compression = false;  // 14.7: BitVert weights read from SRAM at 8 bits
  bool list_order_chain = false;       // 14.9: on-chip chain in list order, quirky output writes
  bool named_refetch = false;          // 14.10: cheaper refetch order only for three model names
  bool fixed_bitvert_cycles = false;   // BitVert: r_h*8 + r_l*(8-N) per tile, no tile effects
  bool per_sample = false;             // batch ignored
  bool zero_cycle_tiles = false;       // an all-zero tile of a data-driven design costs 0 cycles
  bool weight_layers_only = false;     // 2.2: attention matmuls and the KV cache not costed
  bool sparten_token_cap = false;      // 14.12: SparTen profiles at most 128 tokens per layer
  bool sparten_stripes_tiles = false;  // 14.12: SparTen buffer energies on Stripes' tiles
  bool sparten_dense_weight_writes = false;  // 14.12: SparTen SRAM weight writes at density 1

  static const Fidelity BitSim;
  static const Fidelity Corrected;
  bool operator==(const Fidelity&) const = default;
  // "bitsim", "corrected", or the profile plus the switches that differ ("corrected+no-metadata").
  std::string name() const;
};

struct DefectSwitch {
  std::string_view name;           // command-line name
  std::string_view bitsim_source;  // where yc2367/BitSim (commit 6845fad) has it: path:line
  std::string_view description;
  bool Fidelity::*flag;
};
const std::vector<DefectSwitch>& defect_switches();

// "bitsim" or "corrected", then each named defect switched on. Throws bbs::Error listing names.
Fidelity parse_fidelity(std::string_view profile, const std::vector<std::string>& defects = {});

}  // namespace bbs::accel
