#include "app/point_evaluation.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "dse/metric_expression.hpp"
#include "model/accel/hardware_config.hpp"

namespace bbs::app {
namespace {

// Every hardware key with its value typed: numbers as JSON numbers (so that json_extract compares
// them as numbers), true/false as JSON booleans, the rest as strings.
std::string hardware_json(const accel::HardwareConfig& hw) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : accel::hardware_settings(hw)) {
    const char* first = value.data();
    const char* last = first + value.size();
    std::int64_t integer = 0;
    double number = 0;
    if (const auto [end, error] = std::from_chars(first, last, integer);
        error == std::errc() && end == last)
      j[key] = integer;
    else if (const auto [end2, error2] = std::from_chars(first, last, number);
             error2 == std::errc() && end2 == last)
      j[key] = number;
    else if (value == "true" || value == "false")
      j[key] = value == "true";
    else
      j[key] = value;
  }
  return j.dump();
}

SimulationRequest request_of(const dse::DesignPoint& p, const accel::Fidelity& fidelity, int jobs) {
  SimulationRequest request;
  request.hardware = p.accel;
  request.sets = p.sets;
  request.fidelity = fidelity;
  request.jobs = jobs;
  return request;
}

std::string bytes_text(double bytes) { return std::to_string(std::int64_t(bytes)) + " B"; }

// A constraint a point violates (its totals already in `r`), or empty.
std::string violated_constraint(const dse::Constraints& c, const accel::HardwareConfig& hw,
                                const accel::NetworkCost& cost, const dse::PointRecord& r) {
  const std::int64_t multipliers = hw.bit_serial_multipliers();
  if (c.iso_multipliers && multipliers != *c.iso_multipliers)
    return "iso_multipliers: " + std::to_string(multipliers) +
           " != " + std::to_string(*c.iso_multipliers);
  const double area_mm2 = r.metrics.get("area_mm2");
  if (c.max_area_mm2 && std::isnan(area_mm2))
    return "max_area_mm2: area unknown (the design's PE area, area.pe_um2, is not published)";
  if (c.max_area_mm2 && area_mm2 > *c.max_area_mm2)
    return "max_area_mm2: " + std::to_string(area_mm2) + " mm2";
  const double power_w = r.metrics.get("power_w");
  if (c.max_power_w && power_w > *c.max_power_w)
    return "max_power_w: " + std::to_string(power_w) + " W";
  if (c.buffers_hold_layers)
    for (const accel::LayerCost& l : cost.layers) {
      if (l.weight_bytes > double(hw.weight_sram.capacity_bytes))
        return "buffers_hold_layers: layer '" + l.name + "' stores " + bytes_text(l.weight_bytes) +
               " of weights, weight_sram holds " +
               bytes_text(double(hw.weight_sram.capacity_bytes));
      if (l.activation_bytes > double(hw.act_sram.capacity_bytes))
        return "buffers_hold_layers: layer '" + l.name + "' has " + bytes_text(l.activation_bytes) +
               " of input + output activations, act_sram holds " +
               bytes_text(double(hw.act_sram.capacity_bytes));
    }
  for (const dse::MetricExpression& e : c.expressions)
    if (!e.holds(r)) return "'" + e.text() + "' does not hold";
  return {};
}

}  // namespace

void prepare_point_profiles(const PreparedNetwork& network,
                            const std::vector<const dse::DesignPoint*>& points,
                            const accel::Fidelity& fidelity, int jobs) {
  std::vector<SimulationRequest> requests;
  for (const dse::DesignPoint* p : points) requests.push_back(request_of(*p, fidelity, jobs));
  try {
    prepare_profiles(network, requests);
    return;
  } catch (const Error&) {  // NOLINT(bugprone-empty-catch): one point fails; the others alone
  }
  for (const SimulationRequest& request : requests) {
    try {
      prepare_profiles(network, {request});
    } catch (const Error&) {  // NOLINT(bugprone-empty-catch): evaluate_point records the reason
    }
  }
}

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
    const Simulation s = simulate(network, request_of(p, fidelity, 1));
    r.design = s.hw.design;
    r.hardware_json = hardware_json(s.hw);
    r.metrics.values = s.metrics;
    if (const std::string why = violated_constraint(spec.constraints, s.hw, s.cost, r);
        !why.empty()) {
      r.status = dse::PointStatus::Failed;
      r.error = "constraint " + why;
      return out;
    }
    for (std::size_t i = 0; i < s.cost.layers.size(); ++i) {
      const accel::LayerCost& l = s.cost.layers[i];
      out.layers.push_back({int(i), l.name, {accel::layer_metrics(l)}});
    }
  } catch (const dse::TransientError&) {
    throw;  // not a property of the point: the caller leaves it for the next run
  } catch (const Error& e) {
    r.status = dse::PointStatus::Failed;
    r.error = e.what();
    if (r.design.empty()) r.design = p.accel;
    out.layers.clear();
  }
  return out;
}

std::vector<dse::WorkloadLayerRecord> workload_layers(const PreparedNetwork& network) {
  std::vector<dse::WorkloadLayerRecord> layers;
  for (std::size_t i = 0; i < network.workload.layers.size(); ++i) {
    const accel::LayerWork& w = network.workload.layers[i];
    const char* kind = w.is_conv ? "conv" : w.activation_operands ? "matmul" : "linear";
    const accel::ActivationStats& a = network.workload.activations[i];
    layers.push_back({int(i), w.name, kind, w.macs(), w.weight_count(), a.density, a.source});
  }
  return layers;
}

}  // namespace bbs::app
