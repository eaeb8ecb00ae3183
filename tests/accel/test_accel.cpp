// Accelerator models: tiles, per-group step counts, lockstep sums, and a golden network checked
// against the authors' simulator (bitsim.md 13: a toy network run through BitSim's Stripes).
#include <gtest/gtest.h>

#include <random>

#include "model/accel/designs.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/profile_blob.hpp"
#include "model/accel/profile_builder.hpp"
#include "model/accel/schedule_check.hpp"
#include "networks/tensor.hpp"
#include "tests/accel/accel_test_util.hpp"

namespace bbs::accel {
namespace {

using test::stripes_32x16;

LayerWork conv(std::int64_t ci, std::int64_t co, std::int64_t k, std::int64_t in_hw,
               std::int64_t out_hw) {
  LayerWork w;
  w.name = "conv";
  w.is_conv = true;
  w.in_channels = ci;
  w.out_channels = co;
  w.kernel_h = w.kernel_w = k;
  w.in_h = w.in_w = in_hw;
  w.out_h = w.out_w = out_hw;
  return w;
}

LayerWork linear(std::int64_t ci, std::int64_t co, std::int64_t tokens) {
  LayerWork w;
  w.name = "fc";
  w.in_channels = ci;
  w.out_channels = co;
  w.tokens = tokens;
  return w;
}

TEST(Tiles, ReductionRunsAlongTheKernelWhenItIsLargerThanCi) {
  const HardwareConfig hw = stripes_32x16();
  // 7x7, Ci = 3: ceil(49/16) * 3 = 12 groups; ceil(64/32) = 2 blocks; ceil(112/16) * 112 = 784.
  EXPECT_DOUBLE_EQ(count_tiles(conv(3, 64, 7, 224, 112), hw, Fidelity::BitSim).total(), 18816);
  // 3x3, Ci = 64: ceil(64/16) * 9 = 36 groups; 2 blocks; ceil(56/16) * 56 = 224.
  EXPECT_DOUBLE_EQ(count_tiles(conv(64, 64, 3, 56, 56), hw, Fidelity::BitSim).total(), 16128);
  // linear: ceil(384/16) * ceil(1536/32) * ceil(197/16) = 24 * 48 * 13.
  EXPECT_DOUBLE_EQ(count_tiles(linear(384, 1536, 197), hw, Fidelity::BitSim).total(), 14976);
}

TEST(Tiles, CorrectedRunsEachConvGroupOnItsOwn) {
  HardwareConfig hw = stripes_32x16();
  LayerWork dw = conv(1, 32, 3, 56, 56);
  dw.groups = 32;  // depthwise: each channel one row, one 9-weight group
  EXPECT_DOUBLE_EQ(count_tiles(dw, hw, Fidelity::Corrected).total(), 1.0 * 32 * 224);
  // BitSim treats it as a dense conv over all 32 input channels.
  EXPECT_DOUBLE_EQ(count_tiles(dw, hw, Fidelity::BitSim).total(), 2.0 * 9 * 1 * 224);
}

std::vector<std::int16_t> values(std::initializer_list<int> v) { return {v.begin(), v.end()}; }

// One output channel with a 1x1 reduction of 4 weights, 4 lanes: a single group.
std::uint8_t single_group_steps(std::initializer_list<int> w, StepKind kind) {
  const LayerWork work = linear(std::int64_t(w.size()), 1, 1);
  const auto records = build_step_records(work, values(w), 16, kind);
  return std::uint8_t(records->lockstep(1).tile_cycles);
}

TEST(StepRecords, PerDesignStepsOfOneGroup) {
  // Pragmatic: popcount(|w|): 7 -> 3, -7 -> 3 (+1 for the sign term in BitSim).
  EXPECT_EQ(single_group_steps({7, -7, 0, 1}, StepKind::PragmaticTerms), 3);
  EXPECT_EQ(single_group_steps({7, -7, 0, 1}, StepKind::PragmaticTermsWithSign), 4);
  // Bitlet: two's complement 1, 3, -1: column 0 has three 1s.
  EXPECT_EQ(single_group_steps({1, 3, -1}, StepKind::BitletColumnOnes), 3);
  // BitWave: magnitudes 4 | 2 -> 2 non-zero columns; a negative weight adds the sign column.
  EXPECT_EQ(single_group_steps({4, 2}, StepKind::BitWaveColumns), 2);
  EXPECT_EQ(single_group_steps({4, -2}, StepKind::BitWaveColumnsWithSign), 3);
  EXPECT_EQ(single_group_steps({4, -2}, StepKind::BitWaveColumns), 2);
  // BitVert: the largest stored-column count among the lanes' groups.
  // BitVert: columns from min k to 7 - min r over the lanes: spans (r, k) = (1, 2), (0, 3).
  EXPECT_EQ(single_group_steps({(1 << 4) | 2, (0 << 4) | 3}, StepKind::StoredColumns), 6);
  EXPECT_EQ(single_group_steps({0, (1 << 4) | 4}, StepKind::StoredColumns), 8);
}

TEST(StepRecords, RowsRunInLockstep) {
  // 3 channels x 1 group with steps 2, 5, 3 (popcounts of 3, 31, 7).
  const auto r =
      build_step_records(linear(1, 3, 1), values({3, 31, 7}), 16, StepKind::PragmaticTerms);
  const LockstepSums two_rows = r->lockstep(2);  // tiles {2, 5} -> 5 and {3} -> 3
  EXPECT_DOUBLE_EQ(two_rows.tile_cycles, 8);
  EXPECT_DOUBLE_EQ(two_rows.row_cycles, 10);
  EXPECT_DOUBLE_EQ(r->lockstep(1).tile_cycles, 10);
  EXPECT_DOUBLE_EQ(r->lockstep(3).tile_cycles, 5);
}

// bitsim.md 13: stem conv 7x7 3->64 at 112^2, conv 3x3 64->64 at 56^2, a ViT fc1 384->1536 with
// 197 tokens and a 512->1000 classifier through BitSim's Stripes G16 [32,16] gave compute 407552,
// total 431392 cycles, DRAM energy 360.2 uJ and SRAM read energy 22.058 uJ (registers included).
TEST(NetworkCost, StripesMatchesTheReferenceSimulatorOnItsToyNetwork) {
  Workload w;
  w.network_name = "toy";
  w.layers = {conv(3, 64, 7, 224, 112), conv(64, 64, 3, 56, 56), linear(384, 1536, 197),
              linear(512, 1000, 1)};
  w.producers = {{-1}, {-1}, {-1}, {-1}};
  const std::vector<LayerProfile> profiles(4);
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const NetworkCost c =
      evaluate_network(Stripes{}, stripes_32x16(), Fidelity::BitSim, w, profiles, memory);
  EXPECT_DOUBLE_EQ(c.total.compute.cycles, 407552);
  EXPECT_DOUBLE_EQ(c.total.total_cycles, 431392);
  EXPECT_NEAR(c.total.energy_dram_pj * 1e-6, 360.2, 1e-9);
  EXPECT_NEAR((c.total.energy_sram_read_pj + c.total.energy_registers_pj) * 1e-6, 22.058, 5e-4);
  EXPECT_DOUBLE_EQ(c.layers[3].dram_cycles, 32032);  // 512000 * 8 / 128 + 512 * 8 / 128
  EXPECT_FALSE(c.layers[0].output_on_chip);
}

TEST(NetworkCost, CorrectedFollowsTheGraphForOnChipInputs) {
  Workload w;
  w.network_name = "toy";
  w.layers = {linear(64, 32, 1), linear(32, 10, 1)};
  w.producers = {{-1}, {0}};
  const std::vector<LayerProfile> profiles(2);
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const NetworkCost c =
      evaluate_network(Stripes{}, stripes_32x16(), Fidelity::Corrected, w, profiles, memory);
  EXPECT_TRUE(c.layers[0].output_on_chip);
  EXPECT_DOUBLE_EQ(c.layers[1].input_dram_bytes, 0);    // produced on chip by layer 0
  EXPECT_DOUBLE_EQ(c.layers[1].output_dram_bytes, 10);  // the network's result goes to DRAM
  EXPECT_DOUBLE_EQ(c.layers[0].dram_cycles, (2048 + 64) * 8 / 128);
}

TEST(Registry, EveryDesignIsRegisteredByName) {
  for (const char* name : {"stripes", "pragmatic", "bitlet", "bitwave", "bitvert", "bit-parallel"})
    EXPECT_EQ(find_accel(name).name(), name);
  EXPECT_THROW(find_accel("tpu"), bbs::Error);
}

}  // namespace
}  // namespace bbs::accel

// ----- bit-level schedules ----------------------------------------------------------------------
namespace bbs::accel {
namespace {

HardwareConfig design_config(const std::string& design) {
  HardwareConfig hw = stripes_32x16();
  hw.design = design;
  if (design == "pragmatic" || design == "bitwave") hw.lanes = 8;
  if (design == "bitlet") hw.lanes = 32;
  if (design == "bit-parallel") hw.lanes = 1;
  if (design == "bitvert")
    hw.pruning = "zero-point", hw.pruned_columns = 4, hw.sensitive_fraction = 0.2;
  if (design == "bitwave") hw.pruning = "bit-flip", hw.pruned_columns = 3;
  return hw;
}

WeightTensor random_weights(const std::string& name, Shape shape, std::uint32_t seed) {
  WeightTensor t{name, shape, std::vector<std::int8_t>(std::size_t(element_count(shape))), {}, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 25.0);
  for (auto& v : t.values) v = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
  t.scales.assign(std::size_t(shape[0]), 1.0);
  t.scales[0] = 2.0;  // a sensitive channel
  return t;
}

class EveryDesign : public ::testing::TestWithParam<std::tuple<std::string, Fidelity>> {};

TEST_P(EveryDesign, ScheduleComputesTheDotProductInTheChargedCycles) {
  const auto [design, fidelity] = GetParam();
  const HardwareConfig hw = design_config(design);
  const AccelModel& model = find_accel(design);
  Workload w;
  w.network_name = "toy";
  LayerWork stem = conv(3, 40, 3, 16, 16), body = conv(48, 40, 3, 16, 16);
  stem.name = "stem", body.name = "body";
  LayerWork head = linear(100, 24, 4);
  head.name = "head";
  w.layers = {stem, body, head};
  w.producers = {{-1}, {-1}, {-1}};
  const std::vector<WeightTensor> tensors{random_weights("stem", {40, 3, 3, 3}, 1),
                                          random_weights("body", {40, 48, 3, 3}, 2),
                                          random_weights("head", {24, 100}, 3)};
  const std::vector<const WeightTensor*> per_layer{&tensors[0], &tensors[1], &tensors[2]};
  ScheduleCheck check;
  build_profiles(w, per_layer, model.weight_needs(hw, fidelity), fidelity, 1,
                 [&](std::size_t i, const LayerAnalysis& a, const LayerProfile& p) {
                   check.add(check_schedules(model, hw, fidelity, w.layers[i], p, a.pruned,
                                             a.column_spans, a.group_constants, 1'000'000, i));
                 });
  EXPECT_GT(check.groups_checked, 400);
  EXPECT_TRUE(check.ok()) << check.first_problem;
}

INSTANTIATE_TEST_SUITE_P(Designs, EveryDesign,
                         ::testing::Combine(::testing::Values("stripes", "pragmatic", "bitlet",
                                                              "bitwave", "bitvert", "bit-parallel"),
                                            ::testing::Values(Fidelity::BitSim,
                                                              Fidelity::Corrected)));

TEST(ProfileBlob, RoundTripGivesTheSameEvaluation) {
  const HardwareConfig hw = design_config("bitvert");
  Workload w;
  w.network_name = "toy";
  LayerWork body = conv(48, 40, 3, 16, 16);
  body.name = "body";
  w.layers = {body};
  w.producers = {{-1}};
  const WeightTensor weights = random_weights("body", {40, 48, 3, 3}, 9);
  const auto profiles = build_profiles(
      w, {&weights}, BitVert{}.weight_needs(hw, Fidelity::Corrected), Fidelity::Corrected, 1);
  const auto restored = profiles_from_blob(profiles_to_blob(profiles));
  ASSERT_TRUE(restored.has_value());
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const auto a = evaluate_network(BitVert{}, hw, Fidelity::Corrected, w, profiles, memory);
  const auto b = evaluate_network(BitVert{}, hw, Fidelity::Corrected, w, *restored, memory);
  EXPECT_DOUBLE_EQ(a.total.total_cycles, b.total.total_cycles);
  EXPECT_DOUBLE_EQ(a.total.energy_pj(), b.total.energy_pj());
  EXPECT_EQ(a.weight_error.count, 40 * 48 * 9);
  EXPECT_GT(a.weight_error.error_sq, 0);  // 4 of 8 columns pruned
  EXPECT_DOUBLE_EQ(a.weight_error.sqnr_db(), b.weight_error.sqnr_db());
  EXPECT_DOUBLE_EQ(a.bits_per_weight(), b.bits_per_weight());
  EXPECT_THROW(profiles_from_blob(std::string("BBSP\x02\0\0\0garbage", 15)), bbs::Error);
  // An entry of an older format is not an error: the caller builds the profiles again.
  EXPECT_FALSE(profiles_from_blob(std::string("BBSP\x01\0\0\0garbage", 15)).has_value());
}

TEST(Schedule, DetectsAWrongCycleCount) {
  // Pragmatic on {7, 1}: 3 terms for 7 -> 3 cycles; a record claiming 2 would be caught.
  const std::vector<int> w{7, 1}, none{0, 0};
  const std::vector<std::uint8_t> a{10, 20};
  const ScheduleRun run = run_schedule("pragmatic", Fidelity::Corrected, w, none, none, a);
  EXPECT_EQ(run.cycles, 3);
  EXPECT_EQ(run.result, 7 * 10 + 20);
}

}  // namespace
}  // namespace bbs::accel

namespace bbs::accel {
namespace {

TEST(Fidelity, ProfilesAreSetsOfDefectSwitches) {
  EXPECT_EQ(Fidelity::BitSim.name(), "bitsim");
  EXPECT_EQ(Fidelity::Corrected.name(), "corrected");
  const Fidelity one = parse_fidelity("corrected", {"pragmatic-sign-term"});
  EXPECT_TRUE(one.pragmatic_sign_term);
  EXPECT_FALSE(one.bitwave_sign_cycle);
  EXPECT_EQ(one.name(), "corrected+pragmatic-sign-term");
  Fidelity all = Fidelity::Corrected;
  for (const auto& s : defect_switches()) all.*(s.flag) = true;
  EXPECT_EQ(all, Fidelity::BitSim);  // bitsim is exactly every switch on
  EXPECT_THROW(parse_fidelity("corrected", {"no-such-defect"}), bbs::Error);
  EXPECT_THROW(parse_fidelity("exact"), bbs::Error);
}

TEST(Fidelity, PragmaticSignTermIsTheOnlyDifferenceForPragmaticCycles) {
  // Weights {-7, 1}: magnitudes need 3 cycles; the sign term makes it 4.
  const LayerWork work = linear(2, 1, 1);
  HardwareConfig hw = stripes_32x16();
  hw.lanes = 8;
  const std::vector<std::int16_t> w{-7, 1};
  for (bool sign : {false, true}) {
    Fidelity f = Fidelity::Corrected;
    f.pragmatic_sign_term = sign;
    const auto needs = Pragmatic{}.weight_needs(hw, f);
    LayerProfile p;
    p.steps = build_step_records(work, w, needs.lanes, *needs.steps);
    EXPECT_DOUBLE_EQ(Pragmatic{}.compute(work, p, hw, f).cycles, sign ? 4 : 3);
  }
}

}  // namespace
}  // namespace bbs::accel
