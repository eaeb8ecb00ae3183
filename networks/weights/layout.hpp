// Tensor layouts of weight files and their conversion to the canonical PyTorch layout.
#pragma once

#include <string_view>
#include <vector>

#include "networks/network.hpp"

namespace bbs::networks {

enum class TensorLayout : std::uint8_t {
  PyTorch,         // already canonical
  KerasConv,       // [R, S, C, K] -> [K, C, R, S]
  KerasDepthwise,  // [R, S, C, M] -> [C*M, 1, R, S]
  KerasDense,      // [in, out] -> [out, in]
};

// The Keras/TF layout of `layer`'s weight (PyTorch for embeddings and other tensors).
TensorLayout keras_layout_of(const Layer& layer);
// The shape a tensor in `layout` has in a file when its canonical shape is `canonical`.
Shape file_shape(const Layer& layer, TensorLayout layout);
// "PyTorch", "Keras conv [R,S,C,K]", ...
std::string_view tensor_layout_name(TensorLayout layout);
// Reorders `values` (file order) into the canonical layout of `layer` (T: float or std::int8_t).
template <typename T>
std::vector<T> to_canonical(std::vector<T> values, const Layer& layer, TensorLayout layout);

}  // namespace bbs::networks
