#include "model/accel/hardware_config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <type_traits>
#include <variant>

#include "model/accel/accel_model.hpp"
#include "model/bbs/prune.hpp"
#include "networks/io/input_file.hpp"
#include "networks/tensor.hpp"

namespace bbs::accel {

namespace {

namespace fs = std::filesystem;

// ---- The schema --------------------------------------------------------------------------------

enum class Kind { Integer, Number, String, Boolean };
using Value = SettingValue;

struct Field {
  std::string key;  // dotted: "array.rows"
  Kind kind;
  std::function<void(HardwareConfig&, const Value&)> assign;
  std::function<Value(const HardwareConfig&)> read;
  // Where the default (HardwareConfig{}'s value, or the design's) comes from; empty: no default,
  // every preset sets the key.
  std::string default_source;
  std::vector<std::string> choices;  // a string key's allowed values (empty: any)
  std::string design;                // a design's own parameter: that design
};

template <typename T>
constexpr Kind kind_of() {
  if constexpr (std::is_same_v<T, int>)
    return Kind::Integer;
  else if constexpr (std::is_same_v<T, double>)
    return Kind::Number;
  else if constexpr (std::is_same_v<T, bool>)
    return Kind::Boolean;
  else
    return Kind::String;
}

// `access` is a generic lambda returning a reference to the member, for const and non-const.
template <typename T, typename Access>
Field field(std::string key, Access access, std::string default_source = {}) {
  Field f;
  f.key = std::move(key);
  f.kind = kind_of<T>();
  f.assign = [access](HardwareConfig& config, const Value& value) {
    access(config) = std::get<T>(value);
  };
  f.read = [access](const HardwareConfig& config) { return Value(access(config)); };
  f.default_source = std::move(default_source);
  return f;
}

std::vector<std::string> prune_method_names() {
  std::vector<std::string> names;
  for (const PruneMethod m :
       {PruneMethod::None, PruneMethod::RoundAverage, PruneMethod::ZeroPoint, PruneMethod::BitFlip})
    names.emplace_back(prune_method_name(m));
  return names;
}

Field design_parameter_field(const AccelModel& model, const DesignParameter& p) {
  Field f;
  f.key = p.key;
  f.kind = Kind(p.default_value.index());  // Value and Kind list the types in one order
  f.assign = [key = p.key](HardwareConfig& config, const Value& value) {
    config.design_settings[key] = value;
  };
  f.read = [p](const HardwareConfig& config) {
    return config.design_settings.contains(p.key) ? config.design_settings.at(p.key)
                                                  : p.default_value;
  };
  f.default_source = p.source;
  f.design = model.name();
  return f;
}

void add_sram_fields(std::vector<Field>& fields, const std::string& section,
                     SramSpec HardwareConfig::*sram) {
  Field capacity;
  capacity.key = section + ".capacity_kib";
  capacity.kind = Kind::Integer;
  capacity.assign = [sram](HardwareConfig& config, const Value& value) {
    (config.*sram).capacity_bytes = std::int64_t{std::get<int>(value)} * 1024;
  };
  capacity.read = [sram](const HardwareConfig& config) {
    return Value(int((config.*sram).capacity_bytes / 1024));
  };
  fields.push_back(std::move(capacity));
  fields.push_back(field<int>(
      section + ".banks", [sram](auto& config) -> auto& { return (config.*sram).banks; }));
  fields.push_back(field<int>(
      section + ".bank_width_bits", [sram](auto& config) -> auto& {
        return (config.*sram).bank_width_bits;
      }));
  fields.push_back(field<std::string>(
      section + ".ports", [sram](auto& config) -> auto& { return (config.*sram).ports; },
      "yc2367/BitSim sim/sim/stripes.py:497-498 'r_port': 1, 'w_port': 1 "
      "(sim/hw/mem/cacti_config_generator.py): 1 exclusive read + 1 exclusive write port"));
}

std::vector<Field> make_fields() {
  std::vector<Field> f;
  f.push_back(field<std::string>(
      "design", [](auto& c) -> auto& { return c.design; }));
  f.push_back(field<int>(
      "array.rows", [](auto& c) -> auto& { return c.pe_rows; },
      "BBS paper §IV-D, §V-A: 32 x 16 PEs (BitVert; yc2367/BitSim sim/test_bitvert.py [32,16])"));
  f.push_back(field<int>(
      "array.cols", [](auto& c) -> auto& { return c.pe_cols; },
      "BBS paper §IV-D, §V-A: 32 x 16 PEs; yc2367/BitSim sim/test_*.py: Wc = 16 for every design"));
  f.push_back(field<int>(
      "array.lanes", [](auto& c) -> auto& { return c.lanes; },
      "yc2367/BitSim sim/sim/stripes.py:12-20: G = 16 lanes per PE"));
  f.push_back(field<int>(
      "array.multipliers_per_pe", [](auto& c) -> auto& { return c.multipliers_per_pe; },
      "BBS paper §IV-A, Fig. 7: 8 bit-serial multipliers per PE (iso-multiplier: 32 x 16 x 8 = "
      "4096)"));
  f.push_back(field<int>(
      "array.weight_bits", [](auto& c) -> auto& { return c.weight_bits; },
      "BBS paper §V-A; yc2367/BitSim sim/test_*.py: INT8 weights, Pw_s = 8"));
  f.push_back(field<int>(
      "array.act_bits", [](auto& c) -> auto& { return c.act_bits; },
      "BBS paper §V-A; yc2367/BitSim sim/test_*.py: INT8 activations, Pp = 8"));
  Field method;
  method.key = "pruning.method";
  method.kind = Kind::String;
  method.assign = [](HardwareConfig& c, const Value& value) {
    c.pruning.prune.method = parse_prune_method(std::get<std::string>(value));
  };
  method.read = [](const HardwareConfig& c) {
    return Value(std::string(prune_method_name(c.pruning.prune.method)));
  };
  method.default_source = "none: the dense INT8 model (BBS paper §V-A)";
  method.choices = prune_method_names();
  f.push_back(std::move(method));
  f.push_back(field<int>(
      "pruning.group", [](auto& c) -> auto& { return c.pruning.group; },
      "BBS paper §V-A: group 32"));
  f.push_back(field<int>(
      "pruning.columns", [](auto& c) -> auto& { return c.pruning.prune.columns; },
      "0: nothing pruned"));
  f.push_back(field<int>(
      "pruning.const_bits", [](auto& c) -> auto& { return c.pruning.prune.const_bits; },
      "BBS paper §V-A: 6-bit constant (the reference code uses 5: model/bbs/prune.hpp)"));
  f.push_back(field<double>(
      "pruning.sensitive_fraction", [](auto& c) -> auto& { return c.pruning.sensitive_fraction; },
      "0: no sensitive channels kept at 8 bits"));
  f.push_back(field<int>(
      "pruning.channel_multiple", [](auto& c) -> auto& { return c.pruning.channel_multiple; },
      "BBS paper §III, Algo. 2 (CH): each layer's sensitive channels round up to a multiple of "
      "CH = 32"));
  // Each design's own parameters, in its own section (kept after [pruning]: the schema order).
  for (const auto& model : accel_registry())
    for (const DesignParameter& p : model->parameters())
      f.push_back(design_parameter_field(*model, p));
  add_sram_fields(f, "weight_sram", &HardwareConfig::weight_sram);
  add_sram_fields(f, "act_sram", &HardwareConfig::act_sram);
  f.push_back(field<double>(
      "dram.bits_per_cycle", [](auto& c) -> auto& { return c.dram.bits_per_cycle; },
      "yc2367/BitSim sim/sim/stripes.py:202 _calc_dram_cycle, :530 rw_bw 64: 64-bit bus x 2 (DDR) "
      "= 128 bits/cycle (not in the paper: BBS paper §V-A names only DRAMSim3 DDR3)"));
  f.push_back(field<double>(
      "dram.energy_pj_per_bit", [](auto& c) -> auto& { return c.dram.energy_pj_per_bit; },
      "yc2367/BitSim sim/sim/stripes.py:536 DRAM r_cost/w_cost 1000: 1000 pJ per 64-bit access = "
      "15.625 pJ/bit (the paper uses DRAMSim3 DDR3: BBS paper §V-A)"));
  f.push_back(field<double>(
      "clock_mhz", [](auto& c) -> auto& { return c.clock_mhz; },
      "BBS paper §IV-D, §V-A: 800 MHz (yc2367/BitSim hardware/run_dc.sh: create_clock -period "
      "1.25); BitSim never converts cycles to time"));
  f.push_back(field<int>(
      "tech_nm", [](auto& c) -> auto& { return c.tech_nm; },
      "BBS paper §IV-D, §V-A: TSMC 28 nm; yc2367/BitSim sim/sim/stripes.py:492, 510: CACTI "
      "technology 0.028 for every memory"));
  f.push_back(field<double>(
      "energy.pe_pj_per_cycle", [](auto& c) -> auto& { return c.energy.pe_pj_per_cycle; }));
  f.push_back(field<double>(
      "energy.weight_reg_pj_per_row_cycle",
      [](auto& c) -> auto& { return c.energy.weight_reg_pj_per_row_cycle; }));
  f.push_back(field<double>(
      "energy.act_reg_pj_per_col_tile",
      [](auto& c) -> auto& { return c.energy.act_reg_pj_per_col_tile; }));
  f.push_back(field<double>(
      "energy.scheduler_pj_per_cycle",
      [](auto& c) -> auto& { return c.energy.scheduler_pj_per_cycle; },
      "yc2367/BitSim sim/sim/stripes.py:236-418 (energy): no extra per-cycle term"));
  f.push_back(field<int>(
      "energy.tech_nm", [](auto& c) -> auto& { return c.constants_tech_nm; },
      "the node of the energy and area constants: the BBS paper's (MICRO 2024) TSMC 28 nm "
      "evaluation; they are not rescaled for another tech_nm"));
  f.push_back(field<double>(
      "area.pe_um2", [](auto& c) -> auto& { return c.pe_area_um2; }));
  return f;
}

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = make_fields();
  return kFields;
}

const Field* find_field(std::string_view key) {
  const auto& all = fields();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const Field& f) { return f.key == key; });
  return it == all.end() ? nullptr : &*it;
}

std::string section_of(std::string_view key) {
  const auto dot = key.find('.');
  return std::string(dot == std::string_view::npos ? std::string_view() : key.substr(0, dot));
}

bool is_section(std::string_view name) {
  return std::any_of(fields().begin(), fields().end(),
                     [&](const Field& f) { return section_of(f.key) == name; });
}

// The names allowed in one table: "" = top level (plain keys, section names, sources).
std::string expected_keys(const std::string& section) {
  std::vector<std::string> names;
  for (const Field& f : fields()) {
    const std::string owner = section_of(f.key);
    const std::string name = section.empty() && !owner.empty() ? owner : f.key;
    if (owner == section || section.empty())
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (section.empty()) names.push_back("sources");
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string all_keys() {
  std::string text;
  for (const Field& f : fields()) text += (text.empty() ? "" : ", ") + f.key;
  return text;
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::Integer:
      return "an integer";
    case Kind::Number:
      return "a number";
    case Kind::String:
      return "a string";
    case Kind::Boolean:
      return "a boolean";
  }
  return "a value";
}

std::string value_text(const Value& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const int* i = std::get_if<int>(&value)) return std::to_string(*i);
  if (const double* d = std::get_if<double>(&value)) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, *d);
    return std::string(buffer, result.ptr);
  }
  return std::get<std::string>(value);
}

// ---- TOML documents ----------------------------------------------------------------------------

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string line_of(const std::string& file, const toml::source_region& region) {
  return file + ":" + std::to_string(region.begin.line);
}

toml::table parse_toml(const fs::path& path) {
  const std::string text = io::read_regular_file(path, "the hardware file");
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& error) {
    throw Error(path.string() + ":" + std::to_string(error.source().begin.line) + ":" +
                std::to_string(error.source().begin.column) + ": " +
                std::string(error.description()));
  }
}

// A string value of a key with a fixed set of values, checked.
Value choice(const Field& f, std::string value, const std::string& where) {
  if (f.choices.empty() || std::find(f.choices.begin(), f.choices.end(), value) != f.choices.end())
    return value;
  std::string names;
  for (std::size_t i = 0; i < f.choices.size(); ++i)
    names += (i == 0 ? "" : i + 1 == f.choices.size() ? " or " : ", ") + f.choices[i];
  throw Error(where + ": " + f.key + " = " + value + ": expected " + names);
}

Value toml_value(const Field& f, const toml::node& node, const std::string& where) {
  std::string got = type_name(node);
  if (f.kind == Kind::Integer && node.is_integer()) {
    const std::int64_t value = node.as_integer()->get();
    if (value >= INT_MIN && value <= INT_MAX) return int(value);
    got = std::to_string(value) + " (out of range)";
  } else if (f.kind == Kind::Number && node.is_integer()) {
    return double(node.as_integer()->get());
  } else if (f.kind == Kind::Number && node.is_floating_point()) {
    const double value = node.as_floating_point()->get();
    if (std::isfinite(value)) return value;
    got = "a non-finite number";
  } else if (f.kind == Kind::String && node.is_string()) {
    return choice(f, node.as_string()->get(), where);
  } else if (f.kind == Kind::Boolean && node.is_boolean()) {
    return node.as_boolean()->get();
  }
  throw Error(where + ": key '" + f.key + "' expects " + kind_name(f.kind) + ", got " + got);
}

// Applies one document. Values first, then [sources], so a file's own source text wins over the
// "file:line" origin recorded for its values.
class DocumentReader {
 public:
  DocumentReader(HardwareConfig& config, std::string file, bool record_origin)
      : config_(config), file_(std::move(file)), record_origin_(record_origin) {}

  void apply(const toml::table& root) {
    for (auto&& [name, node] : root) {
      const std::string key(name.str());
      if (key == "sources") continue;
      if (const Field* f = find_field(key))
        assign(*f, node);
      else if (is_section(key))
        apply_section(key, name, node);
      else
        throw unknown(name, key, "one of: " + expected_keys(""));
    }
    if (const toml::node* sources = root.get("sources")) apply_sources(*sources, "");
  }

  const std::set<std::string>& assigned() const { return assigned_; }

 private:
  void apply_section(const std::string& section, const toml::key& name, const toml::node& node) {
    const toml::table* table = node.as_table();
    if (!table)
      throw Error(line_of(file_, name.source()) + ": key '" + section + "' expects a table, got " +
                  type_name(node));
    for (auto&& [child_name, child] : *table) {
      const std::string key = section + "." + std::string(child_name.str());
      const Field* f = find_field(key);
      if (!f) throw unknown(child_name, key, "one of: " + expected_keys(section));
      assign(*f, child);
    }
  }

  // [sources] "array.rows" = "..." or, as dotted TOML keys, array.rows = "...".
  void apply_sources(const toml::node& node, const std::string& prefix) {
    const std::string table_key = prefix.empty() ? "sources" : "sources." + prefix;
    const toml::table* table = node.as_table();
    if (!table)
      throw Error(line_of(file_, node.source()) + ": key '" + table_key +
                  "' expects a table, got " + type_name(node));
    for (auto&& [name, child] : *table) {
      const std::string key = (prefix.empty() ? "" : prefix + ".") + std::string(name.str());
      if (child.is_table()) {
        apply_sources(child, key);
        continue;
      }
      if (!find_field(key))
        throw unknown(name, "sources." + key, "'sources.' and one of: " + all_keys());
      if (!child.is_string())
        throw Error(line_of(file_, child.source()) + ": key 'sources." + key +
                    "' expects a string, got " + type_name(child));
      config_.sources[key] = child.as_string()->get();
    }
  }

  void assign(const Field& f, const toml::node& node) {
    const std::string where = line_of(file_, node.source());
    f.assign(config_, toml_value(f, node, where));
    assigned_.insert(f.key);
    if (record_origin_) config_.sources[f.key] = where;
  }

  Error unknown(const toml::key& name, const std::string& key, const std::string& expected) const {
    return Error(line_of(file_, name.source()) + ": unknown key '" + key + "' (expected " +
                 expected + ")");
  }

  HardwareConfig& config_;
  std::string file_;
  bool record_origin_;
  std::set<std::string> assigned_;
};

// ---- Presets and --set -------------------------------------------------------------------------

fs::path presets_dir() { return fs::path(BBS_DSE_DATA_DIR) / "hw"; }

HardwareConfig read_preset(std::string_view design) {
  const std::vector<std::string> designs = hardware_designs();
  if (std::find(designs.begin(), designs.end(), design) == designs.end()) {
    std::string names;
    for (const std::string& name : designs) names += (names.empty() ? "" : ", ") + name;
    throw Error("unknown hardware design '" + std::string(design) + "' (expected one of: " + names +
                ")");
  }
  // Defaults first (HardwareConfig{} and the designs' parameters), each with its source; the
  // preset sets what differs, and every key without a default.
  HardwareConfig config;
  for (const Field& f : fields())
    if (!f.default_source.empty()) config.sources[f.key] = f.default_source;
  const fs::path path = presets_dir() / (std::string(design) + ".toml");
  DocumentReader reader(config, path.string(), false);
  reader.apply(parse_toml(path));
  for (const Field& f : fields()) {
    const bool set = reader.assigned().contains(f.key);
    if (!f.design.empty() && f.design != config.design && set)
      throw Error(path.string() + ": built-in preset of design '" + config.design + "' sets '" +
                  f.key + "', a parameter of design '" + f.design + "'");
    if (f.default_source.empty() && !set)
      throw Error(path.string() + ": built-in preset does not set '" + f.key + "' (no default)");
    if (set && !config.sources.contains(f.key))
      throw Error(path.string() + ": built-in preset has no [sources] entry for '" + f.key + "'");
  }
  return config;
}

// Presets are read once per process: a campaign loads one at every design point.
void apply_preset(HardwareConfig& config, std::string_view design) {
  static std::mutex mutex;
  static std::map<std::string, HardwareConfig, std::less<>> presets;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (const auto it = presets.find(design); it != presets.end()) {
      config = it->second;
      return;
    }
  }
  HardwareConfig preset = read_preset(design);
  std::lock_guard<std::mutex> lock(mutex);
  config = presets.emplace(std::string(design), std::move(preset)).first->second;
}

Value set_value(const Field& f, const std::string& text, const std::string& where) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (f.kind == Kind::Integer) {
    int value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    if (text.empty() || error != std::errc() || end != last)
      throw Error(where + ": expects an integer");
    return value;
  }
  if (f.kind == Kind::Number) {
    double value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    if (text.empty() || error != std::errc() || end != last || !std::isfinite(value))
      throw Error(where + ": expects a number");
    return value;
  }
  if (f.kind == Kind::Boolean) {
    if (text != "true" && text != "false") throw Error(where + ": expects true or false");
    return text == "true";
  }
  return choice(f, text, where);
}

// The field a "key=value" assignment names and its value; errors start with `where`.
std::pair<const Field*, Value> parse_assignment(const std::string& assignment,
                                                const std::string& where) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos) throw Error(where + ": expected key=value");
  const std::string key = assignment.substr(0, equals);
  const Field* f = find_field(key);
  if (!f) throw Error(where + ": unknown key '" + key + "' (expected one of: " + all_keys() + ")");
  return {f, set_value(*f, assignment.substr(equals + 1), where)};
}

void apply_set(HardwareConfig& config, const std::string& assignment) {
  const std::string where = "--set " + assignment;
  const auto [f, value] = parse_assignment(assignment, where);
  f->assign(config, value);
  config.sources[f->key] = where;
}

// ---- Validation --------------------------------------------------------------------------------

class Checker {
 public:
  explicit Checker(const HardwareConfig& config) : config_(config) {}

  void require(bool ok, std::string_view key, std::string_view expected) const {
    if (ok) return;
    const Field* f = find_field(key);
    std::string message = "hardware '" + config_.design + "': " + std::string(key) + " = " +
                          value_text(f->read(config_)) + ": expected " + std::string(expected);
    if (const auto it = config_.sources.find(std::string(key)); it != config_.sources.end())
      message += " (from " + it->second + ")";
    throw Error(message);
  }
  void positive(std::string_view key, double value) const {
    require(std::isfinite(value) && value > 0, key, "a positive value");
  }
  void non_negative(std::string_view key, double value) const {
    require(std::isfinite(value) && value >= 0, key, "a finite value >= 0");
  }
  void in_range(std::string_view key, int value, int low, int high) const {
    require(value >= low && value <= high, key, std::to_string(low) + ".." + std::to_string(high));
  }

  void sram(const std::string& section, const SramSpec& spec) const {
    positive(section + ".capacity_kib", double(spec.capacity_bytes));
    positive(section + ".banks", spec.banks);
    positive(section + ".bank_width_bits", spec.bank_width_bits);
    require(spec.capacity_bytes % spec.banks == 0, section + ".banks",
            "a divisor of the capacity (" + std::to_string(spec.capacity_bytes) + " B)");
    require(spec.ports == "1r1w" || spec.ports == "1rw", section + ".ports", "1r1w or 1rw");
  }

 private:
  const HardwareConfig& config_;
};

}  // namespace

void check_setting(const std::string& assignment) {
  parse_assignment(assignment, "'" + assignment + "'");
}

std::vector<std::string> hardware_designs() {
  const fs::path dir = presets_dir();
  if (!fs::is_directory(dir)) throw Error(dir.string() + ": built-in hardware presets not found");
  std::vector<std::string> designs;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      designs.push_back(entry.path().stem().string());
  std::sort(designs.begin(), designs.end());
  return designs;
}

HardwareConfig load_hardware(std::string_view design,
                             const std::optional<std::filesystem::path>& toml_file,
                             const std::vector<std::string>& sets) {
  HardwareConfig config;
  apply_preset(config, design);
  if (toml_file) DocumentReader(config, toml_file->string(), true).apply(parse_toml(*toml_file));
  for (const std::string& assignment : sets) apply_set(config, assignment);
  validate(config);
  return config;
}

void validate(const HardwareConfig& config) {
  const Checker check(config);
  std::string designs;
  bool registered = false;
  for (const auto& model : accel_registry()) {
    designs += (designs.empty() ? "" : ", ") + std::string(model->name());
    registered |= model->name() == config.design;
  }
  check.require(registered, "design", "a design name: one of " + designs);
  check.positive("array.rows", config.pe_rows);
  check.positive("array.cols", config.pe_cols);
  check.positive("array.lanes", config.lanes);
  check.positive("array.multipliers_per_pe", config.multipliers_per_pe);
  check.in_range("array.weight_bits", config.weight_bits, 1, 8);
  check.in_range("array.act_bits", config.act_bits, 1, 16);
  const PruningSetting& pruning = config.pruning;
  check.positive("pruning.group", pruning.group);
  check.in_range("pruning.columns", pruning.prune.columns, 0, 8);
  // A pruned group keeps at least one stored bit column: with none a PE has nothing to process
  // and a tile would cost zero cycles.
  if (pruning.prunes())
    check.require(pruning.prune.columns < config.weight_bits, "pruning.columns",
                  "fewer than array.weight_bits = " + std::to_string(config.weight_bits) +
                      " (pruning '" + std::string(prune_method_name(pruning.prune.method)) +
                      "' must keep one stored bit column)");
  check.in_range("pruning.const_bits", pruning.prune.const_bits, 1, 8);
  check.require(pruning.sensitive_fraction >= 0 && pruning.sensitive_fraction <= 1,
                "pruning.sensitive_fraction", "a fraction in [0, 1]");
  check.positive("pruning.channel_multiple", pruning.channel_multiple);
  check.sram("weight_sram", config.weight_sram);
  check.sram("act_sram", config.act_sram);
  check.positive("dram.bits_per_cycle", config.dram.bits_per_cycle);
  check.non_negative("dram.energy_pj_per_bit", config.dram.energy_pj_per_bit);
  check.positive("clock_mhz", config.clock_mhz);
  check.positive("tech_nm", config.tech_nm);
  // Only the SRAM costs have per-node data (CACTI); the PE and register energies and the PE area
  // are synthesis results at one node, and no scaling rule for them is built in.
  check.require(config.tech_nm == config.constants_tech_nm, "tech_nm",
                "energy.tech_nm = " + std::to_string(config.constants_tech_nm) +
                    ", the node of the PE/register energies (energy.*) and the PE area "
                    "(area.pe_um2): no scaling rule for them is built in, so give them for " +
                    std::to_string(config.tech_nm) +
                    " nm and set energy.tech_nm = " + std::to_string(config.tech_nm) +
                    ", or keep tech_nm = " + std::to_string(config.constants_tech_nm));
  check.non_negative("energy.pe_pj_per_cycle", config.energy.pe_pj_per_cycle);
  check.non_negative("energy.weight_reg_pj_per_row_cycle",
                     config.energy.weight_reg_pj_per_row_cycle);
  check.non_negative("energy.act_reg_pj_per_col_tile", config.energy.act_reg_pj_per_col_tile);
  check.non_negative("energy.scheduler_pj_per_cycle", config.energy.scheduler_pj_per_cycle);
  check.non_negative("area.pe_um2", config.pe_area_um2);
  find_accel(config.design).validate(config);
}

void require_setting(const HardwareConfig& config, bool ok, std::string_view key,
                     std::string_view expected) {
  Checker(config).require(ok, key, expected);
}

std::vector<std::pair<std::string, std::string>> hardware_settings(const HardwareConfig& config) {
  std::vector<std::pair<std::string, std::string>> settings;
  for (const Field& f : fields())
    if (f.design.empty() || f.design == config.design)
      settings.emplace_back(f.key, value_text(f.read(config)));
  return settings;
}

}  // namespace bbs::accel
