// Pragmatic [MICRO'17] as BitSim models it (yc2367/BitSim sim/sim/pragmatic.py at 6845fad): each
// lane processes only the non-zero bits of its weight, one term per cycle, so a group costs the
// most terms of its weights, and the H rows run in lockstep (BBS paper §II-B, Fig. 2c):
//   steps(row, group) = max over lanes of popcount(|w|)          (sign-magnitude)
//   cycles(tile)      = max over the tile's rows of steps(row, group)
//   useful work       = sum of popcount(|w|), capacity G terms per row and step
// Defect pragmatic-sign-term (docs/profiles.md defect 4): BitSim also counts the sign bit of a
// negative weight as a term (sim/sim/pragmatic.py:112); corrected does not (the sign is a negate
// stage). Zero skipping is on-chip only: DRAM and SRAM still hold 8-bit weights.
#include <bit>

#include "model/accel/accel_model.hpp"
#include "model/accel/bits.hpp"

namespace bbs::accel {
namespace {

const DefectSwitch& kSignTerm =
    register_defect_switch("pragmatic", "pragmatic-sign-term", "sim/sim/pragmatic.py:112",
                           "Pragmatic counts the sign bit as an effectual term");

int terms(int w, bool sign_term) { return magnitude_ones(w) + (w < 0 && sign_term); }

template <bool kSignTerm>
GroupStep most_terms(std::span<const int> group, int) {
  int most = 0, sum = 0;
  for (int w : group) {
    const int t = terms(w, kSignTerm);
    most = std::max(most, t);
    sum += t;
  }
  return {std::uint8_t(most), std::uint16_t(sum)};
}

double lanes_per_step(int lanes) { return lanes; }  // one term per lane per cycle

const StepRule& kTerms = register_step_rule({"pragmatic-terms", most_terms<false>, lanes_per_step});
const StepRule& kTermsWithSign =
    register_step_rule({"pragmatic-terms-with-sign", most_terms<true>, lanes_per_step});

class Pragmatic final : public AccelModel {
 public:
  std::string_view name() const override { return "pragmatic"; }
  std::string_view description() const override {
    return "Pragmatic: skips zero bits per weight; latency = weight with the most 1s";
  }

  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override {
    WeightNeeds needs = AccelModel::weight_needs(hw, fidelity);
    needs.steps = fidelity.on(kSignTerm) ? &kTermsWithSign : &kTerms;
    return needs;
  }

  // Each lane shifts its activation by the next one-offset of |w| per cycle.
  ScheduleRun run_schedule(const ScheduleGroup& g, const HardwareConfig&,
                           Fidelity fidelity) const override {
    ScheduleRun run;
    std::vector<unsigned> remaining(g.weights.size());
    for (std::size_t i = 0; i < g.weights.size(); ++i) remaining[i] = magnitude(g.weights[i]);
    while (std::any_of(remaining.begin(), remaining.end(), [](unsigned r) { return r != 0; })) {
      for (std::size_t i = 0; i < g.weights.size(); ++i) {
        if (!remaining[i]) continue;
        const int offset = std::countr_zero(remaining[i]);
        remaining[i] &= remaining[i] - 1;
        run.result += std::int64_t(sign(g.weights[i])) * g.activations[i] << offset;
      }
      ++run.cycles;
    }
    if (fidelity.on(kSignTerm)) {  // BitSim charges the sign bit as one more term
      int most = 0;
      for (int w : g.weights) most = std::max(most, terms(w, true));
      run.cycles = most;
    }
    return run;
  }
};

BBS_REGISTER_DESIGN(Pragmatic);

}  // namespace
}  // namespace bbs::accel
