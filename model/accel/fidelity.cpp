#include "model/accel/fidelity.hpp"

#include <algorithm>

#include "networks/tensor.hpp"

namespace bbs::accel {

const Fidelity Fidelity::BitSim{true, true, true, true, true, true, true, true,
                                true, true, true, true, true, true, true};
const Fidelity Fidelity::Corrected{};

const std::vector<DefectSwitch>& defect_switches() {
  static const std::vector<DefectSwitch> switches{
      {"dram-double-scaling", "sim/sim/bitvert.py:379, sim/sim/bitwave.py:419",
       "weight DRAM cycles multiply compressed bytes by the precision",
       &Fidelity::dram_double_scaling},
      {"dense-grouped-convs", "sim/model_profile/meters/layer_dim_profiler.py",
       "grouped and depthwise convs simulated as dense convs", &Fidelity::dense_grouped_convs},
      {"pragmatic-sign-term", "sim/sim/pragmatic.py:112",
       "Pragmatic counts the sign bit as an effectual term", &Fidelity::pragmatic_sign_term},
      {"bitwave-sign-cycle", "sim/sim/bitwave.py:111", "BitWave subtracts one sign cycle per tile",
       &Fidelity::bitwave_sign_cycle},
      {"no-metadata", "sim/sim/bitvert.py:420",
       "no BBS metadata, channel index or BitWave column masks", &Fidelity::no_metadata},
      {"no-onchip-compression", "sim/sim/stripes.py:247",
       "BitVert weights read from SRAM at 8 bits", &Fidelity::no_onchip_compression},
      {"list-order-chain", "sim/sim/stripes.py:202",
       "on-chip output chain in list order; BitSim's output writes", &Fidelity::list_order_chain},
      {"named-refetch", "sim/sim/stripes.py:473",
       "cheaper refetch order only for vgg16/resnet34/resnet50", &Fidelity::named_refetch},
      {"fixed-bitvert-cycles", "sim/sim/bitvert.py:131",
       "BitVert charges r_h*8 + r_l*(8-N) cycles per tile", &Fidelity::fixed_bitvert_cycles},
      {"per-sample", "sim/sim/stripes.py:86", "batch ignored: every result per sample",
       &Fidelity::per_sample},
      {"zero-cycle-tiles", "sim/sim/pragmatic.py:45",
       "a tile whose rows all hold zero groups costs no cycle (max over rows of 0 steps)",
       &Fidelity::zero_cycle_tiles},
      {"weight-layers-only", "sim/model_profile/meters/layer_dim_profiler.py",
       "only weight layers costed: no attention matmuls, no KV cache traffic",
       &Fidelity::weight_layers_only},
      {"sparten-token-cap", "sim/model_profile/meters/sparten_profiler.py",
       "SparTen's linear layers profiled on at most 128 tokens (ViT's 197 undercounted)",
       &Fidelity::sparten_token_cap},
      {"sparten-stripes-tiles", "sim/sim/sparten.py",
       "SparTen's SRAM and local-buffer energies count Stripes' tiles, not its 128-groups",
       &Fidelity::sparten_stripes_tiles},
      {"sparten-dense-weight-writes", "sim/sim/sparten.py",
       "SparTen's SRAM weight writes at density 1 (its footprint uses the real density)",
       &Fidelity::sparten_dense_weight_writes},
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
