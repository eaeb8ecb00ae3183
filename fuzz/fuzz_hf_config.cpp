// Fuzz target: a Hugging Face config.json is read into a Llama graph (no weight shards). Only
// bbs::Error may come out.
#include "fuzz/fuzz_input.hpp"
#include "networks/llm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    bbs::networks::load_llama_checkpoint_files(bbs::fuzz::input_file(data, size, "config.json"),
                                               {});
  } catch (const bbs::Error&) {
  }
  return 0;
}
