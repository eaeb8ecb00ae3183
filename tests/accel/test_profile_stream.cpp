// Streamed profiling: weights read a block of output channels at a time, once for every design,
// give byte for byte the profiles of the whole tensors.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <random>

#include "model/accel/hardware_config.hpp"
#include "model/accel/profile_blob.hpp"
#include "model/accel/profile_builder.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

WeightTensor random_tensor(const std::string& name, Shape shape, std::uint32_t seed) {
  WeightTensor t{name, shape, std::vector<std::int8_t>(std::size_t(element_count(shape))), {}, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 25.0);
  for (auto& v : t.values) v = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
  std::uniform_real_distribution<double> scale(0.5, 2.0);  // ranks the sensitive channels
  for (std::int64_t k = 0; k < shape[0]; ++k) t.scales.push_back(scale(rng));
  return t;
}

LayerWork layer(const std::string& name, const Shape& shape) {
  LayerWork w;
  w.name = name;
  w.out_channels = shape[0];
  w.in_channels = shape[1];
  w.tokens = 4;
  if (shape.size() == 4) {
    w.is_conv = true;
    w.kernel_h = shape[2], w.kernel_w = shape[3];
    w.in_h = w.in_w = w.out_h = w.out_w = 8;
  }
  return w;
}

// In-memory tensors handed out in blocks of `rows` output channels, counting every load.
class BlockTensors final : public TensorSource {
 public:
  BlockTensors(std::vector<const WeightTensor*> tensors, std::int64_t rows)
      : whole_(tensors), rows_(rows) {}
  std::size_t size() const override { return whole_.size(); }
  const std::string& name(std::size_t t) const override { return whole_.name(t); }
  const Shape& shape(std::size_t t) const override { return whole_.shape(t); }
  std::int64_t block_channels(std::size_t) const override { return rows_; }
  WeightTensor load(std::size_t t, std::int64_t first, std::int64_t last, int jobs) const override {
    {
      const std::lock_guard lock(mutex_);  // the builder loads blocks on several threads
      ++loads;
      largest_block = std::max(largest_block, last - first);
    }
    return whole_.load(t, first, last, jobs);
  }
  mutable int loads = 0;
  mutable std::int64_t largest_block = 0;

 private:
  mutable std::mutex mutex_;
  MemoryTensors whole_;
  std::int64_t rows_;
};

struct Toy {
  Workload workload;
  std::vector<WeightTensor> tensors;
  std::vector<std::size_t> tensor_of_layer;
};

// Linear layers whose rows hold whole pruning groups (streamed in blocks), one whose rows do not
// and a conv (read whole), a tied tensor used by two layers, and an attention matmul.
Toy toy() {
  Toy toy;
  toy.tensors = {random_tensor("q", {70, 64}, 1), random_tensor("odd", {33, 48}, 2),
                 random_tensor("conv", {40, 16, 3, 3}, 3), random_tensor("tied", {50, 96}, 4)};
  for (std::size_t t = 0; t < toy.tensors.size(); ++t) {
    toy.workload.layers.push_back(layer(toy.tensors[t].name, toy.tensors[t].shape));
    toy.tensor_of_layer.push_back(t);
  }
  LayerWork scores = layer("scores", {16, 32});
  scores.activation_operands = true;
  toy.workload.layers.push_back(scores);
  toy.tensor_of_layer.push_back(kNoTensor);
  toy.workload.layers.push_back(layer("tied", toy.tensors[3].shape));
  toy.tensor_of_layer.push_back(3);
  toy.workload.producers.assign(toy.workload.layers.size(), {-1});
  toy.workload.network_name = "toy";
  return toy;
}

// Every built-in hardware preset's needs (pruned and unpruned, BitVert with 20 %
// sensitive channels chosen over all tensors).
std::vector<WeightNeeds> preset_needs(Fidelity fidelity) {
  std::vector<WeightNeeds> needs;
  for (const std::string& preset : hardware_designs()) {
    const HardwareConfig hw = load_hardware(preset, std::nullopt, {});
    needs.push_back(find_accel(hw.design).weight_needs(hw, fidelity));
  }
  return needs;
}

TEST(ProfileStream, BlocksOfChannelsGiveTheProfilesOfWholeTensorsOnceForEveryDesign) {
  const Toy t = toy();
  std::vector<const WeightTensor*> tensors;
  for (const WeightTensor& w : t.tensors) tensors.push_back(&w);
  for (const Fidelity fidelity : {Fidelity::Corrected, Fidelity::BitSim}) {
    const auto needs = preset_needs(fidelity);
    ASSERT_GE(needs.size(), 6u);
    const MemoryTensors whole(tensors);
    const auto reference =
        build_profiles({&t.workload, &whole, t.tensor_of_layer, fidelity, 2, {}, {}}, needs);
    for (const std::int64_t rows : {1, 7, 32}) {
      const BlockTensors blocks(tensors, rows);
      const auto streamed =
          build_profiles({&t.workload, &blocks, t.tensor_of_layer, fidelity, 2, {}, {}}, needs);
      for (std::size_t d = 0; d < needs.size(); ++d)
        EXPECT_EQ(profiles_to_blob(streamed[d]), profiles_to_blob(reference[d]))
            << "design " << d << ", blocks of " << rows << " channels";
      // Streamed: the split tensors in blocks of `rows`, the others whole.
      EXPECT_EQ(blocks.largest_block, std::max<std::int64_t>(rows, 40));
      // One read of each block for every design: the scores pass spills what the second reads.
      int expected_loads = 0;
      for (const WeightTensor& w : t.tensors)
        expected_loads +=
            w.name == "q" || w.name == "tied" ? int((w.shape[0] + rows - 1) / rows) : 1;
      EXPECT_EQ(blocks.loads, expected_loads) << "blocks of " << rows;
    }
  }
}

// Blocks of several tensors profiled side by side: the same profiles (step records with their
// sensitive-channel order, sizes, errors, sensitive counts) for any number of threads, with
// the sensitive channels chosen in a first pass over every tensor (BitVert) or without one.
TEST(ProfileStream, AnyNumberOfThreadsGivesTheSameProfiles) {
  const Toy t = toy();
  std::vector<const WeightTensor*> tensors;
  for (const WeightTensor& w : t.tensors) tensors.push_back(&w);
  const BlockTensors blocks(tensors, 3);
  const auto all = preset_needs(Fidelity::Corrected);
  std::vector<WeightNeeds> one_pass;
  for (const WeightNeeds& n : all)
    if (n.pruning.sensitive_fraction <= 0) one_pass.push_back(n);
  ASSERT_LT(one_pass.size(), all.size());  // BitVert's sensitive channels need the first pass
  for (const auto& needs : {all, one_pass}) {
    const auto serial = build_profiles(
        {&t.workload, &blocks, t.tensor_of_layer, Fidelity::Corrected, 1, {}, {}}, needs);
    for (const int jobs : {2, 4}) {
      const auto parallel = build_profiles(
          {&t.workload, &blocks, t.tensor_of_layer, Fidelity::Corrected, jobs, {}, {}}, needs);
      for (std::size_t d = 0; d < needs.size(); ++d)
        EXPECT_EQ(profiles_to_blob(parallel[d]), profiles_to_blob(serial[d]))
            << "design " << d << " of " << needs.size() << ", " << jobs << " threads";
    }
  }
}

// The inspector sees every weight layer once, in order, whichever thread finishes its tensor.
TEST(ProfileStream, TheInspectorSeesTheLayersInOrderOnAnyNumberOfThreads) {
  const Toy t = toy();
  std::vector<const WeightTensor*> weights;
  for (std::size_t i = 0; i < t.workload.layers.size(); ++i)
    weights.push_back(t.tensor_of_layer[i] == kNoTensor ? nullptr
                                                        : &t.tensors[t.tensor_of_layer[i]]);
  const auto needs = preset_needs(Fidelity::Corrected);
  std::vector<std::size_t> expected;
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (weights[i]) expected.push_back(i);
  std::stable_sort(expected.begin(), expected.end(), [&](std::size_t a, std::size_t b) {
    return t.tensor_of_layer[a] < t.tensor_of_layer[b];  // a tied tensor's uses together
  });
  for (const int jobs : {1, 4}) {
    std::vector<std::size_t> seen;
    build_profiles(t.workload, weights, needs, Fidelity::Corrected, jobs,
                   [&](std::size_t layer, const LayerAnalysis&, const LayerProfile&) {
                     seen.push_back(layer);
                   });
    EXPECT_EQ(seen, expected) << jobs << " threads";
  }
}

// Distributed profiling: profiles of disjoint sets of tensors, put together, are the profiles of
// all of them (the sensitive channels are still chosen over every tensor).
TEST(ProfileStream, DisjointTensorSetsTogetherGiveTheWholeNetworksProfiles) {
  const Toy t = toy();
  std::vector<const WeightTensor*> tensors;
  for (const WeightTensor& w : t.tensors) tensors.push_back(&w);
  const MemoryTensors whole(tensors);
  const auto needs = preset_needs(Fidelity::Corrected);
  const auto reference = build_profiles(
      {&t.workload, &whole, t.tensor_of_layer, Fidelity::Corrected, 1, {}, {}}, needs);
  auto joined = build_profiles({&t.workload,
                                &whole,
                                t.tensor_of_layer,
                                Fidelity::Corrected,
                                1,
                                {true, false, true, false},
                                {}},
                               needs);
  const auto rest = build_profiles({&t.workload,
                                    &whole,
                                    t.tensor_of_layer,
                                    Fidelity::Corrected,
                                    1,
                                    {false, true, false, true},
                                    {}},
                                   needs);
  for (std::size_t d = 0; d < needs.size(); ++d)
    for (std::size_t i = 0; i < t.workload.layers.size(); ++i)
      if (t.tensor_of_layer[i] == 1 || t.tensor_of_layer[i] == 3) joined[d][i] = rest[d][i];
  for (std::size_t d = 0; d < needs.size(); ++d)
    EXPECT_EQ(profiles_to_blob(joined[d]), profiles_to_blob(reference[d])) << "design " << d;
}

}  // namespace
}  // namespace bbs::accel
