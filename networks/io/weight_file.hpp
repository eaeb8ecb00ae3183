// Reading and writing weight files: NumPy .npy and safetensors.
//
// A WeightFile lists the tensors of a file and hands out read-only views of their raw
// little-endian bytes. Safetensors files are memory-mapped, so a large checkpoint is never copied;
// a .npy file holds one tensor, named after the file stem. Every structural problem (truncated
// data, a header that lies about sizes or offsets, unknown dtype, non-C-order arrays, ...) throws
// bbs::Error with a message that names the file and the problem.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs::io {

struct TensorInfo {
  std::string name;
  DType dtype;
  Shape shape;
};

// A tensor's raw bytes inside an open WeightFile (valid while the WeightFile lives).
struct TensorView {
  const TensorInfo* info;
  std::span<const std::byte> bytes;
};

// An owned tensor, for writing.
struct TensorData {
  std::string name;
  DType dtype;
  Shape shape;
  std::vector<std::byte> bytes;  // little-endian, C order
};

// Produces bytes [first, first + out.size()) of a piece of data into `out`; called in order.
using ByteFill = std::function<void(std::uint64_t first, std::span<std::byte> out)>;

// A tensor to write whose bytes (little-endian, C order) are produced as they are written, in
// pieces of at most 1 MiB, so that a writer needs no whole-tensor output buffer.
struct TensorStream {
  std::string name;
  DType dtype;
  Shape shape;
  ByteFill fill;
};

enum class FileFormat { Npy, Safetensors };

class WeightFile {
 public:
  // Opens .npy or .safetensors (chosen by the file's magic bytes, not its extension).
  static WeightFile open(const std::filesystem::path& path);

  WeightFile(WeightFile&&) noexcept;
  WeightFile& operator=(WeightFile&&) noexcept;
  ~WeightFile();

  const std::filesystem::path& path() const;
  FileFormat format() const;
  // Tensors in file order (safetensors: by data offset; npy: the single tensor).
  const std::vector<TensorInfo>& tensors() const;
  // Throws bbs::Error naming the file and the tensor if absent.
  TensorView tensor(std::string_view name) const;
  const TensorInfo* find(std::string_view name) const;
  // safetensors "__metadata__" (string -> string); empty for .npy.
  const std::map<std::string, std::string>& metadata() const;

 private:
  struct Impl;
  explicit WeightFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Converts any supported dtype to float32 (F16/BF16 widened exactly, integers converted).
// Throws bbs::Error naming file and tensor if a value is NaN or infinite.
std::vector<float> read_as_float(const WeightFile& file, std::string_view name);

// The values of an integer tensor (I8, or I16 holding int8 values) exactly as stored. Throws
// bbs::Error naming file and tensor for a float tensor or an I16 value outside [-128, 127].
std::vector<std::int8_t> read_as_int8(const WeightFile& file, std::string_view name);

// Rows [first_row, last_row) of a tensor (along its first dimension: one contiguous byte range in
// C order), read as above from the mapped file without touching the other rows; errors give the
// flat index within the whole tensor. Throws bbs::Error naming file and tensor for rows outside
// the tensor.
std::vector<float> read_rows_as_float(const WeightFile& file, std::string_view name,
                                      std::int64_t first_row, std::int64_t last_row);
std::vector<std::int8_t> read_rows_as_int8(const WeightFile& file, std::string_view name,
                                           std::int64_t first_row, std::int64_t last_row);

// Writers. Output is written to a temporary file beside `path` and renamed into place, so a
// crash never leaves a half-written file under the final name.
void write_npy(const std::filesystem::path& path, const TensorData& tensor);
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata = {});
void write_npy(const std::filesystem::path& path, const TensorStream& tensor);
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorStream>& tensors,
                       const std::map<std::string, std::string>& metadata = {});
// A stream that copies tensor.bytes (which must outlive it); throws naming `path` and the
// tensor unless the bytes match its dtype and shape.
TensorStream stream_of(const std::filesystem::path& path, const TensorData& tensor);
// A stream that copies a tensor of an open file as stored (the file must outlive it).
TensorStream stream_of(const TensorView& view);

// Helpers to build TensorData from typed values.
TensorData make_tensor(std::string name, Shape shape, std::span<const float> values);
TensorData make_tensor(std::string name, Shape shape, std::span<const std::int8_t> values);
TensorData make_tensor(std::string name, Shape shape, std::span<const std::int16_t> values);

}  // namespace bbs::io
