// Shared by the fuzz targets: every loader reads a path, so each input is written to a scratch
// file first (one per process, overwritten on every input).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "networks/tensor.hpp"  // bbs::Error, the one exception a loader may throw

namespace bbs::fuzz {

// Writes the input to "<tmp>/bbs-fuzz-<pid>/<name>" and returns that path.
inline std::filesystem::path input_file(const std::uint8_t* data, std::size_t size,
                                        std::string_view name) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("bbs-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const std::filesystem::path path = dir / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

inline std::string_view input_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace bbs::fuzz
