// An on-chip SRAM as the technology tables describe it (the SRAM cost lookup's request; the
// designs' hardware configs hold two).
#pragma once

#include <cstdint>
#include <string>

namespace bbs::tech {

// One on-chip SRAM as BitSim describes it: one access reads or writes all banks at once.
struct SramSpec {
  std::int64_t capacity_bytes = 0;
  int banks = 1;
  int bank_width_bits = 64;    // width of one bank; a full access moves banks * bank_width_bits
  std::string ports = "1r1w";  // "1r1w" (BitSim) or "1rw"
  std::int64_t access_bits() const { return std::int64_t(banks) * bank_width_bits; }
};

}  // namespace bbs::tech
