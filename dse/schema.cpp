// The schema of the result database as a list of migration steps (docs/database.md).
// Never edit a released step: append a new one (version N -> N+1) instead. The metric columns
// and the current point_summary view are not steps: they follow the metric table
// (model/accel/metrics.hpp; point_summary_sql below, sync_metric_columns in store_metrics.cpp).
#include <array>
#include <string>

#include "dse/result_store.hpp"

namespace bbs::dse {
namespace {

// Version 0 -> 1: the initial schema.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE campaign (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  spec_text     TEXT NOT NULL,
  spec_hash     TEXT NOT NULL,
  tool_version  TEXT NOT NULL,
  git_revision  TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (name, spec_hash)
) STRICT;

CREATE TABLE workload (
  id              INTEGER PRIMARY KEY,
  campaign_id     INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
  network         TEXT NOT NULL,
  weights_source  TEXT NOT NULL,
  synthetic       INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
  workload_json   TEXT NOT NULL,
  UNIQUE (campaign_id, network, weights_source)
) STRICT;

CREATE TABLE layer (
  id           INTEGER PRIMARY KEY,
  workload_id  INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  macs         INTEGER NOT NULL,
  weights      INTEGER NOT NULL,
  UNIQUE (workload_id, idx)
) STRICT;

CREATE TABLE profile_cache (
  key         TEXT PRIMARY KEY,
  blob        BLOB NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE design_point (
  id                       INTEGER PRIMARY KEY,
  campaign_id              INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
  workload_id              INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE,
  point_key                TEXT NOT NULL,
  design                   TEXT NOT NULL,
  profile                  TEXT NOT NULL,
  hardware_json            TEXT NOT NULL,
  status                   TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  error                    TEXT,
  compute_cycles           REAL,
  dram_cycles              REAL,
  total_cycles             REAL,
  time_s                   REAL,
  energy_pj                REAL,
  energy_pe_pj             REAL,
  energy_registers_pj      REAL,
  energy_sram_read_pj      REAL,
  energy_sram_write_pj     REAL,
  energy_dram_pj           REAL,
  area_mm2                 REAL,
  useful_fraction          REAL,
  intra_pe_stall_fraction  REAL,
  inter_pe_stall_fraction  REAL,
  edp                      REAL GENERATED ALWAYS AS (energy_pj * time_s) STORED,
  UNIQUE (campaign_id, workload_id, point_key)
) STRICT;

CREATE INDEX design_point_by_design ON design_point (campaign_id, workload_id, design, profile);

CREATE TABLE layer_result (
  point_id              INTEGER NOT NULL REFERENCES design_point(id) ON DELETE CASCADE,
  layer_idx             INTEGER NOT NULL,
  name                  TEXT NOT NULL,
  compute_cycles        REAL NOT NULL,
  dram_cycles           REAL NOT NULL,
  total_cycles          REAL NOT NULL,
  energy_pe_pj          REAL NOT NULL,
  energy_registers_pj   REAL NOT NULL,
  energy_sram_read_pj   REAL NOT NULL,
  energy_sram_write_pj  REAL NOT NULL,
  energy_dram_pj        REAL NOT NULL,
  energy_pj             REAL GENERATED ALWAYS AS (energy_pe_pj + energy_registers_pj +
                          energy_sram_read_pj + energy_sram_write_pj + energy_dram_pj) VIRTUAL,
  weight_dram_bytes     REAL NOT NULL,
  input_dram_bytes      REAL NOT NULL,
  output_dram_bytes     REAL NOT NULL,
  PRIMARY KEY (point_id, layer_idx)
) STRICT, WITHOUT ROWID;

CREATE VIEW point_summary AS
SELECT p.id AS point_id, c.name AS campaign, c.spec_hash AS spec_hash, w.network AS network,
       w.weights_source AS weights_source, w.synthetic AS synthetic, p.point_key, p.design,
       p.profile, p.status, p.error, p.compute_cycles, p.dram_cycles, p.total_cycles, p.time_s,
       p.energy_pj, p.energy_pe_pj, p.energy_registers_pj, p.energy_sram_read_pj,
       p.energy_sram_write_pj, p.energy_dram_pj, p.area_mm2, p.useful_fraction,
       p.intra_pe_stall_fraction, p.inter_pe_stall_fraction, p.edp, p.hardware_json,
       p.campaign_id, p.workload_id
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id;

-- Every done point against its baseline: the done 'stripes' point of the same campaign,
-- workload and profile; when there are several, the one with the smallest point_key.
CREATE VIEW point_vs_baseline AS
SELECT p.id AS point_id, c.name AS campaign, w.network AS network, p.design, p.profile,
       p.point_key, b.id AS baseline_id, b.point_key AS baseline_key,
       b.time_s / p.time_s AS speedup,
       b.total_cycles / p.total_cycles AS cycle_speedup,
       p.energy_pj / b.energy_pj AS energy_ratio,
       p.edp / b.edp AS edp_ratio
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id
LEFT JOIN design_point b ON b.id = (
  SELECT s.id FROM design_point s
  WHERE s.campaign_id = p.campaign_id AND s.workload_id = p.workload_id
    AND s.profile = p.profile AND s.design = 'stripes' AND s.status = 'done'
  ORDER BY s.point_key LIMIT 1)
WHERE p.status = 'done';
)sql";

// Version 1 -> 2: the preset name and the bit-serial multiplier count of each point (derived
// columns, so old files gain them too), a baseline rule that prefers the iso-multiplier Stripes
// point, and the bit-level analyses of `analyze --db`.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE design_point ADD COLUMN accel TEXT GENERATED ALWAYS AS (
  substr(point_key, 7, CASE WHEN instr(point_key, ';') > 0 THEN instr(point_key, ';') - 7
                            ELSE length(point_key) - 6 END)) VIRTUAL;
ALTER TABLE design_point ADD COLUMN multipliers INTEGER GENERATED ALWAYS AS (
  CASE WHEN json_valid(hardware_json) THEN
    CAST(json_extract(hardware_json, '$."array.rows"') AS INTEGER) *
    CAST(json_extract(hardware_json, '$."array.cols"') AS INTEGER) *
    CAST(json_extract(hardware_json, '$."array.multipliers_per_pe"') AS INTEGER) END) VIRTUAL;

DROP VIEW point_vs_baseline;
DROP VIEW point_summary;

CREATE VIEW point_summary AS
SELECT p.id AS point_id, c.name AS campaign, c.spec_hash AS spec_hash, w.network AS network,
       w.weights_source AS weights_source, w.synthetic AS synthetic, p.point_key, p.accel,
       p.design, p.profile, p.multipliers, p.status, p.error, p.compute_cycles, p.dram_cycles,
       p.total_cycles, p.time_s, p.energy_pj, p.energy_pe_pj, p.energy_registers_pj,
       p.energy_sram_read_pj, p.energy_sram_write_pj, p.energy_dram_pj, p.area_mm2,
       p.useful_fraction, p.intra_pe_stall_fraction, p.inter_pe_stall_fraction, p.edp,
       p.hardware_json, p.campaign_id, p.workload_id
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id;

-- Every done point against its baseline: the done 'stripes' point of the same campaign,
-- workload and profile, preferring one with the same number of bit-serial multipliers
-- (iso-multiplier); among equals, the one with the smallest point_key.
CREATE VIEW point_vs_baseline AS
SELECT p.id AS point_id, c.name AS campaign, w.network AS network, p.accel, p.design, p.profile,
       p.multipliers, p.point_key, b.id AS baseline_id, b.point_key AS baseline_key,
       b.time_s / p.time_s AS speedup,
       b.total_cycles / p.total_cycles AS cycle_speedup,
       p.energy_pj / b.energy_pj AS energy_ratio,
       p.edp / b.edp AS edp_ratio
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id
LEFT JOIN design_point b ON b.id = coalesce(
  (SELECT s.id FROM design_point s
   WHERE s.campaign_id = p.campaign_id AND s.workload_id = p.workload_id
     AND s.profile = p.profile AND s.design = 'stripes' AND s.status = 'done'
     AND s.multipliers = p.multipliers
   ORDER BY s.point_key LIMIT 1),
  (SELECT s.id FROM design_point s
   WHERE s.campaign_id = p.campaign_id AND s.workload_id = p.workload_id
     AND s.profile = p.profile AND s.design = 'stripes' AND s.status = 'done'
   ORDER BY s.point_key LIMIT 1))
WHERE p.status = 'done';

-- One `analyze --db` run: a model's weights under one set of engine options.
CREATE TABLE analysis (
  id                           INTEGER PRIMARY KEY,
  network                      TEXT NOT NULL,
  weights_source               TEXT NOT NULL,
  synthetic                    INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
  method                       TEXT NOT NULL,
  columns                      INTEGER NOT NULL,
  group_size                   INTEGER NOT NULL,
  sensitive_fraction           REAL NOT NULL,
  options_json                 TEXT NOT NULL,
  weights                      INTEGER NOT NULL,
  bits_per_weight              REAL NOT NULL,
  bits_per_weight_no_metadata  REAL NOT NULL,
  size_reduction               REAL NOT NULL,
  mse                          REAL NOT NULL,
  sqnr_db                      REAL,
  tool_version                 TEXT NOT NULL,
  git_revision                 TEXT NOT NULL,
  created_at                   TEXT NOT NULL,
  UNIQUE (network, weights_source, options_json)
) STRICT;

CREATE TABLE analysis_layer (
  analysis_id            INTEGER NOT NULL REFERENCES analysis(id) ON DELETE CASCADE,
  idx                    INTEGER NOT NULL,
  name                   TEXT NOT NULL,
  weights                INTEGER NOT NULL,
  sensitive_channels     INTEGER NOT NULL,
  value_sparsity         REAL NOT NULL,
  bit_sparsity_twos      REAL NOT NULL,
  bit_sparsity_sign_mag  REAL NOT NULL,
  bbs_sparsity           REAL NOT NULL,
  pruned_bbs_sparsity    REAL NOT NULL,
  bits_per_weight        REAL NOT NULL,
  mse                    REAL NOT NULL,
  sqnr_db                REAL,
  PRIMARY KEY (analysis_id, idx)
) STRICT, WITHOUT ROWID;
)sql";

// Version 2 -> 3: what a point's pruning does to the weights: weight SQNR (int8 before vs after,
// all distinct weights; NULL when unpruned) and the encoded bits per weight, metadata included.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE design_point ADD COLUMN weight_sqnr_db REAL;
ALTER TABLE design_point ADD COLUMN bits_per_weight REAL;

DROP VIEW point_summary;
CREATE VIEW point_summary AS
SELECT p.id AS point_id, c.name AS campaign, c.spec_hash AS spec_hash, w.network AS network,
       w.weights_source AS weights_source, w.synthetic AS synthetic, p.point_key, p.accel,
       p.design, p.profile, p.multipliers, p.status, p.error, p.compute_cycles, p.dram_cycles,
       p.total_cycles, p.time_s, p.energy_pj, p.energy_pe_pj, p.energy_registers_pj,
       p.energy_sram_read_pj, p.energy_sram_write_pj, p.energy_dram_pj, p.area_mm2,
       p.useful_fraction, p.intra_pe_stall_fraction, p.inter_pe_stall_fraction, p.edp,
       p.weight_sqnr_db, p.bits_per_weight, p.hardware_json, p.campaign_id, p.workload_id
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id;
)sql";

// Version 3 -> 4: a workload is identified by the content of what it names (content_hash: its
// network and weight files, options and generator version); a changed file adds a new workload
// and marks the old one superseded (its points stay, flagged in point_summary). weights_origin
// says whether the int8 weights were given as integers or quantized from floats. Rows stored
// before version 4 have no content_hash (unknown content: a re-run supersedes them).
// SQLite cannot drop a UNIQUE constraint, so the table is rebuilt (sqlite.org/lang_altertable.html
// "Making Other Kinds Of Table Schema Changes"; the migration runs with foreign keys off).
constexpr const char* kSchemaV4 = R"sql(
DROP VIEW point_vs_baseline;
DROP VIEW point_summary;

CREATE TABLE workload_v4 (
  id              INTEGER PRIMARY KEY,
  campaign_id     INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
  network         TEXT NOT NULL,
  weights_source  TEXT NOT NULL,
  synthetic       INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
  workload_json   TEXT NOT NULL,
  content_hash    TEXT,
  superseded      INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
  weights_origin  TEXT,
  UNIQUE (campaign_id, content_hash)
) STRICT;
INSERT INTO workload_v4 (id, campaign_id, network, weights_source, synthetic, workload_json)
SELECT id, campaign_id, network, weights_source, synthetic, workload_json FROM workload;
DROP TABLE workload;
ALTER TABLE workload_v4 RENAME TO workload;
CREATE INDEX workload_by_description ON workload (campaign_id, workload_json);

CREATE VIEW point_summary AS
SELECT p.id AS point_id, c.name AS campaign, c.spec_hash AS spec_hash, w.network AS network,
       w.weights_source AS weights_source, w.synthetic AS synthetic,
       w.weights_origin AS weights_origin, w.content_hash AS workload_hash,
       w.superseded AS superseded, p.point_key, p.accel,
       p.design, p.profile, p.multipliers, p.status, p.error, p.compute_cycles, p.dram_cycles,
       p.total_cycles, p.time_s, p.energy_pj, p.energy_pe_pj, p.energy_registers_pj,
       p.energy_sram_read_pj, p.energy_sram_write_pj, p.energy_dram_pj, p.area_mm2,
       p.useful_fraction, p.intra_pe_stall_fraction, p.inter_pe_stall_fraction, p.edp,
       p.weight_sqnr_db, p.bits_per_weight, p.hardware_json, p.campaign_id, p.workload_id
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id;

CREATE VIEW point_vs_baseline AS
SELECT p.id AS point_id, c.name AS campaign, w.network AS network, w.superseded AS superseded,
       p.accel, p.design, p.profile, p.multipliers, p.point_key, b.id AS baseline_id,
       b.point_key AS baseline_key,
       b.time_s / p.time_s AS speedup,
       b.total_cycles / p.total_cycles AS cycle_speedup,
       p.energy_pj / b.energy_pj AS energy_ratio,
       p.edp / b.edp AS edp_ratio
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id
LEFT JOIN design_point b ON b.id = coalesce(
  (SELECT s.id FROM design_point s
   WHERE s.campaign_id = p.campaign_id AND s.workload_id = p.workload_id
     AND s.profile = p.profile AND s.design = 'stripes' AND s.status = 'done'
     AND s.multipliers = p.multipliers
   ORDER BY s.point_key LIMIT 1),
  (SELECT s.id FROM design_point s
   WHERE s.campaign_id = p.campaign_id AND s.workload_id = p.workload_id
     AND s.profile = p.profile AND s.design = 'stripes' AND s.status = 'done'
   ORDER BY s.point_key LIMIT 1))
WHERE p.status = 'done';
)sql";

// Version 4 -> 5: one typed column per hardware key (view point_axes), so that
// `WHERE "array.rows" >= 32` compares numbers (hardware_json held every value as text before).
constexpr const char* kSchemaV5 = R"sql(
CREATE VIEW point_axes AS
SELECT p.id AS point_id, p.campaign_id, p.workload_id, c.name AS campaign, w.network,
       p.point_key, p.accel, p.design, p.profile, p.status,
       CAST(json_extract(h.hw, '$."array.rows"') AS INTEGER) AS "array.rows",
       CAST(json_extract(h.hw, '$."array.cols"') AS INTEGER) AS "array.cols",
       CAST(json_extract(h.hw, '$."array.lanes"') AS INTEGER) AS "array.lanes",
       CAST(json_extract(h.hw, '$."array.multipliers_per_pe"') AS INTEGER) AS "array.multipliers_per_pe",
       CAST(json_extract(h.hw, '$."array.weight_bits"') AS INTEGER) AS "array.weight_bits",
       CAST(json_extract(h.hw, '$."array.act_bits"') AS INTEGER) AS "array.act_bits",
       json_extract(h.hw, '$."pruning.method"') AS "pruning.method",
       CAST(json_extract(h.hw, '$."pruning.group"') AS INTEGER) AS "pruning.group",
       CAST(json_extract(h.hw, '$."pruning.columns"') AS INTEGER) AS "pruning.columns",
       CAST(json_extract(h.hw, '$."pruning.const_bits"') AS INTEGER) AS "pruning.const_bits",
       CAST(json_extract(h.hw, '$."pruning.sensitive_fraction"') AS REAL) AS "pruning.sensitive_fraction",
       CAST(json_extract(h.hw, '$."pruning.channel_multiple"') AS INTEGER) AS "pruning.channel_multiple",
       CAST(json_extract(h.hw, '$."weight_sram.capacity_kib"') AS INTEGER) AS "weight_sram.capacity_kib",
       CAST(json_extract(h.hw, '$."weight_sram.banks"') AS INTEGER) AS "weight_sram.banks",
       CAST(json_extract(h.hw, '$."weight_sram.bank_width_bits"') AS INTEGER) AS "weight_sram.bank_width_bits",
       json_extract(h.hw, '$."weight_sram.ports"') AS "weight_sram.ports",
       CAST(json_extract(h.hw, '$."act_sram.capacity_kib"') AS INTEGER) AS "act_sram.capacity_kib",
       CAST(json_extract(h.hw, '$."act_sram.banks"') AS INTEGER) AS "act_sram.banks",
       CAST(json_extract(h.hw, '$."act_sram.bank_width_bits"') AS INTEGER) AS "act_sram.bank_width_bits",
       json_extract(h.hw, '$."act_sram.ports"') AS "act_sram.ports",
       CAST(json_extract(h.hw, '$."dram.bits_per_cycle"') AS REAL) AS "dram.bits_per_cycle",
       CAST(json_extract(h.hw, '$."dram.energy_pj_per_bit"') AS REAL) AS "dram.energy_pj_per_bit",
       CAST(json_extract(h.hw, '$."clock_mhz"') AS REAL) AS "clock_mhz",
       CAST(json_extract(h.hw, '$."tech_nm"') AS INTEGER) AS "tech_nm",
       CAST(json_extract(h.hw, '$."energy.tech_nm"') AS INTEGER) AS "energy.tech_nm",
       CAST(json_extract(h.hw, '$."energy.pe_pj_per_cycle"') AS REAL) AS "energy.pe_pj_per_cycle",
       CAST(json_extract(h.hw, '$."energy.weight_reg_pj_per_row_cycle"') AS REAL) AS "energy.weight_reg_pj_per_row_cycle",
       CAST(json_extract(h.hw, '$."energy.act_reg_pj_per_col_tile"') AS REAL) AS "energy.act_reg_pj_per_col_tile",
       CAST(json_extract(h.hw, '$."energy.scheduler_pj_per_cycle"') AS REAL) AS "energy.scheduler_pj_per_cycle",
       CAST(json_extract(h.hw, '$."area.pe_um2"') AS REAL) AS "area.pe_um2",
       CAST(json_extract(h.hw, '$."bitvert.bidirectional"') AS INTEGER) AS "bitvert.bidirectional"
FROM design_point p
JOIN campaign c ON c.id = p.campaign_id
JOIN workload w ON w.id = p.workload_id
JOIN (SELECT id, CASE WHEN json_valid(hardware_json) THEN hardware_json ELSE '{}' END AS hw
      FROM design_point) h ON h.id = p.id;
)sql";

// Version 5 -> 6: the input-activation statistics of each workload
// (model/accel/activation_stats.hpp): per workload the sources used ("default (53 layers)",
// "recorded: FILE (12 layers), ..."), per layer the value density and its source. Rows stored
// before version 6 read back NULL (unknown).
constexpr const char* kSchemaV6 = R"sql(
ALTER TABLE workload ADD COLUMN act_stats_source TEXT;
ALTER TABLE layer ADD COLUMN act_density REAL;
ALTER TABLE layer ADD COLUMN act_stats_source TEXT;
)sql";

constexpr std::array kMigrations = {
    Migration{0, kSchemaV1}, Migration{1, kSchemaV2}, Migration{2, kSchemaV3},
    Migration{3, kSchemaV4}, Migration{4, kSchemaV5}, Migration{5, kSchemaV6, true},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

std::string point_summary_sql() {
  std::string metrics;
  for (const accel::Metric& m : accel::metrics()) metrics += "p." + std::string(m.name) + ", ";
  return "CREATE VIEW point_summary AS\n"
         "SELECT p.id AS point_id, c.name AS campaign, c.spec_hash AS spec_hash, "
         "w.network AS network, w.weights_source AS weights_source, w.synthetic AS synthetic, "
         "w.weights_origin AS weights_origin, w.content_hash AS workload_hash, "
         "w.superseded AS superseded, p.point_key, p.accel, p.design, p.profile, p.status, "
         "p.error, " +
         metrics +
         "p.hardware_json, p.campaign_id, p.workload_id\n"
         "FROM design_point p\n"
         "JOIN campaign c ON c.id = p.campaign_id\n"
         "JOIN workload w ON w.id = p.workload_id";
}

int schema_version() { return static_cast<int>(kMigrations.size()); }

}  // namespace bbs::dse
