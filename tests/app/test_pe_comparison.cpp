// BBS paper Table VI from the models: BitVert moderate (BBS on every channel: 4 stored columns of
// 16 weights per cycle-column) against the OliVe PE (1 multiply per cycle), on one layer whose
// tiles are all full, so the paper's 4x and 4 x 291.6 / 739.6 = 1.58x follow exactly.
#include <gtest/gtest.h>

#include <random>

#include "app/pe_comparison.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/profile_builder.hpp"
#include "networks/tensor.hpp"

namespace bbs::app {
namespace {

Simulation simulate_layer(const std::string& preset, const std::vector<std::string>& sets,
                          const accel::Workload& w, const WeightTensor& weights) {
  Simulation s;
  s.hw = accel::load_hardware(preset, std::nullopt, sets);
  const accel::AccelModel& model = accel::find_accel(s.hw.design);
  const auto profiles =
      accel::build_profiles(w, {&weights}, model.weight_needs(s.hw, accel::Fidelity::Corrected),
                            accel::Fidelity::Corrected, 1);
  const accel::MemoryCosts memory{{2.0, 1.0, 0.5}, {3.0, 1.0, 0.25}};
  s.cost = accel::evaluate_network(model, s.hw, accel::Fidelity::Corrected, w, profiles, memory);
  return s;
}

TEST(PeComparison, TableSixFollowsFromTheCycleModels) {
  accel::Workload w;
  w.network_name = "toy";
  accel::LayerWork fc;
  fc.name = "fc";
  fc.in_channels = 64, fc.out_channels = 64, fc.tokens = 16;
  w.layers = {fc};
  w.producers = {{-1}};
  WeightTensor weights{"fc", {64, 64}, std::vector<std::int8_t>(64 * 64), {}, {}};
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0.0, 25.0);
  for (auto& v : weights.values) v = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
  weights.scales.assign(64, 1.0);

  const PeFigures olive = pe_figures(simulate_layer("olive", {}, w, weights), w);
  const PeFigures bitvert =
      pe_figures(simulate_layer("bitvert", {"pruning.sensitive_fraction=0"}, w, weights), w);
  // OliVe: 64 x 64 x 16 MACs in 64 cycles on 1024 PEs. BitVert: 8 tiles of 4 stored columns =
  // 32 cycles on 512 PEs.
  EXPECT_DOUBLE_EQ(olive.weight_macs_per_pe_cycle, 1.0);
  EXPECT_DOUBLE_EQ(bitvert.weight_macs_per_pe_cycle, 4.0);
  EXPECT_DOUBLE_EQ(olive.pe_power_mw, 0.18);
  EXPECT_DOUBLE_EQ(bitvert.pe_power_mw, 0.375 * 800 * 1e-3);

  Table table = pe_table("olive");
  add_pe_rows(table, "toy", {{"olive", olive}, {"bitvert", bitvert}}, olive);
  const auto& row = table.rows().at(1);
  EXPECT_DOUBLE_EQ(std::get<double>(row.at(5)), 4.0);                    // norm. perf
  EXPECT_NEAR(std::get<double>(row.at(6)), 4.0 * 291.6 / 739.6, 1e-12);  // norm. perf / area
}

}  // namespace
}  // namespace bbs::app
