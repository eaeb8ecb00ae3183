// The standard report metrics of one network on one design, per inference: a batch of B runs B
// inferences, so energy and rate are normalized by B; ops = 2 x MACs (a multiply and an add, the
// usual TOPS convention), dense MACs of the network whatever the design skips.
#pragma once

#include <cstdint>
#include <vector>

#include "app/report.hpp"
#include "model/accel/hardware.hpp"
#include "model/accel/network_cost.hpp"

namespace bbs::app {

struct ReportMetrics {
  std::int64_t batch = 1;
  double clock_mhz = 0;  // the design's clock (hardware key clock_mhz; BitVert: 800 MHz, §V-A)
  double energy_per_inference_uj = 0;
  double inferences_per_s = 0;
  double tops = 0;          // 2 x MACs / time
  double tops_per_w = 0;    // 2 x MACs / energy
  double tops_per_mm2 = 0;  // tops / area
};

// `batch`: inferences in one run of the workload (MACs and costs cover all of them).
ReportMetrics report_metrics(std::int64_t batch, const accel::Workload& workload,
                             const accel::NetworkCost& cost, const accel::HardwareConfig& hw);
std::vector<Column> report_metric_columns();
std::vector<Cell> report_metric_cells(const ReportMetrics& m);

}  // namespace bbs::app
