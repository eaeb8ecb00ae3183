#include "app/report_metrics.hpp"

#include "networks/tensor.hpp"

namespace bbs::app {

// With E the network's energy (pJ), T its time (s), A the area (mm²), B the batch:
//   energy per inference = E / B · 1e-6 µJ;   inferences/s = B / T;
//   TOPS = 2·MACs / T · 1e-12;   TOPS/W = 2·MACs / (E · 1e-12 J) · 1e-12 = 2·MACs / E;
//   TOPS/mm² = TOPS / A.
ReportMetrics report_metrics(std::int64_t batch, const accel::Workload& workload,
                             const accel::NetworkCost& cost, const accel::HardwareConfig& hw) {
  if (batch < 1)
    throw Error("network '" + workload.network_name + "': batch " + std::to_string(batch) +
                "; expected at least 1");
  ReportMetrics m;
  m.batch = batch;
  double macs = 0;
  for (const accel::LayerWork& layer : workload.layers) macs += double(layer.macs());
  const double ops = 2.0 * macs, energy_pj = cost.total.energy_pj();
  m.clock_mhz = hw.clock_mhz;
  m.energy_per_inference_uj = energy_pj / double(batch) * 1e-6;
  m.inferences_per_s = cost.time_s > 0 ? double(batch) / cost.time_s : 0.0;
  m.tops = cost.time_s > 0 ? ops / cost.time_s * 1e-12 : 0.0;
  m.tops_per_w = energy_pj > 0 ? ops / energy_pj : 0.0;
  m.tops_per_mm2 = cost.area_mm2() > 0 ? m.tops / cost.area_mm2() : 0.0;
  return m;
}

std::vector<Column> report_metric_columns() {
  return {
      {"batch"},      {"clock_mhz"},   {"energy_per_inference_uj"}, {"inferences_per_s"}, {"tops"},
      {"tops_per_w"}, {"tops_per_mm2"}};
}

std::vector<Cell> report_metric_cells(const ReportMetrics& m) {
  return {m.batch,      m.clock_mhz,   m.energy_per_inference_uj, m.inferences_per_s, m.tops,
          m.tops_per_w, m.tops_per_mm2};
}

}  // namespace bbs::app
