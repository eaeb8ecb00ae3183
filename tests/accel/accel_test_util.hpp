// Helpers shared by the accelerator tests: the iso-multiplier Stripes array of the authors'
// simulator's toy network (32 x 16 PEs, 16 lanes, BitSim's SRAM sizes and energies), a linear
// layer.
#pragma once

#include "model/accel/hardware.hpp"
#include "model/accel/layer_work.hpp"

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

}  // namespace bbs::accel::test
