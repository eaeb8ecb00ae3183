// What identifying a workload by content costs (networks/io/content_hash.hpp): XXH3-128 over
// bytes in memory and over a 256 MiB file (page cache), next to quantizing the same bytes of
// float32 weights to int8 per channel, which every load of float weights does anyway.
// Run: build/bench/bench_hash  (bytes_per_second)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "model/bbs/quantize.hpp"
#include "networks/io/content_hash.hpp"

namespace bbs {
namespace {

constexpr std::int64_t kChannels = 4096, kInputs = 4096;  // 64 MiB of float32

const std::vector<float>& floats() {
  static const std::vector<float> w = [] {
    std::vector<float> v(std::size_t(kChannels * kInputs));
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0F, 0.02F);
    for (auto& x : v) x = normal(rng);
    return v;
  }();
  return w;
}

void BM_HashMemory(benchmark::State& state) {
  const auto& w = floats();
  for (auto _ : state) {
    io::ContentHasher hasher;
    hasher.update(w.data(), w.size() * sizeof(float));
    benchmark::DoNotOptimize(hasher.hex_digest());
  }
  state.SetBytesProcessed(state.iterations() * std::int64_t(w.size() * sizeof(float)));
}
BENCHMARK(BM_HashMemory)->Unit(benchmark::kMillisecond);

void BM_HashFile(benchmark::State& state) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "bench_hash.bin";
  const auto& w = floats();
  {
    std::ofstream out(path, std::ios::binary);
    for (int copy = 0; copy < 4; ++copy)
      out.write(reinterpret_cast<const char*>(w.data()), std::streamsize(w.size() * sizeof(float)));
  }
  for (auto _ : state) benchmark::DoNotOptimize(io::file_content_hash(path));
  state.SetBytesProcessed(state.iterations() * std::int64_t(4 * w.size() * sizeof(float)));
  std::filesystem::remove(path);
}
BENCHMARK(BM_HashFile)->Unit(benchmark::kMillisecond);

void BM_QuantizePerChannel(benchmark::State& state) {
  const auto& w = floats();
  for (auto _ : state)
    benchmark::DoNotOptimize(quantize_int8({kChannels, kInputs}, w, QuantGranularity::PerChannel));
  state.SetBytesProcessed(state.iterations() * std::int64_t(w.size() * sizeof(float)));
  state.SetItemsProcessed(state.iterations() * std::int64_t(w.size()));
}
BENCHMARK(BM_QuantizePerChannel)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bbs
