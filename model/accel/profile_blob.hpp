// Profiles as bytes, for the result database's profile cache: a re-run or another campaign on the
// same weights and pruning setting reads them back instead of touching the weights again.
// Format (little-endian): "BBSP" magic, version, layer count, then per layer the scalar fields
// and the step records (grouping, channel order, steps, useful work).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/accel/accel_model.hpp"

namespace bbs::accel {

// Bump whenever what a profile holds or how it is computed changes (pruning, sensitive-channel
// choice, step records and their useful work, this blob layout): cached profiles of another
// version are then rebuilt, never reused. 3: canonical cache keys, step kind in the records;
// 4: one entry per weight tensor (streamed profiles) / step rules by name and the pruning setting
// as one canonical object (PruningSetting), on two branches; 5: both (and, on a third branch,
// SparTen's non-zero step rule with flat groups); 6: all three.
inline constexpr std::uint32_t kProfileFormatVersion = 6;

// The cache key of the profiles of one weight set under one design's needs: the format version,
// the weights' content hash and a canonical serialisation (JSON, sorted keys) of every WeightNeeds
// field by name (pruning method, groups, columns, constant bits, sensitive settings, step kind,
// lanes) and of the fidelity switches that are on, by name.
std::string profile_cache_key(std::string_view weights_hash, const WeightNeeds& needs,
                              const Fidelity& fidelity);

std::string profiles_to_blob(const std::vector<LayerProfile>& profiles);
// std::nullopt for a blob of another format version; bbs::Error for a damaged one.
std::optional<std::vector<LayerProfile>> profiles_from_blob(const std::string& blob);

}  // namespace bbs::accel
