#include "model/accel/fidelity.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

constexpr DefectSwitch shared(std::string_view name, std::string_view bitsim_source,
                              std::string_view description, bool Fidelity::*flag) {
  DefectSwitch s;
  s.name = name, s.bitsim_source = bitsim_source, s.description = description, s.flag = flag;
  return s;
}

const DefectSwitch kShared[] = {
    shared("dram-double-scaling", "sim/sim/bitvert.py:379, sim/sim/bitwave.py:419",
           "weight DRAM cycles multiply compressed bytes by the precision",
           &Fidelity::dram_double_scaling),
    shared("dense-grouped-convs", "sim/model_profile/meters/layer_dim_profiler.py",
           "grouped and depthwise convs simulated as dense convs", &Fidelity::dense_grouped_convs),
    shared("no-metadata", "sim/sim/bitvert.py:420",
           "no BBS metadata, channel index or BitWave column masks", &Fidelity::no_metadata),
    shared("list-order-chain", "sim/sim/stripes.py:202",
           "on-chip output chain in list order; BitSim's output writes",
           &Fidelity::list_order_chain),
    shared("named-refetch", "sim/sim/stripes.py:473",
           "cheaper refetch order only for vgg16/resnet34/resnet50", &Fidelity::named_refetch),
    shared("per-sample", "sim/sim/stripes.py:86", "batch ignored: every result per sample",
           &Fidelity::per_sample),
    shared("zero-cycle-tiles", "sim/sim/pragmatic.py:45",
           "a tile whose rows all hold zero groups costs no cycle (max over rows of 0 steps)",
           &Fidelity::zero_cycle_tiles),
    shared("weight-layers-only", "sim/model_profile/meters/layer_dim_profiler.py",
           "only weight layers costed: no attention matmuls, no KV cache traffic",
           &Fidelity::weight_layers_only),
};

// Design switches register during static initialisation; the list is read afterwards.
struct Registry {
  std::mutex mutex;
  std::deque<DefectSwitch> design;  // stable addresses
  std::vector<const DefectSwitch*> all;
  bool sorted = false;
};

Registry& registry() {
  static Registry r;
  return r;
}

std::uint64_t registered_bits() {
  const auto n = registry().design.size();
  return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

}  // namespace

const Fidelity Fidelity::BitSim{.dram_double_scaling = true,
                                .dense_grouped_convs = true,
                                .no_metadata = true,
                                .list_order_chain = true,
                                .named_refetch = true,
                                .per_sample = true,
                                .zero_cycle_tiles = true,
                                .weight_layers_only = true,
                                .design_defects = ~std::uint64_t{0}};
const Fidelity Fidelity::Corrected{};

const DefectSwitch& register_defect_switch(std::string_view design, std::string_view name,
                                           std::string_view bitsim_source,
                                           std::string_view description,
                                           bool charges_empty_tiles_below_one) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.design.size() >= 64) throw Error("more than 64 design defect switches");
  DefectSwitch s;
  s.name = name, s.bitsim_source = bitsim_source, s.description = description;
  s.bit = int(r.design.size());
  s.design = design;
  s.charges_empty_tiles_below_one = charges_empty_tiles_below_one;
  r.sorted = false;
  return r.design.emplace_back(s);
}

const std::vector<const DefectSwitch*>& defect_switches() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.sorted) {
    r.all.clear();
    for (const DefectSwitch& s : kShared) r.all.push_back(&s);
    std::vector<const DefectSwitch*> design;
    for (const DefectSwitch& s : r.design) design.push_back(&s);
    std::sort(design.begin(), design.end(),
              [](const DefectSwitch* a, const DefectSwitch* b) { return a->name < b->name; });
    r.all.insert(r.all.end(), design.begin(), design.end());
    r.sorted = true;
  }
  return r.all;
}

bool Fidelity::on(const DefectSwitch& s) const {
  return s.flag ? this->*s.flag : ((design_defects >> s.bit) & 1u) != 0;
}

void Fidelity::set(const DefectSwitch& s, bool value) {
  if (s.flag)
    this->*s.flag = value;
  else if (value)
    design_defects |= std::uint64_t{1} << s.bit;
  else
    design_defects &= ~(std::uint64_t{1} << s.bit);
}

bool Fidelity::operator==(const Fidelity& o) const {
  for (const DefectSwitch& s : kShared)
    if (this->*s.flag != o.*s.flag) return false;
  return ((design_defects ^ o.design_defects) & registered_bits()) == 0;
}

std::string Fidelity::name() const {
  if (*this == BitSim) return "bitsim";
  std::string text = "corrected";
  for (const DefectSwitch* s : defect_switches())
    if (on(*s)) text += "+" + std::string(s->name);
  return text;
}

Fidelity parse_fidelity(std::string_view profile, const std::vector<std::string>& defects) {
  Fidelity f;
  if (profile == "bitsim")
    f = Fidelity::BitSim;
  else if (profile != "corrected")
    throw Error("profile '" + std::string(profile) + "': expected bitsim or corrected");
  const auto& all = defect_switches();
  for (const auto& name : defects) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const DefectSwitch* s) { return s->name == name; });
    if (it == all.end()) {
      std::string names;
      for (const DefectSwitch* s : all) names += (names.empty() ? "" : ", ") + std::string(s->name);
      throw Error("defect '" + name + "': expected one of " + names);
    }
    f.set(**it, true);
  }
  return f;
}

}  // namespace bbs::accel
