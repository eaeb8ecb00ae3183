// Opening a safetensors file whose header lists many small tensors (the header parse and
// validation, issue 12: 40 000 tensors took 10 s when the parse was quadratic).
// Run: build/bench/bench_io  (items_per_second = header entries per second)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "networks/io/weight_file.hpp"

namespace bbs {
namespace {

// A file of `tensors` F32 scalars "t<i>" (header written directly, so setup stays linear).
std::filesystem::path many_tensor_file(std::int64_t tensors) {
  const auto path =
      std::filesystem::temp_directory_path() / ("bbs-bench-io-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(tensors) + ".safetensors");
  std::string header = "{";
  for (std::int64_t i = 0; i < tensors; ++i) {
    if (i > 0) header += ",";
    header += "\"t" + std::to_string(i) + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[" +
              std::to_string(4 * i) + "," + std::to_string(4 * i + 4) + "]}";
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t length = header.size();
  for (int b = 0; b < 8; ++b) out.put(static_cast<char>((length >> (8 * b)) & 0xFF));
  out << header << std::string(static_cast<std::size_t>(4 * tensors), '\0');
  return path;
}

void BM_SafetensorsHeaderParse(benchmark::State& state) {
  const auto path = many_tensor_file(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(io::WeightFile::open(path).tensors().size());
  state.SetItemsProcessed(state.iterations() * state.range(0));
  std::filesystem::remove(path);
}

BENCHMARK(BM_SafetensorsHeaderParse)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(40000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bbs
