// Fuzz target: a hardware TOML file over the BitVert preset is loaded and validated. Only
// bbs::Error may come out.
#include "fuzz/fuzz_input.hpp"
#include "model/accel/hardware_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    bbs::accel::load_hardware("bitvert", bbs::fuzz::input_file(data, size, "hw.toml"), {});
  } catch (const bbs::Error&) {
  }
  return 0;
}
