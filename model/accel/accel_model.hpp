// Accelerator models: one interface, one implementation per design, registered by name.
//
// Every model is the BitSim organisation (BitSim sim/sim/stripes.py): H PE rows (output channels) x
// Wc PE columns (output positions / tokens), G lanes per PE. Per layer
//   compute cycles = sum over tiles of the tile's cycles   (fixed per tile, or data-driven)
//   DRAM cycles    = weight + input + output bits / DRAM bits per cycle, with refetch passes
//   total cycles   = max(compute, DRAM)                    (each layer overlaps its own traffic)
// and energy = PE + registers + SRAM read + SRAM write + DRAM (sim/sim/stripes.py:236-418). A
// design overrides only what differs: its step count per group, its weight storage, its energy
// terms.
//
// A design is one class in one .cpp file that registers itself (BBS_REGISTER_DESIGN) and owns
// everything specific to it: its per-group step rule, its bit-level schedule (the functional
// check), its channel ordering (via the step rule), its defect switches (register_defect_switch)
// and its typed parameters (parameters(), its own TOML section). Nothing outside its file names
// it; the file opens with its equations and their sources (docs/models.md collects them).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/accel/fidelity.hpp"
#include "model/accel/hardware.hpp"
#include "model/accel/layer_work.hpp"
#include "model/accel/step_records.hpp"
#include "model/bbs/error_metrics.hpp"

namespace bbs::accel {

// What a design needs from the one pass over the weights.
struct WeightNeeds {
  PruningSetting pruning;           // applied before the step records are built
  const StepRule* steps = nullptr;  // data-dependent step count, at `lanes` per group
  int lanes = 16;
};

// One group of weights as one PE row's bit-level schedule sees it (the functional check,
// model/accel/schedule_check.hpp).
struct ScheduleGroup {
  std::span<const int> weights;    // the values the design runs on (pruned)
  std::span<const int> spans;      // BBS column spans (r << 4) | k if the step rule reads them
  std::span<const int> constants;  // the groups' constants C (weights = base + C), likewise
  std::span<const std::uint8_t> activations;
};

struct ScheduleRun {
  std::int64_t result = 0;
  int cycles = 0;
  // False when the model charges a mean rather than this group's cycles (nothing to compare).
  bool cycles_comparable = true;
};

// The per-layer result of the pass over the weights for one design.
struct LayerProfile {
  std::shared_ptr<const StepRecords> steps;  // null for fixed-cycle designs
  std::int64_t sensitive_channels = 0;
  double payload_bits_per_weight = 8;  // stored bits, no metadata
  double encoded_bits_per_weight = 8;  // with metadata
  // What pruning does to the int8 weights (count, signal and error energy), on the first layer
  // that uses a weight tensor only (zero on later uses of a tied tensor): sums over layers are
  // the network's.
  ErrorMetrics weight_error;
};

// Shares of the array's work capacity: useful work, intra-PE and inter-PE stalls (sum 1; all 0
// when nothing ran).
struct Utilisation {
  double useful = 0, intra_pe_stall = 0, inter_pe_stall = 0;
};

struct ComputeCost {
  double tiles = 0;  // H x Wc x G steps of the array
  double cycles = 0;
  double useful = 0;          // work units done (capacity: work_per_step per row and column)
  double intra_pe_stall = 0;  // capacity idle while a busier lane of the row works
  double inter_pe_stall = 0;  // capacity idle while a busier row of the tile works
  std::string cycle_source;   // "fixed per tile" or "data-driven"
  Utilisation shares() const;
};

struct WeightStorage {
  double bytes = 0;            // footprint in DRAM / SRAM
  double dram_cycle_bits = 0;  // bits the DRAM cycle formula charges
  double sram_write_bits_per_weight = 8;
};

class AccelModel {
 public:
  virtual ~AccelModel() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // The design's own parameters (TOML section named after it), with defaults and sources.
  virtual std::vector<DesignParameter> parameters() const { return {}; }
  // Checks of the design's parameters against the rest of the config (require_setting()).
  virtual void validate(const HardwareConfig&) const {}
  // The config for one network: a design whose parameters have per-network defaults resolves
  // them here (the simulation calls it once the network is known).
  virtual HardwareConfig for_network(const HardwareConfig& hw, std::string_view /*network*/) const {
    return hw;
  }
  // Bits per activation element in buffers and DRAM (footprints, traffic, SRAM writes).
  virtual double activation_bits(const HardwareConfig& hw) const { return hw.act_bits; }
  virtual WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const;
  // Executes one PE row's bit-level schedule on one group: the accumulated dot product and the
  // cycles it took.
  virtual ScheduleRun run_schedule(const ScheduleGroup& group, const HardwareConfig& hw,
                                   Fidelity fidelity) const = 0;
  virtual ComputeCost compute(const LayerWork& work, const LayerProfile& profile,
                              const HardwareConfig& hw, Fidelity fidelity) const;
  virtual WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                                       const HardwareConfig& hw, Fidelity fidelity) const;
  // Compute-side energy (PE array, per-row/per-column registers), pJ.
  virtual double pe_energy_pj(const ComputeCost& compute, const HardwareConfig& hw) const;
  virtual double register_energy_pj(const ComputeCost& compute, const HardwareConfig& hw) const;
  // Bits one weight occupies as the design stores it, metadata included (what bits_per_weight
  // reports): the pruning analysis' encoded size unless the design has its own number format.
  virtual double stored_bits_per_weight(const LayerProfile& profile,
                                        const HardwareConfig& hw) const;
  // Full-width SRAM reads: (weight, activation) accesses.
  virtual std::pair<double, double> sram_reads(const ComputeCost& compute,
                                               const LayerProfile& profile,
                                               const HardwareConfig& hw, Fidelity fidelity) const;
  // Activations as the design stores them, from their dense 8-bit bytes and value density:
  // bytes in DRAM / SRAM, and the share of the dense SRAM writes it makes. Dense designs: as given.
  virtual double stored_activation_bytes(double dense_bytes, double density,
                                         Fidelity fidelity) const;
  virtual double activation_write_share(double density, Fidelity fidelity) const;

 protected:
  // Cycles one tile of one group costs when the design does not depend on the data.
  virtual double fixed_steps_per_tile(const LayerWork& work, const LayerProfile& profile,
                                      const HardwareConfig& hw, Fidelity fidelity) const;
};

// Every registered design, sorted by name. Designs register during static initialisation: read the
// registry only after it (from main() on), never from another static initialiser.
const std::vector<std::unique_ptr<AccelModel>>& accel_registry();
const AccelModel& find_accel(std::string_view name);  // throws bbs::Error listing the names
bool register_design(std::unique_ptr<AccelModel> model);

// Registers a design class (one line at namespace scope in the design's .cpp). model/accel is an
// OBJECT library so the registering objects are linked into every binary.
#define BBS_REGISTER_DESIGN(Class)                 \
  [[maybe_unused]] const bool kRegistered##Class = \
      ::bbs::accel::register_design(std::make_unique<Class>())

// The dense bit-serial schedule: the 8 two's-complement weight columns, one per cycle, the sign
// column negated (BBS paper §II-A, Fig. 2b).
ScheduleRun dense_column_schedule(const ScheduleGroup& group);

// Tiles of a layer (BitSim sim/sim/stripes.py:113-200 calc_pe_array_tile), per sample in the bitsim
// profile, times batch in corrected.
struct TileCount {
  double reduction_groups = 0;  // per output-channel block
  double channel_blocks = 0;    // ceil(Co / H)
  double spatial_steps = 0;     // ceil(Wo / Wc) * Ho, or ceil(T / Wc)
  double total() const { return reduction_groups * channel_blocks * spatial_steps; }
};
TileCount count_tiles(const LayerWork& work, const HardwareConfig& hw, Fidelity fidelity);

// An attention matmul on any design: every bit of the serial operand is worked (no offline
// encoding, no known sparsity), at the design's lanes / multipliers per PE and activation bits.
ComputeCost activation_matmul_compute(const LayerWork& work, const HardwareConfig& hw,
                                      Fidelity fidelity, double act_bits);

}  // namespace bbs::accel
