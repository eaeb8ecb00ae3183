#include "model/accel/workload.hpp"

#include <map>
#include <set>

#include "networks/network.hpp"

namespace bbs::accel {
namespace {

// Mapped layers reached walking back from `layer` through unmapped ops (adds, norms, pools, ...);
// -1 for a network input.
std::vector<int> mapped_producers(const networks::Network& net, std::size_t layer,
                                  const std::map<std::size_t, int>& mapped_index) {
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
    if (l.kind == networks::OpKind::Input || l.inputs.empty()) found.insert(-1);
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
    if (!l.is_mapped() || !l.weight) continue;
    w.producers.push_back(mapped_producers(net, i, mapped_index));
    mapped_index.emplace(i, int(w.layers.size()));
    w.layers.push_back(layer_work(l));
  }
  return w;
}

}  // namespace bbs::accel
