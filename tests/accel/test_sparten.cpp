// SparTen (model/accel/sparten.cpp) on tiny layers checked by hand, and the activation
// statistics it reads (model/accel/activation_stats.hpp) from a recorded file written here.
#include <gtest/gtest.h>

#include <cstring>

#include "model/accel/accel_model.hpp"
#include "model/accel/activation_stats.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/workload.hpp"
#include "networks/io/weight_file.hpp"
#include "networks/zoo.hpp"
#include "tests/test_util.hpp"

namespace bbs::accel {
namespace {

HardwareConfig sparten_32x16() {  // data/hw/sparten.toml
  HardwareConfig hw;
  hw.design = "sparten";
  hw.lanes = 128;
  hw.multipliers_per_pe = 8;
  hw.weight_sram = {162 * 1024, 18, 64, "1r1w"};
  hw.act_sram = {144 * 1024, 18, 64, "1r1w"};
  hw.energy.pe_pj_per_cycle = 1.3;
  return hw;
}

// Linear 256 -> 2 on `tokens` tokens. Channel 0: 128 then 64 non-zero weights in its two
// 128-runs; channel 1: 32 then 0.
struct TinyLinear {
  LayerWork work;
  LayerProfile profile;
  explicit TinyLinear(std::int64_t tokens, double density) {
    work.name = "fc";
    work.in_channels = 256;
    work.out_channels = 2;
    work.tokens = tokens;
    work.input_density = density;
    std::vector<std::int16_t> w(512, 0);
    for (int i = 0; i < 128; ++i) w[std::size_t(i)] = 3;         // channel 0, run 0
    for (int i = 128; i < 192; ++i) w[std::size_t(i)] = -1;      // channel 0, run 1
    for (int i = 256; i < 256 + 32; ++i) w[std::size_t(i)] = 7;  // channel 1, run 0
    profile.steps = build_step_records(work, w, 128, find_step_rule("non-zero-values"));
  }
};

TEST(SparTen, CyclesAreTheBusiestPeTimesDensityAtLeastTheBufferLoad) {
  const TinyLinear t(16, 0.5);
  const ComputeCost c =
      find_accel("sparten").compute(t.work, t.profile, sparten_32x16(), Fidelity::Corrected);
  // Run 0: max(128 * 0.5, 16) = 64; run 1: max(64 * 0.5, 16) = 32; one token tile.
  EXPECT_DOUBLE_EQ(c.cycles, 96);
  EXPECT_DOUBLE_EQ(c.tiles, 2);
  // (128 + 64 + 32) * 0.5 MACs per column x 16 columns x 8 multiplier-cycles per MAC.
  EXPECT_DOUBLE_EQ(c.useful, 224 * 0.5 * 16 * 8);
  EXPECT_DOUBLE_EQ(c.useful + c.intra_pe_stall + c.inter_pe_stall, 96.0 * 32 * 16 * 8);
  // A sparse run costs the 16-cycle local-buffer refill: 128 * 9 * 16 / 1152.
  const TinyLinear sparse(16, 0.1);
  EXPECT_DOUBLE_EQ(find_accel("sparten")
                       .compute(sparse.work, sparse.profile, sparten_32x16(), Fidelity::Corrected)
                       .cycles,
                   16 + 16);
}

TEST(SparTen, BitSimProfilesAtMost128Tokens) {
  const TinyLinear t(160, 0.5);
  const Fidelity capped = parse_fidelity("corrected", {"sparten-token-cap"});
  EXPECT_DOUBLE_EQ(
      find_accel("sparten").compute(t.work, t.profile, sparten_32x16(), Fidelity::Corrected).cycles,
      96 * 10);
  EXPECT_DOUBLE_EQ(find_accel("sparten").compute(t.work, t.profile, sparten_32x16(), capped).cycles,
                   96 * 8);
}

TEST(SparTen, EnergyTermsByHand) {
  const TinyLinear t(16, 0.5);
  const HardwareConfig hw = sparten_32x16();
  const AccelModel& model = find_accel("sparten");
  const ComputeCost c = model.compute(t.work, t.profile, hw, Fidelity::Corrected);
  const double macs = 224 * 0.5 * 16;  // 1792 effectual MACs
  EXPECT_NEAR(model.pe_energy_pj(c, hw), 1.3 * macs, 1e-9);
  // Local buffer: 576 banks x 0.321429 pJ per full read over 512 PEs per MAC; per tile a write
  // of BitSim's scaled minimum 576 x 0.490937 x 64 pJ, half plus half / 32.
  const double write_min = 576 * 0.490937 * 64;
  EXPECT_NEAR(model.register_energy_pj(c, hw),
              576 * 0.321429 / 512 * macs + 2 * (write_min / 2 + write_min / 2 / 32), 1e-6);
  const auto [weight_reads, act_reads] = model.sram_reads(c, t.profile, hw, Fidelity::Corrected);
  EXPECT_DOUBLE_EQ(weight_reads, 2.0 * 32 / 32);
  EXPECT_DOUBLE_EQ(act_reads, 2.0 * 16);
  // Activations: values at density 0.5 plus a 1-bit mask, in 8-byte words.
  EXPECT_DOUBLE_EQ(model.stored_activation_bytes(1000, 0.5, Fidelity::Corrected), 568);
}

TEST(SparTen, WeightStorageHasItsBitmaskUnlessBitSim) {
  const TinyLinear t(16, 0.5);
  const HardwareConfig hw = sparten_32x16();
  // 224 non-zero of 512 weights: ceil(224 / 8) * 8 = 224 bytes of values, + 64 bytes of mask.
  EXPECT_DOUBLE_EQ(
      find_accel("sparten").weight_storage(t.work, t.profile, hw, Fidelity::Corrected).bytes, 288);
  EXPECT_DOUBLE_EQ(
      find_accel("sparten").weight_storage(t.work, t.profile, hw, Fidelity::BitSim).bytes, 224);
  EXPECT_DOUBLE_EQ(find_accel("sparten")
                       .weight_storage(t.work, t.profile, hw, Fidelity::BitSim)
                       .sram_write_bits_per_weight,
                   8);
}

TEST(SparTen, GroupsRunAlongTheFlattenedFilter) {
  LayerWork conv;
  conv.is_conv = true;
  conv.in_channels = 64;
  conv.out_channels = 1;
  conv.kernel_h = conv.kernel_w = 3;
  const std::vector<std::int16_t> w(576, 1);
  // BitSim's profiler: ceil(64 * 9 / 128) = 5 runs (Stripes' grouping would make 9).
  EXPECT_EQ(build_step_records(conv, w, 128, find_step_rule("non-zero-values"))
                ->grouping()
                .groups_per_channel,
            5);
}

io::TensorData float_tensor(const std::string& name, const std::vector<float>& values) {
  io::TensorData t{name,
                   DType::F32,
                   {std::int64_t(values.size())},
                   std::vector<std::byte>(values.size() * sizeof(float))};
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

TEST(ActivationStats, RecordedFloatIsQuantisedPerTensor) {
  test::TempDir dir;
  const auto file = dir.path() / "acts.safetensors";
  // scale 1/127: 0, 127, -127, round(0.127) = 0, round(63.5) = 64 (half to even).
  io::write_safetensors(
      file,
      {float_tensor("layer1.0.conv1", {0, 1, -1, 0.001f, 0.5f}),
       io::TensorData{
           "conv1", DType::I8, {4}, {std::byte{0}, std::byte{0}, std::byte{1}, std::byte{0xff}}}});
  const RecordedActivations r = read_recorded_activations(file);
  const ActivationStats& a = r.by_tensor.at("layer1.0.conv1");
  EXPECT_DOUBLE_EQ(a.density, 3.0 / 5);
  EXPECT_DOUBLE_EQ(*a.bit_density, (7 + 2 + 1) / 40.0);  // 0x7f, 0x81, 0x40
  const ActivationStats& i8 = r.by_tensor.at("conv1");
  EXPECT_DOUBLE_EQ(i8.density, 0.5);
  EXPECT_DOUBLE_EQ(*i8.bit_density, 9 / 32.0);

  // On a network: the recorded layers say so, the others name their producer's default.
  const networks::Network net = networks::build_network("cifar10_resnet20");
  const Workload w = make_workload(net, {&r, std::nullopt});
  ASSERT_EQ(w.activations.size(), w.layers.size());
  int recorded = 0;
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    const bool from_file = w.activations[i].source == "recorded: " + file.string();
    recorded += from_file;
    EXPECT_EQ(w.layers[i].input_density, w.activations[i].density);
    if (!from_file) {
      EXPECT_TRUE(w.activations[i].source.starts_with("default: ")) << i;
    }
  }
  EXPECT_EQ(recorded, 2);
  EXPECT_EQ(w.layers[0].input_density, 0.5);  // conv1: recorded, not the input default
}

TEST(ActivationStats, DefaultsFollowTheProducingOperation) {
  const Workload w = make_workload(networks::build_network("cifar10_resnet20"));
  EXPECT_TRUE(w.activations[0].source.starts_with("default: input 1 ")) << w.activations[0].source;
  EXPECT_TRUE(w.activations[1].source.starts_with("default: relu 0.56 (Cnvlutin"))
      << w.activations[1].source;
  EXPECT_DOUBLE_EQ(w.layers[1].input_density, 0.56);
  EXPECT_DOUBLE_EQ(w.layers[0].output_density, 0.56);  // read after a ReLU
  for (const ActivationDefault& d : activation_defaults()) {
    EXPECT_GT(d.density, 0.0);
    EXPECT_LE(d.density, 1.0);
    EXPECT_FALSE(d.source.empty());
  }
}

TEST(ActivationStats, ATensorNamingNoLayerIsRefused) {
  test::TempDir dir;
  const auto file = dir.path() / "acts.safetensors";
  io::write_safetensors(file, {float_tensor("no.such.layer", {1, 0})});
  const RecordedActivations r = read_recorded_activations(file);
  try {
    make_workload(networks::build_network("cifar10_resnet20"), {&r, std::nullopt});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'no.such.layer' names no layer"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace bbs::accel
