// Network: the layer DAG on Boost.Graph — stable topological order, cycle report, liveness.
#include "networks/network.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <functional>
#include <queue>
#include <set>
#include <unordered_map>

#include "networks/checked.hpp"

namespace bbs::networks {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

Graph make_graph(const std::string& network, const std::vector<Layer>& layers) {
  Graph graph(layers.size());
  for (std::size_t to = 0; to < layers.size(); ++to) {
    for (std::size_t from : layers[to].inputs) {
      if (from >= layers.size()) {
        throw Error("network '" + network + "': layer '" + layers[to].name + "' reads input #" +
                    std::to_string(from) + ", but there are only " + std::to_string(layers.size()) +
                    " layers");
      }
      boost::add_edge(from, to, graph);
    }
  }
  return graph;
}

// Kahn's algorithm, always taking the ready layer that was inserted first, so a network built in
// execution order keeps that order. Layers left over sit on (or behind) a cycle.
std::vector<std::size_t> stable_topological_order(const std::string& network,
                                                  const std::vector<Layer>& layers,
                                                  const Graph& graph) {
  std::vector<std::size_t> pending_inputs(layers.size());
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t v = 0; v < layers.size(); ++v) {
    pending_inputs[v] = boost::in_degree(v, graph);
    if (pending_inputs[v] == 0) ready.push(v);
  }
  std::vector<std::size_t> order;
  order.reserve(layers.size());
  while (!ready.empty()) {
    const std::size_t v = ready.top();
    ready.pop();
    order.push_back(v);
    for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
      const std::size_t next = boost::target(*e, graph);
      if (--pending_inputs[next] == 0) ready.push(next);
    }
  }
  if (order.size() != layers.size()) {
    const auto stuck = std::find_if(pending_inputs.begin(), pending_inputs.end(),
                                    [](std::size_t n) { return n > 0; });
    throw Error("network '" + network + "' has a cycle through layer '" +
                layers[static_cast<std::size_t>(stuck - pending_inputs.begin())].name + "'");
  }
  return order;
}

void check_unique_names(const std::string& network, const std::vector<Layer>& layers) {
  std::set<std::string_view> seen;
  for (const Layer& layer : layers) {
    if (!seen.insert(layer.name).second) {
      throw Error("network '" + network + "': two layers are named '" + layer.name + "'");
    }
  }
}

}  // namespace

std::string_view op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::Input:
      return "input";
    case OpKind::Conv:
      return "conv";
    case OpKind::Linear:
      return "linear";
    case OpKind::MatMul:
      return "matmul";
    case OpKind::Embedding:
      return "embedding";
    case OpKind::Elementwise:
      return "elementwise";
    case OpKind::Pool:
      return "pool";
    case OpKind::Norm:
      return "norm";
    case OpKind::Softmax:
      return "softmax";
    case OpKind::Reshape:
      return "reshape";
    case OpKind::Concat:
      return "concat";
  }
  return "?";
}

Network::Network(std::string name, std::vector<Layer> layers) : name_(std::move(name)) {
  check_unique_names(name_, layers);
  const Graph graph = make_graph(name_, layers);
  const std::vector<std::size_t> order = stable_topological_order(name_, layers, graph);

  std::vector<std::size_t> position(layers.size());
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
  layers_.reserve(layers.size());
  for (std::size_t old_index : order) {
    Layer& layer = layers[old_index];
    for (std::size_t& input : layer.inputs) input = position[input];
    layers_.push_back(std::move(layer));
  }

  last_use_.resize(layers_.size());
  for (std::size_t i = 0; i < layers_.size(); ++i) last_use_[i] = i;
  for (std::size_t to = 0; to < layers_.size(); ++to) {
    for (std::size_t from : layers_[to].inputs) {
      edges_.push_back({from, to, layers_[from].output_bytes()});
      last_use_[from] = std::max(last_use_[from], to);
    }
  }

  // Sweep: a tensor is alive from the step that produces it to its last use.
  live_bytes_.assign(layers_.size(), 0);
  std::vector<std::int64_t> freed_after(layers_.size() + 1, 0);
  std::int64_t alive = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    alive = checked_add(alive, layers_[i].output_bytes(),
                        "network '" + name_ + "': live activation bytes");
    freed_after[last_use_[i]] += layers_[i].output_bytes();
    live_bytes_[i] = alive;
    alive -= freed_after[i];
  }
}

const Layer* Network::find(std::string_view name) const {
  for (const Layer& layer : layers_) {
    if (layer.name == name || (layer.weight && layer.weight->name == name)) return &layer;
  }
  return nullptr;
}

std::int64_t Network::total_macs() const {
  std::int64_t sum = 0;
  for (const Layer& layer : layers_)
    sum = checked_add(sum, layer.macs, "network '" + name_ + "': total MACs");
  return sum;
}

std::int64_t Network::mapped_macs() const {
  std::int64_t sum = 0;
  for (const Layer& layer : layers_) {
    if (layer.is_mapped())
      sum = checked_add(sum, layer.macs, "network '" + name_ + "': conv and linear MACs");
  }
  return sum;
}

std::int64_t Network::total_params() const {
  std::int64_t sum = 0;
  for (const Layer& layer : layers_)
    sum = checked_add(sum, layer.param_count, "network '" + name_ + "': parameters");
  return sum;
}

std::int64_t Network::weight_params() const {
  std::set<std::string_view> counted;
  std::int64_t sum = 0;
  for (const Layer& layer : layers_) {
    if (layer.weight && counted.insert(layer.weight->name).second) {
      sum += element_count(layer.weight->shape);
    }
  }
  return sum;
}

std::size_t Network::weight_layer_count() const {
  return static_cast<std::size_t>(std::count_if(
      layers_.begin(), layers_.end(), [](const Layer& layer) { return layer.weight.has_value(); }));
}

std::int64_t Network::peak_live_activation_bytes() const {
  return live_bytes_.empty() ? 0 : *std::max_element(live_bytes_.begin(), live_bytes_.end());
}

}  // namespace bbs::networks
