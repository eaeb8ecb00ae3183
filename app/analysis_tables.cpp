#include "app/analysis_tables.hpp"

namespace bbs::app {
namespace {

double per_group(std::int64_t total, std::int64_t groups) {
  return groups == 0 ? 0.0 : double(total) / double(groups);
}

Table bit_table(const std::vector<LayerAnalysis>& layers, const LayerAnalysis& total) {
  Table t("bit statistics (int8 weights, before pruning)", {{"layer"},
                                                            {"shape"},
                                                            {"weights"},
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
                                                            {"bitwave_columns_per_group"}});
  auto add = [&](const LayerAnalysis& l, const std::string& shape) {
    const BitSummary& b = l.before;
    t.add_row({l.name, shape, b.weights, std::int64_t(l.group_size), l.groups, b.value_sparsity(),
               b.bit_sparsity_twos(), b.bit_sparsity_sign_mag(), b.bbs_sparsity(),
               b.sparse_column_fraction(), per_group(b.redundant_columns, b.groups),
               b.effectual_bits_per_weight(), per_group(b.pragmatic_cycles, b.groups),
               per_group(b.bitlet_cycles, b.groups), per_group(b.bitwave_columns, b.groups)});
  };
  for (const auto& l : layers) add(l, shape_string(l.shape));
  add(total, "");
  return t;
}

Table pruned_table(const std::vector<LayerAnalysis>& layers, const LayerAnalysis& total) {
  Table t("after pruning (stored columns; bits/weight with 8-bit metadata per pruned group)",
          {{"layer"},
           {"sensitive_channels"},
           {"stored_columns_per_group"},
           {"bbs_sparsity"},
           {"sparse_column_fraction"},
           {"bits_per_weight"},
           {"bits_per_weight_no_metadata"},
           {"size_reduction"},
           {"mse"},
           {"sqnr_db"},
           {"sqnr_vs_float_db"},
           {"checked_groups"},
           {"check_mismatches"}});
  auto add = [&](const LayerAnalysis& l) {
    t.add_row({l.name, l.sensitive_channels, per_group(l.stored_column_sum, l.groups),
               l.after.bbs_sparsity(), l.after.sparse_column_fraction(),
               l.size.bits_per_weight(true), l.size.bits_per_weight(false),
               l.size.size_reduction(true), l.error.mse(), l.error.sqnr_db(),
               l.error.float_sqnr_db(), l.check.groups_checked, l.check.mismatches});
  };
  for (const auto& l : layers) add(l);
  add(total);
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
                      {"check"}});
  const std::string check = total.check.groups_checked == 0 ? "not run"
                            : total.check.mismatches == 0
                                ? "ok (" + std::to_string(total.check.groups_checked) + " groups)"
                                : "FAILED: " + total.check.first_mismatch;
  const auto& p = c.options.prune;
  t.add_row({c.source, c.weights_kind, std::int64_t(layers.size()), total.size.weights,
             std::string(prune_method_name(p.method)), std::int64_t(p.columns),
             std::int64_t(p.const_bits), std::int64_t(c.options.grouping.group_size),
             c.options.sensitive_fraction, total.size.bits_per_weight(true),
             total.size.bits_per_weight(false), total.size.size_reduction(true),
             total.size.size_reduction(false), total.error.mse(), total.error.sqnr_db(), check});
  return t;
}

}  // namespace

std::vector<Table> analysis_tables(const std::vector<LayerAnalysis>& layers,
                                   const AnalysisContext& context) {
  const LayerAnalysis total = total_of(layers);
  return {bit_table(layers, total), pruned_table(layers, total),
          summary_table(layers, total, context)};
}

}  // namespace bbs::app
