// Profiles as bytes, for the result database's profile cache: a re-run or another campaign on the
// same weights and pruning setting reads them back instead of touching the weights again.
// Format (little-endian): "BBSP" magic, version, layer count, then per layer the scalar fields
// and the step records (grouping, channel order, steps, useful work).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/accel/accel_model.hpp"

namespace bbs::accel {

std::string profiles_to_blob(const std::vector<LayerProfile>& profiles);
// std::nullopt for a blob of another format version; bbs::Error for a damaged one.
std::optional<std::vector<LayerProfile>> profiles_from_blob(const std::string& blob);

}  // namespace bbs::accel
