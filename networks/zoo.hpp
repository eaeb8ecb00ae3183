// The built-in zoo: exact layer shapes of the paper's benchmarks and of the models whose real
// weights ship with the project, for any batch / resolution / sequence length / LLM phase.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "networks/network.hpp"

namespace bbs::networks {

// Bump whenever a zoo graph or the synthetic weight generator changes what it produces: with the
// network name and seed it is the identity of a campaign workload on a built-in network.
inline constexpr int kZooVersion = 3;

enum class LlmPhase : std::uint8_t { Prefill, Decode };

// What the network is run on. Zero means "the network's default" (shown by zoo()).
struct Workload {
  std::int64_t batch = 1;
  std::int64_t image_size = 0;       // CNN / ViT input height = width in pixels
  std::int64_t sequence_length = 0;  // BERT tokens; LLM prefill tokens
  LlmPhase phase = LlmPhase::Prefill;
  std::int64_t kv_length = 0;  // LLM decode: tokens already in the KV cache
};

std::string_view llm_phase_name(LlmPhase phase);  // "prefill", "decode"
LlmPhase parse_llm_phase(std::string_view text);  // throws bbs::Error

struct ZooEntry {
  std::string name;
  std::string description;  // model, dataset, reference implementation whose names it uses
  std::string family;       // "cnn", "vit", "bert", "llm"
  Workload default_workload;
  std::string weights_file;  // stem of the matching file in the shared weights, or empty
};

const std::vector<ZooEntry>& zoo();
// Names are matched case-insensitively. Unknown names throw bbs::Error listing the valid ones.
const ZooEntry& zoo_entry(std::string_view name);
// Zero fields of `workload` take the entry's defaults.
Workload resolve_workload(const ZooEntry& entry, Workload workload);
Network build_network(std::string_view name, const Workload& workload = {});

}  // namespace bbs::networks
