// The invariants of every reported cost, checked where a network's cost is produced
// (evaluate_network), so no command prints or stores a number that breaks one:
//   every tile count, cycle count, byte count, energy, area and time is finite and >= 0;
//   a layer with work (MACs > 0) costs at least one tile and at least one compute cycle;
//   total cycles >= compute cycles and >= DRAM cycles;
//   the utilisation shares (useful, intra-PE stall, inter-PE stall) lie in [0, 1].
// A violation is a bbs::Error naming the network, the layer, the quantity, its value and the
// hardware keys that scale it (with their values and where they were set).
#pragma once

#include "model/accel/hardware.hpp"
#include "model/accel/network_cost.hpp"

namespace bbs::accel {

void check_invariants(const NetworkCost& cost, const Workload& workload, const HardwareConfig& hw);

}  // namespace bbs::accel
