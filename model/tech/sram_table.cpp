#include "model/tech/sram_table.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include "networks/io/input_file.hpp"
#include "networks/tensor.hpp"

namespace bbs::tech {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCactiRun = "cacti-7 run";
constexpr std::string_view kInterpolated = "interpolated";

// ---- CSV reading -------------------------------------------------------------------------------

std::string location(const fs::path& path, int line) {
  return path.string() + ":" + std::to_string(line);
}

// One record; quoted fields may hold commas and "" for a quote.
std::vector<std::string> split_csv(std::string_view text, const std::string& where) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  while (true) {
    std::string field;
    if (i < text.size() && text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size())
          throw Error(where + ": field " + std::to_string(fields.size() + 1) +
                      ": unterminated quoted field");
        if (text[i] != '"') {
          field += text[i];
        } else if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
      if (i < text.size() && text[i] != ',')
        throw Error(where + ": field " + std::to_string(fields.size() + 1) +
                    ": text after the closing quote");
    } else {
      const std::size_t end = std::min(text.find(',', i), text.size());
      field.assign(text.substr(i, end - i));
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= text.size()) return fields;
    ++i;  // the comma
  }
}

const std::vector<std::string_view>& required_columns() {
  static const std::vector<std::string_view> kColumns = {
      "ports",          "tech_nm",         "capacity_bytes", "banks",    "width_bits",
      "read_energy_pj", "write_energy_pj", "leakage_mw",     "area_mm2", "access_time_ns",
      "source",         "point_set",       "status"};
  return kColumns;
}

class RowReader {
 public:
  RowReader(const std::map<std::string, std::size_t, std::less<>>& columns,
            std::vector<std::string> fields, std::string where)
      : columns_(columns), fields_(std::move(fields)), where_(std::move(where)) {}

  const std::string& text(std::string_view column) const {
    return fields_[columns_.find(column)->second];
  }

  std::int64_t positive_integer(std::string_view column) const {
    const std::string& field = text(column);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size() || value <= 0)
      fail(column, "a positive integer");
    return value;
  }

  int positive_int(std::string_view column) const {
    const std::int64_t value = positive_integer(column);
    if (value > INT_MAX) fail(column, "an integer below 2^31");
    return int(value);
  }

  double non_negative_number(std::string_view column) const {
    const std::string& field = text(column);
    double value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size() || !std::isfinite(value) ||
        value < 0)
      fail(column, "a number >= 0");
    return value;
  }

  bool choice(std::string_view column, std::string_view yes, std::string_view no) const {
    const std::string& field = text(column);
    if (field == yes) return true;
    if (field != no) fail(column, "'" + std::string(yes) + "' or '" + std::string(no) + "'");
    return false;
  }

  [[noreturn]] void fail(std::string_view column, const std::string& expected) const {
    throw Error(where_ + ": column '" + std::string(column) + "': expected " + expected +
                ", got '" + text(column) + "'");
  }

 private:
  const std::map<std::string, std::size_t, std::less<>>& columns_;
  std::vector<std::string> fields_;
  std::string where_;
};

SramRow parse_row(const RowReader& reader, int line) {
  SramRow row;
  row.ports = reader.text("ports");
  if (row.ports.empty()) reader.fail("ports", "a port configuration such as 1r1w");
  row.tech_nm = reader.positive_int("tech_nm");
  row.capacity_bytes = reader.positive_integer("capacity_bytes");
  row.banks = reader.positive_int("banks");
  row.width_bits = reader.positive_int("width_bits");
  if (row.capacity_bytes % row.banks != 0)
    reader.fail("capacity_bytes", "a multiple of banks (" + std::to_string(row.banks) + ")");
  row.cacti_run = reader.choice("source", kCactiRun, kInterpolated);
  row.grid_point = reader.choice("point_set", "grid", "bitsim-config");
  row.line = line;
  row.values.read_pj_per_bank_access = reader.non_negative_number("read_energy_pj");
  row.values.write_pj_per_bank_access = reader.non_negative_number("write_energy_pj");
  row.values.leakage_mw = reader.non_negative_number("leakage_mw");
  row.values.area_mm2 = reader.non_negative_number("area_mm2");
  row.values.access_time_ns = reader.non_negative_number("access_time_ns");
  return row;
}

std::map<std::string, std::size_t, std::less<>> header_columns(
    const std::vector<std::string>& names, const std::string& where) {
  std::map<std::string, std::size_t, std::less<>> columns;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (!columns.emplace(names[i], i).second)
      throw Error(where + ": column '" + names[i] + "' appears twice");
  for (std::string_view column : required_columns())
    if (!columns.contains(column))
      throw Error(where + ": missing column '" + std::string(column) + "'");
  return columns;
}

void strip_carriage_return(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

// ---- Formatting --------------------------------------------------------------------------------

std::string capacity_text(std::int64_t bytes) {
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " B";
}

std::string request_text(const SramSpec& spec, int tech_nm) {
  return "SRAM " + capacity_text(spec.capacity_bytes) + ", " + std::to_string(spec.banks) +
         " banks x " + std::to_string(spec.bank_width_bits) + " bit, " + spec.ports + ", " +
         std::to_string(tech_nm) + " nm";
}

template <typename T>
std::string join(const std::set<T>& values, std::string_view unit = "") {
  std::string text;
  for (const T& value : values) {
    if (!text.empty()) text += ", ";
    if constexpr (std::is_same_v<T, std::string>)
      text += value;
    else
      text += std::to_string(value);
    text += unit;
  }
  return text;
}

std::string fraction_text(double value) {
  std::ostringstream out;
  out.precision(4);
  out << value;
  return out.str();
}

// ---- Interpolation -----------------------------------------------------------------------------

template <typename T>
std::optional<std::pair<T, T>> bracket(const std::set<T>& grid, T value) {
  if (grid.empty() || value < *grid.begin() || value > *grid.rbegin()) return std::nullopt;
  const auto upper = grid.lower_bound(value);
  if (*upper == value) return std::pair{value, value};
  return std::pair{*std::prev(upper), *upper};
}

// Position of x between a and b on a log2 axis (0 when a == b).
double log2_fraction(double a, double b, double x) {
  if (a == b) return 0.0;
  return (std::log2(x) - std::log2(a)) / (std::log2(b) - std::log2(a));
}

SramValues lerp(const SramValues& a, const SramValues& b, double t) {
  const auto mix = [t](double u, double v) { return u + t * (v - u); };
  return {mix(a.read_pj_per_bank_access, b.read_pj_per_bank_access),
          mix(a.write_pj_per_bank_access, b.write_pj_per_bank_access),
          mix(a.leakage_mw, b.leakage_mw), mix(a.area_mm2, b.area_mm2),
          mix(a.access_time_ns, b.access_time_ns)};
}

SramCost make_cost(const SramSpec& spec, const SramValues& values, std::string source) {
  SramCost cost;
  cost.read_pj = values.read_pj_per_bank_access * spec.banks;
  cost.write_pj = values.write_pj_per_bank_access * spec.banks;
  cost.write_pj_per_64_bits = cost.write_pj * 64.0 / double(spec.access_bits());
  cost.area_mm2 = values.area_mm2;
  cost.leakage_mw = values.leakage_mw;
  cost.access_time_ns = values.access_time_ns;
  cost.source = std::move(source);
  return cost;
}

}  // namespace

struct SramTable::GridAxes {
  std::set<std::int64_t> capacities;
  std::set<int> banks;
  std::set<int> widths;
  std::int64_t smallest_bank_bytes = 0;
};

SramTable::SramTable(std::filesystem::path path, std::vector<SramRow> rows)
    : path_(std::move(path)), rows_(std::move(rows)) {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const SramRow& row = rows_[i];
    const PointKey key{row.ports, row.tech_nm, row.banks, row.width_bits, row.capacity_bytes};
    keep_preferred(exact_, key, i);
    if (row.grid_point) keep_preferred(grid_, key, i);
  }
}

void SramTable::keep_preferred(std::map<PointKey, std::size_t>& index, const PointKey& key,
                               std::size_t row_index) const {
  const auto [it, inserted] = index.emplace(key, row_index);
  if (inserted) return;
  const SramRow& kept = rows_[it->second];
  const SramRow& row = rows_[row_index];
  if (kept.cacti_run == row.cacti_run)
    throw Error(location(path_, row.line) + ": duplicate row: same ports, tech_nm, source, " +
                "capacity_bytes, banks and width_bits as line " + std::to_string(kept.line));
  if (row.cacti_run) it->second = row_index;
}

const SramTable& SramTable::builtin() {
  static const SramTable table =
      load(std::filesystem::path(BBS_DSE_DATA_DIR) / "tech" / "cacti_sram.csv");
  return table;
}

SramTable SramTable::load(const std::filesystem::path& csv_path) {
  std::istringstream in(io::read_regular_file(csv_path, "the SRAM table"));
  std::string line;
  if (!std::getline(in, line)) throw Error(csv_path.string() + ": empty file, expected a header");
  strip_carriage_return(line);
  const auto columns =
      header_columns(split_csv(line, location(csv_path, 1)), location(csv_path, 1));
  std::vector<SramRow> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    strip_carriage_return(line);
    if (line.empty()) continue;
    const std::string where = location(csv_path, number);
    std::vector<std::string> fields = split_csv(line, where);
    if (fields.size() != columns.size())
      throw Error(where + ": " + std::to_string(fields.size()) + " fields, the header has " +
                  std::to_string(columns.size()));
    const RowReader reader(columns, std::move(fields), where);
    if (!reader.choice("status", "ok", "failed")) continue;
    rows.push_back(parse_row(reader, number));
  }
  if (rows.empty()) throw Error(csv_path.string() + ": no rows with status ok");
  return SramTable(csv_path, std::move(rows));
}

SramCost SramTable::cost(const SramSpec& spec, int tech_nm, std::string_view hardware_key) const {
  const std::string request = (hardware_key.empty() ? "" : std::string(hardware_key) + ": ") +
                              request_text(spec, tech_nm) + " (" + path_.filename().string() + ")";
  if (spec.capacity_bytes <= 0 || spec.banks <= 0 || spec.bank_width_bits <= 0)
    throw Error(request + ": capacity, banks and bank width must be positive");
  if (spec.capacity_bytes % spec.banks != 0)
    throw Error(request + ": " + std::to_string(spec.banks) + " banks do not divide " +
                std::to_string(spec.capacity_bytes) + " B into equal banks");
  std::set<std::string> ports;
  std::set<int> nodes;
  for (const auto& [key, index] : exact_) {
    ports.insert(key.ports);
    if (key.ports == spec.ports) nodes.insert(key.tech_nm);
  }
  if (!ports.contains(spec.ports))
    throw Error(request + ": ports '" + spec.ports +
                "' not in the table (expected one of: " + join(ports) + ")");
  if (!nodes.contains(tech_nm))
    throw Error(request + ": no " + std::to_string(tech_nm) +
                " nm rows (table nodes: " + join(nodes, " nm") + ")");
  const PointKey key{spec.ports, tech_nm, spec.banks, spec.bank_width_bits, spec.capacity_bytes};
  if (const auto it = exact_.find(key); it != exact_.end()) {
    const SramRow& row = rows_[it->second];
    return make_cost(spec, row.values, row_label(row));
  }
  return interpolate(spec, tech_nm, request);
}

SramTable::GridAxes SramTable::grid_axes(const std::string& ports, int tech_nm) const {
  GridAxes axes;
  for (const auto& [key, index] : grid_) {
    if (key.ports != ports || key.tech_nm != tech_nm) continue;
    axes.capacities.insert(key.capacity_bytes);
    axes.banks.insert(key.banks);
    axes.widths.insert(key.width_bits);
    const std::int64_t bank_bytes = key.capacity_bytes / key.banks;
    if (axes.smallest_bank_bytes == 0 || bank_bytes < axes.smallest_bank_bytes)
      axes.smallest_bank_bytes = bank_bytes;
  }
  return axes;
}

const SramRow* SramTable::grid_row(const SramSpec& spec, int tech_nm, std::int64_t capacity_bytes,
                                   int width_bits) const {
  const auto it = grid_.find(PointKey{spec.ports, tech_nm, spec.banks, width_bits, capacity_bytes});
  return it == grid_.end() ? nullptr : &rows_[it->second];
}

SramCost SramTable::interpolate(const SramSpec& spec, int tech_nm, const std::string& what) const {
  const std::string request = what + ": no exact table row, and ";
  const GridAxes axes = grid_axes(spec.ports, tech_nm);
  if (!axes.banks.contains(spec.banks))
    throw Error(request + std::to_string(spec.banks) +
                " banks is not a grid bank count (grid: " + join(axes.banks) + ")");
  const auto capacities = bracket(axes.capacities, spec.capacity_bytes);
  if (!capacities)
    throw Error(request + "the capacity is outside the grid (" +
                capacity_text(*axes.capacities.begin()) + " to " +
                capacity_text(*axes.capacities.rbegin()) + ")");
  const auto widths = bracket(axes.widths, spec.bank_width_bits);
  if (!widths)
    throw Error(request + "the bank width is outside the grid (" +
                std::to_string(*axes.widths.begin()) + " to " +
                std::to_string(*axes.widths.rbegin()) + " bit)");
  const auto [c0, c1] = *capacities;
  const auto [w0, w1] = *widths;
  const std::int64_t capacity_at[2] = {c0, c1};
  const int width_at[2] = {w0, w1};
  const SramRow* corners[2][2] = {};
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      corners[i][j] = grid_row(spec, tech_nm, capacity_at[i], width_at[j]);
      if (!corners[i][j])
        throw Error(request + "the grid has no " + std::to_string(spec.banks) + " banks x " +
                    std::to_string(width_at[j]) + " bit point at " + capacity_text(capacity_at[i]) +
                    " (grid banks hold at least " + capacity_text(axes.smallest_bank_bytes) +
                    ", so " + std::to_string(spec.banks) + " banks need at least " +
                    capacity_text(axes.smallest_bank_bytes * spec.banks) + ")");
    }
  }
  const double t_capacity = log2_fraction(double(c0), double(c1), double(spec.capacity_bytes));
  const double t_width = log2_fraction(w0, w1, spec.bank_width_bits);
  const SramValues values =
      lerp(lerp(corners[0][0]->values, corners[1][0]->values, t_capacity),
           lerp(corners[0][1]->values, corners[1][1]->values, t_capacity), t_width);

  std::string source = "interpolated";
  if (c0 != c1)
    source += " in log2(capacity) between " + capacity_text(c0) + " and " + capacity_text(c1) +
              " (t = " + fraction_text(t_capacity) + ")";
  if (w0 != w1)
    source += std::string(c0 != c1 ? " and" : "") + " in log2(width) between " +
              std::to_string(w0) + " and " + std::to_string(w1) +
              " bit (t = " + fraction_text(t_width) + ")";
  source += " over";
  std::set<int> lines;
  for (const auto& by_width : corners)
    for (const SramRow* corner : by_width)
      if (lines.insert(corner->line).second) source += " " + row_label(*corner) + ";";
  source.pop_back();
  return make_cost(spec, values, source);
}

std::string SramTable::row_label(const SramRow& row) const {
  return path_.filename().string() + ":" + std::to_string(row.line) + " (" + row.ports + ", " +
         std::to_string(row.tech_nm) + " nm, " +
         std::string(row.cacti_run ? kCactiRun : kInterpolated) + ", " +
         std::to_string(row.capacity_bytes) + " B, " + std::to_string(row.banks) + " x " +
         std::to_string(row.width_bits) + " bit)";
}

}  // namespace bbs::tech
