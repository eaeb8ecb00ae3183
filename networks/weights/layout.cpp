#include "networks/weights/layout.hpp"

#include "networks/io/layout.hpp"

namespace bbs::networks {

TensorLayout keras_layout_of(const Layer& layer) {
  if (layer.kind == OpKind::Conv) {
    const bool depthwise = layer.conv->groups > 1 && layer.conv->in_channels_per_group == 1;
    return depthwise ? TensorLayout::KerasDepthwise : TensorLayout::KerasConv;
  }
  if (layer.kind == OpKind::Linear) return TensorLayout::KerasDense;
  return TensorLayout::PyTorch;
}

Shape file_shape(const Layer& layer, TensorLayout layout) {
  const Shape& w = layer.weight.value().shape;
  switch (layout) {
    case TensorLayout::PyTorch:
      return w;
    case TensorLayout::KerasConv:
      return {w[2], w[3], w[1], w[0]};
    case TensorLayout::KerasDepthwise: {
      const std::int64_t channels = layer.conv->groups;
      return {w[2], w[3], channels, w[0] / channels};
    }
    case TensorLayout::KerasDense:
      return {w[1], w[0]};
  }
  return w;
}

std::string_view tensor_layout_name(TensorLayout layout) {
  switch (layout) {
    case TensorLayout::PyTorch:
      return "PyTorch";
    case TensorLayout::KerasConv:
      return "Keras conv [R,S,C,K]";
    case TensorLayout::KerasDepthwise:
      return "Keras depthwise [R,S,C,M]";
    case TensorLayout::KerasDense:
      return "Keras dense [in,out]";
  }
  return "?";
}

template <typename T>
std::vector<T> to_canonical(std::vector<T> values, const Layer& layer, TensorLayout layout) {
  switch (layout) {
    case TensorLayout::PyTorch:
      return values;
    case TensorLayout::KerasConv:
      return io::keras_to_canonical<T>(values, file_shape(layer, layout), io::KerasKind::Conv);
    case TensorLayout::KerasDepthwise:
      return io::keras_to_canonical<T>(values, file_shape(layer, layout), io::KerasKind::Depthwise);
    case TensorLayout::KerasDense:
      return io::keras_to_canonical<T>(values, file_shape(layer, layout), io::KerasKind::Dense);
  }
  return values;
}

template std::vector<float> to_canonical(std::vector<float>, const Layer&, TensorLayout);
template std::vector<std::int8_t> to_canonical(std::vector<std::int8_t>, const Layer&,
                                               TensorLayout);

}  // namespace bbs::networks
