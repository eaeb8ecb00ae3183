// safetensors: u64 little-endian N | N bytes of JSON header | data block.
#include <algorithm>
#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "networks/io/formats.hpp"

namespace bbs::io::detail {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kLengthFieldBytes = 8;
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr std::size_t kHeaderAlignmentBytes = 8;
// A valid header nests three deep ({"name": {"shape": [...]}}); deeper input is rejected before
// it can cost much memory.
constexpr int kMaxJsonDepth = 8;
constexpr std::string_view kMetadataKey = "__metadata__";
constexpr std::array kEntryKeys = {"dtype", "shape", "data_offsets"};

struct Entry {
  TensorInfo info;
  std::uint64_t begin = 0;  // data_offsets, relative to the data block
  std::uint64_t end = 0;
};

// Reads a tensor entry's fields, each error naming the file and the tensor.
class EntryReader {
 public:
  EntryReader(const std::filesystem::path& path, const std::string& name, const Json& entry)
      : path_(path), name_(name), entry_(entry) {}

  Entry read() const {
    if (!entry_.is_object()) fail("entry must be a JSON object");
    for (const auto& [key, value] : entry_.items()) {
      if (std::find(kEntryKeys.begin(), kEntryKeys.end(), key) == kEntryKeys.end()) {
        fail("unknown key " + single_quoted(key));
      }
    }
    Entry entry{{name_, read_dtype(), read_shape()}, 0, 0};
    read_offsets(entry);
    return entry;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw_file_error(path_, "tensor " + single_quoted(name_) + ": " + problem);
  }

  const Json& field(const char* key) const {
    const auto found = entry_.find(key);
    if (found == entry_.end()) fail(std::string("missing ") + single_quoted(key));
    return *found;
  }

  DType read_dtype() const {
    const Json& dtype = field("dtype");
    if (!dtype.is_string()) fail("'dtype' must be a string");
    const auto& name = dtype.get_ref<const std::string&>();
    for (const DType candidate : kAllDTypes) {
      if (dtype_name(candidate) == name) return candidate;
    }
    std::string known;
    for (const DType candidate : kAllDTypes)
      known += (known.empty() ? "" : ", ") + std::string(dtype_name(candidate));
    fail("unsupported dtype " + single_quoted(name) + " (supported: " + known + ")");
  }

  Shape read_shape() const {
    const Json& shape_json = field("shape");
    if (!shape_json.is_array()) fail("'shape' must be an array of integers");
    Shape shape;
    for (const Json& dim : shape_json) {
      if (!dim.is_number_integer()) fail("'shape' must be an array of integers");
      if (!dim.is_number_unsigned()) fail("'shape' has a negative dimension");
      if (dim.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
        fail("'shape' has a dimension that is too large");
      }
      shape.push_back(dim.get<std::int64_t>());
    }
    return shape;
  }

  void read_offsets(Entry& entry) const {
    const Json& offsets = field("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      fail("'data_offsets' must be two non-negative integers [begin, end]");
    }
    entry.begin = offsets[0].get<std::uint64_t>();
    entry.end = offsets[1].get<std::uint64_t>();
    if (entry.end < entry.begin) fail("'data_offsets' " + offsets.dump() + " end before begin");
  }

  const std::filesystem::path& path_;
  const std::string& name_;
  const Json& entry_;
};

std::string offsets_string(const Entry& entry) {
  return "[" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
}

void check_entry_fits(const std::filesystem::path& path, const Entry& entry,
                      std::uint64_t data_block_bytes) {
  const std::string& name = entry.info.name;
  if (entry.end > data_block_bytes) {
    throw_file_error(path, "tensor " + single_quoted(name) + ": data_offsets " +
                               offsets_string(entry) + " go beyond the data block (" +
                               std::to_string(data_block_bytes) +
                               " bytes): file is truncated or offsets are out of range");
  }
  const std::uint64_t expected_bytes =
      tensor_size_bytes(path, name, entry.info.dtype, entry.info.shape);
  if (entry.end - entry.begin != expected_bytes) {
    throw_file_error(path, "tensor " + single_quoted(name) + ": size mismatch: data_offsets " +
                               offsets_string(entry) + " hold " +
                               std::to_string(entry.end - entry.begin) + " bytes, but shape " +
                               shape_string(entry.info.shape) + " of " +
                               std::string(dtype_name(entry.info.dtype)) + " needs " +
                               std::to_string(expected_bytes));
  }
}

// Expects entries sorted by offset.
void check_no_overlap(const std::filesystem::path& path, const std::vector<Entry>& entries) {
  const Entry* furthest = nullptr;  // the non-empty tensor reaching furthest so far
  for (const Entry& entry : entries) {
    if (entry.begin == entry.end) continue;
    if (furthest != nullptr && entry.begin < furthest->end) {
      throw_file_error(path, "tensors " + single_quoted(furthest->info.name) + " " +
                                 offsets_string(*furthest) + " and " +
                                 single_quoted(entry.info.name) + " " + offsets_string(entry) +
                                 " overlap");
    }
    if (furthest == nullptr || entry.end > furthest->end) furthest = &entry;
  }
}

std::map<std::string, std::string> read_metadata(const std::filesystem::path& path,
                                                 const Json& metadata_json) {
  if (!metadata_json.is_object()) throw_file_error(path, "'__metadata__' must be a JSON object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : metadata_json.items()) {
    if (!value.is_string()) {
      throw_file_error(path,
                       "'__metadata__' key " + single_quoted(key) + " must have a string value");
    }
    metadata.emplace(key, value.get<std::string>());
  }
  return metadata;
}

// A first SAX pass over the header that keeps nothing but the top-level keys: rejects duplicate
// tensor names (which plain parsing would silently merge) and absurd nesting in linear time.
// (nlohmann's parse callback rescans the enclosing object at the end of every entry, which made
// a 40 000-tensor header take seconds.)
class HeaderStructureCheck : public nlohmann::json_sax<Json> {
 public:
  explicit HeaderStructureCheck(const std::filesystem::path& path) : path_(path) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    if (depth_ == 1 && !top_level_keys_.insert(name).second) {
      throw_file_error(path_, "header has duplicate key " + single_quoted(name));
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    throw error;
  }

 private:
  bool open() {
    if (++depth_ > kMaxJsonDepth) throw_file_error(path_, "header JSON is nested too deeply");
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  const std::filesystem::path& path_;
  int depth_ = 0;
  std::unordered_set<std::string> top_level_keys_;
};

// Parses the header JSON after HeaderStructureCheck has passed it.
Json parse_header_json(const std::filesystem::path& path, std::string_view header_text) {
  try {
    HeaderStructureCheck check(path);
    Json::sax_parse(header_text, &check);
    return Json::parse(header_text);
  } catch (const Json::exception& error) {         // syntax errors, numbers out of range
    const std::string_view detail = error.what();  // "[json.exception.<kind>] <detail>"
    throw_file_error(
        path, "header is not valid JSON: " + std::string(detail.substr(detail.find("] ") + 2)));
  }
}

std::uint64_t read_u64_le(std::span<const std::byte> bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = kLengthFieldBytes; i-- > 0;) {
    value = (value << 8) | std::to_integer<std::uint64_t>(bytes[i]);
  }
  return value;
}

std::string u64_le(std::uint64_t value) {
  std::string bytes;
  for (std::size_t i = 0; i < kLengthFieldBytes; ++i) {
    bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
  }
  return bytes;
}

std::string_view header_text(const std::filesystem::path& path,
                             std::span<const std::byte> file_bytes) {
  if (file_bytes.size() < kLengthFieldBytes) {
    throw_file_error(path, "file is too short for a safetensors header (" +
                               std::to_string(file_bytes.size()) + " bytes)");
  }
  const std::uint64_t header_bytes = read_u64_le(file_bytes);
  if (header_bytes > kMaxHeaderBytes) {
    throw_file_error(
        path, "header length " + std::to_string(header_bytes) + " is larger than the 100 MB limit");
  }
  if (header_bytes > file_bytes.size() - kLengthFieldBytes) {
    throw_file_error(path, "header length " + std::to_string(header_bytes) +
                               " goes beyond the end of the file (" +
                               std::to_string(file_bytes.size()) + " bytes)");
  }
  return {reinterpret_cast<const char*>(file_bytes.data()) + kLengthFieldBytes,
          static_cast<std::size_t>(header_bytes)};
}

std::string header_json_text(const std::filesystem::path& path,
                             const nlohmann::ordered_json& header) {
  try {
    return header.dump();
  } catch (const nlohmann::ordered_json::type_error&) {
    throw_file_error(path, "a tensor name or metadata string is not valid UTF-8");
  }
}

}  // namespace

bool looks_like_safetensors(std::span<const std::byte> file_bytes) {
  if (file_bytes.size() < kLengthFieldBytes) return false;
  const auto after_length = file_bytes.subspan(kLengthFieldBytes);
  const auto first_non_space = std::find_if(after_length.begin(), after_length.end(), [](auto b) {
    return b != std::byte{' '} && b != std::byte{'\t'} && b != std::byte{'\r'} &&
           b != std::byte{'\n'};
  });
  return first_non_space != after_length.end() && *first_non_space == std::byte{'{'};
}

ParsedFile parse_safetensors(const std::filesystem::path& path,
                             std::span<const std::byte> file_bytes) {
  const std::string_view header = header_text(path, file_bytes);
  const Json header_json = parse_header_json(path, header);
  if (!header_json.is_object()) throw_file_error(path, "header must be a JSON object");

  const auto data_block = file_bytes.subspan(kLengthFieldBytes + header.size());
  ParsedFile parsed;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header_json.items()) {
    if (name == kMetadataKey) {
      parsed.metadata = read_metadata(path, value);
      continue;
    }
    entries.push_back(EntryReader(path, name, value).read());
    check_entry_fits(path, entries.back(), data_block.size());
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
  });
  check_no_overlap(path, entries);

  for (Entry& entry : entries) {
    parsed.tensor_bytes.push_back(data_block.subspan(entry.begin, entry.end - entry.begin));
    parsed.tensors.push_back(std::move(entry.info));
  }
  return parsed;
}

}  // namespace bbs::io::detail

namespace bbs::io {

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<TensorStream> streams;
  for (const TensorData& tensor : tensors) streams.push_back(stream_of(path, tensor));
  write_safetensors(path, streams, metadata);
}

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorStream>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[std::string(detail::kMetadataKey)] = metadata;
  std::uint64_t offset = 0;
  std::vector<detail::FilePiece> data;
  for (const TensorStream& tensor : tensors) {
    const std::uint64_t size_bytes = detail::stream_size_bytes(path, tensor);
    if (tensor.name == detail::kMetadataKey) {
      detail::throw_file_error(path, "tensor name '__metadata__' is reserved");
    }
    if (header.contains(tensor.name)) {
      detail::throw_file_error(path, "duplicate tensor name " + detail::single_quoted(tensor.name));
    }
    header[tensor.name] = {{"dtype", std::string(dtype_name(tensor.dtype))},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + size_bytes}}};
    offset += size_bytes;
    data.push_back({size_bytes, tensor.fill});
  }
  std::string header_text = detail::header_json_text(path, header);
  const std::size_t unaligned_bytes = header_text.size() % detail::kHeaderAlignmentBytes;
  if (unaligned_bytes != 0) {
    header_text.append(detail::kHeaderAlignmentBytes - unaligned_bytes, ' ');
  }

  const std::string length_field = detail::u64_le(header_text.size());
  std::vector<detail::FilePiece> pieces = {detail::bytes_piece(detail::as_bytes(length_field)),
                                           detail::bytes_piece(detail::as_bytes(header_text))};
  pieces.insert(pieces.end(), data.begin(), data.end());
  detail::write_file_atomically(path, pieces);
}

}  // namespace bbs::io
