// How a `run` ended, for the user and for scripts: failed points counted by reason (reasons that
// differ only in their numbers form one group, shown by its first example), the points a
// transient failure left for the next run, and the exit status:
//   0   at least one point of the campaign is done and nothing is left to retry
//   3   no point of the campaign is done (every one failed)
//   75  a transient failure (disk full, locked, I/O) left points unevaluated: run again
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "dse/result_store.hpp"

namespace bbs::app {

inline constexpr int kExitNothingDone = 3;
inline constexpr int kExitRetry = 75;  // EX_TEMPFAIL of sysexits.h

int report_outcome(std::ostream& out, const std::string& campaign,
                   const std::vector<dse::PointRecord>& points,
                   const std::vector<std::string>& transient_failures);

}  // namespace bbs::app
