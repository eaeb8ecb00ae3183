#include "dse/objective.hpp"

#include <limits>

namespace bbs::dse {

const std::vector<Objective>& objectives() {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  static const std::vector<Objective> all = {
      {"latency", "time_s", "time_s", false, 0},
      {"energy", "energy_pj", "energy_pj", false, 0},
      {"edp", "edp", "edp", false, 0},
      {"area", "area_mm2", "area_mm2", false, 0},
      {"throughput_per_area", "1.0 / (time_s * area_mm2)", "inferences_per_s_mm2", true, 0},
      {"weight_sqnr_db", "weight_sqnr_db", "weight_sqnr_db", true, kInf},
      {"bits_per_weight", "bits_per_weight", "bits_per_weight", false, 0},
  };
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
  if (p.status != PointStatus::Done) return std::numeric_limits<double>::infinity();
  double value = 0;
  if (objective.name == "latency") value = p.time_s;
  if (objective.name == "energy") value = p.energy_pj;
  if (objective.name == "edp") value = p.energy_pj * p.time_s;
  if (objective.name == "area") value = p.area_mm2;
  if (objective.name == "throughput_per_area") value = 1.0 / (p.time_s * p.area_mm2);
  if (objective.name == "weight_sqnr_db") value = p.weight_sqnr_db.value_or(objective.if_null);
  if (objective.name == "bits_per_weight") value = p.bits_per_weight;
  return objective.maximise ? -value : value;
}

}  // namespace bbs::dse
