// bbs-dse query and merge: reading result databases (opened read-only) and combining shards.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <tuple>

#include "app/commands.hpp"
#include "app/report.hpp"
#include "dse/result_store.hpp"
#include "networks/tensor.hpp"

namespace bbs::app {
namespace {

// An objective: its point_summary expression and the column it is shown as; throughput per area
// (inferences per second and mm2) is the one to maximise.
struct Metric {
  std::string expression, column;
  bool maximise = false;
  std::string select() const { return expression + " AS " + column; }
  std::string order() const { return expression + (maximise ? " DESC" : ""); }
};

Metric metric(const std::string& name) {
  if (name == "latency") return {"time_s", "time_s"};
  if (name == "energy") return {"energy_pj", "energy_pj"};
  if (name == "edp") return {"edp", "edp"};
  if (name == "area") return {"area_mm2", "area_mm2"};
  if (name == "throughput_per_area")
    return {"1.0 / (time_s * area_mm2)", "inferences_per_s_mm2", true};
  throw Error("metric '" + name + "': expected latency, energy, edp, area or throughput_per_area");
}

std::vector<Metric> metrics(const std::string& list) {
  std::vector<Metric> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    out.push_back(metric(list.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() < 2 || out.size() > 3)
    throw Error("--pareto '" + list + "': expected two or three metrics, e.g. latency,energy");
  return out;
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string campaign_filter(const QueryOptions& o, const std::string& prefix) {
  return o.campaign.empty() ? "" : prefix + " campaign = " + quoted(o.campaign);
}

// A database value (rendered as text by ResultStore::sql) as a typed cell: NULL as null, a whole
// integer as an integer, a finite decimal as a double, anything else as text.
Cell typed_cell(const std::string& text) {
  if (text == "NULL") return Null{};
  std::int64_t integer = 0;
  const char* end = text.data() + text.size();
  if (auto [ptr, ec] = std::from_chars(text.data(), end, integer);
      ec == std::errc() && ptr == end && !text.empty())
    return integer;
  double real = 0;
  if (auto [ptr, ec] = std::from_chars(text.data(), end, real);
      ec == std::errc() && ptr == end && !text.empty() && std::isfinite(real))
    return real;
  return text;
}

Table table_of(const std::string& title, const std::string& key, const dse::QueryResult& result) {
  std::vector<Column> columns;
  for (const auto& c : result.columns) columns.push_back({c});
  Table t(title, columns, key);
  for (const auto& row : result.rows) {
    std::vector<Cell> cells;
    for (const auto& value : row) cells.push_back(typed_cell(value));
    t.add_row(std::move(cells));
  }
  return t;
}

// Per (campaign, network): the points no other point dominates (no worse in every metric, better
// in one; the last metrics.size() columns, maximised ones negated), by ascending first metric.
dse::QueryResult pareto_front(const dse::QueryResult& all, const std::vector<Metric>& metrics) {
  const std::size_t first = all.columns.size() - metrics.size();
  auto cost = [&](const std::vector<std::string>& row, std::size_t m) {
    const double v = std::stod(row[first + m]);
    return metrics[m].maximise ? -v : v;
  };
  auto dominates = [&](const auto& a, const auto& b) {
    bool better = false;
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (cost(a, m) > cost(b, m)) return false;
      better = better || cost(a, m) < cost(b, m);
    }
    return better;
  };
  auto same_group = [](const auto& a, const auto& b) { return a[1] == b[1] && a[2] == b[2]; };
  dse::QueryResult front{all.columns, {}};
  for (const auto& row : all.rows)
    if (std::none_of(all.rows.begin(), all.rows.end(), [&](const auto& other) {
          return same_group(other, row) && dominates(other, row);
        }))
      front.rows.push_back(row);
  std::stable_sort(front.rows.begin(), front.rows.end(), [&](const auto& x, const auto& y) {
    if (!same_group(x, y)) return std::tie(x[1], x[2]) < std::tie(y[1], y[2]);
    return cost(x, 0) < cost(y, 0);
  });
  return front;
}

}  // namespace

int run_query(const QueryOptions& o) {
  dse::ResultStore store = dse::ResultStore::open(o.db, dse::ResultStore::Mode::ReadOnly);
  std::vector<Table> tables;
  if (!o.sql.empty()) {
    tables.push_back(table_of("sql", "sql", store.sql(o.sql)));
  } else if (o.point > 0) {
    tables.push_back(table_of("layers of point " + std::to_string(o.point), "layers",
                              store.sql("SELECT * FROM layer_result WHERE point_id = " +
                                        std::to_string(o.point) + " ORDER BY layer_idx")));
  } else if (!o.pareto.empty()) {
    const std::vector<Metric> objectives = metrics(o.pareto);
    std::string query = "SELECT point_id, campaign, network, accel, profile, point_key";
    for (const Metric& m : objectives) query += ", " + m.select();
    query += " FROM point_summary WHERE status = 'done'" + campaign_filter(o, " AND");
    tables.push_back(table_of("pareto " + o.pareto + " (per campaign and network)", "pareto",
                              pareto_front(store.sql(query), objectives)));
  } else if (o.top > 0) {
    const Metric by = metric(o.by);
    tables.push_back(table_of(
        "top " + std::to_string(o.top) + " by " + o.by, "top",
        store.sql("SELECT point_id, campaign, network, accel, point_key, time_s, energy_pj, edp, "
                  "area_mm2, " +
                  by.select() + " FROM point_summary WHERE status = 'done'" +
                  campaign_filter(o, " AND") + " ORDER BY " + by.order() + " LIMIT " +
                  std::to_string(o.top))));
  } else if (o.baseline) {
    tables.push_back(table_of("against the stripes baseline", "baseline",
                              store.sql("SELECT * FROM point_vs_baseline" +
                                        campaign_filter(o, " WHERE") + " ORDER BY point_id")));
  } else {
    tables.push_back(table_of(
        "campaigns", "campaigns",
        store.sql("SELECT campaign, network, design, profile, count(*) AS points, "
                  "sum(status = 'done') AS done, sum(status = 'failed') AS failed, "
                  "min(time_s) AS best_time_s, min(energy_pj) AS best_energy_pj FROM "
                  "point_summary" +
                  campaign_filter(o, " WHERE") +
                  " GROUP BY campaign, network, design, profile ORDER BY campaign, network, "
                  "design")));
  }
  print_tables(std::cout, tables, o.report);
  return 0;
}

int run_merge(const std::string& output, const std::vector<std::string>& shards,
              const OutputOptions& options) {
  dse::ResultStore store = dse::ResultStore::open(output);
  Table merged("merged", {{"shard"}, {"points_added"}, {"points_skipped"}, {"analyses_added"}});
  for (const auto& shard : shards) {
    const dse::MergeStats s = store.merge_from(shard);
    std::cerr << "merged " << shard << ": " << s.points_added << " points added, "
              << s.points_skipped << " already present, " << s.analyses_added
              << " analyses added\n";
    merged.add_row({shard, s.points_added, s.points_skipped, s.analyses_added});
  }
  // The human lines above are the table form; json and csv also get the counts on stdout.
  if (parse_output_format(options.format) != OutputFormat::Table)
    print_tables(std::cout, {merged}, options);
  return 0;
}

}  // namespace bbs::app
