// A network's distinct weight tensors as the profile builder streams them (accel::TensorSource):
// integer weights as given, float weights quantized to INT8 per output channel; generated
// weights in blocks of output channels on several threads, so that no more than one block is
// held at a time.
#pragma once

#include <string>
#include <vector>

#include "app/cmd_networks.hpp"
#include "model/accel/profile_builder.hpp"

namespace bbs::app {

class NetworkTensors final : public accel::TensorSource {
 public:
  // `layers`: one layer per distinct weight tensor (its first use).
  NetworkTensors(const LoadedNetwork& loaded, std::vector<const networks::Layer*> layers);
  std::size_t size() const override { return layers_.size(); }
  const std::string& name(std::size_t t) const override { return layers_[t]->weight->name; }
  const Shape& shape(std::size_t t) const override { return layers_[t]->weight->shape; }
  std::int64_t block_channels(std::size_t t) const override;
  WeightTensor load(std::size_t t, std::int64_t first, std::int64_t last, int jobs) const override;
  const networks::Layer& layer(std::size_t t) const { return *layers_[t]; }

  // Content hash of tensor t: its name and shape, and the generator's identity (generated
  // weights, not generated for this) or its int8 values and scales. `integer` tells whether
  // the tensor is int8 as given (false for generated weights).
  std::string content_hash(std::size_t t, bool& integer) const;

 private:
  const LoadedNetwork& loaded_;
  std::vector<const networks::Layer*> layers_;
};

}  // namespace bbs::app
