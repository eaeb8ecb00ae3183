// A whole network on one design: per-layer compute, DRAM traffic with the on-chip output chain
// and refetch passes, energy split, area and time (BitSim sim/sim/stripes.py:73-487).
#pragma once

#include <string>
#include <vector>

#include "model/accel/accel_model.hpp"
#include "model/accel/activation_stats.hpp"
#include "model/accel/sensitive_channels.hpp"

namespace bbs::accel {

// SRAM costs from the CACTI table: one full-width access of all banks, and a 64-bit write.
struct SramCosts {
  double read_pj = 0;
  double write_pj_per_64_bits = 0;
  double area_mm2 = 0;
};

struct MemoryCosts {
  SramCosts weight, act;
};

// The mapped layers of a network in execution order, and for each the indices of the mapped
// layers whose outputs it reads (-1: a network input, always in DRAM).
struct Workload {
  std::string network_name;
  std::vector<LayerWork> layers;
  std::vector<std::vector<int>> producers;
  // Per layer: its input activations' statistics and where they come from.
  std::vector<ActivationStats> activations;
  // Sensitive channels given per layer (--sensitive-channels); null: Algorithm 2 chooses them.
  std::shared_ptr<const SensitiveChannelFile> sensitive_channels;
};

struct LayerCost {
  std::string name;
  ComputeCost compute;
  double dram_cycles = 0;
  double total_cycles = 0;
  double weight_dram_bytes = 0, input_dram_bytes = 0, output_dram_bytes = 0;
  double kv_cache_dram_bytes = 0;  // attention: K / V read from and written to the KV cache
  // What the layer needs on chip to run without refetching: its stored weights (in the W-SRAM)
  // and its input + output activations (in the A-SRAM). Network totals: the sum of the weights
  // and the largest layer's activations.
  double weight_bytes = 0, activation_bytes = 0;
  double weight_sram_reads = 0, act_sram_reads = 0;  // full-width accesses
  double sram_write_bits = 0;
  double energy_pe_pj = 0, energy_registers_pj = 0, energy_sram_read_pj = 0;
  double energy_sram_write_pj = 0, energy_dram_pj = 0;
  bool output_on_chip = false;

  double energy_pj() const;
  void add(const LayerCost& other);
};

struct NetworkCost {
  std::string design;
  Fidelity fidelity = Fidelity::Corrected;
  std::vector<LayerCost> layers;
  LayerCost total;
  double time_s = 0;
  double pe_area_mm2 = 0, weight_sram_area_mm2 = 0, act_sram_area_mm2 = 0;
  double area_mm2() const { return pe_area_mm2 + weight_sram_area_mm2 + act_sram_area_mm2; }
  // The weights as this design stores them: pruning error over every distinct weight, and the
  // encoded size (metadata included) = sum of bits_per_weight x weights / weights.
  ErrorMetrics weight_error;
  double encoded_weight_bits = 0;
  double bits_per_weight() const {
    return weight_error.count > 0 ? encoded_weight_bits / double(weight_error.count) : 0.0;
  }
};

NetworkCost evaluate_network(const AccelModel& model, const HardwareConfig& hw, Fidelity fidelity,
                             const Workload& workload, const std::vector<LayerProfile>& profiles,
                             const MemoryCosts& memory);

}  // namespace bbs::accel
