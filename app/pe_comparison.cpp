#include "app/pe_comparison.hpp"

#include <cmath>
#include <map>

namespace bbs::app {

// Per design, over the weight layers L (BBS paper Table VI, "BitVert-mod does 16 multiplications
// in 4 cycles, OliVe 1 per cycle"):
//   MACs per PE-cycle = sum_L MACs / (sum_L compute cycles x rows x cols)
//   PE power (mW)     = energy.pe_pj_per_cycle x clock_mhz x 1e-3
//   norm. perf        = MACs per PE-cycle / the baseline's
//   norm. perf / area = norm. perf x baseline PE area / PE area
PeFigures pe_figures(const Simulation& s, const accel::Workload& workload) {
  std::map<std::string, const accel::LayerWork*> by_name;
  for (const accel::LayerWork& w : workload.layers) by_name.emplace(w.name, &w);
  double macs = 0, cycles = 0;
  for (const accel::LayerCost& c : s.cost.layers) {
    const accel::LayerWork& w = *by_name.at(c.name);
    if (w.activation_operands) continue;
    macs += double(w.macs());
    cycles += c.compute.cycles;
  }
  PeFigures f;
  f.pes = double(s.hw.pe_rows) * s.hw.pe_cols;
  f.pe_area_um2 = s.hw.pe_area_um2 > 0 ? s.hw.pe_area_um2 : std::nan("");  // 0: not published
  f.pe_power_mw = s.hw.energy.pe_pj_per_cycle * s.hw.clock_mhz * 1e-3;
  f.weight_macs_per_pe_cycle = cycles > 0 ? macs / (cycles * f.pes) : 0.0;
  return f;
}

Table pe_table(const std::string& baseline) {
  return Table("pe (BBS paper Table VI): one PE on the weight layers, vs " + baseline,
               {{"network"},
                {"accel"},
                {"area_um2"},
                {"power_mw"},
                {"macs_per_cycle"},
                {"norm_perf"},
                {"norm_perf_per_area"}},
               "pe");
}

void add_pe_rows(Table& table, const std::string& network,
                 const std::vector<std::pair<std::string, PeFigures>>& designs,
                 const PeFigures& baseline) {
  // An unknown (NaN) figure or ratio is printed as null.
  const auto known = [](double v) -> Cell { return std::isnan(v) ? Cell(Null{}) : Cell(v); };
  const auto ratio = [&](double a, double b) -> Cell { return b > 0 ? known(a / b) : Null{}; };
  for (const auto& [accel, f] : designs)
    table.add_row({network, accel, known(f.pe_area_um2), f.pe_power_mw, f.weight_macs_per_pe_cycle,
                   ratio(f.weight_macs_per_pe_cycle, baseline.weight_macs_per_pe_cycle),
                   ratio(f.macs_per_pe_cycle_per_um2(), baseline.macs_per_pe_cycle_per_um2())});
}

}  // namespace bbs::app
