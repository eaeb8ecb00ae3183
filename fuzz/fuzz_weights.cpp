// Fuzz target: a weight file (.npy or safetensors, chosen by its magic bytes) is opened and every
// tensor read as float. Only bbs::Error may come out. Built twice: fuzz_npy and
// fuzz_safetensors (the same code, different seed corpora).
#include "fuzz/fuzz_input.hpp"
#include "networks/io/weight_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto file = bbs::io::WeightFile::open(bbs::fuzz::input_file(data, size, "weights"));
    for (const auto& tensor : file.tensors()) bbs::io::read_as_float(file, tensor.name);
  } catch (const bbs::Error&) {
  }
  return 0;
}
