#include "model/accel/workload.hpp"

#include <map>
#include <set>

#include "networks/network.hpp"

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

Workload make_workload(const networks::Network& net) {
  Workload w;
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
    mapped_index.emplace(i, int(w.layers.size()));
    w.layers.push_back(std::move(work));
  }
  return w;
}

}  // namespace bbs::accel
