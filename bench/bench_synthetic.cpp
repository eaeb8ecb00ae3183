// Synthetic weight generation (networks/synthetic): one conv layer (ResNet-50 layer4.0.conv2,
// 2.4 M weights, Gaussian within a channel) and one linear layer (BERT-base FFN, 2.4 M weights,
// Student-t), on 1 and 2 threads. items_per_second = weights per second.
#include <benchmark/benchmark.h>

#include "networks/weights.hpp"
#include "networks/zoo.hpp"

namespace bbs::networks {
namespace {

void generate(benchmark::State& state, const char* network, const char* weight) {
  const Network net = build_network(network);
  const Layer* layer = nullptr;
  for (const Layer& l : net.layers())
    if (l.weight && l.weight->name == weight) layer = &l;
  if (!layer) {
    state.SkipWithError("no such layer");
    return;
  }
  const auto source = synthetic_weights(1, int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(source->load(*layer));
  state.SetItemsProcessed(state.iterations() * element_count(layer->weight->shape));
}

void BM_SyntheticConv(benchmark::State& s) { generate(s, "resnet50", "layer4.0.conv2.weight"); }
void BM_SyntheticLinear(benchmark::State& s) {
  generate(s, "bert_base_mrpc", "bert.encoder.layer.0.intermediate.dense.weight");
}

BENCHMARK(BM_SyntheticConv)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SyntheticLinear)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace bbs::networks
