#include "app/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

#include "app/engine_input.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/profile_blob.hpp"
#include "model/accel/profile_builder.hpp"
#include "model/accel/workload.hpp"
#include "model/tech/sram_table.hpp"
#include "networks/io/content_hash.hpp"

namespace bbs::app {
namespace {

// The table lookup (validation, interpolation) memoised: a campaign asks for the same few buffer
// configurations at every design point, from several threads.
accel::SramCosts sram_costs(const accel::SramSpec& spec, const char* hardware_key, int tech_nm) {
  using Key = std::tuple<std::int64_t, int, int, std::string, int>;
  static std::mutex mutex;
  static std::map<Key, accel::SramCosts> known;
  const Key key{spec.capacity_bytes, spec.banks, spec.bank_width_bits, spec.ports, tech_nm};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (const auto it = known.find(key); it != known.end()) return it->second;
  }
  const tech::SramCost c = tech::SramTable::builtin().cost(spec, tech_nm, hardware_key);
  const accel::SramCosts costs{c.read_pj, c.write_pj_per_64_bits, c.area_mm2};
  std::lock_guard<std::mutex> lock(mutex);
  return known.emplace(key, costs).first->second;
}

using Profiles = std::shared_ptr<const std::vector<accel::LayerProfile>>;

// The in-memory key of a network's profiles under one design's needs.
std::string profile_key(const PreparedNetwork& network, const accel::WeightNeeds& needs,
                        const accel::Fidelity& fidelity) {
  return accel::profile_cache_key(network.weights_hash, needs, fidelity);
}

// The persistent cache holds one entry per weight tensor: the profiles of the layers that use it,
// in execution order, keyed by the network's weights hash (which fixes every tensor, and so the
// sensitive channels chosen over all of them) and the tensor's name. Tasks that profile disjoint
// sets of tensors write entries that a campaign then reads back together.
std::string tensor_key(const PreparedNetwork& network, std::size_t tensor,
                       const accel::WeightNeeds& needs, const accel::Fidelity& fidelity) {
  return accel::profile_cache_key(network.weights_hash + "/" + network.tensors->name(tensor), needs,
                                  fidelity);
}

std::vector<std::vector<std::size_t>> layers_of_tensors(const PreparedNetwork& network) {
  std::vector<std::vector<std::size_t>> uses(network.tensors->size());
  for (std::size_t i = 0; i < network.tensor_of_layer.size(); ++i)
    if (network.tensor_of_layer[i] != accel::kNoTensor)
      uses[network.tensor_of_layer[i]].push_back(i);
  return uses;
}

// The cached profiles of each tensor under `needs` (nullopt where there are none, or they are of
// another format or layer count: built again).
std::vector<std::optional<std::vector<accel::LayerProfile>>> cached_tensor_profiles(
    const PreparedNetwork& network, const accel::WeightNeeds& needs,
    const accel::Fidelity& fidelity) {
  std::vector<std::optional<std::vector<accel::LayerProfile>>> found(network.tensors->size());
  if (!network.load_profiles) return found;
  const auto uses = layers_of_tensors(network);
  for (std::size_t t = 0; t < found.size(); ++t) {
    const auto blob = network.load_profiles(tensor_key(network, t, needs, fidelity));
    if (!blob) continue;
    auto stored = accel::profiles_from_blob(*blob);
    if (stored && stored->size() == uses[t].size()) found[t] = std::move(stored);
  }
  return found;
}

// The profiles of `key` from memory, else assembled from a cached entry of every tensor (kept in
// memory then); null if some tensor has none.
Profiles known_profiles(const PreparedNetwork& network, const std::string& key,
                        const accel::WeightNeeds& needs, const accel::Fidelity& fidelity) {
  {
    std::lock_guard<std::mutex> lock(network.profile_mutex);
    if (const auto it = network.profiles.find(key); it != network.profiles.end()) return it->second;
  }
  auto cached = cached_tensor_profiles(network, needs, fidelity);
  if (std::any_of(cached.begin(), cached.end(), [](const auto& c) { return !c; })) return nullptr;
  std::vector<accel::LayerProfile> all(network.workload.layers.size());
  const auto uses = layers_of_tensors(network);
  for (std::size_t t = 0; t < cached.size(); ++t)
    for (std::size_t u = 0; u < uses[t].size(); ++u) all[uses[t][u]] = std::move((*cached[t])[u]);
  ++network.profiles_loaded;
  auto profiles = std::make_shared<const std::vector<accel::LayerProfile>>(std::move(all));
  std::lock_guard<std::mutex> lock(network.profile_mutex);
  return network.profiles.emplace(key, std::move(profiles)).first->second;
}

accel::ProfileBuild profile_build(const PreparedNetwork& network, const accel::Fidelity& fidelity,
                                  int jobs) {
  return {
      &network.workload, network.tensors.get(), network.tensor_of_layer, fidelity, jobs, {}, {}};
}

// Builds the profiles of every needs not known yet in one pass over the tensors that miss an
// entry (designs that prune alike share the analysis of each tensor), persists each tensor's
// and remembers the whole network's. With a profile shard only the shard's tensors are built
// and persisted (nothing is remembered: the network's profiles are incomplete).
void build_missing_profiles(const PreparedNetwork& network,
                            const std::vector<accel::WeightNeeds>& needs,
                            const accel::Fidelity& fidelity, int jobs) {
  std::vector<accel::WeightNeeds> missing;
  std::vector<std::string> keys;
  std::vector<std::vector<std::optional<std::vector<accel::LayerProfile>>>> cached;
  accel::ProfileBuild build = profile_build(network, fidelity, jobs);
  build.only_tensors.assign(network.tensors->size(), false);
  for (const accel::WeightNeeds& n : needs) {
    const std::string key = profile_key(network, n, fidelity);
    if (std::find(keys.begin(), keys.end(), key) != keys.end() ||
        (network.profile_shard.empty() && known_profiles(network, key, n, fidelity)))
      continue;
    missing.push_back(n);
    keys.push_back(key);
    cached.push_back(cached_tensor_profiles(network, n, fidelity));
    for (std::size_t t = 0; t < network.tensors->size(); ++t)
      build.only_tensors[t] = build.only_tensors[t] || !cached.back()[t];
  }
  if (!network.profile_shard.empty())
    for (std::size_t t = 0; t < network.tensors->size(); ++t)
      build.only_tensors[t] = build.only_tensors[t] && network.profile_shard[t];
  if (missing.empty() ||
      std::none_of(build.only_tensors.begin(), build.only_tensors.end(), [](bool b) { return b; }))
    return;
  auto built = accel::build_profiles(build, missing);
  const auto uses = layers_of_tensors(network);
  for (std::size_t d = 0; d < missing.size(); ++d) {
    ++network.profiles_computed;
    for (std::size_t t = 0; t < uses.size(); ++t) {
      if (!build.only_tensors[t]) {  // cached (or another shard's)
        if (cached[d][t])
          for (std::size_t u = 0; u < uses[t].size(); ++u)
            built[d][uses[t][u]] = std::move((*cached[d][t])[u]);
        continue;
      }
      if (!network.save_profiles) continue;
      std::vector<accel::LayerProfile> own;
      for (const std::size_t i : uses[t]) own.push_back(built[d][i]);
      network.save_profiles(tensor_key(network, t, missing[d], fidelity),
                            accel::profiles_to_blob(own));
    }
    if (!network.profile_shard.empty()) continue;
    auto profiles = std::make_shared<const std::vector<accel::LayerProfile>>(std::move(built[d]));
    std::lock_guard<std::mutex> lock(network.profile_mutex);
    network.profiles.emplace(keys[d], std::move(profiles));
  }
}

Profiles cached_profiles(const PreparedNetwork& network, const accel::WeightNeeds& needs,
                         const accel::Fidelity& fidelity, int jobs) {
  const std::string key = profile_key(network, needs, fidelity);
  if (Profiles known = known_profiles(network, key, needs, fidelity)) return known;
  build_missing_profiles(network, {needs}, fidelity, jobs);
  return known_profiles(network, key, needs, fidelity);
}

EngineSettings engine_settings(int jobs) {
  EngineSettings settings;
  settings.jobs = jobs;
  return settings;
}

}  // namespace

namespace {

accel::Workload workload_of(const networks::Network& network, const ShowOptions& options) {
  accel::ActivationOptions activations;
  activations.relu_density = options.relu_density;
  if (!options.activations) return accel::make_workload(network, activations);
  const accel::RecordedActivations recorded =
      accel::read_recorded_activations(*options.activations);
  activations.recorded = &recorded;
  return accel::make_workload(network, activations);
}

}  // namespace

PreparedNetwork::PreparedNetwork(LoadedNetwork network, int jobs, const ShowOptions& options)
    : loaded(std::move(network)), workload(workload_of(loaded.network, options)) {
  const std::optional<std::filesystem::path>& sensitive_channels = options.sensitive_channels;
  // The workload's layers are the network's weight layers and attention matmuls, in order.
  std::vector<const networks::Layer*> distinct;
  std::map<std::string, std::size_t> index_of;
  for (const networks::Layer& layer : loaded.network.layers()) {
    if (layer.kind == networks::OpKind::MatMul) {
      tensor_of_layer.push_back(accel::kNoTensor);
      continue;
    }
    if (!layer.is_mapped() || !layer.weight) continue;
    const auto [it, added] = index_of.emplace(layer.weight->name, distinct.size());
    if (added) distinct.push_back(&layer);
    tensor_of_layer.push_back(it->second);
  }
  if (distinct.empty())
    throw Error("network " + loaded.network.name() + ": no conv or linear layer with weights");
  tensors = std::make_unique<NetworkTensors>(loaded, std::move(distinct));
  // The key of persisted profiles: every tensor's content hash, and the given sensitive channels.
  io::ContentHasher hash;
  EngineInput kind;  // what weights_kind() reads: the source and the tensors taken as int8
  kind.synthetic = loaded.weights->synthetic();
  kind.tensors.resize(tensors->size());
  for (std::size_t t = 0; t < tensors->size(); ++t) {
    bool integer = false;
    tensor_hashes.push_back(tensors->content_hash(t, integer));
    kind.integer_tensors += integer;
    hash.update(tensor_hashes.back().data(), tensor_hashes.back().size());
  }
  kind.integer_input = kind.integer_tensors == tensors->size();
  integer_input = kind.integer_input;
  weights_kind = app::weights_kind(kind, engine_settings(jobs));
  if (sensitive_channels) {
    workload.sensitive_channels = std::make_shared<const accel::SensitiveChannelFile>(
        accel::read_sensitive_channels(*sensitive_channels));
    for (const auto& [layer, channels] : workload.sensitive_channels->layers) {
      hash.update(layer.data(), layer.size() + 1);
      hash.update(channels.data(), channels.size() * sizeof(channels[0]));
    }
  }
  weights_hash = hash.hex_digest();
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
  if (!w.sensitive_channels.empty()) o.sensitive_channels = w.sensitive_channels;
  if (!w.activations.empty()) o.activations = w.activations;
  o.relu_density = w.relu_density;
  return o;
}

std::unique_ptr<PreparedNetwork> prepare_network(const ShowOptions& options, int jobs) {
  return std::make_unique<PreparedNetwork>(load_network(options), jobs, options);
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

void prepare_profiles(const PreparedNetwork& network,
                      const std::vector<SimulationRequest>& requests) {
  std::map<std::string, std::pair<accel::Fidelity, std::vector<accel::WeightNeeds>>> by_fidelity;
  for (const SimulationRequest& request : requests) {
    const accel::HardwareConfig hw = request_hardware(request);
    auto& [fidelity, needs] = by_fidelity
                                  .try_emplace(request.fidelity.name(), request.fidelity,
                                               std::vector<accel::WeightNeeds>{})
                                  .first->second;
    needs.push_back(accel::find_accel(hw.design).weight_needs(hw, request.fidelity));
  }
  for (const auto& [name, batch] : by_fidelity)
    build_missing_profiles(network, batch.second, batch.first, requests.front().jobs);
}

Simulation simulate(const PreparedNetwork& network, const SimulationRequest& request) {
  Simulation s;
  s.network_name = network.loaded.network.name();
  s.weight_source = network.loaded.weights->description();
  s.synthetic_weights = network.loaded.weights->synthetic();
  s.weights_kind = network.weights_kind;
  s.hardware = request.hardware;
  const accel::HardwareConfig loaded = request_hardware(request);
  const accel::AccelModel& model = accel::find_accel(loaded.design);
  s.hw = model.for_network(loaded, s.network_name);
  const accel::WeightNeeds needs = model.weight_needs(s.hw, request.fidelity);
  s.off_array = off_array_work(network.loaded.network);
  accel::ProfileInspector check_layer;
  if (request.check_samples > 0)
    check_layer = [&](std::size_t i, const LayerAnalysis& a, const accel::LayerProfile& profile) {
      s.check.add(accel::check_schedules(model, s.hw, request.fidelity, network.workload.layers[i],
                                         profile, a.pruned, a.column_spans, a.group_constants,
                                         request.check_samples, i + 1));
    };
  accel::ProfileBuild checked = profile_build(network, request.fidelity, request.jobs);
  checked.inspect = check_layer;
  const auto profiles = check_layer
                            ? std::make_shared<const std::vector<accel::LayerProfile>>(
                                  std::move(accel::build_profiles(checked, {needs}).front()))
                            : cached_profiles(network, needs, request.fidelity, request.jobs);
  const accel::MemoryCosts memory{sram_costs(s.hw.weight_sram, "weight_sram", s.hw.tech_nm),
                                  sram_costs(s.hw.act_sram, "act_sram", s.hw.tech_nm)};
  s.cost =
      accel::evaluate_network(model, s.hw, request.fidelity, network.workload, *profiles, memory);
  for (std::size_t i = 0; i < network.workload.layers.size(); ++i)
    if (!(network.workload.layers[i].activation_operands && request.fidelity.weight_layers_only))
      s.activations.push_back(network.workload.activations[i]);  // costed (as evaluate_network)
  s.act_stats_source = accel::summarize_sources(s.activations);
  // The batch is the leading dimension of the network's first tensor (NCHW, [batch, tokens, dim]).
  const auto& layers = network.loaded.network.layers();
  const std::int64_t batch = layers.empty() || layers.front().output_shape.empty()
                                 ? 1
                                 : layers.front().output_shape.front();
  if (batch < 1)
    throw Error("network '" + network.workload.network_name + "': batch " + std::to_string(batch) +
                "; expected at least 1");
  double dense_macs = 0;
  for (const accel::LayerWork& layer : network.workload.layers) dense_macs += double(layer.macs());
  s.metrics = accel::network_metrics({s.cost, s.hw, dense_macs, batch});
  return s;
}

Cell metric_cell(const accel::Metric& m, double value) {
  if (std::isnan(value) || (m.has_none() && value == m.none_value)) return Null{};
  if (m.integer) return std::int64_t(value);
  return value;
}

Cell Simulation::metric_cell(std::string_view name) const {
  return app::metric_cell(accel::metrics()[accel::metric_index(name)], metric(name));
}

namespace {

Column metric_column(const accel::Metric& m) {
  return {std::string(m.name), m.unit == "cycles" ? 8 : 4};  // cycle counts in full
}

}  // namespace

std::vector<OffArrayWork> off_array_work(const networks::Network& network) {
  std::map<std::pair<std::string, std::string>, OffArrayWork> by_op;
  for (const networks::Layer& l : network.layers()) {
    using networks::OpKind;
    if (l.is_mapped() || l.kind == OpKind::MatMul || l.kind == OpKind::Input ||
        l.kind == OpKind::Reshape || l.kind == OpKind::Concat)
      continue;
    OffArrayWork& w = by_op[{l.op, std::string(networks::op_kind_name(l.kind))}];
    w.op = l.op;
    w.kind = networks::op_kind_name(l.kind);
    ++w.layers;
    w.output_elements += bbs::element_count(l.output_shape);
  }
  std::vector<OffArrayWork> out;
  for (auto& [key, w] : by_op) out.push_back(std::move(w));
  return out;
}

std::vector<Table> simulation_tables(const Simulation& s, bool per_layer) {
  std::vector<Column> columns{{"network"},
                              {"accel"},
                              {"design"},
                              {"profile"},
                              {"weights"},
                              {"weights_kind"},
                              {"synthetic_weights"},
                              {"act_stats_source"},
                              {"layers"},
                              {"schedule_check_groups"},
                              {"schedule_check_ok"},
                              {"schedule_check_problem"}};
  for (const accel::Metric& m : accel::metrics()) columns.push_back(metric_column(m));
  Table summary("simulation", columns);
  const bool ran = s.check.groups_checked > 0;
  std::vector<Cell> row{s.network_name, s.hardware, s.cost.design, s.cost.fidelity.name(),
                        s.weight_source, s.weights_kind, s.synthetic_weights, s.act_stats_source,
                        std::int64_t(s.cost.layers.size()), s.check.groups_checked,
                        // null when the schedule check did not run (--check 0)
                        ran ? Cell(s.check.ok()) : Cell(Null{}),
                        ran && !s.check.ok() ? Cell(s.check.first_problem) : Cell(Null{})};
  for (std::size_t i = 0; i < accel::metrics().size(); ++i)
    row.push_back(metric_cell(accel::metrics()[i], s.metrics[i]));
  summary.add_row(std::move(row));
  std::vector<Table> tables{summary};
  Table off_array("not_on_array", {{"op"}, {"kind"}, {"layers"}, {"output_elements"}});
  for (const OffArrayWork& w : s.off_array)
    off_array.add_row({w.op, w.kind, w.layers, w.output_elements});
  tables.push_back(std::move(off_array));
  if (per_layer) {
    std::vector<Column> layer_columns{
        {"layer"}, {"cycle_source"}, {"act_density"}, {"act_bit_density"}, {"act_stats_source"}};
    for (const accel::Metric& m : accel::metrics())
      if (m.per_layer()) layer_columns.push_back(metric_column(m));
    Table layers("layers", layer_columns);
    for (std::size_t i = 0; i < s.cost.layers.size(); ++i) {
      const accel::LayerCost& l = s.cost.layers[i];
      const accel::ActivationStats& a = s.activations[i];
      std::vector<Cell> cells{l.name, l.compute.cycle_source, a.density,
                              a.bit_density ? Cell(*a.bit_density) : Cell(Null{}), a.source};
      for (const accel::Metric& m : accel::metrics())
        if (m.per_layer()) cells.push_back(metric_cell(m, m.layer_value(l)));
      layers.add_row(std::move(cells));
    }
    tables.push_back(std::move(layers));
  }
  return tables;
}

}  // namespace bbs::app
