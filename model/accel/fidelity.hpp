// Fidelity profiles as sets of switches, one per defect of the authors' simulator
// (the defect table of docs/profiles.md). `bitsim` turns every switch on and reproduces BitSim;
// `corrected` turns every switch off. Any single defect can be put back (--defect NAME) to measure
// what it moves.
//
// Defects of the shared organisation are the named members below; a defect of one design is
// defined in that design's file and registered with register_defect_switch(), which gives it a
// bit of `design_defects`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bbs::accel {

struct DefectSwitch;

struct Fidelity {
  bool dram_double_scaling = false;  // 14.1: compressed weight bytes x precision again
  bool dense_grouped_convs = false;  // 14.2: grouped/depthwise convs as dense, Ci = all inputs
  bool no_metadata = false;          // 14.6: no BBS metadata / channel index / column masks
  bool list_order_chain = false;     // 14.9: on-chip chain in list order, quirky output writes
  bool named_refetch = false;        // 14.10: cheaper refetch order only for three model names
  bool per_sample = false;           // batch ignored
  bool zero_cycle_tiles = false;     // an all-zero tile of a data-driven design costs 0 cycles
  bool weight_layers_only = false;   // 2.2: attention matmuls and the KV cache not costed
  std::uint64_t design_defects = 0;  // bit i: the design switch registered i-th

  static const Fidelity BitSim;
  static const Fidelity Corrected;
  // Equal when every registered switch agrees (BitSim sets the unregistered bits too).
  bool operator==(const Fidelity& other) const;
  bool on(const DefectSwitch& s) const;
  void set(const DefectSwitch& s, bool value);
  // "bitsim", "corrected", or the profile plus the switches that differ ("corrected+no-metadata").
  std::string name() const;
};

struct DefectSwitch {
  std::string_view name;           // command-line name
  std::string_view bitsim_source;  // where yc2367/BitSim (commit 6845fad) has it: path:line
  std::string_view description;
  bool Fidelity::*flag = nullptr;  // a shared switch, or
  int bit = -1;                    // a design's switch: its bit of Fidelity::design_defects
  std::string_view design;         // the design whose file defines it (empty: shared)
  // A design switch under which a tile without work costs less than one cycle (the invariants
  // then refuse such layers in that profile instead of printing the number).
  bool charges_empty_tiles_below_one = false;
};

// Registers a design's own switch (call from its file, at namespace scope); the result is the
// switch with its bit assigned. Names must be unique.
const DefectSwitch& register_defect_switch(std::string_view design, std::string_view name,
                                           std::string_view bitsim_source,
                                           std::string_view description,
                                           bool charges_empty_tiles_below_one = false);

// The shared switches in their fixed order, then the design switches sorted by name.
const std::vector<const DefectSwitch*>& defect_switches();

// "bitsim" or "corrected", then each named defect switched on. Throws bbs::Error listing names.
Fidelity parse_fidelity(std::string_view profile, const std::vector<std::string>& defects = {});

}  // namespace bbs::accel
