#include "dse/result_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string_view>
#include <thread>
#include <utility>

#include "dse/store_impl.hpp"
#include "networks/tensor.hpp"

namespace bbs::dse {
namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::string now_utc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text.data();
}

// Turns a SQLite failure into a bbs::Error that names the file and what was expected.
[[noreturn]] void fail_sqlite(const fs::path& file, const std::string& doing,
                              const SQLite::Exception& e, int busy_timeout_ms) {
  const std::string where = quoted(file);
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_NOTADB:
      throw Error(where + " is not a SQLite database (" + e.what() +
                  "); expected a bbs-dse result store");
    case SQLITE_CORRUPT:
      throw Error(where + " is corrupt (" + std::string(e.what()) + ") while " + doing +
                  "; expected an intact bbs-dse result store: restore it from a copy or re-run "
                  "the campaign into a new file");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw TransientError(where + " is locked by another writer (waited " +
                           std::to_string(busy_timeout_ms) + " ms) while " + doing +
                           "; use one writer per database file (shard the campaign and merge)");
    case SQLITE_READONLY:
      throw Error(where + " cannot be written (" + std::string(e.what()) + ") while " + doing +
                  "; expected a writable file in a writable directory");
    case SQLITE_CANTOPEN:
      throw Error(where + " cannot be opened (" + std::string(e.what()) + ") while " + doing +
                  "; expected an existing directory and a readable file");
    case SQLITE_FULL:
      throw TransientError(where + ": disk full while " + doing);
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
      throw TransientError(where + ": I/O error while " + doing + " (" + e.what() + ")");
    default:
      throw Error(where + ": SQLite error while " + doing + ": " + e.what());
  }
}

namespace {

// The tables and views a store must hold once migrated, with the version that added each.
struct RequiredObject {
  const char* name;
  int since;
};
constexpr std::array kRequiredObjects = {
    RequiredObject{"campaign", 1},      RequiredObject{"workload", 1},
    RequiredObject{"layer", 1},         RequiredObject{"profile_cache", 1},
    RequiredObject{"design_point", 1},  RequiredObject{"layer_result", 1},
    RequiredObject{"point_summary", 1}, RequiredObject{"point_vs_baseline", 1},
    RequiredObject{"analysis", 2},      RequiredObject{"analysis_layer", 2},
    RequiredObject{"point_axes", 5}};

std::string hex32(std::int64_t value) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "0x%08llx",
                static_cast<unsigned long long>(static_cast<std::uint32_t>(value)));
  return text.data();
}

bool is_writable(const fs::path& path) {
  std::error_code ec;
  const fs::perms perms = fs::status(path, ec).permissions();
  if (ec) return false;
  constexpr fs::perms any_write =
      fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  if ((perms & any_write) == fs::perms::none) return false;  // also for root
  return ::access(path.c_str(), W_OK) == 0;
}

// A file: URI for sqlite3_open_v2 (https://sqlite.org/uri.html). ReadOnly: mode=ro, plus
// immutable=1 when the directory cannot be written, where SQLite could create neither the -shm
// nor the -wal file a WAL database needs even to be read.
std::string uri_of(const fs::path& path, ResultStore::Mode mode) {
  std::string uri = "file:";
  for (const unsigned char c : fs::absolute(path).string()) {
    if (std::isalnum(c) || std::string_view("/-_.~").find(char(c)) != std::string_view::npos) {
      uri += char(c);
    } else {
      std::array<char, 4> hex{};
      std::snprintf(hex.data(), hex.size(), "%%%02X", c);
      uri += hex.data();
    }
  }
  if (mode == ResultStore::Mode::ReadOnly) {
    const fs::path dir = fs::absolute(path).parent_path();
    uri += ::access(dir.c_str(), W_OK) == 0 ? "?mode=ro" : "?mode=ro&immutable=1";
  }
  return uri;
}

void check_point(const PointRecord& p) {
  if (p.point_key.empty()) throw Error("design point without a point_key");
  if (p.status == PointStatus::Failed) return;
  for (std::size_t i = 0; i < accel::metrics().size(); ++i) {
    const accel::Metric& m = accel::metrics()[i];
    const double value = p.metrics.values[i];
    if (m.has_none() && value == m.none_value) continue;
    if (m.may_be_unknown && std::isnan(value)) continue;  // unknown: stored as NULL
    if (!std::isfinite(value) || (value < 0 && !m.may_be_negative))
      throw Error("design point '" + p.point_key + "' (" + p.design + "): " + std::string(m.name) +
                  " = " + std::to_string(value) + "; expected a finite " +
                  (m.may_be_negative ? "" : "non-negative ") + "number" +
                  (m.has_none() ? ", or none" : "") + (m.may_be_unknown ? ", or unknown" : ""));
  }
}

constexpr const char* kPointIdentity =
    "id, campaign_id, workload_id, point_key, design, profile, hardware_json, status, error";
constexpr int kPointIdentityColumns = 9;

// Metric values from the columns after `first`, by `present` (the flagged metrics, in order): a
// failed point's NULL totals read as 0; a done point's NULL as the metric's none_value, or NaN
// (unknown: stored before the metric existed), and so is a column the store does not have.
MetricValues read_metrics(const SQLite::Statement& q, int first, const std::vector<char>& present,
                          bool failed) {
  MetricValues out;
  int column = first;
  for (std::size_t i = 0; i < present.size(); ++i) {
    const accel::Metric& m = accel::metrics()[i];
    const double null_value = failed         ? 0.0
                              : m.has_none() ? m.none_value
                                             : std::numeric_limits<double>::quiet_NaN();
    if (!present[i]) {
      out.values[i] = null_value;
      continue;
    }
    const SQLite::Column c = q.getColumn(column++);
    out.values[i] = c.isNull() ? null_value : c.getDouble();
  }
  return out;
}

PointRecord read_point(const SQLite::Statement& q, const std::vector<char>& present) {
  PointRecord p;
  p.id = q.getColumn(0).getInt64();
  p.campaign_id = q.getColumn(1).getInt64();
  p.workload_id = q.getColumn(2).getInt64();
  p.point_key = q.getColumn(3).getString();
  p.design = q.getColumn(4).getString();
  p.profile = q.getColumn(5).getString();
  p.hardware_json = q.getColumn(6).getString();
  p.status = q.getColumn(7).getString() == "failed" ? PointStatus::Failed : PointStatus::Done;
  p.error = q.getColumn(8).getString();
  p.metrics = read_metrics(q, kPointIdentityColumns, present, p.status == PointStatus::Failed);
  return p;
}

// Binds the flagged metrics from parameter `first` on; a metric's none_value binds NULL.
void bind_metrics(SQLite::Statement& q, int first, const std::vector<char>& writable,
                  const MetricValues& values) {
  int parameter = first;
  for (std::size_t i = 0; i < writable.size(); ++i) {
    if (!writable[i]) continue;
    const accel::Metric& m = accel::metrics()[i];
    const double value = values.values[i];
    if (std::isnan(value) || (m.has_none() && value == m.none_value))
      q.bind(parameter++);  // NULL
    else if (m.integer)
      q.bind(parameter++, static_cast<std::int64_t>(value));
    else
      q.bind(parameter++, value);
  }
}

std::string placeholders(const std::vector<char>& which) {
  std::string text;
  for (const char flag : which)
    if (flag) text += ", ?";
  return text;
}

}  // namespace

void ResultStore::Impl::initialise(std::span<const Migration> migrations, const Options& options) {
  // Everything is checked before anything is written (journal mode, schema): a refused file is
  // left as it was.
  const int target = static_cast<int>(migrations.size());
  db.exec("PRAGMA foreign_keys = ON");
  // The header and the object list are read in one snapshot: another process creating the
  // schema at the same time is seen before or after a step, never half-way (its objects without
  // its application_id).
  std::int64_t app_id = 0;
  std::string objects;
  {
    SQLite::Transaction snapshot(db);
    // The first read of the file: a non-SQLite file fails here with SQLITE_NOTADB.
    app_id = db.execAndGet("PRAGMA application_id").getInt64();
    version = db.execAndGet("PRAGMA user_version").getInt();
    SQLite::Statement q(db,
                        "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' "
                        "ORDER BY name LIMIT 6");
    while (q.executeStep()) objects += (objects.empty() ? "" : ", ") + q.getColumn(0).getString();
    snapshot.commit();
  }
  if (app_id != kApplicationId) {
    if (app_id != 0 || version != 0 || !objects.empty())
      throw Error(quoted(path) + " is a SQLite database of another application (application_id " +
                  hex32(app_id) + ", objects: " + (objects.empty() ? "none" : objects) +
                  "), not a bbs-dse result store (application_id " + hex32(kApplicationId) +
                  "); the file was left untouched");
    if (mode == Mode::ReadOnly || !options.create)
      throw Error(quoted(path) + " is an empty SQLite database, not a bbs-dse result store " +
                  "(make one with bbs-dse run); the file was left untouched");
  }
  if (version > target)
    throw Error(quoted(path) + " has schema version " + std::to_string(version) +
                ", newer than this bbs-dse knows (schema version " + std::to_string(target) +
                "); use a newer bbs-dse to read it");
  if (version > 0) {
    check_objects();
    const Verify how = options.verify != Verify::Auto ? options.verify
                       : mode == Mode::ReadWrite      ? Verify::Full
                                                      : Verify::None;
    if (how != Verify::None) verify(how == Verify::Full);
  }
  if (version < target && mode == Mode::ReadOnly && !reads_as(migrations, version, target))
    throw Error(quoted(path) + " has schema version " + std::to_string(version) +
                ", older than this bbs-dse's (schema version " + std::to_string(target) +
                "); open it read-write once to migrate it (bbs-dse plot or run on a writable "
                "copy)");
  if (mode == Mode::ReadWrite) {
    const std::string journal = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (journal != "wal")
      throw Error(quoted(path) + ": could not switch to WAL journal mode (got '" + journal +
                  "'); expected a local file system that supports WAL");
    db.exec("PRAGMA synchronous = FULL");
    if (version < target) {
      migrate(migrations, target);
      check_objects();
    }
    if (options.migrations.empty()) {  // the built-in schema: its metric columns and view
      SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
      sync_metric_columns(db);
      transaction.commit();
    }
  }
  point_columns = metric_columns(db, "main", "design_point");
  layer_columns = metric_columns(db, "main", "layer_result");
}

// The tables and views of this version must all be there.
void ResultStore::Impl::check_objects() const {
  for (const auto& [name, since] : kRequiredObjects) {
    if (since > version) continue;
    SQLite::Statement q(db, "SELECT count(*) FROM sqlite_schema WHERE name = ?");
    q.bind(1, name);
    q.executeStep();
    if (q.getColumn(0).getInt() == 0)
      throw Error(quoted(path) + " claims to be a bbs-dse result store (schema version " +
                  std::to_string(version) + ") but has no '" + name +
                  "'; expected every table and view of docs/database.md");
  }
}

void ResultStore::Impl::verify(bool full) const {
  const char* pragma = full ? "integrity_check" : "quick_check";
  SQLite::Statement q(db, std::string("PRAGMA ") + pragma + "(20)");
  std::string findings;
  while (q.executeStep()) {
    const std::string line = q.getColumn(0).getString();
    if (line != "ok") findings += "\n  " + line;
  }
  if (!findings.empty())
    throw Error(quoted(path) + " is damaged (PRAGMA " + pragma + "); expected an intact " +
                "bbs-dse result store: restore it from a copy, or re-run the campaign into a new "
                "file. Findings:" +
                findings);
}

// One step per transaction. Several processes may open a new file at once: each step re-reads
// the version inside its (IMMEDIATE, so exclusive) transaction and skips what another applied.
// Foreign keys are off while the steps run, so a step may rebuild a table that others reference
// (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"); each step
// commits only if every reference still holds.
void ResultStore::Impl::migrate(std::span<const Migration> migrations, int target) {
  db.exec("PRAGMA foreign_keys = OFF");
  struct ForeignKeysBackOn {
    SQLite::Database& db;
    ~ForeignKeysBackOn() {
      try {
        db.exec("PRAGMA foreign_keys = ON");
      } catch (...) {  // NOLINT(bugprone-empty-catch): the connection is unusable anyway
      }
    }
  } back_on{db};
  while (version < target) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    version = db.execAndGet("PRAGMA user_version").getInt();
    if (version >= target) break;
    const Migration& step = migrations[static_cast<std::size_t>(version)];
    if (step.from != version)
      throw Error("schema migration list out of order: step " + std::to_string(version) +
                  " migrates from version " + std::to_string(step.from));
    try {
      db.exec(step.sql);
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_ERROR) throw;  // locks, I/O: translated by the caller
      throw Error(quoted(path) + ": cannot migrate schema version " + std::to_string(version) +
                  " to " + std::to_string(version + 1) + " (" + e.what() +
                  "); expected an intact bbs-dse result store of version " +
                  std::to_string(version));
    }
    {
      SQLite::Statement broken(db, "PRAGMA foreign_key_check");
      if (broken.executeStep())
        throw Error(quoted(path) + ": migrating schema version " + std::to_string(version) +
                    " to " + std::to_string(version + 1) + " breaks a reference of table '" +
                    broken.getColumn(0).getString() + "'; expected an intact bbs-dse result store");
    }
    if (version == 0) db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(version + 1));
    transaction.commit();
    ++version;
  }
}

bool ResultStore::Impl::write_point(const PointRecord& p, const std::vector<LayerRecord>& layers) {
  check_point(p);
  if (!insert_point)
    insert_point.emplace(
        db,
        "INSERT INTO design_point (campaign_id, workload_id, point_key, design, profile, "
        "hardware_json, status, error" +
            column_list(point_columns.writable, "") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?" +
            placeholders(point_columns.writable) +
            ") ON CONFLICT (campaign_id, workload_id, point_key) DO NOTHING");
  if (!insert_layer)
    insert_layer.emplace(db, "INSERT INTO layer_result (point_id, layer_idx, name" +
                                 column_list(layer_columns.writable, "") + ") VALUES (?, ?, ?" +
                                 placeholders(layer_columns.writable) + ")");
  SQLite::Statement& q = *insert_point;
  q.reset();
  q.clearBindings();
  const bool done = p.status == PointStatus::Done;
  q.bind(1, p.campaign_id);
  q.bind(2, p.workload_id);
  q.bind(3, p.point_key);
  q.bind(4, p.design);
  q.bind(5, p.profile);
  q.bind(6, p.hardware_json);
  q.bind(7, done ? "done" : "failed");
  if (!p.error.empty()) q.bind(8, p.error);
  if (done) bind_metrics(q, 9, point_columns.writable, p.metrics);
  q.exec();
  if (db.getChanges() == 0) return false;
  const std::int64_t point_id = db.getLastInsertRowid();
  SQLite::Statement& l = *insert_layer;
  for (const LayerRecord& layer : layers) {
    l.reset();
    l.bind(1, point_id);
    l.bind(2, layer.layer_idx);
    l.bind(3, layer.name);
    bind_metrics(l, 4, layer_columns.writable, layer.metrics);
    l.exec();
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

ResultStore::ResultStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResultStore::ResultStore(ResultStore&&) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&&) noexcept = default;
ResultStore::~ResultStore() = default;

ResultStore ResultStore::open(const fs::path& path, Mode mode) {
  return open(path, mode, Options{});
}

ResultStore ResultStore::open(const fs::path& path, Mode mode, const Options& options) {
  const std::span<const Migration> migrations =
      options.migrations.empty() ? schema_migrations() : options.migrations;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (exists && !fs::is_regular_file(path, ec))
    throw Error(quoted(path) + " is not a regular file; expected a bbs-dse result store");
  if (!exists && mode == Mode::ReadOnly)
    throw Error(quoted(path) + " does not exist; expected a bbs-dse result store");
  if (!exists && !path.parent_path().empty() && !fs::is_directory(path.parent_path(), ec))
    throw Error(quoted(path) + ": directory " + quoted(path.parent_path()) +
                " does not exist; expected an existing directory for the result store");
  if (exists && mode == Mode::ReadWrite && !is_writable(path))
    throw Error(quoted(path) +
                " is a read-only file; cannot open it for writing (open it read-only to query, "
                "or make it writable)");
  const int flags =
      SQLite::OPEN_URI | (mode == Mode::ReadOnly ? SQLite::OPEN_READONLY
                                                 : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  // SQLite returns SQLITE_BUSY at once, without its busy handler, where waiting could deadlock
  // (another process switching a new file to WAL, a snapshot that another writer moved past):
  // such an open starts again on a fresh connection until the busy timeout has passed.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
  for (int attempt = 0;; ++attempt) {
    try {
      auto impl = std::make_unique<Impl>(path, uri_of(path, mode), mode, options, flags);
      impl->initialise(migrations, options);
      return ResultStore(std::move(impl));
    } catch (const SQLite::Exception& e) {
      const int code = e.getErrorCode() & 0xff;
      const bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
      if (!busy || std::chrono::steady_clock::now() >= deadline)
        fail_sqlite(path, "opening the result store", e, options.busy_timeout_ms);
      std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 6)));
    }
  }
}

const fs::path& ResultStore::path() const { return impl_->path; }
int ResultStore::user_version() const { return impl_->version; }

std::int64_t ResultStore::add_campaign(const CampaignRecord& c) {
  impl_->require_writable("add a campaign");
  return impl_->guard("adding campaign '" + c.name + "'", [&] {
    SQLite::Database& db = impl_->db;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(db,
                             "INSERT INTO campaign (name, spec_text, spec_hash, tool_version, "
                             "git_revision, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (name, spec_hash) DO NOTHING");
    insert.bind(1, c.name);
    insert.bind(2, c.spec_text);
    insert.bind(3, c.spec_hash);
    insert.bind(4, c.tool_version);
    insert.bind(5, c.git_revision);
    insert.bind(6, c.created_at.empty() ? now_utc() : c.created_at);
    insert.exec();
    SQLite::Statement find(db, "SELECT id FROM campaign WHERE name = ? AND spec_hash = ?");
    find.bind(1, c.name);
    find.bind(2, c.spec_hash);
    find.executeStep();
    const std::int64_t id = find.getColumn(0).getInt64();
    transaction.commit();
    return id;
  });
}

namespace {
CampaignRecord read_campaign(const SQLite::Statement& q) {
  CampaignRecord c;
  c.id = q.getColumn(0).getInt64();
  c.name = q.getColumn(1).getString();
  c.spec_text = q.getColumn(2).getString();
  c.spec_hash = q.getColumn(3).getString();
  c.tool_version = q.getColumn(4).getString();
  c.git_revision = q.getColumn(5).getString();
  c.created_at = q.getColumn(6).getString();
  return c;
}
constexpr const char* kCampaignColumns =
    "id, name, spec_text, spec_hash, tool_version, git_revision, created_at";
}  // namespace

std::vector<CampaignRecord> ResultStore::campaigns() const {
  return impl_->guard("listing campaigns", [&] {
    SQLite::Statement q(impl_->db,
                        std::string("SELECT ") + kCampaignColumns + " FROM campaign ORDER BY id");
    std::vector<CampaignRecord> out;
    while (q.executeStep()) out.push_back(read_campaign(q));
    return out;
  });
}

std::optional<CampaignRecord> ResultStore::find_campaign(const std::string& name) const {
  return impl_->guard("looking up campaign '" + name + "'", [&] {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kCampaignColumns +
                                       " FROM campaign WHERE name = ? "
                                       "ORDER BY created_at DESC, id DESC LIMIT 1");
    q.bind(1, name);
    std::optional<CampaignRecord> out;
    if (q.executeStep()) out = read_campaign(q);
    return out;
  });
}

std::int64_t ResultStore::add_workload(const WorkloadRecord& w,
                                       const std::vector<WorkloadLayerRecord>& layers) {
  impl_->require_writable("add a workload");
  if (w.content_hash.empty())
    throw Error(quoted(impl_->path) + ": workload '" + w.network +
                "' has no content hash; expected the hash of its files and options");
  return impl_->guard("adding workload '" + w.network + "'", [&] {
    SQLite::Database& db = impl_->db;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(db,
                           "SELECT id FROM workload WHERE campaign_id = ? AND content_hash = ?");
    find.bind(1, w.campaign_id);
    find.bind(2, w.content_hash);
    if (find.executeStep()) return find.getColumn(0).getInt64();
    SQLite::Statement insert(db,
                             "INSERT INTO workload (campaign_id, network, weights_source, "
                             "synthetic, workload_json, content_hash, weights_origin, "
                             "act_stats_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, w.campaign_id);
    insert.bind(2, w.network);
    insert.bind(3, w.weights_source);
    insert.bind(4, w.synthetic ? 1 : 0);
    insert.bind(5, w.workload_json);
    insert.bind(6, w.content_hash);
    insert.bind(7, w.weights_origin);
    insert.bind(8, w.act_stats_source);
    insert.exec();
    const std::int64_t id = db.getLastInsertRowid();
    // The same description with other content: the files changed since; keep those rows, flagged.
    SQLite::Statement supersede(db,
                                "UPDATE workload SET superseded = 1 WHERE campaign_id = ? AND "
                                "workload_json = ? AND id != ?");
    supersede.bind(1, w.campaign_id);
    supersede.bind(2, w.workload_json);
    supersede.bind(3, id);
    supersede.exec();
    SQLite::Statement layer(db,
                            "INSERT INTO layer (workload_id, idx, name, kind, macs, weights, "
                            "act_density, act_stats_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const WorkloadLayerRecord& l : layers) {
      layer.reset();
      layer.bind(1, id);
      layer.bind(2, l.idx);
      layer.bind(3, l.name);
      layer.bind(4, l.kind);
      layer.bind(5, l.macs);
      layer.bind(6, l.weights);
      if (l.act_density)
        layer.bind(7, *l.act_density);
      else
        layer.bind(7);
      layer.bind(8, l.act_stats_source);
      layer.exec();
    }
    transaction.commit();
    return id;
  });
}

std::vector<WorkloadRecord> ResultStore::workloads(std::int64_t campaign_id) const {
  return impl_->guard("listing workloads", [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT id, campaign_id, network, weights_source, synthetic, "
                        "workload_json, content_hash, superseded, weights_origin, coalesce(" +
                            column_or_null(impl_->db, "main", "workload", "act_stats_source") +
                            ", '') FROM workload WHERE campaign_id = ? ORDER BY id");
    q.bind(1, campaign_id);
    std::vector<WorkloadRecord> out;
    while (q.executeStep()) {
      WorkloadRecord w;
      w.id = q.getColumn(0).getInt64();
      w.campaign_id = q.getColumn(1).getInt64();
      w.network = q.getColumn(2).getString();
      w.weights_source = q.getColumn(3).getString();
      w.synthetic = q.getColumn(4).getInt() != 0;
      w.workload_json = q.getColumn(5).getString();
      w.content_hash = q.getColumn(6).getString();  // "" for rows stored before schema 4
      w.superseded = q.getColumn(7).getInt() != 0;
      w.weights_origin = q.getColumn(8).getString();
      w.act_stats_source = q.getColumn(9).getString();
      out.push_back(std::move(w));
    }
    return out;
  });
}

std::vector<WorkloadLayerRecord> ResultStore::workload_layers(std::int64_t workload_id) const {
  return impl_->guard("listing workload layers", [&] {
    SQLite::Statement q(
        impl_->db, "SELECT idx, name, kind, macs, weights, " +
                       column_or_null(impl_->db, "main", "layer", "act_density") + ", coalesce(" +
                       column_or_null(impl_->db, "main", "layer", "act_stats_source") +
                       ", '') FROM layer WHERE workload_id = ? ORDER BY idx");
    q.bind(1, workload_id);
    std::vector<WorkloadLayerRecord> out;
    while (q.executeStep()) {
      WorkloadLayerRecord l;
      l.idx = q.getColumn(0).getInt();
      l.name = q.getColumn(1).getString();
      l.kind = q.getColumn(2).getString();
      l.macs = q.getColumn(3).getInt64();
      l.weights = q.getColumn(4).getInt64();
      if (!q.getColumn(5).isNull()) l.act_density = q.getColumn(5).getDouble();
      l.act_stats_source = q.getColumn(6).getString();
      out.push_back(std::move(l));
    }
    return out;
  });
}

bool ResultStore::has_point(std::int64_t campaign_id, std::int64_t workload_id,
                            const std::string& point_key) const {
  return impl_->guard("looking up a design point", [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT 1 FROM design_point WHERE campaign_id = ? AND workload_id = ? "
                        "AND point_key = ?");
    q.bind(1, campaign_id);
    q.bind(2, workload_id);
    q.bind(3, point_key);
    return q.executeStep();
  });
}

std::unordered_set<std::string> ResultStore::point_keys(std::int64_t campaign_id,
                                                        std::int64_t workload_id) const {
  return impl_->guard("listing stored design points", [&] {
    SQLite::Statement q(impl_->db,
                        "SELECT point_key FROM design_point WHERE campaign_id = ? AND "
                        "workload_id = ?");
    q.bind(1, campaign_id);
    q.bind(2, workload_id);
    std::unordered_set<std::string> out;
    while (q.executeStep()) out.insert(q.getColumn(0).getString());
    return out;
  });
}

bool ResultStore::add_point(const PointRecord& point, const std::vector<LayerRecord>& layers) {
  impl_->require_writable("add a design point");
  return impl_->guard("writing design point '" + point.point_key + "'", [&] {
    SQLite::Transaction transaction(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
    const bool added = impl_->write_point(point, layers);
    transaction.commit();
    return added;
  });
}

std::size_t ResultStore::add_points(const std::vector<PointWithLayers>& batch) {
  impl_->require_writable("add design points");
  return impl_->guard("writing a batch of " + std::to_string(batch.size()) + " design points", [&] {
    SQLite::Transaction transaction(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
    std::size_t added = 0;
    for (const PointWithLayers& p : batch) added += impl_->write_point(p.point, p.layers) ? 1 : 0;
    transaction.commit();
    return added;
  });
}

std::vector<PointRecord> ResultStore::points(std::int64_t campaign_id) const {
  return impl_->guard("reading design points", [&] {
    const std::vector<char>& present = impl_->point_columns.present;
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kPointIdentity +
                                       column_list(present, "") +
                                       " FROM design_point WHERE campaign_id = ? "
                                       "ORDER BY workload_id, point_key");
    q.bind(1, campaign_id);
    std::vector<PointRecord> out;
    while (q.executeStep()) out.push_back(read_point(q, present));
    return out;
  });
}

std::int64_t ResultStore::drop_transient_failures(std::int64_t campaign_id) {
  impl_->require_writable("retry transient failures");
  return impl_->guard("dropping transient failures", [&] {
    // The phrases fail_sqlite writes for a full disk, a lock and an I/O error (earlier versions
    // wrote an I/O error as "SQLite error while ...: disk I/O error").
    SQLite::Statement q(impl_->db,
                        "DELETE FROM design_point WHERE campaign_id = ? AND status = 'failed' AND "
                        "(error LIKE '%: disk full while %' OR error LIKE "
                        "'% is locked by another writer %' OR error LIKE '%: I/O error while %' "
                        "OR error LIKE '%disk I/O error%')");
    q.bind(1, campaign_id);
    return std::int64_t(q.exec());
  });
}

std::vector<LayerRecord> ResultStore::point_layers(std::int64_t point_id) const {
  return impl_->guard("reading layer results", [&] {
    const std::vector<char>& present = impl_->layer_columns.present;
    SQLite::Statement q(impl_->db, "SELECT layer_idx, name" + column_list(present, "") +
                                       " FROM layer_result WHERE point_id = ? ORDER BY layer_idx");
    q.bind(1, point_id);
    std::vector<LayerRecord> out;
    while (q.executeStep()) {
      LayerRecord l;
      l.layer_idx = q.getColumn(0).getInt();
      l.name = q.getColumn(1).getString();
      l.metrics = read_metrics(q, 2, present, false);
      out.push_back(std::move(l));
    }
    return out;
  });
}

std::optional<std::string> ResultStore::cached_profile(const std::string& key) const {
  return impl_->guard("reading cached profile '" + key + "'", [&] {
    SQLite::Statement q(impl_->db, "SELECT blob FROM profile_cache WHERE key = ?");
    q.bind(1, key);
    std::optional<std::string> out;
    if (q.executeStep()) {
      const SQLite::Column blob = q.getColumn(0);
      out.emplace(static_cast<const char*>(blob.getBlob()),
                  static_cast<std::size_t>(blob.getBytes()));
    }
    return out;
  });
}

void ResultStore::store_profile(const std::string& key, const std::string& blob) {
  impl_->require_writable("cache a profile");
  impl_->guard("caching profile '" + key + "'", [&] {
    SQLite::Statement q(impl_->db,
                        "INSERT INTO profile_cache (key, blob, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET blob = excluded.blob, "
                        "created_at = excluded.created_at");
    q.bind(1, key);
    q.bind(2, blob.data(), static_cast<int>(blob.size()));
    q.bind(3, now_utc());
    q.exec();
  });
}

QueryResult ResultStore::sql(const std::string& query) {
  return impl_->guard("running the query", [&] {
    // One statement only: SQLite would silently ignore everything after the first.
    sqlite3_stmt* probe = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(impl_->db.getHandle(), query.c_str(),
                                      static_cast<int>(query.size()), &probe, &tail);
    const bool empty = probe == nullptr;
    const bool read_only = empty || sqlite3_stmt_readonly(probe) != 0;
    sqlite3_finalize(probe);
    if (rc != SQLITE_OK)
      throw Error(quoted(impl_->path) + ": invalid query (" +
                  sqlite3_errmsg(impl_->db.getHandle()) + "): " + query);
    if (empty)
      throw Error(quoted(impl_->path) + ": expected one SQL statement, got none (only spaces or " +
                  "comments): " + query);
    for (const char* c = tail; c != nullptr && *c != '\0'; ++c)
      if (!std::isspace(static_cast<unsigned char>(*c)) && *c != ';')
        throw Error(quoted(impl_->path) + ": expected one SQL statement, got more: " + query);
    if (!read_only)
      throw Error(quoted(impl_->path) + ": expected a read-only statement (SELECT, read-only " +
                  "PRAGMA), got one that writes: " + query);
    SQLite::Statement q(impl_->db, query);
    QueryResult out;
    for (int i = 0; i < q.getColumnCount(); ++i) out.columns.emplace_back(q.getColumnName(i));
    while (q.executeStep()) {
      std::vector<std::string> row;
      row.reserve(out.columns.size());
      for (int i = 0; i < q.getColumnCount(); ++i) {
        const SQLite::Column column = q.getColumn(i);
        if (column.isNull())
          row.emplace_back("NULL");
        else if (column.isBlob())
          row.push_back("<blob " + std::to_string(column.getBytes()) + " bytes>");
        else
          row.emplace_back(column.getText());
      }
      out.rows.push_back(std::move(row));
    }
    return out;
  });
}

void ResultStore::check_integrity() const {
  impl_->guard("checking integrity", [&] { impl_->verify(true); });
}

}  // namespace bbs::dse
