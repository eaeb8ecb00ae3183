// bbs-dse simulate: one accelerator on one network: cycles, DRAM traffic, energy, area.
#include <iostream>

#include "app/commands.hpp"
#include "app/progress.hpp"
#include "app/simulation.hpp"

namespace bbs::app {

ShowOptions network_options(const SimulateOptions& o) {
  ShowOptions n;
  n.network = o.network;
  if (!o.weights.empty()) n.weights = o.weights;
  n.allow_unmatched = o.allow_unmatched;
  n.synthetic_seed = o.seed;
  n.workload.batch = o.batch;
  n.workload.image_size = o.image_size;
  n.workload.sequence_length = o.sequence_length;
  n.workload.kv_length = o.kv_length;
  n.workload.phase = networks::parse_llm_phase(o.phase);
  return n;
}

int run_simulate(const SimulateOptions& options) {
  const OutputFormat format = parse_output_format(options.format);
  SimulationRequest request;
  request.hardware = options.accel;
  if (!options.hardware_file.empty()) request.hardware_file = options.hardware_file;
  request.sets = options.sets;
  request.fidelity = accel::parse_fidelity(options.profile, options.defects);
  request.jobs = options.jobs;
  request.check_samples = options.check_samples;
  Progress progress("simulate");
  progress.update(0, 2, "profiling " + options.network);
  const auto network = prepare_network(network_options(options));
  progress.update(1, 2, "evaluating " + options.accel);
  const Simulation simulation = simulate(*network, request);
  print_tables(std::cout, simulation_tables(simulation, options.per_layer), format);
  return simulation.check.ok() ? 0 : 3;
}

}  // namespace bbs::app
