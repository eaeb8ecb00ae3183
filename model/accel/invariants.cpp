#include "model/accel/invariants.hpp"

#include <cmath>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "model/accel/hardware_config.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

// One reported quantity and the hardware keys its formula scales with.
struct Quantity {
  std::string_view name;
  double value;
  std::initializer_list<std::string_view> keys;
};

class Checker {
 public:
  Checker(const NetworkCost& cost, const std::string& network, const HardwareConfig& hw)
      : cost_(cost), network_(network), hw_(hw) {}

  void require(bool ok, std::string_view where, const Quantity& q,
               std::string_view expected) const {
    if (ok) return;
    std::map<std::string, std::string> settings;
    for (const auto& [key, value] : hardware_settings(hw_)) settings.emplace(key, value);
    const std::string place = where.empty() ? "total" : "layer '" + std::string(where) + "'";
    std::string message = "network '" + network_ + "', " + place + " on '" + hw_.design + "' (" +
                          cost_.fidelity.name() + "): " + std::string(q.name) + " = " +
                          std::to_string(q.value) + ", expected " + std::string(expected);
    std::string causes;
    for (std::string_view key : q.keys) {
      const std::string k(key);
      causes += (causes.empty() ? "" : ", ") + k + " = " + settings.at(k);
      if (const auto it = hw_.sources.find(k); it != hw_.sources.end())
        causes += " (from " + it->second + ")";
    }
    if (!causes.empty()) message += "; it scales with " + causes;
    throw Error(message);
  }

  void finite_non_negative(std::string_view where, const Quantity& q) const {
    require(std::isfinite(q.value) && q.value >= 0, where, q, "a finite value >= 0");
  }

  void share(std::string_view where, const Quantity& q) const {
    require(q.value >= 0 && q.value <= 1, where, q, "a fraction in [0, 1]");
  }

  void layer(std::string_view where, const LayerCost& c, bool has_work) const {
    const ComputeCost& k = c.compute;
    if (has_work) {
      require(k.tiles >= 1, where, {"tiles", k.tiles, {}}, ">= 1 for a layer with MACs");
      if (!(k.cycles >= 1))  // the expectation's text is built only for the error
        require(false, where, {"compute_cycles", k.cycles, {}}, empty_tile_expectation());
    }
    for (const Quantity& q : {
             Quantity{"tiles", k.tiles, {"array.rows", "array.cols", "array.lanes"}},
             Quantity{"compute_cycles", k.cycles, {"array.rows", "array.lanes", "pruning.columns"}},
             Quantity{"useful work", k.useful, {"array.lanes", "array.multipliers_per_pe"}},
             Quantity{"intra-PE stall", k.intra_pe_stall, {"array.lanes"}},
             Quantity{"inter-PE stall", k.inter_pe_stall, {"array.rows"}},
             Quantity{"dram_cycles", c.dram_cycles, {"dram.bits_per_cycle", "array.act_bits"}},
             Quantity{"total_cycles", c.total_cycles, {}},
             Quantity{"weight_dram_bytes", c.weight_dram_bytes, {"weight_sram.capacity_kib"}},
             Quantity{"input_dram_bytes", c.input_dram_bytes, {"act_sram.capacity_kib"}},
             Quantity{"output_dram_bytes", c.output_dram_bytes, {"act_sram.capacity_kib"}},
             Quantity{"weight_bytes", c.weight_bytes, {"array.weight_bits", "pruning.columns"}},
             Quantity{"activation_bytes", c.activation_bytes, {"array.act_bits"}},
             Quantity{"weight_sram_reads", c.weight_sram_reads, {}},
             Quantity{"act_sram_reads", c.act_sram_reads, {}},
             Quantity{"sram_write_bits", c.sram_write_bits, {}},
             Quantity{"energy_pe_pj",
                      c.energy_pe_pj,
                      {"energy.pe_pj_per_cycle", "energy.scheduler_pj_per_cycle"}},
             Quantity{"energy_registers_pj",
                      c.energy_registers_pj,
                      {"energy.weight_reg_pj_per_row_cycle", "energy.act_reg_pj_per_col_tile"}},
             Quantity{"energy_sram_read_pj",
                      c.energy_sram_read_pj,
                      {"weight_sram.capacity_kib", "act_sram.capacity_kib", "tech_nm"}},
             Quantity{"energy_sram_write_pj",
                      c.energy_sram_write_pj,
                      {"weight_sram.capacity_kib", "act_sram.capacity_kib", "tech_nm"}},
             Quantity{"energy_dram_pj", c.energy_dram_pj, {"dram.energy_pj_per_bit"}},
             Quantity{"energy_pj", c.energy_pj(), {}},
         })
      if (!(std::isfinite(q.value) && q.value >= 0)) finite_non_negative(where, q);
    require(c.total_cycles >= k.cycles && c.total_cycles >= c.dram_cycles, where,
            {"total_cycles", c.total_cycles, {}}, ">= compute_cycles and >= dram_cycles");
    const Utilisation s = k.shares();
    share(where, {"useful_fraction", s.useful, {"array.lanes", "array.multipliers_per_pe"}});
    share(where, {"intra_pe_stall_fraction", s.intra_pe_stall, {"array.lanes"}});
    share(where, {"inter_pe_stall_fraction", s.inter_pe_stall, {"array.rows"}});
  }

 private:
  // BitSim charges a tile without work 0 cycles (a design's switch may make it -1): a layer of such
  // tiles has no answer in a profile that keeps those defects.
  std::string empty_tile_expectation() const {
    std::string defects;
    if (cost_.fidelity.zero_cycle_tiles) defects += "zero-cycle-tiles";
    for (const DefectSwitch* s : defect_switches())
      if (s->charges_empty_tiles_below_one && s->design == hw_.design && cost_.fidelity.on(*s))
        defects += (defects.empty() ? "" : ", ") + std::string(s->name);
    if (defects.empty())
      return ">= 1 for a layer with MACs (a non-empty tile costs at least one cycle)";
    return ">= 1 for a layer with MACs; its weights leave tiles without work, which this profile "
           "charges as BitSim does (defects " +
           defects + "): use --profile corrected";
  }

  const NetworkCost& cost_;
  const std::string& network_;
  const HardwareConfig& hw_;
};

constexpr std::string_view kTotal;  // where = "": the network's totals

}  // namespace

void check_invariants(const NetworkCost& cost, const Workload& workload, const HardwareConfig& hw) {
  const Checker check(cost, workload.network_name, hw);
  for (std::size_t i = 0; i < cost.layers.size(); ++i)
    check.layer(cost.layers[i].name, cost.layers[i], workload.layers[i].macs() > 0);
  check.layer(kTotal, cost.total, false);
  check.finite_non_negative(kTotal, {"time_s", cost.time_s, {"clock_mhz"}});
  check.finite_non_negative(kTotal,
                            {"pe_area_mm2", cost.pe_area_mm2, {"area.pe_um2", "array.rows"}});
  check.finite_non_negative(
      kTotal, {"weight_sram_area_mm2", cost.weight_sram_area_mm2, {"weight_sram.capacity_kib"}});
  check.finite_non_negative(
      kTotal, {"act_sram_area_mm2", cost.act_sram_area_mm2, {"act_sram.capacity_kib"}});
  check.finite_non_negative(kTotal, {"area_mm2", cost.area_mm2(), {}});
  check.finite_non_negative(
      kTotal,
      {"bits_per_weight", cost.bits_per_weight(), {"array.weight_bits", "pruning.columns"}});
}

}  // namespace bbs::accel
