#include "app/analysis_tables.hpp"

namespace bbs::app {
namespace {

double per_group(std::int64_t total, std::int64_t groups) {
  return groups == 0 ? 0.0 : double(total) / double(groups);
}

// Bit statistics of the int8 weights before pruning (a layer, or the model's total).
std::vector<Column> bit_columns() {
  return {{"weights"},
          {"group_size"},
          {"groups"},
          {"value_sparsity"},
          {"bit_sparsity_twos"},
          {"bit_sparsity_sign_mag"},
          {"bbs_sparsity"},
          {"sparse_column_fraction"},
          {"redundant_columns_per_group"},
          {"effectual_bits_per_weight"},
          {"pragmatic_cycles_per_group"},
          {"bitlet_cycles_per_group"},
          {"bitwave_columns_per_group"}};
}

std::vector<Cell> bit_cells(const LayerAnalysis& l) {
  const BitSummary& b = l.before;
  return {b.weights,
          std::int64_t(l.group_size),
          l.groups,
          b.value_sparsity(),
          b.bit_sparsity_twos(),
          b.bit_sparsity_sign_mag(),
          b.bbs_sparsity(),
          b.sparse_column_fraction(),
          per_group(b.redundant_columns, b.groups),
          b.effectual_bits_per_weight(),
          per_group(b.pragmatic_cycles, b.groups),
          per_group(b.bitlet_cycles, b.groups),
          per_group(b.bitwave_columns, b.groups)};
}

// What pruning left (a layer, or the model's total); `prefix` keeps the names apart from the
// bit statistics' in the totals table.
std::vector<Column> pruned_columns(const std::string& prefix) {
  std::vector<Column> columns{{"sensitive_channels"},
                              {"stored_columns_per_group"},
                              {prefix + "bbs_sparsity"},
                              {prefix + "sparse_column_fraction"},
                              {"bits_per_weight"},
                              {"bits_per_weight_no_metadata"},
                              {"size_reduction"},
                              {"mse"},
                              {"sqnr_db"},
                              {"sqnr_vs_float_db"},
                              {"checked_groups"},
                              {"check_mismatches"}};
  return columns;
}

std::vector<Cell> pruned_cells(const LayerAnalysis& l) {
  return {l.sensitive_channels,
          per_group(l.stored_column_sum, l.groups),
          l.after.bbs_sparsity(),
          l.after.sparse_column_fraction(),
          l.size.bits_per_weight(true),
          l.size.bits_per_weight(false),
          l.size.size_reduction(true),
          l.error.mse(),
          l.error.sqnr_db(),
          l.error.float_sqnr_db(),
          l.check.groups_checked,
          l.check.mismatches};
}

template <typename T>
void append(std::vector<T>& to, std::vector<T> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

Table bit_table(const std::vector<LayerAnalysis>& layers) {
  std::vector<Column> columns{{"layer"}, {"shape"}};
  append(columns, bit_columns());
  Table t("bit statistics per layer (int8 weights, before pruning)", columns, "bit_statistics");
  for (const auto& l : layers) {
    std::vector<Cell> cells{l.name, l.shape};
    append(cells, bit_cells(l));
    t.add_row(std::move(cells));
  }
  return t;
}

Table pruned_table(const std::vector<LayerAnalysis>& layers) {
  std::vector<Column> columns{{"layer"}};
  append(columns, pruned_columns(""));
  Table t(
      "after pruning per layer (stored columns; bits/weight with 8-bit metadata per pruned "
      "group)",
      columns, "pruned");
  for (const auto& l : layers) {
    std::vector<Cell> cells{l.name};
    append(cells, pruned_cells(l));
    t.add_row(std::move(cells));
  }
  return t;
}

// The whole model: bit statistics before pruning, then what pruning left (pruned_ names).
Table totals_table(const LayerAnalysis& total) {
  std::vector<Column> columns = bit_columns();
  append(columns, pruned_columns("pruned_"));
  Table t("whole model", columns, "totals");
  std::vector<Cell> cells = bit_cells(total);
  append(cells, pruned_cells(total));
  t.add_row(std::move(cells));
  return t;
}

Table summary_table(const std::vector<LayerAnalysis>& layers, const LayerAnalysis& total,
                    const AnalysisContext& c) {
  Table t("summary", {{"source"},
                      {"weights_kind"},
                      {"layers"},
                      {"weights"},
                      {"method"},
                      {"columns"},
                      {"const_bits"},
                      {"group_size"},
                      {"sensitive_fraction"},
                      {"bits_per_weight"},
                      {"bits_per_weight_no_metadata"},
                      {"size_reduction"},
                      {"size_reduction_no_metadata"},
                      {"mse"},
                      {"sqnr_db"},
                      {"check_groups"},
                      {"check_ok"},
                      {"check_problem"}});
  // check_ok: null when the bit-level check did not run (--check 0).
  const bool ran = total.check.groups_checked > 0, ok = total.check.mismatches == 0;
  const auto& p = c.options.prune;
  t.add_row({c.source, c.weights_kind, std::int64_t(layers.size()), total.size.weights,
             std::string(prune_method_name(p.method)), std::int64_t(p.columns),
             std::int64_t(p.const_bits), std::int64_t(c.options.grouping.group_size),
             c.options.sensitive_fraction, total.size.bits_per_weight(true),
             total.size.bits_per_weight(false), total.size.size_reduction(true),
             total.size.size_reduction(false), total.error.mse(), total.error.sqnr_db(),
             total.check.groups_checked, ran ? Cell(ok) : Cell(Null{}),
             ran && !ok ? Cell(total.check.first_mismatch) : Cell(Null{})});
  return t;
}

}  // namespace

std::vector<Table> analysis_tables(const std::vector<LayerAnalysis>& layers,
                                   const AnalysisContext& context) {
  const LayerAnalysis total = total_of(layers);
  return {bit_table(layers), pruned_table(layers), totals_table(total),
          summary_table(layers, total, context)};
}

}  // namespace bbs::app
