// A network's mapped layers (conv, linear, and the attention matmuls) as accelerator workload,
// with the data flow between them (which mapped layers produce each one's input) for the on-chip
// output chain, and each attention matmul's KV cache reads (the cache inputs it reaches).
#pragma once

#include "model/accel/network_cost.hpp"

namespace bbs::networks {
class Network;
}

namespace bbs::accel {

// With a recorded file, layers named in it use its statistics (the others their producer's
// default); a tensor of the file that names no mapped layer is an error naming it.
Workload make_workload(const networks::Network& network, const ActivationOptions& activations = {});

}  // namespace bbs::accel
