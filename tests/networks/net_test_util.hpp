// Helpers for the network tests: environment paths and a scratch directory.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace bbs::networks::test {

// A directory named by an environment variable (tests/test_environment.cpp sets them), if it
// exists.
inline std::optional<std::filesystem::path> env_dir(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || !std::filesystem::is_directory(value)) return std::nullopt;
  return std::filesystem::path(value);
}

inline std::optional<std::filesystem::path> shared_weights_dir() {
  return env_dir("BBS_SHARED_WEIGHTS");
}
inline std::optional<std::filesystem::path> data_dir() { return env_dir("BBS_DATA_DIR"); }

class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("bbs-net-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace bbs::networks::test
