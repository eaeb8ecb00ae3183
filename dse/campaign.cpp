#include "dse/campaign.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "networks/io/input_file.hpp"
#include "networks/tensor.hpp"

namespace bbs::dse {
namespace {

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& key,
                         const std::string& problem) const {
    std::string where = source_;
    if (node) where += ":" + std::to_string(node->source().begin.line);
    throw Error(where + ": key '" + key + "' " + problem);
  }

  // Unknown keys are errors: a typo must not silently fall back to a default.
  void only_keys(const toml::table& table, const std::string& prefix,
                 std::initializer_list<std::string_view> allowed) const {
    for (const auto& [name, node] : table) {
      bool known = false;
      for (auto a : allowed) known = known || name.str() == a;
      if (known) continue;
      std::string expected;
      for (auto a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
      fail(&node, prefix + std::string(name.str()),
           "is unknown (expected one of: " + expected + ")");
    }
  }

  std::string string(const toml::table& t, std::string_view key, const std::string& path,
                     std::optional<std::string> fallback = std::nullopt) const {
    const toml::node* node = t.get(key);
    if (!node) {
      if (fallback) return *fallback;
      fail(nullptr, path, "is missing (expected a string)");
    }
    if (const auto* s = node->as_string()) return s->get();
    fail(node, path, "expects a string");
  }

  std::int64_t integer(const toml::table& t, std::string_view key, const std::string& path,
                       std::int64_t fallback) const {
    const toml::node* node = t.get(key);
    if (!node) return fallback;
    if (const auto* i = node->as_integer()) return i->get();
    fail(node, path, "expects an integer");
  }

  std::optional<double> number(const toml::table& t, std::string_view key,
                               const std::string& path) const {
    const toml::node* node = t.get(key);
    if (!node) return std::nullopt;
    if (const auto* i = node->as_integer()) return double(i->get());
    if (const auto* f = node->as_floating_point()) return f->get();
    fail(node, path, "expects a number");
  }

  bool boolean(const toml::table& t, std::string_view key, const std::string& path) const {
    const toml::node* node = t.get(key);
    if (!node) return false;
    if (const auto* b = node->as_boolean()) return b->get();
    fail(node, path, "expects true or false");
  }

  std::vector<std::string> strings(const toml::table& t, std::string_view key,
                                   const std::string& path) const {
    std::vector<std::string> out;
    const toml::node* node = t.get(key);
    if (!node) return out;
    const auto* array = node->as_array();
    if (!array) fail(node, path, "expects an array of strings");
    for (const auto& item : *array) {
      const auto* s = item.as_string();
      if (!s) fail(&item, path, "expects an array of strings");
      out.push_back(s->get());
    }
    return out;
  }

  const toml::table* table(const toml::table& t, std::string_view key,
                           const std::string& path) const {
    const toml::node* node = t.get(key);
    if (!node) return nullptr;
    if (const auto* tab = node->as_table()) return tab;
    fail(node, path, "expects a table");
  }

  std::vector<const toml::table*> tables(const toml::table& t, std::string_view key) const {
    std::vector<const toml::table*> out;
    const toml::node* node = t.get(key);
    if (!node) return out;
    const auto* array = node->as_array();
    if (!array)
      fail(node, std::string(key), "expects an array of tables ([[" + std::string(key) + "]])");
    for (const auto& item : *array) {
      const auto* tab = item.as_table();
      if (!tab) fail(&item, std::string(key), "expects an array of tables");
      out.push_back(tab);
    }
    return out;
  }

 private:
  std::string source_;
};

std::string value_text(const toml::node& node) {
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* f = node.as_floating_point()) {
    std::ostringstream text;
    text.precision(17);
    text << f->get();
    return text.str();
  }
  return {};
}

// An axis: a list of values, { range = [lo, hi], step = s } or { log2_range = [lo, hi] }.
Axis parse_axis(const Reader& r, const std::string& key, const toml::node& node,
                const std::string& path) {
  Axis axis{key, {}};
  if (const auto* list = node.as_array()) {
    for (const auto& item : *list) {
      const std::string text = value_text(item);
      if (text.empty()) r.fail(&item, path, "has a value that is not a number, string or boolean");
      axis.values.push_back(text);
    }
  } else if (const auto* spec = node.as_table()) {
    r.only_keys(*spec, path + ".", {"range", "step", "log2_range"});
    const bool log2 = spec->contains("log2_range");
    const toml::node* bounds = spec->get(log2 ? "log2_range" : "range");
    const auto* pair = bounds ? bounds->as_array() : nullptr;
    if (!pair || pair->size() != 2 || !(*pair)[0].as_integer() || !(*pair)[1].as_integer())
      r.fail(bounds ? bounds : &node, path,
             "expects range = [low, high] or log2_range = [low, high] "
             "with integers");
    const std::int64_t low = (*pair)[0].as_integer()->get(), high = (*pair)[1].as_integer()->get();
    const std::int64_t step = r.integer(*spec, "step", path + ".step", 1);
    if (low > high || step < 1 || (log2 && low < 1))
      r.fail(&node, path, "needs low <= high, step >= 1 (log2_range: low >= 1)");
    for (std::int64_t v = low; v <= high; v = log2 ? v * 2 : v + step)
      axis.values.push_back(std::to_string(v));
  } else {
    r.fail(&node, path, "expects a list of values or a { range / log2_range } table");
  }
  if (axis.values.empty()) r.fail(&node, path, "has no values");
  return axis;
}

WorkloadSpec parse_workload(const Reader& r, const toml::table& t, const std::string& path) {
  r.only_keys(
      t, path + ".",
      {"network", "weights", "seed", "batch", "image_size", "seq_len", "phase", "kv_length"});
  WorkloadSpec w;
  w.network = r.string(t, "network", path + ".network");
  w.weights = r.string(t, "weights", path + ".weights", "");
  w.seed = std::uint64_t(r.integer(t, "seed", path + ".seed", 1));
  w.batch = r.integer(t, "batch", path + ".batch", 1);
  w.image_size = r.integer(t, "image_size", path + ".image_size", 0);
  w.sequence_length = r.integer(t, "seq_len", path + ".seq_len", 0);
  w.kv_length = r.integer(t, "kv_length", path + ".kv_length", 0);
  w.phase = r.string(t, "phase", path + ".phase", "prefill");
  return w;
}

DesignSpec parse_design(const Reader& r, const toml::table& t, const std::string& path) {
  r.only_keys(t, path + ".", {"accel", "set", "workloads", "axes"});
  DesignSpec d;
  d.accel = r.string(t, "accel", path + ".accel");
  d.sets = r.strings(t, "set", path + ".set");
  d.workloads = r.strings(t, "workloads", path + ".workloads");
  if (const toml::table* axes = r.table(t, "axes", path + ".axes"))
    for (const auto& [key, node] : *axes)
      d.axes.push_back(
          parse_axis(r, std::string(key.str()), node, path + ".axes." + std::string(key.str())));
  return d;
}

Strategy parse_strategy(const Reader& r, const toml::table& t) {
  r.only_keys(t, "strategy.", {"kind", "samples", "seed", "population", "generations"});
  Strategy s;
  const std::string kind = r.string(t, "kind", "strategy.kind", "grid");
  if (kind == "grid")
    s.kind = StrategyKind::Grid;
  else if (kind == "random")
    s.kind = StrategyKind::Random;
  else if (kind == "nsga2")
    s.kind = StrategyKind::Nsga2;
  else
    r.fail(t.get("kind"), "strategy.kind", "must be grid, random or nsga2, not '" + kind + "'");
  s.samples = r.integer(t, "samples", "strategy.samples", 0);
  s.seed = std::uint64_t(r.integer(t, "seed", "strategy.seed", 1));
  s.population = int(r.integer(t, "population", "strategy.population", 64));
  s.generations = int(r.integer(t, "generations", "strategy.generations", 20));
  if (s.kind == StrategyKind::Random && s.samples < 1)
    r.fail(t.get("samples"), "strategy.samples", "must be >= 1 for random sampling");
  return s;
}

std::string fnv1a_hex(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace

bool DesignSpec::applies_to(const WorkloadSpec& w) const {
  return workloads.empty() ||
         std::find(workloads.begin(), workloads.end(), w.network) != workloads.end();
}

CampaignSpec parse_campaign(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw Error(source + ":" + std::to_string(e.source().begin.line) + ":" +
                std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  const Reader r(source);
  r.only_keys(root, "",
              {"name", "profile", "defects", "objectives", "workload", "design", "constraints",
               "strategy"});
  CampaignSpec c;
  c.name = r.string(root, "name", "name");
  c.profile = r.string(root, "profile", "profile", "corrected");
  c.defects = r.strings(root, "defects", "defects");
  if (root.contains("objectives")) c.objectives = r.strings(root, "objectives", "objectives");
  const std::set<std::string> known{"latency", "energy", "edp", "area", "throughput_per_area"};
  for (const auto& o : c.objectives)
    if (!known.count(o))
      r.fail(root.get("objectives"), "objectives",
             "has '" + o + "' (expected latency, energy, edp, area, throughput_per_area)");
  const auto workloads = r.tables(root, "workload");
  for (std::size_t i = 0; i < workloads.size(); ++i)
    c.workloads.push_back(parse_workload(r, *workloads[i], "workload[" + std::to_string(i) + "]"));
  const auto designs = r.tables(root, "design");
  for (std::size_t i = 0; i < designs.size(); ++i)
    c.designs.push_back(parse_design(r, *designs[i], "design[" + std::to_string(i) + "]"));
  if (c.workloads.empty()) r.fail(nullptr, "workload", "is missing: add at least one [[workload]]");
  if (c.designs.empty()) r.fail(nullptr, "design", "is missing: add at least one [[design]]");
  for (std::size_t i = 0; i < c.designs.size(); ++i)
    for (const auto& name : c.designs[i].workloads)
      if (std::none_of(c.workloads.begin(), c.workloads.end(),
                       [&](const WorkloadSpec& w) { return w.network == name; }))
        r.fail(designs[i]->get("workloads"), "design[" + std::to_string(i) + "].workloads",
               "names '" + name + "', which is not the network of any [[workload]]");
  if (const toml::table* t = r.table(root, "constraints", "constraints")) {
    r.only_keys(
        *t, "constraints.",
        {"iso_multipliers", "max_area_mm2", "max_power_w", "buffers_hold_layers", "expressions"});
    if (t->contains("iso_multipliers"))
      c.constraints.iso_multipliers =
          r.integer(*t, "iso_multipliers", "constraints.iso_multipliers", 0);
    c.constraints.max_area_mm2 = r.number(*t, "max_area_mm2", "constraints.max_area_mm2");
    c.constraints.max_power_w = r.number(*t, "max_power_w", "constraints.max_power_w");
    c.constraints.buffers_hold_layers =
        r.boolean(*t, "buffers_hold_layers", "constraints.buffers_hold_layers");
    for (const auto& expression : r.strings(*t, "expressions", "constraints.expressions")) {
      try {
        c.constraints.expressions.push_back(MetricExpression::parse(expression));
      } catch (const Error& e) {
        r.fail(t->get("expressions"), "constraints.expressions", std::string("has ") + e.what());
      }
    }
  }
  if (const toml::table* t = r.table(root, "strategy", "strategy"))
    c.strategy = parse_strategy(r, *t);
  c.source = source;
  c.text = std::string(text);
  c.hash = fnv1a_hex(text);
  return c;
}

namespace {

// A workload's network is a file (an ONNX model) rather than a zoo name when it has a folder or
// the .onnx extension; zoo names have neither.
bool names_a_file(const std::string& network) {
  return network.find('/') != std::string::npos || network.ends_with(".onnx");
}

// Relative file paths in a campaign (ONNX networks, weight files) are relative to the campaign
// file's folder, so a campaign runs the same from any working directory. Design workload lists
// that name a resolved network follow it.
void resolve_relative_paths(CampaignSpec& c, const std::filesystem::path& folder) {
  const auto resolved = [&](const std::string& file) {
    const std::filesystem::path p(file);
    return p.is_absolute() ? file : (folder / p).lexically_normal().string();
  };
  for (WorkloadSpec& w : c.workloads) {
    if (!w.weights.empty()) w.weights = resolved(w.weights);
    if (!names_a_file(w.network)) continue;
    const std::string before = w.network;
    w.network = resolved(before);
    for (DesignSpec& d : c.designs)
      std::replace(d.workloads.begin(), d.workloads.end(), before, w.network);
  }
}

}  // namespace

CampaignSpec load_campaign(const std::filesystem::path& path) {
  CampaignSpec c = parse_campaign(io::read_regular_file(path, "the campaign file"), path.string());
  resolve_relative_paths(c, path.parent_path());
  return c;
}

std::vector<std::string> builtin_campaigns() { return {"paper", "bitvert-explore"}; }

CampaignSpec builtin_campaign(std::string_view name) {
  for (const auto& known : builtin_campaigns())
    if (known == name)
      return load_campaign(std::filesystem::path(BBS_DSE_DATA_DIR) / "campaigns" /
                           (std::string(name) + ".toml"));
  throw Error("unknown built-in campaign '" + std::string(name) +
              "': expected paper or bitvert-explore");
}

}  // namespace bbs::dse
