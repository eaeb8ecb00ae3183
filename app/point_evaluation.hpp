// One design point of a campaign evaluated into the records the result database stores: the
// network totals, the per-layer rows, or a failed point with the reason (an error, or the
// campaign constraint it violates); and the workload's own layer records.
#pragma once

#include <cstdint>
#include <vector>

#include "app/simulation.hpp"
#include "dse/campaign.hpp"
#include "dse/design_space.hpp"
#include "dse/result_store.hpp"
#include "model/accel/fidelity.hpp"

namespace bbs::app {

// Builds the profiles `points` need, one after the other, each on `jobs` threads: the points
// themselves then evaluate in parallel on cached profiles. A point whose hardware is invalid is
// passed over here; evaluate_point stores it as failed with the reason.
void prepare_point_profiles(const PreparedNetwork& network,
                            const std::vector<const dse::DesignPoint*>& points,
                            const accel::Fidelity& fidelity, int jobs);

// Throws dse::TransientError (disk full, locked) instead of recording it: it is not the point's.
dse::PointWithLayers evaluate_point(const PreparedNetwork& network, const dse::DesignPoint& point,
                                    const accel::Fidelity& fidelity, const dse::CampaignSpec& spec,
                                    std::int64_t campaign_id, std::int64_t workload_id);

// The layers of a workload as the database describes them (independent of any design).
std::vector<dse::WorkloadLayerRecord> workload_layers(const PreparedNetwork& network);

}  // namespace bbs::app
