// bbs-dse query and merge: reading result databases (opened read-only) and combining shards.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <tuple>

#include "app/commands.hpp"
#include "app/report.hpp"
#include "dse/objective.hpp"
#include "dse/result_store.hpp"
#include "networks/tensor.hpp"

namespace bbs::app {
namespace {

const dse::Objective& metric(const std::string& name, const std::string& flag) {
  if (const dse::Objective* o = dse::find_objective(name)) return *o;
  throw Error(flag + " '" + name + "': expected one of " + dse::objective_names());
}

std::string select(const dse::Objective& o) { return o.expression + " AS " + o.column; }
// Best first; NULL (weight_sqnr_db of unchanged weights) sorts as the objective's if_null.
// Unknown values (an area when area.pe_um2 = 0) are left out: they rank worst.
std::string order(const dse::Objective& o) {
  const bool null_first = o.maximise == (o.if_null > 0);
  return o.expression + (o.maximise ? " DESC" : "") + (null_first ? " NULLS FIRST" : " NULLS LAST");
}

std::vector<const dse::Objective*> metrics(const std::string& list) {
  std::vector<const dse::Objective*> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    out.push_back(&metric(list.substr(start, comma - start), "--pareto"));
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
// A point with an unknown value (cost +inf: an area when area.pe_um2 = 0) is never on the front.
dse::QueryResult pareto_front(const dse::QueryResult& all,
                              const std::vector<const dse::Objective*>& metrics) {
  const std::size_t first = all.columns.size() - metrics.size();
  auto cost = [&](const std::vector<std::string>& row, std::size_t m) {
    const std::string& text = row[first + m];
    const double v = text == "NULL" ? metrics[m]->if_null : std::stod(text);
    return metrics[m]->maximise ? -v : v;
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
  auto unknown = [&](const auto& row) {
    for (std::size_t m = 0; m < metrics.size(); ++m)
      if (cost(row, m) == dse::Objective::kWorst) return true;
    return false;
  };
  dse::QueryResult front{all.columns, {}};
  for (const auto& row : all.rows)
    if (!unknown(row) && std::none_of(all.rows.begin(), all.rows.end(), [&](const auto& other) {
          return same_group(other, row) && dominates(other, row);
        }))
      front.rows.push_back(row);
  std::stable_sort(front.rows.begin(), front.rows.end(), [&](const auto& x, const auto& y) {
    if (!same_group(x, y)) return std::tie(x[1], x[2]) < std::tie(y[1], y[2]);
    return cost(x, 0) < cost(y, 0);
  });
  return front;
}

// The campaign a name denotes (the newest of that name), or an error listing the stored ones.
dse::CampaignRecord require_campaign(const dse::ResultStore& store, const std::string& name,
                                     const std::string& flag) {
  if (auto found = store.find_campaign(name)) return *found;
  std::string names;
  for (const auto& c : store.campaigns()) names += (names.empty() ? "" : ", ") + c.name;
  throw Error(flag + " '" + name + "': no such campaign in '" + store.path().string() +
              "' (it holds: " + (names.empty() ? "none" : names) + ")");
}

// Per network and design point (point_key, profile) done in both campaigns: B against A.
Table diff_table(dse::ResultStore& store, const std::vector<std::string>& names) {
  const dse::CampaignRecord a = require_campaign(store, names[0], "--diff");
  const dse::CampaignRecord b = require_campaign(store, names[1], "--diff");
  const dse::QueryResult rows = store.sql(
      "SELECT a.network, a.accel, a.profile, a.point_key, a.point_id AS a_point_id, "
      "b.point_id AS b_point_id, b.time_s / a.time_s AS time_ratio, "
      "b.energy_pj / a.energy_pj AS energy_ratio, b.edp / a.edp AS edp_ratio, "
      "b.area_mm2 / a.area_mm2 AS area_ratio FROM point_summary a JOIN point_summary b "
      "ON b.network = a.network AND b.point_key = a.point_key AND b.profile = a.profile "
      "WHERE a.campaign_id = " +
      std::to_string(a.id) + " AND b.campaign_id = " + std::to_string(b.id) +
      " AND a.status = 'done' AND b.status = 'done' ORDER BY a.network, a.point_key, a.profile");
  if (rows.rows.empty())
    throw Error("--diff " + a.name + " " + b.name + ": the campaigns share no done design point " +
                "(same network, point_key and profile); nothing to compare");
  return table_of("diff " + b.name + " / " + a.name + " (per network and design point)", "diff",
                  rows);
}

}  // namespace

int run_query(const QueryOptions& o) {
  dse::ResultStore store = dse::ResultStore::open(o.db, dse::ResultStore::Mode::ReadOnly);
  if (!o.campaign.empty()) require_campaign(store, o.campaign, "--campaign");
  std::vector<Table> tables;
  if (!o.sql.empty()) {
    tables.push_back(table_of("sql", "sql", store.sql(o.sql)));
  } else if (!o.diff.empty()) {
    tables.push_back(diff_table(store, o.diff));
  } else if (o.point) {
    const dse::QueryResult point =
        store.sql("SELECT status, error FROM design_point WHERE id = " + std::to_string(*o.point));
    if (point.rows.empty())
      throw Error("--point " + std::to_string(*o.point) + ": no such design point in '" + o.db +
                  "' (point ids are point_summary.point_id)");
    if (point.rows[0][0] == "failed")
      throw Error("--point " + std::to_string(*o.point) + " failed (" + point.rows[0][1] +
                  "): it has no layer results");
    tables.push_back(table_of("layers of point " + std::to_string(*o.point), "layers",
                              store.sql("SELECT * FROM layer_result WHERE point_id = " +
                                        std::to_string(*o.point) + " ORDER BY layer_idx")));
  } else if (!o.pareto.empty()) {
    const auto objectives = metrics(o.pareto);
    std::string query = "SELECT point_id, campaign, network, accel, profile, point_key";
    for (const dse::Objective* m : objectives) query += ", " + select(*m);
    query +=
        " FROM point_summary WHERE status = 'done' AND NOT superseded" + campaign_filter(o, " AND");
    tables.push_back(table_of("pareto " + o.pareto + " (per campaign and network)", "pareto",
                              pareto_front(store.sql(query), objectives)));
  } else if (o.top > 0) {
    const dse::Objective& by = metric(o.by, "--by");
    tables.push_back(table_of(
        "top " + std::to_string(o.top) + " by " + o.by, "top",
        store.sql("SELECT point_id, campaign, network, accel, point_key, time_s, energy_pj, edp, "
                  "area_mm2, " +
                  select(by) + " FROM point_summary WHERE status = 'done' AND NOT superseded" +
                  (by.null_is_unknown() ? " AND " + by.expression + " IS NOT NULL" : "") +
                  campaign_filter(o, " AND") + " ORDER BY " + order(by) + " LIMIT " +
                  std::to_string(o.top))));
  } else if (o.baseline) {
    tables.push_back(table_of("against the stripes baseline", "baseline",
                              store.sql("SELECT * FROM point_vs_baseline" +
                                        campaign_filter(o, " WHERE") + " ORDER BY point_id")));
    // The paper's summary: per design point, the geometric mean over the networks.
    tables.push_back(table_of(
        "geomean over networks", "geomean",
        store.sql("SELECT campaign, accel, profile, point_key, count(*) AS networks, "
                  "exp(avg(ln(speedup))) AS speedup, exp(avg(ln(energy_ratio))) AS energy_ratio, "
                  "exp(avg(ln(edp_ratio))) AS edp_ratio FROM point_vs_baseline "
                  "WHERE baseline_id IS NOT NULL" +
                  campaign_filter(o, " AND") +
                  " GROUP BY campaign, accel, profile, point_key "
                  "ORDER BY campaign, accel, profile, point_key")));
  } else {
    tables.push_back(table_of(
        "campaigns", "campaigns",
        // The columns a reader scans first lead (a 100-column terminal shows those).
        store.sql("SELECT campaign, network, accel, profile, count(*) AS points, "
                  "sum(status = 'done') AS done, sum(status = 'failed') AS failed, "
                  "min(time_s) AS best_time_s, min(energy_pj) AS best_energy_pj, design, "
                  "CASE WHEN superseded THEN 'superseded' "
                  "WHEN workload_hash IS NULL THEN 'unverified (before schema 4)' "
                  "ELSE 'current' END AS workload, substr(workload_hash, 1, 12) AS "
                  "workload_hash, weights_origin FROM point_summary" +
                  campaign_filter(o, " WHERE") +
                  " GROUP BY campaign, workload_id, accel, design, profile ORDER BY campaign, "
                  "network, superseded, workload_id, accel, profile")));
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
