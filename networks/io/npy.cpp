// NumPy .npy (format versions 1.0, 2.0, 3.0): one C-order, little-endian array per file.
#include <cctype>
#include <cstring>
#include <limits>
#include <set>

#include "networks/io/formats.hpp"

namespace bbs::io::detail {

namespace {

constexpr std::string_view kNpyMagic = "\x93NUMPY";
constexpr std::size_t kVersionOffset = kNpyMagic.size();         // major, minor
constexpr std::size_t kHeaderLengthOffset = kVersionOffset + 2;  // u16 (v1) or u32 (v2, v3)
constexpr std::size_t kHeaderAlignmentBytes = 64;

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
};

// Parses the header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(const std::filesystem::path& path, std::string_view text)
      : path_(path), text_(text) {}

  NpyHeader parse() {
    NpyHeader header;
    std::set<std::string> keys_seen;
    skip_whitespace();
    expect('{');
    skip_whitespace();
    while (!consume('}')) {
      const std::string key = parse_string();
      if (!keys_seen.insert(key).second) fail("duplicate key " + single_quoted(key));
      skip_whitespace();
      expect(':');
      skip_whitespace();
      parse_value(key, header);
      skip_whitespace();
      if (!consume(',')) {
        expect('}');
        break;
      }
      skip_whitespace();
    }
    skip_whitespace();
    if (position_ != text_.size()) fail("unexpected text after the dictionary");
    for (const char* key : {"descr", "fortran_order", "shape"}) {
      if (!keys_seen.contains(key)) fail(std::string("missing key ") + single_quoted(key));
    }
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw_file_error(path_, "malformed .npy header: " + problem + " (at header character " +
                                std::to_string(position_) + ")");
  }

  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }

  void skip_whitespace() {
    while (!at_end() && std::strchr(" \t\r\n", peek()) != nullptr) ++position_;
  }

  bool consume(char expected) {
    if (at_end() || peek() != expected) return false;
    ++position_;
    return true;
  }

  void expect(char expected) {
    if (!consume(expected)) fail(std::string("expected '") + expected + "'");
  }

  void parse_value(const std::string& key, NpyHeader& header) {
    if (key == "descr") {
      header.descr = parse_string();
    } else if (key == "fortran_order") {
      header.fortran_order = parse_bool();
    } else if (key == "shape") {
      header.shape = parse_shape();
    } else {
      fail("unknown key " + single_quoted(key));
    }
  }

  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    ++position_;
    const std::size_t end = text_.find(quote, position_);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string value(text_.substr(position_, end - position_));
    if (value.find_first_of("\\\n") != std::string::npos) fail("unsupported string literal");
    position_ = end + 1;
    return value;
  }

  bool parse_bool() {
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(position_).starts_with(word)) {
        position_ += std::strlen(word);
        return value;
      }
    }
    fail("expected True or False");
  }

  // "()", "(5,)", "(3, 4)", "(3, 4,)".
  Shape parse_shape() {
    Shape shape;
    expect('(');
    skip_whitespace();
    if (consume(')')) return shape;
    while (true) {
      shape.push_back(parse_dimension());
      skip_whitespace();
      if (consume(')')) {
        if (shape.size() == 1) fail("'shape' is not a tuple: a 1-D shape is written (N,)");
        return shape;
      }
      expect(',');
      skip_whitespace();
      if (consume(')')) return shape;
    }
  }

  std::int64_t parse_dimension() {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) {
      fail("expected a non-negative integer dimension");
    }
    std::int64_t value = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const int digit = peek() - '0';
      if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
        fail("dimension is too large");
      }
      value = value * 10 + digit;
      ++position_;
    }
    consume('L');  // Python 2 long literal, as old NumPy wrote it
    return value;
  }

  const std::filesystem::path& path_;
  std::string_view text_;
  std::size_t position_ = 0;
};

struct DescrInfo {
  std::string_view descr;
  DType dtype;
};

constexpr DescrInfo kSupportedDescrs[] = {
    {"|i1", DType::I8},  {"<i1", DType::I8},  {"<i2", DType::I16},  {"<f2", DType::F16},
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"|b1", DType::BOOL}, {"|u1", DType::U8},
    {"<u1", DType::U8},  {"<i4", DType::I32}, {"<i8", DType::I64}};

DType dtype_from_descr(const std::filesystem::path& path, std::string_view descr) {
  for (const auto& supported : kSupportedDescrs) {
    if (supported.descr == descr) return supported.dtype;
  }
  if (descr.starts_with('>')) {
    throw_file_error(path, "big-endian dtype " + single_quoted(descr) + " is not supported");
  }
  throw_file_error(path, "unsupported dtype " + single_quoted(descr) +
                             " (supported: |i1, <i2, <f2, <f4, <f8, |b1, |u1, <i4, <i8)");
}

std::string_view descr_for(const std::filesystem::path& path, const TensorStream& tensor) {
  switch (tensor.dtype) {
    case DType::I8:
      return "|i1";
    case DType::I16:
      return "<i2";
    case DType::F16:
      return "<f2";
    case DType::F32:
      return "<f4";
    case DType::F64:
      return "<f8";
    case DType::BOOL:
      return "|b1";
    case DType::U8:
      return "|u1";
    case DType::I32:
      return "<i4";
    case DType::I64:
      return "<i8";
    case DType::BF16:
      break;
  }
  throw_file_error(path, "tensor " + single_quoted(tensor.name) +
                             ": BF16 cannot be written to .npy (NumPy has no bfloat16)");
}

std::uint32_t read_le(std::span<const std::byte> bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) {
    value = (value << 8) | std::to_integer<std::uint32_t>(bytes[i]);
  }
  return value;
}

void append_le(std::string& out, std::uint32_t value, std::size_t size_bytes) {
  for (std::size_t i = 0; i < size_bytes; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
  }
}

std::size_t header_length_field_bytes(const std::filesystem::path& path, int major, int minor) {
  if (minor == 0 && major == 1) return 2;
  if (minor == 0 && (major == 2 || major == 3)) return 4;
  throw_file_error(path, "unsupported .npy format version " + std::to_string(major) + "." +
                             std::to_string(minor));
}

std::string shape_tuple(const Shape& shape) {
  if (shape.size() == 1) return "(" + std::to_string(shape[0]) + ",)";
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + ")";
}

std::size_t round_up_to_alignment(std::size_t size_bytes) {
  return (size_bytes + kHeaderAlignmentBytes - 1) / kHeaderAlignmentBytes * kHeaderAlignmentBytes;
}

// Magic, version, header length and the header dict padded with spaces and a final '\n' so the
// data starts on a 64-byte boundary. Version 2.0 only if the header does not fit a u16 length.
std::string npy_preamble(std::string_view descr, const Shape& shape) {
  const std::string dict = "{'descr': '" + std::string(descr) +
                           "', 'fortran_order': False, 'shape': " + shape_tuple(shape) + ", }";
  const auto padded_header_bytes = [&](std::size_t length_field_bytes) {
    const std::size_t prefix_bytes = kHeaderLengthOffset + length_field_bytes;
    return round_up_to_alignment(prefix_bytes + dict.size() + 1) - prefix_bytes;
  };
  const bool fits_version_1 = padded_header_bytes(2) <= 0xFFFF;
  const std::size_t length_field_bytes = fits_version_1 ? 2 : 4;
  const std::size_t header_bytes = padded_header_bytes(length_field_bytes);

  std::string preamble(kNpyMagic);
  preamble.push_back(fits_version_1 ? '\x01' : '\x02');  // major version
  preamble.push_back('\x00');                            // minor version
  append_le(preamble, static_cast<std::uint32_t>(header_bytes), length_field_bytes);
  preamble += dict;
  preamble.append(header_bytes - dict.size() - 1, ' ');
  preamble.push_back('\n');
  return preamble;
}

}  // namespace

bool has_npy_magic(std::span<const std::byte> file_bytes) {
  return file_bytes.size() >= kNpyMagic.size() &&
         std::memcmp(file_bytes.data(), kNpyMagic.data(), kNpyMagic.size()) == 0;
}

ParsedFile parse_npy(const std::filesystem::path& path, std::span<const std::byte> file_bytes) {
  if (file_bytes.size() < kHeaderLengthOffset) {
    throw_file_error(path,
                     "truncated .npy preamble (" + std::to_string(file_bytes.size()) + " bytes)");
  }
  const int major = std::to_integer<int>(file_bytes[kVersionOffset]);
  const int minor = std::to_integer<int>(file_bytes[kVersionOffset + 1]);
  const std::size_t length_field_bytes = header_length_field_bytes(path, major, minor);
  const std::size_t header_offset = kHeaderLengthOffset + length_field_bytes;
  if (file_bytes.size() < header_offset) {
    throw_file_error(path,
                     "truncated .npy preamble (" + std::to_string(file_bytes.size()) + " bytes)");
  }
  const std::size_t header_bytes =
      read_le(file_bytes.subspan(kHeaderLengthOffset, length_field_bytes));
  if (header_bytes > file_bytes.size() - header_offset) {
    throw_file_error(path, "header length " + std::to_string(header_bytes) +
                               " goes beyond the end of the file (" +
                               std::to_string(file_bytes.size()) + " bytes)");
  }
  const auto header_chars = file_bytes.subspan(header_offset, header_bytes);
  const NpyHeader header =
      HeaderParser(path, {reinterpret_cast<const char*>(header_chars.data()), header_chars.size()})
          .parse();
  if (header.fortran_order) throw_file_error(path, "Fortran-order arrays are not supported");

  TensorInfo info{path.stem().string(), dtype_from_descr(path, header.descr), header.shape};
  const std::uint64_t expected_bytes = tensor_size_bytes(path, info.name, info.dtype, info.shape);
  const auto data = file_bytes.subspan(header_offset + header_bytes);
  if (data.size() < expected_bytes) {
    throw_file_error(path, "data is truncated: header says " + std::to_string(expected_bytes) +
                               " bytes, file has " + std::to_string(data.size()));
  }
  if (data.size() > expected_bytes) {
    throw_file_error(path, "trailing bytes after the data: header says " +
                               std::to_string(expected_bytes) + " bytes, file has " +
                               std::to_string(data.size()));
  }
  return {{std::move(info)}, {data}, {}};
}

}  // namespace bbs::io::detail

namespace bbs::io {

void write_npy(const std::filesystem::path& path, const TensorData& tensor) {
  write_npy(path, stream_of(path, tensor));
}

void write_npy(const std::filesystem::path& path, const TensorStream& tensor) {
  const std::uint64_t size_bytes = detail::stream_size_bytes(path, tensor);
  const std::string preamble = detail::npy_preamble(detail::descr_for(path, tensor), tensor.shape);
  detail::write_file_atomically(
      path, {detail::bytes_piece(detail::as_bytes(preamble)), {size_bytes, tensor.fill}});
}

}  // namespace bbs::io
