#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "networks/io/weight_file.hpp"
#include "tests/io/io_test_util.hpp"

namespace bbs::io {
namespace {

using test::as_string;
using test::read_bytes;
using test::throws_file_error;
using test::to_bytes;
using test::write_bytes;

std::string u64_le(std::uint64_t value) {
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return bytes;
}

// A complete safetensors file with the header exactly as given (no padding).
std::string safetensors_file(std::string_view header_json, std::string_view data) {
  return u64_le(header_json.size()).append(header_json).append(data);
}

// Header of one F32 tensor "w" of `shape` at `offsets`.
std::string one_tensor_header(std::string_view shape, std::string_view offsets) {
  return R"({"w": {"dtype": "F32", "shape": )" + std::string(shape) + R"(, "data_offsets": )" +
         std::string(offsets) + "}}";
}

bool same_bytes(std::span<const std::byte> actual, const std::vector<std::byte>& expected) {
  return std::equal(actual.begin(), actual.end(), expected.begin(), expected.end());
}

class SafetensorsTest : public ::testing::Test {
 protected:
  std::filesystem::path write_file(std::string_view bytes) const {
    const auto path = dir_ / "model.safetensors";
    write_bytes(path, bytes);
    return path;
  }

  // Expects opening a file of `bytes` to fail with `problem` in the message.
  ::testing::AssertionResult open_fails(std::string_view bytes, std::string_view problem) const {
    const auto path = write_file(bytes);
    return throws_file_error([&] { WeightFile::open(path); }, path, problem);
  }

  test::TempDir dir_;
};

TEST_F(SafetensorsTest, RoundTripsEveryDTypeAndMetadata) {
  const std::vector<TensorData> tensors = {
      make_tensor("z.float", {2, 2}, std::vector<float>{1.0f, -2.0f, 0.5f, 1e20f}),
      {"y.half", DType::F16, {3}, to_bytes(std::vector<std::uint16_t>{0x3C00, 0xC000, 0x0001})},
      {"x.bf16", DType::BF16, {1, 2}, to_bytes(std::vector<std::uint16_t>{0x3F80, 0xC000})},
      make_tensor("w.int8", {3}, std::vector<std::int8_t>{-128, 0, 127}),
      make_tensor("v.int16", {}, std::vector<std::int16_t>{-32768}),
      make_tensor("u.empty", {0}, std::vector<float>{}),
  };
  const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"layout", "PyTorch"}};
  const auto path = dir_ / "all.safetensors";
  write_safetensors(path, tensors, metadata);

  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(file.format(), FileFormat::Safetensors);
  EXPECT_EQ(file.path(), path);
  EXPECT_EQ(file.metadata(), metadata);
  ASSERT_EQ(file.tensors().size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].name);
    EXPECT_EQ(file.tensors()[i].name, tensors[i].name);  // written order == offset order
    const TensorView view = file.tensor(tensors[i].name);
    EXPECT_EQ(view.info, &file.tensors()[i]);
    EXPECT_EQ(view.info->dtype, tensors[i].dtype);
    EXPECT_EQ(view.info->shape, tensors[i].shape);
    EXPECT_TRUE(same_bytes(view.bytes, tensors[i].bytes));
  }
  EXPECT_EQ(read_as_float(file, "x.bf16"), (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(read_as_float(file, "y.half"),
            (std::vector<float>{1.0f, -2.0f, 5.960464477539063e-8f}));
  EXPECT_EQ(read_as_float(file, "w.int8"), (std::vector<float>{-128.0f, 0.0f, 127.0f}));
  EXPECT_EQ(read_as_float(file, "v.int16"), std::vector<float>{-32768.0f});
  EXPECT_TRUE(read_as_float(file, "u.empty").empty());
}

TEST_F(SafetensorsTest, WriterLayout) {
  const auto path = dir_ / "layout.safetensors";
  write_safetensors(path, {make_tensor("b", {3}, std::vector<std::int8_t>{1, 2, 3}),
                           make_tensor("a", {1}, std::vector<float>{1.0f})});
  const std::string bytes = read_bytes(path);
  std::uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) {
    header_bytes = (header_bytes << 8) | static_cast<unsigned char>(bytes[i]);
  }
  EXPECT_EQ(header_bytes % 8, 0u);
  ASSERT_EQ(bytes.size(), 8 + header_bytes + 3 + 4);
  const std::string header = bytes.substr(8, header_bytes);
  EXPECT_EQ(header.find("__metadata__"), std::string::npos);
  const auto b_position = header.find(R"("b":{"dtype":"I8","shape":[3],"data_offsets":[0,3]})");
  const auto a_position = header.find(R"("a":{"dtype":"F32","shape":[1],"data_offsets":[3,7]})");
  ASSERT_NE(b_position, std::string::npos) << header;
  ASSERT_NE(a_position, std::string::npos) << header;
  EXPECT_LT(b_position, a_position);  // given order, not sorted by name
  EXPECT_EQ(header.find_last_not_of(' '), header.find_last_of('}'));
}

// A streamed tensor is produced in order, at most 1 MiB at a time, into the same file as a held
// one: prune writes its output this way without a whole-output copy.
TEST_F(SafetensorsTest, StreamedTensorsWriteTheSameFileAsHeldOnes) {
  std::vector<std::int8_t> values((std::size_t{3} << 20) + 5);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::int8_t(i * 7 % 251);
  const TensorData held = make_tensor("w", {std::int64_t(values.size())}, values);
  const TensorData small = make_tensor("b", {3}, std::vector<float>{1.f, 2.f, 3.f});
  write_safetensors(dir_ / "held.safetensors", {held, small}, {{"k", "v"}});
  std::uint64_t next = 0;
  std::size_t calls = 0;
  TensorStream streamed{"w", DType::I8, held.shape,
                        [&](std::uint64_t first, std::span<std::byte> out) {
                          EXPECT_EQ(first, next);
                          EXPECT_LE(out.size(), std::size_t{1} << 20);
                          std::memcpy(out.data(), held.bytes.data() + first, out.size());
                          next += out.size();
                          ++calls;
                        }};
  write_safetensors(dir_ / "streamed.safetensors", {streamed, stream_of(dir_.path(), small)},
                    {{"k", "v"}});
  EXPECT_EQ(next, values.size());
  EXPECT_EQ(calls, 4u);
  EXPECT_EQ(test::read_bytes(dir_ / "streamed.safetensors"),
            test::read_bytes(dir_ / "held.safetensors"));
}

TEST_F(SafetensorsTest, WriterLeavesNoTemporaryFile) {
  write_safetensors(dir_ / "m.safetensors", {make_tensor("a", {1}, std::vector<float>{1.0f})});
  const auto entries = std::distance(std::filesystem::directory_iterator(dir_.path()),
                                     std::filesystem::directory_iterator());
  EXPECT_EQ(entries, 1);
}

TEST_F(SafetensorsTest, WriterRejectsDuplicateNames) {
  const auto path = dir_ / "dup.safetensors";
  const std::vector<TensorData> tensors = {make_tensor("a", {1}, std::vector<float>{1.0f}),
                                           make_tensor("a", {1}, std::vector<float>{2.0f})};
  EXPECT_TRUE(throws_file_error([&] { write_safetensors(path, tensors); }, path,
                                "duplicate tensor name 'a'"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(SafetensorsTest, WriterRejectsReservedNameAndBadSizes) {
  const auto path = dir_ / "bad.safetensors";
  const std::vector<TensorData> reserved = {
      make_tensor("__metadata__", {1}, std::vector<float>{1.0f})};
  EXPECT_TRUE(throws_file_error([&] { write_safetensors(path, reserved); }, path, "reserved"));
  const std::vector<TensorData> short_bytes = {{"s", DType::F16, {2}, std::vector<std::byte>(3)}};
  EXPECT_TRUE(
      throws_file_error([&] { write_safetensors(path, short_bytes); }, path, "tensor 's' has 3"));
}

TEST_F(SafetensorsTest, TensorsAreOrderedByDataOffset) {
  const std::string header = R"({"a": {"dtype": "I8", "shape": [2], "data_offsets": [4, 6]},)"
                             R"( "b": {"dtype": "I8", "shape": [4], "data_offsets": [0, 4]}})";
  const auto path = write_file(safetensors_file(header, "\1\2\3\4\5\6"));
  const WeightFile file = WeightFile::open(path);
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "b");
  EXPECT_EQ(file.tensors()[1].name, "a");
  EXPECT_EQ(read_as_float(file, "a"), (std::vector<float>{5.0f, 6.0f}));
}

TEST_F(SafetensorsTest, AcceptsGapsBetweenTensorsAndLeadingWhitespace) {
  const std::string header = R"(  {"a": {"dtype": "I8", "shape": [1], "data_offsets": [3, 4]}})";
  const auto path = write_file(safetensors_file(header, std::string("\0\0\0\x7F\0", 5)));
  EXPECT_EQ(read_as_float(WeightFile::open(path), "a"), std::vector<float>{127.0f});
}

TEST_F(SafetensorsTest, MovedFileStaysUsable) {
  const auto path = dir_ / "m.safetensors";
  write_safetensors(path, {make_tensor("a", {2}, std::vector<float>{1.0f, 2.0f})});
  WeightFile original = WeightFile::open(path);
  const WeightFile moved = std::move(original);
  EXPECT_EQ(read_as_float(moved, "a"), (std::vector<float>{1.0f, 2.0f}));
}

TEST_F(SafetensorsTest, RejectsEmptyAndShortFiles) {
  EXPECT_TRUE(open_fails("", "empty"));
  EXPECT_TRUE(open_fails(std::string("\x02\0\0\0", 4), "not a .npy or safetensors file"));
  EXPECT_TRUE(open_fails(std::string(8, '\0'), "not a .npy or safetensors file"));
}

TEST_F(SafetensorsTest, RejectsHeaderLengthBeyondFile) {
  std::string bytes = safetensors_file(one_tensor_header("[1]", "[0, 4]"), "\0\0\0\0");
  bytes[0] = '\xF0';
  EXPECT_TRUE(open_fails(bytes, "beyond the end of the file"));
}

TEST_F(SafetensorsTest, RejectsAbsurdHeaderLength) {
  std::string bytes = safetensors_file(one_tensor_header("[1]", "[0, 4]"), "\0\0\0\0");
  bytes.replace(0, 8, u64_le(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_TRUE(open_fails(bytes, "100 MB limit"));
}

TEST_F(SafetensorsTest, RejectsHeaderThatIsNotJson) {
  EXPECT_TRUE(open_fails(safetensors_file("{not json}", ""), "not valid JSON"));
  EXPECT_TRUE(open_fails(safetensors_file(R"({"w": {"dtype": "F32",)", ""), "not valid JSON"));
  EXPECT_TRUE(open_fails(safetensors_file("{} trailing", ""), "not valid JSON"));
}

TEST_F(SafetensorsTest, RejectsDeeplyNestedJson) {
  const std::string header = R"({"w": )" + std::string(100000, '[');
  EXPECT_TRUE(open_fails(safetensors_file(header, ""), "nested too deeply"));
}

TEST_F(SafetensorsTest, RejectsDuplicateTensorNames) {
  const std::string header = R"({"a": {"dtype": "I8", "shape": [1], "data_offsets": [0, 1]},)"
                             R"( "a": {"dtype": "I8", "shape": [1], "data_offsets": [1, 2]}})";
  EXPECT_TRUE(open_fails(safetensors_file(header, "\1\2"), "duplicate key 'a'"));
}

TEST_F(SafetensorsTest, RejectsOffsetsOutOfRange) {
  EXPECT_TRUE(open_fails(safetensors_file(one_tensor_header("[2]", "[0, 8]"), std::string(4, '\0')),
                         "tensor 'w': data_offsets [0, 8] go beyond the data block (4 bytes)"));
  const std::string huge = "[18446744073709551612, 18446744073709551615]";
  EXPECT_TRUE(open_fails(safetensors_file(one_tensor_header("[1]", huge), std::string(4, '\0')),
                         "beyond the data block"));
}

TEST_F(SafetensorsTest, RejectsSizeMismatchBetweenShapeAndOffsets) {
  EXPECT_TRUE(open_fails(safetensors_file(one_tensor_header("[3]", "[0, 8]"), std::string(8, '\0')),
                         "tensor 'w': size mismatch"));
  EXPECT_TRUE(
      open_fails(safetensors_file(one_tensor_header("[4294967296, 4294967296, 16]", "[0, 8]"),
                                  std::string(8, '\0')),
                 "overflow"));
}

TEST_F(SafetensorsTest, RejectsOverlappingTensors) {
  const std::string header = R"({"a": {"dtype": "I8", "shape": [4], "data_offsets": [0, 4]},)"
                             R"( "b": {"dtype": "I8", "shape": [2], "data_offsets": [3, 5]}})";
  EXPECT_TRUE(open_fails(safetensors_file(header, std::string(5, '\0')),
                         "tensors 'a' [0, 4] and 'b' [3, 5] overlap"));
  const std::string contained = R"({"a": {"dtype": "I8", "shape": [8], "data_offsets": [0, 8]},)"
                                R"( "b": {"dtype": "I8", "shape": [1], "data_offsets": [2, 3]},)"
                                R"( "c": {"dtype": "I8", "shape": [1], "data_offsets": [5, 6]}})";
  EXPECT_TRUE(open_fails(safetensors_file(contained, std::string(8, '\0')), "overlap"));
}

// State dicts carry non-weight buffers (BatchNorm's I64 num_batches_tracked, masks, ids) and
// float64 tensors: the file opens; such tensors are listed with their dtype (issue 12).
TEST_F(SafetensorsTest, OpensStateDictDTypes) {
  for (const DType dtype : {DType::F64, DType::I64, DType::I32, DType::BOOL, DType::U8}) {
    const std::string name(dtype_name(dtype));
    SCOPED_TRACE(name);
    const std::string bytes = std::to_string(dtype_bytes(dtype));
    const std::string header =
        R"({"w": {"dtype": ")" + name + R"(", "shape": [], "data_offsets": [0, )" + bytes + "]}}";
    const auto path = write_file(safetensors_file(header, std::string(dtype_bytes(dtype), '\0')));
    const WeightFile file = WeightFile::open(path);
    EXPECT_EQ(file.tensors().at(0).dtype, dtype);
  }
}

TEST_F(SafetensorsTest, RejectsUnknownDTypes) {
  for (const std::string dtype : {"F8_E4M3", "U64", "C64"}) {
    SCOPED_TRACE(dtype);
    const std::string header =
        R"({"w": {"dtype": ")" + dtype + R"(", "shape": [1], "data_offsets": [0, 8]}})";
    EXPECT_TRUE(open_fails(safetensors_file(header, std::string(8, '\0')),
                           "tensor 'w': unsupported dtype '" + dtype + "'"));
  }
}

TEST_F(SafetensorsTest, RejectsMalformedEntries) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"w": [1, 2]})", "entry must be a JSON object"},
      {R"({"w": {"shape": [1], "data_offsets": [0, 4]}})", "missing 'dtype'"},
      {R"({"w": {"dtype": "F32", "data_offsets": [0, 4]}})", "missing 'shape'"},
      {R"({"w": {"dtype": "F32", "shape": [1]}})", "missing 'data_offsets'"},
      {R"({"w": {"dtype": 7, "shape": [1], "data_offsets": [0, 4]}})", "'dtype' must be"},
      {R"({"w": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}})", "'shape' must be"},
      {R"({"w": {"dtype": "F32", "shape": [1.0], "data_offsets": [0, 4]}})", "'shape' must be"},
      {R"({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", "negative"},
      {R"({"w": {"dtype": "F32", "shape": [1e30], "data_offsets": [0, 4]}})", "'shape' must be"},
      {R"({"w": {"dtype": "F32", "shape": [9223372036854775808], "data_offsets": [0, 4]}})",
       "too large"},
      {R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}})", "'data_offsets'"},
      {R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}})", "'data_offsets'"},
      {R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": "0-4"}})", "'data_offsets'"},
      {R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}})", "end before begin"},
      {R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}})",
       "unknown key 'x'"},
  };
  for (const auto& [header, problem] : cases) {
    SCOPED_TRACE(header);
    EXPECT_TRUE(open_fails(safetensors_file(header, std::string(8, '\0')), problem));
  }
}

TEST_F(SafetensorsTest, RejectsMalformedMetadata) {
  EXPECT_TRUE(open_fails(safetensors_file(R"({"__metadata__": {"epochs": 90}})", ""),
                         "'__metadata__' key 'epochs' must have a string value"));
  EXPECT_TRUE(open_fails(safetensors_file(R"({"__metadata__": ["a"]})", ""),
                         "'__metadata__' must be a JSON object"));
}

TEST_F(SafetensorsTest, ReadAsFloatRejectsNaNAndInfinity) {
  const auto path = dir_ / "bad_values.safetensors";
  write_safetensors(
      path, {make_tensor("finite", {2}, std::vector<float>{1.0f, 2.0f}),
             make_tensor("nan", {2, 2}, std::vector<float>{1.0f, 2.0f, 3.0f, -std::nanf("")}),
             {"inf", DType::BF16, {2}, to_bytes(std::vector<std::uint16_t>{0x3F80, 0x7F80})}});
  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(read_as_float(file, "finite"), (std::vector<float>{1.0f, 2.0f}));
  EXPECT_TRUE(throws_file_error([&] { read_as_float(file, "nan"); }, path,
                                "tensor 'nan' has a NaN value at flat index 3"));
  EXPECT_TRUE(throws_file_error([&] { read_as_float(file, "inf"); }, path,
                                "tensor 'inf' has an infinite value at flat index 1"));
}

TEST_F(SafetensorsTest, MissingTensorNameIsAnError) {
  const auto path = dir_ / "m.safetensors";
  write_safetensors(path, {make_tensor("a", {1}, std::vector<float>{1.0f})});
  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(file.find("b"), nullptr);
  EXPECT_TRUE(throws_file_error([&] { file.tensor("b"); }, path, "no tensor named 'b'"));
}

// The ResNet-20 checkpoint committed with the project (BBS_DATA_DIR), else the shared copy.
std::filesystem::path real_weights_file() {
  const std::pair<const char*, const char*> candidates[] = {
      {"BBS_DATA_DIR", "weights/cifar10_resnet20.safetensors"},
      {"BBS_SHARED_WEIGHTS", "cifar10_resnet20.safetensors"}};
  for (const auto& [variable, relative_path] : candidates) {
    const char* directory = std::getenv(variable);
    if (directory == nullptr) continue;
    const auto path = std::filesystem::path(directory) / relative_path;
    if (std::filesystem::exists(path)) return path;
  }
  return {};
}

TEST(RealSafetensors, ReadsCifar10ResNet20) {
  const std::filesystem::path path = real_weights_file();
  if (path.empty())
    GTEST_SKIP() << "cifar10_resnet20.safetensors not found via BBS_DATA_DIR "
                    "or BBS_SHARED_WEIGHTS";
  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(file.format(), FileFormat::Safetensors);
  EXPECT_EQ(file.tensors().size(), 97u);
  const TensorInfo* conv1 = file.find("conv1.weight");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(conv1->dtype, DType::F32);
  EXPECT_EQ(conv1->shape, (Shape{16, 3, 3, 3}));
  ASSERT_TRUE(file.metadata().contains("layout"));
  EXPECT_TRUE(file.metadata().at("layout").starts_with("PyTorch"));
  std::size_t total_values = 0;
  for (const TensorInfo& info : file.tensors())
    total_values += read_as_float(file, info.name).size();
  EXPECT_GT(total_values, 268336u);
}

}  // namespace
}  // namespace bbs::io
