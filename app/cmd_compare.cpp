// bbs-dse compare: the paper's experiment. Every design at its iso-multiplier configuration
// (4096 bit-serial multipliers) on each network; speedup = baseline cycles / design cycles,
// energy normalised to the baseline; geometric means over the networks.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <vector>

#include "app/commands.hpp"
#include "app/pe_comparison.hpp"
#include "app/progress.hpp"
#include "app/simulation.hpp"
#include "dse/campaign.hpp"
#include "networks/llm.hpp"

namespace bbs::app {
namespace {

// The paper's comparison (Figs. 12-13) is the built-in `paper` campaign: its networks, and its
// designs that run on every network at their preset configuration (not the Fig. 14 sweeps).
struct PaperComparison {
  std::vector<std::string> networks, accels;
};

PaperComparison paper_comparison() {
  const dse::CampaignSpec paper = dse::builtin_campaign("paper");
  PaperComparison c;
  for (const dse::WorkloadSpec& w : paper.workloads) c.networks.push_back(w.network);
  for (const dse::DesignSpec& d : paper.designs)
    if (d.workloads.empty() && d.axes.empty() && d.sets.empty()) c.accels.push_back(d.accel);
  return c;
}

// A comparison the paper makes, as options: what --preset NAME fills in where the user gave none.
struct ComparePreset {
  std::string_view name;
  std::vector<std::string> networks, accels;
  std::string baseline;
  std::vector<std::string> sets;
  std::string table;  // the table printed unless --table / a CSV asks otherwise
};

// table6: BBS paper §V-H / Table VI, BitVert moderate with BBS on every channel (no sensitive
// channels: 4 stored columns + 8 bits of metadata per 32 weights = 4.25 bits) against the OliVe
// PE on Llama-3-8B. `sets` reach every design; OliVe and Stripes ignore the pruning keys.
const std::vector<ComparePreset>& compare_presets() {
  static const std::vector<ComparePreset> presets{
      {"table6",
       {"llama3_8b"},
       {"olive", "bitvert"},
       "olive",
       {"pruning.sensitive_fraction=0"},
       "pe"},
  };
  return presets;
}

CompareOptions with_preset(CompareOptions options) {
  if (options.preset.empty()) return options;
  const auto& presets = compare_presets();
  const auto it = std::find_if(presets.begin(), presets.end(),
                               [&](const ComparePreset& p) { return p.name == options.preset; });
  if (it == presets.end()) throw Error("unknown compare preset '" + options.preset + "'");
  if (options.networks.empty()) options.networks = it->networks;
  if (options.accels.empty()) options.accels = it->accels;
  if (!options.baseline_given) options.baseline = it->baseline;
  options.sets.insert(options.sets.begin(), it->sets.begin(), it->sets.end());
  if (options.report.table.empty() && options.report.format != "json")
    options.report.table = it->table;
  return options;
}

// The weight file of a zoo network in --weights-dir: its shared-weights stem, then its own name
// (.safetensors or .npy). Without one, a note says which names were looked for and that the
// weights are synthetic.
std::optional<std::filesystem::path> weights_in_dir(const std::string& dir,
                                                    const std::string& network) {
  std::vector<std::string> stems;
  if (const std::string stem = networks::zoo_entry(network).weights_file; !stem.empty())
    stems.push_back(stem);
  if (std::find(stems.begin(), stems.end(), network) == stems.end()) stems.push_back(network);
  std::string tried;
  for (const auto& stem : stems) {
    for (const char* extension : {".safetensors", ".npy"}) {
      const auto file = std::filesystem::path(dir) / (stem + extension);
      std::error_code not_found;
      if (std::filesystem::is_regular_file(file, not_found)) return file;
      tried += (tried.empty() ? "" : ", ") + file.filename().string();
    }
  }
  std::cerr << "note: " << network << ": no weight file in " << dir << " (looked for " << tried
            << "): synthetic weights\n";
  return std::nullopt;
}

struct Outcome {
  double cycles = 0, energy_pj = 0;
  Simulation simulation;
};

}  // namespace

std::vector<std::string> compare_preset_names() {
  std::vector<std::string> names;
  for (const ComparePreset& p : compare_presets()) names.emplace_back(p.name);
  return names;
}

int run_compare(const CompareOptions& given) {
  const CompareOptions options = with_preset(given);
  const PaperComparison paper =
      options.networks.empty() || options.accels.empty() ? paper_comparison() : PaperComparison{};
  const auto& networks = options.networks.empty() ? paper.networks : options.networks;
  auto accels = options.accels.empty() ? paper.accels : options.accels;
  if (std::find(accels.begin(), accels.end(), options.baseline) == accels.end())
    accels.insert(accels.begin(), options.baseline);

  Table table("compare", {{"network"},
                          {"accel"},
                          {"profile"},
                          {"weights_kind"},
                          {"synthetic_weights"},
                          {"act_stats_source"},
                          {"total_cycles", 8},
                          {"speedup_vs_baseline"},
                          {"energy_pj"},
                          {"energy_vs_baseline"},
                          {"time_s"},
                          {"energy_per_inference_uj"},
                          {"inferences_per_s"},
                          {"tops_per_w"},
                          {"tops_per_mm2"}});
  Table pe = pe_table(options.baseline);
  std::map<std::string, double> log_speedup, log_energy;
  const accel::Fidelity fidelity = accel::parse_fidelity(options.profile, options.defects);
  if (!options.activations.empty() && networks.size() != 1)
    throw Error("--activations " + options.activations +
                ": a recording holds one network's layers; give exactly one network with "
                "--networks (got " +
                std::to_string(networks.size()) + ")");
  std::map<std::string, std::string> left_out;  // default designs the profile refuses: why
  Progress progress("compare");
  std::size_t done = 0;
  for (const auto& name : networks) {
    ShowOptions network_options;
    network_options.network = name;
    network_options.synthetic_seed = options.seed;
    if (!options.activations.empty()) network_options.activations = options.activations;
    network_options.relu_density = options.relu_density;
    if (!options.weights_dir.empty() && !name.ends_with(".onnx") &&
        !networks::is_llama_checkpoint(name)) {
      if (const auto file = weights_in_dir(options.weights_dir, name))
        network_options.weights = *file;
    }
    progress.update(done, networks.size() * accels.size(), "profiling " + name);
    const auto network = prepare_network(network_options, options.jobs);
    std::vector<SimulationRequest> requests;
    for (const auto& accel : accels) {
      SimulationRequest request;
      request.hardware = accel;
      request.sets = options.sets;
      request.fidelity = fidelity;
      request.jobs = options.jobs;
      requests.push_back(request);
    }
    prepare_profiles(*network, requests);  // one pass over the weights for every design
    std::map<std::string, Outcome> outcomes;
    std::vector<std::pair<std::string, PeFigures>> pe_rows;
    for (std::size_t a = 0; a < accels.size(); ++a) {
      const std::string& accel = accels[a];
      progress.update(done++, networks.size() * accels.size(), name + " on " + accel);
      if (left_out.contains(accel)) continue;
      std::optional<Simulation> s;
      try {
        s = simulate(*network, requests[a]);
      } catch (const Error& e) {
        // A default design the profile has no model of (bitsim: ANT, OliVe) is left out of the
        // whole comparison with the reason; one the user named, or the baseline, is an error.
        if (!options.accels.empty() || accel == options.baseline || &name != &networks.front())
          throw;
        left_out.emplace(accel, e.what());
        std::cerr << "note: compare: " << accel << " left out: " << e.what() << "\n";
        continue;
      }
      pe_rows.emplace_back(accel, pe_figures(*s, network->workload));
      outcomes[accel] = {s->metric("total_cycles"), s->metric("energy_pj"), std::move(*s)};
    }
    const auto base_pe = std::find_if(pe_rows.begin(), pe_rows.end(), [&](const auto& row) {
      return row.first == options.baseline;
    });
    add_pe_rows(pe, name, pe_rows, base_pe->second);
    const Outcome& base = outcomes.at(options.baseline);
    for (const auto& accel : accels) {
      if (left_out.contains(accel)) continue;
      const Outcome& o = outcomes.at(accel);
      const double speedup = base.cycles / o.cycles, energy = o.energy_pj / base.energy_pj;
      log_speedup[accel] += std::log(speedup);
      log_energy[accel] += std::log(energy);
      table.add_row({name, accel, fidelity.name(), network->weights_kind,
                     network->loaded.weights->synthetic(),
                     accel::summarize_sources(network->workload.activations), o.cycles, speedup,
                     o.energy_pj, energy, o.simulation.metric("time_s"),
                     o.simulation.metric("energy_per_inference_uj"),
                     o.simulation.metric("inferences_per_s"), o.simulation.metric("tops_per_w"),
                     o.simulation.metric_cell("tops_per_mm2")});
    }
  }
  Table geomean(
      "geomean",
      {{"accel"}, {"networks"}, {"speedup_vs_baseline"}, {"energy_vs_baseline"}, {"baseline"}});
  const double n = double(networks.size());
  for (const auto& accel : accels)
    if (!left_out.contains(accel))
      geomean.add_row({accel, std::int64_t(networks.size()), std::exp(log_speedup[accel] / n),
                       std::exp(log_energy[accel] / n), options.baseline});
  print_tables(std::cout, {table, geomean, pe}, options.report);
  return 0;
}

}  // namespace bbs::app
