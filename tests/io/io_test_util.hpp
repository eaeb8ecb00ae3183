// Helpers shared by the weight-file tests: a scratch directory, raw file writing, error checks.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "networks/tensor.hpp"
#include "tests/test_util.hpp"

namespace bbs::io::test {

using TempDir = bbs::test::TempDir;

inline void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <typename T>
std::vector<std::byte> to_bytes(const std::vector<T>& values) {
  const auto bytes = std::as_bytes(std::span(values));
  return {bytes.begin(), bytes.end()};
}

inline std::string as_string(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Success if `action` throws bbs::Error whose message starts with "<file>: " and contains
// `problem`.
inline ::testing::AssertionResult throws_file_error(const std::function<void()>& action,
                                                    const std::filesystem::path& file,
                                                    std::string_view problem) {
  try {
    action();
  } catch (const Error& error) {
    const std::string_view message = error.what();
    if (!message.starts_with(file.string() + ": ")) {
      return ::testing::AssertionFailure()
             << "message does not start with the file path: \"" << message << "\"";
    }
    if (message.find(problem) == std::string_view::npos) {
      return ::testing::AssertionFailure()
             << "message does not mention \"" << problem << "\": \"" << message << "\"";
    }
    return ::testing::AssertionSuccess() << message;
  }
  return ::testing::AssertionFailure() << "no bbs::Error thrown";
}

}  // namespace bbs::io::test
