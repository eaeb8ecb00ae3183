// Throughput of the BBS engine on one tensor of 4 Mi weights (normal, std 20, like trained int8
// weights), per thread count: bit statistics, the three pruners and the full analysis; zero-point
// also on uniform int8 weights (BM_ZeroPoint6BitUniform).
// Run: build/bench/bench_bbs  (items_per_second = weights per second)
#include <benchmark/benchmark.h>

#include <random>

#include "model/bbs/analysis.hpp"

namespace bbs {
namespace {

constexpr std::int64_t kChannels = 1024, kInputs = 4096;

const std::vector<std::int8_t>& weights() {
  static const std::vector<std::int8_t> w = [] {
    std::vector<std::int8_t> v(std::size_t(kChannels * kInputs));
    std::mt19937 rng(1);
    std::normal_distribution<double> normal(0.0, 20.0);
    for (auto& x : v) x = std::int8_t(std::clamp(std::lround(normal(rng)), -127L, 127L));
    return v;
  }();
  return w;
}

// Uniform int8 weights (most groups hold a weight outside [-95, 96]: zero-point's wide kernel).
const std::vector<std::int8_t>& uniform_weights() {
  static const std::vector<std::int8_t> w = [] {
    std::vector<std::int8_t> v(std::size_t(kChannels * kInputs));
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> uniform(-127, 127);
    for (auto& x : v) x = std::int8_t(uniform(rng));
    return v;
  }();
  return w;
}

const GroupLayout& layout() {
  static const GroupLayout l = make_group_layout({kChannels, kInputs}, {32});
  return l;
}

void BM_BitStatistics(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(profile_groups(layout(), weights(), int(state.range(0))));
  state.SetItemsProcessed(state.iterations() * kChannels * kInputs);
}

void prune_benchmark(benchmark::State& state, PruneMethod method, int columns,
                     const std::vector<std::int8_t>& values = weights()) {
  const PruneParams params{method, columns, 6};
  for (auto _ : state)
    benchmark::DoNotOptimize(prune_groups(layout(), values, params, int(state.range(0))));
  state.SetItemsProcessed(state.iterations() * kChannels * kInputs);
}

void BM_RoundAverage(benchmark::State& s) { prune_benchmark(s, PruneMethod::RoundAverage, 2); }
void BM_ZeroPoint6Bit(benchmark::State& s) { prune_benchmark(s, PruneMethod::ZeroPoint, 4); }
void BM_ZeroPoint6BitUniform(benchmark::State& s) {
  prune_benchmark(s, PruneMethod::ZeroPoint, 4, uniform_weights());
}
void BM_BitFlip(benchmark::State& s) { prune_benchmark(s, PruneMethod::BitFlip, 4); }

void BM_AnalyzeModerate(benchmark::State& state) {
  const std::vector<WeightTensor> tensors{{"w", {kChannels, kInputs}, weights(), {}, {}}};
  AnalysisOptions options;
  options.prune = {PruneMethod::ZeroPoint, 4, 6};
  options.sensitive_fraction = 0.2;
  options.jobs = int(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(analyze_weights(tensors, options));
  state.SetItemsProcessed(state.iterations() * kChannels * kInputs);
}

BENCHMARK(BM_BitStatistics)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RoundAverage)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ZeroPoint6Bit)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ZeroPoint6BitUniform)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BitFlip)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AnalyzeModerate)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace bbs
