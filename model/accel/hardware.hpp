// The hardware description every accelerator model evaluates against: array shape, pruning
// setting, buffers, DRAM, clock, and the per-design energy/area constants. Every constant carries
// its unit in its name and its source in `sources` (paper table, reference-simulator file, CACTI).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/accel/pruning.hpp"
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

// A value of a hardware setting (TOML: integer, number, string, boolean).
using SettingValue = std::variant<int, double, std::string, bool>;

// A design's own typed parameter, in its own TOML section (defined in the design's file).
struct DesignParameter {
  std::string key;             // "<section>.<name>", e.g. "bitvert.bidirectional"
  SettingValue default_value;  // its type is the parameter's type
  std::string source;          // where the default comes from
  std::string description;
};

struct HardwareConfig {
  std::string design;          // the name of a registered design (accel_registry())
  int pe_rows = 32;            // H: output channels in parallel
  int pe_cols = 16;            // Wc: output positions / tokens in parallel
  int lanes = 16;              // G: weights (reduction elements) per PE per step
  int multipliers_per_pe = 8;  // bit-serial multipliers per PE (iso-multiplier accounting)
  int weight_bits = 8;         // Pw: weight precision before pruning
  int act_bits = 8;            // Pp: activation precision

  // Pruning of the weights the design runs on (BitVert: BBS; BitWave: bit-flip).
  PruningSetting pruning;

  // Values given for designs' own parameters (DesignParameter keys such as
  // "bitvert.bidirectional"); a parameter not given has its design's default.
  std::map<std::string, SettingValue, std::less<>> design_settings;

  SramSpec weight_sram, act_sram;
  DramSpec dram;
  double clock_mhz = 800;
  int tech_nm = 28;  // the node of the SRAM costs (CACTI table rows: 22, 28, 32 nm)
  EnergyConstants energy;
  double pe_area_um2 = 0;  // one PE (paper Table IV/V); 0: not published, area unknown
  // The node at which `energy` and pe_area_um2 are given (key energy.tech_nm). No published
  // scaling rule for these synthesis results is built in, so it must equal tech_nm.
  int constants_tech_nm = 28;

  std::map<std::string, std::string> sources;  // key -> where its value comes from

  // A design parameter's value: given, else its default.
  template <typename T>
  T setting(const DesignParameter& p) const {
    const auto it = design_settings.find(p.key);
    return std::get<T>(it == design_settings.end() ? p.default_value : it->second);
  }

  std::int64_t bit_serial_multipliers() const {
    return std::int64_t(pe_rows) * pe_cols * multipliers_per_pe;
  }
};

}  // namespace bbs::accel
