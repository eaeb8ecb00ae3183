// bbs-dse simulate: one accelerator on one network: cycles, DRAM traffic, energy, area.
#include <iostream>

#include "app/commands.hpp"
#include "app/progress.hpp"
#include "app/simulation.hpp"

namespace bbs::app {

namespace {

ShowOptions network_options(const SimulateOptions& o) {
  ShowOptions n =
      workload_options({o.network, o.weights, o.seed, o.batch, o.image_size, o.sequence_length,
                        o.kv_length, o.phase, o.sensitive_channels, o.activations, o.relu_density});
  n.allow_unmatched = o.allow_unmatched;
  return n;
}

}  // namespace

int run_simulate(const SimulateOptions& options) {
  SimulationRequest request;
  request.hardware = options.accel;
  if (!options.hardware_file.empty()) request.hardware_file = options.hardware_file;
  request.sets = options.sets;
  request.fidelity = accel::parse_fidelity(options.profile, options.defects);
  request.jobs = options.jobs;
  request.check_samples = options.check_samples;
  Progress progress("simulate");
  progress.update(0, 2, "profiling " + options.network);
  const auto network = prepare_network(network_options(options), options.jobs);
  progress.update(1, 2, "evaluating " + options.accel);
  const Simulation simulation = simulate(*network, request);
  print_tables(std::cout, simulation_tables(simulation, options.per_layer), options.report);
  return simulation.check.ok() ? 0 : 3;
}

}  // namespace bbs::app
