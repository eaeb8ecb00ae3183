// Hardware-aware global selection of sensitive channels (paper Algorithm 2).
//
//   pick the ceil(beta * total channels) channels with the largest score across all layers;
//   per layer, n = that layer's share rounded up to a multiple of CH (at most the layer's K);
//   the layer's n highest-score channels stay at 8 bits, all others are pruned.
// The score is the per-channel quantization scale (float input) or, for int8 input whose scales
// are unknown, the per-channel standard deviation of the integers (the paper's suggested proxy).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bbs {

// scores[layer][channel] -> sensitive[layer][channel]. Ties are broken by (layer, channel) order.
std::vector<std::vector<bool>> select_sensitive_channels(
    const std::vector<std::vector<double>>& scores, double fraction, int channel_multiple);

// Per-channel standard deviation of a [K, ...] integer tensor in canonical order.
std::vector<double> channel_std(std::span<const std::int8_t> values, std::int64_t channels);

}  // namespace bbs
