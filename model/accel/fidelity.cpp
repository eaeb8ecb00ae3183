#include "model/accel/fidelity.hpp"

#include <algorithm>

#include "networks/tensor.hpp"

namespace bbs::accel {

const Fidelity Fidelity::BitSim{true, true, true, true, true, true,
                                true, true, true, true, true, true};
const Fidelity Fidelity::Corrected{};

const std::vector<DefectSwitch>& defect_switches() {
  static const std::vector<DefectSwitch> switches{
      {"dram-double-scaling", "14.1",
       "weight DRAM cycles multiply compressed bytes by the precision",
       &Fidelity::dram_double_scaling},
      {"dense-grouped-convs", "14.2", "grouped and depthwise convs simulated as dense convs",
       &Fidelity::dense_grouped_convs},
      {"pragmatic-sign-term", "14.4", "Pragmatic counts the sign bit as an effectual term",
       &Fidelity::pragmatic_sign_term},
      {"bitwave-sign-cycle", "14.5", "BitWave subtracts one sign cycle per tile",
       &Fidelity::bitwave_sign_cycle},
      {"no-metadata", "14.6", "no BBS metadata, channel index or BitWave column masks",
       &Fidelity::no_metadata},
      {"no-onchip-compression", "14.7", "BitVert weights read from SRAM at 8 bits",
       &Fidelity::no_onchip_compression},
      {"list-order-chain", "14.9", "on-chip output chain in list order; BitSim's output writes",
       &Fidelity::list_order_chain},
      {"named-refetch", "14.10", "cheaper refetch order only for vgg16/resnet34/resnet50",
       &Fidelity::named_refetch},
      {"fixed-bitvert-cycles", "7.4", "BitVert charges r_h*8 + r_l*(8-N) cycles per tile",
       &Fidelity::fixed_bitvert_cycles},
      {"per-sample", "2.2", "batch ignored: every result per sample", &Fidelity::per_sample},
      {"zero-cycle-tiles", "3.2",
       "a tile whose rows all hold zero groups costs no cycle (max over rows of 0 steps)",
       &Fidelity::zero_cycle_tiles},
      {"weight-layers-only", "2.2",
       "only weight layers costed: no attention matmuls, no KV cache traffic",
       &Fidelity::weight_layers_only},
  };
  return switches;
}

std::string Fidelity::name() const {
  if (*this == BitSim) return "bitsim";
  std::string text = "corrected";
  for (const auto& s : defect_switches())
    if (this->*s.flag) text += "+" + std::string(s.name);
  return text;
}

Fidelity parse_fidelity(std::string_view profile, const std::vector<std::string>& defects) {
  Fidelity f;
  if (profile == "bitsim")
    f = Fidelity::BitSim;
  else if (profile != "corrected")
    throw Error("profile '" + std::string(profile) + "': expected bitsim or corrected");
  for (const auto& name : defects) {
    const auto& all = defect_switches();
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const DefectSwitch& s) { return s.name == name; });
    if (it == all.end()) {
      std::string names;
      for (const auto& s : all) names += (names.empty() ? "" : ", ") + std::string(s.name);
      throw Error("defect '" + name + "': expected one of " + names);
    }
    f.*(it->flag) = true;
  }
  return f;
}

}  // namespace bbs::accel
