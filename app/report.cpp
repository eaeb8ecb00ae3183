#include "app/report.hpp"

#include <algorithm>
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

Table::Table(std::string title, std::vector<Column> columns)
    : title_(std::move(title)), columns_(std::move(columns)) {}

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

std::string cell_text(const Cell& cell, int precision) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  return format_double(std::get<double>(cell), precision);
}

std::string csv_escape(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

nlohmann::json cell_json(const Cell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return *i;
  const double d = std::get<double>(cell);
  if (std::isfinite(d)) return d;
  return nullptr;  // JSON has no inf/nan
}

void print_table(std::ostream& out, const Table& table) {
  const auto& columns = table.columns();
  std::vector<std::size_t> width(columns.size());
  std::vector<std::vector<std::string>> text;
  for (std::size_t c = 0; c < columns.size(); ++c) width[c] = columns[c].name.size();
  for (const auto& row : table.rows()) {
    auto& line = text.emplace_back();
    for (std::size_t c = 0; c < row.size(); ++c) {
      line.push_back(cell_text(row[c], columns[c].precision));
      width[c] = std::max(width[c], line.back().size());
    }
  }
  out << "== " << table.title() << " ==\n";
  for (std::size_t c = 0; c < columns.size(); ++c)
    out << (c ? "  " : "") << std::left << std::setw(int(width[c])) << columns[c].name;
  out << '\n';
  for (std::size_t r = 0; r < text.size(); ++r) {
    for (std::size_t c = 0; c < text[r].size(); ++c) {
      const bool is_text = std::holds_alternative<std::string>(table.rows()[r][c]);
      out << (c ? "  " : "") << (is_text ? std::left : std::right) << std::setw(int(width[c]))
          << text[r][c];
    }
    out << '\n';
  }
  out << std::right;
}

}  // namespace

void print_tables(std::ostream& out, const std::vector<Table>& tables, OutputFormat format) {
  if (format == OutputFormat::Json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    for (const auto& t : tables) {
      auto rows = nlohmann::ordered_json::array();
      for (const auto& row : t.rows()) {
        nlohmann::ordered_json object = nlohmann::ordered_json::object();
        for (std::size_t c = 0; c < row.size(); ++c)
          object[t.columns()[c].name] = cell_json(row[c]);
        rows.push_back(std::move(object));
      }
      doc[t.title()] = std::move(rows);
    }
    out << doc.dump(2) << '\n';
    return;
  }
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const Table& t = tables[i];
    if (format == OutputFormat::Table) {
      if (i) out << '\n';
      print_table(out, t);
      continue;
    }
    out << "# " << t.title() << '\n';
    for (std::size_t c = 0; c < t.columns().size(); ++c)
      out << (c ? "," : "") << csv_escape(t.columns()[c].name);
    out << '\n';
    for (const auto& row : t.rows()) {
      for (std::size_t c = 0; c < row.size(); ++c)
        out << (c ? "," : "") << csv_escape(cell_text(row[c], 17));
      out << '\n';
    }
  }
}

}  // namespace bbs::app
