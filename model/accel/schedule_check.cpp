#include "model/accel/schedule_check.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>

#include "networks/tensor.hpp"

namespace bbs::accel {

void ScheduleCheck::add(const ScheduleCheck& o) {
  groups_checked += o.groups_checked;
  value_mismatches += o.value_mismatches;
  cycle_mismatches += o.cycle_mismatches;
  if (first_problem.empty()) first_problem = o.first_problem;
}

ScheduleCheck check_schedules(const AccelModel& model, const HardwareConfig& hw, Fidelity fidelity,
                              const LayerWork& work, const LayerProfile& profile,
                              std::span<const std::int16_t> values,
                              std::span<const std::int16_t> spans,
                              std::span<const std::int16_t> constants, std::int64_t samples,
                              std::uint64_t seed) {
  ScheduleCheck check;
  if (samples <= 0) return check;
  const bool flat = profile.steps && profile.steps->grouping().flat;
  const ReductionGrouping grouping = reduction_grouping(work, hw.lanes, flat);
  const std::int64_t total = work.out_channels * grouping.groups_per_channel;
  const std::int64_t stride = std::max<std::int64_t>(1, total / samples);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> activation(0, 255);
  // The spans and constants of pruned groups, whenever given: a schedule needs them to compute
  // the group's value even where the model charges a fixed mean (BitSim's BitVert cycles).
  const bool uses_spans = !spans.empty() && !constants.empty();
  // Fixed-step designs charge the same cycles to every tile (asked for once, when a schedule's
  // cycles are comparable with it).
  std::optional<double> fixed_per_tile;
  const auto charged_per_tile = [&] {
    if (!fixed_per_tile) {
      const ComputeCost fixed = model.compute(work, profile, hw, fidelity);
      fixed_per_tile = fixed.cycles / fixed.tiles;
    }
    return *fixed_per_tile;
  };
  std::int64_t ordinal = 0;
  std::vector<int> w, s, c;
  std::vector<std::uint8_t> a;
  for_each_reduction_group(
      work, hw.lanes, flat,
      [&](std::int64_t k, std::int64_t g, std::span<const std::int64_t> indices) {
        if (ordinal++ % stride != 0) return;
        w.clear(), s.clear(), c.clear(), a.clear();
        std::int64_t expected = 0;
        for (auto i : indices) {
          w.push_back(values[std::size_t(i)]);
          s.push_back(uses_spans ? spans[std::size_t(i)] : 0);
          c.push_back(uses_spans ? constants[std::size_t(i)] : 0);
          a.push_back(std::uint8_t(activation(rng)));
          expected += std::int64_t(w.back()) * a.back();
        }
        const ScheduleRun run = model.run_schedule({w, s, c, a}, hw, fidelity);
        const bool cycles_checked = run.cycles_comparable;
        const double charged = profile.steps    ? double(profile.steps->steps(k, g))
                               : cycles_checked ? charged_per_tile()
                                                : 0.0;
        ++check.groups_checked;
        const bool value_ok = run.result == expected;
        const bool cycles_ok = !cycles_checked || double(run.cycles) == charged;
        check.value_mismatches += !value_ok;
        check.cycle_mismatches += !cycles_ok;
        if ((!value_ok || !cycles_ok) && check.first_problem.empty())
          check.first_problem = work.name + " channel " + std::to_string(k) + " group " +
                                std::to_string(g) + ": schedule gives " +
                                std::to_string(run.result) + " in " + std::to_string(run.cycles) +
                                " cycles; expected " + std::to_string(expected) + " in " +
                                (cycles_checked ? std::to_string(charged) : "any") + " cycles";
      });
  return check;
}

}  // namespace bbs::accel
