#include "model/accel/workload.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "networks/network.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

// Mapped layers reached walking back from `layer` through unmapped ops (adds, norms, pools, ...);
// -1 for a network input. With `cache_elements` (an attention matmul) the graph inputs reached
// are the KV cache: their elements are added there instead (read as KV cache traffic).
std::vector<int> mapped_producers(const networks::Network& net, std::size_t layer,
                                  const std::map<std::size_t, int>& mapped_index,
                                  std::int64_t* cache_elements = nullptr) {
  std::set<int> found;
  std::vector<std::size_t> pending(net.layers()[layer].inputs.begin(),
                                   net.layers()[layer].inputs.end());
  std::set<std::size_t> seen;
  while (!pending.empty()) {
    const std::size_t v = pending.back();
    pending.pop_back();
    if (!seen.insert(v).second) continue;
    if (const auto it = mapped_index.find(v); it != mapped_index.end()) {
      found.insert(it->second);
      continue;
    }
    const networks::Layer& l = net.layers()[v];
    if (cache_elements && l.kind == networks::OpKind::Input)
      *cache_elements += bbs::element_count(l.output_shape);
    else if (l.kind == networks::OpKind::Input || l.inputs.empty())
      found.insert(-1);
    for (std::size_t in : l.inputs) pending.push_back(in);
  }
  return {found.begin(), found.end()};
}

}  // namespace

Workload make_workload(const networks::Network& net, const ActivationOptions& activations) {
  const RecordedActivations* recorded = activations.recorded;
  Workload w;
  std::map<std::string, bool> used;
  w.network_name = net.name();
  std::map<std::size_t, int> mapped_index;
  for (std::size_t i = 0; i < net.layers().size(); ++i) {
    const networks::Layer& l = net.layers()[i];
    const bool attention = l.kind == networks::OpKind::MatMul;
    if (!attention && (!l.is_mapped() || !l.weight)) continue;
    LayerWork work = layer_work(l);
    w.producers.push_back(
        mapped_producers(net, i, mapped_index, attention ? &work.kv_read_elements : nullptr));
    if (attention && l.matmul->kv_cache)
      work.kv_write_elements = work.stationary_elements() - work.kv_read_elements;
    w.activations.push_back(activation_stats(net, i, activations, &used));
    work.input_density = w.activations.back().density;
    mapped_index.emplace(i, int(w.layers.size()));
    w.layers.push_back(std::move(work));
  }
  // A layer's output as its readers see it: the densest of their inputs.
  std::vector<char> read(w.layers.size());
  for (std::size_t j = 0; j < w.layers.size(); ++j)
    for (int p : w.producers[j]) {
      if (p < 0) continue;
      LayerWork& producer = w.layers[std::size_t(p)];
      producer.output_density = read[std::size_t(p)]
                                    ? std::max(producer.output_density, w.layers[j].input_density)
                                    : w.layers[j].input_density;
      read[std::size_t(p)] = 1;
    }
  if (recorded)
    for (const auto& [name, stats] : recorded->by_tensor)
      if (!used.count(name))
        throw Error(recorded->file + ": tensor '" + name + "' names no layer of network '" +
                    net.name() +
                    "' (expected a conv / linear / matmul layer name or its weight tensor's name, "
                    "see `bbs-dse show " +
                    net.name() + "`)");
  return w;
}

}  // namespace bbs::accel
