// Every loader refuses what is not a regular file by name (a FIFO used to block forever, a
// directory given as ONNX was "not an ONNX model") and names the file on an unopenable path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "dse/campaign.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/tech/sram_table.hpp"
#include "networks/io/weight_file.hpp"
#include "networks/llm.hpp"
#include "networks/onnx_import.hpp"
#include "tests/test_util.hpp"

namespace bbs {
namespace {

namespace fs = std::filesystem;

struct Loader {
  std::string name;
  std::function<void(const fs::path&)> load;
};

std::vector<Loader> loaders() {
  return {
      {"weights", [](const fs::path& p) { io::WeightFile::open(p); }},
      {"onnx", [](const fs::path& p) { networks::import_onnx(p); }},
      {"campaign", [](const fs::path& p) { dse::load_campaign(p); }},
      {"hardware", [](const fs::path& p) { accel::load_hardware("bitvert", p, {}); }},
      {"hf_config", [](const fs::path& p) { networks::load_llama_checkpoint_files(p, {}); }},
      {"sram_table", [](const fs::path& p) { tech::SramTable::load(p); }},
  };
}

// The loader's error message; "" if it returned. A loader still blocked after 10 s is failed
// and released by opening the FIFO's write end (the reader then sees end of file).
std::string error_of(const Loader& loader, const fs::path& path, bool is_fifo) {
  auto result = std::async(std::launch::async, [&] {
    try {
      loader.load(path);
    } catch (const Error& e) {
      return std::string(e.what());
    } catch (const std::exception& e) {
      return std::string("internal error: ") + e.what();
    }
    return std::string();
  });
  if (result.wait_for(std::chrono::seconds(10)) == std::future_status::timeout) {
    ADD_FAILURE() << loader.name << " blocked on " << path;
    if (is_fifo) ::close(::open(path.c_str(), O_WRONLY | O_NONBLOCK));
  }
  return result.get();
}

TEST(LoaderInputs, FifoIsRefusedByNameWithoutBlocking) {
  const test::TempDir dir;
  const fs::path fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const Loader& loader : loaders()) {
    const std::string error = error_of(loader, fifo, true);
    EXPECT_NE(error.find(fifo.string() + ": "), std::string::npos) << loader.name << ": " << error;
    EXPECT_NE(error.find("it is a FIFO (named pipe), not a regular file"), std::string::npos)
        << loader.name << ": " << error;
  }
}

TEST(LoaderInputs, DeviceAndDirectoryAreRefusedByName) {
  const test::TempDir dir;
  for (const Loader& loader : loaders()) {
    const std::string device = error_of(loader, "/dev/zero", false);
    EXPECT_NE(device.find("/dev/zero: "), std::string::npos) << loader.name << ": " << device;
    EXPECT_NE(device.find("it is a character device, not a regular file"), std::string::npos)
        << loader.name << ": " << device;
    const std::string folder = error_of(loader, dir.path(), false);
    EXPECT_NE(folder.find("it is a directory, not a regular file"), std::string::npos)
        << loader.name << ": " << folder;
  }
}

TEST(LoaderInputs, UnopenablePathsNameTheFileAndTheReason) {
  const test::TempDir dir;
  const fs::path too_long = dir / std::string(300, 'x');
  const fs::path missing = dir / "missing.bin";
  for (const Loader& loader : loaders()) {
    const std::string long_error = error_of(loader, too_long, false);
    EXPECT_NE(long_error.find(too_long.string() + ": "), std::string::npos)
        << loader.name << ": " << long_error;
    EXPECT_NE(long_error.find("File name too long"), std::string::npos)
        << loader.name << ": " << long_error;
    const std::string missing_error = error_of(loader, missing, false);
    EXPECT_NE(missing_error.find(": No such file or directory"), std::string::npos)
        << loader.name << ": " << missing_error;
  }
}

}  // namespace
}  // namespace bbs
