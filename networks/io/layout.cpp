#include "networks/io/layout.hpp"

#include <string>

namespace bbs::io {
namespace {

bool is_depthwise_name(std::string_view name) { return name.find("depthwise") != name.npos; }

KerasKind keras_kind(const TensorInfo& info) {
  if (info.shape.size() == 2) return KerasKind::Dense;
  return is_depthwise_name(info.name) ? KerasKind::Depthwise : KerasKind::Conv;
}

// For a Keras tensor: the canonical index of every stored element, in stored order.
std::vector<std::size_t> keras_to_canonical_index(const Shape& s, KerasKind kind) {
  std::vector<std::size_t> index;
  index.reserve(std::size_t(element_count(s)));
  if (kind == KerasKind::Dense) {  // [in, out] -> [out, in]
    for (std::int64_t i = 0; i < s[0]; ++i)
      for (std::int64_t o = 0; o < s[1]; ++o) index.push_back(std::size_t(o * s[0] + i));
    return index;
  }
  // rank 4: [H, W, C, M] -> [K, Cin, H, W] with (K, Cin) = (C*M, 1) depthwise or (M, C) conv
  const std::int64_t h_size = s[0], w_size = s[1], c_size = s[2], m_size = s[3];
  const bool depthwise = kind == KerasKind::Depthwise;
  for (std::int64_t h = 0; h < h_size; ++h)
    for (std::int64_t w = 0; w < w_size; ++w)
      for (std::int64_t c = 0; c < c_size; ++c)
        for (std::int64_t m = 0; m < m_size; ++m) {
          const std::int64_t k = depthwise ? c * m_size + m : m;
          const std::int64_t cin = depthwise ? 0 : c;
          const std::int64_t cin_size = depthwise ? 1 : c_size;
          index.push_back(std::size_t(((k * cin_size + cin) * h_size + h) * w_size + w));
        }
  return index;
}

}  // namespace

bool needs_reorder(const TensorInfo& info, WeightLayout layout) {
  return layout == WeightLayout::Keras && info.shape.size() != 3;
}

WeightLayout parse_layout(std::string_view text, const WeightFile& file) {
  if (text == "pytorch") return WeightLayout::PyTorch;
  if (text == "keras") return WeightLayout::Keras;
  if (text != "auto")
    throw Error("--layout '" + std::string(text) + "': expected auto, pytorch or keras");
  const auto it = file.metadata().find("layout");
  if (it == file.metadata().end()) return WeightLayout::PyTorch;
  const std::string& declared = it->second;
  const bool keras = declared.rfind("TensorFlow", 0) == 0 || declared.rfind("Keras", 0) == 0;
  return keras ? WeightLayout::Keras : WeightLayout::PyTorch;
}

bool is_weight_tensor(const TensorInfo& info) {
  if (!dtype_is_weight(info.dtype) || info.shape.size() < 2 || info.shape.size() > 4) return false;
  for (auto d : info.shape)
    if (d <= 0) return false;
  return true;
}

Shape canonical_shape(const TensorInfo& info, WeightLayout layout) {
  const Shape& s = info.shape;
  if (s.size() == 3) return {s[0], s[1], 1, s[2]};
  if (layout == WeightLayout::PyTorch) return s;
  if (s.size() == 2) return {s[1], s[0]};
  if (is_depthwise_name(info.name)) return {s[2] * s[3], 1, s[0], s[1]};
  return {s[3], s[2], s[0], s[1]};
}

template <typename T>
std::vector<T> to_canonical(const TensorInfo& info, WeightLayout layout, std::vector<T> stored) {
  if (!needs_reorder(info, layout)) return stored;
  return keras_to_canonical<T>(stored, info.shape, keras_kind(info));
}

template <typename T>
std::vector<T> keras_to_canonical(std::span<const T> stored, const Shape& keras_shape,
                                  KerasKind kind) {
  const auto index = keras_to_canonical_index(keras_shape, kind);
  std::vector<T> canonical(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) canonical[index[i]] = stored[i];
  return canonical;
}

template <typename T>
std::vector<T> from_canonical(const TensorInfo& info, WeightLayout layout,
                              std::span<const T> canonical) {
  if (!needs_reorder(info, layout)) return {canonical.begin(), canonical.end()};
  const auto index = keras_to_canonical_index(info.shape, keras_kind(info));
  std::vector<T> stored(canonical.size());
  for (std::size_t i = 0; i < stored.size(); ++i) stored[i] = canonical[index[i]];
  return stored;
}

template std::vector<float> keras_to_canonical(std::span<const float>, const Shape&, KerasKind);
template std::vector<std::int8_t> keras_to_canonical(std::span<const std::int8_t>, const Shape&,
                                                     KerasKind);
template std::vector<float> to_canonical(const TensorInfo&, WeightLayout, std::vector<float>);
template std::vector<float> from_canonical(const TensorInfo&, WeightLayout, std::span<const float>);
template std::vector<std::int8_t> to_canonical(const TensorInfo&, WeightLayout,
                                               std::vector<std::int8_t>);
template std::vector<std::int16_t> from_canonical(const TensorInfo&, WeightLayout,
                                                  std::span<const std::int16_t>);
template std::vector<std::int8_t> from_canonical(const TensorInfo&, WeightLayout,
                                                 std::span<const std::int8_t>);

}  // namespace bbs::io
