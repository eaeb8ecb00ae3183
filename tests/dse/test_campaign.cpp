// Campaign specs and the design space: parsing, errors with file:line:key, deterministic
// enumeration, random sampling and sharding.
#include <gtest/gtest.h>

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
  ASSERT_EQ(c.designs.size(), 2u);
  ASSERT_EQ(c.designs[1].axes.size(), 3u);  // axes in key order: cols, rows, capacity
  EXPECT_EQ(c.designs[1].axes[0].values, (std::vector<std::string>{"8", "16", "24"}));
  EXPECT_EQ(c.designs[1].axes[1].key, "array.rows");
  EXPECT_EQ(c.designs[1].axes[2].values, (std::vector<std::string>{"128", "256", "512"}));
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
  // 7 benchmarks x 6 presets, plus the Fig. 14 sweep on BERT-MRPC: 5 designs x 4 row counts.
  EXPECT_EQ(DesignSpace(builtin_campaign("paper")).size(), 7 * 6 + 5 * 4);
  EXPECT_THROW(builtin_campaign("nope"), Error);
}

}  // namespace
}  // namespace bbs::dse
