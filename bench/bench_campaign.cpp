// The campaign path of `bbs-dse run`, per design point, once the profiles are cached.
//
// BM_CampaignPoint/<network>: app::evaluate_point on one `paper` network (synthetic weights, the
//   campaign's default) = load the hardware preset and apply the point's key=value overrides,
//   evaluate the network on the cached profiles, check the constraints, convert to the records
//   the database stores (point totals, one row per layer, hardware JSON). Outside the timed loop:
//   prepare the network and evaluate every point once, which builds the design's profile (one
//   pass over the weights) and the lockstep sums memoised per array height. The timed loop cycles
//   through 72 BitVert points that vary only axes that leave the profile unchanged (array.rows x
//   array.cols x weight_sram.capacity_kib x dram.bits_per_cycle). One thread: a per-core figure.
//   items_per_second = design points per second; layers_per_point = network layers per point.
// BM_StoreWrite: ResultStore::add_points in batches of 16 points (what `run -j2` commits per
//   transaction: 8 x jobs), each with its per-layer rows: real ResNet-50 records, re-keyed per
//   iteration, into a temporary database file (removed afterwards).
//   items_per_second = points written per second of wall time (commits wait on fsync).
// BM_PointPart/part:N: the parts of one ResNet-50 point alone (0 preset load + overrides, 1 SRAM
//   table lookups as the table does them, without the memo app::simulate keeps per buffer
//   configuration, 2 evaluate_network on the cached profile): where a point's time goes.
//
// Profiling a large network takes seconds (VGG-16: 138 M weights), once per network per process.
// Run it:
//   cmake --build build-rel --target bench_campaign -j1
//   build-rel/bench/bench_campaign --benchmark_min_time=0.5
//   build-rel/bench/bench_campaign --benchmark_filter='resnet50|PointPart|StoreWrite'  # smoke
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "app/point_evaluation.hpp"
#include "app/simulation.hpp"
#include "dse/campaign.hpp"
#include "dse/design_space.hpp"
#include "dse/result_store.hpp"
#include "model/accel/accel_model.hpp"
#include "model/accel/fidelity.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/network_cost.hpp"
#include "model/tech/sram_table.hpp"

namespace bbs::app {
namespace {

// Hardware axes that change neither the design's weight needs nor its profile.
constexpr const char* kCampaignText = R"(name = "bench-campaign"
profile = "corrected"
[[design]]
accel = "bitvert"
[design.axes]
"array.rows" = [8, 16, 32, 64]
"array.cols" = [8, 16, 32]
"weight_sram.capacity_kib" = [128, 256, 512]
"dram.bits_per_cycle" = [64, 128]
)";

struct BenchNetwork {
  dse::CampaignSpec spec;
  accel::Fidelity fidelity;
  std::unique_ptr<PreparedNetwork> network;
  std::vector<dse::DesignPoint> points;
  std::vector<dse::PointWithLayers> warm;  // each point evaluated once (caches warm)
};

// Prepared once per network and process: the network, its profile and its points.
const BenchNetwork& bench_network(const std::string& name) {
  static std::map<std::string, std::unique_ptr<BenchNetwork>> cache;
  std::unique_ptr<BenchNetwork>& slot = cache[name];
  if (!slot) {
    auto b = std::make_unique<BenchNetwork>();
    b->spec = dse::parse_campaign(
        std::string(kCampaignText) + "[[workload]]\nnetwork = \"" + name + "\"\n",
        "bench_campaign");
    b->fidelity = accel::parse_fidelity(b->spec.profile, b->spec.defects);
    b->network = prepare_network(workload_options(b->spec.workloads.at(0)));
    const dse::DesignSpace space(b->spec);
    for (std::int64_t i = 0; i < space.size(); ++i) b->points.push_back(space.at(i));
    for (const auto& p : b->points)
      b->warm.push_back(evaluate_point(*b->network, p, b->fidelity, b->spec, 1, 1));
    slot = std::move(b);
  }
  return *slot;
}

void BM_CampaignPoint(benchmark::State& state, const std::string& name) {
  const BenchNetwork& b = bench_network(name);
  for (const auto& w : b.warm)
    if (w.point.status != dse::PointStatus::Done) {
      state.SkipWithError((w.point.point_key + ": " + w.point.error).c_str());
      return;
    }
  std::size_t next = 0;
  for (auto _ : state) {
    dse::PointWithLayers r = evaluate_point(*b.network, b.points[next], b.fidelity, b.spec, 1, 1);
    benchmark::DoNotOptimize(r);
    if (++next == b.points.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["layers_per_point"] = double(b.network->workload.layers.size());
  state.counters["points"] = double(b.points.size());
  state.SetLabel(std::to_string(b.network->profiles_computed.load()) + " profile(s) cached");
}

// The `paper` campaign's networks.
BENCHMARK_CAPTURE(BM_CampaignPoint, vgg16, std::string("vgg16"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CampaignPoint, resnet34, std::string("resnet34"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CampaignPoint, resnet50, std::string("resnet50"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CampaignPoint, vit_small_16, std::string("vit_small_16"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CampaignPoint, vit_base_16, std::string("vit_base_16"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CampaignPoint, bert_base_mrpc, std::string("bert_base_mrpc"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CampaignPoint, bert_base_sst2, std::string("bert_base_sst2"))
    ->Unit(benchmark::kMicrosecond);

// Where a point's time goes (ResNet-50, same points): the parts of app::simulate, each alone.
//   0 load_hardware: read + parse the preset TOML, apply the point's overrides, validate
//   1 sram_costs:    the two CACTI-table lookups (weight and activation SRAM)
//   2 evaluate:      evaluate_network on the cached profile (the model itself)
enum Part : std::int64_t { kLoadHardware, kSramCosts, kEvaluate };

void BM_PointPart(benchmark::State& state) {
  const BenchNetwork& b = bench_network("resnet50");
  const auto part = Part(state.range(0));
  std::vector<accel::HardwareConfig> hws;
  for (const auto& p : b.points) hws.push_back(accel::load_hardware(p.accel, std::nullopt, p.sets));
  const accel::AccelModel& model = accel::find_accel(hws.front().design);
  std::shared_ptr<const std::vector<accel::LayerProfile>> profiles;
  {
    std::lock_guard<std::mutex> lock(b.network->profile_mutex);
    if (b.network->profiles.size() != 1) {
      state.SkipWithError("expected the points to share one cached profile");
      return;
    }
    profiles = b.network->profiles.begin()->second;
  }
  const tech::SramTable& table = tech::SramTable::builtin();
  auto memory = [&](const accel::HardwareConfig& hw) {
    auto costs = [&](const accel::SramSpec& spec) {
      const tech::SramCost c = table.cost(spec, hw.tech_nm);
      return accel::SramCosts{c.read_pj, c.write_pj_per_64_bits, c.area_mm2};
    };
    return accel::MemoryCosts{costs(hw.weight_sram), costs(hw.act_sram)};
  };
  std::vector<accel::MemoryCosts> memories;
  for (const auto& hw : hws) memories.push_back(memory(hw));
  std::size_t next = 0;
  for (auto _ : state) {
    const dse::DesignPoint& p = b.points[next];
    if (part == kLoadHardware) {
      benchmark::DoNotOptimize(accel::load_hardware(p.accel, std::nullopt, p.sets));
    } else if (part == kSramCosts) {
      benchmark::DoNotOptimize(memory(hws[next]));
    } else {
      benchmark::DoNotOptimize(accel::evaluate_network(
          model, hws[next], b.fidelity, b.network->workload, *profiles, memories[next]));
    }
    if (++next == b.points.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(part == kLoadHardware ? "load_hardware"
                 : part == kSramCosts  ? "sram_table_lookup (not memoised)"
                                       : "evaluate_network");
}

BENCHMARK(BM_PointPart)
    ->ArgName("part")
    ->Arg(kLoadHardware)
    ->Arg(kSramCosts)
    ->Arg(kEvaluate)
    ->Unit(benchmark::kMicrosecond);

void BM_StoreWrite(benchmark::State& state) {
  constexpr std::size_t kBatch = 16;  // run -j2: 8 x jobs points per transaction
  const BenchNetwork& b = bench_network("resnet50");
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("bench_campaign_store_" + std::to_string(::getpid()) + ".db");
  auto remove_db = [&] {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path.string() + suffix, ignored);
  };
  remove_db();
  std::size_t layer_rows = 0;
  {
    dse::ResultStore store = dse::ResultStore::open(path);
    const std::int64_t campaign_id =
        store.add_campaign({0, b.spec.name, b.spec.text, b.spec.hash, "bench", "bench", ""});
    dse::WorkloadRecord workload;
    workload.campaign_id = campaign_id;
    workload.network = "resnet50";
    workload.weights_source = b.network->loaded.weights->description();
    workload.synthetic = true;
    workload.workload_json = "{}";
    workload.content_hash = "bench";
    const std::int64_t workload_id = store.add_workload(workload, workload_layers(*b.network));
    std::vector<dse::PointWithLayers> batch;
    for (std::size_t i = 0; i < kBatch; ++i) {
      batch.push_back(b.warm[i % b.warm.size()]);
      batch.back().point.campaign_id = campaign_id;
      batch.back().point.workload_id = workload_id;
      layer_rows += batch.back().layers.size();
    }
    std::int64_t written = 0, round = 0;
    for (auto _ : state) {
      const std::string suffix = ";bench.round=" + std::to_string(round++);
      for (std::size_t i = 0; i < kBatch; ++i)
        batch[i].point.point_key = b.warm[i % b.warm.size()].point.point_key + suffix;
      written += std::int64_t(store.add_points(batch));
    }
    if (written != state.iterations() * std::int64_t(kBatch))
      state.SkipWithError("add_points skipped points it should have written");
  }
  remove_db();
  state.SetItemsProcessed(state.iterations() * std::int64_t(kBatch));
  state.counters["points_per_batch"] = double(kBatch);
  state.counters["layer_rows_per_point"] = double(layer_rows) / double(kBatch);
}

BENCHMARK(BM_StoreWrite)->Unit(benchmark::kMicrosecond)->UseRealTime();  // fsync waits count

}  // namespace
}  // namespace bbs::app
