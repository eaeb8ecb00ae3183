// ANT [MICRO'22], adaptive numeric types at 6 bits (BBS paper §V-A, Figs. 12-13, Table II), as
// BitSim models it (yc2367/BitSim sim/sim/ant.py at 6845fad): a Stripes-like bit-serial array,
// 16 x 20 PEs of 16 lanes, at one fractional average precision P per network for weights and
// activations (sim/test_ant.py:7-17: Ant(prec, prec, 16, [16, 20], name)):
//   P            = [ant] precision; 0 (the default) = BitSim's per-network value: 6.1 vgg16,
//                  6.05 resnet34, 6.2 resnet50, 6.5 vit-small (zoo vit_small_16), 6.1 any other
//                  (sim/test_ant.py:7-16)
//   cycles(tile) = P   (fractional: Stripes' tiles * Pw_s, sim/sim/stripes.py:113-200)
//   weight bytes = ceil(Ci * P / 8) * k^2 * Co; activation footprints ceil(C * P / 8) per position
//                  (sim/sim/ant.py:31-62); SRAM writes ceil(C * P / 64) words
//   DRAM cycles  = bits / 128 (bitsim: bytes * P / 128, defect dram-double-scaling)
//   energy       = Stripes' terms with PE 0.28125 * 1.5 * 0.85 pJ (6-bit scaling), weight register
//                  0.46 * 1.5 pJ, activation register (0.53 + 0.072625) * 1.5 pJ
//                  (sim/sim/ant.py:11-18; preset data/hw/ant.toml)
//   memories     W-SRAM 256 KiB in H banks of 16 * 8 bits (sim/sim/ant.py:65-80). BitSim's I-SRAM
//   is
//                256 KiB in Wc * 6/8 = 15 banks (sim/sim/ant.py:84-90): no integer bank size, so
//                its CACTI lookup raises and BitSim has no ANT result; the bitsim profile refuses.
//                corrected: 16 banks of 128 bits (2048 >= 20 columns x 16 lanes x 6 bits = 1920).
// The weights are not read (BitSim loads them unused): no step rule. The schedule check runs the
// dense two's-complement schedule: its values are exact, its cycles are not ANT's mean precision.
#include <cmath>
#include <string>

#include "model/accel/accel_model.hpp"
#include "model/accel/hardware_config.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

const DesignParameter kPrecision{
    "ant.precision", 0.0,
    "0 = yc2367/BitSim sim/test_ant.py:7-16 per network: 6.1 vgg16, 6.05 resnet34, 6.2 resnet50, "
    "6.5 vit-small (zoo vit_small_16), 6.1 any other",
    "mean bits per weight and activation of ANT's adaptive 6-bit types (0: per network)"};

// yc2367/BitSim sim/test_ant.py:7-16.
double bitsim_precision(std::string_view network) {
  if (network == "vgg16") return 6.1;
  if (network == "resnet34") return 6.05;
  if (network == "resnet50") return 6.2;
  if (network == "vit_small_16") return 6.5;
  return 6.1;
}

double precision(const HardwareConfig& hw) {
  const double p = hw.setting<double>(kPrecision);
  if (p <= 0)
    throw Error("ant.precision = 0 (the per-network value) was not resolved for a network");
  return p;
}

// BitSim's I-SRAM: 256 KiB in Wc * 6 / 8 banks (sim/sim/ant.py:84-90), which CACTI cannot build
// unless the bank count is an integer dividing the capacity.
void refuse_bitsim_act_sram(const HardwareConfig& hw) {
  constexpr double kBitsimActSramBytes = 256.0 * 1024;
  const double banks = hw.pe_cols * 6.0 / 8.0;
  if (banks == std::floor(banks) && std::fmod(kBitsimActSramBytes, banks) == 0) return;
  throw Error(
      "ANT in the bitsim profile: the reference simulator's activation SRAM is 256 KiB in "
      "Wc * 6/8 = " +
      std::to_string(banks) +
      " banks (yc2367/BitSim sim/sim/ant.py:84-90), "
      "which is no whole number of bytes per bank, so its CACTI lookup raises and BitSim "
      "gives no ANT result to reproduce; use --profile corrected");
}

class Ant final : public AccelModel {
 public:
  std::string_view name() const override { return "ant"; }
  std::string_view description() const override {
    return "ANT: adaptive 6-bit types, bit-serial at a fractional mean precision per network";
  }
  std::vector<DesignParameter> parameters() const override { return {kPrecision}; }

  void validate(const HardwareConfig& hw) const override {
    const double p = hw.setting<double>(kPrecision);
    require_setting(hw, p == 0 || (p > 0 && p <= hw.weight_bits), kPrecision.key,
                    "0 (per network) or a precision in (0, array.weight_bits]");
  }

  HardwareConfig for_network(const HardwareConfig& hw, std::string_view network) const override {
    if (hw.setting<double>(kPrecision) != 0) return hw;
    HardwareConfig bound = hw;
    bound.design_settings[kPrecision.key] = bitsim_precision(network);
    bound.sources[kPrecision.key] =
        "yc2367/BitSim sim/test_ant.py:7-16: the value for '" + std::string(network) + "'";
    return bound;
  }

  double activation_bits(const HardwareConfig& hw) const override { return precision(hw); }

  ComputeCost compute(const LayerWork& work, const LayerProfile& profile, const HardwareConfig& hw,
                      Fidelity fidelity) const override {
    if (fidelity == Fidelity::BitSim) refuse_bitsim_act_sram(hw);
    return AccelModel::compute(work, profile, hw, fidelity);
  }

  WeightStorage weight_storage(const LayerWork& work, const LayerProfile&, const HardwareConfig& hw,
                               Fidelity fidelity) const override {
    const double p = precision(hw);
    WeightStorage s;
    s.bytes = std::ceil(double(work.in_channels) * p / 8.0) * double(work.kernel_area()) *
              double(work.out_channels);
    s.dram_cycle_bits = s.bytes * (fidelity.dram_double_scaling ? p : 8.0);
    s.sram_write_bits_per_weight = p;
    return s;
  }

  // Its adaptive types hold every weight in P bits on average (no separate metadata).
  double stored_bits_per_weight(const LayerProfile&, const HardwareConfig& hw) const override {
    return precision(hw);
  }

  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&, Fidelity) const override {
    ScheduleRun run = dense_column_schedule(g);
    run.cycles_comparable = false;  // the model charges the mean precision P per tile
    return run;
  }

 protected:
  double fixed_steps_per_tile(const LayerWork&, const LayerProfile&, const HardwareConfig& hw,
                              Fidelity) const override {
    return precision(hw);
  }
};

BBS_REGISTER_DESIGN(Ant);

}  // namespace
}  // namespace bbs::accel
