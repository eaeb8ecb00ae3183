// The tables behind `bbs-dse networks` and `bbs-dse show`.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/cmd_networks.hpp"
#include "tests/networks/net_test_util.hpp"

namespace bbs::app {
namespace {

TEST(CmdNetworks, ZooTableHasEveryNetwork) {
  const std::vector<Table> tables = networks_report();
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].rows().size(), networks::zoo().size());
  EXPECT_EQ(std::get<std::string>(tables[0].rows()[0][0]), "vgg16");
  EXPECT_EQ(std::get<std::int64_t>(tables[0].rows()[0][4]), 138'357'544);
}

TEST(CmdNetworks, ShowSaysWhenWeightsAreSynthetic) {
  networks::test::ScratchDir dir;
  ShowOptions options;
  options.network = "cifar10_resnet20";
  options.dot = dir / "net.dot";
  const std::vector<Table> tables = show_report(options);
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(std::get<bool>(tables[0].rows()[0][9]), true);
  const auto& first_conv = tables[1].rows()[1];
  EXPECT_EQ(std::get<std::string>(first_conv[1]), "conv1.weight");
  EXPECT_EQ(std::get<std::string>(first_conv[11]), "synthetic");
  std::ifstream dot(dir / "net.dot");
  std::stringstream text;
  text << dot.rdbuf();
  EXPECT_NE(text.str().find("layer3.2.conv2.weight"), std::string::npos);
}

TEST(CmdNetworks, ShowWithRealWeights) {
  const auto data = networks::test::data_dir();
  if (!data) GTEST_SKIP();
  ShowOptions options;
  options.network = "cifar10_resnet20";
  options.weights = *data / "weights" / "cifar10_resnet20.safetensors";
  const std::vector<Table> tables = show_report(options);
  EXPECT_EQ(std::get<bool>(tables[0].rows()[0][9]), false);
  EXPECT_EQ(std::get<std::string>(tables[1].rows()[1][11]), "conv1.weight");
}

}  // namespace
}  // namespace bbs::app
