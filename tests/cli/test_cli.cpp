// End-to-end tests of the bbs-dse command line: runs the built executable (env BBS_DSE_EXE) and
// checks exit codes, reports (json / csv / table) and the files `prune` writes.
#include <SQLiteCpp/SQLiteCpp.h>
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
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "dse/campaign.hpp"
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

// The file's channels replace Algorithm 2's choice; names are the tensors analyze prints.
TEST_F(CliTest, AnalyzeTakesSensitiveChannelsFromAFile) {
  std::ofstream(path("channels.json")) << R"({"layer1.0.conv1.weight": [0, 3, 5]})";
  const RunResult r = run("analyze --setting moderate --format json --sensitive-channels " +
                          quoted(path("channels.json")));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  const json* after = table_starting_with(report, kAfterTablePrefix);
  ASSERT_NE(after, nullptr);
  ASSERT_GT(after->size(), 2u);
  for (const json& row : *after) {
    if (row["layer"] == "total") continue;
    EXPECT_EQ(row["sensitive_channels"], row["layer"] == "layer1.0.conv1.weight" ? 3 : 0)
        << row.dump();
  }
  std::ofstream(path("unknown.json")) << R"({"layer9.conv": [1]})";
  const RunResult bad =
      run("analyze --setting moderate --sensitive-channels " + quoted(path("unknown.json")));
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  EXPECT_NE(bad.err.find("unknown.json: key 'layer9.conv' names no layer of the network"),
            std::string::npos)
      << bad.err;
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

// The output is written as it is produced (straight from the pruned values, or from a reordered
// copy for a Keras tensor): a Keras dense [in, out] tensor prunes to the transpose of the same
// weights stored [out, in], in every float dtype and for int8.
TEST_F(CliTest, PruneKerasDenseIsTheTransposeOfThePyTorchOne) {
  constexpr std::int64_t kOut = 6, kIn = 40;
  const auto values = random_floats(std::size_t(kOut * kIn), 0.3f, 21);
  const auto stored = [&](const std::string& name, DType dtype, bool keras) {
    io::TensorData t{name, dtype, keras ? Shape{kIn, kOut} : Shape{kOut, kIn}, {}};
    t.bytes.resize(std::size_t(kOut * kIn) * dtype_bytes(dtype));
    for (std::int64_t o = 0; o < kOut; ++o)
      for (std::int64_t i = 0; i < kIn; ++i) {
        const float v = values[std::size_t(o * kIn + i)];
        const std::size_t at = std::size_t(keras ? i * kOut + o : o * kIn + i);
        const std::uint16_t half = dtype == DType::F16 ? float_to_half(v) : float_to_bfloat16(v);
        const double wide = v;
        const auto narrow = std::int8_t(std::lround(v * 100.0f));
        const void* from = dtype == DType::F32   ? static_cast<const void*>(&v)
                           : dtype == DType::F64 ? static_cast<const void*>(&wide)
                           : dtype == DType::I8  ? static_cast<const void*>(&narrow)
                                                 : static_cast<const void*>(&half);
        std::memcpy(t.bytes.data() + at * dtype_bytes(dtype), from, dtype_bytes(dtype));
      }
    return t;
  };
  for (const DType dtype : {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I8}) {
    SCOPED_TRACE(std::string(dtype_name(dtype)));
    io::write_safetensors(path("pt.safetensors"), {stored("dense.weight", dtype, false)});
    io::write_safetensors(path("keras.safetensors"), {stored("dense.weight", dtype, true)});
    for (const std::string layout : {"pytorch", "keras"}) {
      const RunResult r = run(
          "prune -i " + quoted(path(layout == "keras" ? "keras.safetensors" : "pt.safetensors")) +
          " -o " + quoted(path(layout + "-out.safetensors")) +
          " --method round-avg --columns 2 --layout " + layout);
      ASSERT_EQ(r.exit_code, 0) << describe(r);
    }
    const auto pt = io::WeightFile::open(path("pytorch-out.safetensors"));
    const auto keras = io::WeightFile::open(path("keras-out.safetensors"));
    EXPECT_EQ(keras.tensors()[0].dtype, dtype);
    EXPECT_EQ(keras.tensors()[0].shape, (Shape{kIn, kOut}));
    const auto pt_values = as_floats(pt, "dense.weight");
    const auto keras_values = as_floats(keras, "dense.weight");
    EXPECT_NE(pt_values, as_floats(io::WeightFile::open(path("pt.safetensors")), "dense.weight"));
    for (std::int64_t o = 0; o < kOut; ++o)
      for (std::int64_t i = 0; i < kIn; ++i)
        ASSERT_EQ(keras_values[std::size_t(i * kOut + o)], pt_values[std::size_t(o * kIn + i)])
            << "channel " << o << ", input " << i;
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

// A campaign uses int8 weights as given too: its points equal simulate's, and run's summary says
// "int8 as given" for the workload.
TEST_F(CliTest, RunUsesInt8WeightsAsGivenAndSaysSo) {
  const char* onnx = std::getenv("BBS_ONNX_DIR");
  if (onnx == nullptr) GTEST_SKIP() << "BBS_ONNX_DIR not set (run through ctest)";
  const std::string network = (fs::path(onnx) / "int8_fc.onnx").string();
  std::ofstream(path("int8.toml")) << "name = \"int8\"\n[[workload]]\nnetwork = \"" << network
                                   << "\"\n[[design]]\naccel = \"pragmatic\"\n";
  const RunResult r = run("run " + quoted(path("int8.toml")) + " --db " + quoted(path("i.db")));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("weights int8_fc.onnx (ONNX): int8 as given"), std::string::npos) << r.err;
  const RunResult stored = run("query --db " + quoted(path("i.db")) +
                               " --format json --sql \"SELECT total_cycles FROM design_point\"");
  ASSERT_EQ(stored.exit_code, 0) << describe(stored);
  const RunResult simulated = run("simulate -n " + quoted(network) + " -a pragmatic --format json");
  ASSERT_EQ(simulated.exit_code, 0) << describe(simulated);
  const json rows = parse_json(stored);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.begin().value()[0]["total_cycles"].get<double>(),
            parse_json(simulated)["simulation"][0]["total_cycles"].get<double>());
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

// A campaign workload is its files' content: replacing the weight file under the same path and
// running again evaluates the new weights as a new workload; the old rows stay, superseded.
TEST_F(CliTest, ReplacedWeightsAreANewWorkloadAndTheOldOneIsSuperseded) {
  const std::string original =
      std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
  const std::string weights = path("w.safetensors");
  fs::copy_file(original, weights);
  std::ofstream(path("c.toml")) << "name = \"stale\"\n[[workload]]\nnetwork = \"cifar10_resnet20\""
                                   "\nweights = \"" +
                                       weights + "\"\n[[design]]\naccel = \"bitvert\"\n";
  const std::string run_it = "run " + quoted(path("c.toml")) + " --db " + quoted(path("s.db"));
  ASSERT_EQ(run(run_it).exit_code, 0);
  EXPECT_NE(run(run_it).err.find("0 new points"), std::string::npos);  // unchanged: resumed

  {  // Same file name, other weights: every float negated (sign bit of each little-endian f32).
    std::fstream file(weights, std::ios::in | std::ios::out | std::ios::binary);
    std::uint64_t header = 0;
    file.read(reinterpret_cast<char*>(&header), 8);
    const std::int64_t end = std::int64_t(fs::file_size(weights));
    for (std::int64_t at = std::int64_t(8 + header) + 3; at < end; at += 4) {
      file.seekg(at);
      const char byte = char(file.get() ^ 0x80);
      file.seekp(at);
      file.put(byte);
    }
  }
  const RunResult again = run(run_it);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("1 new points"), std::string::npos) << again.err;
  const RunResult summary = run("query --db " + quoted(path("s.db")) + " --format json");
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const json rows = parse_json(summary)["campaigns"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0]["workload"], "current");
  EXPECT_EQ(rows[1]["workload"], "superseded");
  EXPECT_NE(rows[0]["workload_hash"], rows[1]["workload_hash"]);
  EXPECT_EQ(rows[0]["weights_origin"], "float, quantized per channel");
  // Top-N and Pareto fronts leave superseded workloads out.
  const RunResult top = run("query --db " + quoted(path("s.db")) + " --top 5 --format json");
  EXPECT_EQ(parse_json(top).begin()->size(), 1u) << top.out;
}

// Cached profiles are keyed by what was computed and the profile format version: an entry of an
// older format (old key scheme or old blob version) is rebuilt, never reused.
TEST_F(CliTest, OldProfileCacheEntriesAreRebuiltNotReused) {
  const std::string weights =
      std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
  auto campaign = [&](const std::string& name) {
    std::ofstream(path(name + ".toml"))
        << "name = \"" + name + "\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\nweights = \"" +
               weights + "\"\n[[design]]\naccel = \"bitvert\"\n";
    return run("run " + quoted(path(name + ".toml")) + " --db " + quoted(path("p.db")));
  };
  ASSERT_EQ(campaign("first").exit_code, 0);
  EXPECT_NE(campaign("reads").err.find("profiles 0 computed, 1 read"), std::string::npos);
  {
    SQLite::Database db(path("p.db"), SQLite::OPEN_READWRITE);
    // The entries as the previous release stored them: blob version 2 under the current keys
    // (one per weight tensor), and a copy under its key scheme (FNV decimal hash / ordinal of the
    // step kind / to_string(double)).
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM profile_cache").getInt(), 20);  // ResNet-20
    std::vector<std::pair<std::string, std::string>> entries;
    SQLite::Statement read(db, "SELECT key, blob FROM profile_cache");
    while (read.executeStep())
      entries.emplace_back(read.getColumn(0).getString(),
                           std::string(static_cast<const char*>(read.getColumn(1).getBlob()),
                                       std::size_t(read.getColumn(1).getBytes())));
    for (auto& [key, blob] : entries) {
      blob[4] = 2;  // "BBSP", then the little-endian format version
      SQLite::Statement write(db, "UPDATE profile_cache SET blob = ? WHERE key = ?");
      write.bind(1, blob.data(), int(blob.size()));
      write.bind(2, key);
      write.exec();
    }
    db.exec(
        "INSERT INTO profile_cache SELECT '123/zero-point/32/4/6/0.200000/32/5/16/corrected', "
        "blob, created_at FROM profile_cache LIMIT 1");
  }
  const RunResult rebuilt = campaign("rebuilt");
  EXPECT_NE(rebuilt.err.find("profiles 1 computed, 0 read"), std::string::npos) << rebuilt.err;
  EXPECT_NE(campaign("after").err.find("profiles 0 computed, 1 read"), std::string::npos);
}

TEST_F(CliTest, QueryRefusesAFileThatIsNotAResultDatabase) {
  const std::string junk = path("junk.db");
  std::ofstream(junk) << "not a database at all, just text that is long enough to matter";
  const RunResult r = run("query --db " + quoted(junk));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(junk), std::string::npos) << r.err;
}

// simulate, compare and run use int8 weights exactly as given (issue 10 item 1). fc.weight
// [32, 64] holds 48 (0b0110000) at even and 3 (0b0000011) at odd inputs: channel maximum 48.
// Pragmatic: a tile costs the most 1 bits of one weight, 2. Bitlet (32 lanes): the column with the
// most 1 bits in a 32-weight group, 16. Re-quantized per channel (48 -> 127, 3 -> 8) they cost 7
// and 32, which is what float_fc.onnx (the same values as float32) gives.
// SparTen with activation statistics: a recorded layer says so and uses its density, the others
// name their producer's default; --relu-density replaces the ReLU default; compare refuses one
// recording for several networks.
TEST_F(CliTest, SimulateSparTenWithRecordedActivations) {
  std::vector<std::int8_t> sample(4096, 0);
  for (std::size_t i = 0; i < sample.size(); i += 4) sample[i] = 5;  // density 0.25
  io::write_safetensors(path("acts.safetensors"),
                        {io::make_tensor("layer1.0.conv1", {4096}, sample)});
  const auto layers = [&](const std::string& extra) {
    const RunResult r =
        run("simulate -n cifar10_resnet20 -a sparten --per-layer --format json " + extra);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    return parse_json(r)["layers"];
  };
  const json recorded = layers("--activations " + quoted(path("acts.safetensors")));
  const json defaults = layers("");
  const json relu = layers("--relu-density 0.25");
  ASSERT_GT(recorded.size(), 2u);
  EXPECT_EQ(recorded[1]["layer"], "layer1.0.conv1.weight");
  EXPECT_EQ(recorded[1]["act_stats_source"], "recorded: " + path("acts.safetensors"));
  EXPECT_EQ(recorded[1]["act_density"], 0.25);
  EXPECT_EQ(recorded[1]["act_bit_density"], 2 / 8.0 * 0.25);  // 5 = 0b101
  EXPECT_EQ(defaults[1]["act_density"], 0.56);
  EXPECT_TRUE(defaults[1]["act_bit_density"].is_null());
  EXPECT_LT(recorded[1]["compute_cycles"].get<double>(),
            defaults[1]["compute_cycles"].get<double>());
  EXPECT_EQ(recorded[2]["act_stats_source"], defaults[2]["act_stats_source"]);
  EXPECT_EQ(relu[2]["act_stats_source"], "default: relu 0.25 (relu_density given)");
  EXPECT_EQ(relu[1]["compute_cycles"], recorded[1]["compute_cycles"]);

  const RunResult refused = run("compare --networks cifar10_resnet20 resnet50 --activations " +
                                quoted(path("acts.safetensors")));
  EXPECT_EQ(refused.exit_code, 2) << describe(refused);
  EXPECT_NE(refused.err.find("exactly one network"), std::string::npos) << refused.err;
}

TEST_F(CliTest, SimulateUsesInt8WeightsAsGiven) {
  const char* onnx = std::getenv("BBS_ONNX_DIR");
  if (onnx == nullptr) GTEST_SKIP() << "BBS_ONNX_DIR not set (run through ctest)";
  const fs::path dir(onnx);
  std::vector<std::int8_t> fc(32 * 64);
  for (std::size_t i = 0; i < fc.size(); ++i) fc[i] = i % 2 == 0 ? 48 : 3;
  io::write_safetensors(path("fc.safetensors"), {io::make_tensor("fc.weight", {32, 64}, fc)});
  struct Case {
    std::string network, kind;
    double pragmatic_per_tile, bitlet_per_tile;
  };
  const std::vector<Case> cases{
      {quoted((dir / "int8_fc.onnx").string()), "int8 as given", 2, 16},
      {quoted((dir / "float_fc.onnx").string()) + " --weights " + quoted(path("fc.safetensors")),
       "int8 as given", 2, 16},
      {quoted((dir / "float_fc.onnx").string()), "float, quantized per channel", 7, 32}};
  for (const Case& c : cases) {
    for (const std::string accel : {"pragmatic", "bitlet"}) {
      SCOPED_TRACE(c.network + " on " + accel);
      const RunResult r = run("simulate -n " + c.network + " -a " + accel + " --set array.lanes=" +
                              (accel == "bitlet" ? "32" : "8") + " --per-layer --format json");
      ASSERT_EQ(r.exit_code, 0) << describe(r);
      const json report = parse_json(r);
      EXPECT_EQ(report["simulation"][0]["weights_kind"], c.kind);
      const json& layer = report["layers"][0];
      const double per_tile = accel == "bitlet" ? c.bitlet_per_tile : c.pragmatic_per_tile;
      EXPECT_EQ(layer["compute_cycles"].get<double>(), per_tile * layer["tiles"].get<double>());
    }
  }
}

}  // namespace
}  // namespace bbs::cli_test

// ---------------------------------------------------------------------------------------------
// Campaigns and result databases under hostile input (issue 12): each test failed before.
// ---------------------------------------------------------------------------------------------

namespace bbs::cli_test {
namespace {

std::string resnet20_weights() {
  return std::string(std::getenv("BBS_DATA_DIR")) + "/weights/cifar10_resnet20.safetensors";
}

// Runs SQL on a database file directly (what a damaged or older file looks like).
void exec_sql(const std::string& db, const std::string& sql) {
  SQLite::Database handle(db, SQLite::OPEN_READWRITE);
  handle.exec(sql);
}

std::int64_t count_rows(const std::string& db, const std::string& sql) {
  SQLite::Database handle(db, SQLite::OPEN_READONLY);
  return handle.execAndGet(sql).getInt64();
}

class CampaignCliTest : public CliTest {
 protected:
  // Writes `text` as NAME.toml and runs it into NAME.db.
  RunResult run_campaign(const std::string& name, const std::string& text,
                         const std::string& extra = "") {
    std::ofstream(path(name + ".toml")) << text;
    return run("run " + cli_test::quoted(path(name + ".toml")) + " --db " +
               cli_test::quoted(path(name + ".db")) + " " + extra);
  }

  RunResult query(const std::string& db, const std::string& args) {
    return run("query --db " + cli_test::quoted(path(db)) + " " + args);
  }

  // Expects exit 2, every needle in stderr, and no database created.
  void expect_refused(const std::string& name, const std::string& text,
                      const std::vector<std::string>& needles) {
    SCOPED_TRACE(text);
    const RunResult r = run_campaign(name, text);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    for (const auto& needle : needles)
      EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr lacks \"" << needle << "\"";
    EXPECT_FALSE(fs::exists(path(name + ".db"))) << "a database was created";
  }
};

std::string one_design(const std::string& design_lines, const std::string& extra = "") {
  return "name = \"c\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\nweights = \"" +
         resnet20_weights() + "\"\n[[design]]\n" + design_lines + extra;
}

// Before: stored every point as failed and exited 0, or named a flag the user never gave.
TEST_F(CampaignCliTest, MistakesAreRefusedByFileLineAndKeyBeforeTheFirstPoint) {
  expect_refused("accel", one_design("accel = \"bitvrt\"\n"),
                 {"accel.toml:6: key 'design[0].accel' is 'bitvrt'", "bitvert"});
  expect_refused("set", one_design("accel = \"bitvert\"\nset = [\"array.rowz=4\"]\n"),
                 {"set.toml:7: key 'design[0].set'", "unknown key 'array.rowz'"});
  expect_refused("axis", one_design("accel = \"bitvert\"\n[design.axes]\n\"array.rowz\" = [4]\n"),
                 {"axis.toml:8: key 'design[0].axes.array.rowz'", "unknown key 'array.rowz'"});
  expect_refused("range",
                 one_design("accel = \"bitvert\"\n[design.axes]\n"
                            "\"array.rows\" = { range = [1, 9223372036854775807] }\n"),
                 {"range.toml:8: key 'design[0].axes.array.rows'", "expects an integer"});
  expect_refused(
      "profile", "profile = \"exact\"\n" + one_design("accel = \"bitvert\"\n"),
      {"profile.toml:1: key 'profile'", "profile 'exact': expected bitsim or corrected"});
  EXPECT_EQ(run_campaign("p2", "profile = \"exact\"\n" + one_design("accel = \"bitvert\"\n"))
                .err.find("--profile"),
            std::string::npos);
  expect_refused("network",
                 "name = \"c\"\n[[workload]]\nnetwork = \"resnet5O\"\n[[design]]\naccel = "
                 "\"stripes\"\n",
                 {"network.toml:3: key 'workload[0].network'", "resnet5O"});
  expect_refused("phase",
                 "name = \"c\"\n[[workload]]\nnetwork = \"llama2_7b\"\nphase = \"decoding\"\n"
                 "[[design]]\naccel = \"stripes\"\n",
                 {"phase.toml:4: key 'workload[0].phase'", "decoding"});
  expect_refused("batch",
                 "name = \"c\"\n[[workload]]\nnetwork = \"resnet50\"\nbatch = 0\n"
                 "[[design]]\naccel = \"stripes\"\n",
                 {"batch.toml:4: key 'workload[0].batch' is 0; expected >= 1"});
  expect_refused("overflow",
                 "name = \"c\"\n[[workload]]\nnetwork = \"resnet50\"\nbatch = 4611686018427387904\n"
                 "[[design]]\naccel = \"stripes\"\n",
                 {"overflow.toml:2: key 'workload[0]'"});
  expect_refused("grid",
                 one_design("accel = \"bitvert\"\n[design.axes]\n"
                            "\"array.rows\" = { range = [1, 1000000] }\n"
                            "\"array.cols\" = { range = [1, 1000000] }\n"),
                 {"grid.toml: the design space has 1000000000000 points", "at most 1000000"});
  const RunResult shard =
      run_campaign("shard", one_design("accel = \"stripes\"\n"), "--shard 1/3/5");
  EXPECT_EQ(shard.exit_code, 2) << describe(shard);
  EXPECT_NE(shard.err.find("--shard '1/3/5'"), std::string::npos) << shard.err;
}

// Before: `range = [1, 1e9]` built the axis in memory (3 GB in 10 s) and NSGA-II with
// generations = 2e9 over four points never ended.
TEST_F(CampaignCliTest, HugeAxesAreSampledAndExhaustedSearchesStop) {
  const RunResult sampled =
      run_campaign("sampled", one_design("accel = \"bitvert\"\n[design.axes]\n"
                                         "\"array.rows\" = { range = [1, 1000000000] }\n",
                                         "[strategy]\nkind = \"random\"\nsamples = 2\n"));
  EXPECT_EQ(sampled.exit_code, 0) << describe(sampled);
  EXPECT_EQ(count_rows(path("sampled.db"), "SELECT count(*) FROM design_point"), 2);

  const RunResult search = run_campaign(
      "search", one_design("accel = \"bitvert\"\n[design.axes]\n\"array.rows\" = [16, 32]\n"
                           "\"pruning.columns\" = [2, 4]\n",
                           "[strategy]\nkind = \"nsga2\"\npopulation = 8\n"
                           "generations = 2000000000\n"));
  EXPECT_EQ(search.exit_code, 0) << describe(search);
  EXPECT_EQ(count_rows(path("search.db"), "SELECT count(*) FROM design_point"), 4);
}

// Before: "49 new points", exit 0, when every point failed.
TEST_F(CampaignCliTest, ACampaignWhoseEveryPointFailsSaysWhyAndExitsNonZero) {
  const RunResult r = run_campaign(
      "fail", one_design("accel = \"bitvert\"\n[design.axes]\n\"array.rows\" = [16, 32]\n",
                         "[constraints]\nmax_area_mm2 = 0.001\n"));
  EXPECT_EQ(r.exit_code, 3) << describe(r);
  EXPECT_NE(r.err.find("2 of 2 stored points failed, by reason:\n  2 x constraint max_area_mm2"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("no design point succeeded"), std::string::npos) << r.err;
  const RunResult some = run_campaign(
      "some", one_design("accel = \"bitvert\"\n[design.axes]\n\"array.rows\" = [16, 32]\n",
                         "[constraints]\nexpressions = [\"multipliers >= 4096\"]\n"));
  EXPECT_EQ(some.exit_code, 0) << describe(some);
  EXPECT_NE(some.err.find("1 of 2 stored points failed"), std::string::npos) << some.err;
}

// Before: points stored as "failed: disk full while caching profile" stayed failed for ever.
TEST_F(CampaignCliTest, TransientFailuresAreEvaluatedAgainOnResume) {
  const std::string campaign = small_campaign(resnet20_weights());
  ASSERT_EQ(run_campaign("whole", campaign).exit_code, 0);
  ASSERT_EQ(run_campaign("hit", campaign).exit_code, 0);
  // What an earlier bbs-dse stored after a full disk: a failed point without totals or layers.
  exec_sql(path("hit.db"),
           "DELETE FROM layer_result WHERE point_id IN (SELECT id FROM design_point WHERE "
           "point_key LIKE '%array.rows=32%');"
           "UPDATE design_point SET status = 'failed', error = '''hit.db'': disk full while "
           "caching profile ''abc''', compute_cycles = NULL, dram_cycles = NULL, total_cycles = "
           "NULL, time_s = NULL, energy_pj = NULL, energy_pe_pj = NULL, energy_registers_pj = "
           "NULL, energy_sram_read_pj = NULL, energy_sram_write_pj = NULL, energy_dram_pj = NULL, "
           "area_mm2 = NULL, useful_fraction = NULL, intra_pe_stall_fraction = NULL, "
           "inter_pe_stall_fraction = NULL WHERE point_key LIKE '%array.rows=32%'");
  const RunResult resumed = run_campaign("hit", campaign);
  EXPECT_EQ(resumed.exit_code, 0) << describe(resumed);
  EXPECT_NE(resumed.err.find("4 points stored as failed for a transient reason"), std::string::npos)
      << resumed.err;
  const std::string rows =
      "--format csv --sql \"SELECT point_key, status, total_cycles, energy_pj, "
      "(SELECT count(*) FROM layer_result l WHERE l.point_id = p.id) AS layers FROM "
      "design_point p ORDER BY point_key\"";
  EXPECT_EQ(query("hit.db", rows).out, query("whole.db", rows).out);

  // A real full disk (RLIMIT_FSIZE: writes past the limit fail) at many sizes: the run stops
  // (exit 2) or leaves points for the next run (exit 75), never stores them as failed, and the
  // next run completes the same database.
  std::ofstream(path("full.toml")) << campaign;
  std::set<int> outcomes;
  // The limit is swept finely: where a write fails depends on the file's layout.
  for (int blocks = 100; blocks <= 1600; blocks += 50) {
    const std::string db = "limited" + std::to_string(blocks) + ".db";
    const std::string limited =
        "sh -c 'trap \"\" XFSZ; ulimit -f " + std::to_string(blocks) + "; exec " +
        cli_test::quoted(exe_) + " run " + cli_test::quoted(path("full.toml")) + " --db " +
        cli_test::quoted(path(db)) + "' 2>" + cli_test::quoted(path("limited.err"));
    const int status = std::system(limited.c_str());
    outcomes.insert(WEXITSTATUS(status));
    EXPECT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2 || WEXITSTATUS(status) == 75)
        << blocks << ": " << read_file(path("limited.err"));
    const RunResult completed =
        run("run " + cli_test::quoted(path("full.toml")) + " --db " + cli_test::quoted(path(db)));
    EXPECT_EQ(completed.exit_code, 0) << blocks << describe(completed);
    EXPECT_EQ(query(db, rows).out, query("whole.db", rows).out) << blocks;
  }
  EXPECT_TRUE(outcomes.count(75)) << "no limit left points for the next run";
}

// Before: a one-bit corruption in a shard's index merged as "0 points added, 3 already present"
// (exit 0), and 27 of 36 page-corrupted databases were accepted by `run`.
TEST_F(CampaignCliTest, DamagedDatabasesAreRefusedByName) {
  const std::string campaign = small_campaign(resnet20_weights());
  ASSERT_EQ(run_campaign("good", campaign, "--shard 1/2").exit_code, 0);
  const std::string good = read_file(path("good.db"));
  const std::size_t page = 4096, pages = good.size() / page;
  ASSERT_GT(pages, 8u);
  std::size_t refused = 0;
  for (std::size_t p = 1; p < pages; ++p) {  // page 1 is the header: "not a database"
    std::string bytes = good;
    std::mt19937 noise{unsigned(p)};
    for (std::size_t i = 0; i < page; ++i) bytes[p * page + i] = char(noise());
    const std::string copy = path("damaged.db");
    std::ofstream(copy, std::ios::binary | std::ios::trunc) << bytes;
    std::ofstream(path("damaged.toml")) << campaign;
    const RunResult r = run("run " + cli_test::quoted(path("damaged.toml")) + " --shard 2/2 --db " +
                            cli_test::quoted(copy));
    if (r.exit_code == 2 && r.err.find(copy) != std::string::npos) {
      ++refused;
    } else {
      ADD_FAILURE() << "page " << p + 1 << " of " << pages << " overwritten: " << describe(r);
    }
    fs::remove(copy);
  }
  EXPECT_EQ(refused, pages - 1);

  // One bit of the shard's point index flipped: merge names the shard and copies nothing.
  ASSERT_EQ(run_campaign("other", campaign, "--shard 2/2").exit_code, 0);
  std::string bytes = read_file(path("other.db"));
  const std::int64_t index_root = count_rows(
      path("other.db"),
      "SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_design_point_1'");
  const std::size_t at = std::size_t(index_root - 1) * page + page - 40;
  bytes[at] = char(bytes[at] ^ 0x01);
  std::ofstream(path("flipped.db"), std::ios::binary | std::ios::trunc) << bytes;
  const RunResult merge = run("merge " + cli_test::quoted(path("good.db")) + " " +
                              cli_test::quoted(path("flipped.db")));
  EXPECT_EQ(merge.exit_code, 2) << describe(merge);
  EXPECT_NE(merge.err.find(path("flipped.db") + "' is damaged (PRAGMA integrity_check)"),
            std::string::npos)
      << merge.err;
  // The same file as the database of a run: refused, not resumed with points skipped.
  std::ofstream(path("flipped.toml")) << campaign;
  const RunResult resumed = run("run " + cli_test::quoted(path("flipped.toml")) +
                                " --shard 2/2 --db " + cli_test::quoted(path("flipped.db")));
  EXPECT_EQ(resumed.exit_code, 2) << describe(resumed);
  EXPECT_NE(resumed.err.find("is damaged"), std::string::npos) << resumed.err;
}

// Before: query and plot failed on a directory the user cannot write.
TEST_F(CampaignCliTest, ReadOnlyDirectoriesAndFilesCanBeQueried) {
  fs::create_directories(path("shared"));
  std::ofstream(path("shared/c.toml")) << small_campaign(resnet20_weights());
  ASSERT_EQ(run("run " + cli_test::quoted(path("shared/c.toml")) + " --db " +
                cli_test::quoted(path("shared/c.db")))
                .exit_code,
            0);
  fs::permissions(path("shared/c.db"),
                  fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(path("shared"), fs::perms::owner_read | fs::perms::owner_exec |
                                      fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir_.path(), fs::perms::others_exec | fs::perms::group_exec,
                  fs::perm_options::add);
  // As root every directory is writable: drop to nobody where possible.
  const bool root = ::geteuid() == 0;
  if (root && std::system("setpriv --reuid=65534 --regid=65534 --clear-groups true") != 0)
    GTEST_SKIP() << "running as root and setpriv cannot drop to nobody";
  const std::string as_user = root ? "--reuid=65534 --regid=65534 --clear-groups " : "";
  const std::string command = (root ? "setpriv " + as_user : std::string()) +
                              cli_test::quoted(exe_) + " query --db " +
                              cli_test::quoted(path("shared/c.db")) +
                              " --format csv --sql \"SELECT count(*) AS n FROM design_point\"";
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    out.append(buffer.data(), n);
  EXPECT_EQ(WEXITSTATUS(::pclose(pipe)), 0) << out;
  EXPECT_NE(out.find("n\n9\n"), std::string::npos) << out;  // 9 points read
  EXPECT_FALSE(fs::exists(path("shared/c.db-wal")));
  EXPECT_FALSE(fs::exists(path("shared/c.db-shm")));
  fs::permissions(path("shared"), fs::perms::owner_all);
}

// Before: VACUUM INTO wrote a file from the read-only command; plot wrote a schema into an empty
// file; a refused file had its journal mode switched.
TEST_F(CampaignCliTest, ReadingCommandsWriteNothing) {
  ASSERT_EQ(run_campaign("c", small_campaign(resnet20_weights())).exit_code, 0);
  const RunResult vacuum = query("c.db", "--sql \"VACUUM INTO '" + path("copy.db") + "'\"");
  EXPECT_EQ(vacuum.exit_code, 2) << describe(vacuum);
  EXPECT_NE(vacuum.err.find("expected a read-only statement"), std::string::npos) << vacuum.err;
  EXPECT_FALSE(fs::exists(path("copy.db")));
  EXPECT_EQ(query("c.db", "--sql \"DELETE FROM campaign\"").exit_code, 2);

  std::ofstream(path("empty.db")).flush();
  const RunResult plot = run("plot --db " + cli_test::quoted(path("empty.db")) + " --out " +
                             cli_test::quoted(path("figures")));
  EXPECT_EQ(plot.exit_code, 2) << describe(plot);
  EXPECT_EQ(fs::file_size(path("empty.db")), 0u);

  // A store that lacks a view: refused, and still in its rollback journal mode.
  exec_sql(path("c.db"), "PRAGMA journal_mode = DELETE; DROP VIEW point_summary");
  const std::string before = read_file(path("c.db"));
  const RunResult refused = run_campaign("c", small_campaign(resnet20_weights()));
  EXPECT_EQ(refused.exit_code, 2) << describe(refused);
  EXPECT_NE(refused.err.find("has no 'point_summary'"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(path("c.db")), before);
}

// Before: three or four simultaneous first runs died with "cannot migrate schema version 0 to 1".
TEST_F(CampaignCliTest, SimultaneousFirstRunsShareANewDatabase) {
  std::ofstream(path("c.toml")) << small_campaign(resnet20_weights());
  std::string command;
  for (int k = 1; k <= 4; ++k)
    command += cli_test::quoted(exe_) + " run " + cli_test::quoted(path("c.toml")) + " --shard " +
               std::to_string(k) + "/4 --db " + cli_test::quoted(path("c.db")) + " 2>" +
               cli_test::quoted(path("err" + std::to_string(k))) + " & ";
  command += "fail=0; for job in $(jobs -p); do wait $job || fail=1; done; exit $fail";
  const int status = std::system(("bash -c " + cli_test::quoted(command)).c_str());
  std::string errors;
  for (int k = 1; k <= 4; ++k) errors += read_file(path("err" + std::to_string(k)));
  EXPECT_EQ(WEXITSTATUS(status), 0) << errors;
  EXPECT_EQ(errors.find("cannot migrate"), std::string::npos) << errors;
  EXPECT_EQ(count_rows(path("c.db"), "SELECT count(*) FROM design_point WHERE status = 'done'"), 9);
}

// Before: empty tables and exit 0.
TEST_F(CampaignCliTest, QueryRefusesPointsAndCampaignsThatDoNotExist) {
  ASSERT_EQ(run_campaign("c", small_campaign(resnet20_weights())).exit_code, 0);
  const RunResult point = query("c.db", "--point 99999");
  EXPECT_EQ(point.exit_code, 2) << describe(point);
  EXPECT_NE(point.err.find("--point 99999: no such design point"), std::string::npos);
  const RunResult campaign = query("c.db", "--campaign nope");
  EXPECT_EQ(campaign.exit_code, 2) << describe(campaign);
  EXPECT_NE(campaign.err.find("--campaign 'nope': no such campaign"), std::string::npos);
  EXPECT_NE(campaign.err.find("(it holds: small)"), std::string::npos) << campaign.err;
  EXPECT_EQ(query("c.db", "--point 1").exit_code, 0);
}

// Before: hardware_json held text, so "array.rows" >= 32 also matched 16; the docs' pairing
// example returned no row; the summary merged bitvert and bitvert-cons; no geomean; no diff.
TEST_F(CampaignCliTest, TheDatabaseAnswersTypedAndPairedQuestions) {
  const std::string presets =
      "name = \"p\"\n[[workload]]\nnetwork = \"cifar10_resnet20\"\n"
      "weights = \"" +
      resnet20_weights() +
      "\"\n[[design]]\naccel = \"stripes\"\n[[design]]\naccel = "
      "\"bitvert\"\n[[design]]\naccel = \"bitvert-cons\"\n"
      "[[design]]\naccel = \"stripes\"\nset = [\"array.rows=32\"]\n";
  ASSERT_EQ(run_campaign("c", small_campaign(resnet20_weights())).exit_code, 0);
  const RunResult typed = query("c.db",
                                "--format json --sql \"SELECT DISTINCT \\\"array.rows\\\" AS "
                                "r, typeof(\\\"array.rows\\\") AS t FROM point_axes "
                                "WHERE \\\"array.rows\\\" >= 32\"");
  EXPECT_EQ(parse_json(typed)["sql"], json::parse(R"([{"r": 32, "t": "integer"}])"))
      << describe(typed);
  // Every hardware key has its column, equal to hardware_json's value.
  const RunResult keys = query("c.db",
                               "--format json --sql \"SELECT j.key, j.value, "
                               "j.type FROM design_point p, json_each(p.hardware_json) j "
                               "WHERE p.id = 1\"");
  const json pairs = parse_json(keys)["sql"];
  ASSERT_GT(pairs.size(), 20u) << keys.out;
  for (const auto& pair : pairs) {
    const std::string key = pair["key"];
    const RunResult column =
        query("c.db", "--format json --sql \"SELECT a.\\\"" + key +
                          "\\\" = json_extract(p.hardware_json, '$.\\\"" + key +
                          "\\\"') AS same FROM point_axes a JOIN design_point "
                          "p ON p.id = a.point_id WHERE p.id = 1\"");
    EXPECT_EQ(parse_json(column)["sql"][0]["same"], 1) << key << describe(column);
    const bool text = key == "design" || key.ends_with(".ports") || key == "pruning.method";
    if (text)
      EXPECT_EQ(pair["type"], "text") << key;
    else
      EXPECT_NE(pair["type"], "text") << key;  // integer or real
  }

  ASSERT_EQ(run_campaign("presets", presets).exit_code, 0);
  const std::string docs =
      read_file(fs::path(BBS_TEST_DATA_DIR).parent_path() / "docs/database.md");
  const std::size_t start = docs.find("-- Iso-hardware pairing");
  ASSERT_NE(start, std::string::npos);
  const std::size_t sql = docs.find("\nSELECT", start) + 1;
  const std::string pairing = docs.substr(sql, docs.find(';', sql) - sql);
  std::string escaped;
  for (char c : pairing) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
  const RunResult paired = query("presets.db", "--format json --sql \"" + escaped + "\"");
  ASSERT_EQ(paired.exit_code, 0) << describe(paired);
  EXPECT_EQ(parse_json(paired)["sql"].size(), 2u) << paired.out;  // bitvert, bitvert-cons

  const RunResult summary = query("presets.db", "--format json");
  const json campaigns = parse_json(summary)["campaigns"];
  ASSERT_EQ(campaigns.size(), 3u) << summary.out;
  EXPECT_EQ(campaigns[0]["accel"], "bitvert");
  EXPECT_EQ(campaigns[1]["accel"], "bitvert-cons");

  const RunResult baseline = query("presets.db", "--baseline --format json");
  const json geomean = parse_json(baseline)["geomean"];
  ASSERT_EQ(geomean.size(), 4u) << baseline.out;  // by design point: two stripes points
  EXPECT_EQ(geomean[2]["accel"], "stripes");
  EXPECT_EQ(geomean[2]["speedup"], 1.0);

  // The same presets at batch 2: the diff pairs each design point of one with the other.
  std::string batched = presets;
  batched.replace(batched.find("name = \"p\""), 10, "name = \"q\"");
  batched.insert(batched.find("weights = "), "batch = 2\n");
  std::ofstream(path("q.toml")) << batched;
  ASSERT_EQ(run("run " + cli_test::quoted(path("q.toml")) + " --db " +
                cli_test::quoted(path("presets.db")))
                .exit_code,
            0);
  const RunResult diff = query("presets.db", "--diff p q --format json");
  ASSERT_EQ(diff.exit_code, 0) << describe(diff);
  const json ratios = parse_json(diff)["diff"];
  ASSERT_EQ(ratios.size(), 4u) << diff.out;
  for (const auto& row : ratios) {
    EXPECT_EQ(row["network"], "cifar10_resnet20");
    EXPECT_GT(row["time_ratio"].get<double>(), 1.5) << row.dump();
  }
  EXPECT_EQ(query("presets.db", "--diff p nope").exit_code, 2);
}

// Before: the accuracy proxies were neither --pareto metrics nor campaign objectives.
TEST_F(CampaignCliTest, AccuracyProxiesAreParetoMetricsAndSearchObjectives) {
  const std::string text = "objectives = [\"latency\", \"weight_sqnr_db\"]\n" +
                           one_design(
                               "accel = \"bitvert\"\n[design.axes]\n"
                               "\"pruning.columns\" = [0, 2, 4, 6]\n",
                               "[strategy]\nkind = \"nsga2\"\npopulation = 4\n"
                               "generations = 3\n");
  const RunResult r = run_campaign("proxies", text);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const RunResult front =
      query("proxies.db", "--pareto bits_per_weight,weight_sqnr_db --format json");
  ASSERT_EQ(front.exit_code, 0) << describe(front);
  const json rows = parse_json(front)["pareto"];
  // Fewer pruned columns: more bits and a better SQNR; every setting is on the front, and the
  // unpruned one (SQNR NULL: no error) has the most bits.
  ASSERT_EQ(rows.size(), 4u) << front.out;
  EXPECT_TRUE(rows[3]["weight_sqnr_db"].is_null());
  EXPECT_EQ(query("proxies.db", "--pareto latency,accuracy").exit_code, 2);
}

// Before: a preset without a published PE area (area.pe_um2 = 0) printed pe_area_mm2 0, area_mm2
// the SRAMs' alone and a tops_per_mm2 over it. Now they are null; the SRAM area is still given.
TEST_F(CliTest, PresetsWithoutAPublishedPeAreaPrintNullAreas) {
  const RunResult listed = run("list accels --format json");
  ASSERT_EQ(listed.exit_code, 0) << describe(listed);
  const json presets = parse_json(listed)["accels"];
  int unpublished = 0;
  for (const json& preset : presets) {
    if (!preset.at("pe_area_um2").is_null()) continue;
    ++unpublished;
    const std::string name = preset["name"].get<std::string>();
    const RunResult r =
        run("simulate --network cifar10_resnet20 --accel " + name + " --format json");
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json s = parse_json(r)["simulation"][0];
    for (const char* key : {"area_mm2", "pe_area_mm2", "tops_per_mm2"})
      EXPECT_TRUE(s[key].is_null()) << name << ": " << key << " = " << s[key];
    EXPECT_GT(s["sram_area_mm2"].get<double>(), 0) << name;
    EXPECT_GT(s["tops"].get<double>(), 0) << name;
  }
  EXPECT_GT(unpublished, 0) << listed.out;  // ant and bit-parallel publish no PE area
}

// Before: an unknown-area point ranked by its SRAM area alone (often the smallest).
TEST_F(CampaignCliTest, AnUnknownAreaIsNeverOnAParetoFrontOrATopList) {
  const RunResult r =
      run_campaign("area", one_design("accel = \"ant\"\n[[design]]\naccel = \"bitvert\"\n"
                                      "[[design]]\naccel = \"stripes\"\n"));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(count_rows(path("area.db"),
                       "SELECT count(*) FROM design_point WHERE accel = 'ant' "
                       "AND area_mm2 IS NULL AND sram_area_mm2 > 0"),
            1);
  for (const std::string args : {"--pareto area,latency", "--pareto throughput_per_area,energy",
                                 "--top 3 --by area", "--top 3 --by tops_per_mm2"}) {
    const RunResult q = query("area.db", args + " --format json");
    ASSERT_EQ(q.exit_code, 0) << describe(q);
    const json doc = parse_json(q);
    const json& rows = doc.begin().value();
    ASSERT_FALSE(rows.empty()) << args << ": " << q.out;
    for (const json& row : rows) EXPECT_NE(row["accel"], "ant") << args << ": " << q.out;
  }
}

// safetensors.torch.save_file(model.state_dict()) of a model with BatchNorm: the I64
// num_batches_tracked is listed as skipped (it used to be fatal) and prune writes it back as is.
TEST_F(CliTest, StateDictWithBatchNormIsAnalyzedAndPrunedWithItsBuffers) {
  const auto conv = random_floats(8 * 4 * 3 * 3, 0.1f, 3);
  const std::vector<float> ones(8, 1.0f);
  const std::int64_t batches = 1234;
  io::TensorData tracked{"bn.num_batches_tracked", DType::I64, {}, {}};
  const auto batch_bytes = std::as_bytes(std::span(&batches, 1));
  tracked.bytes.assign(batch_bytes.begin(), batch_bytes.end());
  const std::string in = path("state_dict.safetensors"), out = path("pruned.safetensors");
  io::write_safetensors(in, {io::make_tensor("conv.weight", {8, 4, 3, 3}, conv),
                             io::make_tensor("bn.weight", {8}, ones), tracked});
  const RunResult analyzed = run("analyze -w " + quoted(in) + " --setting moderate");
  ASSERT_EQ(analyzed.exit_code, 0) << describe(analyzed);
  EXPECT_NE(analyzed.err.find("2 tensor(s) are not weights"), std::string::npos) << analyzed.err;
  EXPECT_NE(analyzed.err.find("bn.num_batches_tracked (I64 [])"), std::string::npos)
      << analyzed.err;
  const RunResult pruned =
      run("prune -i " + quoted(in) + " -o " + quoted(out) + " --setting moderate");
  ASSERT_EQ(pruned.exit_code, 0) << describe(pruned);
  const auto written = io::WeightFile::open(out);
  ASSERT_NE(written.find("bn.num_batches_tracked"), nullptr);
  EXPECT_EQ(written.find("bn.num_batches_tracked")->dtype, DType::I64);
  EXPECT_EQ(values_of<std::int64_t>(written, "bn.num_batches_tracked"),
            std::vector<std::int64_t>{batches});
}

// np.save of a float64 array (NumPy's default dtype) is analyzed and pruned back to float64.
TEST_F(CliTest, Float64NpyIsAnalyzedAndPrunedAsFloat64) {
  const auto floats = random_floats(16 * 32, 0.05f, 4);
  const std::vector<double> wide(floats.begin(), floats.end());
  const auto bytes = std::as_bytes(std::span(wide));
  const std::string in = path("w64.npy"), out = path("w64_pruned.npy");
  io::write_npy(in, {"w64", DType::F64, {16, 32}, {bytes.begin(), bytes.end()}});
  const RunResult analyzed = run("analyze -w " + quoted(in) + " --format json");
  ASSERT_EQ(analyzed.exit_code, 0) << describe(analyzed);
  const RunResult pruned =
      run("prune -i " + quoted(in) + " -o " + quoted(out) + " --method round-avg --columns 2");
  ASSERT_EQ(pruned.exit_code, 0) << describe(pruned);
  const auto written = io::WeightFile::open(out);
  ASSERT_EQ(written.tensors().size(), 1u);
  EXPECT_EQ(written.tensors()[0].dtype, DType::F64);
  EXPECT_EQ(written.tensors()[0].shape, (Shape{16, 32}));
}

// A campaign's ONNX network path is relative to the campaign file (run from another folder), and
// `run` and `analyze --db` give the model one name, so analyses join design points (issue 12).
TEST_F(CliTest, CampaignOnnxPathsResolveAndTheModelHasOneName) {
  const char* test_data = std::getenv("BBS_TEST_DATA");
  ASSERT_NE(test_data, nullptr);
  fs::create_directories(dir_ / "study" / "models");
  fs::copy_file(fs::path(test_data) / "onnx" / "torch_encoder_layer.onnx",
                dir_ / "study" / "models" / "enc.onnx");
  std::ofstream(dir_ / "study" / "c.toml") << "name = \"onnx\"\n[[workload]]\n"
                                              "network = \"models/enc.onnx\"\n"
                                              "[[design]]\naccel = \"stripes\"\n";
  const std::string db = quoted(path("r.db"));
  const RunResult ran = run("run " + quoted(path("study/c.toml")) + " --db " + db);
  ASSERT_EQ(ran.exit_code, 0) << describe(ran);
  const RunResult analyzed =
      run("analyze --network " + quoted(path("study/models/enc.onnx")) + " --db " + db);
  ASSERT_EQ(analyzed.exit_code, 0) << describe(analyzed);
  const RunResult names =
      run("query --db " + db +
          " --format csv --sql \"SELECT w.network, a.network FROM workload w, analysis a\"");
  ASSERT_EQ(names.exit_code, 0) << describe(names);
  EXPECT_NE(names.out.find("enc,enc"), std::string::npos) << names.out;
}

// compare --weights-dir finds a zoo network's file under the network's own name, and says so
// when a network has no file there (it used to use synthetic weights silently).
TEST_F(CliTest, CompareWeightsDirFindsFilesByNetworkName) {
  const auto shared = std::getenv("BBS_SHARED_WEIGHTS");
  const fs::path source = fs::path(shared ? shared : "") / "llama2c_stories260K.safetensors";
  if (!fs::exists(source)) GTEST_SKIP() << "no shared weights";
  fs::create_directories(dir_ / "w");
  fs::copy_file(source, dir_ / "w" / "llama2c_stories260k.safetensors");
  const RunResult found =
      run("compare --networks llama2c_stories260k --accels stripes "
          "--format json --weights-dir " +
          quoted(path("w")));
  ASSERT_EQ(found.exit_code, 0) << describe(found);
  int rows = 0;
  const json report = parse_json(found);
  for (const auto& [table, table_rows] : report.items()) {
    for (const auto& row : table_rows) {
      if (!row.is_object() || !row.contains("synthetic_weights")) continue;
      ++rows;
      EXPECT_TRUE(row["synthetic_weights"] == "no" || row["synthetic_weights"] == false) << row;
    }
  }
  EXPECT_GT(rows, 0) << found.out;
  const RunResult missing =
      run("compare --networks cifar10_resnet20 --accels stripes "
          "--weights-dir " +
          quoted(path("w")));
  ASSERT_EQ(missing.exit_code, 0) << describe(missing);
  EXPECT_NE(missing.err.find("cifar10_resnet20: no weight file in"), std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("synthetic weights"), std::string::npos) << missing.err;
}

// BBS paper Table VI from one command: `compare --preset table6` is BitVert moderate with BBS on
// every channel against the OliVe PE, PE area, power, throughput and perf/area vs OliVe.
// Before: compare's default designs include ANT, which the bitsim profile refuses (BitSim cannot
// build its SRAM), so `compare --profile bitsim` failed outright. A default design the profile
// refuses is left out with its reason; naming it explicitly is still an error.
TEST_F(CliTest, CompareLeavesOutDefaultDesignsTheProfileRefusesAndSaysWhy) {
  const RunResult r = run("compare --profile bitsim --networks cifar10_resnet20 --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json report = parse_json(r);
  std::set<std::string> compared;
  for (const json& row : report["geomean"]) compared.insert(row["accel"].get<std::string>());
  const dse::CampaignSpec paper = dse::builtin_campaign("paper");
  std::vector<std::string> left_out;
  for (const dse::DesignSpec& d : paper.designs) {
    if (!d.workloads.empty() || !d.axes.empty() || compared.contains(d.accel)) continue;
    left_out.push_back(d.accel);
    EXPECT_NE(r.err.find("note: compare: " + d.accel + " left out: "), std::string::npos)
        << d.accel << ": " << r.err;
    const RunResult named =
        run("compare --profile bitsim --networks cifar10_resnet20 --accels " + d.accel);
    EXPECT_EQ(named.exit_code, 2) << describe(named);
  }
  EXPECT_FALSE(left_out.empty()) << "every default design has a bitsim model: test needs updating";
  EXPECT_GE(compared.size(), 6u);
}

TEST_F(CliTest, CompareTable6PresetPutsBitVertModerateAgainstTheOlivePe) {
  const fs::path source = fs::path(BBS_TEST_SHARED_WEIGHTS) / "llama2c_stories260K.safetensors";
  if (!fs::exists(source)) GTEST_SKIP() << "no shared weights";
  fs::create_directories(dir_ / "w");
  fs::copy_file(source, dir_ / "w" / "llama2c_stories260k.safetensors");
  const std::string args =
      "compare --preset table6 --networks llama2c_stories260k --weights-dir " + quoted(path("w"));
  const RunResult r = run(args + " --format json");
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json pe = parse_json(r)["pe"];
  ASSERT_EQ(pe.size(), 2u) << r.out;
  const json& olive = pe[0];
  const json& bitvert = pe[1];
  EXPECT_EQ(olive["accel"], "olive");
  EXPECT_EQ(bitvert["accel"], "bitvert");
  EXPECT_DOUBLE_EQ(olive["area_um2"].get<double>(), 291.6);
  EXPECT_DOUBLE_EQ(olive["power_mw"].get<double>(), 0.18);
  EXPECT_DOUBLE_EQ(olive["norm_perf"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(bitvert["area_um2"].get<double>(), 739.6);
  const double perf = bitvert["norm_perf"].get<double>();
  EXPECT_NEAR(perf, bitvert["macs_per_cycle"].get<double>() / olive["macs_per_cycle"].get<double>(),
              1e-12);
  EXPECT_NEAR(bitvert["norm_perf_per_area"].get<double>(), perf * 291.6 / 739.6, 1e-12);
  // 16 multiplications in 4 stored columns per BitVert PE, at most 1 per OliVe PE-cycle.
  EXPECT_GT(bitvert["macs_per_cycle"].get<double>(), 3.0);
  EXPECT_LE(bitvert["macs_per_cycle"].get<double>(), 4.0);
  EXPECT_LE(olive["macs_per_cycle"].get<double>(), 1.0);
  // The table format prints the "pe" table; the bitsim profile has no OliVe and says so.
  const RunResult table = run(args);
  ASSERT_EQ(table.exit_code, 0) << describe(table);
  EXPECT_NE(table.out.find("pe (BBS paper Table VI)"), std::string::npos) << table.out;
  const RunResult bitsim = run(args + " --profile bitsim");
  EXPECT_EQ(bitsim.exit_code, 2) << describe(bitsim);
  EXPECT_NE(bitsim.err.find("'olive'"), std::string::npos) << bitsim.err;
  EXPECT_NE(bitsim.err.find("has no model of this design"), std::string::npos) << bitsim.err;
}

// The built-in `llm` campaign (BBS paper §V-H) on a small LLM: prefill and decode, BitVert
// conservative and moderate on every channel (6.25 / 4.25 bits per weight), OliVe (4) and
// Stripes (8); `plot` draws both phases with OliVe's bars equal to the stored times' ratios.
TEST_F(CliTest, LlmCampaignRunsPrefillAndDecodeAndPlotsThem) {
  const fs::path source = fs::path(BBS_TEST_SHARED_WEIGHTS) / "llama2c_stories260K.safetensors";
  if (!fs::exists(source)) GTEST_SKIP() << "no shared weights";
  std::string campaign = read_file(fs::path(BBS_TEST_DATA_DIR) / "campaigns" / "llm.toml");
  const std::string network = "network = \"llama3_8b\"";
  const std::string small =
      "network = \"llama2c_stories260k\"\nweights = " + json(source.string()).dump();
  int replaced = 0;
  for (std::size_t at = campaign.find(network); at != std::string::npos;
       at = campaign.find(network, at + small.size()), ++replaced)
    campaign.replace(at, network.size(), small);
  ASSERT_EQ(replaced, 2) << campaign;
  std::ofstream(path("llm.toml")) << campaign;
  const RunResult r = run("run " + quoted(path("llm.toml")) + " --db " + quoted(path("llm.db")));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  SQLite::Database db(path("llm.db"));
  SQLite::Statement q(db,
                      "SELECT p.accel, json_extract(w.workload_json, '$.phase'), "
                      "p.bits_per_weight, p.status FROM design_point p "
                      "JOIN workload w ON w.id = p.workload_id");
  std::map<std::string, std::set<std::string>> phases;
  const std::map<std::string, double> bits{
      {"stripes", 8.0}, {"olive", 4.0}, {"bitvert-cons", 6.25}, {"bitvert", 4.25}};
  while (q.executeStep()) {
    const std::string accel = q.getColumn(0).getString();
    phases[accel].insert(q.getColumn(1).getString());
    EXPECT_EQ(q.getColumn(3).getString(), "done") << accel;
    EXPECT_DOUBLE_EQ(q.getColumn(2).getDouble(), bits.at(accel)) << accel;
  }
  for (const auto& [accel, b] : bits)
    EXPECT_EQ(phases[accel], (std::set<std::string>{"decode", "prefill"})) << accel;

  const RunResult plot =
      run("plot --db " + quoted(path("llm.db")) + " --figure speedup --out " + quoted(path("fig")));
  ASSERT_EQ(plot.exit_code, 0) << describe(plot);
  const json drawn = json::parse(read_file(dir_ / "fig" / "speedup.json"));
  const json& axes = drawn["axes"][0];
  EXPECT_EQ(axes["xticklabels"], (json{"stories260K", "stories260K (decode)", "Geomean"}));
  SQLite::Statement ratio(db,
                          "SELECT s.time_s / o.time_s FROM design_point o "
                          "JOIN design_point s ON s.workload_id = o.workload_id "
                          "AND s.point_key = 'accel=stripes' WHERE o.point_key = 'accel=olive' "
                          "ORDER BY o.workload_id");
  std::vector<double> expected;
  while (ratio.executeStep()) expected.push_back(ratio.getColumn(0).getDouble());
  bool found = false;
  for (const json& bars : axes["bars"]) {
    if (bars["label"] != "OliVe") continue;
    found = true;
    ASSERT_EQ(expected.size(), 2u);
    EXPECT_NEAR(bars["heights"][0].get<double>(), expected[0], 1e-9);
    EXPECT_NEAR(bars["heights"][1].get<double>(), expected[1], 1e-9);
  }
  EXPECT_TRUE(found) << axes.dump();
}

}  // namespace
}  // namespace bbs::cli_test

// ---------------------------------------------------------------------------------------------
// Hugging Face checkpoint directories, built here from stories260K (llama2.c names -> HF names)
// ---------------------------------------------------------------------------------------------

namespace bbs::cli_test {
namespace {

std::string hf_name(const std::string& name) {
  static const std::pair<const char*, const char*> kRenames[] = {
      {"attention.wq.", "self_attn.q_proj."},     {"attention.wk.", "self_attn.k_proj."},
      {"attention.wv.", "self_attn.v_proj."},     {"attention.wo.", "self_attn.o_proj."},
      {"feed_forward.w1.", "mlp.gate_proj."},     {"feed_forward.w3.", "mlp.up_proj."},
      {"feed_forward.w2.", "mlp.down_proj."},     {"attention_norm.", "input_layernorm."},
      {"ffn_norm.", "post_attention_layernorm."}, {"tok_embeddings.", "model.embed_tokens."}};
  if (name == "norm.weight") return "model.norm.weight";
  std::string out = name.starts_with("layers.") ? "model." + name : name;
  for (const auto& [from, to] : kRenames)
    if (const auto at = out.find(from); at != std::string::npos)
      out.replace(at, std::strlen(from), to);
  return out;
}

struct HfVariant {
  std::string name;
  DType dtype = DType::F32;
  int shards = 1;
  bool qwen2 = false;  // Qwen2ForCausalLM with q/k/v biases
  bool tied = true;    // false: an explicit lm_head.weight
};

class HfCheckpointTest : public CliTest, public ::testing::WithParamInterface<HfVariant> {
 protected:
  // Writes the checkpoint directory; `config_patch` overrides config.json keys.
  fs::path write_checkpoint(const HfVariant& v, const json& config_patch = json::object()) {
    const char* shared = std::getenv("BBS_SHARED_WEIGHTS");
    const fs::path source = fs::path(shared ? shared : "") / "llama2c_stories260K.safetensors";
    if (!fs::exists(source)) return {};
    const io::WeightFile file = io::WeightFile::open(source);
    std::vector<io::TensorData> tensors;
    auto add = [&](const std::string& name, const Shape& shape, const std::vector<float>& values) {
      if (v.dtype == DType::F32) {
        tensors.push_back(io::make_tensor(name, shape, values));
        return;
      }
      io::TensorData t{name, v.dtype, shape, std::vector<std::byte>(values.size() * 2)};
      for (std::size_t i = 0; i < values.size(); ++i) {
        const std::uint16_t bits = float_to_bfloat16(values[i]);
        std::memcpy(t.bytes.data() + 2 * i, &bits, 2);
      }
      tensors.push_back(std::move(t));
    };
    for (const io::TensorInfo& t : file.tensors()) {
      add(hf_name(t.name), t.shape, io::read_as_float(file, t.name));
      if (v.qwen2 && t.name.find(".attention.w") != std::string::npos &&
          t.name.find(".wo.") == std::string::npos)
        add(hf_name(t.name).replace(hf_name(t.name).size() - 6, 6, "bias"), {t.shape[0]},
            std::vector<float>(std::size_t(t.shape[0]), 0.01f));
    }
    if (!v.tied) add("lm_head.weight", {512, 64}, io::read_as_float(file, "tok_embeddings.weight"));
    const fs::path dir = dir_ / v.name;
    fs::create_directories(dir);
    json config = {{"architectures", {v.qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM"}},
                   {"hidden_size", 64},
                   {"intermediate_size", 172},
                   {"num_hidden_layers", 5},
                   {"num_attention_heads", 8},
                   {"num_key_value_heads", 4},
                   {"vocab_size", 512},
                   {"tie_word_embeddings", v.tied}};
    config.update(config_patch);
    std::ofstream(dir / "config.json") << config.dump(2);
    if (v.shards == 1) {
      io::write_safetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
      return dir;
    }
    json map = json::object();
    const std::size_t half = tensors.size() / 2;
    for (int s = 0; s < 2; ++s) {
      const std::string shard = "model-0000" + std::to_string(s + 1) + "-of-00002.safetensors";
      std::vector<io::TensorData> part(tensors.begin() + (s == 0 ? 0 : long(half)),
                                       s == 0 ? tensors.begin() + long(half) : tensors.end());
      for (const auto& t : part) map[t.name] = shard;
      io::write_safetensors(dir / shard, part, {{"format", "pt"}});
    }
    std::ofstream(dir / "model.safetensors.index.json") << json{{"weight_map", map}}.dump();
    return dir;
  }
};

TEST_P(HfCheckpointTest, EveryCommandTakesTheDirectory) {
  const fs::path dir = write_checkpoint(GetParam());
  if (dir.empty()) GTEST_SKIP() << "stories260K not in BBS_SHARED_WEIGHTS";
  const std::string d = quoted(dir.string());
  const RunResult show = run("show " + d + " --format json");
  ASSERT_EQ(show.exit_code, 0) << describe(show);
  const json shown = parse_json(show);
  EXPECT_EQ(shown["network"][0]["synthetic_weights"], false);
  EXPECT_EQ(shown["network"][0]["weight_layers"], 37);  // embedding, 35 linear, the head
  const std::int64_t bias = GetParam().qwen2 ? 5 * (64 + 32 + 32) : 0;
  const std::int64_t head = GetParam().tied ? 0 : 512 * 64;
  EXPECT_EQ(shown["network"][0]["params"], 260'032 + bias + head);

  const RunResult sim = run("simulate --network " + d +
                            " --accel bitvert --phase decode --kv-length 64 --format json");
  ASSERT_EQ(sim.exit_code, 0) << describe(sim);
  EXPECT_GT(parse_json(sim)["simulation"][0]["kv_cache_dram_bytes"].get<double>(), 0);

  const RunResult analyze = run("analyze --network " + d + " --format json");
  ASSERT_EQ(analyze.exit_code, 0) << describe(analyze);
  const RunResult compare = run("compare --networks " + d + " --accels stripes bitvert");
  ASSERT_EQ(compare.exit_code, 0) << describe(compare);

  const std::string campaign = path("hf.toml"), db = path("hf.db");
  std::ofstream(campaign) << "name = \"hf\"\n[[workload]]\nnetwork = \"" << dir.string()
                          << "\"\n[[design]]\naccel = \"stripes\"\n[[design]]\naccel = "
                             "\"bitvert\"\n";
  const RunResult campaign_run = run("run " + quoted(campaign) + " --db " + quoted(db));
  ASSERT_EQ(campaign_run.exit_code, 0) << describe(campaign_run);
  const RunResult plot = run("plot --db " + quoted(db) + " --out " + quoted(path("figures")));
  EXPECT_EQ(plot.exit_code, 0) << describe(plot);

  // prune writes a checkpoint directory the same tools load: same files, same tensors and dtypes.
  const fs::path pruned = dir_ / (GetParam().name + "-pruned");
  const RunResult prune =
      run("prune -i " + d + " -o " + quoted(pruned.string()) + " --setting moderate --format json");
  ASSERT_EQ(prune.exit_code, 0) << describe(prune);
  for (const auto& entry : fs::directory_iterator(dir)) {
    ASSERT_TRUE(fs::exists(pruned / entry.path().filename())) << entry.path();
    if (entry.path().extension() != ".safetensors") continue;
    const io::WeightFile before = io::WeightFile::open(entry.path());
    const io::WeightFile after = io::WeightFile::open(pruned / entry.path().filename());
    ASSERT_EQ(after.tensors().size(), before.tensors().size());
    for (std::size_t i = 0; i < before.tensors().size(); ++i) {
      const io::TensorInfo& t = before.tensors()[i];
      EXPECT_EQ(after.tensors()[i].dtype, t.dtype);
      EXPECT_EQ(after.tensors()[i].shape, t.shape);
      if (t.name.ends_with("q_proj.weight")) {  // pruned: the values moved
        EXPECT_NE(as_floats(after, t.name), as_floats(before, t.name)) << t.name;
      }
    }
  }
  const RunResult reshow = run("show " + quoted(pruned.string()) + " --format json");
  ASSERT_EQ(reshow.exit_code, 0) << describe(reshow);
  EXPECT_EQ(parse_json(reshow)["network"][0]["params"], shown["network"][0]["params"]);
}

INSTANTIATE_TEST_SUITE_P(Variants, HfCheckpointTest,
                         ::testing::Values(HfVariant{"llama"}, HfVariant{"sharded", DType::F32, 2},
                                           HfVariant{"bf16", DType::BF16},
                                           HfVariant{"qwen2", DType::F32, 1, true},
                                           HfVariant{"untied", DType::F32, 1, false, false}),
                         [](const auto& variant) { return variant.param.name; });

class HfConfigErrorTest : public HfCheckpointTest {};

TEST_F(HfConfigErrorTest, ConfigIsCheckedBeforeAnythingIsBuilt) {
  const std::pair<json, std::string> cases[] = {
      {{{"architectures", {"GPT2LMHeadModel"}}}, "architecture 'GPT2LMHeadModel'"},
      {{{"num_hidden_layers", 1'000'000}}, "'num_hidden_layers' = 1000000"},
      {{{"num_hidden_layers", 4}}, "'num_hidden_layers' (4)"},
      {{{"num_key_value_heads", 8}}, "self_attn.k_proj.weight' has shape [32, 64]"}};
  int i = 0;
  for (const auto& [patch, message] : cases) {
    const fs::path dir = write_checkpoint({"bad" + std::to_string(i++)}, patch);
    if (dir.empty()) GTEST_SKIP() << "stories260K not in BBS_SHARED_WEIGHTS";
    const RunResult r = run("show " + quoted(dir.string()));
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << describe(r);
    EXPECT_NE(r.err.find("config.json"), std::string::npos) << describe(r);
  }
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
  EXPECT_NE(table.err.find("simulation, not_on_array, layers"), std::string::npos) << table.err;
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
