#include "dse/campaign.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "dse/objective.hpp"
#include "networks/io/input_file.hpp"
#include "networks/member_count.hpp"
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
                 const std::vector<std::string_view>& allowed) const {
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

// An axis: a list of values, { range = [lo, hi], step = s } or { log2_range = [lo, hi] }. A range
// is kept as (low, step, count), checked so that no value overflows.
Axis parse_axis(const Reader& r, const std::string& key, const toml::node& node,
                const std::string& path) {
  Axis axis{key, {}};
  if (const auto* list = node.as_array()) {
    for (const auto& item : *list) {
      const std::string text = value_text(item);
      if (text.empty()) r.fail(&item, path, "has a value that is not a number, string or boolean");
      axis.values.push_back(text);
    }
    if (axis.values.empty()) r.fail(&node, path, "has no values");
    return axis;
  }
  const auto* spec = node.as_table();
  if (!spec) r.fail(&node, path, "expects a list of values or a { range / log2_range } table");
  r.only_keys(*spec, path + ".", {"range", "step", "log2_range"});
  axis.log2 = spec->contains("log2_range");
  if (axis.log2 && spec->contains("range"))
    r.fail(&node, path, "has both range and log2_range (expected one of them)");
  if (axis.log2 && spec->contains("step"))
    r.fail(spec->get("step"), path + ".step",
           "does not apply to log2_range (its values double); use range with step");
  const toml::node* bounds = spec->get(axis.log2 ? "log2_range" : "range");
  const auto* pair = bounds ? bounds->as_array() : nullptr;
  if (!pair || pair->size() != 2 || !(*pair)[0].as_integer() || !(*pair)[1].as_integer())
    r.fail(bounds ? bounds : &node, path,
           "expects range = [low, high] or log2_range = [low, high] with integers");
  const std::int64_t low = (*pair)[0].as_integer()->get(), high = (*pair)[1].as_integer()->get();
  const std::int64_t step = axis.log2 ? 1 : r.integer(*spec, "step", path + ".step", 1);
  if (low > high || step < 1 || (axis.log2 && low < 1))
    r.fail(&node, path, "needs low <= high, step >= 1 (log2_range: low >= 1)");
  axis.low = low;
  axis.step = step;
  if (axis.log2) {
    axis.count = 1;
    for (std::int64_t v = low; v <= high / 2; v *= 2) ++axis.count;  // 2v <= high: no overflow
  } else {
    // high - low fits an unsigned 64-bit integer; the count of an [INT64_MIN, INT64_MAX] range
    // with step 1 (2^64) does not fit an int64 and is refused.
    const std::uint64_t steps = (std::uint64_t(high) - std::uint64_t(low)) / std::uint64_t(step);
    if (steps >= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
      r.fail(&node, path, "has " + std::to_string(steps) + " + 1 values; expected fewer than 2^63");
    axis.count = std::int64_t(steps) + 1;
  }
  return axis;
}

// The line of every key in the file, by the paths errors use ("design[0].axes.array.rows").
void record_lines(const toml::node& node, const std::string& path,
                  std::map<std::string, int>& out) {
  if (!path.empty()) out.emplace(path, int(node.source().begin.line));
  if (const auto* table = node.as_table()) {
    for (const auto& [key, child] : *table)
      record_lines(
          child, path.empty() ? std::string(key.str()) : path + "." + std::string(key.str()), out);
  } else if (const auto* array = node.as_array(); array && array->is_array_of_tables()) {
    for (std::size_t i = 0; i < array->size(); ++i)
      record_lines(*array->get(i), path + "[" + std::to_string(i) + "]", out);
  }
}
using FieldKind = WorkloadField::Kind;
constexpr std::array kWorkloadFields = {
    WorkloadField{"network", FieldKind::Network, &WorkloadSpec::network},
    WorkloadField{"weights", FieldKind::File, &WorkloadSpec::weights},
    WorkloadField{"seed", FieldKind::Seed, nullptr, nullptr, &WorkloadSpec::seed},
    WorkloadField{"batch", FieldKind::Integer, nullptr, &WorkloadSpec::batch},
    WorkloadField{"image_size", FieldKind::Integer, nullptr, &WorkloadSpec::image_size},
    WorkloadField{"seq_len", FieldKind::Integer, nullptr, &WorkloadSpec::sequence_length},
    WorkloadField{"kv_length", FieldKind::Integer, nullptr, &WorkloadSpec::kv_length},
    WorkloadField{"phase", FieldKind::Text, &WorkloadSpec::phase},
    WorkloadField{"sensitive_channels", FieldKind::File, &WorkloadSpec::sensitive_channels},
    WorkloadField{"activations", FieldKind::File, &WorkloadSpec::activations},
    WorkloadField{"relu_density", FieldKind::Number, nullptr, nullptr, nullptr,
                  &WorkloadSpec::relu_density},
};

// A member added to WorkloadSpec without a row above stops the build.
static_assert(member_count<WorkloadSpec>() == kWorkloadFields.size(),
              "every WorkloadSpec member needs a row in kWorkloadFields (its TOML key and kind)");

WorkloadSpec parse_workload(const Reader& r, const toml::table& t, const std::string& path) {
  std::vector<std::string_view> keys;
  for (const WorkloadField& f : kWorkloadFields) keys.push_back(f.key);
  r.only_keys(t, path + ".", keys);
  WorkloadSpec w;
  for (const WorkloadField& f : kWorkloadFields) {
    const std::string key = path + "." + std::string(f.key);
    switch (f.kind) {
      case FieldKind::Network:
        w.*f.text = r.string(t, f.key, key);  // required
        break;
      case FieldKind::File:
      case FieldKind::Text:
        w.*f.text = r.string(t, f.key, key, w.*f.text);
        break;
      case FieldKind::Integer:
        w.*f.integer = r.integer(t, f.key, key, w.*f.integer);
        break;
      case FieldKind::Seed:
        w.*f.seed = std::uint64_t(r.integer(t, f.key, key, std::int64_t(w.*f.seed)));
        break;
      case FieldKind::Number:
        w.*f.number = r.number(t, f.key, key);
        if (w.*f.number && !(*(w.*f.number) > 0 && *(w.*f.number) <= 1))
          r.fail(t.get(f.key), key, "expects a density in (0, 1]");
        break;
    }
  }
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
  const std::int64_t population = r.integer(t, "population", "strategy.population", 64);
  const std::int64_t generations = r.integer(t, "generations", "strategy.generations", 20);
  if (population < 2 || population > kMaxPopulation)
    r.fail(
        t.get("population"), "strategy.population",
        "is " + std::to_string(population) + "; expected 2 to " + std::to_string(kMaxPopulation));
  if (generations < 0 || generations > std::numeric_limits<int>::max())
    r.fail(t.get("generations"), "strategy.generations",
           "is " + std::to_string(generations) + "; expected 0 to " +
               std::to_string(std::numeric_limits<int>::max()) +
               " (the search also stops once every point of the space is evaluated)");
  s.population = int(population);
  s.generations = int(generations);
  if (s.kind == StrategyKind::Random && s.samples < 1)
    r.fail(t.get("samples"), "strategy.samples", "must be >= 1 for random sampling");
  if (s.samples < 0 || s.samples > kMaxPointsPerRun)
    r.fail(t.get("samples"), "strategy.samples",
           "is " + std::to_string(s.samples) + "; expected 1 to " +
               std::to_string(kMaxPointsPerRun) + " (the points one run evaluates)");
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

std::int64_t Axis::size() const { return values.empty() ? count : std::int64_t(values.size()); }

std::string Axis::value(std::int64_t index) const {
  if (!values.empty()) return values[std::size_t(index)];
  return std::to_string(log2 ? low << index : low + index * step);
}

std::string CampaignSpec::where(const std::string& key) const {
  const auto line = key_lines.find(key);
  return source + (line == key_lines.end() ? "" : ":" + std::to_string(line->second)) + ": key '" +
         key + "'";
}
std::span<const WorkloadField> workload_fields() { return kWorkloadFields; }

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
  for (const auto& o : c.objectives)
    if (!find_objective(o))
      r.fail(root.get("objectives"), "objectives",
             "has '" + o + "' (expected one of: " + objective_names() + ")");
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
    if (c.constraints.iso_multipliers && *c.constraints.iso_multipliers < 1)
      r.fail(t->get("iso_multipliers"), "constraints.iso_multipliers",
             "is " + std::to_string(*c.constraints.iso_multipliers) + "; expected >= 1");
    c.constraints.max_area_mm2 = r.number(*t, "max_area_mm2", "constraints.max_area_mm2");
    c.constraints.max_power_w = r.number(*t, "max_power_w", "constraints.max_power_w");
    // A NaN bound would compare false against every point and silently disable the constraint.
    for (const auto& [key, bound] : {std::pair{"max_area_mm2", c.constraints.max_area_mm2},
                                     std::pair{"max_power_w", c.constraints.max_power_w}})
      if (bound && !(std::isfinite(*bound) && *bound > 0))
        r.fail(t->get(key), std::string("constraints.") + key,
               "is " + std::to_string(*bound) + "; expected a finite number > 0");
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
  record_lines(root, "", c.key_lines);
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

// The built-in campaigns are the TOML files of data/campaigns/, by stem, sorted.
std::vector<std::string> builtin_campaigns() {
  const std::filesystem::path dir = std::filesystem::path(BBS_DSE_DATA_DIR) / "campaigns";
  if (!std::filesystem::is_directory(dir))
    throw Error(dir.string() + ": built-in campaigns not found");
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

CampaignSpec builtin_campaign(std::string_view name) {
  std::string names;
  for (const auto& known : builtin_campaigns()) {
    if (known == name)
      return load_campaign(std::filesystem::path(BBS_DSE_DATA_DIR) / "campaigns" /
                           (std::string(name) + ".toml"));
    names += (names.empty() ? "" : ", ") + known;
  }
  throw Error("unknown built-in campaign '" + std::string(name) + "': expected one of " + names);
}

}  // namespace bbs::dse
