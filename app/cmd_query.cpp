// bbs-dse query and merge: reading result databases (opened read-only) and combining shards.
#include <algorithm>
#include <iostream>

#include "app/commands.hpp"
#include "app/report.hpp"
#include "dse/result_store.hpp"
#include "networks/tensor.hpp"

namespace bbs::app {
namespace {

std::string metric_column(const std::string& metric) {
  if (metric == "latency") return "time_s";
  if (metric == "energy") return "energy_pj";
  if (metric == "edp") return "edp";
  if (metric == "area") return "area_mm2";
  throw Error("metric '" + metric + "': expected latency, energy, edp or area");
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string campaign_filter(const QueryOptions& o, const std::string& prefix) {
  return o.campaign.empty() ? "" : prefix + " campaign = " + quoted(o.campaign);
}

Table table_of(const std::string& title, const dse::QueryResult& result) {
  std::vector<Column> columns;
  for (const auto& c : result.columns) columns.push_back({c});
  Table t(title, columns);
  for (const auto& row : result.rows) t.add_row(std::vector<Cell>(row.begin(), row.end()));
  return t;
}

// Points of the result not dominated in both metrics (lower is better), in ascending first metric.
dse::QueryResult pareto_front(const dse::QueryResult& all) {
  dse::QueryResult front{all.columns, {}};
  auto value = [](const std::vector<std::string>& row, std::size_t i) { return std::stod(row[i]); };
  const std::size_t a = all.columns.size() - 2, b = all.columns.size() - 1;
  for (const auto& row : all.rows) {
    const bool dominated = std::any_of(all.rows.begin(), all.rows.end(), [&](const auto& other) {
      return value(other, a) <= value(row, a) && value(other, b) <= value(row, b) &&
             (value(other, a) < value(row, a) || value(other, b) < value(row, b));
    });
    if (!dominated) front.rows.push_back(row);
  }
  std::sort(front.rows.begin(), front.rows.end(),
            [&](const auto& x, const auto& y) { return value(x, a) < value(y, a); });
  return front;
}

}  // namespace

int run_query(const QueryOptions& o) {
  const OutputFormat format = parse_output_format(o.format);
  dse::ResultStore store = dse::ResultStore::open(o.db, dse::ResultStore::Mode::ReadOnly);
  std::vector<Table> tables;
  if (!o.sql.empty()) {
    tables.push_back(table_of("sql", store.sql(o.sql)));
  } else if (o.point > 0) {
    tables.push_back(table_of("layers of point " + std::to_string(o.point),
                              store.sql("SELECT * FROM layer_result WHERE point_id = " +
                                        std::to_string(o.point) + " ORDER BY layer_idx")));
  } else if (!o.pareto.empty()) {
    const auto comma = o.pareto.find(',');
    if (comma == std::string::npos) throw Error("--pareto '" + o.pareto + "': expected A,B");
    const std::string x = metric_column(o.pareto.substr(0, comma));
    const std::string y = metric_column(o.pareto.substr(comma + 1));
    const std::string query = "SELECT point_id, campaign, network, design, profile, point_key, " +
                              x + ", " + y + " FROM point_summary WHERE status = 'done'" +
                              campaign_filter(o, " AND");
    tables.push_back(table_of("pareto " + o.pareto, pareto_front(store.sql(query))));
  } else if (o.top > 0) {
    const std::string column = metric_column(o.by);
    tables.push_back(table_of(
        "top " + std::to_string(o.top) + " by " + o.by,
        store.sql("SELECT point_id, campaign, network, design, point_key, time_s, energy_pj, edp, "
                  "area_mm2 FROM point_summary WHERE status = 'done'" +
                  campaign_filter(o, " AND") + " ORDER BY " + column + " LIMIT " +
                  std::to_string(o.top))));
  } else if (o.baseline) {
    tables.push_back(table_of("against the stripes baseline",
                              store.sql("SELECT * FROM point_vs_baseline" +
                                        campaign_filter(o, " WHERE") + " ORDER BY point_id")));
  } else {
    tables.push_back(table_of(
        "campaigns",
        store.sql("SELECT campaign, network, design, profile, count(*) AS points, "
                  "sum(status = 'done') AS done, sum(status = 'failed') AS failed, "
                  "min(time_s) AS best_time_s, min(energy_pj) AS best_energy_pj FROM "
                  "point_summary" +
                  campaign_filter(o, " WHERE") +
                  " GROUP BY campaign, network, design, profile ORDER BY campaign, network, "
                  "design")));
  }
  print_tables(std::cout, tables, format);
  return 0;
}

int run_merge(const std::string& output, const std::vector<std::string>& shards) {
  dse::ResultStore store = dse::ResultStore::open(output);
  for (const auto& shard : shards) {
    const dse::MergeStats s = store.merge_from(shard);
    std::cerr << "merged " << shard << ": " << s.points_added << " points added, "
              << s.points_skipped << " already present, " << s.analyses_added
              << " analyses added\n";
  }
  return 0;
}

}  // namespace bbs::app
