// Checks a whole campaign before its first point is evaluated, so that a typo never becomes a
// database full of failed points: the profile and defects, every workload (network, phase, batch,
// weight file) and every design (preset, `set` entries, every listed axis value and both ends of
// every range: known keys, values of the key's type). Errors name file:line:key and what was
// expected. Whether a complete design is valid (banks dividing a capacity, ...) depends on the
// combination of values: such a point is stored as failed with the reason.
#pragma once

#include "dse/campaign.hpp"

namespace bbs::app {

void check_campaign(const dse::CampaignSpec& spec);

}  // namespace bbs::app
