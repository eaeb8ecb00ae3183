// Fuzz target: a campaign TOML file is parsed and validated. Only bbs::Error may come out.
#include "dse/campaign.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    bbs::dse::load_campaign(bbs::fuzz::input_file(data, size, "campaign.toml"));
  } catch (const bbs::Error&) {
  }
  return 0;
}
