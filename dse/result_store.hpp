// The SQLite result database of design-space campaigns (see docs/database.md).
//
// One ResultStore is one connection to one database file: WAL journal, STRICT tables, foreign
// keys on, schema version in PRAGMA user_version (migrated forward on open), and an
// application_id that tells a bbs-dse store from any other SQLite file. A store is used from one
// thread; a campaign has one writer per file (shard per job, merge afterwards).
//
// The records are plain structs: the store knows nothing about the accelerator models, the caller
// converts. Every failure is a bbs::Error naming the file and what was expected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/accel/metrics.hpp"
#include "networks/tensor.hpp"

namespace bbs::dse {

// A failure that may not happen again: the disk was full, the file locked by another writer, an
// I/O error. A design point that meets one is not stored, so a resumed run evaluates it again;
// a stored failed point has a deterministic reason (a violated constraint, an invalid design).
class TransientError : public Error {
 public:
  using Error::Error;
};

// 'BBSD': PRAGMA application_id of every bbs-dse result store.
inline constexpr std::int32_t kApplicationId = 0x42425344;

struct CampaignRecord {
  std::int64_t id = 0;  // set by the store
  std::string name;
  std::string spec_text;
  std::string spec_hash;
  std::string tool_version;
  std::string git_revision;
  std::string created_at;  // ISO 8601 UTC; empty -> now
};

struct WorkloadRecord {
  std::int64_t id = 0;  // set by the store
  std::int64_t campaign_id = 0;
  std::string network;
  std::string weights_source;  // file path/hash, or a description of the synthetic generator
  bool synthetic = false;
  std::string workload_json;  // the description: every [[workload]] key and value
  // Identity: hash of the description and of the content of every file it names. Stored rows
  // from before schema 4 read back "" (content unknown).
  std::string content_hash;
  bool superseded = false;     // read only: a later workload has the same description
  std::string weights_origin;  // "int8 as given" or "float, quantized per channel"
  // Sources of the layers' activation statistics ("default (20 layers)"); "" before schema 6.
  std::string act_stats_source;
};

// One layer of a workload (the network description, independent of any design).
struct WorkloadLayerRecord {
  int idx = 0;
  std::string name;
  std::string kind;
  std::int64_t macs = 0;
  std::int64_t weights = 0;
  // Input-activation value density and its source; nullopt / "" when stored before schema 6.
  std::optional<double> act_density;
  std::string act_stats_source;
};

enum class PointStatus { Done, Failed };

// The value of every metric (model/accel/metrics.hpp), in table order: what a store writes and
// reads back. NaN: unknown (a row stored before the metric existed); a metric's none_value
// (weight_sqnr_db of unchanged weights: +inf) is stored as NULL.
struct MetricValues {
  std::vector<double> values = std::vector<double>(accel::metrics().size(), 0.0);
  double get(std::string_view name) const { return values[accel::metric_index(name)]; }
  void set(std::string_view name, double value) { values[accel::metric_index(name)] = value; }
};

// One evaluated design point: its identity and its network totals. A failed point keeps its
// identity and error; its totals are stored as NULL and read back as 0.
struct PointRecord {
  std::int64_t id = 0;  // set by the store
  std::int64_t campaign_id = 0;
  std::int64_t workload_id = 0;
  std::string point_key;  // canonical string of the hardware settings
  std::string design;     // "bitvert", "stripes", ...
  std::string profile;    // fidelity name: "corrected", "bitsim"
  std::string hardware_json;
  PointStatus status = PointStatus::Done;
  std::string error;
  MetricValues metrics;  // columns the database computes itself (edp, multipliers) read only
};

// The per-layer result of one point: the per-layer metrics (Metric::per_layer()).
struct LayerRecord {
  int layer_idx = 0;
  std::string name;
  MetricValues metrics;  // the network-only metrics unused
};

struct PointWithLayers {
  PointRecord point;
  std::vector<LayerRecord> layers;
};

// One `analyze --db` run: a model's weights under one set of engine options (totals over layers).
struct AnalysisRecord {
  std::int64_t id = 0;  // set by the store
  std::string network;  // zoo name, or the weight file's stem
  std::string weights_source;
  bool synthetic = false;
  std::string method;  // pruning method name
  int columns = 0, group_size = 0;
  double sensitive_fraction = 0;
  std::string options_json;  // every engine option: with the weights, the identity of the run
  std::int64_t weights = 0;
  double bits_per_weight = 0, bits_per_weight_no_metadata = 0, size_reduction = 0, mse = 0;
  std::optional<double> sqnr_db;  // none when the error is zero
  std::string tool_version, git_revision;
  std::string created_at;  // empty -> now
};

// One layer of an analysis: bit sparsity before pruning, and the pruned result.
struct AnalysisLayerRecord {
  int idx = 0;
  std::string name;
  std::int64_t weights = 0, sensitive_channels = 0;
  double value_sparsity = 0, bit_sparsity_twos = 0, bit_sparsity_sign_mag = 0, bbs_sparsity = 0;
  double pruned_bbs_sparsity = 0, bits_per_weight = 0, mse = 0;
  std::optional<double> sqnr_db;
};

// Rows of an ad-hoc query, every value rendered as text (NULL as "NULL").
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct MergeStats {
  std::int64_t campaigns_added = 0, workloads_added = 0;
  std::int64_t points_added = 0, points_skipped = 0;
  std::int64_t layer_rows_added = 0, profiles_added = 0;
  std::int64_t analyses_added = 0;
};

// One schema step: applied to a database at version `from`, leaves it at `from + 1`.
struct Migration {
  int from = 0;
  const char* sql = "";
  // The step only adds columns that read back NULL in older rows: a file of the version before
  // can be read (read-only) and merged without migrating, the columns then read as unknown.
  bool adds_nullable_columns_only = false;
};

// The built-in steps; version 0 -> 1 creates the initial schema.
std::span<const Migration> schema_migrations();
// The schema version this build writes (the number of built-in steps).
int schema_version();
// The point_summary view of the current schema: every point with its campaign and workload, and
// every metric column in metric-table order (replaces the released steps' views when a store is
// opened for writing).
std::string point_summary_sql();

class ResultStore {
 public:
  enum class Mode { ReadWrite, ReadOnly };

  // How much of an existing file is verified on open (PRAGMA quick_check: every page and
  // record is well formed; integrity_check: also every index matches its table).
  enum class Verify { Auto, None, Quick, Full };  // Auto: Full for ReadWrite, None for ReadOnly

  struct Options {
    int busy_timeout_ms = 5000;  // wait for another writer this long, then fail
    // Migration steps (tests substitute their own); empty -> schema_migrations().
    std::span<const Migration> migrations;
    Verify verify = Verify::Auto;
    // ReadWrite: false refuses a file that is not yet a result store instead of creating the
    // schema in it (a command that only reads, but may migrate an older store).
    bool create = true;
  };

  // Opens (ReadWrite: creating if absent) and checks/migrates the database at `path`. Nothing is
  // changed in a file that is refused. ReadOnly opens with SQLite's mode=ro, and immutable=1 when
  // the file's directory cannot be written (a shared read-only mount): no -wal/-shm is created.
  // Creating the schema is safe when several processes open a new file at once.
  static ResultStore open(const std::filesystem::path& path, Mode mode = Mode::ReadWrite);
  static ResultStore open(const std::filesystem::path& path, Mode mode, const Options& options);

  ResultStore(ResultStore&&) noexcept;
  ResultStore& operator=(ResultStore&&) noexcept;
  ~ResultStore();

  const std::filesystem::path& path() const;
  int user_version() const;

  // Returns the id of the campaign (name, spec_hash), adding it if absent.
  std::int64_t add_campaign(const CampaignRecord& campaign);
  std::vector<CampaignRecord> campaigns() const;
  std::optional<CampaignRecord> find_campaign(const std::string& name) const;  // newest of name

  // Returns the id of the workload (campaign, content_hash), adding it and its layers if absent;
  // adding one marks every other workload of the campaign with the same workload_json superseded
  // (their files changed). A record without a content hash is an error.
  std::int64_t add_workload(const WorkloadRecord& workload,
                            const std::vector<WorkloadLayerRecord>& layers);
  std::vector<WorkloadRecord> workloads(std::int64_t campaign_id) const;
  std::vector<WorkloadLayerRecord> workload_layers(std::int64_t workload_id) const;

  bool has_point(std::int64_t campaign_id, std::int64_t workload_id,
                 const std::string& point_key) const;
  // Every point_key stored for (campaign, workload): what a resumed run skips.
  std::unordered_set<std::string> point_keys(std::int64_t campaign_id,
                                             std::int64_t workload_id) const;

  // Writes a point and its layer rows in one transaction. Returns false (writing nothing) when
  // the point (campaign, workload, point_key) is already stored.
  bool add_point(const PointRecord& point, const std::vector<LayerRecord>& layers);
  // Writes many points in one transaction; returns how many were new.
  std::size_t add_points(const std::vector<PointWithLayers>& batch);

  std::vector<PointRecord> points(std::int64_t campaign_id) const;  // by workload, point_key

  // Deletes the campaign's failed points whose reason is transient (written by bbs-dse before
  // 0.2, which stored "disk full while caching profile" as a failure), with their layer rows, so
  // that the run evaluates them again. Returns how many.
  std::int64_t drop_transient_failures(std::int64_t campaign_id);
  std::vector<LayerRecord> point_layers(std::int64_t point_id) const;

  // Cached engine profiles, keyed by weights hash + design needs.
  std::optional<std::string> cached_profile(const std::string& key) const;
  void store_profile(const std::string& key, const std::string& blob);

  // Writes an analysis and its layers in one transaction, replacing a stored one with the same
  // (network, weights_source, options_json): the same weights and options give the same rows.
  // Returns its id.
  std::int64_t add_analysis(const AnalysisRecord& analysis,
                            const std::vector<AnalysisLayerRecord>& layers);
  std::vector<AnalysisRecord> analyses() const;  // by id
  std::vector<AnalysisLayerRecord> analysis_layers(std::int64_t analysis_id) const;

  // Copies the campaigns, workloads, points, layer rows, cached profiles and analyses of a store
  // (same schema version) in one transaction, skipping points already present. A metric column
  // the shard lacks (written before the metric existed) is copied as NULL.
  MergeStats merge_from(const std::filesystem::path& shard);

  // Runs one read-only SQL statement (sqlite3_stmt_readonly) and returns its rows as text (the
  // `query --sql` command); a statement that writes anything, VACUUM INTO included, is refused.
  QueryResult sql(const std::string& query);

  // PRAGMA integrity_check; throws bbs::Error with its findings unless the file is sound.
  void check_integrity() const;

 private:
  struct Impl;
  explicit ResultStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bbs::dse
