// Accelerator models: tiles, per-group step counts, lockstep sums, and a golden network checked
// against the authors' simulator (a toy network run through
// BitSim sim/sim/stripes.py at commit 6845fad).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "model/accel/accel_model.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/profile_blob.hpp"
#include "model/accel/profile_builder.hpp"
#include "model/accel/schedule_check.hpp"
#include "model/accel/sensitive_channels.hpp"
#include "networks/tensor.hpp"
#include "tests/accel/accel_test_util.hpp"

namespace bbs::accel {
namespace {

using test::linear;
using test::random_weights;
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
std::uint8_t single_group_steps(std::initializer_list<int> w, std::string_view rule) {
  const LayerWork work = linear(std::int64_t(w.size()), 1, 1);
  const auto records = build_step_records(work, values(w), 16, find_step_rule(rule));
  return std::uint8_t(records->lockstep(1).tile_cycles);
}

TEST(StepRecords, PerDesignStepsOfOneGroup) {
  // Pragmatic: popcount(|w|): 7 -> 3, -7 -> 3 (+1 for the sign term in BitSim).
  EXPECT_EQ(single_group_steps({7, -7, 0, 1}, "pragmatic-terms"), 3);
  EXPECT_EQ(single_group_steps({7, -7, 0, 1}, "pragmatic-terms-with-sign"), 4);
  // Bitlet: two's complement 1, 3, -1: column 0 has three 1s.
  EXPECT_EQ(single_group_steps({1, 3, -1}, "bitlet-column-ones"), 3);
  // BitWave: magnitudes 4 | 2 -> 2 non-zero columns; a negative weight adds the sign column.
  EXPECT_EQ(single_group_steps({4, 2}, "bitwave-columns"), 2);
  EXPECT_EQ(single_group_steps({4, -2}, "bitwave-columns-with-sign"), 3);
  EXPECT_EQ(single_group_steps({4, -2}, "bitwave-columns"), 2);
  // BitVert: the largest stored-column count among the lanes' groups.
  // BitVert: columns from min k to 7 - min r over the lanes: spans (r, k) = (1, 2), (0, 3).
  EXPECT_EQ(single_group_steps({(1 << 4) | 2, (0 << 4) | 3}, "stored-columns"), 6);
  EXPECT_EQ(single_group_steps({0, (1 << 4) | 4}, "stored-columns"), 8);
}

TEST(StepRecords, RowsRunInLockstep) {
  // 3 channels x 1 group with steps 2, 5, 3 (popcounts of 3, 31, 7).
  const auto r = build_step_records(linear(1, 3, 1), values({3, 31, 7}), 16,
                                    find_step_rule("pragmatic-terms"));
  const LockstepSums two_rows = r->lockstep(2);  // tiles {2, 5} -> 5 and {3} -> 3
  EXPECT_DOUBLE_EQ(two_rows.tile_cycles, 8);
  EXPECT_DOUBLE_EQ(two_rows.row_cycles, 10);
  EXPECT_DOUBLE_EQ(r->lockstep(1).tile_cycles, 10);
  EXPECT_DOUBLE_EQ(r->lockstep(3).tile_cycles, 5);
}

// BitSim sim/sim/stripes.py at 6845fad: stem conv 7x7 3->64 at 112^2, conv 3x3 64->64 at 56^2, a
// ViT fc1 384->1536 with 197 tokens and a 512->1000 classifier through BitSim's Stripes G16 [32,16]
// gave compute 407552, total 431392 cycles, DRAM energy 360.2 uJ and SRAM read energy 22.058 uJ
// (registers included).
TEST(NetworkCost, StripesMatchesTheReferenceSimulatorOnItsToyNetwork) {
  Workload w;
  w.network_name = "toy";
  w.layers = {conv(3, 64, 7, 224, 112), conv(64, 64, 3, 56, 56), linear(384, 1536, 197),
              linear(512, 1000, 1)};
  w.producers = {{-1}, {-1}, {-1}, {-1}};
  const std::vector<LayerProfile> profiles(4);
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const NetworkCost c = evaluate_network(find_accel("stripes"), stripes_32x16(), Fidelity::BitSim,
                                         w, profiles, memory);
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
  const NetworkCost c = evaluate_network(find_accel("stripes"), stripes_32x16(),
                                         Fidelity::Corrected, w, profiles, memory);
  EXPECT_TRUE(c.layers[0].output_on_chip);
  EXPECT_DOUBLE_EQ(c.layers[1].input_dram_bytes, 0);    // produced on chip by layer 0
  EXPECT_DOUBLE_EQ(c.layers[1].output_dram_bytes, 10);  // the network's result goes to DRAM
  EXPECT_DOUBLE_EQ(c.layers[0].dram_cycles, (2048 + 64) * 8 / 128);
}

// At 4-bit activations a 64 -> 32 linear layer moves 2048 weight bytes, 32 input and 16 output
// bytes: corrected charges their bits (16384 + 256 + 128) / 128 = 131 DRAM cycles (it charged the
// activations' bytes x 4: 129); BitSim multiplies all bytes by Pp = 4 instead of 8 (defect
// dram-double-scaling): (8192 + 128 + 64) / 128 = 65.
TEST(NetworkCost, ActivationDramCyclesCountRealBitsUnlessDoubleScaled) {
  Workload w;
  w.network_name = "toy";
  w.layers = {linear(64, 32, 1)};
  w.producers = {{-1}};
  HardwareConfig hw = stripes_32x16();
  hw.act_bits = 4;
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const auto cycles = [&](Fidelity fidelity) {
    return evaluate_network(find_accel("stripes"), hw, fidelity, w, std::vector<LayerProfile>(1),
                            memory)
        .layers[0]
        .dram_cycles;
  };
  EXPECT_DOUBLE_EQ(cycles(Fidelity::Corrected), 131);
  EXPECT_DOUBLE_EQ(cycles(parse_fidelity("corrected", {"dram-double-scaling"})), 65);
}

}  // namespace
}  // namespace bbs::accel

// ----- bit-level schedules ----------------------------------------------------------------------
namespace bbs::accel {
namespace {

// A design's built-in preset (every registered design has one named after it) with `sets`, bound
// to the toy network.
HardwareConfig design_config(const std::string& design, const std::vector<std::string>& sets = {}) {
  return find_accel(design).for_network(load_hardware(design, std::nullopt, sets), "toy");
}

std::vector<std::string> registered_designs() {
  std::vector<std::string> names;
  for (const auto& model : accel_registry()) names.emplace_back(model->name());
  return names;
}

// One 3x3 conv 48 -> 40 at 16x16 named "body", its input from DRAM.
Workload body_workload() {
  Workload w;
  w.network_name = "toy";
  LayerWork body = conv(48, 40, 3, 16, 16);
  body.name = "body";
  w.layers = {body};
  w.producers = {{-1}};
  return w;
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
  const WeightNeeds needs = model.weight_needs(hw, fidelity);
  build_profiles(w, per_layer, needs, fidelity, 1,
                 [&](std::size_t i, const LayerAnalysis& a, const LayerProfile& p) {
                   check.add(check_schedules(model, hw, fidelity, w.layers[i], p, a.pruned,
                                             a.column_spans, a.group_constants, 1'000'000, i));
                 });
  // A million samples: every group of the three layers, in the design's grouping.
  const bool flat = needs.steps && needs.steps->flat_groups;
  std::int64_t groups = 0;
  for (const LayerWork& layer : w.layers)
    groups += layer.out_channels * reduction_grouping(layer, hw.lanes, flat).groups_per_channel;
  EXPECT_GT(groups, 200);
  EXPECT_EQ(check.groups_checked, groups);
  EXPECT_TRUE(check.ok()) << check.first_problem;
}

INSTANTIATE_TEST_SUITE_P(Designs, EveryDesign,
                         ::testing::Combine(::testing::ValuesIn(registered_designs()),
                                            ::testing::Values(Fidelity::BitSim,
                                                              Fidelity::Corrected)));

TEST(ProfileBlob, RoundTripGivesTheSameEvaluation) {
  const HardwareConfig hw = design_config("bitvert");
  const Workload w = body_workload();
  const WeightTensor weights = random_weights("body", {40, 48, 3, 3}, 9);
  const auto profiles =
      build_profiles(w, {&weights}, find_accel("bitvert").weight_needs(hw, Fidelity::Corrected),
                     Fidelity::Corrected, 1);
  const auto restored = profiles_from_blob(profiles_to_blob(profiles));
  ASSERT_TRUE(restored.has_value());
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const auto a =
      evaluate_network(find_accel("bitvert"), hw, Fidelity::Corrected, w, profiles, memory);
  const auto b =
      evaluate_network(find_accel("bitvert"), hw, Fidelity::Corrected, w, *restored, memory);
  EXPECT_DOUBLE_EQ(a.total.total_cycles, b.total.total_cycles);
  EXPECT_DOUBLE_EQ(a.total.energy_pj(), b.total.energy_pj());
  EXPECT_EQ(a.weight_error.count, 40 * 48 * 9);
  EXPECT_GT(a.weight_error.error_sq, 0);  // 4 of 8 columns pruned
  EXPECT_DOUBLE_EQ(a.weight_error.sqnr_db(), b.weight_error.sqnr_db());
  EXPECT_DOUBLE_EQ(a.bits_per_weight(), b.bits_per_weight());
  std::string garbage("BBSP\0\0\0\0garbage", 15);
  garbage[4] = char(kProfileFormatVersion);
  EXPECT_THROW(profiles_from_blob(garbage), bbs::Error);
  // An entry of an older format is not an error: the caller builds the profiles again.
  garbage[4] = char(kProfileFormatVersion - 1);
  EXPECT_FALSE(profiles_from_blob(garbage).has_value());
}

// The cache key names what was computed (no enum ordinals) and the format version; every field
// of WeightNeeds and every fidelity switch changes it.
TEST(ProfileBlob, CacheKeyIsACanonicalDescriptionOfWhatWasComputed) {
  const WeightNeeds needs =
      find_accel("bitvert").weight_needs(design_config("bitvert"), Fidelity::Corrected);
  const std::string key = profile_cache_key("0123abcd", needs, Fidelity::Corrected);
  for (const std::string& part :
       {"profile-v" + std::to_string(kProfileFormatVersion) + "/0123abcd/",
        std::string(R"("steps":"stored-columns")"), std::string(R"("method":"zero-point")"),
        std::string(R"("sensitive_fraction":0.2)"), std::string(R"("lanes":16)")})
    EXPECT_NE(key.find(part), std::string::npos) << part << " not in " << key;
  std::vector<WeightNeeds> variants(9, needs);
  variants[0].pruning.prune.method = PruneMethod::RoundAverage;
  variants[1].pruning.group = 16;
  variants[2].pruning.prune.columns = 2;
  variants[3].pruning.prune.const_bits = 5;
  variants[4].pruning.sensitive_fraction = 0.2000001;
  variants[5].pruning.channel_multiple = 8;
  variants[6].steps = &find_step_rule("bitwave-columns");
  variants[7].steps = nullptr;
  variants[8].lanes = 8;
  std::set<std::string> keys{key, profile_cache_key("0123abcd", needs, Fidelity::BitSim),
                             profile_cache_key("0123abce", needs, Fidelity::Corrected)};
  for (const WeightNeeds& v : variants)
    keys.insert(profile_cache_key("0123abcd", v, Fidelity::Corrected));
  EXPECT_EQ(keys.size(), 12u);
}

// Profile once, evaluate many: every registered design profiled in one batch (designs that prune
// alike share each tensor's analysis) evaluates exactly as when profiled alone.
TEST(ProfileBatch, EveryDesignEvaluatesAsWhenProfiledAlone) {
  Workload w;
  w.network_name = "toy";
  LayerWork body = conv(48, 40, 3, 16, 16), head = linear(100, 24, 4);
  body.name = "body", head.name = "head";
  w.layers = {body, head};
  w.producers = {{-1}, {-1}};
  const std::vector<WeightTensor> tensors{random_weights("body", {40, 48, 3, 3}, 4),
                                          random_weights("head", {24, 100}, 5)};
  const std::vector<const WeightTensor*> per_layer{&tensors[0], &tensors[1]};
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  std::vector<HardwareConfig> configs;
  std::vector<WeightNeeds> needs;
  for (const auto& model : accel_registry()) {
    configs.push_back(design_config(std::string(model->name())));
    needs.push_back(model->weight_needs(configs.back(), Fidelity::Corrected));
  }
  ASSERT_GE(needs.size(), 6u);
  const auto batch = build_profiles(w, per_layer, needs, Fidelity::Corrected, 2);
  ASSERT_EQ(batch.size(), needs.size());
  for (std::size_t d = 0; d < needs.size(); ++d) {
    const AccelModel& model = *accel_registry()[d];
    const auto alone = build_profiles(w, per_layer, needs[d], Fidelity::Corrected, 1);
    const auto a = evaluate_network(model, configs[d], Fidelity::Corrected, w, alone, memory);
    const auto b = evaluate_network(model, configs[d], Fidelity::Corrected, w, batch[d], memory);
    EXPECT_EQ(a.total.total_cycles, b.total.total_cycles) << model.name();
    EXPECT_EQ(a.total.energy_pj(), b.total.energy_pj()) << model.name();
    EXPECT_EQ(a.weight_error.error_sq, b.weight_error.error_sq) << model.name();
    EXPECT_EQ(a.bits_per_weight(), b.bits_per_weight()) << model.name();
  }
}

TEST(Schedule, DetectsAWrongCycleCount) {
  // Pragmatic on {7, 1}: 3 terms for 7 -> 3 cycles; a record claiming 2 would be caught.
  const std::vector<int> w{7, 1}, none{0, 0};
  const std::vector<std::uint8_t> a{10, 20};
  const ScheduleRun run =
      find_accel("pragmatic")
          .run_schedule({w, none, none, a}, stripes_32x16(), Fidelity::Corrected);
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
  for (const DefectSwitch* s : defect_switches())
    EXPECT_EQ(one.on(*s), s->name == "pragmatic-sign-term") << s->name;
  EXPECT_EQ(one.name(), "corrected+pragmatic-sign-term");
  Fidelity all = Fidelity::Corrected;
  for (const DefectSwitch* s : defect_switches()) all.set(*s, true);
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
    const Fidelity f =
        sign ? parse_fidelity("corrected", {"pragmatic-sign-term"}) : Fidelity::Corrected;
    const auto needs = find_accel("pragmatic").weight_needs(hw, f);
    LayerProfile p;
    p.steps = build_step_records(work, w, needs.lanes, *needs.steps);
    EXPECT_DOUBLE_EQ(find_accel("pragmatic").compute(work, p, hw, f).cycles, sign ? 4 : 3);
  }
}

}  // namespace
}  // namespace bbs::accel

// ----- BitSim modes and inputs (yc2367/BitSim sim/sim/bitvert.py, bitwave.py) --------------------
namespace bbs::accel {
namespace {

TEST(StepRecords, BitVertWithoutBbsTakesHalfAGroupOfOnesPerCycle) {
  // 16 lanes -> 8 multipliers. {1, 3, -1}: column 0 has three 1s (1 cycle), column 1 two
  // (1 cycle), columns 2..7 one each (-1 = all ones): 8 cycles.
  EXPECT_EQ(single_group_steps({1, 3, -1}, "zero-skip-columns"), 8);
  // Nine 1s in one column need two cycles; an all-zero group still costs one.
  EXPECT_EQ(single_group_steps({1, 1, 1, 1, 1, 1, 1, 1, 1}, "zero-skip-columns"), 2);
  EXPECT_EQ(single_group_steps({0, 0, 0}, "zero-skip-columns"), 1);
}

TEST(Schedule, BitVertWithoutBbsComputesTheDotProductInTheChargedCycles) {
  const HardwareConfig hw =
      design_config("bitvert", {"pruning.method=none", "bitvert.bidirectional=false"});
  for (const Fidelity fidelity : {Fidelity::BitSim, Fidelity::Corrected}) {
    const Workload w = body_workload();
    const LayerWork& body = w.layers[0];
    const WeightTensor weights = random_weights("body", {40, 48, 3, 3}, 4);
    const auto needs = find_accel("bitvert").weight_needs(hw, fidelity);
    ASSERT_NE(needs.steps, nullptr);
    ASSERT_EQ(needs.steps->name, "zero-skip-columns");
    ScheduleCheck check;
    build_profiles(
        w, {&weights}, needs, fidelity, 1,
        [&](std::size_t, const LayerAnalysis& a, const LayerProfile& p) {
          check.add(check_schedules(find_accel("bitvert"), hw, fidelity, body, p, a.pruned,
                                    a.column_spans, a.group_constants, 100'000, 1));
        });
    EXPECT_GT(check.groups_checked, 100);
    EXPECT_TRUE(check.ok()) << check.first_problem;
  }
}

TEST(BitVert, UnprunedWeightsAreStoredAtEightBitsWithoutChannelIndex) {
  const HardwareConfig hw =
      design_config("bitvert", {"pruning.method=none", "bitvert.bidirectional=false"});
  const Workload w = body_workload();
  const WeightTensor weights = random_weights("body", {40, 48, 3, 3}, 7);
  for (const Fidelity fidelity : {Fidelity::BitSim, Fidelity::Corrected}) {
    const auto profiles = build_profiles(
        w, {&weights}, find_accel("bitvert").weight_needs(hw, fidelity), fidelity, 1);
    EXPECT_DOUBLE_EQ(
        find_accel("bitvert").weight_storage(w.layers[0], profiles[0], hw, fidelity).bytes,
        40.0 * 48 * 9);
  }
}

TEST(BitWave, BitsimRefusesLayersTheReferenceBitFlipCannotGroup) {
  const HardwareConfig hw = design_config("bitwave");
  Workload w;
  LayerWork head = linear(40, 10, 4);  // 400 weights, groups of 32: BitSim's reshape raises
  head.name = "head.proj";
  w.layers = {head};
  w.producers = {{-1}};
  const WeightTensor weights = random_weights("head.proj", {10, 40}, 5);
  const MemoryCosts memory{{109.189, 5.507, 0.789}, {102.430, 5.222, 0.713}};
  for (const Fidelity fidelity : {Fidelity::BitSim, Fidelity::Corrected}) {
    const auto profiles = build_profiles(
        w, {&weights}, find_accel("bitwave").weight_needs(hw, fidelity), fidelity, 1);
    const auto run = [&] {
      evaluate_network(find_accel("bitwave"), hw, fidelity, w, profiles, memory);
    };
    if (fidelity == Fidelity::Corrected) {
      EXPECT_NO_THROW(run());
      continue;
    }
    try {
      run();
      ADD_FAILURE() << "expected the bitsim profile to refuse";
    } catch (const bbs::Error& e) {
      EXPECT_NE(std::string(e.what()).find("layer 'head.proj': 400 weights are not a multiple of "
                                           "BitWave's bit-flip group of 32"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(SensitiveChannels, BitSimKeysStripACharacterSet) {
  // bitvert.py:104-107: name.rstrip('.conv') when 'conv' is in the name.
  EXPECT_EQ(bitsim_channel_key("stem.conv"), "stem");
  EXPECT_EQ(bitsim_channel_key("features.conv"), "features");
  EXPECT_EQ(bitsim_channel_key("layer1.0.conv1"), "layer1.0.conv1");
  EXPECT_EQ(bitsim_channel_key("conv.conv"), "");
  EXPECT_EQ(bitsim_channel_key("blocks.0.mlp.fc1"), "blocks.0.mlp.fc1");
  EXPECT_EQ(bitsim_channel_key("/layer1/Conv"), "/layer1/Conv");  // 'conv' is case-sensitive
}

SensitiveChannelFile channel_file(
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> l) {
  return {"chan.json", std::move(l)};
}

std::vector<LayerWork> two_layers() {
  LayerWork a = conv(8, 40, 3, 8, 8), b = linear(40, 10, 1);
  a.name = "stem.conv", b.name = "fc";
  return {a, b};
}

TEST(SensitiveChannels, BitsimLooksUpBitSimKeysAndIgnoresTheRest) {
  const auto masks = resolve_sensitive_channels(
      channel_file({{"stem", {0, 39}}, {"stem.conv", {1}}, {"other", {3}}}), two_layers(),
      Fidelity::BitSim);
  ASSERT_EQ(masks.size(), 2u);
  ASSERT_EQ(masks[0].size(), 40u);
  EXPECT_TRUE(masks[0][0] && masks[0][39] && !masks[0][1]);
  EXPECT_TRUE(masks[1].empty());  // absent key: no sensitive channels (r_h = 0)
}

TEST(SensitiveChannels, CorrectedUsesLayerNamesAndRefusesUnknownOnes) {
  const auto masks = resolve_sensitive_channels(channel_file({{"stem.conv", {1}}, {"fc", {}}}),
                                                two_layers(), Fidelity::Corrected);
  EXPECT_TRUE(masks[0][1]);
  EXPECT_EQ(masks[1], std::vector<bool>(10, false));
  const auto fails = [](SensitiveChannelFile f, Fidelity fidelity, const std::string& text) {
    try {
      resolve_sensitive_channels(f, two_layers(), fidelity);
      return ::testing::AssertionFailure() << "no error";
    } catch (const bbs::Error& e) {
      if (std::string(e.what()).find(text) != std::string::npos)
        return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << e.what();
    }
  };
  EXPECT_TRUE(fails(channel_file({{"stem", {1}}}), Fidelity::Corrected,
                    "chan.json: key 'stem' names no layer of the network"));
  EXPECT_TRUE(fails(channel_file({{"fc", {10}}}), Fidelity::Corrected,
                    "chan.json: key 'fc' (layer 'fc'): channel 10 is outside 0..9"));
  EXPECT_TRUE(fails(channel_file({{"stem", {2, 2}}}), Fidelity::BitSim,
                    "chan.json: key 'stem' (layer 'stem.conv'): channel 2 given twice"));
}

TEST(SensitiveChannels, FileErrorsNameFileAndKey) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "bbs_sensitive_test";
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const auto good = read_sensitive_channels(write("good.json", R"({"b": [3, 1], "a": []})"));
  ASSERT_EQ(good.layers.size(), 2u);
  EXPECT_EQ(good.layers[0].first, "b");
  EXPECT_EQ(good.layers[0].second, (std::vector<std::int64_t>{3, 1}));
  const auto message = [&](const std::string& name, const std::string& text) {
    try {
      read_sensitive_channels(write(name, text));
    } catch (const bbs::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("bad.json", "{").find("bad.json: not valid JSON"), std::string::npos);
  EXPECT_NE(message("list.json", "[1]").find("list.json: expected a JSON object"),
            std::string::npos);
  EXPECT_NE(message("float.json", R"({"fc": [1.5]})")
                .find("float.json: key 'fc': channel index 1.5 is not an integer >= 0"),
            std::string::npos);
  EXPECT_NE(message("neg.json", R"({"fc": [-1]})").find("key 'fc': channel index -1"),
            std::string::npos);
  EXPECT_NE(message("str.json", R"({"fc": "0,1"})").find("key 'fc': expected a list"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

// In corrected the given channels replace Algorithm 2's choice; the bitsim profile's r_h counts
// them. Designs without sensitive channels ignore the file (after checking it).
TEST(SensitiveChannels, GivenChannelsReplaceAlgorithmTwo) {
  const HardwareConfig hw = design_config("bitvert");  // zero-point, 4 columns, 20 %
  Workload w = body_workload();
  const WeightTensor weights = random_weights("body", {40, 48, 3, 3}, 6);
  const auto sensitive = [&](Fidelity fidelity) {
    return build_profiles(w, {&weights}, find_accel("bitvert").weight_needs(hw, fidelity), fidelity,
                          1)[0]
        .sensitive_channels;
  };
  EXPECT_EQ(sensitive(Fidelity::Corrected), 32);  // Algorithm 2: 20 % of 40 -> a multiple of 32
  w.sensitive_channels =
      std::make_shared<const SensitiveChannelFile>(channel_file({{"body", {1, 5, 7}}}));
  EXPECT_EQ(sensitive(Fidelity::Corrected), 3);
  EXPECT_EQ(sensitive(Fidelity::BitSim), 3);
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const auto profiles = build_profiles(
      w, {&weights}, find_accel("bitvert").weight_needs(hw, Fidelity::BitSim), Fidelity::BitSim, 1);
  const auto cost =
      evaluate_network(find_accel("bitvert"), hw, Fidelity::BitSim, w, profiles, memory);
  const double tiles = cost.layers[0].compute.tiles;
  EXPECT_DOUBLE_EQ(cost.layers[0].compute.cycles, tiles * (3.0 / 40 * 8 + 37.0 / 40 * 4));
  w.sensitive_channels =
      std::make_shared<const SensitiveChannelFile>(channel_file({{"nobody", {1}}}));
  EXPECT_THROW(sensitive(Fidelity::Corrected), bbs::Error);
  EXPECT_EQ(sensitive(Fidelity::BitSim), 0);  // absent key: r_h = 0
}

}  // namespace
}  // namespace bbs::accel
