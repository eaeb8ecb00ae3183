// Functional check of the accelerator models: for sampled groups of a layer, execute the bit-level
// schedule a design runs on one PE row (which bits or columns each lane processes in which cycle)
// with random 8-bit activations, and check that
//   (a) the accumulated result equals the integer dot product of the group, and
//   (b) the number of cycles equals the step count the model charges for that group.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "model/accel/accel_model.hpp"

namespace bbs::accel {

struct ScheduleCheck {
  std::int64_t groups_checked = 0;
  std::int64_t value_mismatches = 0;
  std::int64_t cycle_mismatches = 0;
  std::string first_problem;
  bool ok() const { return value_mismatches == 0 && cycle_mismatches == 0; }
  void add(const ScheduleCheck& other);
};

// `values`: the weights the design runs on (pruned), PyTorch layout; `spans`/`constants`: per
// weight, read when the step rule reads_column_spans (may be empty otherwise); `records`: the
// layer's step records (null: fixed steps).
ScheduleCheck check_schedules(const AccelModel& model, const HardwareConfig& hw, Fidelity fidelity,
                              const LayerWork& work, const LayerProfile& profile,
                              std::span<const std::int16_t> values,
                              std::span<const std::int16_t> spans,
                              std::span<const std::int16_t> constants, std::int64_t samples,
                              std::uint64_t seed);

}  // namespace bbs::accel
