// Helpers shared by the accelerator tests: the iso-multiplier Stripes array of the authors'
// simulator's toy network (32 x 16 PEs, 16 lanes, BitSim's SRAM sizes and energies), a linear
// layer, one linear layer costed on a design.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "model/accel/accel_model.hpp"
#include "model/accel/hardware.hpp"
#include "model/accel/layer_work.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/profile_builder.hpp"
#include "model/bbs/analysis.hpp"

namespace bbs::accel::test {

inline HardwareConfig stripes_32x16() {
  HardwareConfig hw;
  hw.design = "stripes";
  hw.pe_rows = 32;
  hw.pe_cols = 16;
  hw.lanes = 16;
  hw.weight_sram = {288 * 1024, 32, 128, "1r1w"};
  hw.act_sram = {256 * 1024, 16, 128, "1r1w"};
  hw.energy = {0.28125 * 1.5, 0.46 * 1.5, (0.53 + 0.072625) * 1.5, 0};
  return hw;
}

// A linear layer "fc": Ci -> Co on `tokens` tokens.
inline LayerWork linear(std::int64_t ci, std::int64_t co, std::int64_t tokens) {
  LayerWork w;
  w.name = "fc";
  w.in_channels = ci;
  w.out_channels = co;
  w.tokens = tokens;
  return w;
}

// One linear layer of 100 -> 130 channels on 20 tokens, every int8 weight 3, costed on `design`
// in the corrected profile with fixed SRAM / DRAM costs.
inline NetworkCost constant_linear_cost(std::string_view design, const HardwareConfig& hw) {
  Workload w;
  w.network_name = "toy";
  w.layers = {linear(100, 130, 20)};
  w.producers = {{-1}};
  WeightTensor weights{"fc", {130, 100}, std::vector<std::int8_t>(13000, 3), {}, {}};
  weights.scales.assign(130, 1.0);
  const AccelModel& model = find_accel(design);
  const auto profiles = build_profiles(w, {&weights}, model.weight_needs(hw, Fidelity::Corrected),
                                       Fidelity::Corrected, 1);
  const MemoryCosts memory{{2.0, 1.0, 0.5}, {3.0, 1.0, 0.25}};
  return evaluate_network(model, hw, Fidelity::Corrected, w, profiles, memory);
}

// Normal(0, 25) int8 weights of `shape`; output channel 0 has twice the scale (a sensitive
// channel).
inline WeightTensor random_weights(const std::string& name, Shape shape, std::uint32_t seed) {
  WeightTensor t{name, shape, std::vector<std::int8_t>(std::size_t(element_count(shape))), {}, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 25.0);
  for (auto& v : t.values) v = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
  t.scales.assign(std::size_t(shape[0]), 1.0);
  t.scales[0] = 2.0;
  return t;
}

}  // namespace bbs::accel::test
