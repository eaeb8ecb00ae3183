// ResultStore::merge_from: copies another store's rows into this one (docs/database.md,
// "Merging shards").
#include <filesystem>

#include "dse/store_impl.hpp"

namespace bbs::dse {
namespace fs = std::filesystem;

MergeStats ResultStore::merge_from(const fs::path& shard) {
  impl_->require_writable("merge into it");
  std::error_code ec;
  if (fs::exists(shard, ec) && fs::equivalent(shard, impl_->path, ec))
    throw Error(quoted(shard) +
                " is the store being merged into; cannot merge a store into itself");
  // Validates the shard (exists, SQLite, ours, same schema version, every page and index
  // intact: a damaged index would make its points look already present) with errors naming it.
  {
    Options options;
    options.busy_timeout_ms = impl_->busy_timeout_ms;
    options.verify = Verify::Full;
    const ResultStore other = open(shard, Mode::ReadOnly, options);
    const int version = other.user_version();
    if (version > impl_->version ||
        (version < impl_->version && !reads_as(schema_migrations(), version, impl_->version)))
      throw Error(quoted(shard) + " has schema version " + std::to_string(other.user_version()) +
                  "; expected " + std::to_string(impl_->version) + " as " + quoted(impl_->path));
  }
  SQLite::Database& db = impl_->db;
  impl_->guard("attaching " + quoted(shard), [&] {
    SQLite::Statement attach(db, "ATTACH DATABASE ? AS shard");
    attach.bind(1, shard.string());
    attach.exec();
  });
  struct Detach {
    SQLite::Database& db;
    ~Detach() {
      try {
        db.exec("DETACH DATABASE shard");
      } catch (...) {  // NOLINT(bugprone-empty-catch): nothing useful to do while unwinding
      }
    }
  } detach{db};
  return impl_->guard("merging " + quoted(shard), [&] {
    MergeStats stats;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(
        "DROP TABLE IF EXISTS temp.merge_campaign; DROP TABLE IF EXISTS temp.merge_workload; "
        "DROP TABLE IF EXISTS temp.merge_point; DROP TABLE IF EXISTS temp.merge_analysis");
    stats.campaigns_added = db.exec(
        "INSERT INTO main.campaign (name, spec_text, spec_hash, tool_version, git_revision, "
        "created_at) SELECT name, spec_text, spec_hash, tool_version, git_revision, created_at "
        "FROM shard.campaign WHERE true ORDER BY id ON CONFLICT (name, spec_hash) DO NOTHING");
    db.exec(
        "CREATE TEMP TABLE merge_campaign AS SELECT s.id AS old_id, m.id AS new_id "
        "FROM shard.campaign s JOIN main.campaign m "
        "ON m.name = s.name AND m.spec_hash = s.spec_hash");
    // A workload is the same when its content hash is (rows from before schema 4, without one:
    // when network, weights and description are); superseded in either file stays superseded.
    const char* same_workload =
        "m.campaign_id = mc.new_id AND m.content_hash IS s.content_hash AND "
        "m.network = s.network AND m.weights_source = s.weights_source AND "
        "m.workload_json = s.workload_json";
    stats.workloads_added = db.exec(
        std::string("INSERT INTO main.workload (campaign_id, network, weights_source, synthetic, "
                    "workload_json, content_hash, superseded, weights_origin, act_stats_source) "
                    "SELECT mc.new_id, s.network, s.weights_source, s.synthetic, s.workload_json, "
                    "s.content_hash, s.superseded, s.weights_origin, ") +
        column_or_null(db, "shard", "workload", "act_stats_source", "s.") +
        " FROM shard.workload s JOIN temp.merge_campaign mc ON mc.old_id = s.campaign_id WHERE "
        "NOT EXISTS (SELECT 1 FROM main.workload m WHERE " +
        same_workload + ") ORDER BY s.id");
    db.exec(std::string("CREATE TEMP TABLE merge_workload AS SELECT s.id AS old_id, m.id AS "
                        "new_id FROM shard.workload s JOIN temp.merge_campaign mc ON mc.old_id = "
                        "s.campaign_id JOIN main.workload m ON ") +
            same_workload);
    db.exec(
        "UPDATE main.workload SET superseded = 1 WHERE id IN (SELECT mw.new_id FROM "
        "temp.merge_workload mw JOIN shard.workload s ON s.id = mw.old_id WHERE s.superseded)");

    db.exec(
        "INSERT INTO main.layer (workload_id, idx, name, kind, macs, weights, act_density, "
        "act_stats_source) SELECT mw.new_id, s.idx, s.name, s.kind, s.macs, s.weights, " +
        column_or_null(db, "shard", "layer", "act_density", "s.") + ", " +
        column_or_null(db, "shard", "layer", "act_stats_source", "s.") +
        " FROM shard.layer s "
        "JOIN temp.merge_workload mw ON mw.old_id = s.workload_id WHERE true ORDER BY s.id "
        "ON CONFLICT (workload_id, idx) DO NOTHING");
    db.exec(
        "CREATE TEMP TABLE merge_point AS SELECT s.id AS old_id, mc.new_id AS campaign_id, "
        "mw.new_id AS workload_id, s.point_key AS point_key FROM shard.design_point s "
        "JOIN temp.merge_campaign mc ON mc.old_id = s.campaign_id "
        "JOIN temp.merge_workload mw ON mw.old_id = s.workload_id "
        "WHERE NOT EXISTS (SELECT 1 FROM main.design_point m WHERE m.campaign_id = mc.new_id "
        "AND m.workload_id = mw.new_id AND m.point_key = s.point_key)");
    const std::int64_t shard_points =
        db.execAndGet("SELECT count(*) FROM shard.design_point").getInt64();
    // Metric columns: those this store writes, from the shard where it has them (NULL where it
    // was written before the metric existed).
    const auto copied = [&](const char* table, std::vector<char>& selected) {
      const MetricColumns here = metric_columns(db, "main", table);
      const MetricColumns there = metric_columns(db, "shard", table);
      selected.assign(here.writable.size(), 0);
      for (std::size_t i = 0; i < selected.size(); ++i)
        selected[i] = here.writable[i] && there.present[i] ? 1 : 0;
    };
    std::vector<char> point_metrics, layer_metrics;
    copied("design_point", point_metrics);
    copied("layer_result", layer_metrics);
    stats.points_added = db.exec(
        "INSERT INTO main.design_point (campaign_id, workload_id, point_key, design, profile, "
        "hardware_json, status, error" +
        column_list(point_metrics, "") +
        ") SELECT n.campaign_id, n.workload_id, s.point_key, s.design, s.profile, "
        "s.hardware_json, s.status, s.error" +
        column_list(point_metrics, "s.") +
        " FROM temp.merge_point n JOIN shard.design_point s ON s.id = n.old_id ORDER BY n.old_id");
    stats.points_skipped = shard_points - stats.points_added;
    stats.layer_rows_added =
        db.exec("INSERT INTO main.layer_result (point_id, layer_idx, name" +
                column_list(layer_metrics, "") + ") SELECT m.id, s.layer_idx, s.name" +
                column_list(layer_metrics, "s.") +
                " FROM temp.merge_point n JOIN main.design_point m "
                "ON m.campaign_id = n.campaign_id AND m.workload_id = n.workload_id "
                "AND m.point_key = n.point_key JOIN shard.layer_result s ON s.point_id = n.old_id");
    stats.profiles_added = db.exec(
        "INSERT INTO main.profile_cache (key, blob, created_at) SELECT key, blob, created_at "
        "FROM shard.profile_cache WHERE true ON CONFLICT (key) DO NOTHING");
    // Analyses: those absent by (network, weights_source, options_json), with their layers.
    db.exec(
        "CREATE TEMP TABLE merge_analysis AS SELECT s.id AS old_id FROM shard.analysis s "
        "WHERE NOT EXISTS (SELECT 1 FROM main.analysis m WHERE m.network = s.network "
        "AND m.weights_source = s.weights_source AND m.options_json = s.options_json)");
    stats.analyses_added = db.exec(
        "INSERT INTO main.analysis (network, weights_source, synthetic, method, columns, "
        "group_size, sensitive_fraction, options_json, weights, bits_per_weight, "
        "bits_per_weight_no_metadata, size_reduction, mse, sqnr_db, tool_version, git_revision, "
        "created_at) SELECT s.network, s.weights_source, s.synthetic, s.method, s.columns, "
        "s.group_size, s.sensitive_fraction, s.options_json, s.weights, s.bits_per_weight, "
        "s.bits_per_weight_no_metadata, s.size_reduction, s.mse, s.sqnr_db, s.tool_version, "
        "s.git_revision, s.created_at FROM temp.merge_analysis n "
        "JOIN shard.analysis s ON s.id = n.old_id ORDER BY n.old_id");
    db.exec(
        "INSERT INTO main.analysis_layer (analysis_id, idx, name, weights, sensitive_channels, "
        "value_sparsity, bit_sparsity_twos, bit_sparsity_sign_mag, bbs_sparsity, "
        "pruned_bbs_sparsity, bits_per_weight, mse, sqnr_db) SELECT m.id, l.idx, l.name, "
        "l.weights, l.sensitive_channels, l.value_sparsity, l.bit_sparsity_twos, "
        "l.bit_sparsity_sign_mag, l.bbs_sparsity, l.pruned_bbs_sparsity, l.bits_per_weight, "
        "l.mse, l.sqnr_db FROM temp.merge_analysis n JOIN shard.analysis s ON s.id = n.old_id "
        "JOIN main.analysis m ON m.network = s.network AND m.weights_source = s.weights_source "
        "AND m.options_json = s.options_json JOIN shard.analysis_layer l ON l.analysis_id = s.id");
    db.exec(
        "DROP TABLE temp.merge_campaign; DROP TABLE temp.merge_workload; "
        "DROP TABLE temp.merge_point; DROP TABLE temp.merge_analysis");
    transaction.commit();
    return stats;
  });
}

}  // namespace bbs::dse
