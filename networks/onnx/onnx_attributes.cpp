// Window-attribute checks of ONNX convolution and pooling nodes (see onnx_attributes.hpp).
#include "networks/onnx/onnx_attributes.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs::networks {
namespace {

const std::set<std::string> kWindowOps = {"Conv",    "ConvTranspose", "ConvInteger", "QLinearConv",
                                          "MaxPool", "AveragePool",   "LpPool"};

class NodeChecker {
 public:
  NodeChecker(const std::filesystem::path& path, const onnx::NodeProto& node)
      : path_(path), node_(node) {}

  void run() const {
    // Spatial rank: from kernel_shape when given, else from whichever list is present.
    std::optional<std::size_t> spatial;
    for (const char* name : {"kernel_shape", "strides", "dilations"}) {
      if (const auto values = ints(name); values && !spatial) spatial = values->size();
    }
    if (const auto pads = ints("pads"); pads && !spatial) spatial = pads->size() / 2;
    check_list("kernel_shape", spatial, 1, 1);
    check_list("strides", spatial, 1, 1);
    check_list("dilations", spatial, 1, 1);
    check_list("pads", spatial, 2, 0);
    if (const onnx::AttributeProto* group = find("group"); group && group->i() < 1) {
      fail("group", "is " + std::to_string(group->i()) + ", expected a positive integer");
    }
  }

 private:
  const onnx::AttributeProto* find(const char* name) const {
    for (const auto& attribute : node_.attribute()) {
      if (attribute.name() == name) return &attribute;
    }
    return nullptr;
  }

  std::optional<std::vector<std::int64_t>> ints(const char* name) const {
    const onnx::AttributeProto* attribute = find(name);
    if (attribute == nullptr) return std::nullopt;
    return std::vector<std::int64_t>(attribute->ints().begin(), attribute->ints().end());
  }

  // `per_dimension` values per spatial dimension, each at least `minimum`.
  void check_list(const char* name, std::optional<std::size_t> spatial, std::size_t per_dimension,
                  std::int64_t minimum) const {
    const auto values = ints(name);
    if (!values) return;
    const std::string expected_values =
        minimum == 1 ? "positive integers" : "non-negative integers";
    if (values->empty() || values->size() != *spatial * per_dimension) {
      fail(name, "has " + std::to_string(values->size()) + " values, expected " +
                     std::to_string(*spatial * per_dimension) + " " + expected_values + " (" +
                     std::to_string(*spatial) + " spatial dimension(s))");
    }
    for (std::size_t i = 0; i < values->size(); ++i) {
      if ((*values)[i] < minimum) {
        fail(name, "is " + shape_string(*values) + ": entry " + std::to_string(i) + " is " +
                       std::to_string((*values)[i]) + ", expected " + expected_values);
      }
    }
  }

  [[noreturn]] void fail(const char* attribute, const std::string& problem) const {
    throw Error(path_.string() + ": node '" + node_.name() + "' (" + node_.op_type() +
                "): attribute '" + attribute + "' " + problem);
  }

  const std::filesystem::path& path_;
  const onnx::NodeProto& node_;
};

}  // namespace

void check_window_attributes(const std::filesystem::path& path, const onnx::GraphProto& graph) {
  for (const onnx::NodeProto& node : graph.node()) {
    if (kWindowOps.count(node.op_type()) > 0) NodeChecker(path, node).run();
  }
}

}  // namespace bbs::networks
