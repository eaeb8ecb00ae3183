// HardwareConfig from the built-in presets, a user TOML file and --set overrides; the error
// messages name the file, line and key.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "model/accel/hardware_config.hpp"
#include "model/tech/sram_table.hpp"
#include "tests/tech/tech_test_util.hpp"

namespace bbs::accel {
namespace {

using tech::test::TempDir;
using tech::test::throws_error;

HardwareConfig preset(std::string_view design) { return load_hardware(design, std::nullopt, {}); }

// The presets are the files of data/hw, sorted (each registered design's own preset is checked in
// tests/accel/test_registry.cpp).
TEST(HardwarePresets, ListsTheBuiltInDesigns) {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(BBS_TEST_DATA_DIR) / "hw"))
    if (entry.path().extension() == ".toml") files.push_back(entry.path().stem().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(hardware_designs(), files);
  EXPECT_GE(files.size(), 7u);
}

// A design's own setting as text ("" if the config's design has no such key).
std::string setting(const HardwareConfig& config, const std::string& key) {
  for (const auto& [k, value] : hardware_settings(config))
    if (k == key) return value;
  return "";
}

TEST(HardwarePresets, EveryPresetLoadsValidatesAndSourcesEveryKey) {
  for (const std::string& design : hardware_designs()) {
    SCOPED_TRACE(design);
    const HardwareConfig config = preset(design);
    EXPECT_NO_THROW(validate(config));
    for (const auto& [key, value] : hardware_settings(config)) {
      const auto source = config.sources.find(key);
      ASSERT_NE(source, config.sources.end()) << key;
      EXPECT_FALSE(source->second.empty()) << key;
    }
  }
}

// The paper's equal-multiplier rule (4096 bit-serial multipliers), or a preset that follows its
// source's array instead says so where it sources the array's rows.
TEST(HardwarePresets, AllHaveTheIsoMultiplierCountOrSayWhyNot) {
  for (const std::string& design : hardware_designs()) {
    const HardwareConfig config = preset(design);
    if (config.bit_serial_multipliers() != 4096) {
      EXPECT_NE(config.sources.at("array.rows").find("not iso-multiplier"), std::string::npos)
          << design << ": " << config.bit_serial_multipliers() << " bit-serial multipliers";
    }
  }
}

TEST(HardwarePresets, CarryTheBitSimConstants) {
  const HardwareConfig stripes = preset("stripes");
  EXPECT_EQ(stripes.design, "stripes");
  EXPECT_EQ(stripes.pe_rows * stripes.pe_cols * stripes.lanes, 4096);
  EXPECT_DOUBLE_EQ(stripes.energy.pe_pj_per_cycle, 0.28125 * 1.5);
  EXPECT_DOUBLE_EQ(stripes.energy.weight_reg_pj_per_row_cycle, 0.46 * 1.5);
  EXPECT_DOUBLE_EQ(stripes.energy.act_reg_pj_per_col_tile, (0.53 + 0.072625) * 1.5);
  EXPECT_DOUBLE_EQ(stripes.pe_area_um2, 532.8);
  EXPECT_EQ(stripes.weight_sram.capacity_bytes, 288 * 1024);
  EXPECT_EQ(stripes.weight_sram.access_bits(), 16 * 16 * 8);  // H banks x G*8 bits

  const HardwareConfig bitwave = preset("bitwave");
  EXPECT_EQ(bitwave.pruning.prune.method, PruneMethod::BitFlip);
  EXPECT_EQ(bitwave.pruning.prune.columns, 3);
  EXPECT_DOUBLE_EQ(bitwave.energy.pe_pj_per_cycle, 0.2475 * 1.5 * 1.1);
  EXPECT_DOUBLE_EQ(bitwave.energy.scheduler_pj_per_cycle, 128 * 0.06575 * 1.5);
  EXPECT_EQ(bitwave.weight_sram.access_bits(), 1024);

  const HardwareConfig moderate = preset("bitvert");
  const HardwareConfig conservative = preset("bitvert-cons");
  EXPECT_EQ(conservative.design, "bitvert");
  EXPECT_EQ(moderate.pruning.prune.method, PruneMethod::ZeroPoint);
  EXPECT_EQ(moderate.pruning.prune.columns, 4);
  EXPECT_DOUBLE_EQ(moderate.pruning.sensitive_fraction, 0.2);
  EXPECT_EQ(conservative.pruning.prune.method, PruneMethod::RoundAverage);
  EXPECT_EQ(conservative.pruning.prune.columns, 2);
  EXPECT_DOUBLE_EQ(conservative.pruning.sensitive_fraction, 0.1);

  const HardwareConfig parallel = preset("bit-parallel");
  EXPECT_DOUBLE_EQ(parallel.energy.pe_pj_per_cycle, 0.0);
  EXPECT_TRUE(parallel.sources.at("energy.pe_pj_per_cycle").starts_with("no source"));
  EXPECT_TRUE(parallel.sources.at("area.pe_um2").starts_with("no source"));
}

// BitSim's own buffers are exact CACTI rows; only the bit-parallel weight SRAM is interpolated.
TEST(HardwarePresets, EverySramHasACost) {
  for (const std::string& design : hardware_designs()) {
    const HardwareConfig config = preset(design);
    for (const SramSpec* spec : {&config.weight_sram, &config.act_sram}) {
      const tech::SramCost cost = tech::SramTable::builtin().cost(*spec, config.tech_nm);
      EXPECT_GT(cost.read_pj, 0) << design;
      const bool interpolated = cost.source.starts_with("interpolated");
      EXPECT_EQ(interpolated, design == "bit-parallel" && spec == &config.weight_sram)
          << design << ": " << cost.source;
    }
  }
}

TEST(HardwareOverrides, UserFileThenSetOverrideThePreset) {
  const TempDir dir;
  const auto file = dir.write("my.toml",
                              "# a smaller BitVert\n"
                              "[array]\n"
                              "rows = 16\n"
                              "cols = 8\n"
                              "[weight_sram]\n"
                              "capacity_kib = 512\n"
                              "[sources]\n"
                              "array.cols = \"my floorplan\"\n");
  const HardwareConfig config = load_hardware(
      "bitvert", file, {"array.cols=4", "clock_mhz=1000.5", "pruning.method=round-avg"});
  EXPECT_EQ(config.design, "bitvert");
  EXPECT_EQ(config.pe_rows, 16);
  EXPECT_EQ(config.pe_cols, 4);
  EXPECT_EQ(config.weight_sram.capacity_bytes, 512 * 1024);
  EXPECT_EQ(config.weight_sram.banks, 32);  // untouched keys keep the preset
  EXPECT_DOUBLE_EQ(config.clock_mhz, 1000.5);
  EXPECT_EQ(config.pruning.prune.method, PruneMethod::RoundAverage);
  EXPECT_EQ(config.sources.at("array.rows"), file.string() + ":3");
  EXPECT_EQ(config.sources.at("weight_sram.capacity_kib"), file.string() + ":6");
  EXPECT_EQ(config.sources.at("array.cols"), "--set array.cols=4");
  EXPECT_EQ(config.sources.at("clock_mhz"), "--set clock_mhz=1000.5");
  // A key the preset leaves at its default keeps the default's source.
  EXPECT_TRUE(config.sources.at("array.lanes").starts_with("yc2367/BitSim sim/sim/stripes.py"));
}

TEST(HardwareOverrides, FileSourcesNameTheirValues) {
  const TempDir dir;
  const auto file =
      dir.write("s.toml", "[array]\nrows = 8\n[sources]\n\"array.rows\" = \"mine\"\n");
  EXPECT_EQ(load_hardware("stripes", file, {}).sources.at("array.rows"), "mine");
}

TEST(HardwareOverrides, SettingsRoundTripThroughSet) {
  const HardwareConfig bitwave = preset("bitwave");
  std::vector<std::string> sets;
  for (const auto& [key, value] : hardware_settings(bitwave)) sets.push_back(key + "=" + value);
  EXPECT_EQ(hardware_settings(load_hardware("stripes", std::nullopt, sets)),
            hardware_settings(bitwave));
}

// BitVert without bi-directional skipping (BitSim en_bbs=False) is a boolean key, from a file or
// --set, and only on unpruned weights (BitSim turns BBS on whenever columns are pruned).
TEST(HardwareOverrides, BitVertBidirectionalIsABooleanKey) {
  EXPECT_EQ(setting(preset("bitvert"), "bitvert.bidirectional"), "true");
  EXPECT_EQ(setting(load_hardware("bitvert", std::nullopt,
                                  {"pruning.method=none", "bitvert.bidirectional=false"}),
                    "bitvert.bidirectional"),
            "false");
  const TempDir dir;
  const auto file =
      dir.write("nobbs.toml", "[pruning]\nmethod = \"none\"\n[bitvert]\nbidirectional = false\n");
  const HardwareConfig from_file = load_hardware("bitvert", file, {});
  EXPECT_EQ(setting(from_file, "bitvert.bidirectional"), "false");
  EXPECT_EQ(from_file.sources.at("bitvert.bidirectional"), file.string() + ":4");

  EXPECT_TRUE(
      throws_error([] { load_hardware("bitvert", std::nullopt, {"bitvert.bidirectional=no"}); },
                   {"--set bitvert.bidirectional=no: expects true or false"}));
  const auto integer = dir.write("int.toml", "[bitvert]\nbidirectional = 1\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", integer, {}); },
                           {"key 'bitvert.bidirectional' expects a boolean, got an integer"}));
  EXPECT_TRUE(
      throws_error([] { load_hardware("bitvert", std::nullopt, {"bitvert.bidirectional=false"}); },
                   {"bitvert.bidirectional = false: expected true, or pruning.method = none"}));
}

TEST(HardwareErrors, TomlSyntaxErrorNamesFileLineColumn) {
  const TempDir dir;
  const auto file = dir.write("bad.toml", "[array]\nrows = 16\ncols = = 3\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", file, {}); }, {file.string() + ":3:"}));
  const auto unclosed = dir.write("open.toml", "[array\nrows = 1\n");
  EXPECT_TRUE(
      throws_error([&] { load_hardware("bitvert", unclosed, {}); }, {unclosed.string() + ":1:"}));
}

TEST(HardwareErrors, UnknownKeysNameFileLineAndTheChoices) {
  const TempDir dir;
  const auto rowz = dir.write("k.toml", "design = \"bitvert\"\n\n[array]\nrowz = 16\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", rowz, {}); },
                           {rowz.string() + ":4: unknown key 'array.rowz' (expected one of: "
                                            "array.rows, array.cols, array.lanes, "
                                            "array.multipliers_per_pe, array.weight_bits, "
                                            "array.act_bits)"}));
  const auto top = dir.write("t.toml", "clock = 800\n");
  // The shared sections, then every design's own section (bitvert among them), then the rest.
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", top, {}); },
                           {top.string() + ":1: unknown key 'clock' (expected one of: design, "
                                           "array, pruning, ",
                            " bitvert, ",
                            " weight_sram, act_sram, dram, clock_mhz, tech_nm, energy, area, "
                            "sources)"}));
  const auto source = dir.write("s.toml", "[sources]\n\"array.rowz\" = \"x\"\n");
  EXPECT_TRUE(throws_error(
      [&] { load_hardware("bitvert", source, {}); },
      {source.string() + ":2: unknown key 'sources.array.rowz' (expected 'sources.' and "
                         "one of: design, array.rows,"}));
}

TEST(HardwareErrors, WrongTypesNameFileLineAndKey) {
  const TempDir dir;
  const auto text = dir.write("a.toml", "[array]\nrows = \"16\"\n");
  EXPECT_TRUE(
      throws_error([&] { load_hardware("bitvert", text, {}); },
                   {text.string() + ":2: key 'array.rows' expects an integer, got a string"}));
  const auto real = dir.write("b.toml", "[weight_sram]\nbanks = 16.0\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", real, {}); },
                           {":2: key 'weight_sram.banks' expects an integer, got a "
                            "floating-point number"}));
  const auto huge = dir.write("c.toml", "[array]\nrows = 10000000000\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", huge, {}); },
                           {":2: key 'array.rows' expects an integer, got 10000000000"}));
  const auto flag = dir.write("d.toml", "clock_mhz = true\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", flag, {}); },
                           {":1: key 'clock_mhz' expects a number, got a boolean"}));
  const auto scalar = dir.write("e.toml", "array = 5\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", scalar, {}); },
                           {":1: key 'array' expects a table, got an integer"}));
  const auto note = dir.write("f.toml", "[sources]\n\"array.rows\" = 3\n");
  EXPECT_TRUE(throws_error([&] { load_hardware("bitvert", note, {}); },
                           {":2: key 'sources.array.rows' expects a string, got an integer"}));
  // An integer is a fine number.
  const auto whole = dir.write("g.toml", "[energy]\npe_pj_per_cycle = 1\n");
  EXPECT_DOUBLE_EQ(load_hardware("bitvert", whole, {}).energy.pe_pj_per_cycle, 1.0);
}

TEST(HardwareErrors, BadSetsNameTheSet) {
  const auto set = [](std::string assignment) {
    return [assignment] { load_hardware("bitvert", std::nullopt, {assignment}); };
  };
  EXPECT_TRUE(throws_error(set("array.rows=abc"), {"--set array.rows=abc: expects an integer"}));
  EXPECT_TRUE(throws_error(set("array.rows=1.5"), {"--set array.rows=1.5: expects an integer"}));
  EXPECT_TRUE(throws_error(set("clock_mhz=fast"), {"--set clock_mhz=fast: expects a number"}));
  EXPECT_TRUE(throws_error(set("array.rowz=1"),
                           {"--set array.rowz=1: unknown key 'array.rowz' (expected one of: "
                            "design, array.rows,"}));
  EXPECT_TRUE(throws_error(set("array.rows"), {"--set array.rows: expected key=value"}));
}

TEST(HardwareErrors, UnknownDesignAndMissingFile) {
  std::string names;
  for (const std::string& name : hardware_designs()) names += (names.empty() ? "" : ", ") + name;
  EXPECT_TRUE(throws_error([] { preset("tpu"); },
                           {"unknown hardware design 'tpu' (expected one of: " + names + ")"}));
  EXPECT_TRUE(throws_error(
      [] { load_hardware("bitvert", "/nonexistent/hw.toml", {}); },
      {"/nonexistent/hw.toml: cannot open the hardware file: No such file or directory"}));
}

TEST(HardwareValidation, NamesKeyValueAndSource) {
  const auto set = [](std::string assignment) {
    return [assignment] { load_hardware("bitvert", std::nullopt, {assignment}); };
  };
  EXPECT_TRUE(throws_error(set("array.rows=0"),
                           {"hardware 'bitvert': array.rows = 0: expected a positive value "
                            "(from --set array.rows=0)"}));
  EXPECT_TRUE(throws_error(set("weight_sram.banks=5"),
                           {"weight_sram.banks = 5: expected a divisor of the capacity "
                            "(294912 B)"}));
  EXPECT_TRUE(throws_error(set("pruning.method=prune-all"),
                           {"pruning.method = prune-all: expected none, round-avg, zero-point "
                            "or bit-flip"}));
  EXPECT_TRUE(throws_error(set("pruning.columns=9"), {"pruning.columns = 9: expected 0..8"}));
  EXPECT_TRUE(throws_error(set("pruning.sensitive_fraction=1.5"),
                           {"pruning.sensitive_fraction = 1.5: expected a fraction in [0, 1]"}));
  EXPECT_TRUE(
      throws_error(set("act_sram.ports=2rw"), {"act_sram.ports = 2rw: expected 1r1w or 1rw"}));
  EXPECT_TRUE(throws_error(set("energy.pe_pj_per_cycle=-1"),
                           {"energy.pe_pj_per_cycle = -1: expected a finite value >= 0"}));
  EXPECT_TRUE(throws_error(set("design="), {"design = : expected a design name: one of "}));

  HardwareConfig config = preset("stripes");
  config.lanes = 0;  // the default's source
  EXPECT_TRUE(throws_error([&] { validate(config); },
                           {"array.lanes = 0", "yc2367/BitSim sim/sim/stripes.py:12-20"}));
  config = preset("stripes");
  config.pe_rows = 0;  // the preset's source
  EXPECT_TRUE(
      throws_error([&] { validate(config); }, {"array.rows = 0", "BitSim sim/test_stripes.py"}));
}

// tech_nm used to rescale only the SRAM (CACTI rows per node) and keep the 28 nm PE and register
// energies and PE area: another node is refused unless the constants are given for it.
TEST(HardwareValidation, TechNodeMustMatchTheNodeOfTheEnergyAndAreaConstants) {
  for (const std::string& design : hardware_designs()) {
    SCOPED_TRACE(design);
    EXPECT_TRUE(throws_error([&] { load_hardware(design, std::nullopt, {"tech_nm=22"}); },
                             {"tech_nm = 22: expected energy.tech_nm = 28",
                              "give them for 22 nm and set energy.tech_nm = 22"}));
    const HardwareConfig given =
        load_hardware(design, std::nullopt, {"tech_nm=22", "energy.tech_nm=22"});
    EXPECT_EQ(given.tech_nm, 22);
    EXPECT_EQ(given.constants_tech_nm, 22);
  }
}

}  // namespace
}  // namespace bbs::accel
