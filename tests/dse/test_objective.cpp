// The objectives (dse/objective.hpp): how a point's metrics become a cost to minimise.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "dse/objective.hpp"
#include "model/accel/metrics.hpp"

namespace bbs::dse {
namespace {

PointRecord done_point(bool unknown_area) {
  PointRecord p;
  p.point_key = unknown_area ? "accel=ant" : "accel=bitvert";
  for (const accel::Metric& m : accel::metrics())
    p.metrics.set(
        m.name, unknown_area && m.may_be_unknown ? std::numeric_limits<double>::quiet_NaN() : 1.0);
  return p;
}

// Before: an unknown area (area.pe_um2 = 0, NaN) gave the cost NaN, which ranks nowhere; now
// every objective that depends on an unknown metric ranks such a point worst (+inf).
TEST(Objective, AnUnknownValueRanksWorst) {
  const PointRecord known = done_point(false), unknown = done_point(true);
  std::set<std::string> worst;
  for (const Objective& o : objectives()) {
    const double a = objective_cost(o, known), b = objective_cost(o, unknown);
    ASSERT_TRUE(std::isfinite(a)) << o.name;
    if (b != a) {
      EXPECT_EQ(b, std::numeric_limits<double>::infinity()) << o.name;
      EXPECT_TRUE(o.null_is_unknown()) << o.name;
      worst.insert(o.name);
    }
  }
  for (const char* name : {"area", "throughput_per_area", "area_mm2", "tops_per_mm2"})
    EXPECT_EQ(worst.count(name), 1u) << name;
}

// A regression: throughput_per_area was 1 / (time_s x area_mm2), one inference per run, so a
// batch of 4 in 2 s on 3 mm2 ranked as 1/6 instead of 4 / (2 x 3) = 2/3 inferences/s/mm2.
TEST(Objective, ThroughputPerAreaCountsTheBatch) {
  PointRecord p = done_point(false);
  p.metrics.set("time_s", 2.0);
  p.metrics.set("area_mm2", 3.0);
  p.metrics.set("batch", 4.0);
  p.metrics.set("inferences_per_s", 2.0);
  EXPECT_DOUBLE_EQ(objective_cost(*find_objective("throughput_per_area"), p), -2.0 / 3.0);
}

}  // namespace
}  // namespace bbs::dse
