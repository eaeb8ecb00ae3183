#include "model/accel/layer_work.hpp"

#include "networks/checked.hpp"
#include "networks/network.hpp"

namespace bbs::accel {

std::int64_t LayerWork::macs() const {
  const auto what = [&] { return "MACs of layer '" + name + "'"; };
  if (is_conv) return checked_product({batch, out_h, out_w, weight_count()}, what);
  return checked_product({batch, tokens, weight_count()}, what);
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
  throw Error("layer '" + layer.name +
              "' is not a conv or linear layer: accelerators map only "
              "weights x activations");
}

}  // namespace bbs::accel
