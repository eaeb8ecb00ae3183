// The identity of a campaign workload, so that a changed file is never answered with the results
// of the old one:
//   description  = JSON (sorted keys) of every [[workload]] key, dse::workload_fields()
//   content hash = XXH3-128 of the description followed by, per key, what its value stands for:
//                  a network file or weight file (or checkpoint directory) by its content, a
//                  built-in network by its zoo name and networks::kZooVersion
// Keys added to dse::workload_fields() later are included without further code here; a File key
// (e.g. a per-workload JSON file) is hashed by content.
#pragma once

#include <string>

#include "dse/campaign.hpp"

namespace bbs::app {

struct WorkloadIdentity {
  std::string description;   // also the workload's workload_json in the result database
  std::string content_hash;  // 32 hex digits
};

// Reads every file the workload names (errors name the key and the path).
WorkloadIdentity workload_identity(const dse::WorkloadSpec& workload);

}  // namespace bbs::app
