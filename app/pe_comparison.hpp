// The PE-level comparison of the BBS paper's Table VI (BitVert vs OliVe, §V-H): what one PE
// delivers on a network's weight layers, its area and power, normalised to a baseline design.
#pragma once

#include "app/simulation.hpp"

namespace bbs::app {

struct PeFigures {
  double pes = 0;
  double pe_area_um2 = 0;               // NaN: not published (area.pe_um2 = 0)
  double pe_power_mw = 0;               // PE energy per cycle x clock
  double weight_macs_per_pe_cycle = 0;  // weight-layer MACs / (compute cycles x PEs)
  double macs_per_pe_cycle_per_um2() const { return weight_macs_per_pe_cycle / pe_area_um2; }
};

// From a simulation: the layers with stored weights (not the activation x activation matmuls),
// their dense MACs over their compute cycles (not DRAM-bound time: Table VI compares PEs).
PeFigures pe_figures(const Simulation& simulation, const accel::Workload& workload);

// Table "pe": one row per (network, design) with the figures and their ratios to the baseline
// design (the paper's "norm. perf" and "norm. perf/area"); macs_per_cycle is one PE's over the
// weight layers.
Table pe_table(const std::string& baseline);
void add_pe_rows(Table& table, const std::string& network,
                 const std::vector<std::pair<std::string, PeFigures>>& designs,
                 const PeFigures& baseline);

}  // namespace bbs::app
