// Weight-file reading.
// BM_SafetensorsHeaderParse/<tensors>: opening a safetensors file whose header lists many small
//   tensors (the header parse and validation, issue 12: 40 000 tensors took 10 s when the parse
//   was quadratic); items_per_second = header entries per second.
// BM_Bf16Rows/<rows>: a [8192, 4096] BF16 tensor (32 Mi weights, 64 MB, as a Llama-3-8B
//   projection) read from the memory-mapped file `rows` output channels at a time as float, the
//   way a Hugging Face checkpoint is streamed (issue 13); 8192 rows is the whole-tensor read.
//   items_per_second = weights per second; block_MB = the float block held at a time.
// Run: build/bench/bench_io
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/scratch_dir.hpp"
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

constexpr std::int64_t kBf16Rows = 8192, kBf16Columns = 4096;

// The BF16 tensor "w", written once per process.
const std::filesystem::path& bf16_file() {
  static const bench::ScratchDir dir("bench_io_");
  static const std::filesystem::path path = [] {
    io::TensorData t{"w", DType::BF16, {kBf16Rows, kBf16Columns}, {}};
    t.bytes.resize(std::size_t(kBf16Rows * kBf16Columns) * 2);
    for (std::size_t i = 0; i < t.bytes.size() / 2; ++i) {
      const std::uint16_t bits = float_to_bfloat16(float(i % 251) / 64.0f - 2.0f);
      std::memcpy(t.bytes.data() + 2 * i, &bits, 2);
    }
    io::write_safetensors(dir.path / "w.safetensors", {t});
    return dir.path / "w.safetensors";
  }();
  return path;
}

void BM_Bf16Rows(benchmark::State& state) {
  const io::WeightFile file = io::WeightFile::open(bf16_file());
  const std::int64_t rows = state.range(0);
  for (auto _ : state)
    for (std::int64_t first = 0; first < kBf16Rows; first += rows)
      benchmark::DoNotOptimize(io::read_rows_as_float(file, "w", first, first + rows).data());
  state.SetItemsProcessed(state.iterations() * kBf16Rows * kBf16Columns);
  state.counters["block_MB"] = double(rows * kBf16Columns * 4) / 1e6;
}
BENCHMARK(BM_Bf16Rows)->Arg(512)->Arg(4096)->Arg(8192)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bbs
