// One weight layer as an accelerator sees it: the loop bounds of a convolution or a linear layer
// (BitSim's LayerDim), taken from the network graph.
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

  std::int64_t kernel_area() const { return kernel_h * kernel_w; }
  bool depthwise() const { return is_conv && groups > 1 && in_channels == 1; }
  std::int64_t out_channels_per_group() const { return out_channels / groups; }
  std::int64_t weight_count() const { return out_channels * in_channels * kernel_area(); }
  std::int64_t macs() const;
};

// Throws bbs::Error for a layer that is not a conv or linear layer with a weight.
LayerWork layer_work(const networks::Layer& layer);

}  // namespace bbs::accel
