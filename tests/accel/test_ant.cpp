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

using test::constant_linear_cost;

// A regression: bits_per_weight reported the pruning analysis' 8 bits, not the P bits ANT stores.
TEST(Ant, StoresEveryWeightInItsMeanPrecision) {
  const HardwareConfig hw = load_hardware("ant", std::nullopt, {"ant.precision=6.1"});
  const NetworkCost c = constant_linear_cost("ant", hw);
  EXPECT_DOUBLE_EQ(c.bits_per_weight(), 6.1);
  // Its weight bytes follow the same P: ceil(100 x 6.1 / 8) = 77 bytes per output channel.
  EXPECT_DOUBLE_EQ(c.layers.at(0).weight_bytes, 77.0 * 130);
}

}  // namespace
}  // namespace bbs::accel
