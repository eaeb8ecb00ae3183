// Evaluating a network on a new hardware point reads only the profiles: ResNet-50 (54 mapped
// layers, synthetic weights) profiled once per design, then evaluate_network on varying array
// shapes. items_per_second = layer evaluations per second.
// Profiling it for every built-in design at once (as a campaign does), on 1 and 2 threads:
// items_per_second = weights profiled per second.
#include <benchmark/benchmark.h>

#include <map>

#include "model/accel/hardware_config.hpp"
#include "model/accel/profile_builder.hpp"
#include "model/accel/workload.hpp"
#include "model/bbs/quantize.hpp"
#include "networks/weights.hpp"
#include "networks/zoo.hpp"

namespace bbs::accel {
namespace {

struct Prepared {
  Workload workload;
  std::vector<WeightTensor> tensors;
  std::vector<const WeightTensor*> per_layer;
};

const Prepared& resnet50() {
  static const Prepared p = [] {
    Prepared r;
    const networks::Network net = networks::build_network("resnet50");
    r.workload = make_workload(net);
    const auto source = networks::synthetic_weights(1);
    for (const auto& layer : net.layers()) {
      if (!layer.is_mapped() || !layer.weight) continue;
      QuantizedTensor q = quantize_int8(layer.weight->shape, source->load(layer));
      r.tensors.push_back({layer.weight->name, layer.weight->shape, std::move(q.values), {}, {}});
    }
    for (const auto& t : r.tensors) r.per_layer.push_back(&t);
    return r;
  }();
  return p;
}

HardwareConfig config(const std::string& design) { return load_hardware(design, std::nullopt, {}); }

void evaluate(benchmark::State& state, const std::string& design) {
  const Prepared& p = resnet50();
  const AccelModel& model = find_accel(design);
  HardwareConfig hw = config(design);
  const auto profiles = build_profiles(
      p.workload, p.per_layer, model.weight_needs(hw, Fidelity::Corrected), Fidelity::Corrected, 2);
  const MemoryCosts memory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};
  const int rows[] = {8, 16, 32, 64};
  std::size_t point = 0;
  for (auto _ : state) {
    hw.pe_rows = rows[point++ % 4];  // new hardware points; lockstep sums are memoised per height
    hw.pe_cols = 16 + int(point % 3) * 8;
    benchmark::DoNotOptimize(
        evaluate_network(model, hw, Fidelity::Corrected, p.workload, profiles, memory));
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(p.workload.layers.size()));
}

void BM_EvaluateResNet50_Stripes(benchmark::State& s) { evaluate(s, "stripes"); }
void BM_EvaluateResNet50_Pragmatic(benchmark::State& s) { evaluate(s, "pragmatic"); }
void BM_EvaluateResNet50_BitVert(benchmark::State& s) { evaluate(s, "bitvert"); }

// Tensors are profiled side by side, one per worker (profile_builder.cpp).
void BM_ProfileResNet50_EveryDesign(benchmark::State& state) {
  const Prepared& p = resnet50();
  std::vector<WeightNeeds> needs;
  for (const std::string& design : hardware_designs()) {
    const HardwareConfig hw = config(design);
    needs.push_back(find_accel(hw.design).weight_needs(hw, Fidelity::Corrected));
  }
  const int threads = int(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(
        build_profiles(p.workload, p.per_layer, needs, Fidelity::Corrected, threads));
  std::int64_t weights = 0;
  for (const WeightTensor& t : p.tensors) weights += std::int64_t(t.values.size());
  state.SetItemsProcessed(state.iterations() * weights);
}

BENCHMARK(BM_ProfileResNet50_EveryDesign)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_EvaluateResNet50_Stripes)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EvaluateResNet50_Pragmatic)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EvaluateResNet50_BitVert)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bbs::accel
