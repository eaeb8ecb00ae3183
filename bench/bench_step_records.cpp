// Building the per-group step records (model/accel/step_records.hpp) of ResNet-50-sized layers,
// for every registered step rule: the per-design modelling part of a one-shot `simulate`.
// BM_StepRecords/<rule>/<layer>: layer 0 = stem conv 7x7 3->64 (groups along the kernel window),
// 1 = layer3 conv2 3x3 256->256 (Ci-first groups at each kernel position), 2 = layer4 conv1 1x1
// 1024->512, 3 = fc 2048->1000. Random int8 weights (uniform), or random BBS column spans for a
// rule that reads them. items_per_second = weights per second, one thread.
//
// Run it:
//   cmake --build build --target bench_step_records -j2
//   build/bench/bench_step_records
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "model/accel/accel_model.hpp"

namespace bbs::accel {
namespace {

LayerWork layer(int index) {
  struct Shape {
    std::int64_t in, out, kernel;
  };
  const Shape shapes[] = {{3, 64, 7}, {256, 256, 3}, {1024, 512, 1}, {2048, 1000, 1}};
  const Shape& s = shapes[index];
  LayerWork w;
  w.name = "layer" + std::to_string(index);
  w.is_conv = s.kernel > 1;
  w.in_channels = s.in;
  w.out_channels = s.out;
  w.kernel_h = w.kernel_w = s.kernel;
  return w;
}

std::vector<std::int16_t> inputs(const LayerWork& work, const StepRule& rule) {
  std::mt19937 rng(13);
  std::uniform_int_distribution<int> weight(-127, 127), redundant(0, 3), low(0, 4);
  std::vector<std::int16_t> v(std::size_t(work.weight_count()));
  for (auto& x : v)
    x = std::int16_t(rule.reads_column_spans ? redundant(rng) << 4 | low(rng) : weight(rng));
  return v;
}

void BM_StepRecords(benchmark::State& state, const StepRule* rule) {
  const LayerWork work = layer(int(state.range(0)));
  const std::vector<std::int16_t> values = inputs(work, *rule);
  const int lanes = rule->flat_groups ? 128 : 16;
  for (auto _ : state) benchmark::DoNotOptimize(build_step_records(work, values, lanes, *rule));
  state.SetItemsProcessed(state.iterations() * work.weight_count());
}

}  // namespace
}  // namespace bbs::accel

int main(int argc, char** argv) {
  for (const bbs::accel::StepRule* rule : bbs::accel::step_rules())
    benchmark::RegisterBenchmark(("BM_StepRecords/" + std::string(rule->name)).c_str(),
                                 bbs::accel::BM_StepRecords, rule)
        ->DenseRange(0, 3)
        ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
