#include "model/accel/sensitive_channels.hpp"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "networks/tensor.hpp"

namespace bbs::accel {

SensitiveChannelFile read_sensitive_channels(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream in(path);
  if (!in) throw Error(where + ": cannot read the sensitive-channel file");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json root;
  try {
    root = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object())
    throw Error(where + ": expected a JSON object mapping layer names to channel-index lists");
  SensitiveChannelFile file;
  file.path = where;
  for (const auto& [key, value] : root.items()) {
    const std::string at = where + ": key '" + key + "'";
    if (!value.is_array()) throw Error(at + ": expected a list of channel indices");
    std::vector<std::int64_t> channels;
    for (const auto& index : value) {
      if (!index.is_number_integer() || index.get<std::int64_t>() < 0)
        throw Error(at + ": channel index " + index.dump() + " is not an integer >= 0");
      channels.push_back(index.get<std::int64_t>());
    }
    file.layers.emplace_back(key, std::move(channels));
  }
  return file;
}

std::string bitsim_channel_key(std::string_view name) {
  if (name.find("conv") == std::string_view::npos) return std::string(name);
  const auto last = name.find_last_not_of(".conv");  // Python's str.rstrip('.conv')
  return std::string(name.substr(0, last == std::string_view::npos ? 0 : last + 1));
}

std::vector<std::vector<bool>> resolve_sensitive_channels(const SensitiveChannelFile& file,
                                                          const std::vector<LayerWork>& layers,
                                                          Fidelity fidelity) {
  const bool bitsim = fidelity == Fidelity::BitSim;
  std::map<std::string, std::size_t> entry_of;
  for (std::size_t e = 0; e < file.layers.size(); ++e) entry_of[file.layers[e].first] = e;
  if (!bitsim) {
    std::set<std::string> names;
    for (const LayerWork& l : layers) names.insert(l.name);
    for (const auto& [key, channels] : file.layers)
      if (!names.contains(key))
        throw Error(file.path + ": key '" + key + "' names no layer of the network");
  }
  std::vector<std::vector<bool>> masks(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string key = bitsim ? bitsim_channel_key(layers[i].name) : layers[i].name;
    const auto it = entry_of.find(key);
    if (it == entry_of.end()) continue;
    std::vector<bool>& mask = masks[i];
    mask.assign(std::size_t(layers[i].out_channels), false);
    for (const std::int64_t k : file.layers[it->second].second) {
      const std::string at = file.path + ": key '" + key + "' (layer '" + layers[i].name + "')";
      if (k >= layers[i].out_channels)
        throw Error(at + ": channel " + std::to_string(k) + " is outside 0.." +
                    std::to_string(layers[i].out_channels - 1));
      if (mask[std::size_t(k)]) throw Error(at + ": channel " + std::to_string(k) + " given twice");
      mask[std::size_t(k)] = true;
    }
  }
  return masks;
}

}  // namespace bbs::accel
