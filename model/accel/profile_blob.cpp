#include "model/accel/profile_blob.hpp"

#include <cstring>

#include "networks/member_count.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

constexpr char kMagic[4] = {'B', 'B', 'S', 'P'};

class Writer {
 public:
  template <typename T>
  void value(const T& v) {
    bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <typename T>
  void vector(const std::vector<T>& v) {
    value(std::uint64_t(v.size()));
    bytes.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  std::string bytes;
};

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  template <typename T>
  T value() {
    T v;
    take(&v, sizeof v);
    return v;
  }
  std::string text() {
    const auto size = value<std::uint64_t>();
    if (size > bytes_.size() - at_) throw Error("profile cache entry is truncated");
    std::string t(size, '\0');
    take(t.data(), size);
    return t;
  }
  template <typename T>
  std::vector<T> vector() {
    const auto count = value<std::uint64_t>();
    if (count > (bytes_.size() - at_) / sizeof(T)) throw Error("profile cache entry is truncated");
    std::vector<T> v(count);
    take(v.data(), count * sizeof(T));
    return v;
  }

 private:
  void take(void* out, std::size_t size) {
    if (size > bytes_.size() - at_) throw Error("profile cache entry is truncated");
    std::memcpy(out, bytes_.data() + at_, size);
    at_ += size;
  }
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace

// Canonical JSON, keys in sorted order, numbers in their shortest round-trip form (std::to_chars),
// written by hand: the key is built at every design point of a campaign.
std::string profile_cache_key(std::string_view weights_hash, const WeightNeeds& needs,
                              const Fidelity& fidelity) {
  static_assert(member_count<WeightNeeds>() == 3,
                "profile_cache_key must serialise every WeightNeeds member");
  std::string switches;
  for (const DefectSwitch* s : defect_switches())
    if (fidelity.on(*s))
      switches += (switches.empty() ? "\"" : ",\"") + std::string(s->name) + "\"";
  const std::string steps = needs.steps ? "\"" + std::string(needs.steps->name) + "\"" : "null";
  return "profile-v" + std::to_string(kProfileFormatVersion) + "/" + std::string(weights_hash) +
         "/{\"fidelity_switches\":[" + switches + "],\"lanes\":" + std::to_string(needs.lanes) +
         ",\"pruning\":" + needs.pruning.canonical() + ",\"steps\":" + steps + "}";
}

std::string profiles_to_blob(const std::vector<LayerProfile>& profiles) {
  Writer w;
  w.bytes.append(kMagic, 4);
  w.value(kProfileFormatVersion);
  w.value(std::uint64_t(profiles.size()));
  for (const LayerProfile& p : profiles) {
    w.value(p.sensitive_channels);
    w.value(p.payload_bits_per_weight);
    w.value(p.encoded_bits_per_weight);
    w.value(p.weight_error.count);
    w.value(p.weight_error.signal_sq);
    w.value(p.weight_error.error_sq);
    w.value(std::uint8_t(p.steps != nullptr));
    if (!p.steps) continue;
    const StepRecords& s = *p.steps;
    w.value(std::uint64_t(s.rule().name.size()));
    w.bytes.append(s.rule().name);
    w.value(std::int32_t(s.grouping().lanes));
    w.value(std::uint8_t(s.grouping().along_kernel));
    w.value(std::uint8_t(s.grouping().flat));
    w.value(s.grouping().groups_per_channel);
    w.vector(s.row_of_channel());
    w.vector(s.step_values());
    w.vector(s.useful_values());
  }
  return std::move(w.bytes);
}

std::optional<std::vector<LayerProfile>> profiles_from_blob(const std::string& blob) {
  if (blob.size() < 8 || std::memcmp(blob.data(), kMagic, 4) != 0)
    throw Error("profile cache entry is not a bbs-dse profile");
  Reader r(blob);
  r.value<std::uint32_t>();  // magic, checked above
  if (r.value<std::uint32_t>() != kProfileFormatVersion) return std::nullopt;
  std::vector<LayerProfile> profiles(r.value<std::uint64_t>());
  for (LayerProfile& p : profiles) {
    p.sensitive_channels = r.value<std::int64_t>();
    p.payload_bits_per_weight = r.value<double>();
    p.encoded_bits_per_weight = r.value<double>();
    p.weight_error.count = r.value<std::int64_t>();
    p.weight_error.signal_sq = r.value<double>();
    p.weight_error.error_sq = r.value<double>();
    if (!r.value<std::uint8_t>()) continue;
    const StepRule& rule = find_step_rule(r.text());  // throws for an unknown rule
    ReductionGrouping g;
    g.lanes = r.value<std::int32_t>();
    g.along_kernel = r.value<std::uint8_t>() != 0;
    g.flat = r.value<std::uint8_t>() != 0;
    g.groups_per_channel = r.value<std::int64_t>();
    auto rows = r.vector<std::int64_t>();
    auto steps = r.vector<std::uint8_t>();
    auto useful = r.vector<std::uint16_t>();
    if (steps.size() != useful.size() ||
        steps.size() != rows.size() * std::size_t(g.groups_per_channel))
      throw Error("profile cache entry has inconsistent step records");
    p.steps = std::make_shared<StepRecords>(rule, g, std::move(rows), std::move(steps),
                                            std::move(useful));
  }
  return profiles;
}

}  // namespace bbs::accel
