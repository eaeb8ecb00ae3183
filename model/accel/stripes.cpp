// Stripes [MICRO'16]: dense bit-serial. Every tile costs Pw = 8 cycles (one weight bit-column per
// cycle for all G lanes); weights stored at 8 bits. All formulas are AccelModel's defaults.
#include "model/accel/designs.hpp"

namespace bbs::accel {

std::string_view Stripes::name() const { return "stripes"; }
std::string_view Stripes::description() const {
  return "Stripes: dense bit-serial, 8 cycles per tile (normalisation point of the paper)";
}

}  // namespace bbs::accel
