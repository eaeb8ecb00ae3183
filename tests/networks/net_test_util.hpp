// Helpers for the network tests: environment paths and a scratch directory.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "networks/tensor.hpp"
#include "tests/test_util.hpp"

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

using ScratchDir = bbs::test::TempDir;

// The message of the bbs::Error `action` throws, or "(no error)".
inline std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace bbs::networks::test
