#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
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

// A complete .npy file: preamble for `major`.0, the header dict as given (not padded), data.
std::string npy_file(std::string_view header_dict, std::string_view data, int major = 1) {
  std::string bytes = "\x93NUMPY";
  bytes.push_back(static_cast<char>(major));
  bytes.push_back('\0');
  const std::size_t length_field_bytes = major == 1 ? 2 : 4;
  for (std::size_t i = 0; i < length_field_bytes; ++i) {
    bytes.push_back(static_cast<char>((header_dict.size() >> (8 * i)) & 0xFF));
  }
  return bytes.append(header_dict).append(data);
}

std::string f32_dict(std::string_view shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + std::string(shape) + ", }\n";
}

class NpyTest : public ::testing::Test {
 protected:
  std::filesystem::path write_file(std::string_view name, std::string_view bytes) const {
    const auto path = dir_ / name;
    write_bytes(path, bytes);
    return path;
  }

  test::TempDir dir_;
};

TEST_F(NpyTest, RoundTripsEveryWritableDType) {
  const std::vector<TensorData> tensors = {
      make_tensor("int8", {2, 3}, std::vector<std::int8_t>{-128, -1, 0, 1, 2, 127}),
      make_tensor("int16", {4}, std::vector<std::int16_t>{-32768, -1, 300, 32767}),
      {"half", DType::F16, {3}, to_bytes(std::vector<std::uint16_t>{0x3C00, 0xC000, 0x7BFF})},
      make_tensor("float", {2, 1, 2}, std::vector<float>{1.5f, -2.25f, 0.0f, 1e-30f}),
      make_tensor("scalar", {}, std::vector<float>{42.0f}),
      make_tensor("empty", {0, 3}, std::vector<float>{}),
  };
  for (const TensorData& tensor : tensors) {
    SCOPED_TRACE(tensor.name);
    const auto path = dir_ / (tensor.name + ".npy");
    write_npy(path, tensor);
    const WeightFile file = WeightFile::open(path);
    EXPECT_EQ(file.format(), FileFormat::Npy);
    EXPECT_TRUE(file.metadata().empty());
    ASSERT_EQ(file.tensors().size(), 1u);
    const TensorView view = file.tensor(tensor.name);
    EXPECT_EQ(view.info->name, tensor.name);
    EXPECT_EQ(view.info->dtype, tensor.dtype);
    EXPECT_EQ(view.info->shape, tensor.shape);
    EXPECT_TRUE(
        std::equal(view.bytes.begin(), view.bytes.end(), tensor.bytes.begin(), tensor.bytes.end()));
  }
}

TEST_F(NpyTest, WritesExactlyWhatNumpySaveWrites) {
  // Bytes of numpy.save(np.zeros((2, 3), np.float32)) up to the data.
  const std::string numpy_header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + std::string(58, ' ') + "\n";
  const auto path = dir_ / "w.npy";
  write_npy(path, make_tensor("w", {2, 3}, std::vector<float>(6, 0.0f)));
  const std::string bytes = read_bytes(path);
  EXPECT_EQ(bytes.substr(0, 128), npy_file(numpy_header, ""));
  EXPECT_EQ(bytes.size(), 128u + 24u);
}

TEST_F(NpyTest, HeaderShapesFollowPythonTupleSyntax) {
  write_npy(dir_ / "a.npy", make_tensor("a", {5}, std::vector<float>(5, 0.0f)));
  write_npy(dir_ / "b.npy", make_tensor("b", {}, std::vector<float>{1.0f}));
  write_npy(dir_ / "c.npy", make_tensor("c", {1, 2, 3}, std::vector<std::int8_t>(6, 0)));
  EXPECT_NE(read_bytes(dir_ / "a.npy").find("'shape': (5,), }"), std::string::npos);
  EXPECT_NE(read_bytes(dir_ / "b.npy").find("'shape': (), }"), std::string::npos);
  EXPECT_NE(read_bytes(dir_ / "c.npy").find("'descr': '|i1'"), std::string::npos);
  EXPECT_NE(read_bytes(dir_ / "c.npy").find("'shape': (1, 2, 3), }"), std::string::npos);
}

TEST_F(NpyTest, LongHeaderIsWrittenAsVersion2) {
  const TensorData tensor = make_tensor("deep", Shape(30000, 1), std::vector<float>{7.0f});
  const auto path = dir_ / "deep.npy";
  write_npy(path, tensor);
  const std::string bytes = read_bytes(path);
  EXPECT_EQ(bytes[6], '\x02');
  const std::size_t data_offset = bytes.size() - 4;
  EXPECT_EQ(data_offset % 64, 0u);
  EXPECT_EQ(bytes[data_offset - 1], '\n');
  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(file.tensors()[0].shape, tensor.shape);
  EXPECT_EQ(read_as_float(file, "deep"), std::vector<float>{7.0f});
}

TEST_F(NpyTest, ReadsFormatVersions2And3) {
  const std::string data = as_string(to_bytes(std::vector<float>{1.0f, 2.0f}));
  for (const int major : {2, 3}) {
    const auto path = write_file("v.npy", npy_file(f32_dict("(2,)"), data, major));
    EXPECT_EQ(read_as_float(WeightFile::open(path), "v"), (std::vector<float>{1.0f, 2.0f}));
  }
}

TEST_F(NpyTest, AcceptsHeaderVariants) {
  const std::string data = as_string(to_bytes(std::vector<float>(6, 0.5f)));
  const auto path = write_file(
      "x.npy", npy_file("{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": '<f4'}", data));
  EXPECT_EQ(WeightFile::open(path).tensors()[0].shape, (Shape{2, 3}));
}

TEST_F(NpyTest, ReadAsFloatConvertsEveryDType) {
  write_npy(dir_ / "i8.npy", make_tensor("i8", {3}, std::vector<std::int8_t>{-128, 0, 127}));
  write_npy(dir_ / "i16.npy", make_tensor("i16", {2}, std::vector<std::int16_t>{-32768, 32767}));
  write_npy(dir_ / "f16.npy",
            {"f16", DType::F16, {3}, to_bytes(std::vector<std::uint16_t>{0x3C00, 0xC000, 0x0001})});
  write_npy(dir_ / "f32.npy", make_tensor("f32", {2}, std::vector<float>{0.25f, -3.0f}));
  EXPECT_EQ(read_as_float(WeightFile::open(dir_ / "i8.npy"), "i8"),
            (std::vector<float>{-128.0f, 0.0f, 127.0f}));
  EXPECT_EQ(read_as_float(WeightFile::open(dir_ / "i16.npy"), "i16"),
            (std::vector<float>{-32768.0f, 32767.0f}));
  EXPECT_EQ(read_as_float(WeightFile::open(dir_ / "f16.npy"), "f16"),
            (std::vector<float>{1.0f, -2.0f, 5.960464477539063e-8f}));
  EXPECT_EQ(read_as_float(WeightFile::open(dir_ / "f32.npy"), "f32"),
            (std::vector<float>{0.25f, -3.0f}));
}

TEST_F(NpyTest, WriterLeavesNoTemporaryFile) {
  write_npy(dir_ / "t.npy", make_tensor("t", {1}, std::vector<float>{1.0f}));
  write_npy(dir_ / "t.npy", make_tensor("t", {2}, std::vector<float>{1.0f, 2.0f}));
  const auto entries = std::distance(std::filesystem::directory_iterator(dir_.path()),
                                     std::filesystem::directory_iterator());
  EXPECT_EQ(entries, 1);
  EXPECT_EQ(WeightFile::open(dir_ / "t.npy").tensors()[0].shape, Shape{2});
}

TEST_F(NpyTest, WriterRejectsBfloat16) {
  const auto path = dir_ / "bf.npy";
  const TensorData tensor{"bf", DType::BF16, {1}, to_bytes(std::vector<std::uint16_t>{0x3F80})};
  EXPECT_TRUE(throws_file_error([&] { write_npy(path, tensor); }, path, "BF16"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(NpyTest, WriterRejectsBytesThatDoNotMatchTheShape) {
  const auto path = dir_ / "bad.npy";
  const TensorData tensor{"bad", DType::F32, {3}, std::vector<std::byte>(8)};
  EXPECT_TRUE(throws_file_error([&] { write_npy(path, tensor); }, path, "needs 12"));
}

TEST_F(NpyTest, WriterReportsUnwritablePath) {
  const auto path = dir_ / "missing-dir" / "x.npy";
  const TensorData tensor = make_tensor("x", {1}, std::vector<float>{1.0f});
  EXPECT_TRUE(throws_file_error([&] { write_npy(path, tensor); }, path, "cannot create"));
}

TEST_F(NpyTest, RejectsTruncatedData) {
  const std::string data(20, '\0');  // (2, 3) float32 needs 24 bytes
  const auto path = write_file("trunc.npy", npy_file(f32_dict("(2, 3)"), data));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path,
                                "data is truncated: header says 24 bytes, file has 20"));
}

TEST_F(NpyTest, RejectsTrailingBytes) {
  const std::string data(28, '\0');
  const auto path = write_file("long.npy", npy_file(f32_dict("(2, 3)"), data));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, "trailing bytes"));
}

TEST_F(NpyTest, RejectsHeaderLengthBeyondFile) {
  std::string bytes = npy_file(f32_dict("(1,)"), "");
  bytes[8] = '\xFF';
  bytes[9] = '\x7F';
  const auto path = write_file("hdr.npy", bytes);
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, "beyond the end"));
}

TEST_F(NpyTest, RejectsTruncatedPreamble) {
  const auto path = write_file("pre.npy", std::string("\x93NUMPY\x01", 7));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, "truncated"));
}

TEST_F(NpyTest, RejectsUnknownFormatVersion) {
  const auto path = write_file("ver.npy", npy_file(f32_dict("(1,)"), "\0\0\0\0", 4));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, "version 4.0"));
}

TEST_F(NpyTest, RejectsFortranOrder) {
  const auto path = write_file(
      "f.npy", npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "\0\0\0\0"));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path,
                                "Fortran-order arrays are not supported"));
}

TEST_F(NpyTest, RejectsBigEndian) {
  const auto path = write_file(
      "be.npy", npy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "\0\0\0\0"));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, "big-endian dtype '>f4'"));
}

TEST_F(NpyTest, ReadsFloat64) {  // NumPy's default dtype (issue 12: it used to be refused)
  const double values[2] = {0.5, -1.25e-3};
  std::string data(sizeof values, '\0');
  std::memcpy(data.data(), values, sizeof values);
  const auto path = write_file(
      "f8.npy", npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data));
  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(file.tensors().at(0).dtype, DType::F64);
  EXPECT_EQ(read_as_float(file, "f8"), (std::vector<float>{0.5f, -1.25e-3f}));
}

TEST_F(NpyTest, Float64BeyondFloat32IsNamed) {
  const double huge = 1e300;
  std::string data(sizeof huge, '\0');
  std::memcpy(data.data(), &huge, sizeof huge);
  const auto path = write_file(
      "big.npy", npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data));
  const WeightFile file = WeightFile::open(path);
  EXPECT_TRUE(throws_file_error([&] { read_as_float(file, "big"); }, path,
                                "infinite (or beyond float32) value at flat index 0"));
}

TEST_F(NpyTest, RejectsUnsupportedDType) {
  const auto path = write_file(
      "c8.npy",
      npy_file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')));
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, "unsupported dtype '<c8'"));
}

TEST_F(NpyTest, RejectsMalformedHeaders) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unknown key 'x'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
       "duplicate key 'descr'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", "not a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", "True or False"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", "expected '}'"},
      {"{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}", "expected ':'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", "unexpected text"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "too large"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", "overflow"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1", "expected ','"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,", "expected a non-negative"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x", "unterminated string"},
      {"", "expected '{'"},
  };
  for (const auto& [dict, problem] : cases) {
    SCOPED_TRACE(dict);
    const auto path = write_file("m.npy", npy_file(dict, "\0\0\0\0"));
    EXPECT_TRUE(throws_file_error([&] { WeightFile::open(path); }, path, problem));
  }
}

TEST_F(NpyTest, ReadAsFloatRejectsNaN) {
  const auto path = dir_ / "nan.npy";
  write_npy(path, make_tensor("nan", {3}, std::vector<float>{1.0f, 2.0f, std::nanf("")}));
  const WeightFile file = WeightFile::open(path);
  EXPECT_TRUE(throws_file_error([&] { read_as_float(file, "nan"); }, path,
                                "tensor 'nan' has a NaN value at flat index 2"));
}

TEST_F(NpyTest, ReadAsFloatRejectsInfinity) {
  const auto path = dir_ / "inf.npy";
  write_npy(path, {"inf", DType::F16, {2}, to_bytes(std::vector<std::uint16_t>{0xFC00, 0})});
  const WeightFile file = WeightFile::open(path);
  EXPECT_TRUE(throws_file_error([&] { read_as_float(file, "inf"); }, path,
                                "tensor 'inf' has an infinite value at flat index 0"));
}

TEST_F(NpyTest, MissingTensorNameIsAnError) {
  const auto path = dir_ / "w.npy";
  write_npy(path, make_tensor("w", {1}, std::vector<float>{1.0f}));
  const WeightFile file = WeightFile::open(path);
  EXPECT_EQ(file.find("other"), nullptr);
  ASSERT_NE(file.find("w"), nullptr);
  EXPECT_TRUE(throws_file_error([&] { file.tensor("other"); }, path, "no tensor named 'other'"));
  EXPECT_TRUE(throws_file_error([&] { read_as_float(file, "other"); }, path, "no tensor"));
}

TEST_F(NpyTest, RejectsEmptyAndForeignFiles) {
  const auto empty = write_file("empty.npy", "");
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(empty); }, empty, "empty"));
  const auto text = write_file("text.npy", "hello, this is not a weight file");
  EXPECT_TRUE(
      throws_file_error([&] { WeightFile::open(text); }, text, "not a .npy or safetensors file"));
  const auto missing = dir_ / "missing.npy";
  EXPECT_TRUE(throws_file_error([&] { WeightFile::open(missing); }, missing, "cannot open"));
  EXPECT_TRUE(
      throws_file_error([&] { WeightFile::open(dir_.path()); }, dir_.path(), "not a regular file"));
}

}  // namespace
}  // namespace bbs::io
