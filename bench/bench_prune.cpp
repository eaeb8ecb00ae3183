// `bbs-dse prune` and `bbs-dse analyze` end to end on one 16 Mi-weight int8 .npy (issue 13): open
// and read the file, prune, compute the statistics the tables print, write the pruned file, print
// (into a discarded stream). Compare items_per_second (weights per second) with the kernels alone
// in bench_bbs: the command's own cost is the difference.
//
// BM_Prune/<method>/<threads>: `prune -i w.npy -o out.npy --method M --columns 2 -j T`
//   (method 0 round-avg, 1 zero-point, 2 bit-flip)
// BM_Analyze/<threads>: `analyze -w w.npy -j T` (bit statistics, no pruning)
//
// Run it:
//   cmake --build build --target bench_prune -j2
//   build/bench/bench_prune
#include <benchmark/benchmark.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <vector>

#include "app/commands.hpp"
#include "bench/scratch_dir.hpp"
#include "networks/io/weight_file.hpp"

namespace bbs::app {
namespace {

constexpr std::int64_t kRows = 4096, kColumns = 4096;

// A [4096, 4096] int8 tensor of rounded Gaussians (std 20, as a trained linear layer quantized
// per tensor), written once per process into a temporary directory removed at exit.
struct Files {
  bench::ScratchDir dir{"bench_prune_"};
  std::filesystem::path input = dir.path / "w.npy", output = dir.path / "out.npy";
  Files() {
    std::mt19937 rng(13);
    std::normal_distribution<double> normal(0.0, 20.0);
    std::vector<std::int8_t> values(std::size_t(kRows * kColumns));
    for (auto& v : values) v = std::int8_t(std::clamp(std::round(normal(rng)), -127.0, 127.0));
    io::write_npy(input, io::make_tensor("w", {kRows, kColumns}, values));
  }
};

const Files& files() {
  static const Files f;
  return f;
}

// Runs `command` with std::cout and std::cerr discarded.
template <typename Command>
void run_quietly(benchmark::State& state, Command&& command) {
  std::ostringstream sink;
  auto* out = std::cout.rdbuf(sink.rdbuf());
  auto* err = std::cerr.rdbuf(sink.rdbuf());
  for (auto _ : state) {
    benchmark::DoNotOptimize(command());
    sink.str({});
  }
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  state.SetItemsProcessed(state.iterations() * kRows * kColumns);
}

void BM_Prune(benchmark::State& state) {
  const char* methods[] = {"round-avg", "zero-point", "bit-flip"};
  PruneOptions options;
  options.input = files().input.string();
  options.output = files().output.string();
  options.engine.method = methods[state.range(0)];
  options.engine.columns = 2;
  options.engine.jobs = int(state.range(1));
  state.SetLabel(*options.engine.method);
  run_quietly(state, [&] { return run_prune(options); });
}
BENCHMARK(BM_Prune)->ArgsProduct({{0, 1, 2}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Analyze(benchmark::State& state) {
  AnalyzeOptions options;
  options.weights = files().input.string();
  options.engine.jobs = int(state.range(0));
  run_quietly(state, [&] { return run_analyze(options); });
}
BENCHMARK(BM_Analyze)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace bbs::app
