// OliVe (ISCA'23) as BBS paper Table VI describes its PE (4-bit weights x 8-bit activations, one
// multiply per PE-cycle, 291.6 um2, 0.18 mW at 28 nm), checked by hand on one small layer.
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
using test::linear;

TEST(OliVe, OneLayerByHand) {
  const HardwareConfig hw = load_hardware("olive", std::nullopt, {});
  ASSERT_EQ(hw.pe_rows * hw.pe_cols * hw.multipliers_per_pe, 4096);  // iso-multiplier
  const NetworkCost c = constant_linear_cost("olive", hw);
  const LayerCost& l = c.layers.at(0);
  // 64 x 16 PEs, 1 lane: tiles = Ci x ceil(130/64) x ceil(20/16) = 100 x 3 x 2, 1 cycle each.
  EXPECT_DOUBLE_EQ(l.compute.tiles, 600);
  EXPECT_DOUBLE_EQ(l.compute.cycles, 600);
  // 4 bits per weight, no metadata: ceil(100 x 4 / 8) x 130 bytes.
  EXPECT_DOUBLE_EQ(l.weight_bytes, 6500);
  EXPECT_DOUBLE_EQ(c.bits_per_weight(), 4.0);
  // PE energy = 0.18 mW / 800 MHz = 0.225 pJ per PE-cycle, x 1024 PEs x 600 cycles.
  EXPECT_NEAR(l.energy_pe_pj, 0.225 * 1024 * 600, 1e-6);
  EXPECT_DOUBLE_EQ(l.energy_registers_pj, 0);
  EXPECT_NEAR(c.pe_area_mm2, 1024 * 291.6e-6, 1e-12);
  // An 8-bit x 8-bit (attention) product takes two passes of the 4b x 8b multiplier.
  EXPECT_DOUBLE_EQ(
      activation_matmul_compute(linear(100, 130, 20), hw, Fidelity::Corrected, hw.act_bits).cycles,
      1200);
}

TEST(OliVe, TheBitsimProfileIsRefusedAndWiderWeightsTakeMorePasses) {
  const AccelModel& olive = find_accel("olive");
  const HardwareConfig hw = load_hardware("olive", std::nullopt, {});
  try {
    olive.compute(linear(100, 130, 20), LayerProfile{}, hw, Fidelity::BitSim);
    ADD_FAILURE() << "the bitsim profile has no OliVe model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no model of this design; use --profile corrected"),
              std::string::npos)
        << e.what();
  }
  // 8-bit weights through the 4b x 8b multiplier: ceil(1 x 8 / 4) = 2 cycles per tile.
  const HardwareConfig eight_bit = load_hardware("olive", std::nullopt, {"array.weight_bits=8"});
  const ComputeCost c =
      olive.compute(linear(100, 130, 20), LayerProfile{}, eight_bit, Fidelity::Corrected);
  EXPECT_DOUBLE_EQ(c.cycles, 1200);
}

}  // namespace
}  // namespace bbs::accel
