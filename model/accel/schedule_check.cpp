#include "model/accel/schedule_check.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <string>

#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

int magnitude(int w) { return std::min(w < 0 ? -w : w, 127); }
int sign(int w) { return w < 0 ? -1 : 1; }

// Stripes: all 8 two's-complement columns, one per cycle, the sign column negated.
ScheduleRun stripes(std::span<const int> w, std::span<const std::uint8_t> a) {
  ScheduleRun run;
  for (int b = 7; b >= 0; --b, ++run.cycles) {
    std::int64_t psum = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
      if ((unsigned(std::uint8_t(std::int8_t(w[i]))) >> b) & 1u) psum += a[i];
    run.result += (b == 7 ? -psum : psum) << b;
  }
  return run;
}

// Pragmatic: each lane shifts its activation by the next one-offset of |w| per cycle.
ScheduleRun pragmatic(std::span<const int> w, std::span<const std::uint8_t> a, bool sign_term) {
  ScheduleRun run;
  std::vector<unsigned> remaining(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) remaining[i] = unsigned(magnitude(w[i]));
  while (std::any_of(remaining.begin(), remaining.end(), [](unsigned r) { return r != 0; })) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!remaining[i]) continue;
      const int offset = std::countr_zero(remaining[i]);
      remaining[i] &= remaining[i] - 1;
      run.result += std::int64_t(sign(w[i])) * a[i] << offset;
    }
    ++run.cycles;
  }
  if (sign_term) {  // BitSim charges the sign bit as one more term of negative weights
    int most = 0;
    for (int x : w) most = std::max(most, std::popcount(unsigned(magnitude(x))) + (x < 0));
    run.cycles = most;
  }
  return run;
}

// Bitlet: significance lane b takes the next weight with bit b set each cycle.
ScheduleRun bitlet(std::span<const int> w, std::span<const std::uint8_t> a) {
  ScheduleRun run;
  for (int b = 0; b < 8; ++b) {
    int taken = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!((unsigned(std::uint8_t(std::int8_t(w[i]))) >> b) & 1u)) continue;
      run.result += (b == 7 ? -std::int64_t(a[i]) : std::int64_t(a[i])) << b;
      ++taken;  // one cycle of lane b
    }
    run.cycles = std::max(run.cycles, taken);
  }
  return run;
}

// BitWave: one non-zero magnitude column per cycle, each lane negated by its weight's sign.
ScheduleRun bitwave(std::span<const int> w, std::span<const std::uint8_t> a, bool with_sign) {
  ScheduleRun run;
  bool negative = false;
  for (int b = 6; b >= 0; --b) {
    std::int64_t psum = 0;
    bool any = false;
    for (std::size_t i = 0; i < w.size(); ++i) {
      negative |= w[i] < 0;
      if ((magnitude(w[i]) >> b) & 1) {
        psum += sign(w[i]) * std::int64_t(a[i]);
        any = true;
      }
    }
    if (!any) continue;
    run.result += psum << b;
    ++run.cycles;
  }
  if (with_sign && negative) ++run.cycles;  // BitSim's column count; its "-1" is per tile
  return run;
}

// BitVert: columns min k .. 7 - min r of base = W - C; per 8-lane sub-group at most 4 selected
// activations (Eq. 2 on the 1s or Eq. 3 on the 0s); the top column is the sign; plus C * sum(A).
ScheduleRun bitvert(std::span<const int> w, std::span<const int> spans, std::span<const int> c,
                    std::span<const std::uint8_t> a) {
  ScheduleRun run;
  int min_redundant = 3, min_low = 8;
  for (int s : spans) {
    min_redundant = std::min(min_redundant, s >> 4);
    min_low = std::min(min_low, s & 15);
  }
  const int top = 7 - min_redundant;
  for (std::size_t i = 0; i < w.size(); ++i) run.result += std::int64_t(c[i]) * a[i];
  for (int b = top; b >= min_low; --b, ++run.cycles) {
    std::int64_t column = 0;
    for (std::size_t first = 0; first < w.size(); first += 8) {
      const std::size_t last = std::min(w.size(), first + 8);
      std::int64_t sum_ones = 0, sum_zeros = 0;
      int ones = 0;
      for (std::size_t i = first; i < last; ++i) {
        const bool bit = (unsigned(std::uint8_t(std::int8_t(w[i] - c[i]))) >> b) & 1u;
        ones += bit;
        (bit ? sum_ones : sum_zeros) += a[i];
      }
      const bool skip_ones = 2 * ones > int(last - first);
      const int selected = skip_ones ? int(last - first) - ones : ones;
      if (selected > 4) throw std::logic_error("BitVert sub-group selected more than 4 lanes");
      column += skip_ones ? (sum_ones + sum_zeros) - sum_zeros : sum_ones;
    }
    run.result += (b == top ? -column : column) << b;
  }
  return run;
}

// BitVert without BBS: per two's-complement column (sign column negated) the G/2 multipliers take
// up to G/2 of its 1 bits per cycle; an all-zero group still takes one cycle.
ScheduleRun bitvert_zero_skip(std::span<const int> w, std::span<const std::uint8_t> a,
                              int multipliers) {
  ScheduleRun run;
  for (int b = 7; b >= 0; --b) {
    std::int64_t column = 0;
    int ones = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!((unsigned(std::uint8_t(std::int8_t(w[i]))) >> b) & 1u)) continue;
      column += a[i];
      if (ones++ % multipliers == 0) ++run.cycles;  // the first 1 of a new batch
    }
    run.result += (b == 7 ? -column : column) << b;
  }
  run.cycles = std::max(run.cycles, 1);
  return run;
}

}  // namespace

void ScheduleCheck::add(const ScheduleCheck& o) {
  groups_checked += o.groups_checked;
  value_mismatches += o.value_mismatches;
  cycle_mismatches += o.cycle_mismatches;
  if (first_problem.empty()) first_problem = o.first_problem;
}

ScheduleRun run_schedule(std::string_view design, Fidelity fidelity, std::span<const int> weights,
                         std::span<const int> spans, std::span<const int> constants,
                         std::span<const std::uint8_t> activations) {
  if (design == "stripes") return stripes(weights, activations);
  if (design == "pragmatic") return pragmatic(weights, activations, fidelity.pragmatic_sign_term);
  if (design == "bitlet") return bitlet(weights, activations);
  if (design == "bitwave") return bitwave(weights, activations, fidelity.bitwave_sign_cycle);
  if (design == "bitvert") return bitvert(weights, spans, constants, activations);
  if (design == "sparten") {  // AND of the two bitmasks, one effectual pair per cycle
    ScheduleRun run{0, 0};
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (weights[i] != 0 && activations[i] != 0) {
        run.result += weights[i] * activations[i];
        ++run.cycles;
      }
    return run;
  }
  if (design == "bit-parallel") {
    ScheduleRun run{0, 1};
    for (std::size_t i = 0; i < weights.size(); ++i) run.result += weights[i] * activations[i];
    return run;
  }
  throw Error("no bit-level schedule for design '" + std::string(design) + "'");
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
  const bool zero_skip = model.name() == "bitvert" && !hw.bitvert_bidirectional;
  const bool uses_spans = model.name() == "bitvert" && !fidelity.fixed_bitvert_cycles && !zero_skip;
  // Fixed-step designs charge the same cycles to every tile (BitSim's BitVert a fractional mean).
  const ComputeCost fixed = model.compute(work, profile, hw, fidelity);
  const bool check_fixed = !profile.steps && !(model.name() == "bitvert");
  const double fixed_per_tile = fixed.cycles / fixed.tiles;
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
        const ScheduleRun run = zero_skip ? bitvert_zero_skip(w, a, std::max(1, hw.lanes / 2))
                                          : run_schedule(model.name(), fidelity, w, s, c, a);
        const double charged = profile.steps ? profile.steps->steps(k, g) : fixed_per_tile;
        // SparTen's records hold the weight side only; its activation zeros come from a density.
        const bool cycles_checked =
            (profile.steps && profile.steps->kind() != StepKind::NonZeroValues) || check_fixed;
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
