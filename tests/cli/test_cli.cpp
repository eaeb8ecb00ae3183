// End-to-end tests of the bbs-dse command line: runs the built executable (env BBS_DSE_EXE) and
// checks exit codes, reports (json / csv / table) and the files `prune` writes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "networks/io/weight_file.hpp"
#include "networks/tensor.hpp"
#include "tests/test_util.hpp"

namespace bbs::cli_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kBeforeTable = "bit_statistics";
constexpr const char* kAfterTablePrefix = "pruned";
constexpr const char* kTotalsTable = "totals";
constexpr const char* kSummaryTable = "summary";

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

using TempDir = bbs::test::TempDir;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* exe = std::getenv("BBS_DSE_EXE");
    if (exe == nullptr || *exe == '\0') GTEST_FAIL() << "BBS_DSE_EXE is not set";
    exe_ = exe;
    ASSERT_TRUE(fs::exists(exe_)) << exe_;
  }

  // Runs `bbs-dse <args>` (args are passed through the shell as given).
  RunResult run(const std::string& args) const {
    const fs::path err_path = dir_ / "stderr.txt";
    const std::string command = quoted(exe_) + " " + args + " 2>" + quoted(err_path.string());
    RunResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "popen failed: " << command;
      return result;
    }
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      result.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.err = read_file(err_path);
    return result;
  }

  static json parse_json(const RunResult& r) {
    try {
      return json::parse(r.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << "stdout is not JSON (" << e.what() << "):\n" << r.out.substr(0, 500);
      return json::object();
    }
  }

  static const json* table_starting_with(const json& report, const std::string& prefix) {
    for (auto it = report.begin(); it != report.end(); ++it)
      if (it.key().rfind(prefix, 0) == 0) return &it.value();
    return nullptr;
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string exe_;
  TempDir dir_;
};

std::string describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstderr: " + r.err +
         "\nstdout: " + r.out.substr(0, 800);
}

std::vector<float> random_floats(std::size_t n, float scale, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(gen);
  return v;
}

std::vector<float> as_floats(const io::WeightFile& file, const std::string& name) {
  return io::read_as_float(file, name);
}

template <typename T>
std::vector<T> values_of(const io::WeightFile& file, const std::string& name) {
  const auto view = file.tensor(name);
  std::vector<T> values(view.bytes.size() / sizeof(T));
  std::memcpy(values.data(), view.bytes.data(), view.bytes.size());
  return values;
}

// ---------------------------------------------------------------------------------------------
// analyze
// ---------------------------------------------------------------------------------------------

TEST_F(CliTest, AnalyzeDefaultTableRunsOnBuiltInWeights) {
  const RunResult r = run("analyze");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("== summary =="), std::string::npos) << r.out.substr(0, 500);
  EXPECT_NE(r.out.find("conv1.weight"), std::string::npos);
}

TEST_F(CliTest, AnalyzeJsonHasTheFourTablesAndBuiltInTotals) {
  const RunResult r = run("analyze --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  ASSERT_TRUE(report.is_object());
  ASSERT_TRUE(report.contains(kBeforeTable)) << report.dump().substr(0, 300);
  ASSERT_TRUE(report.contains(kSummaryTable));
  const json* after = table_starting_with(report, kAfterTablePrefix);
  ASSERT_NE(after, nullptr) << "no table named 'pruned'";
  ASSERT_TRUE(report.contains(kTotalsTable));
  EXPECT_EQ(report.size(), 4u);

  const json& before = report[kBeforeTable];
  ASSERT_TRUE(before.is_array());
  ASSERT_EQ(before.size(), 20u);  // the layers; the whole model is in "totals"
  EXPECT_EQ(before.front()["layer"], "conv1.weight");
  EXPECT_EQ(before.front()["shape"], json::array({16, 3, 3, 3}));
  EXPECT_EQ(report[kTotalsTable].at(0)["weights"], 268336);
  ASSERT_TRUE(after->is_array());
  EXPECT_EQ(after->size(), 20u);

  const json& summary = report[kSummaryTable];
  ASSERT_TRUE(summary.is_array());
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0]["weights"], 268336);
  EXPECT_EQ(summary[0]["layers"], 20);
  EXPECT_EQ(summary[0]["method"], "none");
  EXPECT_EQ(summary[0]["bits_per_weight"], 8.0);
  EXPECT_EQ(summary[0]["check_groups"], 0);
  EXPECT_TRUE(summary[0]["check_ok"].is_null());  // not run
}

TEST_F(CliTest, AnalyzeModerateSettingPassesTheDotProductCheck) {
  const RunResult r = run("analyze --setting moderate --check 500 --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  ASSERT_TRUE(report.contains(kSummaryTable));
  const json& s = report[kSummaryTable].at(0);
  EXPECT_EQ(s["method"], "zero-point");
  EXPECT_EQ(s["columns"], 4);
  EXPECT_EQ(s["group_size"], 32);
  EXPECT_DOUBLE_EQ(s["sensitive_fraction"].get<double>(), 0.2);
  EXPECT_EQ(s["check_ok"], true) << s.dump();
  EXPECT_GT(s["check_groups"].get<int>(), 0);
  EXPECT_LT(s["bits_per_weight"].get<double>(), 8.0);
  const json* after = table_starting_with(report, kAfterTablePrefix);
  ASSERT_NE(after, nullptr);
  const json& totals = report[kTotalsTable].at(0);
  EXPECT_EQ(totals["check_mismatches"], 0);
  EXPECT_GT(totals["checked_groups"].get<int>(), 0);
}

TEST_F(CliTest, AnalyzeConservativeSettingPassesTheDotProductCheck) {
  const RunResult r = run("analyze --setting conservative --check 200 --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  const json& s = report[kSummaryTable].at(0);
  EXPECT_EQ(s["method"], "round-avg");
  EXPECT_EQ(s["columns"], 2);
  EXPECT_EQ(s["check_ok"], true) << s.dump();
}

TEST_F(CliTest, AnalyzeCsvIsOneTableChosenWithTable) {
  const RunResult first = run("analyze --format csv");
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_EQ(first.out.rfind("layer,shape,weights,", 0), 0u) << first.out.substr(0, 300);
  EXPECT_EQ(first.out.find('#'), std::string::npos) << "a CSV holds no title lines";
  EXPECT_EQ(std::count(first.out.begin(), first.out.end(), '\n'), 21);  // header + 20 layers
  const RunResult summary = run("analyze --format csv --table summary");
  ASSERT_EQ(summary.exit_code, 0) << describe(summary);
  EXPECT_EQ(summary.out.rfind("source,", 0), 0u) << summary.out;
  EXPECT_EQ(std::count(summary.out.begin(), summary.out.end(), '\n'), 2);
}

TEST_F(CliTest, AnalyzeReadsAnInt8Npy) {
  std::vector<std::int8_t> values(8 * 32);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::int8_t(int(i * 37 % 255) - 127);
  io::write_npy(path("fc.npy"), io::make_tensor("fc", {8, 32}, values));
  const RunResult r = run("analyze -w " + quoted(path("fc.npy")) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  const json& s = report[kSummaryTable].at(0);
  EXPECT_EQ(s["weights"], 256);
  EXPECT_EQ(s["layers"], 1);
}

// ---------------------------------------------------------------------------------------------
// prune
// ---------------------------------------------------------------------------------------------

TEST_F(CliTest, PruneFloatSafetensorsKeepsNamesShapesDtypesAndBiases) {
  const Shape conv_shape = {8, 16, 3, 3};
  const auto conv = random_floats(8 * 16 * 9, 0.05f, 1);
  const auto conv_bias = random_floats(8, 0.1f, 2);
  const auto bn_var = random_floats(8, 1.f, 3);
  const auto fc = random_floats(4 * 32, 0.2f, 4);
  const auto fc_bias = random_floats(4, 0.1f, 5);
  io::TensorData fc_half{"fc.weight", DType::F16, {4, 32}, std::vector<std::byte>(fc.size() * 2)};
  for (std::size_t i = 0; i < fc.size(); ++i) {
    const std::uint16_t bits = float_to_half(fc[i]);
    std::memcpy(fc_half.bytes.data() + 2 * i, &bits, 2);
  }
  io::TensorData emb{"emb.weight", DType::BF16, {16, 8}, std::vector<std::byte>(16 * 8 * 2)};
  const auto emb_values = random_floats(16 * 8, 1.f, 6);
  for (std::size_t i = 0; i < emb_values.size(); ++i) {
    const std::uint16_t bits = float_to_bfloat16(emb_values[i]);
    std::memcpy(emb.bytes.data() + 2 * i, &bits, 2);
  }
  const std::vector<io::TensorData> tensors = {
      io::make_tensor("conv.weight", conv_shape, conv),
      io::make_tensor("conv.bias", {8}, conv_bias),
      io::make_tensor("bn.running_var", {8}, bn_var),
      fc_half,
      io::make_tensor("fc.bias", {4}, fc_bias),
      emb,
  };
  io::write_safetensors(path("model.safetensors"), tensors, {{"layout", "PyTorch"}});

  const RunResult r =
      run("prune -i " + quoted(path("model.safetensors")) + " -o " +
          quoted(path("pruned.safetensors")) + " --method round-avg --columns 2 --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  EXPECT_EQ(report[kSummaryTable].at(0)["layers"], 3);

  const auto in = io::WeightFile::open(path("model.safetensors"));
  const auto out = io::WeightFile::open(path("pruned.safetensors"));
  EXPECT_EQ(out.format(), io::FileFormat::Safetensors);
  ASSERT_EQ(out.tensors().size(), in.tensors().size());
  for (const auto& info : in.tensors()) {
    SCOPED_TRACE(info.name);
    const io::TensorInfo* o = out.find(info.name);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->dtype, info.dtype);
    EXPECT_EQ(o->shape, info.shape);
  }
  // Non-weight tensors are copied byte for byte.
  for (const char* name : {"conv.bias", "bn.running_var", "fc.bias"}) {
    SCOPED_TRACE(name);
    const auto a = in.tensor(name).bytes;
    const auto b = out.tensor(name).bytes;
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size()), 0);
  }
  // Weights are pruned (changed) but stay within a few quantization steps: round-avg with 2
  // columns moves the int8 value by at most 3, plus half a step of quantization error.
  const auto pruned = as_floats(out, "conv.weight");
  ASSERT_EQ(pruned.size(), conv.size());
  const std::size_t per_channel = conv.size() / 8;
  std::size_t changed = 0;
  for (std::size_t k = 0; k < 8; ++k) {
    float max_abs = 0.f;
    for (std::size_t i = 0; i < per_channel; ++i)
      max_abs = std::max(max_abs, std::abs(conv[k * per_channel + i]));
    const double step = double(max_abs) / 127.0;
    for (std::size_t i = 0; i < per_channel; ++i) {
      const std::size_t j = k * per_channel + i;
      EXPECT_LE(std::abs(double(pruned[j]) - double(conv[j])), 3.5 * step * (1 + 1e-5) + 1e-7)
          << "index " << j;
      changed += pruned[j] != conv[j];
    }
  }
  EXPECT_GT(changed, conv.size() / 2);
  const auto fc_pruned = as_floats(out, "fc.weight");
  EXPECT_NE(fc_pruned, as_floats(in, "fc.weight"));
  // The output records how it was made.
  const auto& metadata = out.metadata();
  ASSERT_TRUE(metadata.contains("bbs_dse.method"));
  EXPECT_EQ(metadata.at("bbs_dse.method"), "round-avg");
  EXPECT_EQ(metadata.at("bbs_dse.columns"), "2");
  ASSERT_TRUE(metadata.contains("layout"));
  EXPECT_EQ(metadata.at("layout"), "PyTorch");
}

TEST_F(CliTest, PruneFloatNpyWritesFloat32) {
  const auto w = random_floats(16 * 32, 0.1f, 7);
  io::write_npy(path("fc.npy"), io::make_tensor("fc", {16, 32}, w));
  const RunResult r = run("prune -i " + quoted(path("fc.npy")) + " -o " +
                          quoted(path("fc_out.npy")) + " --method zero-point");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto out = io::WeightFile::open(path("fc_out.npy"));
  EXPECT_EQ(out.format(), io::FileFormat::Npy);
  ASSERT_EQ(out.tensors().size(), 1u);
  EXPECT_EQ(out.tensors()[0].dtype, DType::F32);
  EXPECT_EQ(out.tensors()[0].shape, (Shape{16, 32}));
}

TEST_F(CliTest, PruneInt8NpyZeroPointWritesInt16) {
  // Paper Fig. 5: {81, -20, 1, -7}, 4 columns, 6-bit constant -> {82, -22, 2, -6}.
  io::write_npy(path("g.npy"),
                io::make_tensor("g", {1, 4}, std::vector<std::int8_t>{81, -20, 1, -7}));
  const RunResult r = run("prune -i " + quoted(path("g.npy")) + " -o " + quoted(path("o.npy")) +
                          " --method zero-point --columns 4 --const-bits 6 --group-size 4");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto out = io::WeightFile::open(path("o.npy"));
  ASSERT_EQ(out.tensors().size(), 1u);
  const io::TensorInfo info = out.tensors()[0];
  EXPECT_EQ(info.dtype, DType::I16);
  EXPECT_EQ(info.shape, (Shape{1, 4}));
  ASSERT_EQ(info.dtype, DType::I16);
  EXPECT_EQ(values_of<std::int16_t>(out, info.name), (std::vector<std::int16_t>{82, -22, 2, -6}));
}

TEST_F(CliTest, PruneInt8NpyZeroPointCanLeaveInt8) {
  // -128 is clamped to -127 before shifting; values outside int8 must survive in int16.
  std::vector<std::int8_t> values(64);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = std::int8_t(i % 2 ? 127 - int(i % 5) : -128 + int(i % 7));
  io::write_npy(path("x.npy"), io::make_tensor("x", {4, 16}, values));
  const RunResult r = run("prune -i " + quoted(path("x.npy")) + " -o " + quoted(path("o.npy")) +
                          " --method zero-point --columns 4 --group-size 16");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto out = io::WeightFile::open(path("o.npy"));
  ASSERT_EQ(out.tensors()[0].dtype, DType::I16);
  const auto pruned = values_of<std::int16_t>(out, out.tensors()[0].name);
  ASSERT_EQ(pruned.size(), values.size());
  for (std::size_t i = 0; i < pruned.size(); ++i)
    EXPECT_LE(std::abs(pruned[i] - values[i]), 40) << "index " << i;
}

TEST_F(CliTest, PruneInt8NpyRoundAvgAndBitFlipWriteInt8) {
  // Paper Fig. 4: {77, -25, 6, -11} with 3 columns -> {78, -26, 6, -10}.
  io::write_npy(path("g.npy"),
                io::make_tensor("g", {1, 4}, std::vector<std::int8_t>{77, -25, 6, -11}));
  RunResult r = run("prune -i " + quoted(path("g.npy")) + " -o " + quoted(path("ra.npy")) +
                    " --method round-avg --columns 3 --group-size 4 --format csv");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  {
    const auto out = io::WeightFile::open(path("ra.npy"));
    const io::TensorInfo info = out.tensors()[0];
    ASSERT_EQ(info.dtype, DType::I8);
    EXPECT_EQ(info.shape, (Shape{1, 4}));
    EXPECT_EQ(values_of<std::int8_t>(out, info.name), (std::vector<std::int8_t>{78, -26, 6, -10}));
  }
  r = run("prune -i " + quoted(path("g.npy")) + " -o " + quoted(path("bf.npy")) +
          " --method bit-flip --columns 4 --group-size 4");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto out = io::WeightFile::open(path("bf.npy"));
  EXPECT_EQ(out.tensors()[0].dtype, DType::I8);
  EXPECT_EQ(out.tensors()[0].shape, (Shape{1, 4}));
}

TEST_F(CliTest, PruneInt8ConvNpyKeepsShape) {
  std::vector<std::int8_t> values(6 * 20 * 3 * 3);
  std::mt19937 gen(11);
  std::uniform_int_distribution<int> dist(-128, 127);
  for (auto& v : values) v = std::int8_t(dist(gen));
  io::write_npy(path("conv.npy"), io::make_tensor("conv", {6, 20, 3, 3}, values));
  for (const char* method : {"round-avg", "zero-point", "bit-flip"}) {
    SCOPED_TRACE(method);
    const RunResult r =
        run("prune -i " + quoted(path("conv.npy")) + " -o " + quoted(path("out.npy")) +
            " --method " + method + " --group-size 8 --format json");
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json report = parse_json(r);
    const json& s = report[kSummaryTable].at(0);
    EXPECT_EQ(s["weights"], 1080);
    EXPECT_EQ(s["method"], method);
    const auto out = io::WeightFile::open(path("out.npy"));
    EXPECT_EQ(out.tensors()[0].shape, (Shape{6, 20, 3, 3}));
  }
}

// ---------------------------------------------------------------------------------------------
// help
// ---------------------------------------------------------------------------------------------

TEST_F(CliTest, AnalyzeHelpExitsZero) {
  const RunResult r = run("analyze --help");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("--weights"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--format"), std::string::npos);
}

TEST_F(CliTest, PruneHelpExitsZeroAndMentionsInt16) {
  const RunResult r = run("prune --help");
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(lower(r.out).find("int16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--method"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// bad input: exit code 2, "bbs-dse: error: " + a message naming the problem, no output file
// ---------------------------------------------------------------------------------------------

class CliErrorTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::vector<std::int8_t> values(8 * 16 * 3 * 3, 1);
    io::write_npy(path("good.npy"), io::make_tensor("good", {8, 16, 3, 3}, values));
    const std::string bytes = read_file(path("good.npy"));
    std::ofstream(path("truncated.npy"), std::ios::binary) << bytes.substr(0, bytes.size() - 100);
    std::ofstream(path("notes.txt")) << "these are not weights\n";
    io::write_npy(path("wide.npy"),
                  io::make_tensor("wide", {2, 2}, std::vector<std::int16_t>{1, 200, 3, 4}));
  }

  // Expects exit code 2 and every `needles` in stderr.
  void expect_error(const std::string& args, const std::vector<std::string>& needles) {
    SCOPED_TRACE(args);
    const RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
    for (const auto& needle : needles)
      EXPECT_NE(r.err.find(needle), std::string::npos)
          << "stderr lacks \"" << needle << "\": " << r.err;
    EXPECT_FALSE(fs::exists(path("out.npy"))) << "an output file was written";
  }

  std::string prune_good(const std::string& extra) {
    return "prune -i " + quoted(path("good.npy")) + " -o " + quoted(path("out.npy")) + " " + extra;
  }
};

TEST_F(CliErrorTest, MissingFile) {
  expect_error("analyze -w " + quoted(path("missing.npy")), {path("missing.npy"), "cannot open"});
  expect_error("prune -i " + quoted(path("missing.npy")) + " -o " + quoted(path("out.npy")) +
                   " --method round-avg",
               {path("missing.npy")});
}

TEST_F(CliErrorTest, TruncatedNpy) {
  expect_error("analyze -w " + quoted(path("truncated.npy")), {path("truncated.npy"), "truncated"});
  expect_error("prune -i " + quoted(path("truncated.npy")) + " -o " + quoted(path("out.npy")) +
                   " --method zero-point",
               {path("truncated.npy"), "truncated"});
}

TEST_F(CliErrorTest, TextFile) {
  expect_error("analyze -w " + quoted(path("notes.txt")),
               {path("notes.txt"), "not a .npy or safetensors file"});
}

TEST_F(CliErrorTest, UnknownTensorName) {
  expect_error("analyze --tensor no.such.tensor", {"no tensor named 'no.such.tensor'"});
  expect_error(prune_good("--method round-avg --tensor nope"), {"no tensor named 'nope'"});
}

TEST_F(CliErrorTest, ColumnsOutOfRange) {
  expect_error(prune_good("--method round-avg --columns 9"), {"--columns 9"});
  expect_error("analyze --method zero-point --columns 9", {"--columns 9"});
}

// The help says "--columns: 0..8"; a value outside that range should be rejected even when no
// pruning method is chosen (it is not: the value is silently replaced by 0).
TEST_F(CliErrorTest, ColumnsOutOfRangeWithoutMethod) {
  expect_error("analyze --columns 9", {"--columns 9"});
}

TEST_F(CliErrorTest, GroupSizeZero) {
  expect_error(prune_good("--method bit-flip --group-size 0"), {"group size 0"});
  expect_error("analyze --group-size 0", {"group size 0"});
}

TEST_F(CliErrorTest, SensitiveFractionAboveOne) {
  expect_error("analyze --sensitive 1.5", {"--sensitive"});
  expect_error(prune_good("--method round-avg --sensitive 1.5"), {"--sensitive"});
}

TEST_F(CliErrorTest, PruneWithoutMethod) { expect_error(prune_good(""), {"--method"}); }

TEST_F(CliErrorTest, Int16ValuesOutsideInt8) {
  expect_error("prune -i " + quoted(path("wide.npy")) + " -o " + quoted(path("out.npy")) +
                   " --method round-avg",
               {path("wide.npy"), "200", "outside int8"});
}

TEST_F(CliErrorTest, UnknownFormat) { expect_error("analyze --format xml", {"xml"}); }

}  // namespace
}  // namespace bbs::cli_test

namespace bbs::cli_test {
namespace {

// A small campaign on the built-in real weights: Stripes + 8 BitVert points.
std::string small_campaign(const std::string& weights) {
  return "name = \"small\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\nweights = \"" + weights +
         "\"\n[[design]]\naccel = \"stripes\"\n[[design]]\naccel = \"bitvert\"\n"
         "[design.axes]\n\"array.rows\" = [16, 32]\n\"array.cols\" = [8, 16]\n"
         "\"pruning.columns\" = [2, 4]\n";
}

TEST_F(CliTest, RunResumesAndShardsMergeToTheSameDatabaseContent) {
  const std::string weights =
      std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
  const std::string campaign = path("small.toml");
  std::ofstream(campaign) << small_campaign(weights);
  const std::string rows =
      " --format csv --sql \"SELECT point_key, status, total_cycles, energy_pj FROM design_point "
      "ORDER BY point_key\"";

  ASSERT_EQ(run("run " + quoted(campaign) + " --db " + quoted(path("all.db")) + " -j 2").exit_code,
            0);
  const RunResult all = run("query --db " + quoted(path("all.db")) + rows);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 1 + 9);  // header, 9 points

  const RunResult again = run("run " + quoted(campaign) + " --db " + quoted(path("all.db")));
  EXPECT_NE(again.err.find("0 new points"), std::string::npos)
      << again.err;  // resumed: nothing to do

  for (const char* shard : {"1/2", "2/2"})
    ASSERT_EQ(run("run " + quoted(campaign) + " --shard " + shard + " --db " +
                  quoted(path(std::string("shard") + shard[0] + ".db")))
                  .exit_code,
              0);
  ASSERT_EQ(run("merge " + quoted(path("merged.db")) + " " + quoted(path("shard1.db")) + " " +
                quoted(path("shard2.db")))
                .exit_code,
            0);
  const RunResult merged = run("query --db " + quoted(path("merged.db")) + rows);
  EXPECT_EQ(merged.out, all.out);

  // A second campaign on the same weights reads the profiles from the database.
  std::string renamed = small_campaign(weights);
  renamed.replace(renamed.find("small"), 5, "other");
  std::ofstream(path("other.toml")) << renamed;
  const RunResult other =
      run("run " + quoted(path("other.toml")) + " --db " + quoted(path("all.db")));
  EXPECT_NE(other.err.find("profiles 0 computed"), std::string::npos) << other.err;
}

TEST_F(CliTest, Nsga2SearchIsTheSameWhateverTheJobsAndResumes) {
  const std::string weights =
      std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
  const std::string campaign = path("nsga.toml");
  std::ofstream(campaign) << small_campaign(weights)
                          << "\"weight_sram.capacity_kib\" = { log2_range = [128, 1024] }\n"
                             "[strategy]\nkind = \"nsga2\"\npopulation = 8\ngenerations = 3\n"
                             "seed = 5\n";
  const std::string rows =
      " --format csv --sql \"SELECT point_key, total_cycles FROM design_point ORDER BY point_key\"";
  ASSERT_EQ(run("run " + quoted(campaign) + " --db " + quoted(path("a.db")) + " -j 2").exit_code,
            0);
  ASSERT_EQ(run("run " + quoted(campaign) + " --db " + quoted(path("b.db")) + " -j 1").exit_code,
            0);
  const RunResult a = run("query --db " + quoted(path("a.db")) + rows);
  EXPECT_EQ(a.out, run("query --db " + quoted(path("b.db")) + rows).out);
  EXPECT_GT(std::count(a.out.begin(), a.out.end(), '\n'), 8);
  const RunResult again = run("run " + quoted(campaign) + " --db " + quoted(path("a.db")));
  EXPECT_NE(again.err.find("0 new points"), std::string::npos) << again.err;
  EXPECT_EQ(run("run " + quoted(campaign) + " --shard 1/2 --db " + quoted(path("c.db"))).exit_code,
            2);  // an evolutionary search is one job
}

TEST_F(CliTest, ConstraintsFailPointsWithTheReasonAndKeepTheOthers) {
  const std::string weights =
      std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
  const std::string campaign = path("constrained.toml");
  // ResNet-20 at batch 4: its first layer needs 4 x (3 + 16) x 32 x 32 B = 76 KiB of input +
  // output activations, more than a 64 KiB act_sram; the expression keeps 4096-multiplier arrays.
  std::ofstream(campaign)
      << "name = \"constrained\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\n"
         "batch = 4\nweights = \"" +
             weights +
             "\"\n"
             "[[design]]\naccel = \"stripes\"\n[[design]]\naccel = \"bitvert\"\n"
             "[design.axes]\n\"array.rows\" = [16, 32]\n"
             "\"act_sram.capacity_kib\" = [64, 256]\n"
             "[constraints]\nbuffers_hold_layers = true\n"
             "expressions = [\"multipliers >= 4096 or area_mm2 < 0\"]\n";
  ASSERT_EQ(run("run " + quoted(campaign) + " --db " + quoted(path("c.db"))).exit_code, 0);
  const RunResult r = run("query --db " + quoted(path("c.db")) +
                          " --format csv --sql \"SELECT point_key, status, error FROM "
                          "design_point ORDER BY point_key\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("accel=bitvert;act_sram.capacity_kib=64;array.rows=32,failed,\"constraint "
                       "buffers_hold_layers: layer 'conv1.weight' has 77824 B of input + output "
                       "activations, act_sram holds 65536 B\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("accel=bitvert;act_sram.capacity_kib=256;array.rows=16,failed,constraint "
                       "'multipliers >= 4096 or area_mm2 < 0' does not hold"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("accel=bitvert;act_sram.capacity_kib=256;array.rows=32,done"),
            std::string::npos)
      << r.out;

  std::ofstream(path("bad.toml")) << small_campaign(weights)
                                  << "[constraints]\nexpressions = [\"latency < 1\"]\n";
  const RunResult bad = run("run " + quoted(path("bad.toml")) + " --db " + quoted(path("d.db")));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.toml:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("constraints.expressions' has expression 'latency < 1'"),
            std::string::npos)
      << bad.err;
}

// A point's weight error and size are those `analyze` reports for the same weights and pruning
// setting (the presets' settings are the paper's), and a constraint on them excludes a point.
TEST_F(CliTest, PointsCarryTheWeightErrorAnalyzeReportsAndConstraintsUseIt) {
  const std::string weights =
      std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
  std::ofstream(path("error.toml"))
      << "name = \"error\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\nweights = \"" + weights +
             "\"\n[[design]]\naccel = \"stripes\"\n[[design]]\naccel = \"bitvert\"\n"
             "[[design]]\naccel = \"bitvert-cons\"\n[[design]]\naccel = \"bitvert\"\n"
             "[design.axes]\n\"pruning.columns\" = [6]\n"
             "[constraints]\nexpressions = [\"weight_sqnr_db >= 15\"]\n";
  ASSERT_EQ(run("run " + quoted(path("error.toml")) + " --db " + quoted(path("e.db"))).exit_code,
            0);
  const RunResult points = run("query --db " + quoted(path("e.db")) +
                               " --format json --sql \"SELECT point_key, status, weight_sqnr_db, "
                               "bits_per_weight, error FROM point_summary ORDER BY point_key\"");
  ASSERT_EQ(points.exit_code, 0) << points.err;
  const json rows = parse_json(points)["sql"];
  ASSERT_EQ(rows.size(), 4u) << rows.dump();
  for (const auto& [row, setting] : {std::pair{0, "moderate"}, std::pair{1, "conservative"}}) {
    const RunResult a =
        run("analyze --weights " + quoted(weights) + " --setting " + setting + " --format json");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    const json summary = parse_json(a)[kSummaryTable][0];
    EXPECT_NEAR(rows[row]["weight_sqnr_db"].get<double>(), summary["sqnr_db"].get<double>(), 1e-9)
        << setting;
    EXPECT_NEAR(rows[row]["bits_per_weight"].get<double>(),
                summary["bits_per_weight"].get<double>(), 1e-12)
        << setting;
  }
  EXPECT_EQ(rows[0]["point_key"], "accel=bitvert");
  EXPECT_EQ(rows[3]["point_key"], "accel=stripes");
  EXPECT_TRUE(rows[3]["weight_sqnr_db"].is_null());  // unpruned: no error
  EXPECT_EQ(rows[3]["bits_per_weight"], 8.0);
  EXPECT_EQ(rows[2]["status"], "failed");  // 6 of 8 columns pruned: about 9 dB
  EXPECT_EQ(rows[2]["error"], "constraint 'weight_sqnr_db >= 15' does not hold");
}

TEST_F(CliTest, QueryRefusesAFileThatIsNotAResultDatabase) {
  const std::string junk = path("junk.db");
  std::ofstream(junk) << "not a database at all, just text that is long enough to matter";
  const RunResult r = run("query --db " + quoted(junk));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(junk), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------------------------
// output: --format for every command, typed JSON with stable keys, one table per CSV, terminal
// width, --columns / --table, the standard report metrics (docs/output.md)
// ---------------------------------------------------------------------------------------------

// The subcommands `bbs-dse --help` lists (CLI11: the lines under "SUBCOMMANDS:").
std::vector<std::string> listed_commands(const std::string& help) {
  std::vector<std::string> names;
  const std::size_t start = lower(help).find("subcommands:");
  if (start == std::string::npos) return names;
  std::istringstream lines(help.substr(start));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name;
    if (line.empty() || line[0] != ' ' || !(words >> name)) break;
    names.push_back(name);
  }
  return names;
}

class OutputTest : public CliTest {
 protected:
  // Arguments that make each command print something small.
  std::map<std::string, std::string> sample_args() {
    const std::string weights =
        std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
    if (!fs::exists(path("c.toml"))) {
      std::ofstream(path("c.toml"))
          << "name = \"c\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\n"
             "[[design]]\naccel = \"stripes\"\n[[design]]\n"
             "accel = \"bitvert\"\n";
      io::write_npy(path("w.npy"), io::make_tensor("w", {8, 32}, random_floats(256, 0.1f, 3)));
    }
    const std::string db = quoted(path("c.db"));
    return {{"analyze", "--network cifar10_resnet20"},
            {"prune", "-i " + quoted(path("w.npy")) + " -o " + quoted(path("p.npy")) +
                          " --method round-avg --group-size 8"},
            {"networks", ""},
            {"show", "cifar10_resnet20"},
            {"simulate", "--network cifar10_resnet20 --accel bitvert"},
            {"compare", "--networks cifar10_resnet20 --accels bitvert"},
            {"run", quoted(path("c.toml")) + " --db " + db},
            {"query", "--db " + db},
            {"merge", quoted(path("m.db")) + " " + db},
            {"plot", "--db " + db + " --figure pareto --out " + quoted(path("figs"))},
            {"list", "accels"}};
  }
};

TEST_F(OutputTest, EveryCommandPrintsJsonAndOneCsvTable) {
  const std::vector<std::string> commands = listed_commands(run("--help").out);
  ASSERT_GE(commands.size(), 10u) << run("--help").out;
  auto samples = sample_args();
  // run first: query, merge and plot read its database.
  std::vector<std::string> order{"run"};
  for (const auto& c : commands)
    if (c != "run") order.push_back(c);
  for (const auto& command : order) {
    SCOPED_TRACE(command);
    ASSERT_TRUE(samples.count(command)) << "no sample arguments for the command '" << command
                                        << "': add it to OutputTest::sample_args";
    const RunResult j = run(command + " " + samples[command] + " --format json");
    ASSERT_EQ(j.exit_code, 0) << describe(j);
    const json doc = parse_json(j);
    ASSERT_TRUE(doc.is_object() && !doc.empty()) << j.out;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      EXPECT_TRUE(
          std::all_of(it.key().begin(), it.key().end(),
                      [](char c) { return std::islower(c) || std::isdigit(c) || c == '_'; }))
          << "JSON key '" << it.key() << "' is not a snake_case identifier";
      for (const auto& row : it.value())
        for (auto cell = row.begin(); cell != row.end(); ++cell)
          if (cell.value().is_string()) {
            const std::string text = cell.value();
            EXPECT_TRUE(text != "yes" && text != "no" && text.rfind("ok (", 0) != 0 &&
                        text.rfind("[", 0) != 0)
                << cell.key() << " = '" << text << "' should be a boolean, number or array";
          }
    }
    const RunResult c = run(command + " " + samples[command] + " --format csv");
    ASSERT_EQ(c.exit_code, 0) << describe(c);
    EXPECT_EQ(c.out.find('#'), std::string::npos) << c.out.substr(0, 300);
    EXPECT_EQ(c.out.find("\n\n"), std::string::npos) << "one table per CSV: " << c.out;
  }
}

TEST_F(OutputTest, TablesFitAHundredColumnTerminal) {
  const RunResult r = run("simulate --network cifar10_resnet20 --accel bitvert --per-layer");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(r.out.find("\ntime_s "), std::string::npos) << "one-row table as key/value lines";
  EXPECT_NE(r.out.find("more columns"), std::string::npos) << r.out;
  const RunResult some =
      run("simulate --network cifar10_resnet20 --accel bitvert --per-layer --table layers "
          "--columns layer,energy_pj");
  ASSERT_EQ(some.exit_code, 0) << describe(some);
  EXPECT_EQ(some.out.substr(0, some.out.find('\n', some.out.find('\n') + 1)),
            "== layers ==\nlayer                  energy_pj");
}

TEST_F(OutputTest, UnknownTableAndColumnAreRefusedWithTheValidNames) {
  const RunResult table =
      run("simulate --network cifar10_resnet20 --accel bitvert --per-layer "
          "--format csv --table nope");
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_NE(table.err.find("simulation, layers"), std::string::npos) << table.err;
  const RunResult column =
      run("simulate --network cifar10_resnet20 --accel bitvert --columns nope");
  EXPECT_EQ(column.exit_code, 2);
  EXPECT_NE(column.err.find("energy_pj"), std::string::npos) << column.err;
}

TEST_F(OutputTest, QueryKeysAreStableAndValuesTyped) {
  const auto samples = sample_args();
  ASSERT_EQ(run("run " + samples.at("run")).exit_code, 0);
  const RunResult top = run("query --db " + quoted(path("c.db")) + " --top 2 --format json");
  ASSERT_EQ(top.exit_code, 0) << describe(top);
  const json doc = parse_json(top);
  ASSERT_TRUE(doc.contains("top")) << doc.dump();
  EXPECT_TRUE(doc["top"][0]["point_id"].is_number_integer()) << doc.dump();
  EXPECT_TRUE(doc["top"][0]["edp"].is_number_float()) << doc.dump();
}

TEST_F(OutputTest, SimulateReportsPerInferenceMetricsAtTheDesignClock) {
  const std::string net = "simulate --network cifar10_resnet20 --accel bitvert --format json";
  const RunResult one = run(net), two = run(net + " --batch 2");
  const RunResult shown = run("show cifar10_resnet20 --format json --table network");
  ASSERT_EQ(one.exit_code, 0) << describe(one);
  ASSERT_EQ(two.exit_code, 0) << describe(two);
  const json a = parse_json(one)["simulation"][0], b = parse_json(two)["simulation"][0];
  const double macs = parse_json(shown)["network"][0]["mapped_macs"].get<double>();
  EXPECT_EQ(a["clock_mhz"], 800.0);  // BitVert's synthesis clock (paper Section V-A)
  EXPECT_EQ(a["synthetic_weights"], true);
  EXPECT_EQ(b["batch"], 2);
  for (const json& s : {a, b}) {
    const double batch = s["batch"].get<double>(), time_s = s["time_s"].get<double>();
    const double energy_pj = s["energy_pj"].get<double>();
    EXPECT_NEAR(s["energy_per_inference_uj"].get<double>(), energy_pj / batch * 1e-6,
                1e-9 * energy_pj);
    EXPECT_NEAR(s["inferences_per_s"].get<double>() * time_s, batch, 1e-9);
    EXPECT_NEAR(s["tops"].get<double>(), 2 * macs * batch / time_s * 1e-12, 1e-9);
    EXPECT_NEAR(s["tops_per_w"].get<double>(), 2 * macs * batch / energy_pj, 1e-9);
    EXPECT_NEAR(s["tops_per_mm2"].get<double>(),
                s["tops"].get<double>() / s["area_mm2"].get<double>(), 1e-9);
  }
}

}  // namespace
}  // namespace bbs::cli_test
