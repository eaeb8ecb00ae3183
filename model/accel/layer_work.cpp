#include "model/accel/layer_work.hpp"

#include "networks/checked.hpp"
#include "networks/network.hpp"

namespace bbs::accel {
namespace {

// Attention, count = batch x heads products [rows x inner] x [inner x cols]. The second operand
// holds matrices = its elements / (inner x cols) distinct matrices (batch x KV heads); the
// count / matrices query heads sharing one (grouped-query attention) are stacked as tokens.
LayerWork matmul_work(const networks::Layer& layer) {
  const networks::MatMulGeometry& g = *layer.matmul;
  const std::int64_t per_matrix = g.inner * g.cols;
  const std::int64_t second =
      layer.input_shapes.size() == 2 ? bbs::element_count(layer.input_shapes[1]) : 0;
  if (per_matrix <= 0 || second <= 0 || second % per_matrix != 0 ||
      g.count % (second / per_matrix) != 0) {
    throw Error("matmul '" + layer.name + "': its second operand (" + std::to_string(second) +
                " elements) is not a whole number of " + std::to_string(g.inner) + " x " +
                std::to_string(g.cols) + " matrices dividing the " + std::to_string(g.count) +
                " products");
  }
  LayerWork w;
  w.name = layer.name;
  w.activation_operands = true;
  w.matrices = second / per_matrix;
  w.tokens = g.rows * (g.count / w.matrices);
  w.in_channels = g.inner;
  w.out_channels = g.cols;
  return w;
}

}  // namespace

std::int64_t LayerWork::macs() const {
  const auto what = [&] { return "MACs of layer '" + name + "'"; };
  if (is_conv) return checked_product({batch, out_h, out_w, weight_count()}, what);
  return checked_product({batch, tokens, stationary_elements()}, what);
}

LayerWork layer_work(const networks::Layer& layer) {
  LayerWork w;
  w.name = layer.weight ? layer.weight->name : layer.name;
  if (layer.kind == networks::OpKind::Conv && layer.conv) {
    const networks::ConvGeometry& g = *layer.conv;
    w.is_conv = true;
    w.batch = g.batch;
    w.groups = g.groups;
    w.out_channels = g.out_channels;
    w.in_channels = g.in_channels_per_group;
    w.kernel_h = g.kernel_h;
    w.kernel_w = g.kernel_w;
    w.in_h = g.in_height;
    w.in_w = g.in_width;
    w.out_h = g.out_height;
    w.out_w = g.out_width;
    return w;
  }
  if (layer.kind == networks::OpKind::Linear && layer.linear) {
    w.tokens = layer.linear->tokens;
    w.in_channels = layer.linear->in_features;
    w.out_channels = layer.linear->out_features;
    return w;
  }
  if (layer.kind == networks::OpKind::MatMul && layer.matmul) return matmul_work(layer);
  throw Error("layer '" + layer.name +
              "' is not a conv, linear or matmul layer: accelerators map only "
              "weights x activations and activations x activations");
}

}  // namespace bbs::accel
