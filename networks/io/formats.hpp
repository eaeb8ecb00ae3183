// Internal to the weight-file readers and writers: shared helpers and the per-format entry points.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "networks/io/weight_file.hpp"

namespace bbs::io::detail {

// Throws bbs::Error("<path>: <problem>").
[[noreturn]] void throw_file_error(const std::filesystem::path& path, std::string_view problem);

// "'name'" — how messages quote tensor names, keys and dtypes.
std::string single_quoted(std::string_view text);

// Bytes a tensor of this dtype and shape occupies; throws naming the file and tensor if a
// dimension is negative or the size overflows.
std::uint64_t tensor_size_bytes(const std::filesystem::path& path, std::string_view tensor_name,
                                DType dtype, const Shape& shape);

// Throws naming the file and tensor unless tensor.bytes matches its dtype and shape.
void check_tensor_data(const std::filesystem::path& path, const TensorData& tensor);

// Part of a file being written: size_bytes bytes that fill(first, out) produces in order.
struct FilePiece {
  std::uint64_t size_bytes = 0;
  ByteFill fill;
};
// The piece of bytes held by the caller (alive until the write returns).
FilePiece bytes_piece(std::span<const std::byte> bytes);

// Writes the pieces, in order, through a buffer of at most 1 MiB to "<path>.tmp-<pid>" and
// renames that over `path`.
void write_file_atomically(const std::filesystem::path& path, const std::vector<FilePiece>& pieces);

// A string's characters viewed as bytes (for bytes_piece).
std::span<const std::byte> as_bytes(std::string_view text);

// Throws naming the file and tensor unless the stream's dtype and shape have a valid size;
// returns that size.
std::uint64_t stream_size_bytes(const std::filesystem::path& path, const TensorStream& tensor);

// What a reader found in a file; the byte spans point into the caller's file bytes.
struct ParsedFile {
  std::vector<TensorInfo> tensors;
  std::vector<std::span<const std::byte>> tensor_bytes;  // parallel to `tensors`
  std::map<std::string, std::string> metadata;
};

bool has_npy_magic(std::span<const std::byte> file_bytes);
ParsedFile parse_npy(const std::filesystem::path& path, std::span<const std::byte> file_bytes);

// True if the bytes after the 8-byte length start (after optional whitespace) with '{'.
bool looks_like_safetensors(std::span<const std::byte> file_bytes);
ParsedFile parse_safetensors(const std::filesystem::path& path,
                             std::span<const std::byte> file_bytes);

}  // namespace bbs::io::detail
