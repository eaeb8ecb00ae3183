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
#include "tests/test_util.hpp"

namespace bbs::tech::test {

using TempDir = bbs::test::TempDir;

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
