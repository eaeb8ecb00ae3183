#include <algorithm>
#include <string>

#include "model/accel/accel_model.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {
namespace {

std::vector<std::unique_ptr<AccelModel>>& designs() {
  static std::vector<std::unique_ptr<AccelModel>> registry;
  return registry;
}

}  // namespace

// Designs register during static initialisation, before any lookup.
bool register_design(std::unique_ptr<AccelModel> model) {
  auto& all = designs();
  const auto at = std::lower_bound(
      all.begin(), all.end(), model->name(),
      [](const std::unique_ptr<AccelModel>& m, std::string_view name) { return m->name() < name; });
  if (at != all.end() && (*at)->name() == model->name())
    throw Error("design '" + std::string(model->name()) + "' registered twice");
  all.insert(at, std::move(model));
  return true;
}

const std::vector<std::unique_ptr<AccelModel>>& accel_registry() { return designs(); }

const AccelModel& find_accel(std::string_view name) {
  std::string names;
  for (const auto& model : accel_registry()) {
    if (model->name() == name) return *model;
    names += (names.empty() ? "" : ", ") + std::string(model->name());
  }
  throw Error("unknown accelerator '" + std::string(name) + "': expected one of " + names);
}

}  // namespace bbs::accel
