// Result tables that every subcommand prints in the user's --format (table, json, csv), with
// --table and --columns choosing what is printed. The schemas are in docs/output.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

namespace bbs::app {

enum class OutputFormat { Table, Json, Csv };
OutputFormat parse_output_format(const std::string& text);  // throws bbs::Error

// What the user chose with --format, --table and --columns (every command has them).
struct OutputOptions {
  std::string format = "table";
  std::string table;                 // only this table (by key); CSV default: the first one
  std::vector<std::string> columns;  // only these columns, in this order (every format)
};

using IntList = std::vector<std::int64_t>;  // a shape: JSON array, "16x16x3x3" in text
struct Null {
  bool operator==(const Null&) const = default;
};  // JSON null, "" in CSV, "-" in a table
using Cell = std::variant<std::string, std::int64_t, double, bool, IntList, Null>;

struct Column {
  std::string name;   // machine name with its unit: JSON key and CSV header, e.g. "energy_pj"
  int precision = 4;  // significant digits shown for doubles in table form
};

class Table {
 public:
  // `key`: the table's stable snake_case identifier (JSON key, --table); empty: derived from
  // the title, which then must not vary with the data.
  Table(std::string title, std::vector<Column> columns, std::string key = {});
  void add_row(std::vector<Cell> cells);  // throws if the cell count differs from the columns
  const std::string& title() const { return title_; }
  const std::string& key() const { return key_; }
  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }

 private:
  std::string title_, key_;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// Prints the tables (the first is the command's main table):
// - table: each with its title; a one-row table as a vertical "name  value" list, a wider one
//   than kTerminalColumns shows the columns that fit and names the rest;
// - json: one object {table key: [ {column: typed value, ...}, ... ], ...};
// - csv: exactly one table (--table, default the first), a header line and its rows.
// --table and --columns errors (unknown names) list the valid ones.
void print_tables(std::ostream& out, const std::vector<Table>& tables,
                  const OutputOptions& options);

inline constexpr std::size_t kTerminalColumns = 100;

}  // namespace bbs::app
