// Row-range reads (read_rows_as_float / read_rows_as_int8): rows [a, b) of a memory-mapped
// tensor equal the slice of the whole-tensor read, for every weight dtype, and errors name the
// file, the tensor and the flat index within the whole tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "networks/io/weight_file.hpp"
#include "tests/io/io_test_util.hpp"

namespace bbs::io {
namespace {

constexpr std::int64_t kRows = 9, kColumns = 5;

// kRows x kColumns values that differ in every row and column, stored as `dtype`.
TensorData tensor_of(DType dtype) {
  const std::string name = std::string(dtype_name(dtype));
  std::vector<float> floats;
  std::vector<std::int8_t> ints;
  for (std::int64_t i = 0; i < kRows * kColumns; ++i) {
    floats.push_back(std::sin(0.37f * float(i)) * float(1 + i / kColumns));
    ints.push_back(std::int8_t(i * 37 % 255 - 127));
  }
  if (dtype == DType::I8) return make_tensor(name, {kRows, kColumns}, ints);
  if (dtype == DType::F32) return make_tensor(name, {kRows, kColumns}, floats);
  TensorData t{name, dtype, {kRows, kColumns}, std::vector<std::byte>(floats.size() * 2)};
  for (std::size_t i = 0; i < floats.size(); ++i) {
    const std::uint16_t bits =
        dtype == DType::F16 ? float_to_half(floats[i]) : float_to_bfloat16(floats[i]);
    std::memcpy(t.bytes.data() + 2 * i, &bits, 2);
  }
  return t;
}

template <typename T>
std::vector<T> rows_of(const std::vector<T>& whole, std::int64_t first, std::int64_t last) {
  return {whole.begin() + first * kColumns, whole.begin() + last * kColumns};
}

class RowReads : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const DType dtype : {DType::BF16, DType::F16, DType::F32, DType::I8})
      tensors_.push_back(tensor_of(dtype));
    write_safetensors(dir_ / "w.safetensors", tensors_);
  }
  test::TempDir dir_;
  std::vector<TensorData> tensors_;
};

TEST_F(RowReads, RowsEqualTheSliceOfTheWholeTensorForEveryDtype) {
  const WeightFile file = WeightFile::open(dir_ / "w.safetensors");
  const std::pair<std::int64_t, std::int64_t> ranges[] = {
      {0, kRows}, {0, 1}, {2, 5}, {8, 9}, {4, 4}};
  for (const TensorData& t : tensors_) {
    for (const auto& [first, last] : ranges) {
      if (t.dtype == DType::I8) {
        EXPECT_EQ(read_rows_as_int8(file, t.name, first, last),
                  rows_of(read_as_int8(file, t.name), first, last))
            << t.name << " rows " << first << "-" << last;
      } else {
        EXPECT_EQ(read_rows_as_float(file, t.name, first, last),
                  rows_of(read_as_float(file, t.name), first, last))
            << t.name << " rows " << first << "-" << last;
      }
    }
  }
}

TEST_F(RowReads, RowsOutsideTheTensorAreRefusedNamingIt) {
  const WeightFile file = WeightFile::open(dir_ / "w.safetensors");
  const auto path = dir_ / "w.safetensors";
  EXPECT_TRUE(test::throws_file_error([&] { read_rows_as_float(file, "F32", 3, 10); }, path,
                                      "tensor 'F32' of shape [9, 5]: rows [3, 10) requested"));
  EXPECT_TRUE(test::throws_file_error([&] { read_rows_as_int8(file, "I8", 5, 4); }, path,
                                      "rows [5, 4) requested, expected within [0, 9)"));
  EXPECT_TRUE(test::throws_file_error([&] { read_rows_as_int8(file, "F32", 0, 1); }, path,
                                      "tensor 'F32' is F32, not an integer tensor"));
}

TEST_F(RowReads, ANanIsNamedByItsIndexInTheWholeTensor) {
  std::vector<float> values(std::size_t(kRows * kColumns), 1.0f);
  values[std::size_t(6 * kColumns + 2)] = std::numeric_limits<float>::quiet_NaN();
  write_safetensors(dir_ / "nan.safetensors", {make_tensor("w", {kRows, kColumns}, values)});
  const WeightFile file = WeightFile::open(dir_ / "nan.safetensors");
  EXPECT_EQ(read_rows_as_float(file, "w", 0, 6).size(), std::size_t(6 * kColumns));
  EXPECT_TRUE(test::throws_file_error([&] { read_rows_as_float(file, "w", 5, 8); },
                                      dir_ / "nan.safetensors", "a NaN value at flat index 32"));
}

}  // namespace
}  // namespace bbs::io
