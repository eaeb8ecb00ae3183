// The objectives a campaign (`objectives`, NSGA-II) and `query --pareto/--top --by` rank design
// points by: one registry, so both accept the same names with the same direction. Every metric
// with a Goal (model/accel/metrics.hpp) is one, under its name (edp, weight_sqnr_db: none is
// +inf, bits_per_weight, ...), plus
//   latency = time_s, energy = energy_pj, area = area_mm2                             (minimised)
//   throughput_per_area = inferences_per_s / area_mm2 (B / (time_s x area_mm2) for a run of
//                         batch B), inferences/s/mm2                                 (maximised)
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "dse/result_store.hpp"

namespace bbs::dse {

struct Objective {
  std::string name;        // as the user writes it
  std::string expression;  // over point_summary columns
  std::string column;      // the result column it is shown as
  bool maximise = false;
  // The value of a NULL expression: weight_sqnr_db of unpruned weights (+inf, best), or an
  // unknown value (an area when area.pe_um2 = 0: the worst, +inf minimised, -inf maximised).
  double if_null = 0;
  // Whether NULL is an unknown value, ranked worst: never on a Pareto front or a top list.
  bool null_is_unknown() const { return (maximise ? -if_null : if_null) == kWorst; }

  static constexpr double kWorst = std::numeric_limits<double>::infinity();
};

const std::vector<Objective>& objectives();
const Objective* find_objective(std::string_view name);  // nullptr when unknown
std::string objective_names();                           // "latency, energy, ..."

// The objective's value for a point, as a cost to minimise (maximised ones negated); a failed
// point costs +inf, an unknown (NaN) value the objective's if_null.
double objective_cost(const Objective& objective, const PointRecord& point);

}  // namespace bbs::dse
