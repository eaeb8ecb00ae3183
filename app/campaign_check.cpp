#include "app/campaign_check.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "app/simulation.hpp"
#include "model/accel/fidelity.hpp"
#include "model/accel/hardware_config.hpp"
#include "networks/llm.hpp"
#include "networks/tensor.hpp"
#include "networks/zoo.hpp"

namespace bbs::app {
namespace {

namespace fs = std::filesystem;

// Runs `check`; an Error it throws is re-thrown naming the campaign key.
template <class F>
void at_key(const dse::CampaignSpec& spec, const std::string& key, F&& check) {
  try {
    check();
  } catch (const Error& e) {
    throw Error(spec.where(key) + ": " + e.what());
  }
}

void check_workload(const dse::CampaignSpec& spec, std::size_t index) {
  const dse::WorkloadSpec& w = spec.workloads[index];
  const std::string key = "workload[" + std::to_string(index) + "]";
  at_key(spec, key + ".phase", [&] { networks::parse_llm_phase(w.phase); });
  if (w.batch < 1)
    throw Error(spec.where(key + ".batch") + " is " + std::to_string(w.batch) + "; expected >= 1");
  for (const auto& [name, value] :
       {std::pair{".seq_len", w.sequence_length}, std::pair{".image_size", w.image_size},
        std::pair{".kv_length", w.kv_length}})
    if (value < 0)
      throw Error(spec.where(key + name) + " is " + std::to_string(value) +
                  "; expected >= 0 (0: the network's default)");
  if (!w.weights.empty() && !fs::is_regular_file(w.weights))
    throw Error(spec.where(key + ".weights") + " names '" + w.weights +
                "', which is not a readable file; expected a safetensors or .npy file");
  const ShowOptions options = workload_options(w);
  if (options.network.ends_with(".onnx")) {
    if (!fs::is_regular_file(options.network))
      throw Error(spec.where(key + ".network") + " names '" + w.network +
                  "', which is not a file; expected an ONNX model or a zoo network");
    return;
  }
  // A Hugging Face checkpoint directory: its config is checked against its tensors when the
  // workload loads, before any of its points.
  if (networks::is_llama_checkpoint(options.network)) return;
  at_key(spec, key + ".network", [&] { networks::zoo_entry(w.network); });
  // The layer shapes at this workload: sizes that overflow are refused here, before any point.
  at_key(spec, key, [&] { networks::build_network(w.network, options.workload); });
}

void check_design(const dse::CampaignSpec& spec, std::size_t index,
                  const std::vector<std::string>& presets) {
  const dse::DesignSpec& d = spec.designs[index];
  const std::string key = "design[" + std::to_string(index) + "]";
  if (std::find(presets.begin(), presets.end(), d.accel) == presets.end()) {
    std::string names;
    for (const auto& p : presets) names += (names.empty() ? "" : ", ") + p;
    throw Error(spec.where(key + ".accel") + " is '" + d.accel +
                "'; expected a hardware preset: " + names);
  }
  at_key(spec, key + ".set", [&] {
    for (const auto& set : d.sets) accel::check_setting(set);
  });
  for (const dse::Axis& axis : d.axes)
    at_key(spec, key + ".axes." + axis.key, [&] {
      // A list: every value; a range: its two ends (the values between have the same type).
      std::vector<std::int64_t> checked = {0, axis.size() - 1};
      if (!axis.values.empty()) {
        checked.resize(axis.values.size());
        std::iota(checked.begin(), checked.end(), std::int64_t{0});
      }
      for (const std::int64_t i : checked) accel::check_setting(axis.key + "=" + axis.value(i));
    });
}

}  // namespace

void check_campaign(const dse::CampaignSpec& spec) {
  at_key(spec, "profile", [&] { accel::parse_fidelity(spec.profile); });
  at_key(spec, "defects", [&] { accel::parse_fidelity(spec.profile, spec.defects); });
  for (std::size_t w = 0; w < spec.workloads.size(); ++w) check_workload(spec, w);
  const std::vector<std::string> presets = accel::hardware_designs();
  for (std::size_t d = 0; d < spec.designs.size(); ++d) check_design(spec, d, presets);
}

}  // namespace bbs::app
