// The metric columns of a result store, from the metric table (model/accel/metrics.hpp): which
// exist, adding the missing ones, and the point_summary view generated from them. A new metric
// needs no migration step: a store gains its column (NULL in older rows) when next opened for
// writing; a store opened read-only before that reads the metric as unknown (NaN).
#include <algorithm>
#include <set>

#include "dse/store_impl.hpp"

namespace bbs::dse {

MetricColumns metric_columns(SQLite::Database& db, const std::string& schema,
                             const std::string& table) {
  // table_xinfo's `hidden`: 2 = VIRTUAL, 3 = STORED generated column (sqlite.org/pragma.html).
  std::set<std::string> present, generated;
  SQLite::Statement q(db, "SELECT name, hidden FROM pragma_table_xinfo(?, ?)");
  q.bind(1, table);
  q.bind(2, schema);
  while (q.executeStep()) {
    const std::string name = q.getColumn(0).getString();
    present.insert(name);
    if (q.getColumn(1).getInt() >= 2) generated.insert(name);
  }
  MetricColumns columns;
  for (const accel::Metric& m : accel::metrics()) {
    const std::string name(m.name);
    const bool wanted = table != "layer_result" || m.per_layer();
    columns.present.push_back(wanted && present.count(name) ? 1 : 0);
    columns.writable.push_back(wanted && present.count(name) && !generated.count(name) ? 1 : 0);
  }
  return columns;
}

bool reads_as(std::span<const Migration> migrations, int version, int target) {
  for (int v = std::max(version, 0); v < target; ++v)
    if (!migrations[std::size_t(v)].adds_nullable_columns_only) return false;
  return true;
}

std::string column_or_null(SQLite::Database& db, const std::string& schema,
                           const std::string& table, const std::string& column,
                           const std::string& prefix) {
  SQLite::Statement q(db, "SELECT count(*) FROM pragma_table_info(?, ?) WHERE name = ?");
  q.bind(1, table);
  q.bind(2, schema);
  q.bind(3, column);
  q.executeStep();
  return q.getColumn(0).getInt() > 0 ? prefix + column : "NULL";
}

std::string column_list(const std::vector<char>& which, const std::string& prefix) {
  std::string list;
  for (std::size_t i = 0; i < which.size(); ++i)
    if (which[i]) list += ", " + prefix + std::string(accel::metrics()[i].name);
  return list;
}

void sync_metric_columns(SQLite::Database& db) {
  for (const char* table : {"design_point", "layer_result"}) {
    const MetricColumns have = metric_columns(db, "main", table);
    for (std::size_t i = 0; i < have.present.size(); ++i) {
      const accel::Metric& m = accel::metrics()[i];
      const bool wanted = std::string_view(table) != "layer_result" || m.per_layer();
      if (wanted && !have.present[i])
        db.exec("ALTER TABLE " + std::string(table) + " ADD COLUMN " + std::string(m.name) + " " +
                std::string(m.sql_type()));
    }
  }
  const std::string view = point_summary_sql();
  SQLite::Statement q(db, "SELECT sql FROM sqlite_schema WHERE type = 'view' AND name = ?");
  q.bind(1, "point_summary");
  if (q.executeStep() && q.getColumn(0).getString() == view) return;
  q.reset();
  db.exec("DROP VIEW IF EXISTS point_summary");
  db.exec(view);
}

}  // namespace bbs::dse
