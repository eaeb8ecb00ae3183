#include "dse/objective.hpp"

#include <cmath>
#include <limits>

namespace bbs::dse {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

const std::vector<Objective>& objectives() {
  static const std::vector<Objective> all = [] {
    // The earlier names of some metrics' objectives, and one ratio no metric stores.
    std::vector<Objective> list = {
        {"latency", "time_s", "time_s", false, 0},
        {"energy", "energy_pj", "energy_pj", false, 0},
        {"area", "area_mm2", "area_mm2", false, kInf},
        {"throughput_per_area", "inferences_per_s / area_mm2", "inferences_per_s_mm2", true, -kInf},
    };
    // Every metric with a direction, under its own name.
    for (const accel::Metric& m : accel::metrics()) {
      if (m.goal == accel::Goal::None) continue;
      const std::string name(m.name);
      const bool maximise = m.goal == accel::Goal::Maximise;
      // An unknown value (NULL) ranks worst.
      const double if_null = m.may_be_unknown ? (maximise ? -kInf : kInf) : m.none_value;
      list.push_back({name, name, name, maximise, if_null});
    }
    return list;
  }();
  return all;
}

const Objective* find_objective(std::string_view name) {
  for (const Objective& o : objectives())
    if (o.name == name) return &o;
  return nullptr;
}

std::string objective_names() {
  std::string names;
  for (const Objective& o : objectives()) names += (names.empty() ? "" : ", ") + o.name;
  return names;
}

double objective_cost(const Objective& objective, const PointRecord& p) {
  if (p.status != PointStatus::Done) return kInf;
  const double value = objective.name == "throughput_per_area"
                           ? p.metrics.get("inferences_per_s") / p.metrics.get("area_mm2")
                           : p.metrics.get(objective.column);
  const double known = std::isnan(value) ? objective.if_null : value;  // unknown: if_null
  return objective.maximise ? -known : known;
}

}  // namespace bbs::dse
