// The ONNX protobuf read from a mapping, optionally without copying the weights' raw data: the
// wire format (https://protobuf.dev/programming-guides/encoding/) is walked down to
// ModelProto.graph (field 7) -> GraphProto.initializer (field 5) -> TensorProto.raw_data
// (field 9), large raw data is replaced by a one-byte placeholder before protobuf parses the
// rest, and put back for every initializer something other than a weight input reads.
#include "networks/onnx/onnx_parse.hpp"

#include <onnx/onnx_pb.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "networks/io/input_file.hpp"
#include "networks/tensor.hpp"

namespace bbs::networks {
namespace {

constexpr std::size_t kLazyRawBytes = 64 * 1024;  // smaller raw data is simply copied
constexpr std::uint32_t kModelGraph = 7, kGraphInitializer = 5, kTensorName = 8, kTensorRawData = 9;
constexpr int kWireLength = 2;  // length-delimited (bytes, string, message)

std::optional<std::uint64_t> read_varint(const char*& p, const char* end) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p++);
    value |= std::uint64_t(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

void write_varint(std::string& out, std::uint64_t value) {
  for (; value >= 0x80; value >>= 7) out.push_back(static_cast<char>(value | 0x80));
  out.push_back(static_cast<char>(value));
}

struct Field {
  std::uint32_t number = 0;
  int wire_type = 0;
  std::string_view bytes;    // tag and value as stored
  std::string_view payload;  // the value of a length-delimited field
};

// The fields of a message in stored order; nullopt for bytes that are not a message (or groups).
std::optional<std::vector<Field>> split_fields(std::string_view message) {
  std::vector<Field> fields;
  const char* p = message.data();
  const char* const end = p + message.size();
  while (p < end) {
    const char* const start = p;
    const std::optional<std::uint64_t> tag = read_varint(p, end);
    if (!tag) return std::nullopt;
    Field field{static_cast<std::uint32_t>(*tag >> 3), static_cast<int>(*tag & 7), {}, {}};
    if (field.wire_type == 0) {
      if (!read_varint(p, end)) return std::nullopt;
    } else if (field.wire_type == 1 || field.wire_type == 5) {
      const std::ptrdiff_t width = field.wire_type == 1 ? 8 : 4;
      if (end - p < width) return std::nullopt;
      p += width;
    } else if (field.wire_type == kWireLength) {
      const std::optional<std::uint64_t> length = read_varint(p, end);
      if (!length || *length > std::uint64_t(end - p)) return std::nullopt;
      field.payload = {p, static_cast<std::size_t>(*length)};
      p += *length;
    } else {
      return std::nullopt;
    }
    field.bytes = {start, static_cast<std::size_t>(p - start)};
    fields.push_back(field);
  }
  return fields;
}

void write_field(std::string& out, std::uint32_t number, std::string_view payload) {
  write_varint(out, (std::uint64_t(number) << 3) | kWireLength);
  write_varint(out, payload.size());
  out.append(payload);
}

// Raw data left in the mapping, by initializer name.
using LazyRawData = std::map<std::string, std::string_view, std::less<>>;

// A TensorProto with large raw data replaced by a placeholder (recorded in `lazy`).
std::optional<std::string> strip_tensor(std::string_view tensor, LazyRawData& lazy) {
  const auto fields = split_fields(tensor);
  if (!fields) return std::nullopt;
  std::string_view name, raw;
  for (const Field& f : *fields) {
    if (f.wire_type != kWireLength) continue;
    if (f.number == kTensorName) name = f.payload;
    if (f.number == kTensorRawData) raw = f.payload;
  }
  if (raw.size() < kLazyRawBytes || name.empty() || !lazy.emplace(name, raw).second)
    return std::string(tensor);
  std::string out;
  for (const Field& f : *fields) {
    if (f.number == kTensorRawData)
      write_field(out, kTensorRawData, raw.substr(0, 1));
    else
      out.append(f.bytes);
  }
  return out;
}

// `message` with each length-delimited field `number` replaced by rewrite(payload).
template <typename Rewrite>
std::optional<std::string> rewrite_fields(std::string_view message, std::uint32_t number,
                                          Rewrite rewrite) {
  const auto fields = split_fields(message);
  if (!fields) return std::nullopt;
  std::string out;
  for (const Field& f : *fields) {
    if (f.number != number || f.wire_type != kWireLength) {
      out.append(f.bytes);
      continue;
    }
    const std::optional<std::string> payload = rewrite(f.payload);
    if (!payload) return std::nullopt;
    write_field(out, number, *payload);
  }
  return out;
}

std::optional<std::string> strip_model(std::string_view model, LazyRawData& lazy) {
  return rewrite_fields(model, kModelGraph, [&](std::string_view graph) {
    return rewrite_fields(graph, kGraphInitializer,
                          [&](std::string_view tensor) { return strip_tensor(tensor, lazy); });
  });
}

// Initializers whose values something reads: all but the weight inputs (input 1) of Conv, Gemm
// and MatMul. A subgraph (If, Loop) may read any of them.
std::set<std::string> read_initializers(const onnx::GraphProto& graph) {
  std::set<std::string> read;
  for (const onnx::NodeProto& node : graph.node()) {
    const bool weight_op =
        node.op_type() == "Conv" || node.op_type() == "Gemm" || node.op_type() == "MatMul";
    for (const auto& attribute : node.attribute())
      if (attribute.has_g() || attribute.graphs_size() > 0)
        for (const auto& init : graph.initializer()) read.insert(init.name());
    for (int i = 0; i < node.input_size(); ++i)
      if (!(weight_op && i == 1)) read.insert(node.input(i));
  }
  for (const auto& output : graph.output()) read.insert(output.name());
  return read;
}

class Mapping {
 public:
  explicit Mapping(const std::filesystem::path& path) {
    const int fd = io::open_regular_file(path, "the ONNX file");
    struct stat status {};
    if (::fstat(fd, &status) == 0 && status.st_size > 0 &&
        status.st_size <= std::numeric_limits<int>::max()) {
      size_ = static_cast<std::size_t>(status.st_size);
      address_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    ::close(fd);
    if (address_ == MAP_FAILED) throw Error(path.string() + ": cannot map the ONNX file");
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (size_ > 0) ::munmap(address_, size_);
  }
  std::string_view bytes() const { return {static_cast<const char*>(address_), size_}; }

 private:
  void* address_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace

bool parse_onnx_file(const std::filesystem::path& path, onnx::ModelProto& model,
                     bool values_of_weights) {
  const Mapping mapping(path);
  const std::string_view bytes = mapping.bytes();
  if (bytes.empty()) return false;
  LazyRawData lazy;
  const std::optional<std::string> stripped =
      values_of_weights ? std::nullopt : strip_model(bytes, lazy);
  if (!stripped) return model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (!model.ParseFromString(*stripped)) return false;
  const std::set<std::string> read = read_initializers(model.graph());
  for (auto& init : *model.mutable_graph()->mutable_initializer()) {
    const auto it = lazy.find(init.name());
    if (it != lazy.end() && read.count(init.name()) > 0)
      init.set_raw_data(it->second.data(), it->second.size());
  }
  return true;
}

}  // namespace bbs::networks
