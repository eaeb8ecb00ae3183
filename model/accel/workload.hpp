// A network's mapped layers (conv, linear, and the attention matmuls) as accelerator workload,
// with the data flow between them (which mapped layers produce each one's input) for the on-chip
// output chain, and each attention matmul's KV cache reads (the cache inputs it reaches).
#pragma once

#include "model/accel/network_cost.hpp"

namespace bbs::networks {
class Network;
}

namespace bbs::accel {

Workload make_workload(const networks::Network& network);

}  // namespace bbs::accel
