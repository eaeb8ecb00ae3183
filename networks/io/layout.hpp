// Weight layouts: PyTorch (the canonical layout every engine stage works in) and TF/Keras.
//
//   PyTorch: conv [K, C, H, W], depthwise [C, 1, H, W], linear [out, in], conv1d [K, C, L]
//   Keras:   conv [H, W, Cin, Cout], depthwise [H, W, C, M], dense [in, out]
//
// Keras depthwise kernels are recognised by "depthwise" in the tensor name (their shape alone is
// ambiguous with a conv that has one output channel); they map to [C*M, 1, H, W].
// conv1d [K, C, L] is viewed as [K, C, 1, L].
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "networks/io/weight_file.hpp"

namespace bbs::io {

enum class WeightLayout { PyTorch, Keras };

// "auto" reads the safetensors __metadata__ "layout" key (TensorFlow/Keras -> Keras).
WeightLayout parse_layout(std::string_view text, const WeightFile& file);

// Whether a stored tensor is a weight the engine analyzes (a weight dtype: int8/int16 or float,
// rank 2, 3 or 4, no zero dimension).
bool is_weight_tensor(const TensorInfo& info);

Shape canonical_shape(const TensorInfo& info, WeightLayout layout);

// The Keras tensor kinds and the reordering of a Keras tensor into PyTorch layout (the one place
// that knows the permutation; networks/weights uses it for layer-matched files too).
enum class KerasKind { Conv, Depthwise, Dense };
template <typename T>
std::vector<T> keras_to_canonical(std::span<const T> stored, const Shape& keras_shape,
                                  KerasKind kind);

// Whether a tensor's stored order differs from the canonical one (a Keras conv or dense).
bool needs_reorder(const TensorInfo& info, WeightLayout layout);

// Reorders values between the stored layout and the canonical PyTorch layout (`stored` is
// returned as it is when no reorder is needed).
template <typename T>
std::vector<T> to_canonical(const TensorInfo& info, WeightLayout layout, std::vector<T> stored);
template <typename T>
std::vector<T> from_canonical(const TensorInfo& info, WeightLayout layout,
                              std::span<const T> canonical);

}  // namespace bbs::io
