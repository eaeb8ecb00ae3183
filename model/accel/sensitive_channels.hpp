// Sensitive (outlier) channels given per layer by the user instead of chosen by Algorithm 2: a JSON
// object mapping layer names to lists of output-channel indices, the format of BitSim's
// nonzero_channels.json (yc2367/BitSim sim/model_profile/meters/bitvert_profiler.py).
//
// Lookup, per profile:
//   bitsim    as BitSim's BitVert (sim/sim/bitvert.py:104-112): key = name.rstrip(".conv") when the
//             name contains "conv" (a character-set strip, so "stem.conv" -> "stem"), else the
//             name; a layer whose key is absent has no sensitive channels (r_h = 0); keys that
//             match no layer are never looked up.
//   corrected by the layer's own name; a key that names no layer is an error naming it; a layer
//             the file does not name has no sensitive channels.
// Every list must hold distinct integers in [0, Co) of the layer it is applied to.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/accel/fidelity.hpp"
#include "model/accel/layer_work.hpp"

namespace bbs::accel {

struct SensitiveChannelFile {
  std::string path;
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> layers;  // in file order
};

// Throws bbs::Error naming the file (and the key) for unreadable files, bad JSON, a value that is
// not a list of non-negative integers.
SensitiveChannelFile read_sensitive_channels(const std::filesystem::path& path);

// BitSim's lookup key of a layer name (see above).
std::string bitsim_channel_key(std::string_view layer_name);

// The given sensitive channels of each layer, as a per-channel mask (empty: the layer has none).
// Throws bbs::Error naming the file and key for an index outside [0, Co), a repeated index, or
// (corrected) a key that names no layer.
std::vector<std::vector<bool>> resolve_sensitive_channels(const SensitiveChannelFile& file,
                                                          const std::vector<LayerWork>& layers,
                                                          Fidelity fidelity);

}  // namespace bbs::accel
