// Fuzz target: an arbitrary file opened as a result database (read-only) and queried the way
// `query` and `plot` read it. Only bbs::Error may come out.
#include "dse/result_store.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bbs::dse::ResultStore;
  try {
    auto store = ResultStore::open(bbs::fuzz::input_file(data, size, "results.db"),
                                   ResultStore::Mode::ReadOnly);
    for (const auto& campaign : store.campaigns()) {
      for (const auto& workload : store.workloads(campaign.id)) store.workload_layers(workload.id);
      for (const auto& point : store.points(campaign.id)) store.point_layers(point.id);
    }
    for (const auto& analysis : store.analyses()) store.analysis_layers(analysis.id);
    store.sql("SELECT count(*) FROM point");
  } catch (const bbs::Error&) {
  }
  return 0;
}
