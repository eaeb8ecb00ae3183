// One layer as an accelerator sees it: the loop bounds of a convolution or a linear layer
// (BitSim's LayerDim), or of an activation x activation matmul (attention), from the network
// graph.
#pragma once

#include <cstdint>
#include <string>

namespace bbs::networks {
struct Layer;
}

namespace bbs::accel {

struct LayerWork {
  std::string name;
  bool is_conv = false;
  std::int64_t batch = 1;
  std::int64_t groups = 1;        // conv groups (depthwise: groups = input channels)
  std::int64_t out_channels = 0;  // Co, all groups
  std::int64_t in_channels = 0;   // Ci per group (the reduction depth per kernel position)
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t in_h = 1, in_w = 1;    // conv input
  std::int64_t out_h = 1, out_w = 1;  // conv output
  std::int64_t tokens = 1;            // linear: rows of the activation matrix
  // Activation x activation (attention Q.K^T and scores.V): `matrices` independent products
  // [tokens x in] x [in x out]. The second operand (K or V; one matrix per batch and KV head,
  // shared by the H / KV-heads query heads, which become tokens) takes the weights' place in
  // the array but is data: no weight file, no pruning, no weight bit sparsity.
  bool activation_operands = false;
  std::int64_t matrices = 1;
  std::int64_t kv_read_elements = 0;   // of the second operand, read from the KV cache in DRAM
  std::int64_t kv_write_elements = 0;  // the new tokens' K or V, written to the KV cache
  // Value density (non-zero fraction) of the input activations, and of the output as its
  // consumers read it (after their producing operation; 1 when no mapped layer reads it):
  // make_workload fills them from the activation statistics (model/accel/activation_stats.hpp).
  double input_density = 1.0, output_density = 1.0;

  std::int64_t kernel_area() const { return kernel_h * kernel_w; }
  bool depthwise() const { return is_conv && groups > 1 && in_channels == 1; }
  std::int64_t out_channels_per_group() const { return out_channels / groups; }
  std::int64_t weight_count() const {
    return activation_operands ? 0 : out_channels * in_channels * kernel_area();
  }
  // Elements of the operand the array holds stationary: the weights, or K / V.
  std::int64_t stationary_elements() const {
    return matrices * out_channels * in_channels * kernel_area();
  }
  std::int64_t macs() const;
};

// Throws bbs::Error for a layer that is not a conv or linear layer with a weight, or a matmul.
// A matmul's kv_read_elements is left 0: the graph walk (make_workload) fills it.
LayerWork layer_work(const networks::Layer& layer);

}  // namespace bbs::accel
