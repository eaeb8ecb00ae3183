#include "model/accel/metrics.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "model/accel/hardware.hpp"
#include "model/accel/network_cost.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// A zero denominator gives 0; an unknown (NaN) one stays unknown.
double ratio(double num, double den) { return den > 0 || std::isnan(den) ? num / den : 0.0; }
double energy_pj(const NetworkResult& r) { return r.cost.total.energy_pj(); }
double ops(const NetworkResult& r) { return 2.0 * r.dense_macs; }  // a MAC is two operations
// area.pe_um2 = 0 means the PE area is not published: the PE array's area, and every metric
// derived from it, is unknown (NaN; printed as null, stored as NULL).
double pe_area_mm2(const NetworkResult& r) {
  return r.hw.pe_area_um2 > 0 ? r.cost.pe_area_mm2 : kUnknown;
}
double sram_area_mm2(const NetworkResult& r) {
  return r.cost.weight_sram_area_mm2 + r.cost.act_sram_area_mm2;
}
double area_mm2(const NetworkResult& r) { return pe_area_mm2(r) + sram_area_mm2(r); }

// The report metrics are per inference: a run of batch B performs B inferences. With E the run's
// energy (pJ), T its time (s), A the area (mm²) and M the dense MACs of all B inferences:
//   energy per inference = E / B · 1e-6 µJ;   inferences/s = B / T;
//   TOPS = 2M / T · 1e-12;   TOPS/W = 2M / (E · 1e-12 J) · 1e-12 = 2M / E;   TOPS/mm² = TOPS / A.
// EDP = E · T (pJ·s); power = E · 1e-12 / T (W); energy per MAC = E / M (pJ, dense MACs).
// clang-format off
const std::vector<Metric> kMetrics = {
    {"time_s", "s", Combine::Derived, Goal::Minimise,
     "run time: total cycles at clock_mhz",
     nullptr, nullptr, [](const NetworkResult& r) { return r.cost.time_s; }},
    {"area_mm2", "mm2", Combine::Derived, Goal::Minimise,
     "PE array + weight SRAM + activation SRAM (null: PE area not published)",
     nullptr, nullptr, area_mm2, false, 0, false, true},
    {"pe_area_mm2", "mm2", Combine::Derived, Goal::None,
     "PE array (null: PE area not published)",
     nullptr, nullptr, pe_area_mm2, false, 0, false, true},
    {"sram_area_mm2", "mm2", Combine::Derived, Goal::None, "weight SRAM + activation SRAM",
     nullptr, nullptr, sram_area_mm2},
    {"batch", "", Combine::Derived, Goal::None,
     "inferences in one run: the leading dimension of the network's input",
     nullptr, nullptr, [](const NetworkResult& r) { return double(r.batch); }, true},
    {"clock_mhz", "MHz", Combine::Derived, Goal::None, "the design's clock (hardware key)",
     nullptr, nullptr, [](const NetworkResult& r) { return r.hw.clock_mhz; }},
    {"energy_per_inference_uj", "uJ", Combine::Derived, Goal::Minimise, "E / B",
     nullptr, nullptr, [](const NetworkResult& r) {
       return energy_pj(r) / double(r.batch) * 1e-6; }},
    {"inferences_per_s", "1/s", Combine::Derived, Goal::Maximise, "B / T",
     nullptr, nullptr, [](const NetworkResult& r) { return ratio(double(r.batch), r.cost.time_s); }},
    {"tops", "TOPS", Combine::Derived, Goal::Maximise,
     "2 x dense MACs / T (whatever the design skips)",
     nullptr, nullptr, [](const NetworkResult& r) { return ratio(ops(r), r.cost.time_s) * 1e-12; }},
    {"tops_per_w", "TOPS/W", Combine::Derived, Goal::Maximise, "2 x dense MACs / E",
     nullptr, nullptr, [](const NetworkResult& r) { return ratio(ops(r), energy_pj(r)); }},
    {"tops_per_mm2", "TOPS/mm2", Combine::Derived, Goal::Maximise,
     "tops / area_mm2 (null: PE area not published)",
     nullptr, nullptr, [](const NetworkResult& r) {
       return ratio(ratio(ops(r), r.cost.time_s) * 1e-12, area_mm2(r)); }, false, 0, false, true},
    {"energy_per_mac_pj", "pJ", Combine::Derived, Goal::Minimise,
     "E / dense MACs (whatever the design skips)",
     nullptr, nullptr, [](const NetworkResult& r) { return ratio(energy_pj(r), r.dense_macs); }},
    {"tiles", "", Combine::Sum, Goal::None, "steps of the array (H x Wc x G per layer)",
     [](LayerCost& c) -> double& { return c.compute.tiles; }},
    {"compute_cycles", "cycles", Combine::Sum, Goal::Minimise, "cycles of the PE array",
     [](LayerCost& c) -> double& { return c.compute.cycles; }},
    {"dram_cycles", "cycles", Combine::Sum, Goal::Minimise, "cycles of the DRAM transfers",
     [](LayerCost& c) -> double& { return c.dram_cycles; }},
    {"total_cycles", "cycles", Combine::Sum, Goal::Minimise, "per layer max(compute, DRAM)",
     [](LayerCost& c) -> double& { return c.total_cycles; }},
    {"weight_dram_bytes", "B", Combine::Sum, Goal::Minimise, "weights read from DRAM",
     [](LayerCost& c) -> double& { return c.weight_dram_bytes; }},
    {"kv_cache_dram_bytes", "B", Combine::Sum, Goal::Minimise,
     "attention: K / V read from and written to the KV cache",
     [](LayerCost& c) -> double& { return c.kv_cache_dram_bytes; }},
    {"input_dram_bytes", "B", Combine::Sum, Goal::Minimise, "input activations read from DRAM",
     [](LayerCost& c) -> double& { return c.input_dram_bytes; }},
    {"output_dram_bytes", "B", Combine::Sum, Goal::Minimise, "output activations written to DRAM",
     [](LayerCost& c) -> double& { return c.output_dram_bytes; }},
    {"weight_sram_reads", "", Combine::Sum, Goal::None, "full-width weight SRAM accesses",
     [](LayerCost& c) -> double& { return c.weight_sram_reads; }},
    {"act_sram_reads", "", Combine::Sum, Goal::None, "full-width activation SRAM accesses",
     [](LayerCost& c) -> double& { return c.act_sram_reads; }},
    {"energy_pe_pj", "pJ", Combine::Sum, Goal::Minimise, "PE array",
     [](LayerCost& c) -> double& { return c.energy_pe_pj; }},
    {"energy_registers_pj", "pJ", Combine::Sum, Goal::Minimise, "per-row / per-column registers",
     [](LayerCost& c) -> double& { return c.energy_registers_pj; }},
    {"energy_sram_read_pj", "pJ", Combine::Sum, Goal::Minimise, "SRAM reads",
     [](LayerCost& c) -> double& { return c.energy_sram_read_pj; }},
    {"energy_sram_write_pj", "pJ", Combine::Sum, Goal::Minimise, "SRAM writes",
     [](LayerCost& c) -> double& { return c.energy_sram_write_pj; }},
    {"energy_dram_pj", "pJ", Combine::Sum, Goal::Minimise, "DRAM transfers",
     [](LayerCost& c) -> double& { return c.energy_dram_pj; }},
    {"energy_pj", "pJ", Combine::Derived, Goal::Minimise, "the sum of the energy split",
     nullptr, [](const LayerCost& c) { return c.energy_pj(); }},
    {"useful_fraction", "", Combine::Derived, Goal::Maximise,
     "share of the array's work capacity doing useful work",
     nullptr, [](const LayerCost& c) { return c.compute.shares().useful; }},
    {"intra_pe_stall_fraction", "", Combine::Derived, Goal::Minimise,
     "share idle while a busier lane of the row works",
     nullptr, [](const LayerCost& c) { return c.compute.shares().intra_pe_stall; }},
    {"inter_pe_stall_fraction", "", Combine::Derived, Goal::Minimise,
     "share idle while a busier row of the tile works",
     nullptr, [](const LayerCost& c) { return c.compute.shares().inter_pe_stall; }},
    {"weight_bytes", "B", Combine::Sum, Goal::None, "stored weights (in the weight SRAM)",
     [](LayerCost& c) -> double& { return c.weight_bytes; }},
    {"activation_bytes", "B", Combine::Max, Goal::None,
     "input + output activations of the layer (network: the largest layer's)",
     [](LayerCost& c) -> double& { return c.activation_bytes; }},
    {"sram_write_bits", "bits", Combine::Sum, Goal::None, "bits written to both SRAMs",
     [](LayerCost& c) -> double& { return c.sram_write_bits; }},
    {"edp", "pJ.s", Combine::Derived, Goal::Minimise, "energy-delay product energy_pj x time_s",
     nullptr, nullptr, [](const NetworkResult& r) { return energy_pj(r) * r.cost.time_s; }},
    {"power_w", "W", Combine::Derived, Goal::Minimise, "energy_pj x 1e-12 / time_s",
     nullptr, nullptr, [](const NetworkResult& r) {
       return ratio(energy_pj(r) * 1e-12, r.cost.time_s); }},
    {"multipliers", "", Combine::Derived, Goal::None, "bit-serial multipliers of the array",
     nullptr, nullptr, [](const NetworkResult& r) {
       return double(r.hw.bit_serial_multipliers()); }, true},
    {"weight_sqnr_db", "dB", Combine::Derived, Goal::Maximise,
     "int8 weights before vs after the design's pruning, every distinct weight (none: unchanged)",
     nullptr, nullptr, [](const NetworkResult& r) {
       return r.cost.weight_error.error_sq > 0 ? r.cost.weight_error.sqnr_db() : kInf; },
     false, kInf, true},
    {"bits_per_weight", "bits", Combine::Derived, Goal::Minimise,
     "encoded weights, metadata included",
     nullptr, nullptr, [](const NetworkResult& r) { return r.cost.bits_per_weight(); }},
};
// clang-format on

}  // namespace

double Metric::layer_value(const LayerCost& layer) const {
  // The accessor is shared with LayerCost::add, which writes through it; here it only reads.
  if (field)
    return field(const_cast<LayerCost&>(layer));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  if (of_layer) return of_layer(layer);
  return std::numeric_limits<double>::quiet_NaN();
}

double Metric::network_value(const NetworkResult& result) const {
  return of_network ? of_network(result) : layer_value(result.cost.total);
}

std::span<const Metric> metrics() { return kMetrics; }

const Metric* find_metric(std::string_view name) {
  for (const Metric& m : kMetrics)
    if (m.name == name) return &m;
  return nullptr;
}

std::string_view metric_names_text() {
  static const std::string text = [] {
    std::string names;
    for (const Metric& m : kMetrics) names += (names.empty() ? "" : ", ") + std::string(m.name);
    return names;
  }();
  return text;
}

std::size_t metric_index(std::string_view name) {
  if (const Metric* m = find_metric(name)) return std::size_t(m - kMetrics.data());
  throw Error("unknown metric '" + std::string(name) + "'; expected one of " +
              std::string(metric_names_text()));
}

std::vector<double> network_metrics(const NetworkResult& result) {
  std::vector<double> values;
  values.reserve(kMetrics.size());
  for (const Metric& m : kMetrics) values.push_back(m.network_value(result));
  return values;
}

std::vector<double> layer_metrics(const LayerCost& layer) {
  std::vector<double> values;
  values.reserve(kMetrics.size());
  for (const Metric& m : kMetrics) values.push_back(m.layer_value(layer));
  return values;
}

}  // namespace bbs::accel
