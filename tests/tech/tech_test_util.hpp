// Helpers shared by the technology / hardware tests: a scratch directory and error checks.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "networks/tensor.hpp"

namespace bbs::tech::test {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("bbs-tech-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  // Writes `text` to `name` in the directory and returns its path.
  std::filesystem::path write(std::string_view name, std::string_view text) const {
    const std::filesystem::path path = path_ / name;
    std::ofstream(path) << text;
    return path;
  }

 private:
  std::filesystem::path path_;
};

// Success if `action` throws bbs::Error whose message contains every one of `parts`.
inline ::testing::AssertionResult throws_error(const std::function<void()>& action,
                                               std::initializer_list<std::string> parts) {
  try {
    action();
  } catch (const Error& error) {
    const std::string_view message = error.what();
    for (const std::string& part : parts)
      if (message.find(part) == std::string_view::npos)
        return ::testing::AssertionFailure()
               << "message does not mention \"" << part << "\": \"" << message << "\"";
    return ::testing::AssertionSuccess() << message;
  }
  return ::testing::AssertionFailure() << "no bbs::Error thrown";
}

}  // namespace bbs::tech::test
