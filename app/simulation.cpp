#include "app/simulation.hpp"

#include <map>
#include <mutex>
#include <tuple>

#include "app/engine_input.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/profile_blob.hpp"
#include "model/accel/profile_builder.hpp"
#include "model/accel/workload.hpp"
#include "model/tech/sram_table.hpp"

namespace bbs::app {
namespace {

// The table lookup (validation, interpolation) memoised: a campaign asks for the same few buffer
// configurations at every design point, from several threads.
accel::SramCosts sram_costs(const accel::SramSpec& spec, int tech_nm) {
  using Key = std::tuple<std::int64_t, int, int, std::string, int>;
  static std::mutex mutex;
  static std::map<Key, accel::SramCosts> known;
  const Key key{spec.capacity_bytes, spec.banks, spec.bank_width_bits, spec.ports, tech_nm};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (const auto it = known.find(key); it != known.end()) return it->second;
  }
  const tech::SramCost c = tech::SramTable::builtin().cost(spec, tech_nm);
  const accel::SramCosts costs{c.read_pj, c.write_pj_per_64_bits, c.area_mm2};
  std::lock_guard<std::mutex> lock(mutex);
  return known.emplace(key, costs).first->second;
}

std::string needs_key(const accel::WeightNeeds& n, const accel::Fidelity& f) {
  return n.pruning + "/" + std::to_string(n.pruning_group) + "/" +
         std::to_string(n.pruned_columns) + "/" + std::to_string(n.const_bits) + "/" +
         std::to_string(n.sensitive_fraction) + "/" + std::to_string(n.sensitive_channel_multiple) +
         "/" + (n.steps ? std::to_string(int(*n.steps)) : "fixed") + "/" + std::to_string(n.lanes) +
         "/" + f.name();
}

std::shared_ptr<const std::vector<accel::LayerProfile>> cached_profiles(
    const PreparedNetwork& network, const accel::WeightNeeds& needs,
    const accel::Fidelity& fidelity, int jobs) {
  const std::string key = network.weights_hash + "/" + needs_key(needs, fidelity);
  {
    std::lock_guard<std::mutex> lock(network.profile_mutex);
    if (const auto it = network.profiles.find(key); it != network.profiles.end()) return it->second;
  }
  std::optional<std::vector<accel::LayerProfile>> stored;
  if (network.load_profiles)
    if (const auto blob = network.load_profiles(key)) stored = accel::profiles_from_blob(*blob);
  if (stored)
    ++network.profiles_loaded;
  else
    ++network.profiles_computed;
  auto built = std::make_shared<const std::vector<accel::LayerProfile>>(
      stored ? std::move(*stored)
             : accel::build_profiles(network.workload, network.per_layer, needs, fidelity, jobs));
  if (!stored && network.save_profiles) network.save_profiles(key, accel::profiles_to_blob(*built));
  std::lock_guard<std::mutex> lock(network.profile_mutex);
  return network.profiles.emplace(key, std::move(built)).first->second;
}

EngineSettings engine_settings(int jobs) {
  EngineSettings settings;
  settings.jobs = jobs;
  return settings;
}

}  // namespace

PreparedNetwork::PreparedNetwork(LoadedNetwork network, int jobs)
    : loaded(std::move(network)),
      workload(accel::make_workload(loaded.network)),
      tensors(load_network_input(loaded, engine_settings(jobs), false).tensors) {
  std::map<std::string, const WeightTensor*> by_name;
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over names, shapes and int8 values
  auto mix = [&](const void* data, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
      hash = (hash ^ static_cast<const unsigned char*>(data)[i]) * 1099511628211ULL;
  };
  for (const auto& t : tensors) {
    by_name.emplace(t.name, &t);
    mix(t.name.data(), t.name.size());
    mix(t.shape.data(), t.shape.size() * sizeof(t.shape[0]));
    mix(t.values.data(), t.values.size());
  }
  weights_hash = std::to_string(hash);
  for (const auto& layer : workload.layers) per_layer.push_back(by_name.at(layer.name));
}

ShowOptions workload_options(const dse::WorkloadSpec& w) {
  ShowOptions o;
  o.network = w.network;
  if (!w.weights.empty()) o.weights = w.weights;
  o.synthetic_seed = w.seed;
  o.workload.batch = w.batch;
  o.workload.image_size = w.image_size;
  o.workload.sequence_length = w.sequence_length;
  o.workload.kv_length = w.kv_length;
  o.workload.phase = networks::parse_llm_phase(w.phase);
  return o;
}

std::unique_ptr<PreparedNetwork> prepare_network(const ShowOptions& options, int jobs) {
  return std::make_unique<PreparedNetwork>(load_network(options), jobs);
}

namespace {

accel::HardwareConfig request_hardware(const SimulationRequest& request) {
  return accel::load_hardware(request.hardware,
                              request.hardware_file
                                  ? std::optional<std::filesystem::path>(*request.hardware_file)
                                  : std::nullopt,
                              request.sets);
}

}  // namespace

void prepare_profiles(const PreparedNetwork& network, const SimulationRequest& request) {
  const accel::HardwareConfig hw = request_hardware(request);
  const accel::AccelModel& model = accel::find_accel(hw.design);
  cached_profiles(network, model.weight_needs(hw, request.fidelity), request.fidelity,
                  request.jobs);
}

Simulation simulate(const PreparedNetwork& network, const SimulationRequest& request) {
  Simulation s;
  s.network_name = network.loaded.network.name();
  s.weight_source = network.loaded.weights->description();
  s.synthetic_weights = network.loaded.weights->synthetic();
  s.hardware = request.hardware;
  s.hw = request_hardware(request);
  const accel::AccelModel& model = accel::find_accel(s.hw.design);
  const accel::WeightNeeds needs = model.weight_needs(s.hw, request.fidelity);
  accel::ProfileInspector check_layer;
  if (request.check_samples > 0)
    check_layer = [&](std::size_t i, const LayerAnalysis& a, const accel::LayerProfile& profile) {
      s.check.add(accel::check_schedules(model, s.hw, request.fidelity, network.workload.layers[i],
                                         profile, a.pruned, a.column_spans, a.group_constants,
                                         request.check_samples, i + 1));
    };
  const auto profiles =
      check_layer ? std::make_shared<const std::vector<accel::LayerProfile>>(
                        accel::build_profiles(network.workload, network.per_layer, needs,
                                              request.fidelity, request.jobs, check_layer))
                  : cached_profiles(network, needs, request.fidelity, request.jobs);
  const accel::MemoryCosts memory{sram_costs(s.hw.weight_sram, s.hw.tech_nm),
                                  sram_costs(s.hw.act_sram, s.hw.tech_nm)};
  s.cost =
      accel::evaluate_network(model, s.hw, request.fidelity, network.workload, *profiles, memory);
  // The batch is the leading dimension of the network's first tensor (NCHW, [batch, tokens, dim]).
  const auto& layers = network.loaded.network.layers();
  const std::int64_t batch = layers.empty() || layers.front().output_shape.empty()
                                 ? 1
                                 : layers.front().output_shape.front();
  s.metrics = report_metrics(batch, network.workload, s.cost, s.hw);
  return s;
}

namespace {

std::vector<Cell> cost_cells(const accel::LayerCost& c) {
  const double stall_total = c.compute.useful + c.compute.intra_pe_stall + c.compute.inter_pe_stall;
  auto share = [&](double part) { return stall_total > 0 ? part / stall_total : 0.0; };
  return {c.compute.tiles,
          c.compute.cycles,
          c.dram_cycles,
          c.total_cycles,
          c.weight_dram_bytes,
          c.input_dram_bytes,
          c.output_dram_bytes,
          c.weight_sram_reads,
          c.act_sram_reads,
          c.energy_pe_pj,
          c.energy_registers_pj,
          c.energy_sram_read_pj,
          c.energy_sram_write_pj,
          c.energy_dram_pj,
          c.energy_pj(),
          share(c.compute.useful),
          share(c.compute.intra_pe_stall),
          share(c.compute.inter_pe_stall)};
}

std::vector<Column> cost_columns() {
  return {{"tiles"},
          {"compute_cycles", 8},
          {"dram_cycles", 8},
          {"total_cycles", 8},
          {"weight_dram_bytes"},
          {"input_dram_bytes"},
          {"output_dram_bytes"},
          {"weight_sram_reads"},
          {"act_sram_reads"},
          {"energy_pe_pj"},
          {"energy_registers_pj"},
          {"energy_sram_read_pj"},
          {"energy_sram_write_pj"},
          {"energy_dram_pj"},
          {"energy_pj"},
          {"useful_fraction"},
          {"intra_pe_stall_fraction"},
          {"inter_pe_stall_fraction"}};
}

}  // namespace

std::vector<Table> simulation_tables(const Simulation& s, bool per_layer) {
  std::vector<Column> columns{{"network"},
                              {"accel"},
                              {"design"},
                              {"profile"},
                              {"weights"},
                              {"synthetic_weights"},
                              {"layers"},
                              {"time_s"},
                              {"area_mm2"},
                              {"pe_area_mm2"},
                              {"sram_area_mm2"},
                              {"schedule_check_groups"},
                              {"schedule_check_ok"},
                              {"schedule_check_problem"}};
  for (auto& c : report_metric_columns()) columns.push_back(c);
  for (auto& c : cost_columns()) columns.push_back(c);
  Table summary("simulation", columns);
  const bool ran = s.check.groups_checked > 0;
  std::vector<Cell> row{s.network_name, s.hardware, s.cost.design, s.cost.fidelity.name(),
                        s.weight_source, s.synthetic_weights, std::int64_t(s.cost.layers.size()),
                        s.cost.time_s, s.cost.area_mm2(), s.cost.pe_area_mm2,
                        s.cost.weight_sram_area_mm2 + s.cost.act_sram_area_mm2,
                        s.check.groups_checked,
                        // null when the schedule check did not run (--check 0)
                        ran ? Cell(s.check.ok()) : Cell(Null{}),
                        ran && !s.check.ok() ? Cell(s.check.first_problem) : Cell(Null{})};
  for (auto& c : report_metric_cells(s.metrics)) row.push_back(std::move(c));
  for (auto& c : cost_cells(s.cost.total)) row.push_back(std::move(c));
  summary.add_row(std::move(row));
  std::vector<Table> tables{summary};
  if (per_layer) {
    std::vector<Column> layer_columns{{"layer"}, {"cycle_source"}};
    for (auto& c : cost_columns()) layer_columns.push_back(c);
    Table layers("layers", layer_columns);
    for (const auto& l : s.cost.layers) {
      std::vector<Cell> cells{l.name, l.compute.cycle_source};
      for (auto& c : cost_cells(l)) cells.push_back(std::move(c));
      layers.add_row(std::move(cells));
    }
    tables.push_back(std::move(layers));
  }
  return tables;
}

}  // namespace bbs::app
