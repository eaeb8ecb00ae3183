#include "app/report.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "networks/tensor.hpp"

namespace bbs::app {

OutputFormat parse_output_format(const std::string& text) {
  if (text == "table") return OutputFormat::Table;
  if (text == "json") return OutputFormat::Json;
  if (text == "csv") return OutputFormat::Csv;
  throw Error("--format '" + text + "': expected table, json or csv");
}

namespace {

// "top 3 by edp" -> "top_3_by_edp": lower case, runs of other characters as one '_'.
std::string snake_case(const std::string& title) {
  std::string key;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      key += char(std::tolower(static_cast<unsigned char>(c)));
    else if (!key.empty() && key.back() != '_')
      key += '_';
  }
  while (!key.empty() && key.back() == '_') key.pop_back();
  return key;
}

}  // namespace

Table::Table(std::string title, std::vector<Column> columns, std::string key)
    : title_(std::move(title)),
      key_(key.empty() ? snake_case(title_) : std::move(key)),
      columns_(std::move(columns)) {}

void Table::add_row(std::vector<Cell> cells) {
  if (cells.size() != columns_.size())
    throw std::logic_error("table '" + title_ + "': row has " + std::to_string(cells.size()) +
                           " cells for " + std::to_string(columns_.size()) + " columns");
  rows_.push_back(std::move(cells));
}

namespace {

std::string format_double(double v, int precision) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s << std::setprecision(precision) << v;
  return s.str();
}

// Text of a cell in table form and CSV (`null` is what a missing value shows as).
std::string cell_text(const Cell& cell, int precision, const std::string& null) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&cell)) return format_double(*d, precision);
  if (const auto* b = std::get_if<bool>(&cell)) return *b ? "true" : "false";
  if (const auto* list = std::get_if<IntList>(&cell)) {
    std::string text;
    for (std::int64_t v : *list) text += (text.empty() ? "" : "x") + std::to_string(v);
    return text;
  }
  return null;
}

nlohmann::ordered_json cell_json(const Cell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return *i;
  if (const auto* b = std::get_if<bool>(&cell)) return *b;
  if (const auto* list = std::get_if<IntList>(&cell)) return *list;
  if (const auto* d = std::get_if<double>(&cell); d && std::isfinite(*d)) return *d;
  return nullptr;  // Null, and inf/nan (JSON has neither)
}

std::string csv_escape(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// `table` with only the columns at `indices`, in that order.
Table project(const Table& table, const std::vector<std::size_t>& indices) {
  std::vector<Column> columns;
  for (std::size_t i : indices) columns.push_back(table.columns()[i]);
  Table out(table.title(), columns, table.key());
  for (const auto& row : table.rows()) {
    std::vector<Cell> cells;
    for (std::size_t i : indices) cells.push_back(row[i]);
    out.add_row(std::move(cells));
  }
  return out;
}

// The tables --table and --columns leave (CSV: exactly one).
std::vector<Table> selected(const std::vector<Table>& tables, const OutputOptions& options,
                            OutputFormat format) {
  std::vector<Table> chosen;
  if (!options.table.empty()) {
    std::vector<std::string> keys;
    for (const Table& t : tables) {
      keys.push_back(t.key());
      if (t.key() == options.table) chosen.push_back(t);
    }
    if (chosen.empty())
      throw Error("--table '" + options.table + "': this command prints " + joined(keys));
  } else if (format == OutputFormat::Csv && !tables.empty()) {
    chosen.push_back(tables.front());  // the main table; the others by --table
  } else {
    chosen = tables;
  }
  if (options.columns.empty()) return chosen;
  std::vector<Table> projected;
  std::vector<bool> found(options.columns.size(), false);
  std::vector<std::string> available;
  for (const Table& t : chosen) {
    std::vector<std::size_t> indices;
    for (std::size_t want = 0; want < options.columns.size(); ++want)
      for (std::size_t c = 0; c < t.columns().size(); ++c)
        if (t.columns()[c].name == options.columns[want]) {
          indices.push_back(c);
          found[want] = true;
        }
    for (const Column& c : t.columns())
      if (std::find(available.begin(), available.end(), c.name) == available.end())
        available.push_back(c.name);
    if (!indices.empty()) projected.push_back(project(t, indices));
  }
  for (std::size_t want = 0; want < found.size(); ++want)
    if (!found[want])
      throw Error("--columns: no column '" + options.columns[want] + "'; expected some of " +
                  joined(available));
  return projected;
}

// `text` in lines of at most `width` characters, broken at spaces where it can be.
std::vector<std::string> wrapped(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (text.size() - start > width) {
    std::size_t cut = text.rfind(' ', start + width);
    if (cut == std::string::npos || cut <= start) cut = start + width;
    lines.push_back(text.substr(start, cut - start));
    start = text[cut] == ' ' ? cut + 1 : cut;
  }
  lines.push_back(text.substr(start));
  return lines;
}

// A one-row table as "name  value" lines, long values wrapped under themselves.
void print_vertical(std::ostream& out, const Table& table) {
  std::size_t width = 0;
  for (const Column& c : table.columns()) width = std::max(width, c.name.size());
  const std::size_t value_width = std::max<std::size_t>(kTerminalColumns - width - 2, 20);
  const auto& row = table.rows().front();
  for (std::size_t c = 0; c < row.size(); ++c) {
    const auto lines = wrapped(cell_text(row[c], table.columns()[c].precision, "-"), value_width);
    for (std::size_t i = 0; i < lines.size(); ++i)
      out << std::left << std::setw(int(width)) << (i ? "" : table.columns()[c].name) << "  "
          << lines[i] << '\n';
  }
  out << std::right;
}

// Rows under a header, only the leading columns that fit kTerminalColumns (at least one) unless
// `all_columns`; a last line names the columns left out.
void print_rows(std::ostream& out, const Table& table, bool all_columns) {
  const auto& columns = table.columns();
  std::vector<std::size_t> width(columns.size());
  std::vector<std::vector<std::string>> text;
  for (std::size_t c = 0; c < columns.size(); ++c) width[c] = columns[c].name.size();
  for (const auto& row : table.rows()) {
    auto& line = text.emplace_back();
    for (std::size_t c = 0; c < row.size(); ++c) {
      line.push_back(cell_text(row[c], columns[c].precision, "-"));
      width[c] = std::max(width[c], line.back().size());
    }
  }
  std::size_t shown = 0;
  for (std::size_t used = 0; shown < columns.size(); ++shown) {
    used += width[shown] + (shown ? 2 : 0);
    if (!all_columns && shown > 0 && used > kTerminalColumns) break;
  }
  for (std::size_t c = 0; c < shown; ++c)
    out << (c ? "  " : "") << std::left << std::setw(int(width[c])) << columns[c].name;
  out << '\n';
  for (std::size_t r = 0; r < text.size(); ++r) {
    for (std::size_t c = 0; c < shown; ++c) {
      const bool is_text = std::holds_alternative<std::string>(table.rows()[r][c]);
      out << (c ? "  " : "") << (is_text ? std::left : std::right) << std::setw(int(width[c]))
          << text[r][c];
    }
    out << '\n';
  }
  out << std::right;
  if (shown < columns.size()) {
    std::vector<std::string> hidden;
    for (std::size_t c = shown; c < columns.size(); ++c) hidden.push_back(columns[c].name);
    const std::string note = "(" + std::to_string(hidden.size()) +
                             " more columns: " + joined(hidden) +
                             "; choose with --columns, or --format csv/json)";
    for (const auto& line : wrapped(note, kTerminalColumns)) out << line << '\n';
  }
}

void print_text(std::ostream& out, const std::vector<Table>& tables, bool all_columns) {
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i) out << '\n';
    out << "== " << tables[i].title() << " ==\n";
    if (tables[i].rows().size() == 1)
      print_vertical(out, tables[i]);
    else
      print_rows(out, tables[i], all_columns);
  }
}

void print_json(std::ostream& out, const std::vector<Table>& tables) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const auto& t : tables) {
    auto rows = nlohmann::ordered_json::array();
    for (const auto& row : t.rows()) {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (std::size_t c = 0; c < row.size(); ++c) object[t.columns()[c].name] = cell_json(row[c]);
      rows.push_back(std::move(object));
    }
    doc[t.key()] = std::move(rows);
  }
  out << doc.dump(2) << '\n';
}

// The shortest text that reads back as the same double (CSV is for programs).
std::string exact_text(const Cell& cell) {
  const auto* d = std::get_if<double>(&cell);
  if (d == nullptr || !std::isfinite(*d)) return cell_text(cell, 17, "");
  std::array<char, 32> text{};
  const auto end = std::to_chars(text.data(), text.data() + text.size(), *d).ptr;
  return std::string(text.data(), end);
}

void print_csv(std::ostream& out, const Table& t) {
  for (std::size_t c = 0; c < t.columns().size(); ++c)
    out << (c ? "," : "") << csv_escape(t.columns()[c].name);
  out << '\n';
  for (const auto& row : t.rows()) {
    for (std::size_t c = 0; c < row.size(); ++c)
      out << (c ? "," : "") << csv_escape(exact_text(row[c]));
    out << '\n';
  }
}

}  // namespace

void print_tables(std::ostream& out, const std::vector<Table>& tables,
                  const OutputOptions& options) {
  const OutputFormat format = parse_output_format(options.format);
  const std::vector<Table> chosen = selected(tables, options, format);
  if (format == OutputFormat::Json) return print_json(out, chosen);
  if (format == OutputFormat::Csv) {
    if (!chosen.empty()) print_csv(out, chosen.front());
    return;
  }
  print_text(out, chosen, !options.columns.empty());
}

}  // namespace bbs::app
