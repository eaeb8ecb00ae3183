// bbs-dse list accels: the registered accelerator models and the built-in hardware configs.
// bbs-dse list metrics: the metric table, the names every output, the database and the
// constraint expressions use.
#include <iostream>

#include "app/commands.hpp"
#include "app/report.hpp"
#include "model/accel/accel_model.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/accel/metrics.hpp"

namespace bbs::app {

int run_list_accels(const OutputOptions& output) {
  Table table("accels", {{"name"},
                         {"design"},
                         {"rows"},
                         {"cols"},
                         {"lanes"},
                         {"bit_serial_multipliers"},
                         {"pruning"},
                         {"columns"},
                         {"sensitive_fraction"},
                         {"pe_area_um2"},
                         {"description"}});
  for (const auto& name : accel::hardware_designs()) {
    const accel::HardwareConfig hw = accel::load_hardware(name, std::nullopt, {});
    table.add_row({name, hw.design, std::int64_t(hw.pe_rows), std::int64_t(hw.pe_cols),
                   std::int64_t(hw.lanes), hw.bit_serial_multipliers(),
                   std::string(prune_method_name(hw.pruning.prune.method)),
                   std::int64_t(hw.pruning.prune.columns), hw.pruning.sensitive_fraction,
                   hw.pe_area_um2 > 0 ? Cell(hw.pe_area_um2) : Cell(Null{}),  // 0: not published
                   std::string(accel::find_accel(hw.design).description())});
  }
  print_tables(std::cout, {table}, output);
  return 0;
}

int run_list_metrics(const OutputOptions& output) {
  Table table("metrics", {{"name"},
                          {"unit"},
                          {"combine"},
                          {"per_layer"},
                          {"objective"},
                          {"sql_type"},
                          {"description"}});
  for (const accel::Metric& m : accel::metrics()) {
    const char* combine = m.combine == accel::Combine::Sum   ? "sum"
                          : m.combine == accel::Combine::Max ? "max"
                                                             : "derived";
    const char* goal = m.goal == accel::Goal::Minimise   ? "minimise"
                       : m.goal == accel::Goal::Maximise ? "maximise"
                                                         : "";
    table.add_row({std::string(m.name), std::string(m.unit), combine, m.per_layer(), goal,
                   std::string(m.sql_type()), std::string(m.description)});
  }
  print_tables(std::cout, {table}, output);
  return 0;
}

}  // namespace bbs::app
