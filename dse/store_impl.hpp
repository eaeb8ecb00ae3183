// Internal to bbs_dse_store: the connection behind a ResultStore, shared by the files that
// implement its parts (result_store.cpp, store_merge.cpp, store_analysis.cpp).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dse/result_store.hpp"
#include "networks/tensor.hpp"

namespace bbs::dse {

std::string quoted(const std::filesystem::path& path);
// Now as ISO 8601 UTC ("2026-11-27T14:00:00Z").
std::string now_utc();
// Turns a SQLite failure into a bbs::Error that names the file and what was expected.
[[noreturn]] void fail_sqlite(const std::filesystem::path& file, const std::string& doing,
                              const SQLite::Exception& e, int busy_timeout_ms);

// The metric columns (model/accel/metrics.hpp) one table of a store has, by metric index.
struct MetricColumns {
  std::vector<char> present;   // readable
  std::vector<char> writable;  // present and not computed by the database (GENERATED)
};

// The metric columns of `table` ("design_point" or "layer_result") in attached schema `schema`.
MetricColumns metric_columns(SQLite::Database& db, const std::string& schema,
                             const std::string& table);
// Adds every metric column the store lacks (NULL in the rows stored before) and makes
// point_summary the view the metric table generates (point_summary_sql). Idempotent; run in one
// IMMEDIATE transaction by a writer after the built-in migrations.
void sync_metric_columns(SQLite::Database& db);
// Whether a file at schema `version` reads like one at `target`: every step between only adds
// nullable columns (Migration::adds_nullable_columns_only).
bool reads_as(std::span<const Migration> migrations, int version, int target);
// `prefix` + `column` when `table` of attached schema `schema` has it, else "NULL" (a column
// added by a later nullable-only step, read from an older file).
std::string column_or_null(SQLite::Database& db, const std::string& schema,
                           const std::string& table, const std::string& column,
                           const std::string& prefix = "");
// ", name, name, ..." of the columns flagged in `which`, each prefixed with `prefix`.
std::string column_list(const std::vector<char>& which, const std::string& prefix);

struct ResultStore::Impl {
  Impl(std::filesystem::path file, const std::string& uri, Mode open_mode, const Options& options,
       int flags)
      : path(std::move(file)),
        mode(open_mode),
        busy_timeout_ms(options.busy_timeout_ms),
        db(uri, flags, options.busy_timeout_ms) {}

  std::filesystem::path path;
  Mode mode;
  int busy_timeout_ms;
  SQLite::Database db;
  int version = 0;
  std::optional<SQLite::Statement> insert_point, insert_layer;
  MetricColumns point_columns, layer_columns;  // read when the store opens (after the sync)

  // Runs `body`, translating SQLite failures into bbs::Error.
  template <class F>
  auto guard(const std::string& doing, F&& body) -> decltype(body()) {
    try {
      return body();
    } catch (const SQLite::Exception& e) {
      fail_sqlite(path, doing, e, busy_timeout_ms);
    }
  }

  void require_writable(const char* doing) const {
    if (mode == Mode::ReadOnly) throw Error(quoted(path) + " is open read-only; cannot " + doing);
  }

  void initialise(std::span<const Migration> migrations, const Options& options);
  void check_objects() const;
  void verify(bool full) const;
  void migrate(std::span<const Migration> migrations, int target);
  bool write_point(const PointRecord& point, const std::vector<LayerRecord>& layers);
};

}  // namespace bbs::dse
