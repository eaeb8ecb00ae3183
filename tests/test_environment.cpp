// Gives every test binary the paths CMake knows, as environment variables (unless already set):
// a list of variables does not survive gtest_discover_tests' PROPERTIES, and this way a test
// binary run by hand behaves exactly as under ctest.
#include <cstdlib>

namespace {

const bool kEnvironmentReady = [] {
  setenv("BBS_SHARED_WEIGHTS", BBS_TEST_SHARED_WEIGHTS, 0);
  setenv("BBS_DATA_DIR", BBS_TEST_DATA_DIR, 0);
  setenv("BBS_TEST_DATA", BBS_TEST_TEST_DATA, 0);
  setenv("BBS_DSE_EXE", BBS_TEST_DSE_EXE, 0);
  setenv("PYTHON3", BBS_TEST_PYTHON3, 0);
  return true;
}();

}  // namespace
