#include "app/point_evaluation.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "model/accel/hardware_config.hpp"

namespace bbs::app {
namespace {

std::string hardware_json(const accel::HardwareConfig& hw) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : accel::hardware_settings(hw)) j[key] = value;
  return j.dump();
}

// A constraint a point violates, or empty.
std::string violated_constraint(const dse::Constraints& c, const accel::HardwareConfig& hw,
                                const accel::NetworkCost& cost) {
  if (c.iso_multipliers && hw.bit_serial_multipliers() != *c.iso_multipliers)
    return "iso_multipliers: " + std::to_string(hw.bit_serial_multipliers()) +
           " != " + std::to_string(*c.iso_multipliers);
  if (c.max_area_mm2 && cost.area_mm2() > *c.max_area_mm2)
    return "max_area_mm2: " + std::to_string(cost.area_mm2()) + " mm2";
  const double power_w = cost.time_s > 0 ? cost.total.energy_pj() * 1e-12 / cost.time_s : 0.0;
  if (c.max_power_w && power_w > *c.max_power_w)
    return "max_power_w: " + std::to_string(power_w) + " W";
  return {};
}

}  // namespace

dse::PointWithLayers evaluate_point(const PreparedNetwork& network, const dse::DesignPoint& p,
                                    const accel::Fidelity& fidelity, const dse::CampaignSpec& spec,
                                    std::int64_t campaign_id, std::int64_t workload_id) {
  dse::PointWithLayers out;
  dse::PointRecord& r = out.point;
  r.campaign_id = campaign_id;
  r.workload_id = workload_id;
  r.point_key = p.key;
  r.profile = fidelity.name();
  try {
    SimulationRequest request;
    request.hardware = p.accel;
    request.sets = p.sets;
    request.fidelity = fidelity;
    const Simulation s = simulate(network, request);
    r.design = s.hw.design;
    r.hardware_json = hardware_json(s.hw);
    if (const std::string why = violated_constraint(spec.constraints, s.hw, s.cost); !why.empty()) {
      r.status = dse::PointStatus::Failed;
      r.error = "constraint " + why;
      return out;
    }
    const accel::LayerCost& t = s.cost.total;
    const double stalls = t.compute.useful + t.compute.intra_pe_stall + t.compute.inter_pe_stall;
    r.compute_cycles = t.compute.cycles, r.dram_cycles = t.dram_cycles;
    r.total_cycles = t.total_cycles, r.time_s = s.cost.time_s, r.energy_pj = t.energy_pj();
    r.energy_pe_pj = t.energy_pe_pj, r.energy_registers_pj = t.energy_registers_pj;
    r.energy_sram_read_pj = t.energy_sram_read_pj, r.energy_sram_write_pj = t.energy_sram_write_pj;
    r.energy_dram_pj = t.energy_dram_pj, r.area_mm2 = s.cost.area_mm2();
    if (stalls > 0) {
      r.useful_fraction = t.compute.useful / stalls;
      r.intra_pe_stall_fraction = t.compute.intra_pe_stall / stalls;
      r.inter_pe_stall_fraction = t.compute.inter_pe_stall / stalls;
    }
    for (std::size_t i = 0; i < s.cost.layers.size(); ++i) {
      const accel::LayerCost& l = s.cost.layers[i];
      out.layers.push_back({int(i), l.name, l.compute.cycles, l.dram_cycles, l.total_cycles,
                            l.energy_pe_pj, l.energy_registers_pj, l.energy_sram_read_pj,
                            l.energy_sram_write_pj, l.energy_dram_pj, 0.0, l.weight_dram_bytes,
                            l.input_dram_bytes, l.output_dram_bytes});
    }
  } catch (const Error& e) {
    r.status = dse::PointStatus::Failed;
    r.error = e.what();
    if (r.design.empty()) r.design = p.accel;
    out.layers.clear();
  }
  return out;
}


}  // namespace bbs::app
