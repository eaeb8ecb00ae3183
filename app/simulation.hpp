// Running accelerator models on networks: the pipeline behind `simulate` and `compare`.
//   network + weights -> workload -> one pass over the weights per design (profiles)
//   -> hardware description + SRAM costs -> per-layer and network costs
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/cmd_networks.hpp"
#include "app/network_tensors.hpp"
#include "app/report.hpp"
#include "dse/campaign.hpp"
#include "model/accel/metrics.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/schedule_check.hpp"
#include "model/bbs/analysis.hpp"

namespace bbs::app {

struct SimulationRequest {
  ShowOptions network;                       // network, weights, workload
  std::string hardware;                      // a built-in design config (stripes, bitvert, ...)
  std::optional<std::string> hardware_file;  // user TOML overriding it
  std::vector<std::string> sets;             // --set key=value
  accel::Fidelity fidelity = accel::Fidelity::Corrected;
  std::int64_t check_samples = 0;  // groups per layer for the bit-level schedule check
  int jobs = 1;
};

// Work of the network the array does not do (softmax, norms, rotary embeddings, elementwise,
// pooling, embedding lookups): listed per operator, not costed.
struct OffArrayWork {
  std::string op, kind;
  std::int64_t layers = 0;
  std::int64_t output_elements = 0;
};
std::vector<OffArrayWork> off_array_work(const networks::Network& network);

struct Simulation {
  std::string network_name;
  std::string weight_source;
  bool synthetic_weights = false;
  std::string weights_kind;  // "int8 as given" or "float, quantized per channel" (weights_kind())
  std::string hardware;
  accel::HardwareConfig hw;
  accel::NetworkCost cost;
  // The input-activation statistics of each costed layer (aligned with cost.layers), and a
  // one-line account of their sources ("default: 53 layers", "recorded: f (12), default: 42").
  std::vector<accel::ActivationStats> activations;
  std::string act_stats_source;
  accel::ScheduleCheck check;
  std::vector<OffArrayWork> off_array;
  std::vector<double> metrics;  // the network's value of each metric (accel::metrics() order)
  double metric(std::string_view name) const { return metrics.at(accel::metric_index(name)); }
  Cell metric_cell(std::string_view name) const;  // as printed: unknown / none values as null
};

// A metric's value as an output cell: counts as integers, "none" (weight_sqnr_db of unchanged
// weights) and unknown values (NaN: an area when area.pe_um2 = 0) as null.
Cell metric_cell(const accel::Metric& m, double value);

// A network loaded once, reused for several hardware configurations. Its weights are not held:
// each pass over them streams them from the weight source (NetworkTensors).
struct PreparedNetwork {
  // Derives the workload (with the recorded input activations or the per-operation defaults of
  // `options`), the distinct weight tensors and their content hashes (generated weights are
  // keyed by the generator's identity, not generated here), with the user's sensitive channels
  // if given. Passes over the weights run on `jobs` threads.
  explicit PreparedNetwork(LoadedNetwork network, int jobs = 1, const ShowOptions& options = {});
  LoadedNetwork loaded;
  accel::Workload workload;
  std::unique_ptr<NetworkTensors> tensors;   // one per distinct weight, in order of first use
  std::vector<std::size_t> tensor_of_layer;  // per workload layer (accel::kNoTensor: attention)
  std::vector<std::string> tensor_hashes;    // NetworkTensors::content_hash per tensor
  bool integer_input = false;  // every tensor int8 as given (EngineInput::integer_input)
  std::string weights_kind;    // weights_kind() of the loaded input
  // Profiles by design needs: hardware points that prune and group alike share one pass over
  // the weights (thread-safe).
  mutable std::mutex profile_mutex;
  mutable std::map<std::string, std::shared_ptr<const std::vector<accel::LayerProfile>>> profiles;
  // Content hash of the int8 weights (names, shapes, values, scales) and of the given sensitive
  // channels: the key of persisted profiles.
  std::string weights_hash;
  // Optional persistent profile cache (the result database); must be thread-safe.
  std::function<std::optional<std::string>(const std::string& key)> load_profiles;
  std::function<void(const std::string& key, const std::string& blob)> save_profiles;
  mutable std::atomic<int> profiles_loaded{0}, profiles_computed{0};
  // Distributed profiling (`run --profile-shard`): when set, only these tensors are profiled and
  // persisted, and the network's profiles are left incomplete (nothing is evaluated).
  std::vector<bool> profile_shard;
};

std::unique_ptr<PreparedNetwork> prepare_network(const ShowOptions& options, int jobs = 1);

// Builds (or reads back) the profiles the requests' hardware needs, on the first request's jobs
// threads, so that simulate() for any hardware with the same needs only evaluates. One pass over
// the weights serves every request (designs that prune alike share each tensor's analysis).
// Throws the first error of any request (bad hardware, a layer a design cannot profile).
void prepare_profiles(const PreparedNetwork& network,
                      const std::vector<SimulationRequest>& requests);

// The network options of a workload (campaign [[workload]] or simulate's flags).
ShowOptions workload_options(const dse::WorkloadSpec& workload);
Simulation simulate(const PreparedNetwork& network, const SimulationRequest& request);

// Tables: "simulation" (one row: totals, time, area, energy split; DRAM bytes split into weights,
// KV cache, input and output activations), "not_on_array" and, with per_layer, "layers".
std::vector<Table> simulation_tables(const Simulation& simulation, bool per_layer);

}  // namespace bbs::app
