// The SQLite result store: schema, round trips, views, merge, and the failure modes of a file
// on disk (foreign, newer, older, read-only, locked, corrupt, writer killed mid-write).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dse/result_store.hpp"
#include "model/accel/metrics.hpp"
#include "networks/tensor.hpp"
#include "tests/test_util.hpp"

namespace bbs::dse {
namespace {

namespace fs = std::filesystem;
using bbs::test::TempDir;
using Mode = ResultStore::Mode;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

using bbs::test::expect_error;

CampaignRecord campaign(const std::string& name = "sweep", const std::string& hash = "abc123") {
  CampaignRecord c;
  c.name = name;
  c.spec_text = "[space]\narray.rows = [8, 16]\n";
  c.spec_hash = hash;
  c.tool_version = "0.1.0";
  c.git_revision = "deadbeef";
  return c;
}

WorkloadRecord workload(std::int64_t campaign_id, const std::string& network = "resnet20") {
  WorkloadRecord w;
  w.campaign_id = campaign_id;
  w.network = network;
  w.weights_source = "data/weights/resnet20.safetensors";
  w.synthetic = false;
  w.workload_json = R"({"layers":3})";
  w.content_hash = "content-of-" + network;
  w.weights_origin = "float, quantized per channel";
  return w;
}

std::vector<WorkloadLayerRecord> workload_layers(int n) {
  std::vector<WorkloadLayerRecord> layers;
  for (int i = 0; i < n; ++i)
    layers.push_back(
        {i, "conv" + std::to_string(i), "conv", 1000 * (i + 1), 100 * (i + 1), std::nullopt, ""});
  return layers;
}

AnalysisRecord analysis(const std::string& options_json) {
  AnalysisRecord a;
  a.network = "resnet20";
  a.weights_source = "data/weights/resnet20.safetensors";
  a.method = "zero-point";
  a.columns = 4;
  a.group_size = 32;
  a.options_json = options_json;
  a.weights = 1000;
  a.bits_per_weight = 5.1;
  a.bits_per_weight_no_metadata = 4.9;
  a.size_reduction = 8 / 5.1;
  a.mse = 1.5;
  a.sqnr_db = options_json.find("\"columns\":2") == std::string::npos
                  ? std::optional<double>(30.0)
                  : std::optional<double>(std::numeric_limits<double>::infinity());
  a.tool_version = "test";
  a.git_revision = "abc";
  return a;
}

std::vector<AnalysisLayerRecord> analysis_layers(int n) {
  std::vector<AnalysisLayerRecord> layers;
  for (int i = 0; i < n; ++i)
    layers.push_back({i, "conv" + std::to_string(i), 500, 32, 0.01, 0.5, 0.55, 0.6 + 0.05 * i, 0.7,
                      5.0, 1.0, 29.0});
  return layers;
}

PointRecord point(std::int64_t campaign_id, std::int64_t workload_id, const std::string& key,
                  const std::string& design = "bitvert", double time_s = 1.0,
                  const std::string& profile = "corrected") {
  PointRecord p;
  p.campaign_id = campaign_id;
  p.workload_id = workload_id;
  p.point_key = key;
  p.design = design;
  p.profile = profile;
  p.hardware_json = R"({"array.rows":16})";
  p.metrics.set("weight_sqnr_db", 21.5);
  p.metrics.set("bits_per_weight", 4.5);
  p.metrics.set("compute_cycles", 900);
  p.metrics.set("dram_cycles", 100);
  p.metrics.set("total_cycles", 1000 * time_s);
  p.metrics.set("time_s", time_s);
  p.metrics.set("energy_pe_pj", 10);
  p.metrics.set("energy_registers_pj", 2);
  p.metrics.set("energy_sram_read_pj", 3);
  p.metrics.set("energy_sram_write_pj", 4);
  p.metrics.set("energy_dram_pj", 5);
  p.metrics.set("energy_pj", 24 * time_s);
  p.metrics.set("area_mm2", 1.5);
  p.metrics.set("useful_fraction", 0.5);
  p.metrics.set("intra_pe_stall_fraction", 0.25);
  p.metrics.set("inter_pe_stall_fraction", 0.25);
  return p;
}

std::vector<LayerRecord> layers(int n) {
  std::vector<LayerRecord> out;
  for (int i = 0; i < n; ++i) {
    LayerRecord l;
    l.layer_idx = i;
    l.name = "conv" + std::to_string(i);
    l.metrics.set("compute_cycles", 10.0 * i);
    l.metrics.set("dram_cycles", 1);
    l.metrics.set("total_cycles", 10.0 * i + 1);
    l.metrics.set("energy_pe_pj", 1);
    l.metrics.set("energy_registers_pj", 2);
    l.metrics.set("energy_sram_read_pj", 3);
    l.metrics.set("energy_sram_write_pj", 4);
    l.metrics.set("energy_dram_pj", 5);
    l.metrics.set("weight_dram_bytes", 64);
    l.metrics.set("input_dram_bytes", 32);
    l.metrics.set("output_dram_bytes", 16);
    out.push_back(l);
  }
  return out;
}

std::string scalar(ResultStore& store, const std::string& query) {
  const QueryResult r = store.sql(query);
  EXPECT_EQ(r.rows.size(), 1u) << query;
  return r.rows.empty() ? "" : r.rows.front().front();
}

// ----------------------------------------------------------------------------- schema, round trip

TEST(DseStore, CreatesWalStrictSchemaWithApplicationIdAndVersion) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  { ResultStore store = ResultStore::open(path); }
  SQLite::Database raw(path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(raw.execAndGet("PRAGMA application_id").getInt(), kApplicationId);
  EXPECT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), schema_version());
  EXPECT_EQ(schema_version(), 6);
  SQLite::Statement tables(raw, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'");
  int count = 0;
  while (tables.executeStep()) {
    ++count;
    EXPECT_NE(tables.getColumn(1).getString().find("STRICT"), std::string::npos)
        << tables.getColumn(0).getString();
  }
  EXPECT_EQ(count, 8);
}

TEST(DseStore, RoundTripsPointsAndLayersAndEnforcesForeignKeys) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  EXPECT_EQ(store.add_campaign(campaign()), c);  // same name + spec_hash: same campaign
  EXPECT_NE(store.add_campaign(campaign("sweep", "other")), c);
  ASSERT_TRUE(store.find_campaign("sweep").has_value());
  EXPECT_EQ(store.campaigns().size(), 2u);

  const std::int64_t w = store.add_workload(workload(c), workload_layers(3));
  EXPECT_EQ(store.add_workload(workload(c), workload_layers(3)), w);  // same content: same one
  WorkloadRecord unhashed = workload(c);
  unhashed.content_hash.clear();
  expect_error([&] { store.add_workload(unhashed, {}); }, {"r.db", "no content hash"});
  EXPECT_EQ(store.workload_layers(w).size(), 3u);
  ASSERT_EQ(store.workloads(c).size(), 1u);
  EXPECT_EQ(store.workloads(c)[0].content_hash, "content-of-resnet20");
  EXPECT_EQ(store.workloads(c)[0].weights_origin, "float, quantized per channel");
  EXPECT_FALSE(store.workloads(c)[0].superseded);
  // Foreign keys are on: a workload of a campaign that does not exist is refused.
  expect_error([&] { store.add_workload(workload(999), {}); }, {"r.db", "FOREIGN KEY"});

  EXPECT_FALSE(store.has_point(c, w, "rows=16"));
  EXPECT_TRUE(store.add_point(point(c, w, "rows=16"), layers(3)));
  EXPECT_FALSE(store.add_point(point(c, w, "rows=16"), layers(3)));  // already stored
  EXPECT_TRUE(store.has_point(c, w, "rows=16"));
  EXPECT_EQ(store.point_keys(c, w).count("rows=16"), 1u);

  const std::vector<PointRecord> points = store.points(c);
  ASSERT_EQ(points.size(), 1u);
  const PointRecord& p = points.front();
  EXPECT_EQ(p.point_key, "rows=16");
  EXPECT_EQ(p.design, "bitvert");
  EXPECT_EQ(p.profile, "corrected");
  EXPECT_EQ(p.status, PointStatus::Done);
  EXPECT_DOUBLE_EQ(p.metrics.get("total_cycles"), 1000);
  EXPECT_DOUBLE_EQ(p.metrics.get("energy_pj"), 24);
  EXPECT_DOUBLE_EQ(p.metrics.get("edp"), 24);  // energy * time, computed by the database
  EXPECT_DOUBLE_EQ(p.metrics.get("inter_pe_stall_fraction"), 0.25);
  EXPECT_DOUBLE_EQ(p.metrics.get("bits_per_weight"), 4.5);
  EXPECT_EQ(p.metrics.get("weight_sqnr_db"), 21.5);
  PointRecord unpruned = point(c, w, "rows=32");
  unpruned.metrics.set("weight_sqnr_db", std::numeric_limits<double>::infinity());  // unchanged
  store.add_point(unpruned, {});
  EXPECT_EQ(store.points(c).back().metrics.get("weight_sqnr_db"),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM design_point WHERE weight_sqnr_db IS NULL"), "1");
  PointRecord bad = point(c, w, "rows=64");
  bad.metrics.set("weight_sqnr_db", std::numeric_limits<double>::quiet_NaN());
  expect_error([&] { store.add_point(bad, {}); }, {"weight_sqnr_db", "finite"});
  const std::vector<LayerRecord> stored = store.point_layers(p.id);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[2].name, "conv2");
  EXPECT_DOUBLE_EQ(stored[2].metrics.get("total_cycles"), 21);
  EXPECT_DOUBLE_EQ(stored[2].metrics.get("energy_pj"), 15);
  EXPECT_DOUBLE_EQ(stored[2].metrics.get("weight_dram_bytes"), 64);
}

TEST(DseStore, FailedPointsKeepTheirErrorAndNullTotals) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t w = store.add_workload(workload(c), {});
  PointRecord failed = point(c, w, "rows=0");
  failed.status = PointStatus::Failed;
  failed.error = "array.rows must be positive";
  EXPECT_TRUE(store.add_point(failed, {}));
  EXPECT_EQ(scalar(store,
                   "SELECT status || ':' || error || ':' || "
                   "coalesce(total_cycles, 'null') FROM design_point"),
            "failed:array.rows must be positive:null");
  EXPECT_EQ(store.points(c).front().status, PointStatus::Failed);
}

TEST(DseStore, RejectsNegativeOrNonFiniteTotals) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t w = store.add_workload(workload(c), {});
  PointRecord bad = point(c, w, "k");
  bad.metrics.set("energy_dram_pj", -1);
  expect_error([&] { store.add_point(bad, {}); }, {"energy_dram_pj", "non-negative"});
  bad = point(c, w, "k");
  bad.metrics.set("time_s", std::numeric_limits<double>::quiet_NaN());
  expect_error([&] { store.add_point(bad, {}); }, {"time_s"});
  EXPECT_TRUE(store.points(c).empty());
}

// Before: a point with an unknown area (area.pe_um2 = 0: NaN) was refused, or stored a made-up 0.
TEST(DseStore, UnknownValuesOfMetricsThatMayBeUnknownAreStoredAsNull) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t w = store.add_workload(workload(c), {});
  PointRecord p = point(c, w, "accel=ant", "ant");
  int flagged = 0;
  for (const accel::Metric& m : accel::metrics())
    if (m.may_be_unknown) {
      p.metrics.set(m.name, std::numeric_limits<double>::quiet_NaN());
      ++flagged;
    }
  ASSERT_GT(flagged, 0);
  EXPECT_TRUE(store.add_point(p, {}));
  const PointRecord back = store.points(c).front();
  for (const accel::Metric& m : accel::metrics())
    if (m.may_be_unknown) {
      EXPECT_TRUE(std::isnan(back.metrics.get(m.name))) << m.name;
      EXPECT_EQ(scalar(store, "SELECT " + std::string(m.name) + " IS NULL FROM design_point"), "1")
          << m.name;
    }
  EXPECT_EQ(scalar(store, "SELECT area_mm2 IS NULL FROM point_summary"), "1");
}

TEST(DseStore, AddPointsWritesABatchInOneTransaction) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t w = store.add_workload(workload(c), {});
  ASSERT_TRUE(store.add_point(point(c, w, "k0"), layers(2)));
  std::vector<PointWithLayers> batch;
  for (int i = 0; i < 10; ++i) batch.push_back({point(c, w, "k" + std::to_string(i)), layers(4)});
  EXPECT_EQ(store.add_points(batch), 9u);  // k0 was already there
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM layer_result"), "38");
  // A bad point anywhere in a batch rolls back the whole batch.
  std::vector<PointWithLayers> bad_batch = {{point(c, w, "x1"), layers(2)},
                                            {point(c, w, "x2"), layers(2)}};
  bad_batch[1].point.metrics.set("area_mm2", -5);
  EXPECT_THROW(store.add_points(bad_batch), Error);
  EXPECT_FALSE(store.has_point(c, w, "x1"));
}

TEST(DseStore, CachesProfilesAsBinaryBlobs) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  EXPECT_FALSE(store.cached_profile("w:abc|g16").has_value());
  const std::string blob("\0\x01\xff binary\0", 11);
  store.store_profile("w:abc|g16", blob);
  EXPECT_EQ(store.cached_profile("w:abc|g16"), blob);
  store.store_profile("w:abc|g16", "v2");
  EXPECT_EQ(store.cached_profile("w:abc|g16"), "v2");
}

TEST(DseStore, BaselineViewComparesWithTheStripesPointOfTheSameCampaignWorkloadAndProfile) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t w = store.add_workload(workload(c), {});
  store.add_point(point(c, w, "s-b", "stripes", 4.0), {});
  store.add_point(point(c, w, "s-a", "stripes", 2.0), {});  // smallest point_key: the baseline
  store.add_point(point(c, w, "v", "bitvert", 1.0), {});
  store.add_point(point(c, w, "v-bitsim", "bitvert", 1.0, "bitsim"), {});  // no bitsim stripes
  const QueryResult r = store.sql(
      "SELECT point_key, baseline_key, speedup, energy_ratio FROM point_vs_baseline "
      "ORDER BY point_key");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.columns,
            (std::vector<std::string>{"point_key", "baseline_key", "speedup", "energy_ratio"}));
  EXPECT_EQ(r.rows[0], (std::vector<std::string>{"s-a", "s-a", "1.0", "1.0"}));
  EXPECT_EQ(r.rows[1], (std::vector<std::string>{"s-b", "s-a", "0.5", "2.0"}));
  EXPECT_EQ(r.rows[2], (std::vector<std::string>{"v", "s-a", "2.0", "0.5"}));
  EXPECT_EQ(r.rows[3], (std::vector<std::string>{"v-bitsim", "NULL", "NULL", "NULL"}));
  EXPECT_EQ(scalar(store, "SELECT campaign || '/' || network FROM point_summary LIMIT 1"),
            "sweep/resnet20");
}

TEST(DseStore, SqlRunsOneStatementAndReportsBadQueries) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  EXPECT_EQ(scalar(store, "SELECT 1 + 1;"), "2");
  expect_error([&] { store.sql("SELECT 1; DROP TABLE campaign"); }, {"r.db", "one SQL statement"});
  expect_error([&] { store.sql("SELECT nope FROM campaign"); }, {"r.db", "no such column"});
  expect_error([&] { store.sql("-- SELECT 1"); }, {"r.db", "got none"});  // before: "reseted"
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM campaign"), "0");
}

// Before: VACUUM INTO wrote a new file from the read-only `query --sql`.
TEST(DseStore, SqlRefusesStatementsThatWrite) {
  TempDir dir;
  { ResultStore store = ResultStore::open(dir / "r.db"); }
  ResultStore store = ResultStore::open(dir / "r.db", Mode::ReadOnly);
  for (const std::string& sql :
       {"VACUUM INTO '" + (dir / "copy.db").string() + "'", std::string("DELETE FROM campaign"),
        std::string("CREATE TABLE t (x)"), std::string("PRAGMA user_version = 9")})
    expect_error([&] { store.sql(sql); }, {"r.db", "expected a read-only statement"});
  EXPECT_FALSE(fs::exists(dir / "copy.db"));
  EXPECT_EQ(scalar(store, "PRAGMA user_version"), std::to_string(schema_version()));
}

// Before: simultaneous first opens died with "cannot migrate schema version 0 to 1".
TEST(DseStoreFiles, SimultaneousOpensOfANewFileAllGetTheSchema) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  std::vector<std::thread> openers;
  std::array<std::string, 6> errors;
  for (std::size_t i = 0; i < errors.size(); ++i)
    openers.emplace_back([&, i] {
      try {
        ResultStore store = ResultStore::open(path);
        store.add_campaign(campaign("c" + std::to_string(i)));
      } catch (const Error& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : openers) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  ResultStore store = ResultStore::open(path, Mode::ReadOnly);
  EXPECT_EQ(store.user_version(), schema_version());
  EXPECT_EQ(store.campaigns().size(), errors.size());
}

// -------------------------------------------------------------------------------- file failures

TEST(DseStoreFiles, RefusesAFileThatIsNotSqlite) {
  TempDir dir;
  const fs::path path = dir.write("notes.db", std::string(4096, 'x'));
  expect_error([&] { ResultStore::open(path); }, {path.string(), "not a SQLite database"});
  expect_error([&] { ResultStore::open(path, Mode::ReadOnly); }, {path.string()});
  EXPECT_EQ(read_bytes(path), std::string(4096, 'x'));
}

TEST(DseStoreFiles, RefusesAnotherApplicationsDatabaseAndLeavesItUntouched) {
  TempDir dir;
  const fs::path foreign = dir / "foreign.db";
  {
    SQLite::Database raw(foreign.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE trials (id INTEGER PRIMARY KEY, value REAL)");
  }
  const std::string before = read_bytes(foreign);
  expect_error([&] { ResultStore::open(foreign); },
               {foreign.string(), "another application", "trials", "untouched"});
  EXPECT_EQ(read_bytes(foreign), before);
  EXPECT_FALSE(fs::exists(dir / "foreign.db-wal"));

  const fs::path other_id = dir / "other_id.db";
  {
    SQLite::Database raw(other_id.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA application_id = 1234");
  }
  expect_error([&] { ResultStore::open(other_id); }, {other_id.string(), "0x000004d2"});

  // Ours by application_id, but the tables are missing.
  const fs::path hollow = dir / "hollow.db";
  {
    SQLite::Database raw(hollow.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    raw.exec("PRAGMA user_version = 1");
  }
  // Refused before anything is changed (before: after its journal mode was switched to WAL).
  const std::string hollow_before = read_bytes(hollow);
  expect_error([&] { ResultStore::open(hollow); },
               {hollow.string(), "(schema version 1) but has no 'campaign'"});
  EXPECT_EQ(read_bytes(hollow), hollow_before);
  EXPECT_EQ(SQLite::Database(hollow.string()).execAndGet("PRAGMA journal_mode").getString(),
            "delete");
  SQLite::Database(hollow.string(), SQLite::OPEN_READWRITE)
      .exec("PRAGMA user_version = " + std::to_string(schema_version()));
  expect_error([&] { ResultStore::open(hollow); }, {hollow.string(), "has no 'campaign'"});
}

TEST(DseStoreFiles, RefusesANewerSchemaNamingBothVersions) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  { ResultStore::open(path); }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version = 7");
  }
  expect_error([&] { ResultStore::open(path); },
               {path.string(), "version 7", "version " + std::to_string(schema_version())});
  expect_error([&] { ResultStore::open(path, Mode::ReadOnly); }, {"version 7"});
}

TEST(DseStoreFiles, MigratesAnOlderSchemaForward) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  std::int64_t c = 0;
  {
    ResultStore store = ResultStore::open(path);
    c = store.add_campaign(campaign());
  }
  // A build that knows one more step adds a column.
  const int current = schema_version();
  std::vector<Migration> steps(schema_migrations().begin(), schema_migrations().end());
  steps.push_back({current, "ALTER TABLE campaign ADD COLUMN note TEXT NOT NULL DEFAULT 'none'"});
  ResultStore::Options options;
  options.migrations = steps;
  const std::string old_version = "version " + std::to_string(current);
  const std::string new_version = "version " + std::to_string(current + 1);
  expect_error([&] { ResultStore::open(path, Mode::ReadOnly, options); },
               {path.string(), old_version, new_version, "read-write"});
  ResultStore store = ResultStore::open(path, Mode::ReadWrite, options);
  EXPECT_EQ(store.user_version(), current + 1);
  EXPECT_EQ(scalar(store, "SELECT note FROM campaign WHERE id = " + std::to_string(c)), "none");
  EXPECT_EQ(scalar(store, "PRAGMA user_version"), std::to_string(current + 1));
}

// A file written by the first release (schema 1) gains the derived columns, the iso-multiplier
// baseline rule, the analysis tables and the weight-error columns, and keeps its points.
TEST(DseStoreFiles, MigratesAVersion1FileToTheCurrentSchema) {
  TempDir dir;
  const fs::path path = dir / "v1.db";
  ResultStore::Options v1;
  v1.migrations = schema_migrations().first(1);
  {
    ResultStore store = ResultStore::open(path, Mode::ReadWrite, v1);
    store.add_campaign(campaign());
  }
  {
    // A workload and points as version 1 wrote them (its columns only).
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO workload (campaign_id, network, weights_source, synthetic, workload_json) "
        "VALUES (1, 'resnet20', 'w.safetensors', 0, '{}')");
    const auto insert = [&](const std::string& key, const std::string& design, int rows,
                            int multipliers_per_pe, double time_s) {
      SQLite::Statement q(raw,
                          "INSERT INTO design_point (campaign_id, workload_id, point_key, design, "
                          "profile, hardware_json, status, time_s, energy_pj) VALUES (1, 1, ?, ?, "
                          "'corrected', ?, 'done', ?, 1.0)");
      q.bind(1, key);
      q.bind(2, design);
      q.bind(3, R"({"array.rows": ")" + std::to_string(rows) +
                    R"(", "array.cols": "16", "array.multipliers_per_pe": ")" +
                    std::to_string(multipliers_per_pe) + R"("})");
      q.bind(4, time_s);
      q.exec();
    };
    insert("accel=bitvert-cons;array.rows=8", "bitvert", 8, 8, 1.0);
    insert("accel=stripes;array.rows=4", "stripes", 4, 16, 3.0);
    insert("accel=stripes;array.rows=16", "stripes", 16, 16, 1.0);
  }
  ResultStore store = ResultStore::open(path);
  EXPECT_EQ(store.user_version(), schema_version());
  EXPECT_EQ(scalar(store,
                   "SELECT accel || ' ' || multipliers FROM design_point WHERE "
                   "point_key LIKE 'accel=bitvert%'"),
            "bitvert-cons 1024");
  // Baseline: the Stripes point with the same multiplier count (1024), not the smallest key.
  EXPECT_EQ(scalar(store,
                   "SELECT baseline_key || ' ' || speedup FROM point_vs_baseline WHERE "
                   "accel = 'bitvert-cons'"),
            "accel=stripes;array.rows=4 3.0");
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM point_summary WHERE weight_sqnr_db IS NULL"), "3");
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM analysis"), "0");
}

// A version-5 file (before activation statistics) opens, migrates, and reads back its workload
// and layers with the statistics unknown; new rows store and read them.
TEST(DseStoreFiles, AVersion5FileGainsActivationStatisticsColumns) {
  TempDir dir;
  const fs::path path = dir / "v5.db";
  ResultStore::Options v5;
  v5.migrations = schema_migrations().first(5);
  std::int64_t c = 0, old_workload = 0;
  {
    ResultStore store = ResultStore::open(path, Mode::ReadWrite, v5);
    c = store.add_campaign(campaign());
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO workload (campaign_id, network, weights_source, synthetic, workload_json, "
        "content_hash, weights_origin) VALUES (1, 'resnet20', 'w', 0, '{}', 'h5', 'int8 as "
        "given')");
    raw.exec(
        "INSERT INTO layer (workload_id, idx, name, kind, macs, weights) VALUES "
        "(1, 0, 'conv0', 'conv', 10, 5)");
    old_workload = 1;
  }
  ResultStore store = ResultStore::open(path);
  EXPECT_EQ(store.user_version(), schema_version());
  ASSERT_EQ(store.workloads(c).size(), 1u);
  EXPECT_EQ(store.workloads(c)[0].act_stats_source, "");
  ASSERT_EQ(store.workload_layers(old_workload).size(), 1u);
  EXPECT_FALSE(store.workload_layers(old_workload)[0].act_density.has_value());

  WorkloadRecord w = workload(c);
  w.act_stats_source = "default (2 layers)";
  std::vector<WorkloadLayerRecord> layers = workload_layers(2);
  layers[1].act_density = 0.56;
  layers[1].act_stats_source = "default: relu 0.56 (Cnvlutin)";
  const std::int64_t id = store.add_workload(w, layers);
  EXPECT_EQ(store.workloads(c).back().act_stats_source, "default (2 layers)");
  const auto back = store.workload_layers(id);
  EXPECT_FALSE(back[0].act_density.has_value());
  EXPECT_EQ(back[1].act_density, 0.56);
  EXPECT_EQ(back[1].act_stats_source, "default: relu 0.56 (Cnvlutin)");
}

// A changed file is a new workload: the old one stays with its points, marked superseded.
TEST(DseStore, ANewContentHashForTheSameDescriptionSupersedesTheOldWorkload) {
  TempDir dir;
  ResultStore store = ResultStore::open(dir / "r.db");
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t old_id = store.add_workload(workload(c), workload_layers(2));
  store.add_point(point(c, old_id, "rows=16"), layers(2));
  WorkloadRecord other = workload(c, "vgg16");  // another description: untouched
  other.workload_json = R"({"network":"vgg16"})";
  const std::int64_t other_id = store.add_workload(other, {});
  WorkloadRecord changed = workload(c);
  changed.content_hash = "content-after-the-file-changed";
  const std::int64_t new_id = store.add_workload(changed, workload_layers(2));
  EXPECT_NE(new_id, old_id);
  EXPECT_FALSE(store.has_point(c, new_id, "rows=16"));  // nothing reused
  const std::vector<WorkloadRecord> all = store.workloads(c);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[0].superseded);
  EXPECT_EQ(all[1].id, other_id);
  EXPECT_FALSE(all[1].superseded);
  EXPECT_FALSE(all[2].superseded);
  EXPECT_EQ(scalar(store, "SELECT superseded || ' ' || workload_hash FROM point_summary"),
            "1 content-of-resnet20");
  EXPECT_EQ(store.points(c).size(), 1u);  // the old rows stay
}

// A file written by schema version 3 (every step up to 3, rows as version 3 writes them) migrates
// to version 4: its workloads, layers and points stay readable and linked, its workloads have no
// content hash (unverified), and the next run of the same description supersedes them.
TEST(DseStoreFiles, MigratesAVersion3FileKeepingItReadable) {
  TempDir dir;
  const fs::path path = dir / "v3.db";
  ResultStore::Options v3;
  v3.migrations = schema_migrations().first(3);
  std::int64_t c = 0;
  {
    ResultStore store = ResultStore::open(path, Mode::ReadWrite, v3);
    c = store.add_campaign(campaign());
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec(
        "INSERT INTO workload (campaign_id, network, weights_source, synthetic, workload_json) "
        "VALUES (1, 'resnet20', 'data/weights/resnet20.safetensors', 0, '{\"layers\":3}')");
    raw.exec(
        "INSERT INTO layer (workload_id, idx, name, kind, macs, weights) VALUES "
        "(1, 0, 'conv0', 'conv', 1000, 100), (1, 1, 'conv1', 'conv', 2000, 200)");
    store.add_point(point(c, 1, "accel=stripes", "stripes"), layers(2));
    store.add_point(point(c, 1, "accel=bitvert"), layers(2));
    EXPECT_EQ(store.user_version(), 3);
  }
  ResultStore store = ResultStore::open(path);
  EXPECT_EQ(store.user_version(), schema_version());
  store.check_integrity();
  EXPECT_TRUE(store.sql("PRAGMA foreign_key_check").rows.empty());
  EXPECT_EQ(scalar(store, "PRAGMA foreign_keys"), "1");
  const std::vector<WorkloadRecord> before = store.workloads(c);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].content_hash, "");
  EXPECT_FALSE(before[0].superseded);
  EXPECT_EQ(store.workload_layers(before[0].id).size(), 2u);
  ASSERT_EQ(store.points(c).size(), 2u);
  EXPECT_EQ(store.point_layers(store.points(c)[0].id).size(), 2u);
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM point_vs_baseline WHERE speedup IS NOT NULL"), "2");
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM point_summary WHERE workload_hash IS NULL"), "2");

  const std::int64_t fresh = store.add_workload(workload(c), {});
  EXPECT_NE(fresh, before[0].id);
  EXPECT_TRUE(store.workloads(c)[0].superseded);
  // The rebuilt table still cascades: deleting the campaign removes its workloads and points.
  {  // store.sql() only reads: delete through a connection of its own
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA foreign_keys = ON");
    raw.exec("DELETE FROM campaign WHERE id = " + std::to_string(c));
  }
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM workload"), "0");
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM layer_result"), "0");
}

TEST(DseStoreFiles, ReadOnlyFileOpensForQueriesButNotForWriting) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  {
    ResultStore store = ResultStore::open(path);
    const std::int64_t c = store.add_campaign(campaign());
    store.add_point(point(c, store.add_workload(workload(c), {}), "k"), {});
  }
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  expect_error([&] { ResultStore::open(path); }, {path.string(), "read-only"});
  ResultStore store = ResultStore::open(path, Mode::ReadOnly);
  EXPECT_EQ(store.points(store.campaigns().front().id).size(), 1u);
  expect_error([&] { store.add_campaign(campaign("x")); }, {path.string(), "read-only"});
  expect_error([&] { ResultStore::open(dir / "missing.db", Mode::ReadOnly); },
               {"missing.db", "does not exist"});
  expect_error([&] { ResultStore::open(dir / "no" / "such" / "r.db"); }, {"does not exist"});
}

TEST(DseStoreFiles, ALockedDatabaseFailsAfterTheBusyTimeoutNamingTheFile) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  ResultStore::Options options;
  options.busy_timeout_ms = 300;
  ResultStore store = ResultStore::open(path, Mode::ReadWrite, options);
  const std::int64_t c = store.add_campaign(campaign());
  const std::int64_t w = store.add_workload(workload(c), {});
  {
    SQLite::Database other(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Transaction hold(other, SQLite::TransactionBehavior::IMMEDIATE);
    other.exec("INSERT INTO profile_cache VALUES ('k', x'00', 'now')");
    const auto start = std::chrono::steady_clock::now();
    expect_error([&] { store.add_point(point(c, w, "k"), layers(2)); },
                 {path.string(), "locked by another writer", "300 ms"});
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
    EXPECT_EQ(store.points(c).size(), 0u);  // readers are not blocked in WAL mode
  }                                         // the other writer rolls back
  EXPECT_TRUE(store.add_point(point(c, w, "k"), layers(2)));
}

TEST(DseStoreFiles, CorruptPagesGiveAnErrorNotACrash) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  std::int64_t c = 0;
  {
    ResultStore store = ResultStore::open(path);
    c = store.add_campaign(campaign());
    const std::int64_t w = store.add_workload(workload(c), workload_layers(50));
    std::vector<PointWithLayers> batch;
    for (int i = 0; i < 300; ++i)
      batch.push_back({point(c, w, "k" + std::to_string(i)), layers(20)});
    store.add_points(batch);
  }  // the last connection checkpoints the WAL into the file
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 64u * 1024u);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 3));
    std::string garbage(size / 3, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i)
      garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  expect_error(
      [&] {
        ResultStore store = ResultStore::open(path);
        for (const PointRecord& p : store.points(c)) store.point_layers(p.id);
        store.check_integrity();
      },
      {path.string()});
}

// A writer killed at any moment keeps every committed point whole and no partial one.
TEST(DseStoreFiles, KilledWriterLosesNothingCommittedAndLeavesNoHalfPoint) {
  TempDir dir;
  const fs::path path = dir / "r.db";
  constexpr int kLayers = 64;
  std::int64_t c = 0, w = 0;
  {
    ResultStore store = ResultStore::open(path);
    c = store.add_campaign(campaign());
    w = store.add_workload(workload(c), workload_layers(kLayers));
  }
  for (int round = 0; round < 3; ++round) {
    std::array<int, 2> ready{};
    ASSERT_EQ(::pipe(ready.data()), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(ready[0]);
      try {
        ResultStore store = ResultStore::open(path);
        for (int i = 0;; ++i) {
          const std::string key = std::to_string(round) + ":" + std::to_string(i);
          if (i % 2 == 0) {
            store.add_point(point(c, w, key), layers(kLayers));
          } else {
            store.add_points({{point(c, w, key + "a"), layers(kLayers)},
                              {point(c, w, key + "b"), layers(kLayers)}});
          }
          if (i == 10) {
            const char byte = 'x';
            if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
          }
        }
      } catch (...) {
        ::_exit(3);
      }
    }
    ::close(ready[1]);
    char byte = 0;
    ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the writer died before committing 10 points";
    ::close(ready[0]);
    ::usleep(static_cast<useconds_t>(20000 + 15000 * round));
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited on its own with " << status;

    ResultStore store = ResultStore::open(path);
    store.check_integrity();
    const std::vector<PointRecord> points = store.points(c);
    EXPECT_GE(points.size(), 16u * static_cast<std::size_t>(round + 1));
    for (const PointRecord& p : points)
      ASSERT_EQ(store.point_layers(p.id).size(), static_cast<std::size_t>(kLayers)) << p.point_key;
    EXPECT_EQ(scalar(store, "SELECT count(*) FROM layer_result"),
              std::to_string(points.size() * kLayers));
    EXPECT_TRUE(store.sql("PRAGMA foreign_key_check").rows.empty());
  }
}

// ------------------------------------------------------------------------------------------ merge

// Workloads merge by content hash; one superseded in a shard stays superseded in the target.
TEST(DseStoreMerge, WorkloadsMatchByContentAndKeepTheirSupersededFlag) {
  TempDir dir;
  {
    ResultStore shard = ResultStore::open(dir / "shard.db");
    const std::int64_t c = shard.add_campaign(campaign());
    shard.add_point(point(c, shard.add_workload(workload(c), {}), "k"), {});
    WorkloadRecord changed = workload(c);
    changed.content_hash = "content-after-the-file-changed";
    shard.add_point(point(c, shard.add_workload(changed, {}), "k"), {});
  }
  ResultStore merged = ResultStore::open(dir / "merged.db");
  const std::int64_t c = merged.add_campaign(campaign());
  merged.add_workload(workload(c), {});  // the same content as the shard's first workload
  EXPECT_EQ(merged.merge_from(dir / "shard.db").workloads_added, 1);
  const std::vector<WorkloadRecord> all = merged.workloads(c);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0].superseded);
  EXPECT_EQ(all[1].content_hash, "content-after-the-file-changed");
  EXPECT_FALSE(all[1].superseded);
  EXPECT_EQ(merged.points(c).size(), 2u);
  EXPECT_EQ(merged.merge_from(dir / "shard.db").workloads_added, 0);
}

TEST(DseStoreMerge, CopiesShardsWithNewIdsAndSkipsPointsAlreadyPresent) {
  TempDir dir;
  const auto make_shard = [&](const std::string& name, int first, int last, bool extra_campaign) {
    ResultStore shard = ResultStore::open(dir / name);
    if (extra_campaign) shard.add_campaign(campaign("unrelated", "zzz"));  // shifts the ids
    const std::int64_t c = shard.add_campaign(campaign());
    const std::int64_t w = shard.add_workload(workload(c), workload_layers(3));
    for (int i = first; i < last; ++i)
      shard.add_point(point(c, w, "k" + std::to_string(i), i == 0 ? "stripes" : "bitvert"),
                      layers(3));
    shard.store_profile("profile-" + name, "blob");
    shard.add_analysis(analysis("{\"columns\":4}"), analysis_layers(2));
    if (extra_campaign) shard.add_analysis(analysis("{\"columns\":2}"), analysis_layers(2));
    return dir / name;
  };
  const fs::path a = make_shard("a.db", 0, 6, false);
  const fs::path b = make_shard("b.db", 4, 10, true);

  ResultStore merged = ResultStore::open(dir / "merged.db");
  MergeStats first = merged.merge_from(a);
  EXPECT_EQ(first.campaigns_added, 1);
  EXPECT_EQ(first.workloads_added, 1);
  EXPECT_EQ(first.points_added, 6);
  EXPECT_EQ(first.layer_rows_added, 18);
  EXPECT_EQ(first.profiles_added, 1);
  EXPECT_EQ(first.analyses_added, 1);
  MergeStats second = merged.merge_from(b);
  EXPECT_EQ(second.campaigns_added, 1);  // "unrelated"; "sweep" is matched by name + spec_hash
  EXPECT_EQ(second.workloads_added, 0);
  EXPECT_EQ(second.points_added, 4);
  EXPECT_EQ(second.points_skipped, 2);
  EXPECT_EQ(second.layer_rows_added, 12);
  EXPECT_EQ(second.analyses_added, 1);  // the {"columns":4} one is already there
  MergeStats again = merged.merge_from(b);
  EXPECT_EQ(again.points_added, 0);
  EXPECT_EQ(again.points_skipped, 6);
  EXPECT_EQ(again.analyses_added, 0);
  EXPECT_EQ(scalar(merged, "SELECT count(*) FROM analysis_layer"), "4");

  const std::int64_t c = merged.find_campaign("sweep")->id;
  const std::vector<PointRecord> points = merged.points(c);
  ASSERT_EQ(points.size(), 10u);
  for (const PointRecord& p : points) EXPECT_EQ(merged.point_layers(p.id).size(), 3u);
  EXPECT_EQ(merged.workload_layers(points.front().workload_id).size(), 3u);
  EXPECT_EQ(merged.cached_profile("profile-b.db"), "blob");
  EXPECT_EQ(scalar(merged, "SELECT count(*) FROM point_vs_baseline WHERE speedup IS NOT NULL"),
            "10");
  merged.check_integrity();
  EXPECT_TRUE(merged.sql("PRAGMA foreign_key_check").rows.empty());

  expect_error([&] { merged.merge_from(dir / "merged.db"); }, {"merged.db", "itself"});
  const fs::path junk = dir.write("junk.db", std::string(2048, 'j'));
  expect_error([&] { merged.merge_from(junk); }, {junk.string(), "not a SQLite database"});
  expect_error([&] { merged.merge_from(dir / "absent.db"); }, {"absent.db", "does not exist"});
  EXPECT_EQ(merged.points(c).size(), 10u);
}

// ------------------------------------------------------------- the metric table's columns

// A store as bbs-dse wrote it before the metric table (schema 5: stripes and bitvert on
// cifar10_resnet20, `run` of that build, profile cache emptied).
fs::path store_before_metric_table(const TempDir& dir) {
  const fs::path path = dir / "before.db";
  fs::copy_file(fs::path(BBS_TEST_TEST_DATA) / "store_v5_before_metric_table.db", path);
  return path;
}

std::set<std::string> columns_of(ResultStore& store, const std::string& table) {
  std::set<std::string> names;
  for (const auto& row : store.sql("SELECT name FROM pragma_table_xinfo('" + table + "')").rows)
    names.insert(row.front());
  return names;
}

// Opened read-only, its points read with the metrics it has and the others unknown; opened for
// writing, it gains a column per metric (NULL in its rows) and the generated point_summary.
TEST(DseStoreFiles, AStoreFromBeforeTheMetricTableGainsEveryMetricColumn) {
  TempDir dir;
  const fs::path path = store_before_metric_table(dir);
  {
    ResultStore old = ResultStore::open(path, Mode::ReadOnly);
    const std::vector<PointRecord> points = old.points(old.find_campaign("v5-fixture")->id);
    ASSERT_EQ(points.size(), 2u);
    EXPECT_DOUBLE_EQ(points[1].metrics.get("time_s"), 0.00013157);  // accel=stripes
    EXPECT_TRUE(std::isnan(points[1].metrics.get("tiles")));
  }
  ResultStore store = ResultStore::open(path);
  EXPECT_EQ(store.user_version(), schema_version());
  const std::set<std::string> point_columns = columns_of(store, "design_point");
  const std::set<std::string> layer_columns = columns_of(store, "layer_result");
  const std::set<std::string> summary_columns = columns_of(store, "point_summary");
  for (const accel::Metric& m : accel::metrics()) {
    const std::string name(m.name);
    EXPECT_TRUE(point_columns.count(name)) << name;
    EXPECT_TRUE(summary_columns.count(name)) << name;
    EXPECT_EQ(layer_columns.count(name), m.per_layer() ? 1u : 0u) << name;
  }
  EXPECT_EQ(scalar(store, "SELECT sql FROM sqlite_schema WHERE name = 'point_summary'"),
            point_summary_sql());
  const std::int64_t c = store.find_campaign("v5-fixture")->id;
  const std::vector<PointRecord> points = store.points(c);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_DOUBLE_EQ(points[1].metrics.get("energy_pj"), 50064289.75468);
  EXPECT_TRUE(std::isnan(points[1].metrics.get("tiles")));  // NULL: stored before it existed
  EXPECT_EQ(points[1].metrics.get("weight_sqnr_db"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(store.point_layers(points[1].id).size(), 20u);
  EXPECT_EQ(scalar(store, "SELECT count(*) FROM point_summary WHERE tiles IS NULL"), "2");
  // Opening it again changes nothing.
  const std::string schema = scalar(store, "SELECT group_concat(sql, ';') FROM sqlite_schema");
  ResultStore again = ResultStore::open(path);
  EXPECT_EQ(scalar(again, "SELECT group_concat(sql, ';') FROM sqlite_schema"), schema);
}

// A schema-5 file (before the activation statistics, a nullable-columns-only step) reads
// read-only without migrating, and merges into a current store: its statistics are unknown.
TEST(DseStoreFiles, AFileBeforeTheActivationStatisticsReadsAndMergesWithoutMigrating) {
  TempDir dir;
  const fs::path before = store_before_metric_table(dir);
  {
    ResultStore old = ResultStore::open(before, Mode::ReadOnly);
    EXPECT_EQ(old.user_version(), 5);
    const std::vector<WorkloadRecord> w = old.workloads(old.find_campaign("v5-fixture")->id);
    ASSERT_FALSE(w.empty());
    EXPECT_EQ(w[0].act_stats_source, "");
    const std::vector<WorkloadLayerRecord> layers = old.workload_layers(w[0].id);
    ASSERT_FALSE(layers.empty());
    EXPECT_FALSE(layers[0].act_density.has_value());
  }
  ResultStore merged = ResultStore::open(dir / "merged.db");
  merged.merge_from(before);
  const std::vector<WorkloadRecord> w = merged.workloads(merged.find_campaign("v5-fixture")->id);
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w[0].act_stats_source, "");
  EXPECT_FALSE(merged.workload_layers(w[0].id)[0].act_density.has_value());
}

// Merging works both ways between a store from before the metric table and a current one: the
// metrics the older file lacks are NULL, the others copied.
TEST(DseStoreFiles, MergesAStoreFromBeforeTheMetricTable) {
  TempDir dir;
  const fs::path before = store_before_metric_table(dir);
  {
    ResultStore merged = ResultStore::open(dir / "merged.db");
    const MergeStats stats = merged.merge_from(before);  // never opened for writing
    EXPECT_EQ(stats.points_added, 2);
    EXPECT_EQ(stats.layer_rows_added, 40);
    EXPECT_EQ(scalar(merged,
                     "SELECT count(*) FROM point_summary WHERE tiles IS NULL AND "
                     "energy_pj > 0 AND edp > 0"),
              "2");
  }
  const fs::path shard = dir / "shard.db";
  std::int64_t c = 0;
  {
    ResultStore current = ResultStore::open(shard);
    c = current.add_campaign(campaign());
    const std::int64_t w = current.add_workload(workload(c), workload_layers(2));
    PointRecord p = point(c, w, "rows=16");
    p.metrics.set("tiles", 42);
    std::vector<LayerRecord> l = layers(2);
    l[1].metrics.set("act_sram_reads", 7);
    current.add_point(p, l);
  }
  ResultStore old = ResultStore::open(before);
  EXPECT_EQ(old.merge_from(shard).points_added, 1);
  const PointRecord copied = old.points(old.find_campaign("sweep")->id).front();
  EXPECT_EQ(copied.metrics.get("tiles"), 42);
  EXPECT_EQ(old.point_layers(copied.id)[1].metrics.get("act_sram_reads"), 7);
}

}  // namespace
}  // namespace bbs::dse
