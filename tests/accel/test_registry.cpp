// Every registered design, whatever it is, gets the same checks: a built-in preset named after it
// that validates, a section in docs/models.md, sourced parameters in its own TOML section, and
// both profiles on a small network and through the command line (`bbs-dse simulate --accel X`);
// the bit-level schedule check is EveryDesign in test_accel.cpp. No test lists design names: a
// new design is covered by registering it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "model/accel/accel_model.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/profile_builder.hpp"
#include "networks/tensor.hpp"
#include "tests/accel/accel_test_util.hpp"

namespace bbs::accel {
namespace {

namespace fs = std::filesystem;
using test::random_weights;

std::vector<std::string> registered_designs() {
  std::vector<std::string> names;
  for (const auto& model : accel_registry()) names.emplace_back(model->name());
  return names;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Registry, HoldsDesignsAndRefusesUnknownNames) {
  EXPECT_GE(accel_registry().size(), 6u);  // registration survived static linking
  for (const auto& model : accel_registry()) EXPECT_EQ(&find_accel(model->name()), model.get());
  EXPECT_THROW(find_accel("tpu"), bbs::Error);
}

TEST(Registry, EveryPresetRunsARegisteredDesign) {
  for (const std::string& preset : hardware_designs())
    EXPECT_NO_THROW(find_accel(load_hardware(preset, std::nullopt, {}).design)) << preset;
}

class RegisteredDesign : public ::testing::TestWithParam<std::string> {};

TEST_P(RegisteredDesign, HasAValidPresetNamedAfterIt) {
  const std::vector<std::string> presets = hardware_designs();
  ASSERT_NE(std::find(presets.begin(), presets.end(), GetParam()), presets.end())
      << "no data/hw/" << GetParam() << ".toml";
  const HardwareConfig hw = load_hardware(GetParam(), std::nullopt, {});
  EXPECT_EQ(hw.design, GetParam());
  for (const auto& [key, value] : hardware_settings(hw)) {
    const auto source = hw.sources.find(key);
    ASSERT_NE(source, hw.sources.end()) << key;
    EXPECT_FALSE(source->second.empty()) << key;
  }
}

TEST_P(RegisteredDesign, HasASectionInTheModelsDoc) {
  const std::string docs = read_text(fs::path(BBS_TEST_DATA_DIR).parent_path() / "docs/models.md");
  ASSERT_FALSE(docs.empty());
  EXPECT_NE(docs.find("\n## `" + GetParam() + "`"), std::string::npos)
      << "docs/models.md has no section '## `" << GetParam() << "`'";
}

TEST_P(RegisteredDesign, ParametersLiveInItsOwnSectionWithSources) {
  const AccelModel& model = find_accel(GetParam());
  HardwareConfig hw = load_hardware(GetParam(), std::nullopt, {});
  const auto settings = hardware_settings(hw);
  for (const DesignParameter& p : model.parameters()) {
    EXPECT_TRUE(p.key.starts_with(GetParam() + ".")) << p.key;
    EXPECT_FALSE(p.source.empty()) << p.key;
    EXPECT_NE(std::find_if(settings.begin(), settings.end(),
                           [&](const auto& s) { return s.first == p.key; }),
              settings.end())
        << p.key;
  }
}

// A 3x3 conv 48 -> 64 at 16x16 and a 1024 -> 96 linear, on the design's preset bound to the
// network, in both profiles: the costs pass the invariants (evaluate_network checks them) and are
// positive. Where the reference simulator itself gives no result, the bitsim profile may refuse,
// but only with an error that points to the corrected profile.
TEST_P(RegisteredDesign, EvaluatesASmallNetworkInBothProfiles) {
  const AccelModel& model = find_accel(GetParam());
  Workload w;
  w.network_name = "small";
  const HardwareConfig hw = model.for_network(load_hardware(GetParam(), std::nullopt, {}), "small");
  LayerWork body;
  body.name = "body", body.is_conv = true, body.in_channels = 48, body.out_channels = 64;
  body.kernel_h = body.kernel_w = 3, body.in_h = body.in_w = 16, body.out_h = body.out_w = 16;
  LayerWork head;
  head.name = "head", head.in_channels = 1024, head.out_channels = 96, head.tokens = 1;
  w.layers = {body, head};
  w.producers = {{-1}, {-1}};
  const std::vector<WeightTensor> tensors{random_weights("body", {64, 48, 3, 3}, 1),
                                          random_weights("head", {96, 1024}, 2)};
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  for (const Fidelity fidelity : {Fidelity::BitSim, Fidelity::Corrected}) {
    SCOPED_TRACE(fidelity.name());
    const auto evaluate = [&] {
      const auto profiles = build_profiles(w, {&tensors[0], &tensors[1]},
                                           model.weight_needs(hw, fidelity), fidelity, 1);
      return evaluate_network(model, hw, fidelity, w, profiles, memory);
    };
    if (fidelity == Fidelity::BitSim) {
      try {
        evaluate();
      } catch (const bbs::Error& refusal) {
        EXPECT_NE(std::string(refusal.what()).find("--profile corrected"), std::string::npos)
            << refusal.what();
        continue;
      }
    }
    const NetworkCost cost = evaluate();
    EXPECT_GT(cost.total.total_cycles, 0);
    EXPECT_GT(cost.total.energy_pj(), 0);
    EXPECT_EQ(cost.design, GetParam());
  }
}

// `bbs-dse simulate --accel NAME` (the design's own preset) in both profiles, with the schedule
// check on: exit 0 and JSON naming the design, or, where the design cannot answer in a profile,
// exit 2 with an error (never a crash).
TEST_P(RegisteredDesign, RoundTripsThroughTheCommandLine) {
  const fs::path out = fs::temp_directory_path() / ("bbs_registry_" + GetParam() + ".json");
  for (const std::string profile : {"bitsim", "corrected"}) {
    const std::string command =
        std::string(BBS_TEST_DSE_EXE) + " simulate --network cifar10_resnet20 --check 64 --accel " +
        GetParam() + " --profile " + profile + " --format json > " + out.string() + " 2>&1";
    const int status = std::system(command.c_str());
    const std::string text = read_text(out);
    ASSERT_TRUE(WIFEXITED(status)) << command;
    if (profile == "corrected") {
      EXPECT_EQ(WEXITSTATUS(status), 0) << command << "\n" << text;
    }
    if (WEXITSTATUS(status) == 0) {
      EXPECT_NE(text.find("\"design\": \"" + GetParam() + "\""), std::string::npos) << text;
      EXPECT_NE(text.find("\"schedule_check_ok\": true"), std::string::npos) << text;
    } else {
      EXPECT_EQ(WEXITSTATUS(status), 2) << command << "\n" << text;
      EXPECT_NE(text.find("error:"), std::string::npos) << text;
    }
  }
  fs::remove(out);
}

INSTANTIATE_TEST_SUITE_P(Designs, RegisteredDesign, ::testing::ValuesIn(registered_designs()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace bbs::accel
