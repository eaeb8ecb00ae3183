#include <string>

#include "model/accel/designs.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {

const std::vector<std::unique_ptr<AccelModel>>& accel_registry() {
  static const std::vector<std::unique_ptr<AccelModel>> registry = [] {
    std::vector<std::unique_ptr<AccelModel>> r;
    r.push_back(std::make_unique<Stripes>());
    r.push_back(std::make_unique<Pragmatic>());
    r.push_back(std::make_unique<Bitlet>());
    r.push_back(std::make_unique<BitWave>());
    r.push_back(std::make_unique<BitVert>());
    r.push_back(std::make_unique<BitParallel>());
    r.push_back(std::make_unique<SparTen>());
    return r;
  }();
  return registry;
}

const AccelModel& find_accel(std::string_view name) {
  std::string names;
  for (const auto& model : accel_registry()) {
    if (model->name() == name) return *model;
    names += (names.empty() ? "" : ", ") + std::string(model->name());
  }
  throw Error("unknown accelerator '" + std::string(name) + "': expected one of " + names);
}

}  // namespace bbs::accel
