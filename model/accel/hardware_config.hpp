// Filling HardwareConfig (model/accel/hardware.hpp) in three layers, later ones winning:
//  1. the built-in preset data/hw/<design>.toml over the defaults: HardwareConfig{}'s values with
//     the sources in hardware_config.cpp, and each design's parameters (AccelModel::parameters());
//     a preset sets what differs from them and every key without a default, each sourced,
//  2. an optional user TOML file with the same schema (any subset of the keys),
//  3. --set key=value overrides with dotted keys (array.rows=16, weight_sram.capacity_kib=512).
// Schema: design, clock_mhz, tech_nm;
//   [array] rows, cols, lanes, multipliers_per_pe, weight_bits, act_bits
//   [pruning] method, group, columns, const_bits, sensitive_fraction, channel_multiple
//   [<design>] that design's own parameters (e.g. [bitvert] bidirectional)
//   [weight_sram], [act_sram] capacity_kib, banks, bank_width_bits, ports
//   [dram] bits_per_cycle, energy_pj_per_bit
//   [energy] pe_pj_per_cycle, weight_reg_pj_per_row_cycle, act_reg_pj_per_col_tile,
//            scheduler_pj_per_cycle, tech_nm (the node of the energy and area constants)
//   [area] pe_um2 (one PE; 0 = not published: the PE array's area and every metric derived from
//          it, pe_area_mm2, area_mm2, tops_per_mm2, are unknown: NaN, printed null, stored NULL)
//   [sources] "<dotted key>" = "where the value comes from" (optional)
// A value from a user file or --set gets the source "file:line" or "--set key=value" unless the
// file's [sources] names one. Errors are bbs::Error: "file:line:column: message" for TOML syntax,
// "file:line: unknown key 'array.rowz' (expected one of: ...)", "file:line: key 'array.rows'
// expects an integer, got a string", "--set array.rows=abc: expects an integer".
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/accel/hardware.hpp"

namespace bbs::accel {

// The built-in presets (file names of data/hw/*.toml), sorted. A preset's `design` is the model
// it runs on: bitvert-cons is design "bitvert" with the conservative pruning setting.
std::vector<std::string> hardware_designs();

// Preset + file + sets, validated.
HardwareConfig load_hardware(std::string_view design,
                             const std::optional<std::filesystem::path>& toml_file,
                             const std::vector<std::string>& sets);

// Whether "key=value" names a schema key and a value of its type (what --set accepts), without a
// preset: throws bbs::Error "'key=value': unknown key ..." or "'key=value': expects an integer".
void check_setting(const std::string& assignment);

// A registered design, positive sizes, banks dividing capacities, columns 0..8, fractions in
// [0, 1], non-negative energies, then the design's own checks. Throws bbs::Error naming the key,
// its value and its source.
void validate(const HardwareConfig& config);

// For a design's own checks: throws the error validate() throws when `ok` is false.
void require_setting(const HardwareConfig& config, bool ok, std::string_view key,
                     std::string_view expected);

// Every schema key of the config's design (the shared keys and its own parameters) with its value
// as text (TOML units: capacities in KiB), in schema order.
std::vector<std::pair<std::string, std::string>> hardware_settings(const HardwareConfig& config);

}  // namespace bbs::accel
