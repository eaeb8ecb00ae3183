#include "app/run_outcome.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace bbs::app {
namespace {

// Reasons grouped by their text with every run of digits replaced by '#'.
struct ReasonGroup {
  std::size_t count = 0;
  std::string example;
};

std::string shape_of(const std::string& reason) {
  std::string shape;
  for (char c : reason) {
    const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!digit)
      shape += c;
    else if (shape.empty() || shape.back() != '#')
      shape += '#';
  }
  return shape;
}

void print_groups(std::ostream& out, const std::vector<std::string>& reasons) {
  std::map<std::string, ReasonGroup> groups;
  for (const auto& reason : reasons) {
    ReasonGroup& g = groups[shape_of(reason)];
    if (g.count++ == 0) g.example = reason;
  }
  std::vector<ReasonGroup> sorted;
  for (auto& [shape, group] : groups) sorted.push_back(std::move(group));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ReasonGroup& a, const ReasonGroup& b) { return a.count > b.count; });
  constexpr std::size_t kShown = 10, kWidth = 300;
  for (std::size_t i = 0; i < std::min(kShown, sorted.size()); ++i) {
    const std::string& text = sorted[i].example;
    out << "  " << sorted[i].count << " x "
        << (text.size() > kWidth ? text.substr(0, kWidth) + "..." : text) << '\n';
  }
  if (sorted.size() > kShown) out << "  ... and " << sorted.size() - kShown << " other reasons\n";
}

}  // namespace

int report_outcome(std::ostream& out, const std::string& campaign,
                   const std::vector<dse::PointRecord>& points,
                   const std::vector<std::string>& transient_failures) {
  std::vector<std::string> failed;
  for (const auto& p : points)
    if (p.status == dse::PointStatus::Failed) failed.push_back(p.error);
  const std::size_t done = points.size() - failed.size();
  if (!failed.empty()) {
    out << "run " << campaign << ": " << failed.size() << " of " << points.size()
        << " stored points failed, by reason:\n";
    print_groups(out, failed);
  }
  if (!transient_failures.empty()) {
    out << "run " << campaign << ": " << transient_failures.size()
        << " points were not evaluated because of a transient failure; run again to retry "
           "them:\n";
    print_groups(out, transient_failures);
    return kExitRetry;
  }
  if (done == 0) {
    out << "run " << campaign << ": error: no design point succeeded\n";
    return kExitNothingDone;
  }
  return 0;
}

}  // namespace bbs::app
