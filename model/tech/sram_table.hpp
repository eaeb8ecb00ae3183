// SRAM costs from the CACTI 7 table (data/tech/cacti_sram.csv, provenance in data/tech/README.md),
// the way yc2367/BitSim uses CACTI: one access reads or writes all banks at once.
//
// Lookup rules for cost(spec, tech_nm):
//  1. An exact row (ports, tech_nm, capacity, banks, bank width), grid or off-grid BitSim point, is
//     used as is. Where one point has a "cacti-7 run" and an "interpolated" row (28 nm), the CACTI
//     run wins; this preference also picks the interpolation corners below.
//  2. Otherwise banks must be a grid bank count, capacity and width within the grid. Every value is
//     interpolated linearly in log2(capacity) between the two nearest grid capacities with the same
//     ports, node, banks and width, and, if the width is not a grid width, bilinearly in
//     log2(capacity) and log2(width) over the four surrounding grid rows.
//  3. Anything else (unknown ports or node, banks not dividing the capacity, capacity or width
//     outside the grid, a missing corner because a bank would be smaller than the grid's smallest)
//     throws bbs::Error naming the request and the valid range. Nothing is extrapolated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "model/tech/sram_spec.hpp"

namespace bbs::tech {

// The columns every cost is computed from, as the table holds them.
struct SramValues {
  double read_pj_per_bank_access = 0;   // one access of one bank
  double write_pj_per_bank_access = 0;  // one access of one bank
  double leakage_mw = 0;                // whole buffer
  double area_mm2 = 0;                  // whole buffer
  double access_time_ns = 0;            // one bank
};

struct SramRow {
  std::string ports;  // "1r1w" or "1rw"
  int tech_nm = 0;
  std::int64_t capacity_bytes = 0;  // all banks
  int banks = 0;
  int width_bits = 0;      // one bank
  bool cacti_run = true;   // source "cacti-7 run"; false: "interpolated" (22/32 nm outputs)
  bool grid_point = true;  // point_set "grid"; false: an off-grid BitSim configuration
  int line = 0;            // line in the CSV file (the header is line 1)
  SramValues values;
};

struct SramCost {
  double read_pj = 0;               // one full-width read of all banks = banks x per-bank energy
  double write_pj = 0;              // one full-width write of all banks
  double write_pj_per_64_bits = 0;  // BitSim's w_cost_min = write_pj / (access_bits / 64)
  double area_mm2 = 0;              // all banks
  double leakage_mw = 0;            // all banks (BitSim ignores leakage)
  double access_time_ns = 0;        // one bank
  std::string source;               // the row(s) used and how
};

class SramTable {
 public:
  // data/tech/cacti_sram.csv (BBS_DSE_DATA_DIR), loaded once.
  static const SramTable& builtin();
  // Throws bbs::Error "file:line: column 'x': ..." on a malformed file.
  static SramTable load(const std::filesystem::path& csv_path);

  // `hardware_key` names the buffer in errors (the hardware key, e.g. "weight_sram"), which also
  // name the table file: "weight_sram: SRAM 8192 KiB, ... (cacti_sram.csv): the capacity is outside
  // ...".
  SramCost cost(const SramSpec& spec, int tech_nm, std::string_view hardware_key = {}) const;

  const std::vector<SramRow>& rows() const { return rows_; }

 private:
  struct PointKey {
    std::string ports;
    int tech_nm = 0;
    int banks = 0;
    int width_bits = 0;
    std::int64_t capacity_bytes = 0;
    auto operator<=>(const PointKey&) const = default;
  };
  struct GridAxes;

  SramTable(std::filesystem::path path, std::vector<SramRow> rows);
  // Indexes a row unless the point already has a preferred one ("cacti-7 run" over
  // "interpolated"); two rows of the same source for one point are an error.
  void keep_preferred(std::map<PointKey, std::size_t>& index, const PointKey& key,
                      std::size_t row_index) const;
  GridAxes grid_axes(const std::string& ports, int tech_nm) const;
  const SramRow* grid_row(const SramSpec& spec, int tech_nm, std::int64_t capacity_bytes,
                          int width_bits) const;
  // `what` is the request as cost() names it in errors.
  SramCost interpolate(const SramSpec& spec, int tech_nm, const std::string& what) const;
  std::string row_label(const SramRow& row) const;

  std::filesystem::path path_;
  std::vector<SramRow> rows_;              // status ok, in file order
  std::map<PointKey, std::size_t> exact_;  // preferred row of every point
  std::map<PointKey, std::size_t> grid_;   // preferred row of every grid point
};

}  // namespace bbs::tech
