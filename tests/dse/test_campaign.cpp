// Campaign specs and the design space: parsing, errors with file:line:key, deterministic
// enumeration, random sampling and sharding.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "dse/campaign.hpp"
#include "dse/design_space.hpp"
#include "model/accel/hardware_config.hpp"
#include "networks/tensor.hpp"
#include "tests/test_util.hpp"

namespace bbs::dse {
namespace {

constexpr const char* kSpec = R"(name = "demo"
objectives = ["latency", "edp"]
[[workload]]
network = "resnet50"
[[workload]]
network = "bert_base_mrpc"
seq_len = 64
sensitive_channels = "bert_channels.json"
[[design]]
accel = "stripes"
[[design]]
accel = "bitvert"
set = ["pruning.columns=4"]
[design.axes]
"array.rows" = [16, 32]
"array.cols" = { range = [8, 24], step = 8 }
"weight_sram.capacity_kib" = { log2_range = [128, 512] }
[strategy]
kind = "random"
samples = 10
seed = 3
)";

// Relative file paths resolve against the campaign file's folder, not the working directory
// (issue 12); zoo names and absolute paths are kept, design workload lists follow.
TEST(Campaign, FilePathsAreRelativeToTheCampaignFolder) {
  const test::TempDir dir;
  std::filesystem::create_directories(dir / "study");
  const auto path = dir.write("study/c.toml", R"(name = "paths"
[[workload]]
network = "models/net.onnx"
weights = "../weights/w.safetensors"
[[workload]]
network = "resnet50"
weights = "/abs/w.npy"
[[design]]
accel = "stripes"
workloads = ["models/net.onnx"]
)");
  const CampaignSpec c = load_campaign(path);
  const std::string study = (dir / "study").string();
  EXPECT_EQ(c.workloads[0].network, study + "/models/net.onnx");
  EXPECT_EQ(c.workloads[0].weights, (dir / "weights/w.safetensors").string());
  EXPECT_EQ(c.workloads[1].network, "resnet50");
  EXPECT_EQ(c.workloads[1].weights, "/abs/w.npy");
  EXPECT_EQ(c.designs[0].workloads, std::vector<std::string>{study + "/models/net.onnx"});
}

TEST(Campaign, ParsesWorkloadsDesignsAxesAndStrategy) {
  const CampaignSpec c = parse_campaign(kSpec, "demo.toml");
  EXPECT_EQ(c.name, "demo");
  ASSERT_EQ(c.workloads.size(), 2u);
  EXPECT_EQ(c.workloads[1].sequence_length, 64);
  EXPECT_EQ(c.workloads[0].sensitive_channels, "");
  EXPECT_EQ(c.workloads[1].sensitive_channels, "bert_channels.json");
  ASSERT_EQ(c.designs.size(), 2u);
  ASSERT_EQ(c.designs[1].axes.size(), 3u);  // axes in key order: cols, rows, capacity
  const auto values = [](const Axis& axis) {
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < axis.size(); ++i) out.push_back(axis.value(i));
    return out;
  };
  EXPECT_EQ(values(c.designs[1].axes[0]), (std::vector<std::string>{"8", "16", "24"}));
  EXPECT_EQ(c.designs[1].axes[1].key, "array.rows");
  EXPECT_EQ(values(c.designs[1].axes[2]), (std::vector<std::string>{"128", "256", "512"}));
  EXPECT_EQ(c.strategy.kind, StrategyKind::Random);
  EXPECT_EQ(c.hash.size(), 16u);
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    parse_campaign(text, "bad.toml");
    ADD_FAILURE() << "no error for: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Campaign, ErrorsNameTheFileLineAndKey) {
  expect_error("name = \"x\"\n[[workload]]\nnetwrk = \"resnet50\"\n",
               "bad.toml:3: key 'workload[0].netwrk' is unknown");
  expect_error("name = \"x\"\n[[workload]]\nnetwork = 5\n[[design]]\naccel=\"stripes\"\n",
               "bad.toml:3: key 'workload[0].network' expects a string");
  expect_error("name = \"x\"\n[[workload]]\nnetwork = \"resnet50\"\n", "key 'design' is missing");
  expect_error("name = = \"x\"\n", "bad.toml:1:");
  expect_error(std::string(kSpec) + "\n[constraints]\nmax_area = 3\n",
               "key 'constraints.max_area' is unknown");
  expect_error(
      "name = \"x\"\nobjectives = [\"speed\"]\n[[workload]]\nnetwork = \"a\"\n"
      "[[design]]\naccel = \"stripes\"\n",
      "has 'speed'");
}

// One design of `axes` (TOML lines under [design.axes]) and a strategy.
std::string spec_with(const std::string& axes, const std::string& strategy = "") {
  return "name = \"x\"\n[[workload]]\nnetwork = \"resnet50\"\n[[design]]\naccel = \"bitvert\"\n"
         "[design.axes]\n" +
         axes + strategy;
}

// Before: these ended in "internal error" (bad_alloc, vector length) or ran out of memory.
TEST(Campaign, HugeAndOverflowingRangesAreCountedNotBuilt) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const CampaignSpec wide =
      parse_campaign(spec_with("\"array.rows\" = { range = [1, 1000000000] }\n"), "big.toml");
  EXPECT_EQ(wide.designs[0].axes[0].size(), 1'000'000'000);
  EXPECT_EQ(wide.designs[0].axes[0].value(999'999'999), "1000000000");
  const CampaignSpec to_max = parse_campaign(
      spec_with("\"array.rows\" = { range = [1, " + std::to_string(max) + "] }\n"), "big.toml");
  EXPECT_EQ(to_max.designs[0].axes[0].size(), max);
  EXPECT_EQ(to_max.designs[0].axes[0].value(max - 1), std::to_string(max));
  const CampaignSpec doubling = parse_campaign(
      spec_with("\"array.rows\" = { log2_range = [1, " + std::to_string(max) + "] }\n"),
      "big.toml");
  EXPECT_EQ(doubling.designs[0].axes[0].size(), 63);  // 2^0 .. 2^62
  EXPECT_EQ(doubling.designs[0].axes[0].value(62), std::to_string(std::int64_t(1) << 62));
  expect_error(spec_with("\"array.rows\" = { range = [" +
                         std::to_string(std::numeric_limits<std::int64_t>::min()) + ", " +
                         std::to_string(max) + "] }\n"),
               "bad.toml:7: key 'design[0].axes.array.rows' has 18446744073709551615 + 1 values");

  // A product of axes beyond 2^63 names the axis that overflows.
  try {
    const CampaignSpec c =
        parse_campaign(spec_with("\"array.cols\" = { range = [1, " + std::to_string(max) +
                                 "] }\n\"array.rows\" = [1, 2]\n"),
                       "big.toml");
    const DesignSpace space(c);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("big.toml:8: key 'design[0].axes.array.rows' makes the "
                                         "design space larger than 2^63 - 1 points"),
              std::string::npos)
        << e.what();
  }

  // 10^12 points: a grid is refused before anything is allocated, a sample of it is drawn.
  const std::string trillion =
      "\"array.cols\" = { range = [1, 1000000] }\n\"array.rows\" = { range = [1, 1000000] }\n";
  const CampaignSpec grid = parse_campaign(spec_with(trillion), "big.toml");
  const DesignSpace grid_space(grid);
  EXPECT_EQ(grid_space.size(), 1'000'000'000'000);
  try {
    planned_points(grid_space, grid.strategy, Shard{});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("would evaluate 1000000000000; expected at most 1000000"),
              std::string::npos)
        << e.what();
  }
  const CampaignSpec sampled = parse_campaign(
      spec_with(trillion, "[strategy]\nkind = \"random\"\nsamples = 5\n"), "big.toml");
  const DesignSpace sampled_space(sampled);
  const auto points = planned_points(sampled_space, sampled.strategy, Shard{});
  ASSERT_EQ(points.size(), 5u);
  EXPECT_LT(points.back(), sampled_space.size());
  EXPECT_EQ(sampled_space.at(sampled_space.size() - 1).key,
            "accel=bitvert;array.cols=1000000;array.rows=1000000");
}

// Before: each of these was accepted, and did something else than written.
TEST(Campaign, ContradictoryOrMeaninglessSettingsAreRefused) {
  expect_error(spec_with("\"array.rows\" = { range = [1, 8], log2_range = [1, 8] }\n"),
               "bad.toml:7: key 'design[0].axes.array.rows' has both range and log2_range");
  expect_error(spec_with("\"array.rows\" = { log2_range = [1, 8], step = 2 }\n"),
               "key 'design[0].axes.array.rows.step' does not apply to log2_range");
  for (const char* population : {"0", "-3", "1"})
    expect_error(spec_with("\"array.rows\" = [1]\n", std::string("[strategy]\nkind = \"nsga2\"\n"
                                                                 "population = ") +
                                                         population + "\n"),
                 "bad.toml:10: key 'strategy.population' is " + std::string(population) +
                     "; expected 2 to 100000");
  expect_error(spec_with("\"array.rows\" = [1]\n", "[strategy]\ngenerations = -1\n"),
               "key 'strategy.generations' is -1");
  expect_error(spec_with("\"array.rows\" = [1]\n", "[constraints]\nmax_area_mm2 = nan\n"),
               "bad.toml:9: key 'constraints.max_area_mm2' is nan; expected a finite number > 0");
  expect_error(spec_with("\"array.rows\" = [1]\n", "[constraints]\nmax_power_w = -inf\n"),
               "key 'constraints.max_power_w' is -inf");
  expect_error(spec_with("\"array.rows\" = [1]\n", "[constraints]\niso_multipliers = 0\n"),
               "key 'constraints.iso_multipliers' is 0");
  for (const char* shard : {"1/3/5", "1/3x", "x1/3", "1/", "/3", "+1/3", "1/ 3"}) {
    try {
      Shard::parse(shard);
      ADD_FAILURE() << "accepted --shard " << shard;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("expected K/N"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(Shard::parse("2/8").index, 2);
  EXPECT_EQ(Shard::parse("2/8").count, 8);
}

TEST(Campaign, AccuracyProxiesAreObjectives) {
  const CampaignSpec c =
      parse_campaign("objectives = [\"weight_sqnr_db\", \"bits_per_weight\", \"latency\"]\n" +
                         spec_with("\"array.rows\" = [1]\n"),
                     "ok.toml");
  EXPECT_EQ(c.objectives.size(), 3u);
}

TEST(DesignSpace, EnumeratesEveryCombinationOnceInAFixedOrder) {
  const CampaignSpec c = parse_campaign(kSpec, "demo.toml");
  const DesignSpace space(c);
  EXPECT_EQ(space.size(), 2 * (1 + 2 * 3 * 3));
  std::set<std::pair<std::size_t, std::string>> keys;
  for (std::int64_t i = 0; i < space.size(); ++i) {
    const DesignPoint p = space.at(i);
    keys.insert({p.workload, p.key});
  }
  EXPECT_EQ(std::int64_t(keys.size()), space.size());
  const DesignPoint first_bitvert = space.at(1);
  EXPECT_EQ(first_bitvert.key,
            "accel=bitvert;array.cols=8;array.rows=16;pruning.columns=4;"
            "weight_sram.capacity_kib=128");
  EXPECT_EQ(space.at(2).sets.back(), "weight_sram.capacity_kib=256");  // last axis fastest
  EXPECT_EQ(space.at(19).workload, 1u);
  EXPECT_THROW(space.at(space.size()), Error);
}

TEST(DesignSpace, ADesignLimitedToSomeWorkloadsHasPointsOnlyThere) {
  const std::string spec = std::string(kSpec) +
                           "[[design]]\naccel = \"bitlet\"\nworkloads = [\"bert_base_mrpc\"]\n"
                           "[design.axes]\n\"array.rows\" = [2, 4]\n";
  const CampaignSpec c = parse_campaign(spec, "demo.toml");
  const DesignSpace space(c);
  EXPECT_EQ(space.size(), 2 * (1 + 2 * 3 * 3) + 2);
  EXPECT_FALSE(space.first_ordinal(0, 2).has_value());
  ASSERT_TRUE(space.first_ordinal(1, 2).has_value());
  EXPECT_EQ(*space.first_ordinal(1, 0), 19);
  EXPECT_EQ(*space.first_ordinal(1, 2), space.size() - 2);
  std::set<std::string> bitlet_keys;
  for (std::int64_t i = 0; i < space.size(); ++i)
    if (const DesignPoint p = space.at(i); p.accel == "bitlet") {
      EXPECT_EQ(p.workload, 1u);
      bitlet_keys.insert(p.key);
    }
  EXPECT_EQ(bitlet_keys,
            (std::set<std::string>{"accel=bitlet;array.rows=2", "accel=bitlet;array.rows=4"}));
  expect_error(std::string(kSpec) + "[[design]]\naccel = \"bitlet\"\nworkloads = [\"vgg16\"]\n",
               "key 'design[2].workloads' names 'vgg16', which is not the network of any");
}

TEST(DesignSpace, RandomSamplingIsSeededAndShardsPartitionIt) {
  const CampaignSpec c = parse_campaign(kSpec, "demo.toml");
  const DesignSpace space(c);
  const auto all = planned_points(space, c.strategy, Shard{});
  EXPECT_EQ(all.size(), 10u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(all, planned_points(space, c.strategy, Shard{}));  // same seed, same points
  Strategy other = c.strategy;
  other.seed = 4;
  EXPECT_NE(all, planned_points(space, other, Shard{}));
  std::vector<std::int64_t> joined;
  for (int k = 1; k <= 3; ++k) {
    const auto part = planned_points(space, c.strategy, Shard::parse(std::to_string(k) + "/3"));
    joined.insert(joined.end(), part.begin(), part.end());
  }
  std::sort(joined.begin(), joined.end());
  EXPECT_EQ(joined, all);
  EXPECT_THROW(Shard::parse("4/3"), Error);
  EXPECT_THROW(Shard::parse("two"), Error);
}

TEST(Campaign, BuiltInCampaignsLoadAndEveryPointIsAValidHardwareConfig) {
  for (const auto& name : builtin_campaigns()) {
    const CampaignSpec c = builtin_campaign(name);
    const DesignSpace space(c);
    EXPECT_GT(space.size(), 0) << name;
    for (std::int64_t i = 0; i < space.size(); ++i) {
      const DesignPoint p = space.at(i);
      EXPECT_NO_THROW(accel::load_hardware(p.accel, std::nullopt, p.sets)) << p.key;
    }
  }
  // 7 benchmarks x 8 presets (Figs. 12-13: Stripes, Pragmatic, Bitlet, BitWave, BitVert x 2,
  // SparTen, ANT), plus the Fig. 14 sweep on BERT-MRPC: 5 designs x 4 row counts.
  EXPECT_EQ(DesignSpace(builtin_campaign("paper")).size(), 7 * 8 + 5 * 4);
  EXPECT_THROW(builtin_campaign("nope"), Error);
}

}  // namespace
}  // namespace bbs::dse
