// The metrics of a network on a design, declared once. Every consumer iterates this table: the
// per-network totals (LayerCost::add), the columns of `simulate` / `compare` and their JSON keys,
// the result database's columns and its point_summary view, `merge`, the names a campaign
// constraint expression may use and the objectives it may rank by, `list metrics` (which the plot
// scripts and docs/output.md follow).
//
// A new metric is one entry in metrics.cpp plus its computation: a LayerCost field (summed or
// maxed over the layers) or a function of the network's totals. The database gains its column
// when a store is next opened for writing (dse/schema.cpp, sync_metric_columns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace bbs::accel {

struct LayerCost;
struct NetworkCost;
struct HardwareConfig;

// How a network's value follows from its layers'.
enum class Combine {
  Sum,      // the layers' values added
  Max,      // the largest layer's value
  Derived,  // computed from other totals (ratios, the report metrics, the design's area)
};

// The direction a metric is better in, when it may be an objective.
enum class Goal { None, Minimise, Maximise };

// What a network's metrics are computed from.
struct NetworkResult {
  const NetworkCost& cost;
  const HardwareConfig& hw;
  double dense_macs = 0;   // every layer of the workload, whatever the design skips
  std::int64_t batch = 1;  // inferences in one run of the workload
};

struct Metric {
  std::string_view name;  // output column, JSON key, database column, expression name
  std::string_view unit;  // as in the name's suffix: "s", "pJ", "mm2", "B", ... ("" for ratios)
  Combine combine;
  Goal goal;
  std::string_view description;
  // Sum / Max: the layer's stored value, whose totals the table adds up.
  double& (*field)(LayerCost&) = nullptr;
  // Derived with a per-layer value: from one layer's costs (the network's from its total).
  double (*of_layer)(const LayerCost&) = nullptr;
  // Derived over the whole network only.
  double (*of_network)(const NetworkResult&) = nullptr;
  bool integer = false;  // a count: printed as an integer, stored as INTEGER
  // The value that stands for "none" (weight_sqnr_db of unchanged weights: +inf), stored as
  // NULL; and whether negative values are valid.
  double none_value = 0;
  bool may_be_negative = false;
  // Whether the value may be unknown (NaN; printed as null, stored as NULL): the area metrics,
  // when the design's PE area is not published (area.pe_um2 = 0).
  bool may_be_unknown = false;

  bool per_layer() const { return field != nullptr || of_layer != nullptr; }
  // Its database type: the column the result store keeps it in.
  std::string_view sql_type() const { return integer ? "INTEGER" : "REAL"; }
  double layer_value(const LayerCost& layer) const;
  double network_value(const NetworkResult& result) const;
  bool has_none() const { return none_value != 0; }
};

std::span<const Metric> metrics();
const Metric* find_metric(std::string_view name);  // nullptr when unknown
std::size_t metric_index(std::string_view name);   // throws bbs::Error when unknown
std::string_view metric_names_text();              // "time_s, area_mm2, ..." for messages

// Every metric of a network, in table order.
std::vector<double> network_metrics(const NetworkResult& result);
// Every per-layer metric of a layer, in table order; NaN for the network-only ones.
std::vector<double> layer_metrics(const LayerCost& layer);

}  // namespace bbs::accel
