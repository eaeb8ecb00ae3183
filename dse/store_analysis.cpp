// ResultStore: the bit-level analyses written by `analyze --db` (tables analysis, analysis_layer).
#include <cmath>

#include "dse/store_impl.hpp"

namespace bbs::dse {
namespace {

void bind_optional(SQLite::Statement& q, int index, const std::optional<double>& value) {
  if (value && std::isfinite(*value))
    q.bind(index, *value);
  else
    q.bind(index);  // NULL
}

std::optional<double> optional_real(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getDouble();
}

void check_finite(const std::string& what, const char* name, double value) {
  if (!std::isfinite(value))
    throw Error(what + ": " + name + " = " + std::to_string(value) + "; expected a finite number");
}

}  // namespace

std::int64_t ResultStore::add_analysis(const AnalysisRecord& a,
                                       const std::vector<AnalysisLayerRecord>& layers) {
  impl_->require_writable("add an analysis");
  const std::string what = "analysis of '" + a.network + "'";
  for (double v : {a.bits_per_weight, a.bits_per_weight_no_metadata, a.size_reduction, a.mse})
    check_finite(what, "a total", v);
  for (const AnalysisLayerRecord& l : layers)
    for (double v : {l.value_sparsity, l.bit_sparsity_twos, l.bit_sparsity_sign_mag, l.bbs_sparsity,
                     l.pruned_bbs_sparsity, l.bits_per_weight, l.mse})
      check_finite(what + " layer '" + l.name + "'", "a value", v);
  return impl_->guard("adding the " + what, [&] {
    SQLite::Database& db = impl_->db;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement drop(db,
                           "DELETE FROM analysis WHERE network = ? AND weights_source = ? AND "
                           "options_json = ?");
    drop.bind(1, a.network);
    drop.bind(2, a.weights_source);
    drop.bind(3, a.options_json);
    drop.exec();
    SQLite::Statement insert(
        db,
        "INSERT INTO analysis (network, weights_source, synthetic, method, columns, group_size, "
        "sensitive_fraction, options_json, weights, bits_per_weight, bits_per_weight_no_metadata, "
        "size_reduction, mse, sqnr_db, tool_version, git_revision, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, a.network);
    insert.bind(2, a.weights_source);
    insert.bind(3, a.synthetic ? 1 : 0);
    insert.bind(4, a.method);
    insert.bind(5, a.columns);
    insert.bind(6, a.group_size);
    insert.bind(7, a.sensitive_fraction);
    insert.bind(8, a.options_json);
    insert.bind(9, a.weights);
    insert.bind(10, a.bits_per_weight);
    insert.bind(11, a.bits_per_weight_no_metadata);
    insert.bind(12, a.size_reduction);
    insert.bind(13, a.mse);
    bind_optional(insert, 14, a.sqnr_db);
    insert.bind(15, a.tool_version);
    insert.bind(16, a.git_revision);
    insert.bind(17, a.created_at.empty() ? now_utc() : a.created_at);
    insert.exec();
    const std::int64_t id = db.getLastInsertRowid();
    SQLite::Statement layer(
        db,
        "INSERT INTO analysis_layer (analysis_id, idx, name, weights, sensitive_channels, "
        "value_sparsity, bit_sparsity_twos, bit_sparsity_sign_mag, bbs_sparsity, "
        "pruned_bbs_sparsity, bits_per_weight, mse, sqnr_db) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const AnalysisLayerRecord& l : layers) {
      layer.reset();
      layer.bind(1, id);
      layer.bind(2, l.idx);
      layer.bind(3, l.name);
      layer.bind(4, l.weights);
      layer.bind(5, l.sensitive_channels);
      layer.bind(6, l.value_sparsity);
      layer.bind(7, l.bit_sparsity_twos);
      layer.bind(8, l.bit_sparsity_sign_mag);
      layer.bind(9, l.bbs_sparsity);
      layer.bind(10, l.pruned_bbs_sparsity);
      layer.bind(11, l.bits_per_weight);
      layer.bind(12, l.mse);
      bind_optional(layer, 13, l.sqnr_db);
      layer.exec();
    }
    transaction.commit();
    return id;
  });
}

std::vector<AnalysisRecord> ResultStore::analyses() const {
  return impl_->guard("reading analyses", [&] {
    SQLite::Statement q(
        impl_->db,
        "SELECT id, network, weights_source, synthetic, method, columns, group_size, "
        "sensitive_fraction, options_json, weights, bits_per_weight, bits_per_weight_no_metadata, "
        "size_reduction, mse, sqnr_db, tool_version, git_revision, created_at FROM analysis "
        "ORDER BY id");
    std::vector<AnalysisRecord> out;
    while (q.executeStep()) {
      AnalysisRecord a;
      a.id = q.getColumn(0).getInt64();
      a.network = q.getColumn(1).getString();
      a.weights_source = q.getColumn(2).getString();
      a.synthetic = q.getColumn(3).getInt() != 0;
      a.method = q.getColumn(4).getString();
      a.columns = q.getColumn(5).getInt();
      a.group_size = q.getColumn(6).getInt();
      a.sensitive_fraction = q.getColumn(7).getDouble();
      a.options_json = q.getColumn(8).getString();
      a.weights = q.getColumn(9).getInt64();
      a.bits_per_weight = q.getColumn(10).getDouble();
      a.bits_per_weight_no_metadata = q.getColumn(11).getDouble();
      a.size_reduction = q.getColumn(12).getDouble();
      a.mse = q.getColumn(13).getDouble();
      a.sqnr_db = optional_real(q.getColumn(14));
      a.tool_version = q.getColumn(15).getString();
      a.git_revision = q.getColumn(16).getString();
      a.created_at = q.getColumn(17).getString();
      out.push_back(std::move(a));
    }
    return out;
  });
}

std::vector<AnalysisLayerRecord> ResultStore::analysis_layers(std::int64_t analysis_id) const {
  return impl_->guard("reading analysis layers", [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT idx, name, weights, sensitive_channels, value_sparsity, "
                        "bit_sparsity_twos, bit_sparsity_sign_mag, bbs_sparsity, "
                        "pruned_bbs_sparsity, bits_per_weight, mse, sqnr_db FROM analysis_layer "
                        "WHERE analysis_id = ? ORDER BY idx");
    q.bind(1, analysis_id);
    std::vector<AnalysisLayerRecord> out;
    while (q.executeStep()) {
      AnalysisLayerRecord l;
      l.idx = q.getColumn(0).getInt();
      l.name = q.getColumn(1).getString();
      l.weights = q.getColumn(2).getInt64();
      l.sensitive_channels = q.getColumn(3).getInt64();
      l.value_sparsity = q.getColumn(4).getDouble();
      l.bit_sparsity_twos = q.getColumn(5).getDouble();
      l.bit_sparsity_sign_mag = q.getColumn(6).getDouble();
      l.bbs_sparsity = q.getColumn(7).getDouble();
      l.pruned_bbs_sparsity = q.getColumn(8).getDouble();
      l.bits_per_weight = q.getColumn(9).getDouble();
      l.mse = q.getColumn(10).getDouble();
      l.sqnr_db = optional_real(q.getColumn(11));
      out.push_back(std::move(l));
    }
    return out;
  });
}

}  // namespace bbs::dse
