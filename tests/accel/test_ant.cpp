// ANT (MICRO'22) as the BBS paper evaluates it (§V-A, Figs. 12-13): adaptive 6-bit types at a
// fractional mean precision P per network (yc2367/BitSim sim/test_ant.py:7-16).
#include <gtest/gtest.h>

#include "model/accel/accel_model.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/profile_builder.hpp"
#include "networks/tensor.hpp"
#include "tests/accel/accel_test_util.hpp"

namespace bbs::accel {
namespace {

using test::linear;

// A regression: bits_per_weight reported the pruning analysis' 8 bits, not the P bits ANT stores.
TEST(Ant, StoresEveryWeightInItsMeanPrecision) {
  const HardwareConfig hw = load_hardware("ant", std::nullopt, {"ant.precision=6.1"});
  Workload w;
  w.network_name = "toy";
  w.layers = {linear(100, 130, 20)};
  w.producers = {{-1}};
  WeightTensor weights{"fc", {130, 100}, std::vector<std::int8_t>(13000, 3), {}, {}};
  weights.scales.assign(130, 1.0);
  const AccelModel& ant = find_accel("ant");
  const auto profiles = build_profiles(w, {&weights}, ant.weight_needs(hw, Fidelity::Corrected),
                                       Fidelity::Corrected, 1);
  const MemoryCosts memory{{2.0, 1.0, 0.5}, {3.0, 1.0, 0.25}};
  const NetworkCost c = evaluate_network(ant, hw, Fidelity::Corrected, w, profiles, memory);
  EXPECT_DOUBLE_EQ(c.bits_per_weight(), 6.1);
  // Its weight bytes follow the same P: ceil(100 x 6.1 / 8) = 77 bytes per output channel.
  EXPECT_DOUBLE_EQ(c.layers.at(0).weight_bytes, 77.0 * 130);
}

}  // namespace
}  // namespace bbs::accel
