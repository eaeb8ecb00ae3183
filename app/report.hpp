// A small result table that every subcommand prints in the user's --format (table, json, csv).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

namespace bbs::app {

enum class OutputFormat { Table, Json, Csv };
OutputFormat parse_output_format(const std::string& text);  // throws bbs::Error

using Cell = std::variant<std::string, std::int64_t, double>;

struct Column {
  std::string name;   // machine name, used as JSON key and CSV header, e.g. "energy_pj"
  int precision = 4;  // significant digits shown for doubles in table form
};

class Table {
 public:
  Table(std::string title, std::vector<Column> columns);
  void add_row(std::vector<Cell> cells);  // throws if the cell count differs from the columns
  const std::string& title() const { return title_; }
  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }

 private:
  std::string title_;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// Prints several tables: table form shows each with its title; JSON is one object
// {title: [ {col: value, ...}, ... ], ...}; CSV prints each table with a "# title" line before it.
void print_tables(std::ostream& out, const std::vector<Table>& tables, OutputFormat format);

}  // namespace bbs::app
