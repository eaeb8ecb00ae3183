// The metric table (model/accel/metrics.hpp): network totals follow each metric's Combine, the
// derived metrics their formulas, and every name is unique.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "model/accel/hardware.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/metrics.hpp"
#include "model/accel/network_cost.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

// Every Sum / Max metric of the table set to `value` in one layer.
LayerCost layer_with(double value) {
  LayerCost c;
  for (const Metric& m : metrics())
    if (m.field) m.field(c) = value;
  return c;
}

TEST(MetricTable, NetworkTotalsAddSumMetricsAndKeepTheLargestOfMaxMetrics) {
  LayerCost total;
  total.add(layer_with(3));
  total.add(layer_with(5));
  int checked = 0;
  for (const Metric& m : metrics()) {
    if (!m.field) continue;
    EXPECT_EQ(m.layer_value(total), m.combine == Combine::Max ? 5.0 : 8.0) << m.name;
    ++checked;
  }
  EXPECT_GT(checked, 15);
  EXPECT_EQ(find_metric("activation_bytes")->combine, Combine::Max);
}

TEST(MetricTable, DerivedMetricsFollowTheirFormulas) {
  NetworkCost cost;
  cost.total.energy_pe_pj = 3e9;  // 3 mJ
  cost.time_s = 0.002;            // over 2 ms: 1.5 W
  cost.pe_area_mm2 = 1.5;
  cost.weight_sram_area_mm2 = 0.5;
  HardwareConfig hw;
  hw.clock_mhz = 500;
  hw.pe_area_um2 = 1;  // published (cost.pe_area_mm2 above is the array's)
  const std::vector<double> v = network_metrics({cost, hw, 1e9, 4});
  const auto at = [&](const char* name) { return v[metric_index(name)]; };
  EXPECT_DOUBLE_EQ(at("energy_pj"), 3e9);
  EXPECT_DOUBLE_EQ(at("edp"), 3e9 * 0.002);
  EXPECT_DOUBLE_EQ(at("power_w"), 1.5);
  EXPECT_DOUBLE_EQ(at("area_mm2"), 2.0);
  EXPECT_DOUBLE_EQ(at("sram_area_mm2"), 0.5);
  EXPECT_DOUBLE_EQ(at("energy_per_inference_uj"), 3e9 / 4 * 1e-6);
  EXPECT_DOUBLE_EQ(at("inferences_per_s"), 4 / 0.002);
  EXPECT_DOUBLE_EQ(at("tops"), 2e9 / 0.002 * 1e-12);
  EXPECT_DOUBLE_EQ(at("tops_per_w"), 2e9 / 3e9);
  EXPECT_DOUBLE_EQ(at("energy_per_mac_pj"), 3e9 / 1e9);
  EXPECT_DOUBLE_EQ(at("tops_per_mm2"), 2e9 / 0.002 * 1e-12 / 2.0);
  EXPECT_DOUBLE_EQ(at("clock_mhz"), 500);
  EXPECT_EQ(at("batch"), 4);
  EXPECT_EQ(at("weight_sqnr_db"), std::numeric_limits<double>::infinity());  // unchanged weights
}

// Before: a preset without a published PE area (area.pe_um2 = 0) gave pe_area_mm2 = 0, area_mm2 =
// the SRAMs' alone and a tops_per_mm2 over it: numbers that looked real. Now exactly the metrics
// flagged may_be_unknown are unknown (NaN) for such presets, and known for every other preset.
TEST(MetricTable, AnUnpublishedPeAreaMakesExactlyTheAreaMetricsUnknown) {
  NetworkCost cost;
  cost.total.energy_pe_pj = 3e9;
  cost.time_s = 0.002;
  cost.weight_sram_area_mm2 = 0.5;
  cost.act_sram_area_mm2 = 0.25;
  int unpublished = 0;
  for (const std::string& preset : hardware_designs()) {
    const HardwareConfig hw = load_hardware(preset, std::nullopt, {});
    cost.pe_area_mm2 = double(hw.pe_rows) * hw.pe_cols * hw.pe_area_um2 * 1e-6;
    const bool unknown = hw.pe_area_um2 == 0;
    unpublished += unknown;
    const std::vector<double> v = network_metrics({cost, hw, 1e9, 1});
    for (const Metric& m : metrics())
      EXPECT_EQ(std::isnan(v[metric_index(m.name)]), unknown && m.may_be_unknown)
          << preset << ": " << m.name;
    EXPECT_DOUBLE_EQ(v[metric_index("sram_area_mm2")], 0.75) << preset;
  }
  EXPECT_GT(unpublished, 0);  // ant and bit-parallel publish no PE area
}

TEST(MetricTable, NamesAreUniqueAndUnknownNamesAreRefusedWithTheKnownOnes) {
  std::set<std::string> names;
  for (const Metric& m : metrics()) EXPECT_TRUE(names.insert(std::string(m.name)).second) << m.name;
  EXPECT_EQ(find_metric("no_such_metric"), nullptr);
  try {
    metric_index("no_such_metric");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_metric"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("energy_pj"), std::string::npos);
  }
}

}  // namespace
}  // namespace bbs::accel
