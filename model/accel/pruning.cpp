#include "model/accel/pruning.hpp"

#include <array>
#include <charconv>

namespace bbs::accel {
namespace {

template <typename T>
std::string number(T value) {
  std::array<char, 32> text{};
  return std::string(text.data(), std::to_chars(text.data(), text.data() + text.size(), value).ptr);
}

}  // namespace

PruningSetting PruningSetting::effective() const {
  PruningSetting e = *this;
  if (!prunes()) e.prune.columns = 0, e.prune.const_bits = 0;
  return e;
}

std::string PruningSetting::canonical() const {
  const PruningSetting e = effective();
  return "{\"channel_multiple\":" + number(e.channel_multiple) +
         ",\"columns\":" + number(e.prune.columns) +
         ",\"const_bits\":" + number(e.prune.const_bits) + ",\"group\":" + number(e.group) +
         ",\"method\":\"" + std::string(prune_method_name(e.prune.method)) +
         "\",\"sensitive_fraction\":" + number(e.sensitive_fraction) + "}";
}

}  // namespace bbs::accel
