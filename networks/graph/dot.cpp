// Graphviz export of a Network through boost::write_graphviz.
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <ostream>
#include <string>

#include "networks/network.hpp"

namespace bbs::networks {
namespace {

struct EdgeBytes {
  std::int64_t bytes = 0;
};
using DotGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                       boost::no_property, EdgeBytes>;

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string node_label(const Layer& layer) {
  std::string label =
      escape(layer.name) + "\\n" + escape(layer.op) + " " + shape_string(layer.output_shape);
  if (layer.macs > 0) label += "\\n" + std::to_string(layer.macs) + " MACs";
  return label;
}

}  // namespace

void Network::write_dot(std::ostream& out) const {
  DotGraph graph(layers_.size());
  for (const Edge& edge : edges_) boost::add_edge(edge.from, edge.to, EdgeBytes{edge.bytes}, graph);

  const auto write_node = [this](std::ostream& os, std::size_t v) {
    const Layer& layer = layers_[v];
    os << "[label=\"" << node_label(layer) << "\", shape=box";
    if (layer.is_mapped()) os << ", style=filled, fillcolor=lightblue";
    os << "]";
  };
  const auto write_edge = [&graph](std::ostream& os, DotGraph::edge_descriptor e) {
    os << "[label=\"" << graph[e].bytes << " B\"]";
  };
  const auto write_graph = [this](std::ostream& os) {
    os << "label=\"" << escape(name_) << "\";\nrankdir=TB;\n";
  };
  boost::write_graphviz(out, graph, write_node, write_edge, write_graph);
}

}  // namespace bbs::networks
