// The layer DAG: stable topological order, cycles, liveness, Graphviz.
#include <gtest/gtest.h>

#include <sstream>

#include "networks/graph/builder.hpp"
#include "networks/network.hpp"

namespace bbs::networks {
namespace {

Layer make_layer(std::string name, std::vector<std::size_t> inputs, Shape out) {
  Layer layer;
  layer.name = std::move(name);
  layer.inputs = std::move(inputs);
  layer.output_shape = std::move(out);
  return layer;
}

TEST(NetworkGraph, ReordersIntoStableTopologicalOrder) {
  // Given out of order: "c" reads "b", "b" reads "a".
  Network net("toy",
              {make_layer("c", {1}, {1}), make_layer("b", {2}, {1}), make_layer("a", {}, {1})});
  ASSERT_EQ(net.layers().size(), 3u);
  EXPECT_EQ(net.layers()[0].name, "a");
  EXPECT_EQ(net.layers()[1].name, "b");
  EXPECT_EQ(net.layers()[2].name, "c");
  EXPECT_EQ(net.layers()[2].inputs, std::vector<std::size_t>{1});
}

TEST(NetworkGraph, CycleNamesTheNetworkAndALayer) {
  try {
    Network net("loopy", {make_layer("in", {}, {1}), make_layer("x", {0, 2}, {1}),
                          make_layer("y", {1}, {1})});
    FAIL() << "expected a cycle error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'loopy' has a cycle through layer 'x'"),
              std::string::npos)
        << e.what();
  }
}

TEST(NetworkGraph, RejectsDuplicateNamesAndBadInputs) {
  EXPECT_THROW(Network("dup", {make_layer("a", {}, {1}), make_layer("a", {0}, {1})}), Error);
  EXPECT_THROW(Network("bad", {make_layer("a", {7}, {1})}), Error);
}

// A residual: in -> conv1 -> conv2 -> add(in, conv2). "in" stays alive until the add.
TEST(NetworkGraph, LivenessKeepsShortcutAlive) {
  NetworkBuilder b("residual");
  TensorRef x = b.input("in", {1, 4, 8, 8});                                                // 256 B
  TensorRef y = b.conv("conv1.weight", x, {.out_channels = 8, .kernel = 3, .padding = 1});  // 512
  TensorRef z = b.conv("conv2.weight", y, {.out_channels = 4, .kernel = 3, .padding = 1});  // 256
  b.elementwise("add", "add", {x, z});                                                      // 256
  Network net = std::move(b).build();
  EXPECT_EQ(net.live_activation_bytes(), (std::vector<std::int64_t>{256, 768, 1024, 768}));
  EXPECT_EQ(net.peak_live_activation_bytes(), 1024);
  EXPECT_EQ(net.last_use(0), 3u);
  ASSERT_EQ(net.edges().size(), 4u);
  EXPECT_EQ(net.edges()[0].bytes, 256);
  EXPECT_EQ(net.layers()[1].macs, 8 * 8 * 8 * 4 * 9);
  EXPECT_EQ(net.layers()[1].weight->shape, (Shape{8, 4, 3, 3}));
  EXPECT_EQ(net.find("conv2.weight"), &net.layers()[2]);
  EXPECT_EQ(net.find("nope"), nullptr);
}

TEST(NetworkGraph, DepthwiseStrideDilationGeometry) {
  NetworkBuilder b("dw");
  TensorRef x = b.input("in", {2, 16, 15, 15});
  b.conv("dw.weight", x,
         {.out_channels = 16, .kernel = 3, .stride = 2, .padding = 2, .dilation = 2, .groups = 16});
  Network net = std::move(b).build();
  const Layer& dw = net.layers()[1];
  ASSERT_TRUE(dw.conv);
  EXPECT_EQ(dw.op, "depthwise_conv2d");
  EXPECT_EQ(dw.conv->in_channels_per_group, 1);
  EXPECT_EQ(dw.conv->out_height, 8);  // (15 + 4 - 4 - 1) / 2 + 1
  EXPECT_EQ(dw.weight->shape, (Shape{16, 1, 3, 3}));
  EXPECT_EQ(dw.macs, 2 * 16 * 8 * 8 * 9);
}

TEST(NetworkGraph, GraphvizHasEveryLayerAndEdge) {
  NetworkBuilder b("dot");
  TensorRef x = b.input("in", {1, 3, 4, 4});
  b.conv("c.weight", x, {.out_channels = 2});
  Network net = std::move(b).build();
  std::ostringstream out;
  net.write_dot(out);
  const std::string dot = out.str();
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("c.weight\\nconv2d [1, 2, 4, 4]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("0->1 [label=\"48 B\"]"), std::string::npos) << dot;
}

}  // namespace
}  // namespace bbs::networks
