// Format dispatch, the memory mapping behind WeightFile, float conversion, and shared helpers.
#include "networks/io/weight_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <system_error>
#include <utility>

#include "core/large_buffer.hpp"
#include "networks/io/formats.hpp"
#include "networks/io/input_file.hpp"

namespace bbs::io {

static_assert(std::endian::native == std::endian::little,
              "weight files are little-endian and are read in place; big-endian hosts are not "
              "supported");

namespace {

// Closes a POSIX file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting failure (a failed close can mean lost writes).
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

 private:
  int fd_;
};

std::string errno_text() { return std::strerror(errno); }

std::optional<std::uint64_t> checked_multiply(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

}  // namespace

namespace detail {

void throw_file_error(const std::filesystem::path& path, std::string_view problem) {
  throw Error(path.string() + ": " + std::string(problem));
}

std::string single_quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::uint64_t tensor_size_bytes(const std::filesystem::path& path, std::string_view tensor_name,
                                DType dtype, const Shape& shape) {
  std::int64_t count = 0;
  try {
    count = element_count(shape);
  } catch (const Error& error) {
    throw_file_error(path, "tensor " + single_quoted(tensor_name) + ": " + error.what());
  }
  const auto size_bytes = checked_multiply(static_cast<std::uint64_t>(count), dtype_bytes(dtype));
  if (!size_bytes) {
    throw_file_error(path, "tensor " + single_quoted(tensor_name) + ": shape " +
                               shape_string(shape) + " is too large (byte size overflows)");
  }
  return *size_bytes;
}

std::uint64_t stream_size_bytes(const std::filesystem::path& path, const TensorStream& tensor) {
  return tensor_size_bytes(path, tensor.name, tensor.dtype, tensor.shape);
}

void check_tensor_data(const std::filesystem::path& path, const TensorData& tensor) {
  const std::uint64_t expected_bytes =
      tensor_size_bytes(path, tensor.name, tensor.dtype, tensor.shape);
  if (tensor.bytes.size() != expected_bytes) {
    throw_file_error(path, "tensor " + single_quoted(tensor.name) + " has " +
                               std::to_string(tensor.bytes.size()) + " bytes, but shape " +
                               shape_string(tensor.shape) + " of " +
                               std::string(dtype_name(tensor.dtype)) + " needs " +
                               std::to_string(expected_bytes));
  }
}

std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

FilePiece bytes_piece(std::span<const std::byte> bytes) {
  return {bytes.size(), [bytes](std::uint64_t first, std::span<std::byte> out) {
            std::memcpy(out.data(), bytes.data() + first, out.size());
          }};
}

namespace {

// Writes every piece to `tmp_path`; errors name the final `path`.
void write_file(const std::filesystem::path& path, const std::filesystem::path& tmp_path,
                const std::vector<FilePiece>& pieces) {
  constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
  const auto fail = [&](std::string_view action) {
    throw_file_error(
        path, std::string(action) + " temporary file " + tmp_path.string() + ": " + errno_text());
  };
  FileDescriptor file(::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (file.get() < 0) fail("cannot create");
  std::vector<std::byte> buffer(kBufferBytes);
  for (const FilePiece& piece : pieces) {
    for (std::uint64_t first = 0; first < piece.size_bytes;) {
      auto bytes = std::span(buffer).first(
          std::size_t(std::min<std::uint64_t>(kBufferBytes, piece.size_bytes - first)));
      piece.fill(first, bytes);
      first += bytes.size();
      while (!bytes.empty()) {
        const ssize_t written = ::write(file.get(), bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) fail("cannot write");
        bytes = bytes.subspan(static_cast<std::size_t>(written));
      }
    }
  }
  if (!file.close()) fail("cannot write");
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path,
                           const std::vector<FilePiece>& pieces) {
  std::filesystem::path tmp_path = path;
  tmp_path += ".tmp-" + std::to_string(::getpid());
  std::error_code ignored;
  try {
    write_file(path, tmp_path, pieces);
  } catch (const Error&) {
    std::filesystem::remove(tmp_path, ignored);
    throw;
  }
  std::error_code rename_error;
  std::filesystem::rename(tmp_path, path, rename_error);
  if (rename_error) {
    std::filesystem::remove(tmp_path, ignored);
    throw_file_error(
        path, "cannot rename " + tmp_path.string() + " into place: " + rename_error.message());
  }
}

}  // namespace detail

namespace {

// A whole file mapped read-only (MAP_PRIVATE); unmapped on destruction.
class MappedFile {
 public:
  static MappedFile map_read_only(const std::filesystem::path& path) {
    FileDescriptor file(open_regular_file(path, "the weight file"));
    struct stat status {};
    if (::fstat(file.get(), &status) != 0) {
      detail::throw_file_error(path, "cannot stat: " + errno_text());
    }
    if (status.st_size == 0) detail::throw_file_error(path, "file is empty");
    const auto size_bytes = static_cast<std::size_t>(status.st_size);
    void* address = ::mmap(nullptr, size_bytes, PROT_READ, MAP_PRIVATE, file.get(), 0);
    if (address == MAP_FAILED) {
      detail::throw_file_error(path, "cannot memory-map: " + errno_text());
    }
    return MappedFile(address, size_bytes);
  }

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept
      : address_(std::exchange(other.address_, nullptr)),
        size_bytes_(std::exchange(other.size_bytes_, 0)) {}
  MappedFile& operator=(MappedFile&& other) noexcept {
    if (this != &other) {
      unmap();
      address_ = std::exchange(other.address_, nullptr);
      size_bytes_ = std::exchange(other.size_bytes_, 0);
    }
    return *this;
  }
  ~MappedFile() { unmap(); }

  std::span<const std::byte> bytes() const {
    return {static_cast<const std::byte*>(address_), size_bytes_};
  }

 private:
  MappedFile(void* address, std::size_t size_bytes) : address_(address), size_bytes_(size_bytes) {}
  void unmap() {
    if (address_ != nullptr) ::munmap(address_, size_bytes_);
  }

  void* address_ = nullptr;
  std::size_t size_bytes_ = 0;
};

detail::ParsedFile parse_by_magic(const std::filesystem::path& path,
                                  std::span<const std::byte> file_bytes, FileFormat& format) {
  if (detail::has_npy_magic(file_bytes)) {
    format = FileFormat::Npy;
    return detail::parse_npy(path, file_bytes);
  }
  if (detail::looks_like_safetensors(file_bytes)) {
    format = FileFormat::Safetensors;
    return detail::parse_safetensors(path, file_bytes);
  }
  detail::throw_file_error(path, "not a .npy or safetensors file (" +
                                     std::to_string(file_bytes.size()) +
                                     " bytes, unrecognized magic)");
}

}  // namespace

struct WeightFile::Impl {
  std::filesystem::path path;
  FileFormat format = FileFormat::Npy;
  MappedFile mapping;
  detail::ParsedFile contents;
  std::map<std::string, std::size_t, std::less<>> index_by_name;
};

WeightFile WeightFile::open(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->mapping = MappedFile::map_read_only(path);
  impl->contents = parse_by_magic(path, impl->mapping.bytes(), impl->format);
  for (std::size_t i = 0; i < impl->contents.tensors.size(); ++i) {
    impl->index_by_name.emplace(impl->contents.tensors[i].name, i);
  }
  return WeightFile(std::move(impl));
}

WeightFile::WeightFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WeightFile::WeightFile(WeightFile&&) noexcept = default;
WeightFile& WeightFile::operator=(WeightFile&&) noexcept = default;
WeightFile::~WeightFile() = default;

const std::filesystem::path& WeightFile::path() const { return impl_->path; }
FileFormat WeightFile::format() const { return impl_->format; }
const std::vector<TensorInfo>& WeightFile::tensors() const { return impl_->contents.tensors; }

const std::map<std::string, std::string>& WeightFile::metadata() const {
  return impl_->contents.metadata;
}

const TensorInfo* WeightFile::find(std::string_view name) const {
  const auto found = impl_->index_by_name.find(name);
  if (found == impl_->index_by_name.end()) return nullptr;
  return &impl_->contents.tensors[found->second];
}

TensorView WeightFile::tensor(std::string_view name) const {
  const auto found = impl_->index_by_name.find(name);
  if (found == impl_->index_by_name.end()) {
    detail::throw_file_error(impl_->path,
                             "no tensor named " + detail::single_quoted(name) + " (the file has " +
                                 std::to_string(impl_->contents.tensors.size()) + " tensors)");
  }
  const std::size_t index = found->second;
  return {&impl_->contents.tensors[index], impl_->contents.tensor_bytes[index]};
}

namespace {

// Decodes little-endian `Stored` values (possibly unaligned) into floats.
template <typename Stored, typename Convert>
void decode_values(std::span<const std::byte> bytes, std::span<float> values, Convert convert) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    Stored stored;
    std::memcpy(&stored, bytes.data() + i * sizeof(Stored), sizeof(Stored));
    values[i] = convert(stored);
  }
}

// Integers converted to the nearest float.
template <typename Stored>
void widen_integers(std::span<const std::byte> bytes, std::span<float> values) {
  decode_values<Stored>(bytes, values, [](Stored v) { return static_cast<float>(v); });
}

std::vector<float> decode_as_float(DType dtype, std::span<const std::byte> bytes) {
  std::vector<float> values(bytes.size() / dtype_bytes(dtype));
  if (values.empty()) return values;
  switch (dtype) {
    case DType::F32:
      std::memcpy(values.data(), bytes.data(), bytes.size());
      break;
    case DType::F16:
      decode_values<std::uint16_t>(bytes, values, half_to_float);
      break;
    case DType::BF16:
      decode_values<std::uint16_t>(bytes, values, bfloat16_to_float);
      break;
    case DType::I8:
      widen_integers<std::int8_t>(bytes, values);
      break;
    case DType::I16:
      widen_integers<std::int16_t>(bytes, values);
      break;
    case DType::F64:  // beyond float range -> infinity, which read_as_float reports
      decode_values<double>(bytes, values, [](double v) {
        if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max())
          return v > 0 ? std::numeric_limits<float>::infinity()
                       : -std::numeric_limits<float>::infinity();
        return static_cast<float>(v);
      });
      break;
    case DType::BOOL:
    case DType::U8:
      widen_integers<std::uint8_t>(bytes, values);
      break;
    case DType::I32:
      widen_integers<std::int32_t>(bytes, values);
      break;
    case DType::I64:
      widen_integers<std::int64_t>(bytes, values);
      break;
  }
  return values;
}

}  // namespace

namespace {

// The bytes of rows [first_row, last_row) of a tensor (rows along its first dimension, one
// contiguous range in C order) and the flat index of the first one; the whole tensor when
// `rows` is empty (a scalar or a whole read).
struct RowBytes {
  const TensorInfo* info;
  std::span<const std::byte> bytes;
  std::int64_t first_index = 0;
};

// The caller is about to read all of `bytes` (part of the mapped file): map its pages in one
// call (MADV_POPULATE_READ, Linux 5.14) rather than one page fault per 4 KiB as the copy reaches
// them. Only a hint: an older kernel refuses it and the pages fault in as before.
std::span<const std::byte> about_to_read(std::span<const std::byte> bytes) {
#if defined(MADV_POPULATE_READ)
  constexpr std::uintptr_t kPageBytes = 4096, kWorthItBytes = 1u << 20;
  if (bytes.size() >= kWorthItBytes) {
    const auto begin = reinterpret_cast<std::uintptr_t>(bytes.data()) & ~(kPageBytes - 1);
    const auto end = reinterpret_cast<std::uintptr_t>(bytes.data() + bytes.size());
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);
  }
#endif
  return bytes;
}

RowBytes row_bytes(const WeightFile& file, std::string_view name,
                   std::optional<std::pair<std::int64_t, std::int64_t>> rows) {
  const TensorView view = file.tensor(name);
  if (!rows) return {view.info, about_to_read(view.bytes), 0};
  const auto [first, last] = *rows;
  const Shape& shape = view.info->shape;
  const std::int64_t count = shape.empty() ? 0 : shape.front();
  if (first < 0 || first > last || last > count)
    detail::throw_file_error(
        file.path(), "tensor " + detail::single_quoted(name) + " of shape " + shape_string(shape) +
                         ": rows [" + std::to_string(first) + ", " + std::to_string(last) +
                         ") requested, expected within [0, " + std::to_string(count) + ")");
  const std::size_t row_bytes = count == 0 ? 0 : view.bytes.size() / std::size_t(count);
  const std::int64_t per_row = std::int64_t(row_bytes / dtype_bytes(view.info->dtype));
  return {view.info,
          about_to_read(view.bytes.subspan(std::size_t(first) * row_bytes,
                                           std::size_t(last - first) * row_bytes)),
          first * per_row};
}

std::vector<float> rows_as_float(const WeightFile& file, std::string_view name,
                                 const RowBytes& rows) {
  std::vector<float> values = decode_as_float(rows.info->dtype, rows.bytes);
  const auto bad =
      std::find_if(values.begin(), values.end(), [](float value) { return !std::isfinite(value); });
  if (bad != values.end()) {
    const char* kind = std::isnan(*bad)                 ? "a NaN"
                       : rows.info->dtype == DType::F64 ? "an infinite (or beyond float32)"
                                                        : "an infinite";
    detail::throw_file_error(file.path(),
                             "tensor " + detail::single_quoted(name) + " has " + kind +
                                 " value at flat index " +
                                 std::to_string(rows.first_index + (bad - values.begin())));
  }
  return values;
}

std::vector<std::int8_t> rows_as_int8(const WeightFile& file, std::string_view name,
                                      const RowBytes& rows) {
  if (dtype_is_float(rows.info->dtype))
    detail::throw_file_error(file.path(), "tensor " + detail::single_quoted(name) + " is " +
                                              std::string(dtype_name(rows.info->dtype)) +
                                              ", not an integer tensor");
  std::vector<std::int8_t> values;
  reserve_large(values, rows.bytes.size() / dtype_bytes(rows.info->dtype));
  if (rows.info->dtype == DType::I8) {
    const auto* first = reinterpret_cast<const std::int8_t*>(rows.bytes.data());
    values.assign(first, first + rows.bytes.size());
    return values;
  }
  values.resize(values.capacity());
  for (std::size_t i = 0; i < values.size(); ++i) {  // I16 holding int8 values
    std::int16_t v;
    std::memcpy(&v, rows.bytes.data() + 2 * i, 2);
    if (v < -128 || v > 127)
      detail::throw_file_error(
          file.path(), "tensor " + detail::single_quoted(name) + " has value " + std::to_string(v) +
                           " at flat index " + std::to_string(rows.first_index + std::int64_t(i)) +
                           ", outside int8: expected int8 weights or float "
                           "weights to quantize");
    values[i] = std::int8_t(v);
  }
  return values;
}

}  // namespace

std::vector<float> read_as_float(const WeightFile& file, std::string_view name) {
  return rows_as_float(file, name, row_bytes(file, name, std::nullopt));
}

std::vector<float> read_rows_as_float(const WeightFile& file, std::string_view name,
                                      std::int64_t first_row, std::int64_t last_row) {
  return rows_as_float(file, name, row_bytes(file, name, std::pair{first_row, last_row}));
}

std::vector<std::int8_t> read_as_int8(const WeightFile& file, std::string_view name) {
  return rows_as_int8(file, name, row_bytes(file, name, std::nullopt));
}

std::vector<std::int8_t> read_rows_as_int8(const WeightFile& file, std::string_view name,
                                           std::int64_t first_row, std::int64_t last_row) {
  return rows_as_int8(file, name, row_bytes(file, name, std::pair{first_row, last_row}));
}

namespace {

template <typename T>
TensorData make_typed_tensor(std::string name, Shape shape, std::span<const T> values,
                             DType dtype) {
  std::int64_t count = 0;
  try {
    count = element_count(shape);
  } catch (const Error& error) {
    throw Error("tensor " + detail::single_quoted(name) + ": " + error.what());
  }
  if (values.size() != static_cast<std::uint64_t>(count)) {
    throw Error("tensor " + detail::single_quoted(name) + ": shape " + shape_string(shape) +
                " needs " + std::to_string(count) + " values, got " +
                std::to_string(values.size()));
  }
  const auto bytes = std::as_bytes(values);
  return {std::move(name), dtype, std::move(shape), {bytes.begin(), bytes.end()}};
}

}  // namespace

TensorStream stream_of(const std::filesystem::path& path, const TensorData& tensor) {
  detail::check_tensor_data(path, tensor);
  return {tensor.name, tensor.dtype, tensor.shape, detail::bytes_piece(tensor.bytes).fill};
}

TensorStream stream_of(const TensorView& view) {
  return {view.info->name, view.info->dtype, view.info->shape,
          detail::bytes_piece(view.bytes).fill};
}

TensorData make_tensor(std::string name, Shape shape, std::span<const float> values) {
  return make_typed_tensor(std::move(name), std::move(shape), values, DType::F32);
}

TensorData make_tensor(std::string name, Shape shape, std::span<const std::int8_t> values) {
  return make_typed_tensor(std::move(name), std::move(shape), values, DType::I8);
}

TensorData make_tensor(std::string name, Shape shape, std::span<const std::int16_t> values) {
  return make_typed_tensor(std::move(name), std::move(shape), values, DType::I16);
}

}  // namespace bbs::io
